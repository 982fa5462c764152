// Copyright ©2026 The rgflow Authors. All rights reserved.

package lpa

import (
	"math"
	"testing"
)

// Published LPA values for the Ising class in d = 3: C. Bervillier,
// A. Jüttner and D. F. Litim, "High-accuracy scaling exponents in the local
// potential approximation", Nucl. Phys. B 783 (2007) 213,
// arXiv:hep-th/0701172. They computed the Wilson–Polchinski LPA (this
// flow) and the optimised (Litim-regulator) Wetterich LPA, which are
// equivalent (T. R. Morris, JHEP 0507 (2005) 027), and established
// agreement of both to about 13 significant figures:
//
//	ν = 0.649 561 773 880 65,  ω = 0.655 745 939 193 35,
//	ω₂ = 3.180 006 512 059 2,  ω₅ = 1.886 703 838 091 4,
//
// with ω₅ = −λ the leading irrelevant eigenvalue of the Z₂-odd sector.
// (These digits are quoted from the paper's tables without the full text
// at hand to check them; the independent computation below reproduces
// every quoted digit but the last one or two.)
const (
	bjlNu     = 0.64956177388065
	bjlOmega  = 0.65574593919335
	bjlOmega2 = 3.1800065120592
	bjlOmega5 = 1.8867038380914
	// bjlTol: the Richardson-extrapolated RK4 eigenvalues here carry an
	// error below 10⁻¹² (their StepErr), the quoted digits ~10⁻¹³.
	bjlTol = 5e-12
)

// TestLPAIsingThreeDimensions compares ν, ω, ω₂ and ω₅ of the
// Wilson–Fisher fixed point in d = 3 with the published high-accuracy
// values, and checks the two exact odd eigenvalues (d+2)/2 (magnetic,
// δv = φ − v*′) and (d−2)/2 (redundant, δv = v*′).
func TestLPAIsingThreeDimensions(t *testing.T) {
	l, err := New(3, 1)
	if err != nil {
		t.Fatal(err)
	}
	ex, fp, err := l.CriticalExponents(-3.5)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("γ = %.14f, A = %.10f, RMatch = %.3g, RInf = %.3g, suppression e^-%.3g", fp.Gamma, fp.A, fp.RMatch, fp.RInf, fp.Suppression())
	t.Logf("ν = %.14f ω = %.14f ω₂ = %.13f odd %v (step error %.2g)", ex.Nu, ex.Omega, ex.Omega2, ex.Odd, ex.StepErr)
	if ex.StepErr > 1e-11 {
		t.Errorf("Richardson correction %v: the integration step is too coarse", ex.StepErr)
	}
	for _, c := range []struct {
		name      string
		got, want float64
	}{
		{"ν", ex.Nu, bjlNu},
		{"ω", ex.Omega, bjlOmega},
		{"ω₂", ex.Omega2, bjlOmega2},
	} {
		if math.Abs(c.got-c.want) > bjlTol {
			t.Errorf("%s = %.14f, Bervillier–Jüttner–Litim %.14f", c.name, c.got, c.want)
		}
	}
	if len(ex.Odd) != 3 {
		t.Fatalf("odd eigenvalues above −3.5: %v, want 3", ex.Odd)
	}
	exact := []float64{2.5, 0.5}
	for i, w := range exact {
		if math.Abs(ex.Odd[i]-w) > 1e-12 {
			t.Errorf("odd eigenvalue %d = %.15f, exact %v", i, ex.Odd[i], w)
		}
	}
	if math.Abs(-ex.Odd[2]-bjlOmega5) > bjlTol {
		t.Errorf("ω₅ = %.14f, Bervillier–Jüttner–Litim %.14f", -ex.Odd[2], bjlOmega5)
	}
}

