// Copyright ©2026 The rgflow Authors. All rights reserved.

package nn

import (
	"fmt"
	"math"
)

// Schedule is a learning-rate schedule: linear warm-up from LR/Warmup to LR
// over the first Warmup steps, then cosine decay from LR to MinLR over the
// remaining Total − Warmup steps, and MinLR after that. Total = 0 means no
// decay (constant LR after warm-up).
//
// Step numbers start at 1 (the first update is step 1):
//
//	lr(s) = LR·s/Warmup                                     s ≤ Warmup
//	lr(s) = MinLR + ½(LR−MinLR)(1 + cos(π(s−Warmup)/(Total−Warmup)))  Warmup < s ≤ Total
//	lr(s) = MinLR                                           s > Total
type Schedule struct {
	LR, MinLR     float64
	Warmup, Total int
}

// At returns the learning rate of step s ≥ 1.
func (c Schedule) At(s int) float64 {
	if s < 1 {
		panic("nn: schedule step must be ≥ 1")
	}
	if s <= c.Warmup {
		return c.LR * float64(s) / float64(c.Warmup)
	}
	if c.Total <= 0 {
		return c.LR
	}
	if s > c.Total {
		return c.MinLR
	}
	f := float64(s-c.Warmup) / float64(c.Total-c.Warmup)
	return c.MinLR + 0.5*(c.LR-c.MinLR)*(1+math.Cos(math.Pi*f))
}

func (c Schedule) validate() error {
	switch {
	case !(c.LR > 0) || math.IsInf(c.LR, 0):
		return fmt.Errorf("nn: learning rate %v: must be finite and > 0", c.LR)
	case c.MinLR < 0 || c.MinLR > c.LR:
		return fmt.Errorf("nn: minimum learning rate %v: must lie in [0, LR = %v]", c.MinLR, c.LR)
	case c.Warmup < 0:
		return fmt.Errorf("nn: warm-up steps %d: must be ≥ 0", c.Warmup)
	case c.Total != 0 && c.Total <= c.Warmup:
		return fmt.Errorf("nn: total steps %d: must exceed the warm-up steps %d (or be 0 for no decay)", c.Total, c.Warmup)
	}
	return nil
}

// AdamConfig holds the settings of Adam.
type AdamConfig struct {
	Schedule Schedule
	// Beta1, Beta2 and Eps are Adam's moment decay rates and denominator
	// offset (Kingma & Ba 2015); zero values mean 0.9, 0.999 and 1e-8.
	Beta1, Beta2, Eps float64
	// WeightDecay is decoupled weight decay (AdamW, Loshchilov & Hutter
	// 2019): θ ← θ − lr·WeightDecay·θ before the Adam update. 0 for none.
	WeightDecay float64
}

// Adam is the Adam optimiser with bias correction (Kingma & Ba 2015,
// algorithm 1) over a flat parameter vector:
//
//	m ← β₁m + (1−β₁)g,  v ← β₂v + (1−β₂)g²,
//	θ ← θ − lr_s · (m/(1−β₁ˢ)) / (√(v/(1−β₂ˢ)) + ε)
//
// at step s = 1, 2, …, with lr_s from the schedule. Moments are float32, the
// update is computed in float64 per entry.
type Adam struct {
	cfg   AdamConfig
	infos []tensorInfo
	m, v  []float32
	step  int
}

// NewAdam returns an Adam optimiser for parameters laid out as params
// (Network.Params): its state tensors take their names and shapes.
func NewAdam(params []NamedTensor, cfg AdamConfig) (*Adam, error) {
	if err := cfg.Schedule.validate(); err != nil {
		return nil, err
	}
	if cfg.Beta1 == 0 {
		cfg.Beta1 = 0.9
	}
	if cfg.Beta2 == 0 {
		cfg.Beta2 = 0.999
	}
	if cfg.Eps == 0 {
		cfg.Eps = 1e-8
	}
	if !(cfg.Beta1 > 0 && cfg.Beta1 < 1) {
		return nil, fmt.Errorf("nn: Adam Beta1 %v: must lie in (0, 1)", cfg.Beta1)
	}
	if !(cfg.Beta2 > 0 && cfg.Beta2 < 1) {
		return nil, fmt.Errorf("nn: Adam Beta2 %v: must lie in (0, 1)", cfg.Beta2)
	}
	if !(cfg.Eps > 0) {
		return nil, fmt.Errorf("nn: Adam Eps %v: must be > 0", cfg.Eps)
	}
	if cfg.WeightDecay < 0 {
		return nil, fmt.Errorf("nn: Adam WeightDecay %v: must be ≥ 0", cfg.WeightDecay)
	}
	a := &Adam{cfg: cfg, infos: layoutOf(params)}
	n := 0
	for _, p := range a.infos {
		n += p.n
	}
	a.m = make([]float32, n)
	a.v = make([]float32, n)
	return a, nil
}

// layoutOf returns the flat layout of tensors stored one after another.
func layoutOf(ts []NamedTensor) []tensorInfo {
	infos := make([]tensorInfo, len(ts))
	off := 0
	for i, t := range ts {
		infos[i] = tensorInfo{name: t.Name, shape: append([]int(nil), t.Shape...), offset: off, n: len(t.Data)}
		off += len(t.Data)
	}
	return infos
}

// Steps returns the number of updates made so far.
func (a *Adam) Steps() int { return a.step }

// LR returns the learning rate the next Update will use.
func (a *Adam) LR() float64 { return a.cfg.Schedule.At(a.step + 1) }

