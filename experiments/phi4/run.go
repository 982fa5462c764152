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
	"rgflow/lattice"
)

// state is what the stages hand each other.
type state struct {
	cfg  Config
	r    *cli.Run
	out  *pipeline.Out
	lat  *lattice.Lattice
	act  *field.Phi4
	proc *erg.Process

	train, held, ref *field.Ensemble
	refChains        int
	refStats         *pipeline.Stats
	// mc holds the cost figures of the Monte Carlo ensembles.
	mc pipeline.MCCost

	// base is the Gaussian part: the measured (symmetrised) spectrum of the
	// training fields. The gaussian method samples with it; the learned
	// model corrects it.
	base    *generative.Gaussian
	flow    *pipeline.FlowResult
	learned *pipeline.Model
	// experts are the lattice networks of the later time windows
	// (train.windows): learned serves [0, windows[0]]·T, experts[k]
	// [windows[k], windows[k+1]]·T.
	experts []*pipeline.Model
	// ir is the IR-block model (ir.extent > 0) on the block's small
	// lattice (output zout).
	ir      *pipeline.Model
	block   *generative.IRBlock
	zout    *pipeline.Out
	methods []*pipeline.Method
	comps   map[string]*evaluate.Comparison
	stats   map[string]*pipeline.Stats
	checks  map[string][]pipeline.Check
	// terms are the split of S/V by term of the reference and of each
	// generated ensemble (compare stage).
	terms map[string]terms
	// givenM is the split of each generated ensemble's S/V error at given
	// |M| and from its law of |M| (compare stage).
	givenM map[string]evaluate.GivenAbsM
	// scans are the refinement scans (refine stage) by refined method.
	scans  map[string]*refineScan
	runner *pipeline.Runner
	// exactRes are the results of exact sampling by generator.
	exactRes map[string]*pipeline.ExactResult
	// ti is the free energy by thermodynamic integration (nil: not run).
	ti *tiFreeEnergy
}

// Ensemble groups in the file.
const (
	grpTrain = "/ensemble/phi4"
	grpHeld  = "/ensemble/phi4_heldout"
	grpRef   = "/ensemble/phi4_reference"
)

