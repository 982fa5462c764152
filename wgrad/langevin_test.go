// Copyright ©2026 The rgflow Authors. All rights reserved.

package wgrad

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"rgflow/field"
	"rgflow/lattice"
)

// lgvOU is S = ½ Σ_x φ_x²/s²: independent Ornstein–Uhlenbeck particles,
// one per site, with equilibrium variance s²/β.
type lgvOU struct {
	lat *lattice.Lattice
	s2  float64
}

func (a lgvOU) Lattice() *lattice.Lattice { return a.lat }
func (a lgvOU) Action(phi []float64) float64 {
	s := 0.0
	for _, v := range phi {
		s += v * v
	}
	return 0.5 * s / a.s2
}
func (a lgvOU) Force(dst, phi []float64) []float64 {
	if dst == nil {
		dst = make([]float64, len(phi))
	}
	for i, v := range phi {
		dst[i] = -v / a.s2
	}
	return dst
}

// lgvChi2Threshold is a χ² bound for dof degrees of freedom: dof plus 5
// standard deviations of the χ² law (tail probability below 10⁻⁴ for the
// dof used here, allowing for the law's right skew).
func lgvChi2Threshold(dof int) float64 { return float64(dof) + 5*math.Sqrt(2*float64(dof)) }

// lgvSpectrumChi2 returns χ² of the sample spectrum of e against the
// covariance eigenvalues want, over the independent modes of the half
// spectrum (one of each stored conjugate pair). For a Gaussian field the
// per-sample |φ̃_k|²/V is want·χ²₁ (real modes, variance 2want²) or
// want·χ²₂/2 (complex modes, variance want²), independent across modes.
func lgvSpectrumChi2(e *field.Ensemble, want []float64) (chi2 float64, dof int) {
	got := EnsembleSpectrum(nil, e)
	conj := e.Lat.HalfConjugate()
	N := float64(e.Len())
	for j, c := range conj {
		if c >= 0 && c < j {
			continue
		}
		k := 1.0
		if c == j {
			k = 2
		}
		z := (got[j] - want[j]) / (want[j] * math.Sqrt(k/N))
		chi2 += z * z
		dof++
	}
	return chi2, dof
}

// lgvFreeEnsemble draws n exact samples of the Gaussian field with
// covariance eigenvalues cov.
func lgvFreeEnsemble(t *testing.T, l *lattice.Lattice, cov []float64, n int, seed uint64) *field.Ensemble {
	t.Helper()
	s, err := field.NewGaussianSampler(l, cov)
	if err != nil {
		t.Fatal(err)
	}
	e := field.NewEnsemble(l, n)
	rnd := rand.New(rand.NewPCG(seed, 1))
	for i := 0; i < n; i++ {
		s.Sample(e.Field(i), rnd)
	}
	return e
}

func TestParseMethod(t *testing.T) {
	for _, m := range []Method{EulerMaruyama, MALA, FourierEuler, FourierMALA} {
		got, err := ParseMethod(m.String())
		if err != nil || got != m {
			t.Errorf("ParseMethod(%q) = %v, %v", m.String(), got, err)
		}
	}
	if _, err := ParseMethod("leapfrog"); err == nil {
		t.Error("ParseMethod accepted leapfrog")
	}
}

func TestNewLangevinErrors(t *testing.T) {
	l := lattice.MustNew(4, 4)
	a, _ := field.NewFree(l, 1)
	for _, c := range []struct {
		name string
		cfg  LangevinConfig
	}{
		{"step", LangevinConfig{}},
		{"beta", LangevinConfig{Step: 0.1, Beta: -1}},
		{"method", LangevinConfig{Step: 0.1, Method: 7}},
		{"fourier mass", LangevinConfig{Step: 0.1, Method: FourierEuler}},
		{"workers", LangevinConfig{Step: 0.1, Workers: -1}},
	} {
		if _, err := NewLangevin(a, c.cfg); err == nil {
			t.Errorf("%s: no error", c.name)
		}
	}
	lg, err := NewLangevin(a, LangevinConfig{Step: 0.1})
	if err != nil {
		t.Fatal(err)
	}
	if err := lg.Run(field.NewEnsemble(l, 1), 1, []float64{1, 0.5}, nil); err == nil {
		t.Error("decreasing times accepted")
	}
}

