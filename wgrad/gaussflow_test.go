// Copyright ©2026 The rgflow Authors. All rights reserved.

package wgrad

import (
	"math"
	"math/rand/v2"
	"testing"

	"rgflow/field"
	"rgflow/lattice"
)

// TestGaussianLangevinClosedForms checks the closed forms against each
// other: Variance solves dv/dt = −2Ω(v − G) (central difference), the
// Euler recursion tends to Variance as h → 0 at first order, and
// −dF/dt from finite differences of FreeEnergy equals Dissipation.
func TestGaussianLangevinClosedForms(t *testing.T) {
	l := lattice.MustNew(6, 5)
	a, _ := field.NewFree(l, 0.7)
	for _, m := range []Method{EulerMaruyama, FourierEuler} {
		lg, _ := NewLangevin(a, LangevinConfig{Beta: 1.5, Step: 0.1, Method: m, FourierMass2: 2})
		g, err := NewGaussianLangevin(lg, FreeSpectrum(l, 3, 0.5))
		if err != nil {
			t.Fatal(err)
		}
		const tt, dt = 0.4, 1e-5
		vp, vm, v := g.Variance(nil, tt+dt), g.Variance(nil, tt-dt), g.Variance(nil, tt)
		G, om := g.Equilibrium(nil), g.Rates(nil)
		for j := range v {
			d := (vp[j] - vm[j]) / (2 * dt)
			if want := -2 * om[j] * (v[j] - G[j]); math.Abs(d-want) > 1e-6*(1+math.Abs(want)) {
				t.Errorf("%v mode %d: dv/dt = %v, want %v", m, j, d, want)
			}
		}
		fd := -(g.FreeEnergy(tt+dt) - g.FreeEnergy(tt-dt)) / (2 * dt)
		if d := g.Dissipation(tt); math.Abs(fd/d-1) > 1e-6 {
			t.Errorf("%v: −dF/dt = %v by differences, Dissipation = %v", m, fd, d)
		}
		// Euler error at t: ∝ h, so halving h halves it.
		var errs []float64
		for _, h := range []float64{0.01, 0.005} {
			v := append([]float64(nil), g.V0...)
			for k := 0; k < int(math.Round(tt/h)); k++ {
				g.EulerStep(v, v, h)
			}
			e := 0.0
			for j, vj := range g.Variance(nil, tt) {
				e = math.Max(e, math.Abs(v[j]-vj))
			}
			errs = append(errs, e)
		}
		if r := errs[0] / errs[1]; math.Abs(r-2) > 0.1 {
			t.Errorf("%v: Euler error ratio under halving h is %v, want 2", m, r)
		}
	}
}

// TestGaussianEstimateUnbiased draws 400 exact Gaussian ensembles of only
// N = 6 samples (8×8) and checks that the mean of Estimate's free energy,
// dissipation and W₂² lies within 4 standard errors of the exact values,
// while the plug-in free energy is biased by about β⁻¹·(34 modes)/(2N).
func TestGaussianEstimateUnbiased(t *testing.T) {
	const N, reps = 6, 400
	l := lattice.MustNew(8, 8)
	a, _ := field.NewFree(l, 0.5)
	lg, _ := NewLangevin(a, LangevinConfig{Beta: 2, Step: 0.1})
	v := FreeSpectrum(l, 1.5, 1)
	g, _ := NewGaussianLangevin(lg, v)
	want := [3]float64{g.FreeEnergyOfSpectrum(v), g.DissipationOfSpectrum(v), g.W2SqOfSpectrum(v)}
	s, _ := field.NewGaussianSampler(l, v)
	rnd := rand.New(rand.NewPCG(3, 4))
	e := field.NewEnsemble(l, N)
	var sum, sum2 [3]float64
	plug := 0.0
	for r := 0; r < reps; r++ {
		for i := 0; i < N; i++ {
			s.Sample(e.Field(i), rnd)
		}
		est := g.Estimate(e)
		for k, x := range []float64{est.FreeEnergy, est.Dissipation, est.W2Sq} {
			sum[k] += x
			sum2[k] += x * x
		}
		plug += est.PlugIn[0]
	}
	for k, name := range []string{"free energy", "dissipation", "W₂²"} {
		mean := sum[k] / reps
		se := math.Sqrt((sum2[k]/reps - mean*mean) / (reps - 1))
		if math.Abs(mean-want[k]) > 4*se {
			t.Errorf("%s: mean estimate %v ± %v, exact %v", name, mean, se, want[k])
		}
	}
	bias := plug/reps - want[0]
	if approx := 34.0 / (2 * N) / 2; math.Abs(bias/approx-1) > 0.3 {
		t.Errorf("plug-in free-energy bias %v, expected about %v", bias, approx)
	}
}

// TestFourierSpectrumShapes checks the Fourier methods' noise on lattices
// whose half spectra pair modes differently (odd and even extents, 1-D
// and 3-D): the spectrum after a FourierEuler flow matches the exact
// recursion by χ² over the independent modes, and FourierMALA started at
// equilibrium stays there.
func TestFourierSpectrumShapes(t *testing.T) {
	for _, dims := range [][]int{{9}, {7, 5}, {4, 6, 3}} {
		l := lattice.MustNew(dims...)
		a, _ := field.NewFree(l, 0.4)
		G := FreeSpectrum(l, 0.4, 1)
		v0 := FreeSpectrum(l, 3, 1)
		lg, _ := NewLangevin(a, LangevinConfig{Step: 0.05, Method: FourierEuler, FourierMass2: 1})
		g, _ := NewGaussianLangevin(lg, v0)
		want, err := g.SchemeVariances([]float64{0.3})
		if err != nil {
			t.Fatal(err)
		}
		e := lgvFreeEnsemble(t, l, v0, 500, 12)
		if err := lg.Run(e, 5, []float64{0.3}, nil); err != nil {
			t.Fatal(err)
		}
		if chi, dof := lgvSpectrumChi2(e, want[0]); chi > lgvChi2Threshold(dof) {
			t.Errorf("%v fourier: χ² = %.1f for %d modes", dims, chi, dof)
		}
		lm, _ := NewLangevin(a, LangevinConfig{Step: 0.05, Method: FourierMALA, FourierMass2: 1})
		e = lgvFreeEnsemble(t, l, G, 500, 13)
		if err := lm.Run(e, 6, []float64{1}, nil); err != nil {
			t.Fatal(err)
		}
		if chi, dof := lgvSpectrumChi2(e, G); chi > lgvChi2Threshold(dof) {
			t.Errorf("%v fourier-mala: χ² = %.1f for %d modes at equilibrium", dims, chi, dof)
		}
	}
}
