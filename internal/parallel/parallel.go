// Copyright ©2026 The rgflow Authors. All rights reserved.

// Package parallel runs data-parallel loops on a fixed number of
// goroutines: a one-shot For over an index range, and a persistent Pool for
// loops hot enough that starting goroutines would cost more than the work.
//
// Neither decides what a result is: callers keep every random stream and
// every reduction tied to an index or a worker, never to scheduling, so
// results do not depend on how many workers ran them.
package parallel

import (
	"runtime"
	"sync"
)

// Workers returns the number of workers to use for n items when w are
// asked for: w ≤ 0 means GOMAXPROCS, and the result is in [1, max(n, 1)].
func Workers(w, n int) int {
	if w <= 0 {
		w = runtime.GOMAXPROCS(0)
	}
	return max(1, min(w, n))
}

// For calls fn(w, i) for every i in [0, n) on W goroutines, worker w taking
// the contiguous block [w·n/W, (w+1)·n/W), and returns when all calls have
// returned. With W ≤ 1 it runs on the calling goroutine.
func For(W, n int, fn func(w, i int)) {
	if W <= 1 {
		for i := 0; i < n; i++ {
			fn(0, i)
		}
		return
	}
	var wg sync.WaitGroup
	for w := 0; w < W; w++ {
		lo, hi := w*n/W, (w+1)*n/W
		wg.Add(1)
		go func(w, lo, hi int) {
			defer wg.Done()
			for i := lo; i < hi; i++ {
				fn(w, i)
			}
		}(w, lo, hi)
	}
	wg.Wait()
}

// Pool is a set of persistent goroutines; the goroutine that calls Run acts
// as worker 0. Run sends a func value on a channel and allocates nothing, so
// a pool can drive an allocation-free inner loop when its callers keep
// their funcs (method values bound once) instead of making closures per call.
type Pool struct {
	n    int
	jobs []chan func(w int)
	wg   sync.WaitGroup
	once sync.Once
}

// NewPool returns a pool of n workers; n ≤ 0 means GOMAXPROCS.
func NewPool(n int) *Pool {
	if n <= 0 {
		n = runtime.GOMAXPROCS(0)
	}
	p := &Pool{n: n, jobs: make([]chan func(int), n)}
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

// Len returns the number of workers.
func (p *Pool) Len() int { return p.n }

// Run calls f(w) once for every worker w in [0, Len()) concurrently and
// returns when all calls have returned.
func (p *Pool) Run(f func(w int)) {
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

// Close stops the pool's goroutines; it may be called more than once. Run
// must not be called after Close.
func (p *Pool) Close() {
	p.once.Do(func() {
		for w := 1; w < p.n; w++ {
			close(p.jobs[w])
		}
	})
}
