// Copyright ©2026 The rgflow Authors. All rights reserved.

package wgrad

import (
	"math"
	"testing"

	"rgflow/field"
	"rgflow/lattice"
)

// TestEstimateDissipationFree checks that on the free field the sample
// dissipation with the Gaussian-part score equals the closed form of the
// sample spectrum, an algebraic identity (to rounding).
func TestEstimateDissipationFree(t *testing.T) {
	l := lattice.MustNew(6, 4)
	a, _ := field.NewFree(l, 0.8)
	for _, m := range []Method{EulerMaruyama, FourierEuler} {
		lg, _ := NewLangevin(a, LangevinConfig{Beta: 1.7, Step: 0.1, Method: m, FourierMass2: 0.5})
		g, _ := NewGaussianLangevin(lg, FreeSpectrum(l, 3, 1))
		e := lgvFreeEnsemble(t, l, FreeSpectrum(l, 3, 1), 50, 6)
		got, se := lg.EstimateDissipation(e)
		want := g.DissipationOfSpectrum(EnsembleSpectrum(nil, e))
		if math.Abs(got/want-1) > 1e-10 || !(se > 0) {
			t.Errorf("%v: estimate %v ± %v, closed form of the sample spectrum %v", m, got, se, want)
		}
	}
}

// TestGaussianFreeEnergy checks the absolute Gaussian free energy of an
// exact free-field ensemble (not at equilibrium) against
// F(π) + β⁻¹KL, within 4 standard errors estimated from 40 replicas.
func TestGaussianFreeEnergy(t *testing.T) {
	l := lattice.MustNew(6, 6)
	a, _ := field.NewFree(l, 0.6)
	lg, _ := NewLangevin(a, LangevinConfig{Beta: 1.3, Step: 0.1})
	v := FreeSpectrum(l, 2, 1)
	g, _ := NewGaussianLangevin(lg, v)
	want := g.EquilibriumFreeEnergy() + g.FreeEnergyOfSpectrum(v)
	const reps = 40
	var s, s2 float64
	for r := 0; r < reps; r++ {
		e := lgvFreeEnsemble(t, l, v, 20, uint64(100+r))
		x := lg.GaussianFreeEnergy(e)
		s += x
		s2 += x * x
	}
	mean := s / reps
	se := math.Sqrt((s2/reps - mean*mean) / (reps - 1))
	if math.Abs(mean-want) > 4*se {
		t.Errorf("Gaussian free energy %v ± %v, exact %v", mean, se, want)
	}
}

// TestEnergyDissipationClosedForm checks the identity on the closed-form
// free-field flow: the trapezoidal residual is small and falls by 4 when
// the time grid is refined by 2; a flow of the wrong rate fails it.
func TestEnergyDissipationClosedForm(t *testing.T) {
	l := lattice.MustNew(8, 8)
	a, _ := field.NewFree(l, 0.5)
	lg, _ := NewLangevin(a, LangevinConfig{Step: 0.1})
	g, _ := NewGaussianLangevin(lg, FreeSpectrum(l, 4, 1))
	res := func(n int, rate float64) float64 {
		var ts, F, D []float64
		for i := 0; i <= n; i++ {
			tt := 2 * float64(i) / float64(n)
			ts = append(ts, tt)
			F = append(F, g.FreeEnergy(rate*tt))
			D = append(D, g.Dissipation(rate*tt))
		}
		r, err := EnergyDissipation(ts, F, D)
		if err != nil {
			t.Fatal(err)
		}
		if !r.Monotone {
			t.Error("free energy increased")
		}
		return r.MaxRelResidual
	}
	r1, r2 := res(200, 1), res(400, 1)
	if r1 > 1e-2 || math.Abs(r1/r2-4) > 0.3 {
		t.Errorf("residuals %v, %v: want small and second order", r1, r2)
	}
	if r := res(400, 1.5); r < 0.3 {
		t.Errorf("a flow 1.5 times too fast passes with residual %v", r)
	}
}

// TestSpectralKineticAction checks Benamou–Brenier on Gaussian fields:
// the McCann path √v_s = (1−s)√v₀ + s√v₁ has action W₂²(v₀, v₁) exactly,
// and the Langevin path between the same end points has more.
func TestSpectralKineticAction(t *testing.T) {
	l := lattice.MustNew(8, 8)
	a, _ := field.NewFree(l, 0.5)
	lg, _ := NewLangevin(a, LangevinConfig{Step: 0.1})
	g, _ := NewGaussianLangevin(lg, FreeSpectrum(l, 4, 1))
	const T, n = 1.0, 50
	v0, v1 := g.Variance(nil, 0), g.Variance(nil, T)
	w := l.HalfWeights()
	w2 := 0.0
	for j := range v0 {
		d := math.Sqrt(v1[j]) - math.Sqrt(v0[j])
		w2 += w[j] * d * d
	}
	var s []float64
	var mc, lgv [][]float64
	for i := 0; i <= n; i++ {
		si := float64(i) / n
		s = append(s, si)
		v := make([]float64, len(v0))
		for j := range v {
			r := (1-si)*math.Sqrt(v0[j]) + si*math.Sqrt(v1[j])
			v[j] = r * r
		}
		mc = append(mc, v)
		lgv = append(lgv, g.Variance(nil, si*T))
	}
	A, err := SpectralKineticAction(l, s, mc)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(A/w2-1) > 1e-12 {
		t.Errorf("McCann path action %v, W₂² %v", A, w2)
	}
	B, _ := SpectralKineticAction(l, s, lgv)
	if !(B > 1.05*w2) {
		t.Errorf("Langevin path action %v not above W₂² %v", B, w2)
	}
}
