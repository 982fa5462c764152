// Copyright ©2026 The rgflow Authors. All rights reserved.

package pipeline

import (
	"testing"

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
