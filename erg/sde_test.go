// Copyright ©2026 The rgflow Authors. All rights reserved.

package erg

import (
	"math"
	"math/rand/v2"
	"testing"

	"rgflow/lattice"
)

// stepCoefficients returns, per mode, the linear coefficients (A, B) of a
// step x ← A x + B ξ, measured by applying the step to (x, ξ) = (1, 0)
// and (0, 1).
func stepCoefficients(p *Process, step func(dst, x, xi []complex128)) (A, B []float64) {
	n := p.Modes()
	one := make([]complex128, n)
	zero := make([]complex128, n)
	for j := range one {
		one[j] = 1
	}
	out := make([]complex128, n)
	step(out, one, zero)
	A = make([]float64, n)
	for j, v := range out {
		A[j] = real(v)
	}
	step(out, zero, one)
	B = make([]float64, n)
	for j, v := range out {
		B[j] = real(v)
	}
	return A, B
}

// sdeVariance propagates the per-mode variance (covariance units) of data
// with spectrum g0 through n steps of method m from 0 to t1: since each
// step is linear, G ← A²G + B² is exact for the discrete scheme.
func sdeVariance(p *Process, g0 []float64, t1 float64, n int, m SDEMethod) []float64 {
	g := append([]float64(nil), g0...)
	h := t1 / float64(n)
	for i := 0; i < n; i++ {
		t0 := float64(i) * h
		A, B := stepCoefficients(p, func(dst, x, xi []complex128) {
			if m == EulerMaruyama {
				p.StepEM(dst, x, xi, t0, h)
			} else {
				p.StepOU(dst, x, xi, t0, t0+h)
			}
		})
		for j := range g {
			g[j] = A[j]*A[j]*g[j] + B[j]*B[j]
		}
	}
	return g
}

func relErr(p *Process, g, want []float64) float64 {
	num, den := 0.0, 0.0
	for j := range g {
		num += p.Weight[j] * math.Abs(g[j]-want[j])
		den += p.Weight[j] * want[j]
	}
	return num / den
}

// TestSDEConvergence shows the stepwise flow converging to the exact
// transition: the Euler–Maruyama variance error falls as h¹ (weak order
// 1: the error ratio on halving h tends to 2), while the exact OU step
// reproduces G_t = ᾱG₀ + (1−ᾱ)σ² to round-off at any step size.
func TestSDEConvergence(t *testing.T) {
	l := lattice.MustNew(6, 6)
	for _, np := range []namedProcess{
		{"exp", mustPolchinski(t, l, PolchinskiParams{Regulator: Exponential{}, Mass2: 0.5, ZeroMode: IntegrateOutZeroMode})},
		{"fermi-dirac", mustPolchinski(t, l, PolchinskiParams{Regulator: FermiDirac{T: 0.3}, Mass2: 0.5, ZeroMode: IntegrateOutZeroMode})},
	} {
		p := np.p
		g0 := make([]float64, p.Modes())
		for j, e := range p.Eps {
			g0[j] = 2 / (e + 0.1)
		}
		t1 := 0.5 * p.T
		exact := p.Spectrum(nil, g0, t1)
		if e := relErr(p, sdeVariance(p, g0, t1, 3, ExactOU), exact); e > 1e-13 {
			t.Errorf("%s: exact OU steps miss G_t by %v", np.name, e)
		}
		var errs []float64
		ns := []int{40, 80, 160, 320, 640}
		for _, n := range ns {
			errs = append(errs, relErr(p, sdeVariance(p, g0, t1, n, EulerMaruyama), exact))
		}
		for i := 1; i < len(errs); i++ {
			order := math.Log2(errs[i-1] / errs[i])
			t.Logf("%s: EM n=%d error %.3e, observed order %.3f", np.name, ns[i], errs[i], order)
			// The asymptotic order is 1; the last two refinements must
			// be within 0.05 of it (the next term of the error expansion,
			// O(h²), shifts the observed order by ~β_max h ≈ 2% at
			// n = 320 for these rates).
			if i >= len(errs)-2 && math.Abs(order-1) > 0.05 {
				t.Errorf("%s: observed weak order %.3f at n=%d, want 1", np.name, order, ns[i])
			}
		}
	}
}

func mustPolchinski(t *testing.T, l *lattice.Lattice, par PolchinskiParams) *Process {
	t.Helper()
	p, err := NewPolchinski(l, par)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestSDESampling runs IntegrateSDE on exact Gaussian samples and checks
// the sample spectrum against the scheme's own variance (exact for the OU
// step, the EM recursion for EM) by χ² over modes, so that the sampler —
// noise and steps together — is what the recursion says.
func TestSDESampling(t *testing.T) {
	l := lattice.MustNew(6, 5)
	p := mustPolchinski(t, l, PolchinskiParams{Regulator: Exponential{}, Mass2: 0.5, ZeroMode: IntegrateOutZeroMode})
	g0 := make([]float64, p.Modes())
	for j, e := range p.Eps {
		g0[j] = 2 / (e + 0.1)
	}
	const n, steps = 2000, 12
	t1 := 0.4 * p.T
	for _, m := range []SDEMethod{ExactOU, EulerMaruyama} {
		rnd := rand.New(rand.NewPCG(uint64(m)+1, 17))
		want := sdeVariance(p, g0, t1, steps, m)
		ghat := make([]float64, p.Modes())
		x := make([]complex128, p.Modes())
		xi := make([]complex128, p.Modes())
		for s := 0; s < n; s++ {
			p.Noise(x, rnd)
			for j := range x {
				x[j] *= complex(math.Sqrt(g0[j]), 0)
			}
			p.IntegrateSDE(x, x, xi, 0, t1, steps, m, rnd)
			for j, c := range x {
				ghat[j] += (real(c)*real(c) + imag(c)*imag(c)) / (n * p.Norm[j])
			}
		}
		chi2, dof := spectrumChi2(t, p, ghat, want, n)
		if q := chi2Quantile(dof, zPerTest); chi2 > q {
			t.Errorf("%v: χ² = %.1f over %v modes exceeds %.1f", m, chi2, dof, q)
		}
	}
}
