// Copyright ©2026 The rgflow Authors. All rights reserved.

package generative

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"rgflow/field"
	"rgflow/internal/rng"
)

// The streams of a training run under rng.StageTrain (rng.TrainInit and
// above are the networks' initial weights).
const (
	stepStream  uint64 = 0 // the examples of the optimiser steps
	heldStream  uint64 = 1 // the fixed held-out examples
	forceStream uint64 = 2 // the training fields' draws that measure the force blend's λ*
)

// DefaultTMin is the smallest training time, as a fraction of T, of a
// TrainConfig that leaves TMin at 0.
const DefaultTMin = 1e-3

// TrainConfig holds the settings of a Trainer.
type TrainConfig struct {
	// Batch is the number of (x₀, t, ξ) examples per step.
	Batch int
	// MaxSteps bounds the number of optimiser steps.
	MaxSteps int
	// EvalEvery is the number of steps between held-out evaluations.
	EvalEvery int
	// HeldOut is the number of fixed held-out examples (x₀ cycling over
	// the held-out ensemble, t and ξ drawn once).
	HeldOut int
	// Patience is the number of evaluations without a relative
	// improvement of MinDelta after which training has converged.
	Patience int
	MinDelta float64
	// MinSteps is the least number of steps before convergence is
	// declared.
	MinSteps int
	// DivergeFactor: a held-out loss above DivergeFactor × the best one
	// so far is divergence. 0 means 10.
	DivergeFactor float64
	// TMin is the smallest training time as a fraction of T (continuous
	// times are uniform on [TMin·T, TMax·T]); 0 means DefaultTMin.
	TMin float64
	// TMax is the largest training time as a fraction of T; 0 means 1.
	// With TMin it restricts training (and the held-out examples) to a
	// window of times, for a model that serves only that window.
	TMax float64
	// Grid > 0 draws t uniformly from the grid T·k/Grid, k = 1 … Grid,
	// instead (Grid = N on a Discrete schedule is DDPM's uniform integer
	// timestep).
	Grid int
	// Force, if not nil, is the data's force −∇S at t = 0 in site space
	// (dst = −∂S/∂x, returned), for data distributed as e^{−S}: training
	// then regresses on the force blend (forceBlend), an unbiased target
	// of the same conditional mean as the denoising residual with the
	// Gaussian part of its noise removed. The held-out loss keeps the
	// denoising target (1 per site is still the baseline). Force is
	// called from one goroutine.
	Force func(dst, x []float64) []float64
	// Augment carries each training example's x₀ by a uniformly random
	// element of the lattice's symmetry group (symmetry: translations,
	// axis reflections, permutations of axes of equal extent; no
	// translations in the Open basis), drawn from the training stream.
	// It is exact augmentation for data whose law has those symmetries
	// (any nearest-neighbour lattice action with a local potential);
	// NewTrainer refuses it for a process that does not commute with them.
	// The held-out examples are not transformed.
	Augment bool
	// Seed is the run seed; the training stream is rng.New(Seed,
	// rng.StageTrain, 0) and the held-out set is drawn from
	// rng.New(Seed, rng.StageTrain, 1).
	Seed uint64
}

