// Copyright ©2026 The rgflow Authors. All rights reserved.

package pipeline

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestSystematic checks systematic resampling: N draws, in increasing
// order, proposal i drawn ⌊Np_i⌋ or ⌈Np_i⌉ times (the defining property
// of the scheme), for weights with zeros and one dominant weight, and
// for every u in a sweep of [0, 1).
func TestSystematic(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 2))
	for _, p := range [][]float64{
		{0.25, 0.25, 0.25, 0.25},
		{0, 0.5, 0, 0.5},
		{0.97, 0.01, 0.01, 0.01},
		nil,
	} {
		if p == nil {
			p = make([]float64, 37)
			s := 0.0
			for i := range p {
				p[i] = rnd.ExpFloat64()
				s += p[i]
			}
			for i := range p {
				p[i] /= s
			}
		}
		n := float64(len(p))
		for _, u := range []float64{0, 0.1, 0.5, 0.9, 0.999} {
			idx := Systematic(p, u)
			if len(idx) != len(p) {
				t.Fatalf("%d draws for %d weights", len(idx), len(p))
			}
			count := make([]int, len(p))
			for k, i := range idx {
				if k > 0 && i < idx[k-1] {
					t.Fatalf("p %v u %v: draws not in increasing order: %v", p, u, idx)
				}
				count[i]++
			}
			for i, c := range count {
				lo, hi := math.Floor(n*p[i]-1e-9), math.Ceil(n*p[i]+1e-9)
				if float64(c) < lo || float64(c) > hi {
					t.Errorf("p %v u %v: proposal %d drawn %d times, N p = %v", p, u, i, c, n*p[i])
				}
			}
		}
	}
	if d := distinct([]int{0, 0, 2, 2, 2, 5}); d != 3 {
		t.Errorf("distinct = %d, want 3", d)
	}
}