// TestLangevinSchedule checks that steps land on the snapshot times and
// never exceed Step.
func TestLangevinSchedule(t *testing.T) {
	a, _ := field.NewFree(lattice.MustNew(4), 1)
	lg, _ := NewLangevin(a, LangevinConfig{Step: 0.1})
	times := []float64{0, 0.3, 0.3, 1.05, 2}
	n, h, err := lg.Schedule(times)
	if err != nil {
		t.Fatal(err)
	}
	wantN := []int{0, 3, 0, 8, 10}
	prev := 0.0
	for i := range times {
		if n[i] != wantN[i] {
			t.Errorf("interval %d: %d steps, want %d", i, n[i], wantN[i])
		}
		if n[i] > 0 && (h[i] > 0.1*(1+1e-12) || math.Abs(float64(n[i])*h[i]-(times[i]-prev)) > 1e-12) {
			t.Errorf("interval %d: %d steps of %v do not span %v", i, n[i], h[i], times[i]-prev)
		}
		prev = times[i]
	}
}

// TestLangevinWorkerIndependent checks that every method gives bit-identical
// ensembles with 1 and 3 workers.
func TestLangevinWorkerIndependent(t *testing.T) {
	l := lattice.MustNew(6, 4)
	a, _ := field.NewPhi4(l, field.ContinuumParams{M2: -0.5, G: 1})
	for _, m := range []Method{EulerMaruyama, MALA, FourierEuler, FourierMALA} {
		var out [2][]float64
		var acc [2]int64
		for k, w := range []int{1, 3} {
			lg, err := NewLangevin(a, LangevinConfig{Step: 0.05, Method: m, FourierMass2: 1, Workers: w})
			if err != nil {
				t.Fatal(err)
			}
			e := lgvFreeEnsemble(t, l, FreeSpectrum(l, 1, 1), 7, 3)
			if err := lg.Run(e, 11, []float64{0.2, 0.5}, nil); err != nil {
				t.Fatal(err)
			}
			out[k] = e.Data
			acc[k], _ = lg.Acceptance()
		}
		for i := range out[0] {
			if out[0][i] != out[1][i] {
				t.Errorf("%v: site %d differs between 1 and 3 workers", m, i)
				break
			}
		}
		if acc[0] != acc[1] {
			t.Errorf("%v: acceptances %d and %d", m, acc[0], acc[1])
		}
	}
}