// TestLPAGaussianSpectrum: around the Gaussian fixed point v* = 0 the
// eigenvalues are exactly d − n(d−2)/2, n even (even sector, n ≥ 2; the
// constant n = 0 with λ = d is not in the f-form) and n odd (odd
// sector), for any d, and the same singlet values for O(N).
func TestLPAGaussianSpectrum(t *testing.T) {
	for _, c := range []struct {
		d float64
		n int
	}{{3, 1}, {2.5, 1}, {3.6, 1}, {3, 4}} {
		l, err := New(c.d, c.n)
		if err != nil {
			t.Fatal(err)
		}
		fp := l.GaussianFixedPoint()
		// Deeper eigenfunctions are polynomials of high degree whose RK4
		// error grows with the degree: stop at −1.6.
		lmin := -1.6
		even, err := fp.Eigenvalues(Even, lmin, c.d-1e-3)
		if err != nil {
			t.Fatal(err)
		}
		var want []float64
		for n := 2; ; n += 2 {
			w := c.d - float64(n)*(c.d-2)/2
			if w < lmin {
				break
			}
			want = append(want, w)
		}
		check := func(sec string, got, want []float64) {
			if len(got) != len(want) {
				t.Errorf("d=%v N=%d %s: eigenvalues %v, want %v", c.d, c.n, sec, got, want)
				return
			}
			for i := range got {
				// RK4 at the default step: ~10⁻¹¹.
				if math.Abs(got[i]-want[i]) > 1e-9 {
					t.Errorf("d=%v N=%d %s: λ_%d = %.12f, exact %v", c.d, c.n, sec, i, got[i], want[i])
				}
			}
		}
		check("even", even, want)
		if c.n == 1 {
			odd, err := fp.Eigenvalues(Odd, lmin, (c.d+2)/2+0.25)
			if err != nil {
				t.Fatal(err)
			}
			want = want[:0]
			for n := 1; ; n += 2 {
				w := c.d - float64(n)*(c.d-2)/2
				if w < lmin {
					break
				}
				want = append(want, w)
			}
			check("odd", odd, want)
		}
	}
}

// TestLPAFourDimensions: as d → 4 the Wilson–Fisher point merges with the
// Gaussian one, with ν = ½ + (N+2)ε/(4(N+8)) + O(ε²) and ω = ε + O(ε²),
// ε = 4 − d (the O(ε) terms are exact in LPA because η = O(ε²)). The
// O(ε) coefficients are extrapolated from ε = 0.02 and 0.01 by removing
// the linear term: c₀ = 2c(0.01) − c(0.02), leaving O(ε²) ≈ 10⁻⁴.
func TestLPAFourDimensions(t *testing.T) {
	for _, n := range []int{1, 3} {
		var cnu, com [2]float64
		for i, eps := range []float64{0.02, 0.01} {
			l, err := New(4-eps, n)
			if err != nil {
				t.Fatal(err)
			}
			fp, err := l.WilsonFisher()
			if err != nil {
				t.Fatalf("N=%d ε=%v: %v", n, eps, err)
			}
			ev, err := fp.Eigenvalues(Even, -0.5, l.D-1e-3)
			if err != nil || len(ev) < 2 {
				t.Fatalf("N=%d ε=%v: eigenvalues %v, %v", n, eps, ev, err)
			}
			cnu[i] = (1/ev[0] - 0.5) / eps
			com[i] = -ev[1] / eps
		}
		nu1 := 2*cnu[1] - cnu[0]
		om1 := 2*com[1] - com[0]
		wantNu := float64(n+2) / (4 * float64(n+8))
		t.Logf("N=%d: (ν−½)/ε → %.5f (exact %.5f), ω/ε → %.5f", n, nu1, wantNu, om1)
		if math.Abs(nu1-wantNu) > 5e-4 {
			t.Errorf("N=%d: dν/dε at d = 4 is %v, want %v", n, nu1, wantNu)
		}
		if math.Abs(om1-1) > 5e-3 {
			t.Errorf("N=%d: dω/dε at d = 4 is %v, want 1", n, om1)
		}
	}
}

// TestLPALargeN: as N → ∞ the LPA becomes exact, with ν = 1/(d−2) and
// ω = 4 − d; at finite N the corrections are O(1/N). At N = 200 in d = 3
// both must be within 3/N of their limits.
func TestLPALargeN(t *testing.T) {
	if testing.Short() {
		t.Skip("large-N fixed point: a few seconds")
	}
	const N = 200
	l, err := New(3, N)
	if err != nil {
		t.Fatal(err)
	}
	fp, err := l.WilsonFisher()
	if err != nil {
		t.Fatal(err)
	}
	ev, err := fp.Eigenvalues(Even, -1.5, l.D-1e-3)
	if err != nil || len(ev) < 2 {
		t.Fatalf("eigenvalues %v, %v", ev, err)
	}
	nu, om := 1/ev[0], -ev[1]
	t.Logf("N=%d: ν = %.6f, ω = %.6f; N(1−ν) = %.3f, N(1−ω) = %.3f", N, nu, om, N*(1-nu), N*(1-om))
	if math.Abs(nu-1) > 3.0/N || math.Abs(om-1) > 3.0/N {
		t.Errorf("N=%d: ν = %v, ω = %v, want 1 + O(1/N)", N, nu, om)
	}
}