func (c *TrainConfig) validate() error {
	switch {
	case c.Batch < 1:
		return fmt.Errorf("generative: batch = %d: must be ≥ 1", c.Batch)
	case c.MaxSteps < 1:
		return fmt.Errorf("generative: max_steps = %d: must be ≥ 1", c.MaxSteps)
	case c.EvalEvery < 1:
		return fmt.Errorf("generative: eval_every = %d: must be ≥ 1", c.EvalEvery)
	case c.HeldOut < 1:
		return fmt.Errorf("generative: held_out = %d: must be ≥ 1", c.HeldOut)
	case c.Patience < 1:
		return fmt.Errorf("generative: patience = %d: must be ≥ 1", c.Patience)
	case !(c.MinDelta >= 0 && c.MinDelta < 1):
		return fmt.Errorf("generative: min_delta = %v: must lie in [0, 1)", c.MinDelta)
	case c.MinSteps < 0:
		return fmt.Errorf("generative: min_steps = %d: must be ≥ 0", c.MinSteps)
	case c.DivergeFactor != 0 && !(c.DivergeFactor > 1):
		return fmt.Errorf("generative: diverge_factor = %v: must be > 1 (0 for the default 10)", c.DivergeFactor)
	case !(c.TMin >= 0 && c.TMin < 1):
		return fmt.Errorf("generative: t_min = %v: must lie in [0, 1) (a fraction of T)", c.TMin)
	case !(c.TMax >= 0 && c.TMax <= 1):
		return fmt.Errorf("generative: t_max = %v: must lie in (0, 1] (a fraction of T; 0 for 1)", c.TMax)
	case c.TMax != 0 && c.TMax <= c.TMin:
		return fmt.Errorf("generative: t_max = %v: must exceed t_min = %v", c.TMax, c.TMin)
	case c.TMax != 0 && c.TMax != 1 && c.Grid > 0:
		return fmt.Errorf("generative: t_max = %v with grid = %d: a window of times needs continuous times (grid 0)", c.TMax, c.Grid)
	case c.Grid < 0:
		return fmt.Errorf("generative: grid = %d: must be ≥ 0", c.Grid)
	}
	if c.TMax == 0 {
		c.TMax = 1
	}
	if c.DivergeFactor == 0 {
		c.DivergeFactor = 10
	}
	if c.TMin == 0 {
		c.TMin = DefaultTMin
	}
	return nil
}

// TrainStatus says where a training run stands.
type TrainStatus int

const (
	// Training: neither converged nor stopped yet (a resumable run).
	Training TrainStatus = iota
	// Converged: the held-out loss stopped improving (Patience, MinDelta).
	Converged
	// StoppedAtMaxSteps: MaxSteps reached before convergence.
	StoppedAtMaxSteps
	// Diverged: a non-finite loss or gradient, or a held-out loss above
	// DivergeFactor × its best. A diverged model is never converged.
	Diverged
)

func (s TrainStatus) String() string {
	switch s {
	case Training:
		return "training"
	case Converged:
		return "converged"
	case StoppedAtMaxSteps:
		return "max-steps"
	case Diverged:
		return "diverged"
	}
	return fmt.Sprintf("TrainStatus(%d)", int(s))
}

// ErrDiverged is returned (wrapped, with the step and the cause) when a run
// diverges.
var ErrDiverged = errors.New("generative: training diverged")

// CurvePoint is one held-out evaluation of the training curve.
type CurvePoint struct {
	Step int
	// Train is the mean training loss and GradNorm the mean gradient norm
	// over the steps since the previous evaluation.
	Train, GradNorm float64
	// HeldOut is the loss on the fixed held-out examples.
	HeldOut float64
}

// TrainState is the complete state of a Trainer as plain data: with the
// same configuration, data and a freshly built model, Resume continues bit
// for bit. internal/h5io writes it.
type TrainState struct {
	Step   int
	Status TrainStatus
	// RNG is the training stream's PCG state (MarshalBinary).
	RNG   []byte
	Model ModelState
	// Best is the best held-out loss so far, at BestStep; SinceBest
	// counts evaluations since it.
	Best      float64
	BestStep  int
	SinceBest int
	Curve     []CurvePoint
	// Accumulators since the last evaluation.
	AccLoss, AccGrad float64
	AccN             int
}

