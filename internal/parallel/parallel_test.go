// Copyright ©2026 The rgflow Authors. All rights reserved.

package parallel

import (
	"sync/atomic"
	"testing"
)

func TestWorkers(t *testing.T) {
	for _, c := range []struct{ w, n, want int }{
		{4, 10, 4}, {4, 2, 2}, {4, 0, 1}, {1, 100, 1}, {16, 16, 16},
	} {
		if got := Workers(c.w, c.n); got != c.want {
			t.Errorf("Workers(%d, %d) = %d, want %d", c.w, c.n, got, c.want)
		}
	}
	if got := Workers(0, 1<<20); got < 1 {
		t.Errorf("Workers(0, large) = %d, want ≥ 1", got)
	}
}

// For visits every index exactly once, worker w only inside its contiguous
// block, for worker counts that do and do not divide n.
func TestForCoversEachIndexOnceInBlocks(t *testing.T) {
	for _, W := range []int{1, 2, 3, 7, 13} {
		for _, n := range []int{0, 1, 5, 12, 100} {
			hits := make([]int32, n)
			owner := make([]int32, n)
			For(W, n, func(w, i int) {
				atomic.AddInt32(&hits[i], 1)
				owner[i] = int32(w)
			})
			for i := range hits {
				if hits[i] != 1 {
					t.Fatalf("W=%d n=%d: index %d visited %d times", W, n, i, hits[i])
				}
				w := int(owner[i])
				if W <= 1 {
					if w != 0 {
						t.Fatalf("W=%d: index %d on worker %d", W, i, w)
					}
					continue
				}
				if lo, hi := w*n/W, (w+1)*n/W; i < lo || i >= hi {
					t.Fatalf("W=%d n=%d: index %d on worker %d whose block is [%d,%d)", W, n, i, w, lo, hi)
				}
			}
		}
	}
}

func TestPoolRunsEveryWorkerOncePerCall(t *testing.T) {
	for _, n := range []int{1, 2, 5} {
		p := NewPool(n)
		if p.Len() != n {
			t.Fatalf("Len = %d, want %d", p.Len(), n)
		}
		counts := make([]int32, n)
		f := func(w int) { atomic.AddInt32(&counts[w], 1) }
		for r := 0; r < 50; r++ {
			p.Run(f)
		}
		for w, c := range counts {
			if c != 50 {
				t.Errorf("n=%d: worker %d ran %d times in 50 calls", n, w, c)
			}
		}
		p.Close()
		p.Close()
	}
	if p := NewPool(0); p.Len() < 1 {
		t.Errorf("NewPool(0).Len() = %d", p.Len())
	} else {
		p.Close()
	}
}

// Run dispatches a stored func without allocating: what lets a training
// step stay allocation-free.
func TestPoolRunAllocatesNothing(t *testing.T) {
	p := NewPool(2)
	defer p.Close()
	var sink [2]int
	f := func(w int) { sink[w]++ }
	if a := testing.AllocsPerRun(100, func() { p.Run(f) }); a != 0 {
		t.Errorf("Run allocates %v times per call, want 0", a)
	}
}
