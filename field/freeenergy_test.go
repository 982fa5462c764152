// Copyright ©2026 The rgflow Authors. All rights reserved.

package field

import (
	"math"
	"testing"

	"rgflow/lattice"
)

// hoppingAt returns FreeEnergyTI's action constructor on l at fixed λ.
func hoppingAt(l *lattice.Lattice, lambda float64) func(float64) (*Phi4, error) {
	return func(k float64) (*Phi4, error) { return NewPhi4Hopping(l, HoppingParams{Kappa: k, Lambda: lambda}) }
}

// TestFreeEnergyTIGaussian integrates to κ = 0.2 at λ = 0 on 8², where
// the action ½φᵀ(2 − 2κA)φ has the closed form
// −log Z/V = −½ log 2π + (1/2V) Σ_k log(2 − 4κ Σ_μ cos k_μ). Asserted at
// 3σ of the statistical error (two-sided, 0.27% for a fixed seed) plus
// the quadrature estimate.
func TestFreeEnergyTIGaussian(t *testing.T) {
	l := lattice.MustNew(8, 8)
	const kappa = 0.2
	r, err := FreeEnergyTI(HoppingParams{Kappa: kappa}, hoppingAt(l, 0), TIConfig{Points: 8, Thermalise: 200, Updates: 2000, Seed: 3, Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	want := -0.5 * math.Log(2*math.Pi)
	for a := range 8 {
		for b := range 8 {
			c := math.Cos(2*math.Pi*float64(a)/8) + math.Cos(2*math.Pi*float64(b)/8)
			want += math.Log(2-4*kappa*c) / (2 * 64)
		}
	}
	t.Logf("−log Z/V = %.6f ± %.2g (quadrature %.2g), exact %.6f", r.F, r.Err, r.Quad, want)
	if d := math.Abs(r.F - want); d > 3*r.Err+r.Quad || !(r.Err > 0) {
		t.Errorf("−log Z/V = %.6f ± %.2g (quadrature %.2g), closed form %.6f: off by %.2g", r.F, r.Err, r.Quad, want, d)
	}
	if d := r.FCont - (r.F - 0.5*math.Log(2*kappa)); d != 0 {
		t.Errorf("continuum free energy %v, want F − ½ log 2κ", r.FCont)
	}
}

// TestFreeEnergyTIAnharmonicRing checks the quartic case on a ring of three
// sites, whose Z is a three-dimensional integral done here by the
// trapezoidal rule (spectrally accurate for this smooth, fast-decaying
// integrand). Asserted at 3σ plus the quadrature estimate.
func TestFreeEnergyTIAnharmonicRing(t *testing.T) {
	l := lattice.MustNew(3)
	h := HoppingParams{Kappa: 0.4, Lambda: 0.5}
	r, err := FreeEnergyTI(h, hoppingAt(l, h.Lambda), TIConfig{Points: 8, Thermalise: 200, Updates: 4000, Seed: 5, Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	const n, lim = 121, 3.6
	dx := 2 * lim / float64(n-1)
	site := func(x float64) float64 { return (1-2*h.Lambda)*x*x + h.Lambda*x*x*x*x }
	z := 0.0
	for i := range n {
		x := -lim + float64(i)*dx
		for j := range n {
			y := -lim + float64(j)*dx
			for k := range n {
				w := -lim + float64(k)*dx
				z += math.Exp(-site(x) - site(y) - site(w) + 2*h.Kappa*(x*y+y*w+w*x))
			}
		}
	}
	want := -math.Log(z*dx*dx*dx) / 3
	t.Logf("−log Z/V = %.6f ± %.2g (quadrature %.2g), exact %.6f", r.F, r.Err, r.Quad, want)
	if d := math.Abs(r.F - want); d > 3*r.Err+r.Quad || !(r.Err > 0) {
		t.Errorf("−log Z/V = %.6f ± %.2g (quadrature %.2g), quadrature of Z %.6f: off by %.2g", r.F, r.Err, r.Quad, want, d)
	}
}

// TestFreeEnergyTIErrors: an odd grid, too few updates and κ ≤ 0 are
// errors.
func TestFreeEnergyTIErrors(t *testing.T) {
	l := lattice.MustNew(4)
	for _, c := range []struct {
		h   HoppingParams
		cfg TIConfig
	}{
		{HoppingParams{Kappa: 0.1}, TIConfig{Points: 3, Updates: 10}},
		{HoppingParams{Kappa: 0.1}, TIConfig{Points: 4, Updates: 1}},
		{HoppingParams{Kappa: 0}, TIConfig{Points: 4, Updates: 10}},
		{HoppingParams{Kappa: 0.1, Lambda: math.NaN()}, TIConfig{Points: 4, Updates: 10}},
	} {
		if _, err := FreeEnergyTI(c.h, hoppingAt(l, c.h.Lambda), c.cfg); err == nil {
			t.Errorf("%+v %+v: no error", c.h, c.cfg)
		}
	}
}