// Trainer trains a Learned denoiser's network by denoising score matching
// (Vincent 2011) on snapshots x̃_t drawn on the fly from training fields x₀
// by the exact transition of the Process — never stored — with t drawn per
// example. In the preconditioned form of Precond the loss is
//
//	L = E_{x₀,t,ξ} V⁻¹ Σ_x (F_θ(z, t/T)_x − r_x)²,
//	z = field of In·x̃_t,  r = field of (x̃₀ − Skip·x̃_t)/Out,
//
// which is Σ_k λ_k(t)|x̂₀ − x̃₀|² with the weight λ = 1/Out² = 1/Var[x₀|x_t]
// of the Gaussian baseline, mode by mode: every mode at every time has a
// unit-variance target, however many orders of magnitude its noise level
// differs from the others'. For Gaussian data the optimum is F = 0 and
// L = 1: a loss below 1 is non-Gaussian structure learned, above 1 is
// worse than the baseline. With Cfg.Force the training examples regress on
// the force blend instead (forceBlend: the same minimiser, less noise);
// the held-out loss keeps the denoising target and so this scale.
type Trainer struct {
	Proc  *Process
	Base  *Gaussian
	Model Trainable
	Train *field.Ensemble
	Held  *field.Ensemble
	Cfg   TrainConfig

	pcg *rand.PCG
	rnd *rand.Rand
	st  TrainState

	plan         *planCache
	pc           *Precond
	inp          netInput
	ex           noised
	m            []complex128
	in, tgt, out []float32
	dy           []float32
	cond         []float64

	heldIn, heldTgt []float32
	heldCond        []float64

	// The lattice symmetry of Cfg.Augment and the transformed field.
	sym *symmetry
	aug []float64

	// The force target (Cfg.Force): the blend table and r_D.
	fb *forceBlend
	rD []complex128
}

// NewTrainer returns a trainer of model on the fields train, evaluated on
// the fields held, with the Gaussian baseline base of the process base.P.
func NewTrainer(base *Gaussian, model Trainable, train, held *field.Ensemble, cfg TrainConfig) (*Trainer, error) {
	if base == nil || model == nil || train == nil || held == nil {
		return nil, fmt.Errorf("generative: trainer needs a baseline, a model and training and held-out ensembles")
	}
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	p := base.P
	for _, e := range []*field.Ensemble{train, held} {
		if !e.Lat.Equal(p.Lat) {
			return nil, fmt.Errorf("generative: ensemble on %v, process on %v", e.Lat, p.Lat)
		}
		if e.Len() < 1 {
			return nil, fmt.Errorf("generative: empty training or held-out ensemble")
		}
	}
	M, V, B := p.Modes(), p.Lat.Volume(), cfg.Batch
	tr := &Trainer{
		Proc: p, Base: base, Model: model, Train: train, Held: held, Cfg: cfg,
		plan: newPlanCache(p), pc: NewPrecond(p),
		m:  make([]complex128, M),
		in: make([]float32, B*Inputs(model)*V), tgt: make([]float32, B*V), out: make([]float32, B*V), dy: make([]float32, B*V),
		cond: make([]float64, B),
	}
	tr.ex = newNoised(p, tr.plan)
	var err error
	if tr.inp, err = newNetInput(base, model, tr.plan, tr.pc); err != nil {
		return nil, err
	}
	if cfg.Force != nil {
		tr.rD = make([]complex128, M)
		lo, hi := tr.forceRange()
		tr.fb = newForceBlend(cfg.Force, &tr.ex, base, tr.pc, train, lo, hi, rng.NewRand(cfg.Seed, rng.StageTrain, forceStream), tr.rD, tr.m)
	}
	if cfg.Augment {
		if tr.sym, err = newSymmetry(p); err != nil {
			return nil, err
		}
		tr.aug = make([]float64, V)
	}
	tr.pcg = rng.New(cfg.Seed, rng.StageTrain, stepStream)
	tr.rnd = rand.New(tr.pcg)
	tr.st = TrainState{Best: math.Inf(1)}
	tr.drawHeldOut()
	return tr, nil
}

// drawT draws one training time.
func (tr *Trainer) drawT(rnd *rand.Rand) float64 {
	T := tr.Proc.T
	if g := tr.Cfg.Grid; g > 0 {
		return T * float64(1+rnd.IntN(g)) / float64(g)
	}
	lo, hi := tr.Cfg.TMin*T, tr.Cfg.TMax*T
	return lo + (hi-lo)*rnd.Float64()
}

// forceRange returns the times between which the force blend's λ* is
// measured: the training times.
func (tr *Trainer) forceRange() (lo, hi float64) {
	T := tr.Proc.T
	lo, hi = tr.Cfg.TMin*T, tr.Cfg.TMax*T
	if tr.Cfg.Grid > 0 {
		lo = T / float64(tr.Cfg.Grid)
	}
	return lo, hi
}

