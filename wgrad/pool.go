// Copyright ©2026 The rgflow Authors. All rights reserved.

package wgrad

import (
	"runtime"
	"sync"
)

// workers is a persistent pool of goroutines for data-parallel sweeps:
// run(f) calls f(0), …, f(n−1) concurrently, f(0) on the caller's
// goroutine, and returns when all are done. Starting goroutines costs more
// than a small sweep, so a pool lives for a whole solve and each call hands
// every worker a large share of the work.
type workers struct {
	n    int
	jobs []chan func(int)
	wg   sync.WaitGroup
}

// newWorkers returns a pool of n workers; n ≤ 0 means GOMAXPROCS.
func newWorkers(n int) *workers {
	if n <= 0 {
		n = runtime.GOMAXPROCS(0)
	}
	p := &workers{n: n, jobs: make([]chan func(int), n)}
	for w := 1; w < n; w++ {
		ch := make(chan func(int))
		p.jobs[w] = ch
		go func(w int) {
			for f := range ch {
				f(w)
				p.wg.Done()
			}
		}(w)
	}
	return p
}

// run calls f(w) for every worker w and waits for all of them.
func (p *workers) run(f func(w int)) {
	if p.n == 1 {
		f(0)
		return
	}
	p.wg.Add(p.n - 1)
	for w := 1; w < p.n; w++ {
		p.jobs[w] <- f
	}
	f(0)
	p.wg.Wait()
}

// close stops the pool's goroutines.
func (p *workers) close() {
	for w := 1; w < p.n; w++ {
		close(p.jobs[w])
	}
}