func runPhi4(ctx context.Context, r *cli.Run, cfg Config) error {
	act, err := cfg.Field.action(cfg)
	if err != nil {
		return err
	}
	lat := act.Lattice()
	proc, err := cfg.Flow.Process(lat)
	if err != nil {
		return err
	}
	sh, err := lat.Shells(lat.DefaultShellCount())
	if err != nil {
		return err
	}
	s := &state{cfg: cfg, r: r, out: &pipeline.Out{F: r.File, Lat: lat, Shells: sh}, lat: lat, act: act, proc: proc,
		comps: map[string]*evaluate.Comparison{}, stats: map[string]*pipeline.Stats{}, checks: map[string][]pipeline.Check{}, scans: map[string]*refineScan{}}
	if cfg.Field.Couplings == "hopping" {
		s.out.HoppingScale = act.HoppingScale() // the file also gives ⟨|M|⟩, χ, … of φ
	}
	s.learned = &pipeline.Model{Name: "learned", Group: "/model/learned", Proc: proc, Net: cfg.Network, Train: cfg.Train, Index: 0, Force: act.Force}
	defer s.learned.Close()
	if w := cfg.Train.Windows; len(w) > 0 {
		s.learned.TMax = w[0]
		for k := range w {
			hi := 1.0
			if k+1 < len(w) {
				hi = w[k+1]
			}
			name := fmt.Sprintf("learned_w%d", k+1)
			m := &pipeline.Model{Name: name, Group: "/model/" + name, Proc: proc, Net: cfg.Network, Train: cfg.Train,
				Index: 2 + k, Force: act.Force, TMin: w[k], TMax: hi}
			defer m.Close()
			s.experts = append(s.experts, m)
		}
	}
	if cfg.IR.Extent > 0 {
		if s.block, err = generative.NewIRBlock(proc, (cfg.IR.Extent-1)/2); err != nil {
			return err
		}
		zsh, err := s.block.Small.Shells(1)
		if err != nil {
			return err
		}
		s.zout = &pipeline.Out{F: r.File, Lat: s.block.Small, Shells: zsh}
		s.ir = &pipeline.Model{Name: "learned_ir", Group: "/model/learned_ir", Proc: s.block.Proc,
			Net: cfg.IR.network(cfg.Network.Workers), Train: cfg.IR.train(cfg.Train), Index: 1}
		defer s.ir.Close()
	}

	s.runner = pipeline.NewRunner(r)
	s.methods = []*pipeline.Method{
		{Name: "gaussian", Proc: proc, Gen: cfg.Generate, Index: 0, FullVariance: true,
			Description: "the Gaussian inverse RG: the Polchinski flow run backwards with the exact score of the best Gaussian (the measured spectrum of the training fields)"},
		{Name: "learned", Proc: proc, Gen: cfg.Generate, Model: "/model/learned", Index: 1, FullVariance: true,
			Description: "the Polchinski flow run backwards with the learned score (Gaussian baseline + network)"},
	}
	stages := []pipeline.Stage{
		{Name: "sample", Run: s.sampleStage, Restore: s.restoreSample},
		{Name: "flow", Run: s.flowStage},
	}
	if cfg.Langevin.Method != "none" {
		stages = append(stages, pipeline.Stage{Name: "langevin", Run: s.langevinStage})
	}
	stages = append(stages, pipeline.Stage{Name: "train learned", Run: s.trainStage(s.learned), Restore: s.loadStage(s.learned)})
	for _, m := range s.experts {
		stages = append(stages, pipeline.Stage{Name: "train " + m.Name, Run: s.trainStage(m), Restore: s.loadStage(m)})
	}
	if s.ir != nil {
		stages = append(stages, pipeline.Stage{Name: "train ir", Run: s.trainIRStage, Restore: s.loadIRStage})
	}
	for _, m := range s.methods {
		stages = append(stages, s.out.GenerateStage(s.runner, m, r.Seed))
	}
	refined := cfg.Refine.Methods(s.methods, "φ⁴")
	for i, m := range refined {
		stages = append(stages, s.refineStage(s.methods[i], m))
	}
	var exact []pipeline.Stage
	if cfg.Exact.Enabled {
		exact = s.exactStages()
		if cfg.TI.Points > 0 {
			exact = append(exact, pipeline.Stage{Name: "free energy", Run: s.tiStage, Restore: s.restoreTI})
		}
	}
	s.methods = append(s.methods, refined...)
	stages = append(stages, exact...)
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

// couplingAttrs records both parametrisations of the action.
func (s *state) couplingAttrs() map[string]any {
	h, c := s.act.Hopping, s.act.Continuum
	return map[string]any{
		"action": "phi4", "couplings_given": s.cfg.Field.Couplings,
		"kappa": h.Kappa, "lambda": h.Lambda, "m2": c.M2, "g": c.G,
		"hopping_scale": s.act.HoppingScale(),
		"convention":    "fields are the continuum-like ϕ of S = Σ[½(∇ϕ)² + ½m²ϕ² + (g/4)ϕ⁴]; hopping-form φ = ϕ/hopping_scale, with S = Σ[−2κΣ_μφ_xφ_{x+μ} + (1−2λ)φ² + λφ⁴]",
	}
}

// mcEnsembles are the Monte Carlo ensembles of the run, the reference last.
func (s *state) mcEnsembles() []*pipeline.MCEnsemble {
	return []*pipeline.MCEnsemble{
		{Set: setTrain, Name: setNames[setTrain], N: s.cfg.Train.Samples, Group: grpTrain, Desc: "the training ensemble (flowed and learned from)"},
		{Set: setHeld, Name: setNames[setHeld], N: s.cfg.Train.HeldOut, Group: grpHeld, Desc: "held-out configurations for the validation loss and the denoising-error curve"},
		{Set: setRef, Name: setNames[setRef], N: s.cfg.Reference, Group: grpRef, Desc: "a fresh ensemble from independent chains that every generated ensemble is compared with"},
	}
}

func (s *state) sampleStage(ctx context.Context) error {
	if err := s.out.WriteLattice(); err != nil {
		return err
	}
	ens := s.mcEnsembles()
	var err error
	s.mc, err = s.out.MCStage(ctx, s.r, pipeline.MCRun{Action: s.act, MC: s.cfg.MC, Pilot: setPilot, Ensembles: ens,
		Attrs: s.couplingAttrs, Fields: "φ⁴ configurations ϕ_x (continuum-like normalisation)"})
	if err != nil {
		return err
	}
	s.train, s.held, s.ref = ens[0].Ens, ens[1].Ens, ens[2].Ens
	s.refChains, s.refStats = ens[2].Chains, ens[2].Stats
	return s.measureBaseline()
}

// restoreSample reads the ensembles back for a resumed run.
func (s *state) restoreSample(ctx context.Context) error {
	ens := s.mcEnsembles()
	var err error
	if s.mc, err = s.out.ReadMC(s.act, ens); err != nil {
		return err
	}
	s.train, s.held, s.ref = ens[0].Ens, ens[1].Ens, ens[2].Ens
	s.refChains, s.refStats = ens[2].Chains, ens[2].Stats
	return s.measureBaseline()
}

// measureBaseline sets the Gaussian part from the training fields.
func (s *state) measureBaseline() error {
	var err error
	s.base, err = pipeline.NewBaseline(s.proc, "measured", s.train, s.cfg.Train.Symmetric)
	if err != nil {
		return err
	}
	s.learned.Baseline = s.base
	for _, m := range s.experts {
		m.Baseline = s.base
	}
	s.methods[0].Score = s.base
	if s.ir != nil {
		if s.ir.Baseline, err = s.block.Baseline(s.base); err != nil {
			return err
		}
	}
	return nil
}

func (s *state) flowStage(ctx context.Context) error {
	attrs := map[string]any{
		"max_alpha_bar_end": s.proc.MaxAlphaBar(s.proc.T),
		"start_bias":        s.startBias(),
		"analytic":          "the *_analytic columns are the closed forms of the Gaussian with the measured spectrum of the training fields (the data's Gaussian part)",
		"description":       "the Polchinski flow of the φ⁴ training ensemble to the Gaussian fixed point",
	}
	bar := s.r.Progress("flow", int64(s.cfg.Flow.Snapshots), "snapshots")
	res, err := s.out.FlowStage(s.cfg.Flow, s.proc, s.act, s.train, s.base.G0, s.r.Seed, attrs, bar)
	bar.Done()
	if err != nil {
		return err
	}
	s.flow = res
	return nil
}

// startBias is the largest relative error of the start spectrum of
// generation: max_k ᾱ_T(k)|G₀(k) − σ²(k)|/σ²(k), the part of the data a
// sampler that starts at the fixed point N(0, σ²) leaves out. The zero mode
// of an ordered or near-critical field (G₀(0) = χ ≫ σ²(0) = 1/m₀²)
// dominates it.
func (s *state) startBias() float64 {
	p := s.proc
	ab := p.AlphaBar(nil, p.T)
	worst := 0.0
	for j, a := range ab {
		if p.Moves(j) {
			worst = math.Max(worst, a*math.Abs(s.base.G0[j]-p.Sigma2[j])/p.Sigma2[j])
		}
	}
	return worst
}

// trainStage trains the lattice network m (learned, or the expert of a
// time window) on the training fields (and their mirror images).
func (s *state) trainStage(m *pipeline.Model) func(ctx context.Context) error {
	return func(ctx context.Context) error {
		tr := s.train
		if s.cfg.Symmetry.Augment {
			tr = generative.Mirrored(tr)
		}
		if err := s.out.TrainModel(ctx, s.runner, m, tr, s.held, s.r.Seed); err != nil {
			return err
		}
		if err := s.out.F.SetAttr(m.Group, "z2_augmented", s.cfg.Symmetry.Augment); err != nil {
			return err
		}
		s.link()
		return nil
	}
}

func (s *state) loadStage(m *pipeline.Model) func(ctx context.Context) error {
	return func(ctx context.Context) error {
		if err := s.out.LoadModel(m, s.r.Seed); err != nil {
			return err
		}
		s.link()
		return nil
	}
}

func (s *state) trainIRStage(ctx context.Context) error {
	tr, held := s.block.Project(s.train), s.block.Project(s.held)
	if s.cfg.Symmetry.Augment {
		tr = generative.Mirrored(tr)
	}
	if err := s.zout.TrainModel(ctx, s.runner, s.ir, tr, held, s.r.Seed); err != nil {
		return err
	}
	for k, v := range map[string]any{"z2_augmented": s.cfg.Symmetry.Augment, "block_dims": s.block.Small.Dims(), "coefficient_scale": s.block.C,
		"data": "projections of the training fields onto the modes |n_μ| ≤ (extent−1)/2, as fields of the block lattice (see generative.IRBlock)"} {
		if err := s.out.F.SetAttr(s.ir.Group, k, v); err != nil {
			return err
		}
	}
	s.link()
	return nil
}

func (s *state) loadIRStage(ctx context.Context) error {
	if err := s.zout.LoadModel(s.ir, s.r.Seed); err != nil {
		return err
	}
	s.link()
	return nil
}

// link hands the trained scores to the learned method: the lattice
// network, its IR block replaced by the block model's (ir.extent > 0),
// made odd (when symmetry.odd).
func (s *state) link() {
	if s.learned.Score == nil || (s.ir != nil && s.ir.Score == nil) {
		return // the other model is not ready yet
	}
	for _, m := range s.experts {
		if m.Score == nil {
			return
		}
	}
	var sc generative.Score = s.learned.Score
	desc := s.methods[1].Description
	if len(s.experts) > 0 {
		bounds := make([]float64, len(s.experts))
		scores := []generative.Score{s.learned.Score}
		for k, m := range s.experts {
			bounds[k] = m.TMin * s.proc.T
			scores = append(scores, m.Score)
		}
		w, err := generative.NewWindows(bounds, scores)
		if err != nil {
			panic(err) // train.windows was validated
		}
		sc = w
		desc += fmt.Sprintf("; one lattice network per time window, split at %v·T (/model/learned, /model/learned_w1, …)", s.cfg.Train.Windows)
	}
	if s.ir != nil {
		sc = generative.WithIR(sc, s.ir.Score, s.block)
		desc += fmt.Sprintf("; the IR block of %v modes from its own model (/model/learned_ir)", s.block.Small.Dims())
	}
	if s.cfg.Symmetry.Odd {
		sc = generative.Odd(sc)
		desc += "; odd part ½[D(x) − D(−x)] (exactly Z₂ symmetric)"
	}
	s.methods[1].Score = sc
	s.methods[1].Description = desc
}

// Ensemble sets: each draws its chains from its own streams.
const (
	setPilot = iota
	setTrain
	setHeld
	setRef
)

var setNames = [...]string{"pilot", "training", "held-out", "reference"}

// globalFlip is pipeline.GlobalFlip.
func globalFlip(res *field.RunResult, seed uint64, set int) { pipeline.GlobalFlip(res, seed, set) }

// langevinStage records the stochastic-quantisation snapshots of the φ⁴
// action (langevin.method ≠ none; pipeline.LangevinStage): the other road
// between the Gaussian fixed point and the data, recorded beside the
// Polchinski flow, not trained on.
func (s *state) langevinStage(ctx context.Context) error {
	c := s.cfg.Langevin
	bar := s.r.Progress("langevin", int64(c.Snapshots), "snapshots")
	last, err := s.out.LangevinStage(ctx, c, s.act, s.cfg.Flow.M02, s.r.Seed, map[string]any{
		"schedule":    "Langevin dynamics dϕ = −𝕄⁻¹∂S/∂ϕ dt + √2 𝕄^{−1/2}dW of the φ⁴ action (𝕄 = 1, or the Fourier mobility): stochastic quantisation, the W₂ gradient flow of F = E[S] + E[log ρ]",
		"description": "stochastic-quantisation snapshots: observables of the Langevin flow from the fixed point to the φ⁴ equilibrium (compare with /ensemble/phi4_reference/estimates)",
	}, bar)
	bar.Done()
	if err != nil {
		return err
	}
	s.r.Log.Info("langevin snapshots", "method", c.Method, "t_end", c.Time, "chi", last.Obs.Chi.Value, "binder", last.Obs.Binder.Value, "reference_chi", s.refStats.Obs.Chi.Value)
	return nil
}
