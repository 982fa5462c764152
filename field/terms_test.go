// Copyright ©2026 The rgflow Authors. All rights reserved.

package field

import (
	"math"
	"math/rand/v2"
	"testing"

	"rgflow/lattice"
)

// TestPhi4TermsSum checks that the terms add up to the action density on
// random fields in one to three dimensions (odd extents included), for a
// broken-phase mass, and on a constant field, where each term is known.
func TestPhi4TermsSum(t *testing.T) {
	rnd := rand.New(rand.NewPCG(3, 4))
	for _, dims := range [][]int{{9}, {16, 16}, {5, 7}, {4, 3, 5}} {
		l, err := lattice.New(dims...)
		if err != nil {
			t.Fatal(err)
		}
		a, err := NewPhi4(l, ContinuumParams{M2: -1.3, G: 0.7})
		if err != nil {
			t.Fatal(err)
		}
		phi := make([]float64, l.Volume())
		for i := range phi {
			phi[i] = 1.5 + rnd.NormFloat64()
		}
		want := a.Action(phi) / float64(l.Volume())
		if got := a.Terms(phi).Sum(); math.Abs(got-want) > 1e-12*math.Abs(want) {
			t.Errorf("%v: terms sum to %v, S/V = %v", dims, got, want)
		}
		const c = -0.8
		for i := range phi {
			phi[i] = c
		}
		tm := a.Terms(phi)
		exact := Phi4Terms{MassZeroMode: 0.5 * -1.3 * c * c, Quartic: 0.25 * 0.7 * c * c * c * c}
		// The mean of V equal numbers is exact only to rounding (~V ulp).
		const tol = 1e-13
		if tm.Gradient != 0 || math.Abs(tm.MassZeroMode-exact.MassZeroMode) > tol || math.Abs(tm.MassFluctuation) > tol || math.Abs(tm.Quartic-exact.Quartic) > tol {
			t.Errorf("%v: constant field %v: terms %+v, want %+v", dims, c, tm, exact)
		}
	}
}

// TestPhi4TermsFreeField samples the free field (g = 0) exactly and checks
// the mean of each term against its closed form from the propagator
// G(k) = 1/(k̂² + m²) (⟨|ϕ̃_k|²⟩ = V G(k)):
//
//	⟨Gradient⟩        = (2V)⁻¹ Σ_k k̂² G(k)
//	⟨MassZeroMode⟩    = ½m² G(0)/V = 1/(2V)
//	⟨MassFluctuation⟩ = (2V)⁻¹ Σ_{k≠0} m² G(k)
//
// which add up to equipartition, ½ per site. Each of the three z-scores must
// stay under 4 (two-sided probability 6·10⁻⁵ each; fixed seed).
func TestPhi4TermsFreeField(t *testing.T) {
	const m2 = 0.3
	l, err := lattice.New(6, 5)
	if err != nil {
		t.Fatal(err)
	}
	smp, a, want := freeTerms(t, l, m2)
	n := 20000
	if testing.Short() {
		n = 5000
	}
	rnd := rand.New(rand.NewPCG(17, 18))
	phi := make([]float64, l.Volume())
	var sum, sum2 [3]float64
	for range n {
		smp.Sample(phi, rnd)
		tm := a.Terms(phi)
		for j, v := range []float64{tm.Gradient, tm.MassZeroMode, tm.MassFluctuation} {
			sum[j] += v
			sum2[j] += v * v
		}
		if tm.Quartic != 0 {
			t.Fatalf("quartic term %v at g = 0", tm.Quartic)
		}
	}
	for j, name := range []string{"gradient", "mass (zero mode)", "mass (fluctuation)"} {
		mean := sum[j] / float64(n)
		se := math.Sqrt((sum2[j]/float64(n) - mean*mean) / float64(n-1))
		if z := (mean - want[j]) / se; math.Abs(z) > 4 {
			t.Errorf("%s: ⟨term⟩ = %.6g ± %.2g, closed form %.6g (z = %+.1f)", name, mean, se, want[j], z)
		} else {
			t.Logf("%s: ⟨term⟩ = %.6g ± %.2g, closed form %.6g (z = %+.1f)", name, mean, se, want[j], z)
		}
	}
}
