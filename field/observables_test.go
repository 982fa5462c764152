// Copyright ©2026 The rgflow Authors. All rights reserved.

package field

import (
	"math"
	"math/rand/v2"
	"testing"

	"rgflow/lattice"
)

// chi2Quantile999 is the Wilson–Hilferty approximation to the 99.9%
// quantile of the χ² distribution with dof degrees of freedom
// (z₀.₉₉₉ = 3.090; relative error < 10⁻³ for dof ≥ 10).
func chi2Quantile999(dof float64) float64 {
	return dof * math.Pow(1-2/(9*dof)+3.090*math.Sqrt(2/(9*dof)), 3)
}

// TestFreeFieldObservables samples the free field exactly and checks every
// two-point estimator against the closed forms on the finite lattice:
//
//	G(k) = 1/(k̂² + m²) on every mode (χ² over the independent modes,
//	       threshold the 99.9% quantile: a correct code fails with p = 10⁻³),
//	χ = G(0) = 1/m², ξ₂ = 1/m exactly with the lattice second-moment
//	definition, G(r) = V⁻¹ Σ_k cos(k_μ r)/(k̂² + m²),
//
// and the magnetisation moments: M ~ N(0, 1/(V m²)), so ⟨M²⟩ = 1/(Vm²),
// ⟨M⁴⟩ = 3⟨M²⟩², U₄ = 0. Single checks use |z| < nSigma.
func TestFreeFieldObservables(t *testing.T) {
	l := lattice.MustNew(8, 8)
	const m2 = 0.3
	a := mustFree(t, l, m2)
	s, err := NewFreeSampler(a)
	if err != nil {
		t.Fatal(err)
	}
	n := 4000
	if testing.Short() {
		n = 2000
	}
	rnd := rand.New(rand.NewPCG(21, 22))
	e := NewEnsemble(l, n)
	for i := 0; i < n; i++ {
		s.Sample(e.Field(i), rnd)
	}
	sh, err := l.Shells(l.DefaultShellCount())
	if err != nil {
		t.Fatal(err)
	}
	c := NewCorrelator(l)
	tp, err := c.MeasureTwoPoint(sh, e)
	if err != nil {
		t.Fatal(err)
	}
	// The same data as four replicas: identical means, errors of the same size.
	V := l.Volume()
	var parts []*Ensemble
	for r := 0; r < 4; r++ {
		parts = append(parts, &Ensemble{Lat: l, Data: e.Data[r*n/4*V : (r+1)*n/4*V]})
	}
	tp4, err := c.MeasureTwoPoint(sh, parts...)
	if err != nil {
		t.Fatal(err)
	}
	for j := range tp.G {
		if math.Abs(tp4.G[j]-tp.G[j]) > 1e-12*tp.G[j] || math.Abs(tp4.GErr[j]/tp.GErr[j]-1) > 0.2 {
			t.Fatalf("mode %d: one chain %v ± %v, four replicas %v ± %v", j, tp.G[j], tp.GErr[j], tp4.G[j], tp4.GErr[j])
		}
	}
	k2 := l.HalfKHat2()
	conj := l.HalfConjugate()
	chi2, dof := 0.0, 0.0
	for j := range tp.G {
		if conj[j] >= 0 && conj[j] < j {
			continue // the same mode as conj[j]: not independent
		}
		z := (tp.G[j] - 1/(k2[j]+m2)) / tp.GErr[j]
		chi2 += z * z
		dof++
	}
	if q := chi2Quantile999(dof); chi2 > q {
		t.Errorf("G(k): χ² = %.1f over %v modes exceeds the 99.9%% quantile %.1f", chi2, dof, q)
	}
	check := func(name string, got Estimate, want float64) {
		t.Helper()
		if z := (got.Value - want) / got.Err; math.Abs(z) > nSigma {
			t.Errorf("%s = %v, exact %v (z = %.2f)", name, got, want, z)
		}
	}
	check("χ", tp.Chi, 1/m2)
	check("ξ₂", tp.Xi2, 1/math.Sqrt(m2))
	// Shell averages: the shell mean of the exact propagator.
	w := l.HalfWeights()
	exact := make([]float64, len(k2))
	for j := range exact {
		exact[j] = 1 / (k2[j] + m2)
	}
	want := sh.Average(nil, exact, w)
	for s := range want {
		if z := (tp.Shell[s] - want[s]) / tp.ShellErr[s]; math.Abs(z) > nSigma+0.7 {
			// nSigma+0.7 ≈ 4σ: Bonferroni over the ≤ 5 shells.
			t.Errorf("shell %d: G = %v ± %v, exact %v", s, tp.Shell[s], tp.ShellErr[s], want[s])
		}
	}
	// G(r) from the exact spectrum.
	vol := float64(V)
	nvec := make([]int, 2)
	for r := range tp.R {
		g := 0.0
		for j := range k2 {
			l.HalfMode(nvec, j)
			k := 2 * math.Pi * float64(nvec[0]) / 8
			g += w[j] * math.Cos(k*float64(r)) / (k2[j] + m2)
		}
		g /= vol
		if z := (tp.R[r] - g) / tp.RErr[r]; math.Abs(z) > nSigma+0.7 {
			t.Errorf("G(r=%d) = %v ± %v, exact %v", r, tp.R[r], tp.RErr[r], g)
		}
	}
	// Magnetisation moments.
	ms := MeasureEnsemble(nil, a, e)
	obs, err := Summarise(l.Volume(), ms)
	if err != nil {
		t.Fatal(err)
	}
	check("χ (Summarise)", obs.Chi, 1/m2)
	check("U₄", obs.Binder, 0)
	check("⟨M⟩", obs.M, 0)
	check("⟨|M|⟩", obs.AbsM, math.Sqrt(2/math.Pi/(vol*m2)))
	// ⟨S⟩/V = ½ per mode: equipartition of a Gaussian action.
	check("S/V", obs.ActionDensity, 0.5)
	// The connected susceptibility of a Gaussian M: V(1 − 2/π)/(V m²).
	check("χ_conn", obs.ChiConn, (1-2/math.Pi)/m2)
}

