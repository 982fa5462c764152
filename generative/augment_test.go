// Copyright ©2026 The rgflow Authors. All rights reserved.

package generative

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"gonum.org/v1/gonum/stat/distuv"

	"rgflow/erg"
	"rgflow/lattice"
)

// latticeAction is a nearest-neighbour φ⁴ action, ½Σ(φ_x − φ_y)² over the
// links plus Σ(½m²φ² + gφ⁴), with the links of the torus (Periodic) or of
// the box without wrap-around (Open). Any element of the lattice's
// symmetry group must leave it unchanged.
func latticeAction(l *lattice.Lattice, open bool, f []float64) float64 {
	s := 0.0
	x := make([]int, l.Dim())
	for i, v := range f {
		s += 0.35*v*v + 0.8*v*v*v*v
		l.Coords(x, i)
		for mu := 0; mu < l.Dim(); mu++ {
			if open && x[mu] == l.Extent(mu)-1 {
				continue
			}
			d := f[l.Fwd(mu)[i]] - v
			s += 0.5 * d * d
		}
	}
	return s
}

// TestSymmetryKeepsAction: every drawn element maps fields to fields of
// the same nearest-neighbour action (a site permutation that keeps the
// links), on lattices with equal and unequal extents, in both bases; the
// image is a permutation of the field's values, and most draws move it
// (the elements are not all the identity).
func TestSymmetryKeepsAction(t *testing.T) {
	for _, c := range []struct {
		dims  []int
		basis erg.Basis
	}{
		{[]int{7}, erg.Periodic},
		{[]int{6, 6}, erg.Periodic},
		{[]int{4, 6}, erg.Periodic},
		{[]int{4, 6, 4}, erg.Periodic},
		{[]int{5, 5}, erg.Open},
		{[]int{4, 4, 6}, erg.Open},
	} {
		t.Run(fmt.Sprint(c.dims, c.basis), func(t *testing.T) {
			l := lattice.MustNew(c.dims...)
			s, err := newSymmetry(expProcess(t, l, c.basis))
			if err != nil {
				t.Fatal(err)
			}
			rnd := rand.New(rand.NewPCG(3, 4))
			f := make([]float64, l.Volume())
			for i := range f {
				f[i] = rnd.NormFloat64()
			}
			want := latticeAction(l, c.basis == erg.Open, f)
			sorted := slices.Sorted(slices.Values(f))
			g := make([]float64, len(f))
			moved := 0
			for k := 0; k < 200; k++ {
				s.draw(rnd)
				s.apply(g, f)
				if got := latticeAction(l, c.basis == erg.Open, g); math.Abs(got-want) > 1e-12*math.Abs(want) {
					t.Fatalf("draw %d (perm %v flip %v shift %v): action %v, want %v", k, s.perm, s.flip, s.shift, got, want)
				}
				if !slices.Equal(slices.Sorted(slices.Values(g)), sorted) {
					t.Fatalf("draw %d: the image is not a permutation of the field", k)
				}
				if !slices.Equal(g, f) {
					moved++
				}
			}
			if moved < 150 {
				t.Errorf("%d of 200 draws moved the field", moved)
			}
		})
	}
}

// TestSymmetryUniform: on a 3×3 torus the group has 9 translations × 4
// reflections × 2 axis orders = 72 elements, each a different site
// permutation; on the 3×3 box (Open) 4 × 2 = 8. Drawing 100 per element,
// every element appears and the counts pass a χ² test against the
// uniform law at the 99.9% level (fixed seed).
func TestSymmetryUniform(t *testing.T) {
	for _, c := range []struct {
		basis erg.Basis
		order int
	}{{erg.Periodic, 72}, {erg.Open, 8}} {
		l := lattice.MustNew(3, 3)
		s, err := newSymmetry(expProcess(t, l, c.basis))
		if err != nil {
			t.Fatal(err)
		}
		f := make([]float64, 9)
		for i := range f {
			f[i] = float64(i)
		}
		g := make([]float64, 9)
		count := map[string]int{}
		rnd := rand.New(rand.NewPCG(5, 6))
		n := 100 * c.order
		for k := 0; k < n; k++ {
			s.draw(rnd)
			s.apply(g, f)
			count[fmt.Sprint(g)]++
		}
		if len(count) != c.order {
			t.Fatalf("%v: %d distinct images, want the group order %d", c.basis, len(count), c.order)
		}
		e := float64(n) / float64(c.order)
		chi2 := 0.0
		for _, m := range count {
			chi2 += (float64(m) - e) * (float64(m) - e) / e
		}
		q := distuv.ChiSquared{K: float64(c.order - 1)}.Quantile(0.999)
		if chi2 > q {
			t.Errorf("%v: χ² of the counts %.1f on %d dof, 99.9%% quantile %.1f", c.basis, chi2, c.order-1, q)
		}
	}
}

// TestSymmetryCommutesWithProcess: the image of a field has, in the
// process's basis, the same power summed over every orbit of modes (the
// group permutes modes within orbits and changes phases only), so a
// per-mode process constant on orbits commutes with it.
func TestSymmetryCommutesWithProcess(t *testing.T) {
	for _, c := range []struct {
		dims  []int
		basis erg.Basis
	}{{[]int{6, 6}, erg.Periodic}, {[]int{4, 6, 4}, erg.Periodic}, {[]int{4, 4, 6}, erg.Open}} {
		l := lattice.MustNew(c.dims...)
		p := expProcess(t, l, c.basis)
		s, err := newSymmetry(p)
		if err != nil {
			t.Fatal(err)
		}
		ms := NewModeSet(p)
		pl := p.NewPlan()
		power := func(f []float64) []float64 {
			m := pl.ToModes(nil, f)
			w := make([]float64, ms.Orbits)
			for j, v := range m {
				w[ms.Orbit[j]] += p.Weight[j] * (real(v)*real(v) + imag(v)*imag(v))
			}
			return w
		}
		rnd := rand.New(rand.NewPCG(7, 8))
		f := make([]float64, l.Volume())
		for i := range f {
			f[i] = rnd.NormFloat64()
		}
		want := power(f)
		g := make([]float64, len(f))
		for k := 0; k < 20; k++ {
			s.draw(rnd)
			s.apply(g, f)
			for o, v := range power(g) {
				if math.Abs(v-want[o]) > 1e-10*(1+want[o]) {
					t.Fatalf("%v %v, draw %d: orbit %d power %v, want %v", c.dims, c.basis, k, o, v, want[o])
				}
			}
		}
	}
}

// TestAugmentRefusesAsymmetricProcess: a process whose reference spectrum
// is not constant on the orbits (an anisotropic σ² on a square lattice)
// does not commute with the axis permutation, and the trainer says so.
func TestAugmentRefusesAsymmetricProcess(t *testing.T) {
	l := lattice.MustNew(4, 4)
	eps := Dispersion(l, erg.Periodic)
	sig := make([]float64, len(eps))
	lab := make([]int, 2)
	for j := range sig {
		l.HalfMode(lab, j)
		sig[j] = 1 / (1 + eps[j] + 0.3*float64(lab[0]*lab[0]))
	}
	p, err := erg.NewProcess(l, erg.Periodic, expSchedule{0.4}, 6, eps, sig)
	if err != nil {
		t.Fatal(err)
	}
	_, err = newSymmetry(p)
	if err == nil || !strings.Contains(err.Error(), "augment") {
		t.Fatalf("asymmetric process: error %v, want one naming augment", err)
	}
	if _, err := newSymmetry(expProcess(t, l, erg.Periodic)); err != nil {
		t.Fatalf("symmetric process: %v", err)
	}
}