// Update makes one Adam step on theta with gradient grad (flat vectors of
// the layout given to NewAdam) and returns the learning rate it used.
func (a *Adam) Update(theta, grad []float32) float64 {
	if len(theta) != len(a.m) || len(grad) != len(a.m) {
		panic("nn: Adam parameter length mismatch")
	}
	a.step++
	lr := a.cfg.Schedule.At(a.step)
	b1, b2, eps := a.cfg.Beta1, a.cfg.Beta2, a.cfg.Eps
	c1 := 1 - math.Pow(b1, float64(a.step))
	c2 := 1 - math.Pow(b2, float64(a.step))
	decay := 1 - lr*a.cfg.WeightDecay
	m, v := a.m[:len(theta)], a.v[:len(theta)]
	grad = grad[:len(theta)]
	for i, g := range grad {
		gi := float64(g)
		mi := b1*float64(m[i]) + (1-b1)*gi
		vi := b2*float64(v[i]) + (1-b2)*gi*gi
		m[i], v[i] = float32(mi), float32(vi)
		th := float64(theta[i]) * decay
		theta[i] = float32(th - lr*(mi/c1)/(math.Sqrt(vi/c2)+eps))
	}
	return lr
}

// State returns the optimiser's moments as named tensors ("adam.m/<param>",
// "adam.v/<param>", aliasing the optimiser) and the step count. Saving
// both and restoring them with SetState resumes training exactly.
func (a *Adam) State() (step int, tensors []NamedTensor) {
	return a.step, append(views(a.infos, a.m, "adam.m/"), views(a.infos, a.v, "adam.v/")...)
}

// SetState restores the state returned by State. On error the optimiser is
// unchanged.
func (a *Adam) SetState(step int, tensors []NamedTensor) error {
	if step < 0 {
		return fmt.Errorf("nn: Adam step %d: must be ≥ 0", step)
	}
	var ms, vs []NamedTensor
	for _, t := range tensors {
		switch {
		case len(t.Name) > 7 && t.Name[:7] == "adam.m/":
			ms = append(ms, t)
		case len(t.Name) > 7 && t.Name[:7] == "adam.v/":
			vs = append(vs, t)
		default:
			return fmt.Errorf("nn: unexpected optimiser tensor %q", t.Name)
		}
	}
	m := append([]float32(nil), a.m...)
	v := append([]float32(nil), a.v...)
	if err := load(a.infos, m, "adam.m/", ms); err != nil {
		return err
	}
	if err := load(a.infos, v, "adam.v/", vs); err != nil {
		return err
	}
	copy(a.m, m)
	copy(a.v, v)
	a.step = step
	return nil
}

// GradNorm returns the Euclidean norm of g, accumulated in float64.
func GradNorm(g []float32) float64 {
	var s float64
	for _, v := range g {
		s += float64(v) * float64(v)
	}
	return math.Sqrt(s)
}

// ClipGradNorm scales g in place so that its Euclidean norm is at most max
// (global-norm clipping, Pascanu et al. 2013) and returns the norm before
// clipping. A NaN or infinite norm is returned unchanged and g is left as
// is: callers must treat it as divergence (see CheckFinite).
func ClipGradNorm(g []float32, max float64) float64 {
	if !(max > 0) {
		panic("nn: clipping norm must be > 0")
	}
	norm := GradNorm(g)
	if norm > max && !math.IsInf(norm, 0) {
		s := float32(max / norm)
		for i := range g {
			g[i] *= s
		}
	}
	return norm
}

// EMA is an exponential moving average of the parameters,
// θ̄ ← d·θ̄ + (1−d)·θ, the weights usually used for sampling. Starting from
// θ̄ = θ at construction, with optional warm-up d_s = min(d, (1+s)/(10+s))
// at update s (the schedule of TensorFlow's ExponentialMovingAverage with
// num_updates), so that early updates are not dominated by the
// initialisation.
type EMA struct {
	decay  float64
	warmup bool
	infos  []tensorInfo
	avg    []float32
	n      int
}

// NewEMA returns an average with decay d ∈ [0, 1) starting at the current
// values of params (Network.Params).
func NewEMA(params []NamedTensor, decay float64, warmup bool) (*EMA, error) {
	if !(decay >= 0 && decay < 1) {
		return nil, fmt.Errorf("nn: EMA decay %v: must lie in [0, 1)", decay)
	}
	e := &EMA{decay: decay, warmup: warmup, infos: layoutOf(params)}
	for _, t := range params {
		e.avg = append(e.avg, t.Data...)
	}
	return e, nil
}

// Update folds theta into the average.
func (e *EMA) Update(theta []float32) {
	if len(theta) != len(e.avg) {
		panic("nn: EMA parameter length mismatch")
	}
	e.n++
	d := e.decay
	if e.warmup {
		d = math.Min(d, float64(1+e.n)/float64(10+e.n))
	}
	for i, v := range theta {
		e.avg[i] = float32(d*float64(e.avg[i]) + (1-d)*float64(v))
	}
}

// Theta returns the averaged flat parameter vector (aliasing the average):
// copy it into Network.Theta to evaluate with the averaged weights.
func (e *EMA) Theta() []float32 { return e.avg }

// Updates returns the number of updates folded in.
func (e *EMA) Updates() int { return e.n }

// State returns the averaged parameters as named tensors ("ema/<param>",
// aliasing the average) and the update count, for exact resume.
func (e *EMA) State() (updates int, tensors []NamedTensor) {
	return e.n, views(e.infos, e.avg, "ema/")
}

// SetState restores the state returned by State.
func (e *EMA) SetState(updates int, tensors []NamedTensor) error {
	if updates < 0 {
		return fmt.Errorf("nn: EMA updates %d: must be ≥ 0", updates)
	}
	if err := load(e.infos, e.avg, "ema/", tensors); err != nil {
		return err
	}
	e.n = updates
	return nil
}
