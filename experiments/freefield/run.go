// Copyright ©2026 The rgflow Authors. All rights reserved.

package main

import (
	"context"
	"fmt"
	"math"

	"rgflow/erg"
	"rgflow/experiments/internal/pipeline"
	"rgflow/field"
	"rgflow/generative"
	"rgflow/generative/evaluate"
	"rgflow/internal/cli"
	"rgflow/internal/h5io"
	"rgflow/internal/rng"
	"rgflow/lattice"
)

// state is what the stages hand each other.
type state struct {
	cfg  Config
	r    *cli.Run
	out  *pipeline.Out
	lat  *lattice.Lattice
	act  *field.Free
	proc *erg.Process
	// g0 is the exact data spectrum 1/(k̂²+m²) per mode of proc.
	g0 []float64

	train, held, ref *field.Ensemble
	refStats         *pipeline.Stats

	flow          *pipeline.FlowResult
	learned, ddpm *pipeline.Model
	// white is learned_white, the model with the white baseline (nil when
	// white.enabled is false).
	white    *pipeline.Model
	ddpmProc *erg.Process
	exact    *generative.Gaussian
	methods  []*pipeline.Method
	grad     []*gradFlowResult
	comps    map[string]*evaluate.Comparison
	checks   map[string][]pipeline.Check
	runner   *pipeline.Runner
	exactRes map[string]*pipeline.ExactResult
}

func runFreefield(ctx context.Context, r *cli.Run, cfg Config) error {
	lat, err := cfg.Lattice.Build()
	if err != nil {
		return err
	}
	act, err := field.NewFree(lat, cfg.Field.M2)
	if err != nil {
		return err
	}
	proc, err := cfg.Flow.Process(lat)
	if err != nil {
		return err
	}
	sh, err := lat.Shells(lat.DefaultShellCount())
	if err != nil {
		return err
	}
	g0, err := generative.FreeSpectrum(proc.Eps, cfg.Field.M2)
	if err != nil {
		return err
	}
	exact, err := generative.NewGaussian(proc, g0)
	if err != nil {
		return err
	}
	s := &state{cfg: cfg, r: r, out: &pipeline.Out{F: r.File, Lat: lat, Shells: sh}, lat: lat, act: act, proc: proc, g0: g0,
		exact: exact, comps: map[string]*evaluate.Comparison{}, checks: map[string][]pipeline.Check{}}
	defer s.closeModels()
	if err := s.newModels(); err != nil {
		return err
	}

	stages := []pipeline.Stage{
		{Name: "sample", Run: s.sampleStage, Restore: func(context.Context) error { return s.sample(false) }},
		{Name: "flow", Run: s.flowStage},
	}
	if len(cfg.GradFlow.Methods) > 0 {
		stages = append(stages, pipeline.Stage{Name: "gradflow", Run: s.gradFlowStage, Restore: s.readGradFlow})
	}
	stages = append(stages, []pipeline.Stage{
		{Name: "train learned", Run: s.trainStage(s.learned), Restore: s.loadStage(s.learned)},
	}...)
	if s.white != nil {
		stages = append(stages, pipeline.Stage{Name: "train learned_white", Run: s.trainStage(s.white), Restore: s.loadStage(s.white)})
	}
	if s.ddpm != nil {
		stages = append(stages, pipeline.Stage{Name: "train ddpm", Run: s.trainStage(s.ddpm), Restore: s.loadStage(s.ddpm)})
	}
	s.runner = pipeline.NewRunner(r)
	s.methods = []*pipeline.Method{
		{Name: "inverse_rg_exact", Proc: proc, Score: exact, Gen: cfg.Generate, Index: 0, FullVariance: true,
			Description: "the exact inverse RG: the Polchinski flow run backwards with the exact Gaussian score of the free field"},
		{Name: "learned", Proc: proc, Gen: cfg.Generate, Model: "/model/learned", Index: 1, FullVariance: cfg.Train.Baseline == "measured",
			Description: "the Polchinski flow run backwards with the learned score"},
	}
	if s.white != nil {
		gen := cfg.Generate
		gen.Samples, gen.Method = cfg.White.Samples, "ancestral"
		s.methods = append(s.methods, &pipeline.Method{Name: "learned_white", Proc: proc, Gen: gen, Model: "/model/learned_white", Index: 3, FullVariance: true,
			Description: "the Polchinski flow run backwards with the score learned from the white baseline (the network learns the Gaussian part too), with the posterior variance of the Gaussian it learned"})
	}
	if s.ddpm != nil {
		gen := cfg.Generate
		gen.Steps, gen.Samples = cfg.DDPM.Steps, cfg.DDPM.Samples
		s.methods = append(s.methods, &pipeline.Method{Name: "ddpm", Proc: s.ddpmProc, Gen: gen, Model: "/model/ddpm", Index: 2,
			FullVariance: cfg.DDPM.Baseline == "measured",
			Description:  "plain DDPM (" + cfg.DDPM.Schedule + " schedule, white noise) with the same network and training budget"})
	}
	// The exact inverse RG starts at the exact G_T: its path law is then
	// the forward chain's, so its importance weights are constant.
	s.methods[0].Start = proc.Spectrum(nil, g0, proc.T)
	for _, m := range s.methods {
		stages = append(stages, s.out.GenerateStage(s.runner, m, r.Seed))
	}
	if cfg.Exact.Enabled {
		stages = append(stages, s.exactStages()...)
	}
	stages = append(stages,
		pipeline.Stage{Name: "compare", Run: s.compareStage, Restore: s.restoreCompare},
		pipeline.Stage{Name: "report", Run: s.reportStage},
	)
	s.runner.SetStages(stages...)
	if err := s.runner.Execute(ctx); err != nil {
		return err
	}
	return s.summary()
}

