// Copyright ©2026 The rgflow Authors. All rights reserved.

package generative

import (
	"fmt"
	"math"
)

// Network is the map F_θ inside a learned score: a batch of inputs in site
// space (len(c) of them, one after another, each of C channels of V sites,
// channel-major, float32) and one conditioning time per input to a batch
// of fields of one channel. *nn.Network of generative/nn satisfies it.
//
// C is 1 unless the Network has a method In() int that says 2 (as
// *nn.Network and NNModel do). Channel 0 is always the whitened field
// In·x̃_t of Precond; a second channel is the baseline's posterior mean
// Skip·x̃_t — the field in its own units, its long-wavelength modes (the
// magnetisation among them) not suppressed by the whitening — divided by
// the baseline's root-mean-square mode amplitude √(mean G₀). The
// whitening leaves a convolution of finite reach unable to tell what the
// field's local value is where the low modes are large (at criticality
// the zero mode's G₀ is V times the susceptibility): the second channel
// gives it that value.
//
// Forward keeps what Backward needs; Predict does not (evaluation only).
// Backward takes ∂loss/∂output of the last Forward, accumulates the
// parameter gradient and, if dx is not nil, writes ∂loss/∂input into it.
type Network interface {
	Forward(dst, x []float32, c []float64) []float32
	Predict(dst, x []float32, c []float64) []float32
	Backward(dx, dy []float32) []float32
}

// Precond holds the per-mode preconditioning of a learned denoiser at one
// time, built from a Gaussian baseline of spectrum G₀ (EDM's c_in, c_skip,
// c_out of Karras et al. 2022, §5, taken per mode in the process' basis):
//
//	G_t    = ᾱ G₀ + (1 − ᾱ) σ²           the baseline's variance of x̃_t
//	In     = 1/√G_t                       whitens the input
//	Skip   = √ᾱ G₀/G_t                    the exact Gaussian denoiser
//	Out    = √(G₀ (1 − ᾱ) σ²/G_t)         its posterior standard deviation
//
// and the learned denoiser is x̂₀ = Skip·x̃_t + Out·F̃_θ(In·x̃_t, t).
type Precond struct {
	In, Skip, Out []float64
}

// NewPrecond returns a Precond for the modes of p.
func NewPrecond(p *Process) *Precond {
	M := p.Modes()
	return &Precond{In: make([]float64, M), Skip: make([]float64, M), Out: make([]float64, M)}
}

// At fills the preconditioning of the baseline g at time t.
func (c *Precond) At(g *Gaussian, t float64) {
	p := g.P
	for j, e := range p.Eps {
		a := p.Sched.AlphaBar(t, e)
		s2 := p.Sigma2[j]
		g0 := g.G0[j]
		gt := a*g0 + (1-a)*s2
		if !(gt > 0) {
			c.In[j], c.Skip[j], c.Out[j] = 0, 0, 0
			continue
		}
		c.In[j] = 1 / math.Sqrt(gt)
		c.Skip[j] = math.Sqrt(a) * g0 / gt
		c.Out[j] = math.Sqrt(math.Max(g0*(1-a)*s2/gt, 0))
	}
}

// Learned is a learned denoiser: the Gaussian baseline plus a network for
// the rest, in the preconditioned form of Precond,
//
//	x̂₀ = Skip·x̃_t + Out·F̃_θ(In·x̃_t, t/T),
//
// where the network sees the whitened field (unit white noise in site space
// for Gaussian data at every t) and its output, transformed to the modes
// and scaled by the baseline's posterior standard deviation, corrects the
// baseline. With F = 0 it is exactly the baseline — the exact inverse RG
// for free-field data — and its training target (see Trainer) has unit
// variance in every mode at every time. The conditioning time passed to
// the network is t/T ∈ (0, 1].
//
// A Learned holds transform and network scratch: one goroutine at a time.
type Learned struct {
	Base *Gaussian
	Net  Network

	plan  *planCache
	pc    *Precond
	inp   netInput
	cond  []float64
	in    []float32
	out   []float32
	modes []complex128
}

// NewLearned returns the learned denoiser with baseline base and network
// net.
func NewLearned(base *Gaussian, net Network) (*Learned, error) {
	if base == nil || net == nil {
		return nil, fmt.Errorf("generative: learned score needs a Gaussian baseline and a network")
	}
	l := &Learned{Base: base, Net: net, plan: newPlanCache(base.P), pc: NewPrecond(base.P)}
	var err error
	if l.inp, err = newNetInput(base, net, l.plan, l.pc); err != nil {
		return nil, err
	}
	return l, nil
}

