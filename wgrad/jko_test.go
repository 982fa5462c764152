// Copyright ©2026 The rgflow Authors. All rights reserved.

package wgrad

import (
	"fmt"
	"math"
	"testing"

	"gonum.org/v1/gonum/stat/distuv"
)

// jkoEquilibrium returns the discrete equilibrium grid of V = x²/2 at
// inverse temperature beta with n cells, and its variance.
func jkoEquilibrium(t *testing.T, n int, beta float64) ([]float64, float64) {
	t.Helper()
	x0 := GridFromQuantile(n, distuv.Normal{Mu: 0, Sigma: 1 / math.Sqrt(beta)}.Quantile)
	j, err := NewJKO1D(x0, HarmonicPotential(1), beta, 1)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := j.Minimise(); err != nil {
		t.Fatal(err)
	}
	_, v := j.Moments()
	return j.X, v
}

func jkoScaled(x []float64, s float64) []float64 {
	y := make([]float64, len(x))
	for i, v := range x {
		y[i] = s * v
	}
	return y
}

// TestJKOScalingRecursion checks the solver against an exact property of
// the discretisation: from a scaled copy s₀x* of the discrete OU
// equilibrium x*, every JKO step of V = x²/2 (or of the entropy alone) is
// again a scaled copy, with the scale solving the Gaussian JKO recursion
// (s − s_n)/τ = −s + 1/s (OU), or (s − s_n)/τ = 1/s (heat), because
// W₂², ∫Vρ and the entropy of scaled grids are exactly those of scaled
// Gaussians. Agreement to 1e-9 checks gradient, Hessian and convergence.
func TestJKOScalingRecursion(t *testing.T) {
	const beta, tau, s0 = 2.0, 0.1, 1.7
	xs, _ := jkoEquilibrium(t, 200, beta)
	for _, c := range []struct {
		name string
		pot  Potential1D
		k    float64
	}{{"OU", HarmonicPotential(1), 1}, {"heat", Potential1D{}, 0}} {
		j, err := NewJKO1D(jkoScaled(xs, s0), c.pot, beta, tau)
		if err != nil {
			t.Fatal(err)
		}
		s := s0
		for n := 0; n < 10; n++ {
			if _, err := j.Step(); err != nil {
				t.Fatal(err)
			}
			// (1 + kτ)s² − s_n s − τ = 0, positive root.
			a := 1 + c.k*tau
			s = (s + math.Sqrt(s*s+4*a*tau)) / (2 * a)
			for i, v := range j.X {
				if math.Abs(v-s*xs[i]) > 1e-9*(1+math.Abs(v)) {
					t.Fatalf("%s step %d: point %d at %v, want %v", c.name, n, i, v, s*xs[i])
				}
			}
		}
	}
}

// TestJKOOrnsteinUhlenbeck checks JKO for V = x²/2, β = 1 from a Gaussian
// of variance s₀² = 3 (the scaled discrete equilibrium, so that the
// spatial error is the equilibrium's own, removed by taking the variance
// relative to it) against the Fokker–Planck solution
// 1 + (s₀² − 1)e^{−2t}, and its first-order convergence in τ: the error
// at t = 1 halves with τ (ratio within 10% of 2).
func TestJKOOrnsteinUhlenbeck(t *testing.T) {
	const s0sq, T = 3.0, 1.0
	xs, veq := jkoEquilibrium(t, 100, 1)
	if math.Abs(veq-1) > 0.05 {
		t.Fatalf("discrete equilibrium variance %v, want ≈ 1", veq)
	}
	exact := 1 + (s0sq-1)*math.Exp(-2*T)
	var errs []float64
	for _, tau := range []float64{0.04, 0.02, 0.01} {
		j, _ := NewJKO1D(jkoScaled(xs, math.Sqrt(s0sq)), HarmonicPotential(1), 1, tau)
		for n := 0; n < int(math.Round(T/tau)); n++ {
			if _, err := j.Step(); err != nil {
				t.Fatal(err)
			}
		}
		_, v := j.Moments()
		errs = append(errs, v/veq-exact)
	}
	t.Logf("variance errors at t = 1 for τ = 0.04, 0.02, 0.01: %.3g", errs)
	for i := 0; i+1 < len(errs); i++ {
		if r := errs[i] / errs[i+1]; math.Abs(r-2) > 0.2 {
			t.Errorf("error ratio %v under halving τ (errors %v)", r, errs)
		}
	}
	if math.Abs(errs[2]) > 0.02 {
		t.Errorf("error %v at τ = 0.01", errs[2])
	}
}

