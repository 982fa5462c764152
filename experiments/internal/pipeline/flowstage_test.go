// Copyright ©2026 The rgflow Authors. All rights reserved.

package pipeline

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/stat"

	"rgflow/generative"
	"rgflow/lattice"
)

// TestIdentityErrorScale checks the energy–dissipation identity measure on
// the default Fermi–Dirac flow in the two regimes: data away from the fixed
// point (KL₀ of tens of nats; the identity holds to the quadrature's 10⁻⁸
// or better) and data exactly at the fixed point (field m² = flow m₀², so
// KL ≡ 0 and D ≡ 0), where dividing by KL₀ alone would turn round-off into
// 10²⁶⁸ and fail a correct run.
func TestIdentityErrorScale(t *testing.T) {
	l, err := lattice.New(8, 8)
	if err != nil {
		t.Fatal(err)
	}
	f := Flow{Regulator: "fermi-dirac", Temperature: 0.2, M02: 1, ZeroMode: "integrate-out", Snapshots: 9}
	p, err := f.Process(l)
	if err != nil {
		t.Fatal(err)
	}
	times := f.Times(p)
	for _, c := range []struct {
		m2    float64
		klMin float64
	}{{0.25, 1}, {1, 0}} {
		g0, err := generative.FreeSpectrum(p.Eps, c.m2)
		if err != nil {
			t.Fatal(err)
		}
		kl := make([]float64, len(times))
		for i, tt := range times {
			kl[i] = p.KL(g0, tt)
		}
		if kl[0] < c.klMin || (c.klMin == 0 && kl[0] > 1e-12) {
			t.Fatalf("m² = %v: KL₀ = %v, want the regime ≥ %v (0 means at the fixed point)", c.m2, kl[0], c.klMin)
		}
		if e := IdentityError(p, g0, times, kl); !(e <= 1e-8) {
			t.Errorf("m² = %v: identity error %v relative to max(KL₀, 1 nat) = %v, want ≤ 1e-8", c.m2, e, KLScale(kl[0]))
		}
	}
}

// TestQuadVarOfWhiteFields checks SpectrumTest.QuadVar, the variance of a
// weighted sum of a field's mode powers Σ_j c_j|φ̃_j|²/Norm_j, against
// the sample variance of that sum over white-noise fields (G_j = 1 for
// every mode), on lattices with real modes, modes stored with their
// conjugate and modes stored once. With n = 40 000 fields the sample
// variance is within 5 of its standard errors (estimated from the fourth
// moment) with probability 1 − 6·10⁻⁷ per lattice.
func TestQuadVarOfWhiteFields(t *testing.T) {
	for _, dims := range [][]int{{4, 4}, {5, 4}, {6}} {
		l, err := lattice.New(dims...)
		if err != nil {
			t.Fatal(err)
		}
		f := Flow{Regulator: "fermi-dirac", Temperature: 0.2, M02: 1, ZeroMode: "integrate-out", Snapshots: 3}
		p, err := f.Process(l)
		if err != nil {
			t.Fatal(err)
		}
		st := NewSpectrumTest(l)
		c := make([]float64, p.Modes())
		for j := range c {
			c[j] = 1 + 0.5*float64(j%3)
		}
		plan := p.NewPlan()
		modes := make([]complex128, p.Modes())
		phi := make([]float64, l.Volume())
		rnd := rand.New(rand.NewPCG(1, 2))
		const n = 40000
		s := make([]float64, n)
		for i := range s {
			for x := range phi {
				phi[x] = rnd.NormFloat64()
			}
			plan.ToModes(modes, phi)
			for j, m := range modes {
				s[i] += c[j] * (real(m)*real(m) + imag(m)*imag(m)) / p.Norm[j]
			}
		}
		mean, v := stat.MeanVariance(s, nil)
		m4 := 0.0
		for _, x := range s {
			m4 += math.Pow(x-mean, 4) / n
		}
		se := math.Sqrt((m4 - v*v) / n)
		if want := st.QuadVar(c); math.Abs(v-want) > 5*se {
			t.Errorf("%v: QuadVar %.5g, sample variance %.5g ± %.2g", dims, want, v, se)
		}
	}
}
