// Copyright ©2026 The rgflow Authors. All rights reserved.

package lattice

import (
	"math"
	"testing"
)

// TestShellsBinsByDefinition rebuilds the binning of NewShells from its
// definition, for every mode of several lattices and shell counts: the zero
// mode alone in shell 0, the others in the bin ⌊|k̂|/w⌋ (the top edge in the
// last bin) of width w = max|k̂|/nbins, empty bins dropped, shells numbered
// in order of their bins, edges b·w and (b+1)·w, counts the summed weights.
func TestShellsBinsByDefinition(t *testing.T) {
	for _, dims := range [][]int{{16, 16}, {7}, {3, 5, 4}, {6, 1}} {
		l := MustNew(dims...)
		k2 := l.HalfKHat2()
		w := l.HalfWeights()
		kmax := 0.0
		for _, v := range k2 {
			kmax = math.Max(kmax, math.Sqrt(v))
		}
		for _, nbins := range []int{1, 2, 3, 8} {
			s, err := NewShells(k2, w, nbins)
			if err != nil {
				t.Fatalf("%v, %d bins: %v", dims, nbins, err)
			}
			width := kmax / float64(nbins)
			bin := make([]int, len(k2))
			used := map[int]bool{}
			for j, v := range k2 {
				bin[j] = -1
				if v == 0 {
					continue
				}
				bin[j] = min(int(math.Sqrt(v)/width), nbins-1)
				used[bin[j]] = true
			}
			shellOf := map[int]int{-1: 0}
			next := 1
			for b := 0; b < nbins; b++ {
				if used[b] {
					shellOf[b] = next
					next++
				}
			}
			if s.Len() != next {
				t.Fatalf("%v, %d bins: %d shells, want %d", dims, nbins, s.Len(), next)
			}
			count := make([]float64, next)
			for j := range k2 {
				sh := shellOf[bin[j]]
				if s.Index[j] != sh {
					t.Fatalf("%v, %d bins: mode %d (|k̂| = %v) in shell %d, want %d", dims, nbins, j, math.Sqrt(k2[j]), s.Index[j], sh)
				}
				count[sh] += w[j]
			}
			for b, sh := range shellOf {
				lo, hi := float64(b)*width, float64(b+1)*width
				if b < 0 {
					lo, hi = 0, 0
				}
				if s.Lo[sh] != lo || s.Hi[sh] != hi {
					t.Errorf("%v, %d bins: shell %d edges [%v, %v], want [%v, %v]", dims, nbins, sh, s.Lo[sh], s.Hi[sh], lo, hi)
				}
				if s.Count[sh] != count[sh] {
					t.Errorf("%v, %d bins: shell %d count %v, want %v", dims, nbins, sh, s.Count[sh], count[sh])
				}
			}
		}
	}
}

// TestShellsOneBin: with one bin every non-zero mode shares shell 1, whose
// mean k̂² is the weighted mean over the non-zero modes: on a lattice, the
// full-spectrum sum Σ_k k̂² = 2d·V over V − 1 modes.
func TestShellsOneBin(t *testing.T) {
	l := MustNew(4, 6)
	s, err := l.Shells(1)
	if err != nil {
		t.Fatal(err)
	}
	if s.Len() != 2 {
		t.Fatalf("%d shells, want 2", s.Len())
	}
	V := float64(l.Volume())
	if s.Count[1] != V-1 || math.Abs(s.KHat2[1]-2*2*V/(V-1)) > 1e-12 {
		t.Errorf("shell 1: count %v, mean k̂² %v; want %v, %v", s.Count[1], s.KHat2[1], V-1, 4*V/(V-1))
	}
}

// TestShellsRejects checks the documented errors: no bins, and weights whose
// length differs from that of the dispersions.
func TestShellsRejects(t *testing.T) {
	k2 := []float64{0, 1, 2}
	if _, err := NewShells(k2, nil, 0); err == nil {
		t.Error("nbins = 0: want error")
	}
	if _, err := NewShells(k2, []float64{1, 1}, 2); err == nil {
		t.Error("2 weights for 3 modes: want error")
	}
	if _, err := NewShells(k2, []float64{1, 2, 2}, 1); err != nil {
		t.Errorf("matching weights: %v", err)
	}
}

// TestDefaultShellCount: half the largest extent, at least one.
func TestDefaultShellCount(t *testing.T) {
	for _, c := range []struct {
		dims []int
		want int
	}{{[]int{1}, 1}, {[]int{2}, 1}, {[]int{3, 9}, 4}, {[]int{16, 4}, 8}, {[]int{1, 1, 1}, 1}} {
		if got := MustNew(c.dims...).DefaultShellCount(); got != c.want {
			t.Errorf("%v: DefaultShellCount() = %d, want %d", c.dims, got, c.want)
		}
	}
}

// TestShellsAverageChecksLengths checks that Average refuses a destination
// or values of the wrong length and fills a destination of the right one.
func TestShellsAverageChecksLengths(t *testing.T) {
	l := MustNew(8)
	s, _ := l.Shells(2)
	v := l.HalfKHat2()
	if !panics(func() { s.Average(make([]float64, s.Len()+1), v, nil) }) {
		t.Error("destination of the wrong length: want panic")
	}
	if !panics(func() { s.Average(nil, v[1:], nil) }) {
		t.Error("values of the wrong length: want panic")
	}
	dst := make([]float64, s.Len())
	if got := s.Average(dst, v, l.HalfWeights()); &got[0] != &dst[0] {
		t.Error("Average did not return dst")
	}
}

// TestShellsZeroWeight: a shell whose modes all carry weight zero keeps
// mean |k̂| and k̂² zero instead of dividing 0 by 0.
func TestShellsZeroWeight(t *testing.T) {
	s, err := NewShells([]float64{0, 1, 4}, []float64{1, 0, 2}, 4)
	if err != nil {
		t.Fatal(err)
	}
	sh := s.Index[1]
	if s.Count[sh] != 0 || s.KHat[sh] != 0 || s.KHat2[sh] != 0 {
		t.Errorf("weightless shell: count %v, mean |k̂| %v, k̂² %v; want 0, 0, 0", s.Count[sh], s.KHat[sh], s.KHat2[sh])
	}
	if s.KHat2[s.Index[2]] != 4 {
		t.Errorf("shell of k̂² = 4: mean k̂² %v", s.KHat2[s.Index[2]])
	}
}
