// Copyright ©2026 The rgflow Authors. All rights reserved.

package lpa

import (
	"fmt"
	"math"
)

// PotentialFlow integrates the time-dependent LPA flow ∂_t f = F[f] of
// f = v′ on the radial grid r_i = iΔ, i = 0…M, Δ = R/M, by the method of
// lines: second-order central differences in r and classical RK4 in t
// with a step chosen each time from the diffusive (Δ²) and advective
// (Δ/|c|) stability limits.
//
// Boundaries. At r = 0, f is odd: f₀ = 0 and the ghost value f₋₁ = −f₁.
// At r = R the flow is an outflow boundary: the advection velocity of
// F[f], c = ((d−2)/2) r + 2f, points outward wherever f > −(d−2)r/4,
// so information leaves the domain there and no boundary value is
// imposed; f′ is taken one-sided (second order) and f″ is extrapolated
// linearly from the interior. The boundary closure's errors are carried
// out of the domain rather than into it; PotentialFlow reports an error
// if the velocity at R ever points inward.
type PotentialFlow struct {
	LPA
	R float64
	M int
	// T is the current time and F the current f on the grid (M+1 values).
	T float64
	F []float64

	r              []float64
	k1, k2, k3, k4 []float64
	tmp            []float64
}

// NewPotentialFlow returns the flow of the initial condition f0 (f = v′,
// odd) on [0, R] with M intervals.
func (l LPA) NewPotentialFlow(f0 func(r float64) float64, R float64, M int) (*PotentialFlow, error) {
	if !(R > 0) || M < 4 {
		return nil, fmt.Errorf("lpa: grid R = %v, M = %d: need R > 0 and M ≥ 4", R, M)
	}
	p := &PotentialFlow{LPA: l, R: R, M: M}
	n := M + 1
	p.r = make([]float64, n)
	p.F = make([]float64, n)
	for i := range p.r {
		p.r[i] = R * float64(i) / float64(M)
		p.F[i] = f0(p.r[i])
	}
	p.F[0] = 0
	p.k1 = make([]float64, n)
	p.k2 = make([]float64, n)
	p.k3 = make([]float64, n)
	p.k4 = make([]float64, n)
	p.tmp = make([]float64, n)
	return p, nil
}

// Radii returns the grid.
func (p *PotentialFlow) Radii() []float64 { return p.r }

// Rate writes the discretised F[f] into dst and returns it.
func (p *PotentialFlow) Rate(dst, f []float64) []float64 {
	n := p.M + 1
	if len(f) != n {
		panic("lpa: potential length mismatch")
	}
	if dst == nil {
		dst = make([]float64, n)
	}
	d, n1 := p.D, float64(p.N-1)
	h := p.R / float64(p.M)
	rate := func(i int, f, fp, fpp float64) float64 {
		r := p.r[i]
		out := (d+2)/2*f - (d-2)/2*r*fp + fpp - 2*f*fp
		if n1 != 0 {
			out += n1 * (fp/r - f/(r*r))
		}
		return out
	}
	dst[0] = 0
	for i := 1; i < p.M; i++ {
		fp := (f[i+1] - f[i-1]) / (2 * h)
		fpp := (f[i+1] - 2*f[i] + f[i-1]) / (h * h)
		dst[i] = rate(i, f[i], fp, fpp)
	}
	M := p.M
	fp := (3*f[M] - 4*f[M-1] + f[M-2]) / (2 * h)
	c1 := (f[M] - 2*f[M-1] + f[M-2]) / (h * h)
	c2 := (f[M-1] - 2*f[M-2] + f[M-3]) / (h * h)
	dst[M] = rate(M, f[M], fp, 2*c1-c2)
	return dst
}

// maxDt returns the RK4 step limit for the current state.
func (p *PotentialFlow) maxDt() float64 {
	h := p.R / float64(p.M)
	cmax := 1e-300
	fpmax := 0.0
	for i, f := range p.F {
		cmax = math.Max(cmax, math.Abs((p.D-2)/2*p.r[i]+2*f))
		if i > 0 {
			fpmax = math.Max(fpmax, math.Abs(f-p.F[i-1])/h)
		}
	}
	// RK4 is stable for |λ dt| up to ≈ 2.7 on the real axis and ≈ 2.8
	// on the imaginary axis: diffusion λ ≈ −4/h², advection λ ≈ ic/h,
	// reaction λ ≈ (d+2)/2 + 2|f′|. Half of each limit.
	return 0.5 * math.Min(math.Min(0.69*h*h, 2.8*h/cmax), 2.7/((p.D+2)/2+2*fpmax+float64(p.N-1)/(h*h)+1e-300))
}

// Step advances by one RK4 step of size dt.
func (p *PotentialFlow) Step(dt float64) {
	f := p.F
	axpy := func(dst, x []float64, a float64, y []float64) []float64 {
		for i := range dst {
			dst[i] = x[i] + a*y[i]
		}
		dst[0] = 0
		return dst
	}
	p.Rate(p.k1, f)
	p.Rate(p.k2, axpy(p.tmp, f, dt/2, p.k1))
	p.Rate(p.k3, axpy(p.tmp, f, dt/2, p.k2))
	p.Rate(p.k4, axpy(p.tmp, f, dt, p.k3))
	for i := range f {
		f[i] += dt / 6 * (p.k1[i] + 2*p.k2[i] + 2*p.k3[i] + p.k4[i])
	}
	f[0] = 0
	p.T += dt
}

// Advance integrates to time t1, calling visit (if not nil) every
// interval of length every (and at t1); visit returning false stops the
// flow early. It returns an error if the solution stops being finite or
// the outer boundary turns into an inflow boundary.
func (p *PotentialFlow) Advance(t1, every float64, visit func(t float64, f []float64) bool) error {
	next := p.T + every
	if every <= 0 {
		next = t1
	}
	for p.T < t1 {
		dt := math.Min(p.maxDt(), t1-p.T)
		if every > 0 {
			dt = math.Min(dt, next-p.T)
		}
		p.Step(dt)
		M := p.M
		if !(math.Abs(p.F[M]) < 1e150) {
			return fmt.Errorf("lpa: flow blew up at t = %v", p.T)
		}
		if (p.D-2)/2*p.R+2*p.F[M] < 0 {
			return fmt.Errorf("lpa: flow: inflow at r = R = %v at t = %v (f = %v): enlarge R", p.R, p.T, p.F[M])
		}
		if visit != nil && (p.T >= next-1e-12 || p.T >= t1) {
			if !visit(p.T, p.F) {
				return nil
			}
			next += every
		}
	}
	return nil
}