// newModels describes the learned models of the run: learned, and with
// their keys enabled learned_white and the DDPM baseline.
func (s *state) newModels() error {
	s.learned = &pipeline.Model{Name: "learned", Group: "/model/learned", Proc: s.proc, Net: s.cfg.Network, Train: s.cfg.Train, Index: 0}
	if s.cfg.White.Enabled {
		tr, net := s.cfg.Train, s.cfg.Network
		tr.Baseline, net.Spectra, net.Form = "white", true, s.cfg.White.Form
		// The whole budget: the held-out loss cannot see an error of a few
		// modes among a thousand, the errors that matter here, so patience
		// would stop the training before the low shells are learned.
		tr.MinSteps = tr.Steps
		s.white = &pipeline.Model{Name: "learned_white", Group: "/model/learned_white", Proc: s.proc, Net: net, Train: tr, Index: 2}
	}
	if s.cfg.DDPM.Enabled {
		var (
			sched *generative.Discrete
			err   error
		)
		if s.cfg.DDPM.Schedule == "cosine" {
			sched, err = generative.DDPMCosine(s.cfg.DDPM.Length)
		} else {
			sched, err = generative.DDPMLinear(s.cfg.DDPM.Length)
		}
		if err != nil {
			return err
		}
		if s.ddpmProc, err = generative.NewDDPM(s.lat, erg.Periodic, sched, nil); err != nil {
			return err
		}
		tr := s.cfg.Train
		tr.Baseline = s.cfg.DDPM.Baseline
		net := s.cfg.Network
		net.Spectra = s.cfg.DDPM.Spectral
		s.ddpm = &pipeline.Model{Name: "ddpm", Group: "/model/ddpm", Proc: s.ddpmProc, Net: net, Train: tr, Grid: s.cfg.DDPM.Length, Index: 1}
	}
	return nil
}

// closeModels releases the models' networks.
func (s *state) closeModels() {
	for _, m := range []*pipeline.Model{s.learned, s.white, s.ddpm} {
		if m != nil {
			m.Close()
		}
	}
}

