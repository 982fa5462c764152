// Copyright ©2026 The rgflow Authors. All rights reserved.

package nn

import "sync"

// runner is work split across a pool: run(phase, w) is called once on every
// worker w of the pool.
type runner interface {
	run(phase, w int)
}

type job struct {
	r     runner
	phase int
}

// pool is a set of persistent goroutines; the calling goroutine acts as
// worker 0. Dispatching sends a small value on a channel and allocates
// nothing, so a training step stays allocation-free.
type pool struct {
	n    int
	jobs []chan job
	wg   sync.WaitGroup
	once sync.Once
}

func newPool(n int) *pool {
	p := &pool{n: n, jobs: make([]chan job, n)}
	for i := 1; i < n; i++ {
		p.jobs[i] = make(chan job)
		go p.loop(i)
	}
	return p
}

func (p *pool) loop(i int) {
	for j := range p.jobs[i] {
		j.r.run(j.phase, i)
		p.wg.Done()
	}
}

// do runs r.run(phase, w) on every worker and waits for all of them.
func (p *pool) do(r runner, phase int) {
	p.wg.Add(p.n - 1)
	for i := 1; i < p.n; i++ {
		p.jobs[i] <- job{r, phase}
	}
	r.run(phase, 0)
	p.wg.Wait()
}

// close stops the goroutines.
func (p *pool) close() {
	p.once.Do(func() {
		for i := 1; i < p.n; i++ {
			close(p.jobs[i])
		}
	})
}
