// Copyright ©2026 The rgflow Authors. All rights reserved.

package field

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"rgflow/lattice"
)

// TestHoppingEdges checks the conversion to hopping parameters at its
// edges: at g = 0 the free action needs m² > −2d strictly (at m² = −2d the
// hopping parameter 1/(m² + 2d) is infinite), and the error names the
// bound; for tiny g the root of 2gκ² + bκ − 1 = 0 is the series
// κ = 1/b − 2g/b³ + 8g²/b⁵ − …, which a form that subtracts two nearly
// equal numbers misses in the third digit.
func TestHoppingEdges(t *testing.T) {
	for d := 1; d <= 3; d++ {
		_, err := ContinuumParams{M2: -2 * float64(d), G: 0}.Hopping(d)
		if err == nil {
			t.Errorf("d = %d: m² = −2d with g = 0 accepted", d)
		} else if want := fmt.Sprintf("−2d = %d", -2*d); !strings.Contains(err.Error(), want) {
			t.Errorf("d = %d: error %q does not name the bound %q", d, err, want)
		}
	}
	const g = 1e-12
	for _, m2 := range []float64{0.25, 3} {
		h, err := ContinuumParams{M2: m2, G: g}.Hopping(2)
		if err != nil {
			t.Fatal(err)
		}
		b := m2 + 4
		want := 1/b - 2*g/(b*b*b) + 8*g*g/math.Pow(b, 5)
		if math.Abs(h.Kappa/want-1) > 1e-13 {
			t.Errorf("m² = %v, g = %v: κ = %.17g, want %.17g", m2, g, h.Kappa, want)
		}
	}
}

// TestPhi4TermsOfAWave checks the terms of S/V on ϕ_x = a + b cos(πx₁/2)
// on a 4×4 lattice, whose sums are exact: M = a, the fluctuation
// Σ(ϕ−M)²/V = b²/2, the gradient ½Σ_μ(∂ϕ)²/V = b²/2 (four unit steps of
// b² along x₁), and ⟨ϕ⁴⟩ = [(a+b)⁴ + (a−b)⁴ + 2a⁴]/4; they add up to the
// action over V.
func TestPhi4TermsOfAWave(t *testing.T) {
	l, err := lattice.New(4, 4)
	if err != nil {
		t.Fatal(err)
	}
	c := ContinuumParams{M2: 0.7, G: 0.3}
	act, err := NewPhi4(l, c)
	if err != nil {
		t.Fatal(err)
	}
	const a, b = 0.8, 0.5
	phi := make([]float64, l.Volume())
	wave := []float64{1, 0, -1, 0}
	for i := range phi {
		phi[i] = a + b*wave[l.Coords(nil, i)[0]]
	}
	got := act.Terms(phi)
	m4 := (math.Pow(a+b, 4) + math.Pow(a-b, 4) + 2*math.Pow(a, 4)) / 4
	want := Phi4Terms{Gradient: b * b / 2, MassZeroMode: c.M2 * a * a / 2, MassFluctuation: c.M2 * b * b / 4, Quartic: c.G * m4 / 4}
	for _, x := range []struct {
		name      string
		got, want float64
	}{{"gradient", got.Gradient, want.Gradient}, {"mass zero mode", got.MassZeroMode, want.MassZeroMode},
		{"mass fluctuation", got.MassFluctuation, want.MassFluctuation}, {"quartic", got.Quartic, want.Quartic},
		{"sum against the action", got.Sum(), act.Action(phi) / float64(l.Volume())}} {
		if math.Abs(x.got-x.want) > 1e-14 {
			t.Errorf("%s: %.17g, want %.17g", x.name, x.got, x.want)
		}
	}
}
