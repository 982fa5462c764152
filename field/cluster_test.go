// Copyright ©2026 The rgflow Authors. All rights reserved.

package field

import (
	"math"
	"math/rand/v2"
	"testing"

	"rgflow/lattice"
)

// isingExact enumerates all 2^V spin configurations of the Ising model
// Z = Σ exp(β Σ_⟨xy⟩ s_x s_y) on the periodic lattice l (V ≤ 20) and
// returns ⟨m²⟩, ⟨m⁴⟩ (m = V⁻¹Σs) and the energy per site ⟨−Σ_⟨xy⟩ss⟩/V.
// It is a brute-force implementation independent of the package code.
func isingExact(l *lattice.Lattice, beta float64) (m2, m4, e float64) {
	V := l.Volume()
	var z float64
	for cfg := 0; cfg < 1<<V; cfg++ {
		spin := func(i int) float64 { return float64(2*((cfg>>i)&1) - 1) }
		bonds, mag := 0.0, 0.0
		for i := 0; i < V; i++ {
			mag += spin(i)
			for mu := 0; mu < l.Dim(); mu++ {
				bonds += spin(i) * spin(l.Shift(i, mu, 1))
			}
		}
		w := math.Exp(beta * bonds)
		m := mag / float64(V)
		z += w
		m2 += w * m * m
		m4 += w * m * m * m * m
		e -= w * bonds / float64(V)
	}
	return m2 / z, m4 / z, e / z
}

// isingRun runs Wolff's algorithm through Cluster on an Ising-valued field
// φ_x = ±1 at coupling β (a field of modulus 1 and cluster coupling β is
// the Ising model at β) and returns the magnetisation history.
func isingRun(l *lattice.Lattice, beta float64, therm, n, clustersPer int, rnd *rand.Rand) ([]Measurement, []float64) {
	c, err := NewCluster(l, beta)
	if err != nil {
		panic(err)
	}
	phi := make([]float64, l.Volume())
	for i := range phi {
		phi[i] = 1
	}
	ms := make([]Measurement, n)
	en := make([]float64, n)
	for i := 0; i < therm; i++ {
		c.Update(phi, rnd)
	}
	for i := 0; i < n; i++ {
		for k := 0; k < clustersPer; k++ {
			c.Update(phi, rnd)
		}
		ms[i] = Measure(nil, phi)
		b := 0.0
		for x, v := range phi {
			for mu := 0; mu < l.Dim(); mu++ {
				b += v * phi[l.Fwd(mu)[x]]
			}
		}
		en[i] = -b / float64(l.Volume())
	}
	return ms, en
}

// TestClusterIsingExact checks the cluster update in the Ising limit
// against exact enumeration on 4×4 and 3×2×2 lattices (the latter has
// extent-2 axes with doubled bonds) at three couplings, including
// β_c = ln(1+√2)/2.
func TestClusterIsingExact(t *testing.T) {
	rnd := rand.New(rand.NewPCG(41, 1))
	n := 20000
	if testing.Short() {
		n = 8000
	}
	for _, dims := range [][]int{{4, 4}, {3, 2, 2}} {
		l := lattice.MustNew(dims...)
		for _, beta := range []float64{0.2, math.Log(1+math.Sqrt2) / 2, 0.7} {
			m2, m4, e := isingExact(l, beta)
			ms, en := isingRun(l, beta, 100, n, 1, rnd)
			obs, err := Summarise(l.Volume(), ms)
			if err != nil {
				t.Fatal(err)
			}
			energy, err := Mean(en)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range []struct {
				name string
				got  Estimate
				want float64
			}{
				{"⟨m²⟩", obs.M2, m2},
				{"⟨m⁴⟩", obs.M4, m4},
				{"U₄", obs.Binder, 1 - m4/(3*m2*m2)},
				{"E/V", energy, e},
			} {
				if z := (c.got.Value - c.want) / c.got.Err; math.Abs(z) > nSigma+0.7 {
					// nSigma+0.7 ≈ 4σ: Bonferroni over 24 checks.
					t.Errorf("%v β=%.4f %s = %v, exact %.6f (z = %.2f)", dims, beta, c.name, c.got, c.want, z)
				}
			}
		}
	}
}

// TestIsingCriticalBinder validates the cluster update and the Binder
// cumulant estimator against the literature in the Ising limit of the
// hopping-form φ⁴ action (λ → ∞ pins φ² = 1, leaving the Ising model at
// β_Ising = 2κ), at the exact critical point κ_c = ln(1+√2)/4 (Onsager
// 1944: β_c = ln(1+√2)/2). There the Binder cumulant of the periodic square
// lattice tends to U₄* = 1 − R/3 with R = ⟨M⁴⟩/⟨M²⟩² = 1.1679229(47)
// (J. Salas and A. D. Sokal, J. Stat. Phys. 98 (2000) 551), i.e.
// U₄* = 0.6106924; G. Kamieniarz and H. W. J. Blöte, J. Phys. A 26 (1993)
// 201 give 0.61069(1). The test assumes the finite-size shift at L = 16 is
// below its statistical error (≈ 10⁻³).
func TestIsingCriticalBinder(t *testing.T) {
	const uStar = 1 - 1.1679229/3
	kappaC := math.Log(1+math.Sqrt2) / 4
	L, n := 16, 40000
	if testing.Short() {
		n = 15000
	}
	l := lattice.MustNew(L, L)
	ms, _ := isingRun(l, 2*kappaC, 200, n, 2, rand.New(rand.NewPCG(42, 1)))
	u, err := Binder(ms)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("L = %d, κ_c = %.6f: U₄ = %v (literature U₄* = %.5f)", L, kappaC, u, uStar)
	if z := (u.Value - uStar) / u.Err; math.Abs(z) > nSigma {
		t.Errorf("U₄(κ_c, L=%d) = %v, literature %v (z = %.2f)", L, u, uStar, z)
	}
}