// sample draws the training, held-out and reference ensembles exactly;
// sample i of set k draws from the stream (seed, StageSample, k, i), so the
// ensembles do not depend on the number of workers.
func (s *state) sample(progress bool) error {
	cfg := s.cfg
	smp, err := field.NewFreeSampler(s.act)
	if err != nil {
		return err
	}
	s.train = field.NewEnsemble(s.lat, cfg.Train.Samples)
	s.held = field.NewEnsemble(s.lat, cfg.Train.HeldOut)
	s.ref = field.NewEnsemble(s.lat, cfg.Reference)
	total := int64(cfg.Train.Samples + cfg.Train.HeldOut + cfg.Reference)
	var bar *cli.Progress
	if progress {
		bar = s.r.Progress("sample", total, "samples")
	}
	for _, x := range []struct {
		set uint64
		e   *field.Ensemble
	}{{rng.SetTrain, s.train}, {rng.SetHeld, s.held}, {rng.SetRef, s.ref}} {
		pipeline.SampleGaussian(x.e, smp, s.r.Seed, 0, rng.StageSample, x.set)
		if bar != nil {
			bar.Add(int64(x.e.Len()))
		}
	}
	if bar != nil {
		bar.Done()
	}
	s.refStats, err = s.out.Measure(s.act, s.ref)
	return err
}

func (s *state) sampleStage(ctx context.Context) error {
	if err := s.sample(true); err != nil {
		return err
	}
	o := s.out
	if err := o.WriteLattice(); err != nil {
		return err
	}
	m2 := s.cfg.Field.M2
	attrs := map[string]any{"action": "free", "m2": m2, "sampler": "exact_gaussian",
		"n_thermalization": int64(0), "stride": int64(1), "acceptance": 1.0,
		"chi_exact": 1 / m2, "xi2_exact": 1 / math.Sqrt(m2)}
	for _, e := range []struct {
		name, desc string
		ens        *field.Ensemble
		stats      *pipeline.Stats
	}{
		{"free", "the training ensemble: exact independent samples of the free field", s.train, nil},
		{"free_reference", "a fresh exact ensemble every generated ensemble is compared with", s.ref, s.refStats},
	} {
		g := "/ensemble/" + e.name
		a := map[string]any{"description": e.desc, "n_samples": int64(e.ens.Len())}
		for k, v := range attrs {
			a[k] = v
		}
		if err := o.F.CreateGroup(g, a); err != nil {
			return err
		}
		if err := o.WriteFields(g+"/fields", e.ens, "exact samples of the free field φ_x"); err != nil {
			return err
		}
		st := e.stats
		if st == nil {
			var err error
			if st, err = o.Measure(s.act, e.ens); err != nil {
				return err
			}
		}
		if err := o.WriteStats(g, st); err != nil {
			return err
		}
	}
	return nil
}

func (s *state) flowStage(ctx context.Context) error {
	bar := s.r.Progress("flow", int64(s.cfg.Flow.Snapshots), "snapshots")
	res, err := s.out.FlowStage(s.cfg.Flow, s.proc, s.act, s.train, s.g0, s.r.Seed,
		map[string]any{"description": "the Polchinski flow of the training ensemble to the Gaussian fixed point"}, bar)
	bar.Done()
	if err != nil {
		return err
	}
	s.flow = res
	return nil
}

func (s *state) trainStage(m *pipeline.Model) func(context.Context) error {
	return func(ctx context.Context) error {
		if err := s.baseline(m); err != nil {
			return err
		}
		if err := s.out.TrainModel(ctx, s.runner, m, s.train, s.held, s.r.Seed); err != nil {
			return err
		}
		if m.Net.Spectra && m.Net.Form == "gaussian" {
			g, err := m.FormSpectrum()
			if err != nil {
				return err
			}
			sh := s.out.Shells
			if _, err := s.out.F.Put(m.Group+"/form_spectrum", h5io.Spec{Units: "lattice units^2", Dims: []string{"shell"}, Scales: []string{pipeline.ShellScale},
				Description: "the spectrum G(k) the network's Gaussian-form spectral path learned, averaged over each momentum shell (the truth is 1/(k̂²+m²))"},
				sh.Average(nil, g, s.proc.Weight)); err != nil {
				return err
			}
		}
		return s.link(m)
	}
}