// PosteriorVar returns the baseline's Var[x₀ | x_t], used by FullVariance
// ancestral sampling.
func (l *Learned) PosteriorVar(j int, t float64) float64 { return l.Base.PosteriorVar(j, t) }

// Denoise writes x̂₀ for the batch into dst (which may alias xt).
func (l *Learned) Denoise(dst, xt []complex128, t []float64) []complex128 {
	p := l.Base.P
	M, V, B := p.Modes(), p.Lat.Volume(), len(t)
	checkBatch(M, xt, t)
	dst = batchDst(dst, len(xt))
	C := l.inp.c
	l.grow(B, M, V)
	for b, tb := range t {
		if b == 0 || tb != t[b-1] {
			l.pc.At(l.Base, tb)
		}
		l.inp.fill(l.in[b*C*V:(b+1)*C*V], xt[b*M:(b+1)*M])
		l.cond[b] = tb / p.T
	}
	l.Net.Predict(l.out, l.in, l.cond)
	for b, tb := range t {
		if b == 0 || tb != t[b-1] {
			l.pc.At(l.Base, tb)
		}
		l.plan.toModes32(l.modes, l.out[b*V:(b+1)*V])
		x, d := xt[b*M:(b+1)*M], dst[b*M:(b+1)*M]
		for j := range d {
			d[j] = complex(l.pc.Skip[j], 0)*x[j] + complex(l.pc.Out[j], 0)*l.modes[j]
		}
	}
	return dst
}

func (l *Learned) grow(B, M, V int) {
	C := l.inp.c
	if cap(l.cond) < B {
		l.cond = make([]float64, B)
		l.in = make([]float32, B*C*V)
		l.out = make([]float32, B*V)
	}
	l.cond, l.in, l.out = l.cond[:B], l.in[:B*C*V], l.out[:B*V]
	if l.modes == nil {
		l.modes = make([]complex128, M)
	}
}

// planCache moves float32 fields in and out of mode space.
type planCache struct {
	p  *Process
	pl interface {
		ToModes([]complex128, []float64) []complex128
		ToField([]float64, []complex128) []float64
	}
	buf []float64
}

func newPlanCache(p *Process) *planCache {
	return &planCache{p: p, pl: p.NewPlan(), buf: make([]float64, p.Lat.Volume())}
}

func (c *planCache) toField32(dst []float32, m []complex128) {
	c.pl.ToField(c.buf, m)
	for i, v := range c.buf {
		dst[i] = float32(v)
	}
}

func (c *planCache) toModes32(dst []complex128, x []float32) {
	for i, v := range x {
		c.buf[i] = float64(v)
	}
	c.pl.ToModes(dst, c.buf)
}

// netInput builds a Network's input from x̃_t with the preconditioning
// of the current time (see Network for the channels).
type netInput struct {
	c     int     // channels: 1 or 2
	scale float64 // 1/√(mean G₀), the second channel's unit
	plan  *planCache
	pc    *Precond
	m     []complex128
}

// Inputs returns the number of input channels a learned score's network
// takes: net.In() if it has that method, else 1.
func Inputs(net Network) int {
	if n, ok := net.(interface{ In() int }); ok {
		return n.In()
	}
	return 1
}

func newNetInput(base *Gaussian, net Network, plan *planCache, pc *Precond) (netInput, error) {
	c := Inputs(net)
	if c != 1 && c != 2 {
		return netInput{}, fmt.Errorf("generative: the learned score's network takes %d input channels: allowed 1 (the whitened field) or 2 (and the baseline's posterior mean)", c)
	}
	var mean float64
	for _, g := range base.G0 {
		mean += g
	}
	mean /= float64(len(base.G0))
	scale := 1.0
	if mean > 0 {
		scale = 1 / math.Sqrt(mean)
	}
	return netInput{c: c, scale: scale, plan: plan, pc: pc, m: make([]complex128, base.P.Modes())}, nil
}

// fill writes the input of x̃_t, C·V values, into dst; the Precond must
// hold the time of x̃_t.
func (in *netInput) fill(dst []float32, xt []complex128) {
	V := len(dst) / in.c
	for j, c := range in.pc.In {
		in.m[j] = complex(c, 0) * xt[j]
	}
	in.plan.toField32(dst[:V], in.m)
	if in.c == 1 {
		return
	}
	for j, c := range in.pc.Skip {
		in.m[j] = complex(c*in.scale, 0) * xt[j]
	}
	in.plan.toField32(dst[V:2*V], in.m)
}