// TestJKOHeatFromQuantiles runs the heat equation (entropy alone, β = 1)
// from the quantile grid of N(0, 1) with 400 cells and checks the variance
// against 1 + 2t at t = 0.5 within the sum of the time error (O(τ),
// about τ) and the spatial error of the cut tails (the initial grid's
// variance deficit, carried along unchanged by the heat flow).
func TestJKOHeatFromQuantiles(t *testing.T) {
	const tau, T = 0.005, 0.5
	x0 := GridFromQuantile(400, distuv.UnitNormal.Quantile)
	j, _ := NewJKO1D(x0, Potential1D{}, 1, tau)
	_, v0 := j.Moments()
	for n := 0; n < int(math.Round(T/tau)); n++ {
		if _, err := j.Step(); err != nil {
			t.Fatal(err)
		}
	}
	_, v := j.Moments()
	t.Logf("heat: variance %.5f, v0 + 2t = %.5f", v, v0+2*T)
	if want := v0 + 2*T; math.Abs(v-want) > 2*tau {
		t.Errorf("variance %v, want %v (initial %v)", v, want, v0)
	}
}

// TestJKOEnergyDissipation checks the discrete energy–dissipation balance
// along a JKO flow of a double-well potential V = x⁴/4 − x²/2 from a
// shifted Gaussian: F falls monotonically, and the trapezoidal
// ∫Dissipation dt matches the drop of F up to the scheme's O(τ) error
// (the residual halves with τ).
func TestJKOEnergyDissipation(t *testing.T) {
	dw := Potential1D{
		V:   func(x float64) float64 { return x*x*x*x/4 - x*x/2 },
		DV:  func(x float64) float64 { return x*x*x - x },
		D2V: func(x float64) float64 { return 3*x*x - 1 },
	}
	x0 := GridFromQuantile(100, distuv.Normal{Mu: 0.5, Sigma: 0.3}.Quantile)
	var res []float64
	for _, tau := range []float64{0.01, 0.005} {
		j, err := NewJKO1D(x0, dw, 2, tau)
		if err != nil {
			t.Fatal(err)
		}
		ts := []float64{0}
		F := []float64{j.FreeEnergy()}
		D := []float64{j.Dissipation()}
		for n := 1; n <= int(math.Round(0.5/tau)); n++ {
			if _, err := j.Step(); err != nil {
				t.Fatal(err)
			}
			ts = append(ts, float64(n)*tau)
			F = append(F, j.FreeEnergy())
			D = append(D, j.Dissipation())
		}
		r, err := EnergyDissipation(ts, F, D)
		if err != nil {
			t.Fatal(err)
		}
		if !r.Monotone {
			t.Errorf("τ = %v: F increased", tau)
		}
		drop, integ := 0.0, 0.0
		for i := range r.Drop {
			drop += r.Drop[i]
			integ += r.Integral[i]
		}
		res = append(res, math.Abs(drop-integ)/drop)
	}
	t.Logf("relative energy–dissipation residuals for τ = 0.01, 0.005: %.3g", res)
	if res[0] > 0.05 || math.Abs(res[0]/res[1]-2) > 0.4 {
		t.Errorf("relative energy–dissipation residuals %v: want small and first order in τ", res)
	}
}

func TestJKOErrors(t *testing.T) {
	for _, c := range []struct {
		x         []float64
		beta, tau float64
	}{
		{[]float64{0}, 1, 1},
		{[]float64{0, 0}, 1, 1},
		{[]float64{0, 1}, 0, 1},
		{[]float64{0, 1}, 1, 0},
	} {
		if _, err := NewJKO1D(c.x, Potential1D{}, c.beta, c.tau); err == nil {
			t.Errorf("NewJKO1D(%v, β=%v, τ=%v): no error", c.x, c.beta, c.tau)
		}
	}
}