// TestLangevinOU checks the particle flow of S = ½φ² (β = 1) from
// N(0, s₀²) against the Ornstein–Uhlenbeck Fokker–Planck solution
// 1 + (s₀² − 1)e^{−2t}: Euler–Maruyama against its exact variance
// recursion v' = (1−h)²v + 2h (which tends to the continuum law as h → 0)
// and MALA against the continuum law itself within O(h) (the MALA
// transient is not exact, its equilibrium is). 4096 particles give a
// variance estimate with relative standard error √(2/4096) ≈ 2.2%; we
// allow 4σ.
func TestLangevinOU(t *testing.T) {
	const (
		s0sq = 4.0
		h    = 0.01
		tol  = 4 * 0.0221
	)
	l := lattice.MustNew(256)
	a := lgvOU{lat: l, s2: 1}
	times := []float64{0.1, 0.5, 1.5}
	for _, m := range []Method{EulerMaruyama, MALA} {
		lg, err := NewLangevin(a, LangevinConfig{Step: h, Method: m})
		if err != nil {
			t.Fatal(err)
		}
		e := field.NewEnsemble(l, 16)
		rnd := rand.New(rand.NewPCG(5, 5))
		for i := range e.Data {
			e.Data[i] = math.Sqrt(s0sq) * rnd.NormFloat64()
		}
		v := s0sq
		prev := 0.0
		err = lg.Run(e, 21, times, func(i int, tt float64, e *field.Ensemble) error {
			n := int(math.Round((tt - prev) / h))
			for k := 0; k < n; k++ {
				v = (1-h)*(1-h)*v + 2*h
			}
			prev = tt
			want := v
			if m == MALA {
				want = 1 + (s0sq-1)*math.Exp(-2*tt)
			}
			got := 0.0
			for _, x := range e.Data {
				got += x * x
			}
			got /= float64(len(e.Data))
			if math.Abs(got/want-1) > tol {
				t.Errorf("%v at t = %v: variance %.4f, want %.4f", m, tt, got, want)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

// TestFreeLangevinSpectrum checks the spectrum of the free-field Langevin
// ensemble (8×8, m² = 0.5, β = 2) started from the free field of m² = 4
// against the exact Euler–Maruyama variance recursion at three times, by
// χ² over the independent modes.
func TestFreeLangevinSpectrum(t *testing.T) {
	const (
		m2, m2start, beta = 0.5, 4.0, 2.0
	)
	n := 600
	if testing.Short() {
		n = 300
	}
	l := lattice.MustNew(8, 8)
	a, _ := field.NewFree(l, m2)
	for _, c := range []struct {
		m Method
		h float64
	}{{EulerMaruyama, 0.05}, {FourierEuler, 0.05}} {
		lg, err := NewLangevin(a, LangevinConfig{Beta: beta, Step: c.h, Method: c.m, FourierMass2: m2})
		if err != nil {
			t.Fatal(err)
		}
		v0 := FreeSpectrum(l, m2start, beta)
		g, err := NewGaussianLangevin(lg, v0)
		if err != nil {
			t.Fatal(err)
		}
		times := []float64{0.1, 0.5, 2}
		want, err := g.SchemeVariances(times)
		if err != nil {
			t.Fatal(err)
		}
		e := lgvFreeEnsemble(t, l, v0, n, 9)
		err = lg.Run(e, 4, times, func(i int, tt float64, e *field.Ensemble) error {
			chi2, dof := lgvSpectrumChi2(e, want[i])
			if chi2 > lgvChi2Threshold(dof) {
				t.Errorf("%v at t = %v: χ² = %.1f for %d modes", c.m, tt, chi2, dof)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

// TestEulerBiasAndMALA checks, on the free field (8×8, m² = 0.5, β = 1,
// h = 0.1, so hΩ_k reaches 0.85 and the ultraviolet variance is 1.74
// times too large), that Euler–Maruyama started at equilibrium drifts to
// its exact stationary law G_k/(1 − hΩ_k/2) and away from G_k, and that
// MALA with the same step, plain and Fourier-accelerated, keeps the exact
// equilibrium G_k (an invariant measure: from an exact equilibrium start
// every later snapshot is exactly distributed). χ² over independent modes.
func TestEulerBiasAndMALA(t *testing.T) {
	const (
		m2, h = 0.5, 0.1
		T     = 8.0 // e^{−2·m²·T} ≈ 3·10⁻⁴ of the slowest mode's transient
	)
	n := 600
	if testing.Short() {
		n = 300
	}
	l := lattice.MustNew(8, 8)
	a, _ := field.NewFree(l, m2)
	G := FreeSpectrum(l, m2, 1)
	for _, m := range []Method{EulerMaruyama, MALA, FourierMALA} {
		lg, err := NewLangevin(a, LangevinConfig{Step: h, Method: m, FourierMass2: m2})
		if err != nil {
			t.Fatal(err)
		}
		g, _ := NewGaussianLangevin(lg, G)
		e := lgvFreeEnsemble(t, l, G, n, 17)
		if err := lg.Run(e, 8, []float64{T}, nil); err != nil {
			t.Fatal(err)
		}
		chiG, dof := lgvSpectrumChi2(e, G)
		switch m {
		case EulerMaruyama:
			want, _ := g.SchemeVariances([]float64{T})
			chi, _ := lgvSpectrumChi2(e, want[0])
			if chi > lgvChi2Threshold(dof) {
				t.Errorf("Euler: χ² = %.1f against the exact recursion (%d modes)", chi, dof)
			}
			if chiG < 10*lgvChi2Threshold(dof) {
				t.Errorf("Euler: χ² = %.1f against equilibrium: bias not resolved", chiG)
			}
			stat := g.EulerStationary(nil, h)
			for j := range stat {
				if math.Abs(want[0][j]/stat[j]-1) > 1e-3 {
					t.Fatalf("recursion at T has not reached the stationary bias at mode %d", j)
				}
			}
		default:
			acc, prop := lg.Acceptance()
			if chiG > lgvChi2Threshold(dof) {
				t.Errorf("%v: χ² = %.1f against equilibrium (%d modes), acceptance %d/%d", m, chiG, dof, acc, prop)
			}
			if prop != int64(n)*int64(math.Round(T/h)) || acc == 0 || acc == prop {
				t.Errorf("%v: acceptance %d/%d", m, acc, prop)
			}
		}
	}
}

// TestFourierOneRate checks that with M² = m² every free-field mode
// relaxes at the one rate 4d + m² (exactly, from the closed form), and
// that the ensemble's excess variance (v_k − G_k)/(v_k(0) − G_k) decays
// like (1 − hΩ)^{2n} alike for the infrared and the ultraviolet modes:
// within 4σ of a shell-pooled estimate.
func TestFourierOneRate(t *testing.T) {
	const m2, h, T = 0.3, 0.02, 0.1
	l := lattice.MustNew(8, 8)
	a, _ := field.NewFree(l, m2)
	lg, err := NewLangevin(a, LangevinConfig{Step: h, Method: FourierEuler, FourierMass2: m2})
	if err != nil {
		t.Fatal(err)
	}
	v0 := make([]float64, l.HalfLen())
	for j := range v0 {
		v0[j] = 5 // above every equilibrium variance (the largest is 1/m²)
	}
	g, _ := NewGaussianLangevin(lg, v0)
	want := 4*2 + m2
	for j, r := range g.Rates(nil) {
		if math.Abs(r/want-1) > 1e-12 {
			t.Fatalf("mode %d rate %v, want %v", j, r, want)
		}
	}
	// Plain Langevin: rates spread from m² to 8 + m².
	lp, _ := NewLangevin(a, LangevinConfig{Step: h})
	gp, _ := NewGaussianLangevin(lp, v0)
	rp := gp.Rates(nil)
	if rp[0] != m2 {
		t.Errorf("plain zero-mode rate %v, want %v", rp[0], m2)
	}
	e := lgvFreeEnsemble(t, l, v0, 400, 2)
	if err := lg.Run(e, 3, []float64{T}, nil); err != nil {
		t.Fatal(err)
	}
	got := EnsembleSpectrum(nil, e)
	G := g.Equilibrium(nil)
	n := math.Round(T / h)
	decay := math.Pow(1-h*want, 2*n)
	// Pool the infrared (k̂² < 2) and ultraviolet (k̂² > 6) modes.
	for _, band := range []struct {
		name   string
		lo, hi float64
	}{{"infrared", 0, 2}, {"ultraviolet", 6, 100}} {
		var num, den, varsum float64
		conj := l.HalfConjugate()
		for j, k2 := range g.KHat2 {
			if k2 < band.lo || k2 >= band.hi || (conj[j] >= 0 && conj[j] < j) {
				continue
			}
			stat := lgvEulerStationary(G[j], h*want)
			vt := stat + (v0[j]-stat)*decay
			k := 1.0
			if conj[j] == j {
				k = 2
			}
			num += got[j] - stat
			den += v0[j] - stat
			varsum += k * vt * vt / float64(e.Len())
		}
		r := num / den
		se := math.Sqrt(varsum) / math.Abs(den)
		if math.Abs(r-decay) > 4*se {
			t.Errorf("%s: excess decayed by %.4f ± %.4f, want %.4f", band.name, r, se, decay)
		}
	}
}

// lgvEulerStationary is the stationary Euler variance of one mode with
// equilibrium G and hΩ = x.
func lgvEulerStationary(G, x float64) float64 { return G / (1 - x/2) }

func ExampleLangevin() {
	l := lattice.MustNew(8, 8)
	a, _ := field.NewFree(l, 0.5)
	lg, _ := NewLangevin(a, LangevinConfig{Step: 0.01, Method: EulerMaruyama, Workers: 2})
	// Start from the exact free field of mass² 4 and flow towards m² = 0.5.
	v0 := FreeSpectrum(l, 4, 1)
	g, _ := NewGaussianLangevin(lg, v0)
	s, _ := field.NewGaussianSampler(l, v0)
	e := field.NewEnsemble(l, 256)
	rnd := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < e.Len(); i++ {
		s.Sample(e.Field(i), rnd)
	}
	times := []float64{0.5, 2}
	exact, _ := g.SchemeVariances(times)
	_ = lg.Run(e, 1, times, func(i int, t float64, e *field.Ensemble) error {
		est := g.Estimate(e)
		fmt.Printf("t = %.1f: F − F_eq = %.3f (Euler recursion), %.3f (ensemble); W₂² = %.3f, %.3f\n",
			t, g.FreeEnergyOfSpectrum(exact[i]), est.FreeEnergy, g.W2SqOfSpectrum(exact[i]), est.W2Sq)
		return nil
	})
	// Output:
	// t = 0.5: F − F_eq = 0.214 (Euler recursion), 0.175 (ensemble); W₂² = 0.275, 0.269
	// t = 2.0: F − F_eq = 0.014 (Euler recursion), 0.038 (ensemble); W₂² = 0.009, 0.018
}

// TestMALAPhi4OneSite checks MALA's exact invariant law on a non-Gaussian
// target: φ⁴ on a one-site lattice is S = ½m²φ² + (g/4)φ⁴ (the gradient
// terms vanish), a double well for m² = −1, g = 1, at β = 1.5. ⟨φ²⟩ and
// ⟨φ⁴⟩ of 16000 independent chains after t = 21 (h = 0.15, 140 steps),
// started from N(0, ¼), must lie within 4 standard errors of the values by
// quadrature. As the contrast, Euler–Maruyama with the same step must be
// off by more than 4σ (its bias in ⟨φ⁴⟩ is about 5σ at this N).
func TestMALAPhi4OneSite(t *testing.T) {
	const beta, h, T, N = 1.5, 0.15, 21.0, 16000
	l := lattice.MustNew(1)
	a, err := field.NewPhi4(l, field.ContinuumParams{M2: -1, G: 1})
	if err != nil {
		t.Fatal(err)
	}
	// Quadrature of exp(−βS) on [−6, 6] (the weight is below e^{−400} beyond).
	var z, m2, m4 float64
	const nq = 120000
	for i := 0; i <= nq; i++ {
		x := -6 + 12*float64(i)/nq
		w := math.Exp(-beta * a.Action([]float64{x}))
		if i == 0 || i == nq {
			w /= 2
		}
		z += w
		m2 += w * x * x
		m4 += w * x * x * x * x
	}
	m2 /= z
	m4 /= z
	var dev [2]float64
	for k, m := range []Method{MALA, EulerMaruyama} {
		lg, err := NewLangevin(a, LangevinConfig{Beta: beta, Step: h, Method: m})
		if err != nil {
			t.Fatal(err)
		}
		e := field.NewEnsemble(l, N)
		rnd := rand.New(rand.NewPCG(8, 8))
		for i := range e.Data {
			e.Data[i] = 0.5 * rnd.NormFloat64()
		}
		if err := lg.Run(e, 31, []float64{T}, nil); err != nil {
			t.Fatal(err)
		}
		var s2, s4, s8 float64
		for _, x := range e.Data {
			x2 := x * x
			s2 += x2
			s4 += x2 * x2
			s8 += x2 * x2 * x2 * x2
		}
		s2 /= N
		s4 /= N
		se2 := math.Sqrt((s4 - s2*s2) / N)
		se4 := math.Sqrt((s8/N - s4*s4) / N)
		z2, z4 := (s2-m2)/se2, (s4-m4)/se4
		dev[k] = math.Max(math.Abs(z2), math.Abs(z4))
		t.Logf("%v: ⟨φ²⟩ = %.4f ± %.4f, ⟨φ⁴⟩ = %.4f ± %.4f; exact %.4f, %.4f", m, s2, se2, s4, se4, m2, m4)
	}
	if dev[0] > 4 {
		t.Errorf("MALA deviates by %.1fσ from the exact moments", dev[0])
	}
	if !(dev[1] > 4) {
		t.Errorf("Euler–Maruyama at h = %v deviates by only %.1fσ: the test cannot tell biased from exact", h, dev[1])
	}
}
