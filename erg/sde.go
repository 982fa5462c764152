// Copyright ©2026 The rgflow Authors. All rights reserved.

package erg

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// The flow as a stochastic differential equation, mode by mode:
//
//	dx_k = −½β_t(k) x_k dt + √β_t(k) σ_k dW_k.
//
// Its exact solution over [s, t] is the Ornstein–Uhlenbeck transition
// x_t = √a x_s + √(1−a) σ ξ with a = ᾱ_t/ᾱ_s, which StepOU takes; StepEM
// is the Euler–Maruyama step, weak order 1. Both take the noise
// explicitly (coefficients drawn by Process.Noise, ⟨|ξ̃_k|²⟩ = Norm_k) so
// that a step is a deterministic linear map of (x, ξ).

// SDEMethod names an integrator of the flow's SDE.
type SDEMethod int

const (
	// EulerMaruyama is x ← x − ½β_t x h + √(β_t h) σ ξ, with β at the left
	// end of the step.
	EulerMaruyama SDEMethod = iota
	// ExactOU is the exact Ornstein–Uhlenbeck transition over the step.
	ExactOU
)

func (m SDEMethod) String() string {
	return enumName("SDEMethod", int(m), "euler-maruyama", "exact-ou")
}

// StepEM writes the Euler–Maruyama step of size h from time t,
//
//	x̃ − ½β_t x̃ h + √(β_t h) σ ξ̃,
//
// into dst (which may alias x) and returns it. It panics if some β_t is
// infinite: a Sharp regulator, or a Litim mode at its cutoff, has no
// finite rate and only the exact step can move it.
func (p *Process) StepEM(dst, x, xi []complex128, t, h float64) []complex128 {
	dst = p.stepDst(dst, x, xi)
	for j, e := range p.Eps {
		b := p.Sched.Beta(t, e)
		if math.IsInf(b, 0) || math.IsNaN(b) {
			panic(fmt.Sprintf("erg: Euler–Maruyama step with β = %v at t = %v (sharp regulator or a mode past its cutoff): use the exact OU step", b, t))
		}
		ca := complex(1-0.5*b*h, 0)
		cn := complex(math.Sqrt(b*h*p.Sigma2[j]), 0)
		dst[j] = ca*x[j] + cn*xi[j]
	}
	return dst
}

// StepOU writes the exact transition from time s to time t ≥ s,
// √a x̃ + √(1−a) σ ξ̃ with a = ᾱ_t/ᾱ_s, into dst (which may alias x) and
// returns it. A mode with ᾱ_s = 0 is already pure noise and is redrawn.
func (p *Process) StepOU(dst, x, xi []complex128, s, t float64) []complex128 {
	dst = p.stepDst(dst, x, xi)
	for j, e := range p.Eps {
		as := p.Sched.AlphaBar(s, e)
		a := 0.0
		if as > 0 {
			a = math.Min(p.Sched.AlphaBar(t, e)/as, 1)
		}
		ca := complex(math.Sqrt(a), 0)
		cn := complex(math.Sqrt((1-a)*p.Sigma2[j]), 0)
		dst[j] = ca*x[j] + cn*xi[j]
	}
	return dst
}

func (p *Process) stepDst(dst, x, xi []complex128) []complex128 {
	if len(x) != p.Modes() || len(xi) != p.Modes() {
		panic("erg: mode slice length mismatch")
	}
	if dst == nil {
		return make([]complex128, p.Modes())
	}
	if len(dst) != p.Modes() {
		panic("erg: mode slice length mismatch")
	}
	return dst
}

// IntegrateSDE moves the mode coefficients x from time s to time t in n
// equal steps of method m, drawing the noise from rnd, and writes the
// result into dst (which may alias x). xi is scratch for the noise (nil
// allocates).
func (p *Process) IntegrateSDE(dst, x, xi []complex128, s, t float64, n int, m SDEMethod, rnd *rand.Rand) []complex128 {
	if n < 1 {
		panic("erg: SDE step count must be ≥ 1")
	}
	if xi == nil {
		xi = make([]complex128, p.Modes())
	}
	dst = p.stepDst(dst, x, xi)
	copy(dst, x)
	h := (t - s) / float64(n)
	for i := 0; i < n; i++ {
		t0 := s + float64(i)*h
		p.Noise(xi, rnd)
		switch m {
		case EulerMaruyama:
			p.StepEM(dst, dst, xi, t0, h)
		case ExactOU:
			p.StepOU(dst, dst, xi, t0, t0+h)
		default:
			panic(fmt.Sprintf("erg: unknown SDE method %v", m))
		}
	}
	return dst
}