func (s *state) loadStage(m *pipeline.Model) func(context.Context) error {
	return func(ctx context.Context) error {
		if err := s.baseline(m); err != nil {
			return err
		}
		if err := s.out.LoadModel(m, s.r.Seed); err != nil {
			return err
		}
		return s.link(m)
	}
}

func (s *state) baseline(m *pipeline.Model) error {
	var err error
	if m.Train.Baseline == "measured" && s.cfg.BaselineSamples > 0 {
		m.Baseline, err = s.streamedBaseline(m.Proc)
		return err
	}
	m.Baseline, err = pipeline.NewBaseline(m.Proc, m.Train.Baseline, s.train, m.Train.Symmetric)
	return err
}

// baselineChunk is the number of fields held at once while the baseline
// spectrum is streamed.
const baselineChunk = 2048

// streamedBaseline measures the spectrum of BaselineSamples exact fields
// (set SetBaseline of the sample streams) in chunks: the mean of the
// chunks' per-mode means, symmetrised as the training baseline would be.
func (s *state) streamedBaseline(p *erg.Process) (*generative.Gaussian, error) {
	smp, err := field.NewFreeSampler(s.act)
	if err != nil {
		return nil, err
	}
	n := s.cfg.BaselineSamples
	g := make([]float64, p.Modes())
	chunk := field.NewEnsemble(s.lat, min(baselineChunk, n))
	for done := 0; done < n; {
		k := min(chunk.Len(), n-done)
		e := &field.Ensemble{Lat: s.lat, Data: chunk.Data[:k*s.lat.Volume()]}
		pipeline.SampleGaussian(e, smp, s.r.Seed, done, rng.StageSample, rng.SetBaseline)
		sp, err := generative.MeasureSpectrum(p, e, s.cfg.Train.Symmetric)
		if err != nil {
			return nil, err
		}
		for j, v := range sp.G {
			g[j] += v * float64(k)
		}
		done += k
	}
	for j := range g {
		g[j] /= float64(n)
	}
	return generative.NewGaussian(p, g)
}

// link hands a trained model's score to the methods that sample with it.
// learned_white samples with the posterior variance of the Gaussian its
// spectral path has learned (generative.FormSpectrum), or with the knots
// form, of its own denoiser (generative.TweedieVariance, measured at the
// sampler's times on the held-out fields): its baseline's is the white
// spectrum's.
func (s *state) link(m *pipeline.Model) error {
	for _, meth := range s.methods {
		if meth.Model != m.Group {
			continue
		}
		meth.Score = m.Score
		if m != s.white {
			continue
		}
		if m.Net.Form == "gaussian" {
			g, err := m.FormSpectrum()
			if err != nil {
				return err
			}
			gauss, err := generative.NewGaussian(s.proc, g)
			if err != nil {
				return fmt.Errorf("freefield: the spectrum learned_white learned: %w", err)
			}
			meth.Score = generative.VarianceOf{Score: m.Score, Var: gauss}
			continue
		}
		ts := generative.PowerTimes(s.proc.T, meth.Gen.Steps, meth.Gen.Rho)
		M := s.proc.Modes()
		x0 := make([]complex128, s.held.Len()*M)
		pl := s.proc.NewPlan()
		for n := 0; n < s.held.Len(); n++ {
			pl.ToModes(x0[n*M:(n+1)*M], s.held.Field(n))
		}
		tv, err := generative.NewTweedieVariance(s.proc, m.Score, ts[:len(ts)-1], x0, rng.NewRand(s.r.Seed, rng.StageEvaluate, rng.EvalTweedie))
		if err != nil {
			return err
		}
		meth.Score = tv
	}
	return nil
}
