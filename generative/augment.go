// Copyright ©2026 The rgflow Authors. All rights reserved.

package generative

import (
	"fmt"
	"math/rand/v2"

	"gonum.org/v1/gonum/floats/scalar"

	"rgflow/erg"
	"rgflow/lattice"
)

// symmetry draws and applies elements of the symmetry group of a
// process's lattice and basis: for the Periodic basis every translation,
// the reflection x_μ → −x_μ of each axis and every permutation of axes of
// equal extent (for a square L×L lattice the 8·L² elements of translations
// ⋊ D₄); for the Open basis, whose reflecting boundaries break
// translations, the reflections x_μ → L_μ−1−x_μ and the permutations.
//
// Training on x₀ carried by a uniformly random element g is exact data
// augmentation when the law of x₀ is invariant under the group and the
// forward process commutes with it. The process is diagonal in the basis
// with a per-mode schedule, so it commutes with g exactly when its mode
// energies and reference spectrum are constant on the orbits of modes
// under the reflections and permutations (ModeSet): translations only
// change phases. newSymmetry checks that.
type symmetry struct {
	lat    *lattice.Lattice
	open   bool
	groups [][]int // axes of equal extent, each group in increasing order

	perm    []int // source axis of each image axis
	flip    []bool
	shift   []int
	y, x, p []int
}

// newSymmetry returns the symmetry group of p, or an error naming the
// first mode whose energy or reference spectrum differs from another of
// its orbit (the process does not commute with the group).
func newSymmetry(p *Process) (*symmetry, error) {
	ms := NewModeSet(p)
	eps := make([]float64, ms.Orbits)
	s2 := make([]float64, ms.Orbits)
	seen := make([]bool, ms.Orbits)
	// The energies of an orbit are permuted sums of the same terms: equal
	// to rounding.
	for j, o := range ms.Orbit {
		if !seen[o] {
			seen[o], eps[o], s2[o] = true, p.Eps[j], p.Sigma2[j]
			continue
		}
		if !scalar.EqualWithinRel(p.Eps[j], eps[o], 1e-12) || !scalar.EqualWithinRel(p.Sigma2[j], s2[o], 1e-12) {
			return nil, fmt.Errorf("generative: augment: mode %d has energy %v and reference variance %v, another mode of its symmetry orbit %v and %v: the process does not commute with the lattice symmetries (turn augmentation off)",
				j, p.Eps[j], p.Sigma2[j], eps[o], s2[o])
		}
	}
	l := p.Lat
	d := l.Dim()
	s := &symmetry{
		lat:   l,
		open:  p.Basis == erg.Open,
		perm:  make([]int, d),
		flip:  make([]bool, d),
		shift: make([]int, d),
		y:     make([]int, d),
		x:     make([]int, d),
		p:     make([]int, 0, d),
	}
	byExtent := map[int]int{}
	for mu := 0; mu < d; mu++ {
		L := l.Extent(mu)
		g, ok := byExtent[L]
		if !ok {
			g = len(s.groups)
			byExtent[L] = g
			s.groups = append(s.groups, nil)
		}
		s.groups[g] = append(s.groups[g], mu)
	}
	return s, nil
}

// draw picks a uniformly random group element with rnd.
func (s *symmetry) draw(rnd *rand.Rand) {
	for _, g := range s.groups {
		// A uniform permutation of the group's axes (Fisher–Yates).
		p := append(s.p[:0], g...)
		for i := len(p) - 1; i > 0; i-- {
			j := rnd.IntN(i + 1)
			p[i], p[j] = p[j], p[i]
		}
		for i, mu := range g {
			s.perm[mu] = p[i]
		}
	}
	for mu := range s.flip {
		s.flip[mu] = rnd.IntN(2) == 1
		s.shift[mu] = 0
		if !s.open {
			s.shift[mu] = rnd.IntN(s.lat.Extent(mu))
		}
	}
}

// apply writes the image of src under the drawn element into dst: dst(y) =
// src(x) with x_{perm[μ]} = r_μ(y_μ), where r_μ is the reflection (if
// flipped) followed by the shift, modulo L_μ for Periodic and within [0,
// L_μ) for Open. Permuted axes have equal extents, so x is a site.
func (s *symmetry) apply(dst, src []float64) {
	l := s.lat
	d := l.Dim()
	y, x := s.y, s.x
	for mu := range y {
		y[mu] = 0
	}
	for i := range dst {
		for mu := 0; mu < d; mu++ {
			L := l.Extent(mu)
			v := y[mu]
			switch {
			case s.open && s.flip[mu]:
				v = L - 1 - v
			case s.flip[mu]:
				v = (L - v) % L
			}
			if s.shift[mu] != 0 {
				v = (v + s.shift[mu]) % L
			}
			x[s.perm[mu]] = v
		}
		dst[i] = src[l.Index(x)]
		// Advance y in the lattice's site order (last axis fastest).
		for mu := d - 1; mu >= 0; mu-- {
			y[mu]++
			if y[mu] < l.Extent(mu) {
				break
			}
			y[mu] = 0
		}
	}
}
