// Copyright ©2026 The rgflow Authors. All rights reserved.

package generative

import (
	"context"
	"errors"
	"fmt"
	"math"
	"testing"

	"rgflow/erg"
	"rgflow/field"
	"rgflow/internal/rng"
	"rgflow/lattice"
)

// freeEnsemble draws n exact free-field samples of mass² m2 on l.
func freeEnsemble(t *testing.T, l *lattice.Lattice, m2 float64, n int, seed uint64) *field.Ensemble {
	t.Helper()
	a, err := field.NewFree(l, m2)
	if err != nil {
		t.Fatal(err)
	}
	s, err := field.NewFreeSampler(a)
	if err != nil {
		t.Fatal(err)
	}
	e := field.NewEnsemble(l, n)
	rnd := rng.NewRand(seed, rng.StageSample)
	for i := 0; i < n; i++ {
		s.Sample(e.Field(i), rnd)
	}
	return e
}

// trainSetup is the free-field DSM problem of the training tests: the VP
// process on a 6×6 torus, free-field data of m² = 0.5 (G₀ from 0.12 to 2),
// and a deliberately uninformed white baseline (G₀ = σ² = 1), so that the
// network has to learn the whole Gaussian structure of the data.
type trainSetup struct {
	p           *Process
	exact, base *Gaussian
	train, held *field.Ensemble
}

func newTrainSetup(t *testing.T) *trainSetup {
	l := lattice.MustNew(6, 6)
	p := vpProcess(t, l, erg.Periodic)
	exact, err := NewGaussian(p, freeData(t, p, 0.5))
	if err != nil {
		t.Fatal(err)
	}
	base, _ := NewGaussian(p, White(p.Modes()))
	return &trainSetup{
		p: p, exact: exact, base: base,
		train: freeEnsemble(t, l, 0.5, 4000, 1),
		held:  freeEnsemble(t, l, 0.5, 500, 2),
	}
}

func (s *trainSetup) config() TrainConfig {
	return TrainConfig{
		Batch: 32, MaxSteps: 1500, EvalEvery: 100, HeldOut: 1024,
		Patience: 3, MinDelta: 2e-3, MinSteps: 600, TMin: 0.02, Seed: 5,
	}
}

// lossGap returns, for the linear shellModel m, the exact minimum of the
// training loss and the model's excess over it, both averaged over the
// training times t ~ U[TMin·T, T] by the midpoint rule on nq points.
// The DSM loss decomposes as L(θ) = L* + E_t Σ_k w_k |F_θ − F*|²/V, and for
// these linear maps both terms are closed forms: per mode
//
//	L*_k(t) = P_k(t)/Out_k(t)²,   excess_k(t) = (c_θ − c*)² G_t/Out_k(t)²,
//
// with P the exact posterior variance, c* the exact gain, c_θ = Skip +
// Out·g_θ·In the learned one and G_t the data's variance at t.
func lossGap(s *trainSetup, m *shellModel, tmin float64, nq int) (lmin, excess float64) {
	p := s.p
	pc := NewPrecond(p)
	V := float64(p.Lat.Volume())
	for q := 0; q < nq; q++ {
		t := p.T * (tmin + (1-tmin)*(float64(q)+0.5)/float64(nq))
		pc.At(s.base, t)
		gt := p.Spectrum(nil, s.exact.G0, t)
		f := m.features(nil, t/p.T)
		for j := 0; j < p.Modes(); j++ {
			o2 := pc.Out[j] * pc.Out[j]
			cth := pc.Skip[j] + pc.Out[j]*m.gain(f, m.orbit[j])*pc.In[j]
			d := cth - s.exact.Gain(j, t)
			lmin += p.Weight[j] * s.exact.PosteriorVar(j, t) / o2 / V
			excess += p.Weight[j] * d * d * gt[j] / o2 / V
		}
	}
	return lmin / float64(nq), excess / float64(nq)
}

