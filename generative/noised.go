// Copyright ©2026 The rgflow Authors. All rights reserved.

package generative

import "math/rand/v2"

// noised is one training example of a Process in flight: the data field
// x₀ (on the sites and in modes), the noise ξ and x̃_t at time t.
type noised struct {
	p          *Process
	plan       *planCache
	f0         []float64 // x₀ on the sites
	t          float64
	x0, xi, xt []complex128
}

func newNoised(p *Process, plan *planCache) noised {
	M := p.Modes()
	return noised{p: p, plan: plan, x0: make([]complex128, M), xi: make([]complex128, M), xt: make([]complex128, M)}
}

// transition takes the site field f to modes and draws its x̃_t at time t
// with noise from rnd.
func (e *noised) transition(f []float64, t float64, rnd *rand.Rand) {
	e.f0, e.t = f, t
	e.plan.pl.ToModes(e.x0, f)
	e.p.Noise(e.xi, rnd)
	e.p.Transition(e.xt, e.x0, e.xi, t)
}
