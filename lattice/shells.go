// Copyright ©2026 The rgflow Authors. All rights reserved.

package lattice

import (
	"fmt"
	"math"
)

// Shells groups the modes of a spectrum into momentum shells, bins of |k̂|,
// for averaging isotropic quantities such as the propagator G(k).
//
// The zero mode k̂ = 0 is always a shell of its own (shell 0): on a finite
// lattice it carries the magnetisation and behaves unlike any other mode.
// The remaining modes are binned into equal-width bins of |k̂| covering
// (0, max |k̂|]; bins that hold no mode are dropped, so every shell is
// populated. Each mode carries a weight, the number of modes of the full
// spectrum it stands for (see Lattice.HalfWeights).
type Shells struct {
	// Index maps each mode to its shell.
	Index []int
	// Count is the total weight of the modes in each shell.
	Count []float64
	// KHat and KHat2 are the weighted mean |k̂| and k̂² of each shell.
	KHat, KHat2 []float64
	// Lo and Hi are the |k̂| edges of each shell's bin; the zero shell has
	// Lo = Hi = 0.
	Lo, Hi []float64
}

// NewShells bins the modes with dispersions khat2 and weights (nil means all
// ones) into nbins bins of |k̂| plus the zero shell. It returns an error if
// nbins < 1 or the lengths of khat2 and weights differ.
func NewShells(khat2, weights []float64, nbins int) (*Shells, error) {
	if nbins < 1 {
		return nil, fmt.Errorf("lattice: shell count %d: must be ≥ 1", nbins)
	}
	if weights != nil && len(weights) != len(khat2) {
		return nil, fmt.Errorf("lattice: %d weights for %d modes", len(weights), len(khat2))
	}
	const zeroTol = 1e-12
	kmax := 0.0
	for _, k2 := range khat2 {
		kmax = math.Max(kmax, math.Sqrt(math.Max(k2, 0)))
	}
	width := kmax / float64(nbins)
	raw := make([]int, len(khat2)) // -1 for the zero mode, else the bin
	used := make([]bool, nbins)
	hasZero := false
	for j, k2 := range khat2 {
		k := math.Sqrt(math.Max(k2, 0))
		if k < zeroTol {
			raw[j] = -1
			hasZero = true
			continue
		}
		b := int(k / width)
		if b >= nbins {
			b = nbins - 1
		}
		raw[j] = b
		used[b] = true
	}
	// Renumber: zero shell first, then the populated bins in order.
	renum := make([]int, nbins)
	s := &Shells{Index: make([]int, len(khat2))}
	next := 0
	if hasZero {
		s.Lo = append(s.Lo, 0)
		s.Hi = append(s.Hi, 0)
		next = 1
	}
	for b := 0; b < nbins; b++ {
		if !used[b] {
			renum[b] = -1
			continue
		}
		renum[b] = next
		next++
		s.Lo = append(s.Lo, float64(b)*width)
		s.Hi = append(s.Hi, float64(b+1)*width)
	}
	s.Count = make([]float64, next)
	s.KHat = make([]float64, next)
	s.KHat2 = make([]float64, next)
	for j, b := range raw {
		sh := 0
		if b >= 0 {
			sh = renum[b]
		}
		s.Index[j] = sh
		w := 1.0
		if weights != nil {
			w = weights[j]
		}
		k2 := math.Max(khat2[j], 0)
		s.Count[sh] += w
		s.KHat[sh] += w * math.Sqrt(k2)
		s.KHat2[sh] += w * k2
	}
	for sh := range s.Count {
		if s.Count[sh] > 0 {
			s.KHat[sh] /= s.Count[sh]
			s.KHat2[sh] /= s.Count[sh]
		}
	}
	return s, nil
}

// Shells returns nbins momentum shells (plus the zero shell) over the half
// spectrum of the real-to-complex transform, weighted by HalfWeights.
func (l *Lattice) Shells(nbins int) (*Shells, error) {
	return NewShells(l.HalfKHat2(), l.HalfWeights(), nbins)
}

// DefaultShellCount returns a shell count suited to the lattice: half the
// largest extent, at least 1, so that shells hold several modes each.
func (l *Lattice) DefaultShellCount() int {
	m := 1
	for _, L := range l.dims {
		m = max(m, L/2)
	}
	return m
}

// Len returns the number of shells.
func (s *Shells) Len() int { return len(s.Count) }

// Average writes into dst the weighted mean over each shell of values, one
// value per mode, and returns dst. weights must be the weights the shells
// were built with (nil for all ones). If dst is nil a new slice is
// allocated; otherwise its length must be s.Len().
func (s *Shells) Average(dst, values, weights []float64) []float64 {
	if len(values) != len(s.Index) {
		panic("lattice: shell values length mismatch")
	}
	if dst == nil {
		dst = make([]float64, s.Len())
	} else if len(dst) != s.Len() {
		panic("lattice: shell destination length mismatch")
	}
	clear(dst)
	for j, v := range values {
		w := 1.0
		if weights != nil {
			w = weights[j]
		}
		dst[s.Index[j]] += w * v
	}
	for sh := range dst {
		dst[sh] /= s.Count[sh]
	}
	return dst
}