func ExampleJKO1D() {
	// Fokker–Planck for V = x²/2 at β = 1 from N(0, 3) by JKO steps of 0.05.
	x0 := GridFromQuantile(200, distuv.Normal{Mu: 0, Sigma: math.Sqrt(3)}.Quantile)
	j, _ := NewJKO1D(x0, HarmonicPotential(1), 1, 0.05)
	for n := 1; n <= 20; n++ {
		j.Step()
		if n%10 == 0 {
			_, v := j.Moments()
			fmt.Printf("t = %.1f: variance %.3f (exact %.3f), F = %.4f\n", 0.05*float64(n), v, 1+2*math.Exp(-0.1*float64(n)), j.FreeEnergy())
		}
	}
	// Output:
	// t = 0.5: variance 1.715 (exact 1.736), F = -0.8280
	// t = 1.0: variance 1.274 (exact 1.271), F = -0.9000
}

// TestJKOBarenblatt checks the porous-medium energy (m = 2, β = 1):
// the discrete equilibrium in V = x²/2 is the Barenblatt profile
// ρ = ½(C − x²/2)₊ with C^{3/2} = 3/(2√2) and variance (4/15)C²√(2C)
// (within 1e-3 at 400 cells); and from it, scaled by s₀, the flow of the
// porous-medium energy alone (∂_tρ = ∂²_x ρ²) stays self-similar with the
// implicit-Euler scale recursion (s − s_n)/τ = s^{−m} (exact, to 1e-9),
// which tends to the Barenblatt law s^{m+1} = s₀^{m+1} + (m+1)t at first
// order in τ.
func TestJKOBarenblatt(t *testing.T) {
	const m = 2.0
	C := math.Pow(3/(2*math.Sqrt2), 2.0/3)
	R := math.Sqrt(2 * C)
	wantVar := 4.0 / 15 * C * C * R
	x0 := GridFromQuantile(400, distuv.Normal{Mu: 0, Sigma: 0.5}.Quantile)
	eq, err := NewJKO1D(x0, HarmonicPotential(1), 1, 1)
	if err != nil {
		t.Fatal(err)
	}
	eq.PorousM = m
	if _, err := eq.Minimise(); err != nil {
		t.Fatal(err)
	}
	_, v := eq.Moments()
	if math.Abs(v/wantVar-1) > 1e-3 {
		t.Errorf("porous equilibrium variance %v, Barenblatt %v", v, wantVar)
	}
	if e := eq.X[len(eq.X)-1]; math.Abs(e/R-1) > 0.05 {
		t.Errorf("support edge %v, Barenblatt %v", e, R)
	}
	xs := append([]float64(nil), eq.X...)
	const s0, T = 1.0, 1.0
	var errs []float64
	for _, tau := range []float64{0.05, 0.025} {
		j, _ := NewJKO1D(jkoScaled(xs, s0), Potential1D{}, 1, tau)
		j.PorousM = m
		s := s0
		for n := 0; n < int(math.Round(T/tau)); n++ {
			if _, err := j.Step(); err != nil {
				t.Fatal(err)
			}
			// Solve (s' − s)/τ = s'^{−m} by Newton from s.
			sp := s
			for k := 0; k < 50; k++ {
				f := sp - s - tau*math.Pow(sp, -m)
				sp -= f / (1 + m*tau*math.Pow(sp, -m-1))
			}
			s = sp
		}
		for i, x := range j.X {
			if math.Abs(x-s*xs[i]) > 1e-9*(1+math.Abs(x)) {
				t.Fatalf("τ = %v: point %d at %v, self-similar %v", tau, i, x, s*xs[i])
			}
		}
		exact := math.Pow(math.Pow(s0, m+1)+(m+1)*T, 1/(m+1))
		errs = append(errs, s-exact)
	}
	t.Logf("Barenblatt scale errors at t = 1 for τ = 0.05, 0.025: %.3g", errs)
	if r := errs[0] / errs[1]; math.Abs(r-2) > 0.2 {
		t.Errorf("scale error ratio %v under halving τ, want 2", r)
	}
}