// heldOutStats returns the mean held-out loss of the trainer's current
// model and its standard error over the held-out examples.
func heldOutStats(tr *Trainer) (mean, se float64) {
	V, H := tr.Proc.Lat.Volume(), tr.Cfg.HeldOut
	out := tr.Model.Predict(nil, tr.heldIn, tr.heldCond)
	var s, s2 float64
	for h := 0; h < H; h++ {
		l := 0.0
		for i := h * V; i < (h+1)*V; i++ {
			d := float64(out[i]) - float64(tr.heldTgt[i])
			l += d * d
		}
		l /= float64(V)
		s += l
		s2 += l * l
	}
	mean = s / float64(H)
	return mean, math.Sqrt((s2/float64(H) - mean*mean) / float64(H-1))
}

// TestTrainRecoversGaussianScore trains the per-orbit linear model (a
// stand-in for the nn network whose loss is known in closed form) by DSM
// on 4000 free-field samples from a white baseline — so that it has to
// learn the whole Gaussian structure — for 4000 steps of 32 examples with a cosine
// learning-rate decay, and checks that it recovers the Gaussian denoiser:
//
//   - the excess of its loss over the exact minimum, both in closed form
//     (lossGap), is below 0.5% of that minimum;
//   - the held-out loss, an unbiased estimate of L* + excess, agrees with
//     it within 5 standard errors of its 1024 examples;
//   - the run converges by the held-out criterion;
//   - the RK4 sampler driven by the learned score (50 steps, ρ = 3, from
//     the fixed point), propagated exactly (the model is linear),
//     reproduces the spectrum Ĝ of the training set — which is what DSM
//     learns — with an rms deviation over orbits below 2.5% and a largest
//     one below 5% (about twice what this run leaves: the residual is SGD
//     noise, falling with the number of examples, in random directions
//     over orbits and times);
//   - 500 fields generated with it match the exact G₀ by χ² at the 99.9%
//     level, with each mode's variance the generation noise plus the
//     training set's own sampling noise, which the learned score inherits
//     (the training set's zero mode is 4.6% low here, a 2σ fluctuation).
//
// The loss's insensitivity is why the sampler check matters: an error δc in
// a denoiser gain costs O(δc²) in the loss but shifts the generated variance
// by O(δc) (∫β√ᾱ δc/(1−ᾱ) dt along the ODE).
func TestTrainRecoversGaussianScore(t *testing.T) {
	s := newTrainSetup(t)
	cfg := s.config()
	cfg.MaxSteps, cfg.Batch, cfg.MinSteps, cfg.TMin = 4000, 32, 4000, 1e-3
	m := newShellModel(s.p, 16, 0.02)
	m.decay = int64(cfg.MaxSteps)
	tr, err := NewTrainer(s.base, m, s.train, s.held, cfg)
	if err != nil {
		t.Fatal(err)
	}
	l0 := tr.HeldOutLoss()
	st, err := tr.Run(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if st.Status != Converged {
		t.Errorf("status %v after %d steps, want converged", st.Status, st.Step)
	}
	lmin, excess := lossGap(s, m, cfg.TMin, 400)
	held, se := heldOutStats(tr)
	t.Logf("held-out loss %.4f → %.4f ± %.4f after %d steps; exact minimum %.4f, excess %.3g (%.3f%%)",
		l0, held, se, st.Step, lmin, excess, 100*excess/lmin)
	if excess > 0.005*lmin {
		t.Errorf("excess loss %.3g is %.2f%% of the minimum %.4f, want < 0.5%%", excess, 100*excess/lmin, lmin)
	}
	if d := held - (lmin + excess); math.Abs(d) > 5*se {
		t.Errorf("held-out loss %.4f ± %.4f, closed form %.4f", held, se, lmin+excess)
	}
	ls, err := NewLearned(s.base, m)
	if err != nil {
		t.Fatal(err)
	}
	smp, err := NewSampler(s.p, ls, RK4ODE, PowerTimes(s.p.T, 50, 3))
	if err != nil {
		t.Fatal(err)
	}
	emp, err := MeasureSpectrum(s.p, s.train, true)
	if err != nil {
		t.Fatal(err)
	}
	v := propagate(smp, s.p.Sigma2, smp.Times[:50], true)
	ms := NewModeSet(s.p)
	var rms, worst, n float64
	for j, g := range emp.G {
		if !ms.Distinct[j] {
			continue
		}
		d := v[j]/g - 1
		rms += d * d
		n++
		worst = math.Max(worst, math.Abs(d))
	}
	rms = math.Sqrt(rms / n)
	t.Logf("learned RK4 sampler against the training spectrum: rms %.3g, max %.3g", rms, worst)
	if rms > 0.025 || worst > 0.05 {
		t.Errorf("learned sampler's variance deviates from the training spectrum by rms %.3g, max %.3g; want < 0.025, 0.05", rms, worst)
	}
	if chi2, dof := s.generatedChi2(t, smp); chi2 > chi2Quantile999(dof) {
		t.Errorf("learned score, RK4 sampler: spectrum χ² = %.1f over %v modes exceeds %.1f", chi2, dof, chi2Quantile999(dof))
	}
}

// TestTrainAugmentedRecoversGaussianScore: with every example carried by a
// random lattice symmetry (Augment) the per-orbit model still reaches the
// exact minimum of the loss within 0.1% — the excess the same training
// reaches without augmentation is 0.022% (TestTrainRecoversGaussianScore),
// so the augmented examples have the data's law. A transform that is not
// a symmetry of the free law moves spectrum between orbits: the shear
// (a, b) → (a+b, b) of the 6×6 torus, substituted for the group, leaves
// an excess of 0.37%.
func TestTrainAugmentedRecoversGaussianScore(t *testing.T) {
	s := newTrainSetup(t)
	cfg := s.config()
	cfg.MaxSteps, cfg.Batch, cfg.MinSteps, cfg.TMin = 4000, 32, 4000, 1e-3
	cfg.Augment = true
	m := newShellModel(s.p, 16, 0.02)
	m.decay = int64(cfg.MaxSteps)
	tr, err := NewTrainer(s.base, m, s.train, s.held, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tr.Run(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	lmin, excess := lossGap(s, m, cfg.TMin, 400)
	t.Logf("augmented: exact minimum %.4f, excess %.3g (%.3f%%)", lmin, excess, 100*excess/lmin)
	if excess > 0.001*lmin {
		t.Errorf("excess loss %.3g is %.3f%% of the minimum %.4f, want < 0.1%%", excess, 100*excess/lmin, lmin)
	}
}

// TestTrainResumeExact checks that a run interrupted after 30 steps and
// resumed from its plain-data state into a fresh trainer and model ends
// bit-identical to an uninterrupted 60-step run: curve, model tensors and
// stream state.
func TestTrainResumeExact(t *testing.T) {
	for _, augment := range []bool{false, true} {
		t.Run(fmt.Sprint("augment=", augment), func(t *testing.T) { testTrainResumeExact(t, augment) })
	}
}

// testTrainResumeExact: with augmentation the symmetry elements are drawn
// from the training stream, so a resumed run still repeats the full one
// bit for bit.
func testTrainResumeExact(t *testing.T, augment bool) {
	s := newTrainSetup(t)
	cfg := s.config()
	cfg.MaxSteps, cfg.EvalEvery, cfg.HeldOut, cfg.MinSteps = 60, 10, 64, 1000
	cfg.Augment = augment
	run := func(stop int, from *TrainState) TrainState {
		m := newShellModel(s.p, 4, 0.02)
		st, err := s.runTo(t, m, cfg, stop, from)
		if stop == cfg.MaxSteps && err != nil {
			t.Fatal(err)
		}
		return st
	}
	full := run(cfg.MaxSteps, nil)
	half := run(30, nil)
	if half.Step != 30 || half.Status != Training {
		t.Fatalf("interrupted at step %d, status %v", half.Step, half.Status)
	}
	resumed := run(cfg.MaxSteps, &half)
	if full.Step != resumed.Step || full.Status != resumed.Status || len(full.Curve) != len(resumed.Curve) {
		t.Fatalf("full: step %d %v %d points; resumed: step %d %v %d points", full.Step, full.Status, len(full.Curve), resumed.Step, resumed.Status, len(resumed.Curve))
	}
	for i := range full.Curve {
		if full.Curve[i] != resumed.Curve[i] {
			t.Errorf("curve point %d: %+v vs %+v", i, full.Curve[i], resumed.Curve[i])
		}
	}
	for k, tn := range full.Model.Tensors {
		for i, v := range tn.Data {
			if w := resumed.Model.Tensors[k].Data[i]; math.Float32bits(v) != math.Float32bits(w) {
				t.Fatalf("tensor %s[%d]: %v vs %v", tn.Name, i, v, w)
			}
		}
	}
	if string(full.RNG) != string(resumed.RNG) {
		t.Error("stream states differ")
	}
}

// TestTrainDivergence checks that a run that blows up fails with
// ErrDiverged and status Diverged — never Converged — both for a NaN in the
// parameters (a non-finite loss at the next step) and for gradient ascent
// (the held-out loss leaves DivergeFactor × its best).
func TestTrainDivergence(t *testing.T) {
	s := newTrainSetup(t)
	cfg := s.config()
	cfg.HeldOut, cfg.EvalEvery, cfg.MinSteps, cfg.Patience = 64, 5, 0, 1000
	for name, poison := range map[string]func(*shellModel){
		"nan":    func(m *shellModel) { m.nanAt = 7 },
		"ascent": func(m *shellModel) { m.blowUp = true; m.lr = 0.5 },
	} {
		m := newShellModel(s.p, 4, 0.02)
		poison(m)
		tr, err := NewTrainer(s.base, m, s.train, s.held, cfg)
		if err != nil {
			t.Fatal(err)
		}
		st, err := tr.Run(context.Background(), nil)
		if !errors.Is(err, ErrDiverged) {
			t.Errorf("%s: error %v, want ErrDiverged", name, err)
		}
		if st.Status != Diverged {
			t.Errorf("%s: status %v, want diverged", name, st.Status)
		}
		t.Logf("%s: %v", name, err)
	}
}

func TestTrainConfigErrors(t *testing.T) {
	s := newTrainSetup(t)
	m := newShellModel(s.p, 2, 0.01)
	for _, mod := range []func(*TrainConfig){
		func(c *TrainConfig) { c.Batch = 0 },
		func(c *TrainConfig) { c.MaxSteps = 0 },
		func(c *TrainConfig) { c.EvalEvery = 0 },
		func(c *TrainConfig) { c.Patience = 0 },
		func(c *TrainConfig) { c.MinDelta = 1 },
		func(c *TrainConfig) { c.DivergeFactor = 0.5 },
		func(c *TrainConfig) { c.TMin = 1 },
		func(c *TrainConfig) { c.TMax = 1.5 },
		func(c *TrainConfig) { c.TMax = -0.5 },
		func(c *TrainConfig) { c.TMin, c.TMax = 0.5, 0.5 },
		func(c *TrainConfig) { c.TMax, c.Grid = 0.5, 10 },
		func(c *TrainConfig) { c.HeldOut = 0 },
	} {
		cfg := s.config()
		mod(&cfg)
		if _, err := NewTrainer(s.base, m, s.train, s.held, cfg); err == nil {
			t.Errorf("config %+v: want error", cfg)
		}
	}
}

// TestTrainTimeWindow: with TMin = 0.2 and TMax = 0.6 every training and
// held-out time lies in [0.2T, 0.6T] and the draws fill it: of 10⁴
// uniform draws, none within 10⁻³T of an edge has probability
// (1 − 0.0025)^10⁴ ≈ 10⁻¹¹ per edge.
func TestTrainTimeWindow(t *testing.T) {
	s := newTrainSetup(t)
	m := newShellModel(s.p, 2, 0.01)
	cfg := s.config()
	cfg.TMin, cfg.TMax = 0.2, 0.6
	tr, err := NewTrainer(s.base, m, s.train, s.held, cfg)
	if err != nil {
		t.Fatal(err)
	}
	T := s.p.T
	lo, hi := math.Inf(1), math.Inf(-1)
	rnd := rng.NewRand(3, 0, 0)
	for range 10000 {
		x := tr.drawT(rnd)
		lo, hi = min(lo, x), max(hi, x)
	}
	if lo < 0.2*T || hi > 0.6*T {
		t.Errorf("training times span [%v, %v]·T, want within [0.2, 0.6]", lo/T, hi/T)
	}
	if lo > 0.201*T || hi < 0.599*T {
		t.Errorf("training times span [%v, %v]·T, want to fill [0.2, 0.6]", lo/T, hi/T)
	}
	for h, c := range tr.heldCond {
		if c < 0.2 || c > 0.6 {
			t.Errorf("held-out example %d at t = %v·T, want within [0.2, 0.6]", h, c)
		}
	}
}

// TestTrainOpenBasis repeats the DSM recovery check in the DCT-II basis of
// open boundaries, where the site-space loss is Σ_n X_n²/Norm_n with the
// DCT norms (lattice.DCTNorms): Gaussian data diagonal in that basis
// (spectrum 1/(k̂²_DCT + 0.5)), a white baseline, the per-orbit model. The
// excess over the exact minimum must be below 0.5% of it and the held-out
// loss must agree with the closed form within 5 standard errors.
func TestTrainOpenBasis(t *testing.T) {
	l := lattice.MustNew(6, 5)
	p := vpProcess(t, l, erg.Open)
	g0 := freeData(t, p, 0.5)
	exact, _ := NewGaussian(p, g0)
	base, _ := NewGaussian(p, White(p.Modes()))
	draw := func(n int, seed uint64) *field.Ensemble {
		e := field.NewEnsemble(l, n)
		pl := p.NewPlan()
		rnd := rng.NewRand(seed, rng.StageSample)
		x := make([]complex128, p.Modes())
		for i := 0; i < n; i++ {
			StartFields(p, x, 1, g0, rnd)
			pl.ToField(e.Field(i), x)
		}
		return e
	}
	s := &trainSetup{p: p, exact: exact, base: base, train: draw(4000, 1), held: draw(500, 2)}
	cfg := s.config()
	cfg.MaxSteps, cfg.MinSteps, cfg.TMin = 1500, 1500, 1e-3
	m := newShellModel(p, 16, 0.02)
	m.decay = int64(cfg.MaxSteps)
	tr, err := NewTrainer(base, m, s.train, s.held, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tr.Run(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	lmin, excess := lossGap(s, m, cfg.TMin, 400)
	held, se := heldOutStats(tr)
	t.Logf("DCT basis: held-out %.4f ± %.4f, exact minimum %.4f, excess %.3g (%.3f%%)", held, se, lmin, excess, 100*excess/lmin)
	if excess > 0.005*lmin {
		t.Errorf("excess loss %.3g is %.2f%% of the minimum %.4f, want < 0.5%%", excess, 100*excess/lmin, lmin)
	}
	if d := held - (lmin + excess); math.Abs(d) > 5*se {
		t.Errorf("held-out loss %.4f ± %.4f, closed form %.4f", held, se, lmin+excess)
	}
}

// generatedChi2 generates 500 fields with smp and returns the χ² of their
// spectrum against the exact one over the distinct modes, and its number
// of degrees of freedom. The error of a mode is its generation noise plus
// the training set's noise on the orbit mean the score learned.
func (s *trainSetup) generatedChi2(t *testing.T, smp *Sampler) (chi2, dof float64) {
	t.Helper()
	ens, err := smp.Generate(500, 250, 9)
	if err != nil {
		t.Fatal(err)
	}
	gen, err := MeasureSpectrum(s.p, ens, false)
	if err != nil {
		t.Fatal(err)
	}
	ms := NewModeSet(s.p)
	for j, g := range s.exact.G0 {
		if !ms.Distinct[j] {
			continue
		}
		f := 1.0
		if ms.Real[j] {
			f = 2
		}
		sd := g * math.Sqrt(f/float64(ens.Len())+f/float64(s.train.Len()*ms.Size[ms.Orbit[j]]))
		z := (gen.G[j] - g) / sd
		chi2 += z * z
		dof++
	}
	return chi2, dof
}

// runTo trains m with cfg, resuming from the state from if not nil, and
// cancels the run after step stop; a run stopped before cfg.MaxSteps must
// end cancelled. It returns the state and the error of Run.
func (s *trainSetup) runTo(t *testing.T, m Trainable, cfg TrainConfig, stop int, from *TrainState) (TrainState, error) {
	t.Helper()
	tr, err := NewTrainer(s.base, m, s.train, s.held, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if from != nil {
		if err := tr.Resume(*from); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	st, err := tr.Run(ctx, func(st TrainState) error {
		if st.Step == stop {
			cancel()
		}
		return nil
	})
	if stop < cfg.MaxSteps && !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted run: %v", err)
	}
	return st, err
}
