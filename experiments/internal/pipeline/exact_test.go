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

// TestIMHRate: rate/2τ_int for a mixing chain, rate/1 for τ_int < ½, and
// the distinct fields' rate for a chain stuck on a few of them however
// small its estimated τ_int.
func TestIMHRate(t *testing.T) {
	for _, c := range []struct {
		rate, tau   float64
		distinct, n int
		want        float64
	}{
		{100, 5, 3000, 4096, 10},
		{100, 0.3, 4096, 4096, 100},
		{100, 0.738, 33, 4096, 100 * 33.0 / 4096},
		{100, 50, 1, 4096, 100.0 / 4096},
	} {
		if got := IMHRate(c.rate, c.tau, c.distinct, c.n); got != c.want {
			t.Errorf("IMHRate(%v, τ %v, %d distinct of %d) = %v, want %v", c.rate, c.tau, c.distinct, c.n, got, c.want)
		}
	}
}
