// Copyright ©2026 The rgflow Authors. All rights reserved.

package field

import (
	"math"
	"math/rand/v2"
	"testing"

	"rgflow/lattice"
)

// TestMeasureTermsFreeField checks the ensemble estimate of the terms of
// S/V against the closed forms of the free field (see
// TestPhi4TermsFreeField) on independent exact samples: each z-score under
// 4 (fixed seed), the quartic term 0 at g = 0, errors those of independent
// samples (τ_int within 0.3 of ½), and the same means whether the
// ensemble is read as one chain or as four.
func TestMeasureTermsFreeField(t *testing.T) {
	const m2, n = 0.3, 4000
	l := lattice.MustNew(6, 5)
	smp, a, w := freeTerms(t, l, m2)
	want := [4]float64{w[0], w[1], w[2], 0}
	rnd := rand.New(rand.NewPCG(19, 20))
	e := NewEnsemble(l, n)
	for i := range n {
		smp.Sample(e.Field(i), rnd)
	}
	one, err := a.MeasureTerms(e, 1)
	if err != nil {
		t.Fatal(err)
	}
	four, err := a.MeasureTerms(e, 4)
	if err != nil {
		t.Fatal(err)
	}
	for j, name := range []string{"gradient", "mass (zero mode)", "mass (fluctuation)", "quartic"} {
		est := one[j]
		if est.N != n || four[j].N != n {
			t.Errorf("%s: %d and %d measurements, want %d", name, est.N, four[j].N, n)
		}
		if math.Abs(four[j].Value-est.Value) > 1e-12*math.Abs(est.Value) {
			t.Errorf("%s: mean %v in four chains, %v in one", name, four[j].Value, est.Value)
		}
		if j == 3 {
			if est.Value != 0 {
				t.Errorf("quartic term %v at g = 0", est.Value)
			}
			continue
		}
		if z := (est.Value - want[j]) / est.Err; math.Abs(z) > 4 {
			t.Errorf("%s: %v, closed form %.6g (z = %+.1f)", name, est, want[j], z)
		}
		if math.Abs(est.TauInt-0.5) > 0.3 {
			t.Errorf("%s: τ_int = %v for independent samples", name, est.TauInt)
		}
	}
	if _, err := a.MeasureTerms(NewEnsemble(l, 3), 2); err == nil {
		t.Error("3 configurations in 2 chains: no error")
	}
}

// freeTerms returns the exact sampler of the free field of mass² m2 on l,
// the φ⁴ action with the same mass and g = 0, and the closed forms of the
// means of its gradient, zero-mode mass and fluctuation mass terms (see
// TestPhi4TermsFreeField), checked to add up to ½ per site.
func freeTerms(t *testing.T, l *lattice.Lattice, m2 float64) (*GaussianSampler, *Phi4, [3]float64) {
	t.Helper()
	free, err := NewFree(l, m2)
	if err != nil {
		t.Fatal(err)
	}
	smp, err := NewFreeSampler(free)
	if err != nil {
		t.Fatal(err)
	}
	a, err := NewPhi4(l, ContinuumParams{M2: m2})
	if err != nil {
		t.Fatal(err)
	}
	V := float64(l.Volume())
	var grad, fluct float64
	for _, k2 := range l.FullKHat2() {
		grad += k2 / (k2 + m2)
		if k2 != 0 {
			fluct += m2 / (k2 + m2)
		}
	}
	want := [3]float64{grad / (2 * V), 1 / (2 * V), fluct / (2 * V)}
	if s := want[0] + want[1] + want[2]; math.Abs(s-0.5) > 1e-14 {
		t.Fatalf("closed forms sum to %v, want ½", s)
	}
	return smp, a, want
}