// TestPositionMatchesSpectrum checks G(r) against the inverse transform of
// the single-configuration power spectrum along axis 0, an independent
// route through the FFT, on a 3-d lattice with unequal extents.
func TestPositionMatchesSpectrum(t *testing.T) {
	l := lattice.MustNew(6, 6, 4)
	rnd := rand.New(rand.NewPCG(9, 9))
	phi := make([]float64, l.Volume())
	for i := range phi {
		phi[i] = rnd.NormFloat64()
	}
	c := NewCorrelator(l)
	ps := c.Spectrum(nil, phi)
	gr := c.Position(nil, phi)
	w := l.HalfWeights()
	n := make([]int, 3)
	V := float64(l.Volume())
	for r := range gr {
		g := 0.0
		for j, p := range ps {
			l.HalfMode(n, j)
			// average over axes 0 and 1 (extent 6); cos because P is even.
			g += w[j] * p * 0.5 * (math.Cos(2*math.Pi*float64(n[0]*r)/6) + math.Cos(2*math.Pi*float64(n[1]*r)/6))
		}
		g /= V
		if math.Abs(g-gr[r]) > 1e-12*math.Abs(gr[0]) {
			t.Errorf("r=%d: direct %v, spectral %v", r, gr[r], g)
		}
	}
}

// TestFromSpectrumMatchesPosition checks the Wiener–Khinchin G(r) that
// MeasureTwoPoint uses against the direct lattice sum of Position, to
// rounding, on lattices with one, two and three axes, odd and even extents
// and axes of another extent (which G(r) leaves out).
func TestFromSpectrumMatchesPosition(t *testing.T) {
	for _, dims := range [][]int{{9}, {16}, {8, 8}, {5, 5}, {6, 6, 4}, {4, 6}, {3, 4, 4}} {
		l := lattice.MustNew(dims...)
		rnd := rand.New(rand.NewPCG(4, uint64(l.Volume())))
		phi := make([]float64, l.Volume())
		for i := range phi {
			phi[i] = 1 + rnd.NormFloat64()
		}
		c := NewCorrelator(l)
		want := c.Position(nil, phi)
		got := make([]float64, len(want))
		c.fromSpectrum(got, c.Spectrum(nil, phi))
		for r := range want {
			if math.Abs(got[r]-want[r]) > 1e-13*math.Abs(want[0]) {
				t.Errorf("%v, r=%d: from the spectrum %.17g, direct %.17g", dims, r, got[r], want[r])
			}
		}
	}
}

// TestBinderErrorCalibrated checks Binder's Γ-method error against the
// spread it claims to describe: R independent replicas of N iid draws of
// M = ±(μ + σz), a two-peaked (broken-phase-like), a near-Gaussian and a
// sharply peaked, light-tailed case. The exact cumulant is
// U₄ = 1 − (μ⁴ + 6μ²σ² + 3σ⁴)/(3(μ² + σ²)²). Asserted at 3σ of the
// replica statistics: the mean quoted error equals the empirical standard
// deviation of the R estimates (whose own relative error is 1/√(2(R−1)),
// 5% for R = 200), and the mean estimate equals the exact U₄ (the O(1/N)
// bias of the ratio is ≪ spread/√R at N = 2048).
func TestBinderErrorCalibrated(t *testing.T) {
	const R, N = 200, 2048
	for _, c := range []struct {
		name   string
		mu, sd float64
	}{{"two-peaked", 1, 0.5}, {"gaussian", 0, 1}, {"sharp", 4.8, 0.05}} {
		rnd := rand.New(rand.NewPCG(11, 5))
		est := make([]float64, R)
		meanErr := 0.0
		ms := make([]Measurement, N)
		for r := range est {
			for i := range ms {
				m := c.mu + c.sd*rnd.NormFloat64()
				if rnd.IntN(2) == 0 {
					m = -m
				}
				ms[i] = Measurement{M: m, AbsM: math.Abs(m), M2: m * m, M4: m * m * m * m}
			}
			e, err := Binder(ms)
			if err != nil {
				t.Fatal(err)
			}
			est[r] = e.Value
			meanErr += e.Err / R
		}
		mean, v := 0.0, 0.0
		for _, x := range est {
			mean += x / R
		}
		for _, x := range est {
			v += (x - mean) * (x - mean) / (R - 1)
		}
		spread := math.Sqrt(v)
		m2, s2 := c.mu*c.mu, c.sd*c.sd
		exact := 1 - (m2*m2+6*m2*s2+3*s2*s2)/(3*(m2+s2)*(m2+s2))
		relSpread := 1 / math.Sqrt(2*(R-1))
		if r := meanErr / spread; math.Abs(r-1) > 3*relSpread {
			t.Errorf("%s: mean quoted error %.3g, replica spread %.3g (ratio %.3f, allowed 1 ± %.3f)", c.name, meanErr, spread, r, 3*relSpread)
		}
		if z := (mean - exact) / (spread / math.Sqrt(R)); math.Abs(z) > 3 {
			t.Errorf("%s: mean U₄ %.6g, exact %.6g (z = %.2f)", c.name, mean, exact, z)
		}
	}
}