// example writes the network input and target of x₀ = f at time t with
// noise drawn from rnd into in and tgt.
// With force, the target is the force blend of Cfg.Force (see forceBlend)
// instead of the denoising residual; both have the same conditional mean.
func (tr *Trainer) example(in, tgt []float32, f []float64, t float64, rnd *rand.Rand, force bool) {
	ex := &tr.ex
	ex.transition(f, t, rnd)
	tr.pc.At(tr.Base, t)
	tr.inp.fill(in, ex.xt)
	if force && tr.fb != nil {
		tr.fb.residuals(tr.rD, tr.m, -1)
		for j, o := range tr.pc.Out {
			if o > 0 {
				tr.m[j] /= complex(o, 0)
			}
		}
		tr.plan.toField32(tgt, tr.m)
		return
	}
	for j := range tr.m {
		if o := tr.pc.Out[j]; o > 0 {
			tr.m[j] = (ex.x0[j] - complex(tr.pc.Skip[j], 0)*ex.xt[j]) / complex(o, 0)
		} else {
			tr.m[j] = 0 // a mode the baseline knows exactly: nothing to learn
		}
	}
	tr.plan.toField32(tgt, tr.m)
}

func (tr *Trainer) drawHeldOut() {
	V, H := tr.Proc.Lat.Volume(), tr.Cfg.HeldOut
	rnd := rng.NewRand(tr.Cfg.Seed, rng.StageTrain, heldStream)
	C := tr.inp.c
	tr.heldIn = make([]float32, H*C*V)
	tr.heldTgt = make([]float32, H*V)
	tr.heldCond = make([]float64, H)
	for h := 0; h < H; h++ {
		t := tr.drawT(rnd)
		tr.heldCond[h] = t / tr.Proc.T
		tr.example(tr.heldIn[h*C*V:(h+1)*C*V], tr.heldTgt[h*V:(h+1)*V], tr.Held.Field(h%tr.Held.Len()), t, rnd, false)
	}
}

// HeldOutLoss returns the loss of the current model on the held-out
// examples.
func (tr *Trainer) HeldOutLoss() float64 {
	V, H, B := tr.Proc.Lat.Volume(), tr.Cfg.HeldOut, tr.Cfg.Batch
	sum := 0.0
	for h0 := 0; h0 < H; h0 += B {
		n := min(B, H-h0)
		out := tr.Model.Predict(tr.out[:n*V], tr.heldIn[h0*tr.inp.c*V:(h0+n)*tr.inp.c*V], tr.heldCond[h0:h0+n])
		for i, v := range out {
			d := float64(v) - float64(tr.heldTgt[h0*V+i])
			sum += d * d
		}
	}
	return sum / float64(H*V)
}

// step makes one optimiser step and returns the batch loss and gradient
// norm.
func (tr *Trainer) step() (loss, gnorm float64) {
	V, B := tr.Proc.Lat.Volume(), tr.Cfg.Batch
	for b := 0; b < B; b++ {
		i := tr.rnd.IntN(tr.Train.Len())
		t := tr.drawT(tr.rnd)
		tr.cond[b] = t / tr.Proc.T
		f := tr.Train.Field(i)
		if tr.sym != nil {
			tr.sym.draw(tr.rnd)
			tr.sym.apply(tr.aug, f)
			f = tr.aug
		}
		tr.example(tr.in[b*tr.inp.c*V:(b+1)*tr.inp.c*V], tr.tgt[b*V:(b+1)*V], f, t, tr.rnd, true)
	}
	tr.Model.ZeroGrad()
	y := tr.Model.Forward(tr.out, tr.in, tr.cond)
	scale := 2 / float64(B*V)
	for i, v := range y {
		d := float64(v) - float64(tr.tgt[i])
		loss += d * d
		tr.dy[i] = float32(scale * d)
	}
	loss /= float64(B * V)
	if !isFinite(loss) {
		return loss, math.NaN()
	}
	tr.Model.Backward(nil, tr.dy)
	return loss, tr.Model.Update()
}

func isFinite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