// TestLPAProfile checks the fixed point's potential against the
// fixed-point equation written for v, d v − ((d−2)/2) r v′ + v″ +
// (N−1)v′/r − v′² = 0, by finite differences of the sampled v* (fourth
// order, h = 0.01), and v*′ = f* likewise; and that the Wilson–Fisher
// potential has its minimum away from the origin (v*″(0) = γ < 0).
func TestLPAProfile(t *testing.T) {
	for _, n := range []int{1, 2} {
		l, _ := New(3, n)
		fp, err := l.WilsonFisher()
		if err != nil {
			t.Fatal(err)
		}
		if !(fp.Gamma < 0) {
			t.Errorf("N=%d: γ = %v, want < 0", n, fp.Gamma)
		}
		const h = 0.01
		var r []float64
		for x := 0.5; x < fp.RMatch+2; x += 0.37 {
			r = append(r, x-2*h, x-h, x, x+h, x+2*h)
		}
		v, f := fp.Profile(r)
		d := l.D
		for k := 0; k < len(r); k += 5 {
			x := r[k+2]
			v1 := (v[k] - 8*v[k+1] + 8*v[k+3] - v[k+4]) / (12 * h)
			v2 := (-v[k] + 16*v[k+1] - 30*v[k+2] + 16*v[k+3] - v[k+4]) / (12 * h * h)
			res := d*v[k+2] - (d-2)/2*x*v1 + v2 + float64(n-1)*v1/x - v1*v1
			// Hermite interpolation between RK4 samples (error ~10⁻¹²,
			// amplified by 1/h² = 10⁴ in v″) and the O(h⁴) = 10⁻⁸ error
			// of the difference formulas leave ~10⁻⁸.
			if math.Abs(res) > 1e-6*(1+math.Abs(v2)) || math.Abs(v1-f[k+2]) > 1e-6*(1+math.Abs(f[k+2])) {
				t.Errorf("N=%d r=%.2f: residual %v, v′ = %v vs f = %v", n, x, res, v1, f[k+2])
			}
		}
	}
}

// TestLPAEigenfunction checks the eigenfunction of λ₁ against the
// linearised equation for δv by finite differences: (d − λ)δv =
// ((d−2)/2) r δv′ − δv″ − (N−1)δv′/r + 2v*′δv′.
func TestLPAEigenfunction(t *testing.T) {
	l, _ := New(3, 1)
	fp, err := l.WilsonFisher()
	if err != nil {
		t.Fatal(err)
	}
	ev, err := fp.Eigenvalues(Even, -1, 2.9)
	if err != nil {
		t.Fatal(err)
	}
	const h = 0.01
	var r []float64
	for x := 0.3; x < fp.RMatch+2; x += 0.41 {
		r = append(r, x-2*h, x-h, x, x+h, x+2*h)
	}
	for _, lam := range ev[:2] {
		dv, df := fp.Eigenfunction(Even, lam, r)
		_, f := fp.Profile(r)
		for k := 0; k < len(r); k += 5 {
			x := r[k+2]
			d1 := (dv[k] - 8*dv[k+1] + 8*dv[k+3] - dv[k+4]) / (12 * h)
			d2 := (-dv[k] + 16*dv[k+1] - 30*dv[k+2] + 16*dv[k+3] - dv[k+4]) / (12 * h * h)
			res := (l.D-lam)*dv[k+2] - ((l.D-2)/2*x*d1 - d2 + 2*f[k+2]*d1)
			scale := 1 + math.Abs(dv[k+2]) + math.Abs(d2)
			// As in TestLPAProfile: ~10⁻⁸ from interpolation and
			// differencing.
			if math.Abs(res) > 1e-6*scale || math.Abs(d1-df[k+2]) > 1e-6*(1+math.Abs(df[k+2])) {
				t.Errorf("λ=%v r=%.2f: residual %v (scale %v), δv′ = %v vs δf = %v", lam, x, res, scale, d1, df[k+2])
			}
		}
	}
}

func TestNewLPAErrors(t *testing.T) {
	for _, c := range []struct {
		d float64
		n int
	}{{2, 1}, {4.5, 1}, {3, 0}} {
		if _, err := New(c.d, c.n); err == nil {
			t.Errorf("d=%v N=%d: want error", c.d, c.n)
		}
	}
	l, _ := New(4, 1)
	if _, err := l.WilsonFisher(); err == nil {
		t.Error("d = 4: the Wilson–Fisher point is Gaussian; want error")
	}
	l3, _ := New(3, 2)
	if _, err := l3.GaussianFixedPoint().Eigenvalues(Odd, 0, 1); err == nil {
		t.Error("odd sector for N = 2: want error")
	}
}