// Run trains until convergence, divergence, MaxSteps or cancellation of
// ctx. After every held-out evaluation it calls hook (if not nil) with the
// state, for progress reports and checkpoints; a hook error stops the run
// and is returned. On divergence the status is Diverged and the error
// wraps ErrDiverged; on cancellation the status stays Training and the
// state can be resumed.
func (tr *Trainer) Run(ctx context.Context, hook func(TrainState) error) (TrainState, error) {
	st := &tr.st
	if st.Status != Training {
		return tr.State(), nil
	}
	for st.Step < tr.Cfg.MaxSteps {
		if err := ctx.Err(); err != nil {
			return tr.State(), err
		}
		loss, gn := tr.step()
		st.Step++
		if !isFinite(loss) || !isFinite(gn) {
			st.Status = Diverged
			return tr.State(), fmt.Errorf("%w at step %d: training loss %v, gradient norm %v", ErrDiverged, st.Step, loss, gn)
		}
		st.AccLoss += loss
		st.AccGrad += gn
		st.AccN++
		if st.Step%tr.Cfg.EvalEvery == 0 || st.Step == tr.Cfg.MaxSteps {
			if err := tr.evaluate(); err != nil {
				return tr.State(), err
			}
			if hook != nil {
				if err := hook(tr.State()); err != nil {
					return tr.State(), err
				}
			}
			if st.Status != Training {
				return tr.State(), nil
			}
		}
	}
	if st.Status == Training {
		st.Status = StoppedAtMaxSteps
	}
	return tr.State(), nil
}

// evaluate records a curve point and updates the status.
func (tr *Trainer) evaluate() error {
	st := &tr.st
	h := tr.HeldOutLoss()
	pt := CurvePoint{Step: st.Step, HeldOut: h}
	if st.AccN > 0 {
		pt.Train = st.AccLoss / float64(st.AccN)
		pt.GradNorm = st.AccGrad / float64(st.AccN)
	}
	st.AccLoss, st.AccGrad, st.AccN = 0, 0, 0
	st.Curve = append(st.Curve, pt)
	if !isFinite(h) || h > tr.Cfg.DivergeFactor*st.Best {
		st.Status = Diverged
		return fmt.Errorf("%w at step %d: held-out loss %v (best %v at step %d, diverge_factor %v)", ErrDiverged, st.Step, h, st.Best, st.BestStep, tr.Cfg.DivergeFactor)
	}
	if h < st.Best*(1-tr.Cfg.MinDelta) {
		st.Best, st.BestStep, st.SinceBest = h, st.Step, 0
	} else {
		st.SinceBest++
	}
	if st.SinceBest >= tr.Cfg.Patience && st.Step >= tr.Cfg.MinSteps {
		st.Status = Converged
	} else if st.Step >= tr.Cfg.MaxSteps {
		st.Status = StoppedAtMaxSteps
	}
	return nil
}

// State returns a deep copy of the trainer's state.
func (tr *Trainer) State() TrainState {
	s := tr.st
	b, err := tr.pcg.MarshalBinary()
	if err != nil {
		panic("generative: PCG state: " + err.Error())
	}
	s.RNG = b
	s.Model = tr.Model.State().Clone()
	s.Curve = append([]CurvePoint(nil), tr.st.Curve...)
	return s
}

// Resume restores a state returned by State (of a trainer with the same
// configuration and data), model included.
func (tr *Trainer) Resume(s TrainState) error {
	if s.Step < 0 || s.Step > tr.Cfg.MaxSteps {
		return fmt.Errorf("generative: resume at step %d: outside [0, max_steps = %d]", s.Step, tr.Cfg.MaxSteps)
	}
	if err := tr.pcg.UnmarshalBinary(s.RNG); err != nil {
		return fmt.Errorf("generative: resume: training stream state: %w", err)
	}
	if err := tr.Model.SetState(s.Model.Clone()); err != nil {
		return fmt.Errorf("generative: resume: model state: %w", err)
	}
	s.RNG = nil
	s.Model = ModelState{}
	s.Curve = append([]CurvePoint(nil), s.Curve...)
	tr.st = s
	return nil
}
