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
	mc mcCost

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
}

// mcCost are the Monte Carlo figures the cost table needs.
type mcCost struct {
	Tau        float64 // largest τ_int of the pilot run, in updates
	Every      int     // updates between kept configurations
	Rate       float64 // updates per second on all cores (reference chains)
	Acceptance float64
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
	refined := s.refineMethods(s.methods)
	for i, m := range refined {
		stages = append(stages, s.refineStage(s.methods[i], m))
	}
	s.methods = append(s.methods, refined...)
	stages = append(stages,
		pipeline.Stage{Name: "compare", Run: s.compareStage},
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

func (s *state) sampleStage(ctx context.Context) error {
	cfg := s.cfg
	m := cfg.MC
	log := s.r.Log
	every := m.Every
	var pilot *mcResult
	if every == 0 {
		bar := s.r.Progress("sample pilot", 1, "runs")
		var err error
		pilot, err = runChains(s.act, m, s.r.Seed, setPilot, m.Chains*m.Pilot, 1)
		bar.Done()
		if err != nil {
			return err
		}
		s.mc.Tau = tauMax(pilot.Obs)
		every = stride(s.mc.Tau)
		log.Info("pilot run", "tau_int", s.mc.Tau, "every", every, "acceptance", pilot.Acceptance)
		if pilot.ObsErr != nil {
			log.Warn("pilot run too short for its autocorrelation time: τ_int is a lower estimate; raise mc.pilot", "err", pilot.ObsErr)
		}
	}
	s.mc.Every = every
	sets := []struct {
		set  int
		n    int
		dst  **field.Ensemble
		grp  string
		desc string
	}{
		{setTrain, cfg.Train.Samples, &s.train, grpTrain, "the training ensemble (flowed and learned from)"},
		{setHeld, cfg.Train.HeldOut, &s.held, grpHeld, "held-out configurations for the validation loss and the denoising-error curve"},
		{setRef, cfg.Reference, &s.ref, grpRef, "a fresh ensemble from independent chains that every generated ensemble is compared with"},
	}
	if err := s.out.WriteLattice(); err != nil {
		return err
	}
	for _, st := range sets {
		if err := ctx.Err(); err != nil {
			return err
		}
		bar := s.r.Progress("sample "+setNames[st.set], int64(st.n), "configurations")
		res, err := runChains(s.act, m, s.r.Seed, st.set, st.n, every)
		bar.Done()
		if err != nil {
			return err
		}
		*st.dst = res.Ens
		if st.set == setRef {
			s.refChains = res.Chains
			s.mc.Rate = float64(res.Updates) / res.Seconds
			s.mc.Acceptance = res.Acceptance
			if pilot == nil {
				// No pilot run: τ_int per update from the thinned chains.
				s.mc.Tau = tauMax(res.Obs) * float64(every)
			}
		}
		attrs := s.couplingAttrs()
		for k, v := range map[string]any{
			"description": st.desc, "sampler": "HMC (" + m.Integrator + ") + Wolff embedded-Ising clusters",
			"n_samples": int64(res.Ens.Len()), "n_chains": int64(res.Chains), "n_thermalization": int64(m.Thermalise),
			"stride": int64(every), "clusters_per_trajectory": int64(m.Clusters), "trajectory_length": m.TrajLength,
			"acceptance": res.Acceptance, "step_size": res.StepSize, "cluster_fraction": res.ClusterFraction,
			"updates": res.Updates, "seconds": res.Seconds, "updates_per_second": float64(res.Updates) / res.Seconds,
			"tau_int_pilot": s.mc.Tau,
			"layout":        "chain-major: configuration i of chain c is sample c·(n_samples/n_chains) + i",
		} {
			attrs[k] = v
		}
		if err := s.out.F.CreateGroup(st.grp, attrs); err != nil {
			return err
		}
		if err := s.out.WriteFields(st.grp+"/fields", res.Ens, "φ⁴ configurations ϕ_x (continuum-like normalisation)"); err != nil {
			return err
		}
		stats, err := s.out.Measure(s.act, chainsOf(res.Ens, res.Chains)...)
		if err != nil {
			return err
		}
		if stats.Err != nil {
			log.Warn("statistics of "+setNames[st.set], "err", stats.Err)
		}
		if st.set == setRef {
			s.refStats = stats
		}
		if err := s.out.WriteStats(st.grp, stats); err != nil {
			return err
		}
	}
	return s.measureBaseline()
}

// chainsOf splits e into n equally long consecutive chains.
func chainsOf(e *field.Ensemble, n int) []*field.Ensemble {
	V := e.Lat.Volume()
	per := e.Len() / n
	out := make([]*field.Ensemble, n)
	for c := range out {
		out[c] = &field.Ensemble{Lat: e.Lat, Data: e.Data[c*per*V : (c+1)*per*V]}
	}
	return out
}

// restoreSample reads the ensembles back for a resumed run.
func (s *state) restoreSample(ctx context.Context) error {
	var err error
	for _, x := range []struct {
		grp string
		dst **field.Ensemble
	}{{grpTrain, &s.train}, {grpHeld, &s.held}, {grpRef, &s.ref}} {
		if *x.dst, err = s.out.ReadFields(x.grp + "/fields"); err != nil {
			return err
		}
	}
	var chains int64
	var every int64
	f := s.out.F
	for _, a := range []struct {
		name string
		dst  any
	}{{"n_chains", &chains}, {"stride", &every}, {"tau_int_pilot", &s.mc.Tau}, {"updates_per_second", &s.mc.Rate}, {"acceptance", &s.mc.Acceptance}} {
		if err := f.Attr(grpRef, a.name, a.dst); err != nil {
			return err
		}
	}
	s.refChains, s.mc.Every = int(chains), int(every)
	if s.refStats, err = s.out.Measure(s.act, chainsOf(s.ref, s.refChains)...); err != nil {
		return err
	}
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
	cfg := s.cfg
	coupling, err := erg.ParseCoupling(cfg.Flow.Coupling)
	if err != nil {
		return err
	}
	data, err := field.EnsembleOf(s.lat, s.train.Data[:cfg.Flow.Samples*s.lat.Volume()])
	if err != nil {
		return err
	}
	sched := s.proc.Sched.(erg.PolchinskiSchedule)
	attrs := map[string]any{
		"regulator": cfg.Flow.Regulator, "temperature": cfg.Flow.Temperature,
		"schedule": "Polchinski: ᾱ_t(k) = K((k̂²+μ_IR²)/Λ_t²)/K((k̂²+μ_IR²)/Λ₀²), Λ_t = Λ₀e^{−t}",
		"lambda0":  math.Sqrt(sched.Lambda02), "mu_ir2": sched.MuIR2, "m0_2": cfg.Flow.M02,
		"zero_mode": cfg.Flow.ZeroMode, "basis": "fft", "coupling": cfg.Flow.Coupling, "end_time": s.proc.T,
		"max_alpha_bar_end": s.proc.MaxAlphaBar(s.proc.T),
		"start_bias":        s.startBias(),
		"variables":         "x_t = φ_t/√ᾱ_t: the variance-preserving form x_t = √ᾱ x₀ + √(1−ᾱ) σ ξ, fixed point N(0, 1/(k̂²+m₀²))",
		"analytic":          "the *_analytic columns are the closed forms of the Gaussian with the measured spectrum of the training fields (the data's Gaussian part)",
		"description":       "the Polchinski flow of the φ⁴ training ensemble to the Gaussian fixed point",
	}
	bar := s.r.Progress("flow", int64(cfg.Flow.Snapshots), "snapshots")
	res, err := s.out.RunFlow(pipeline.FlowInput{Group: "/flow/polchinski", Proc: s.proc, Action: s.act, Data: data,
		Times: cfg.Flow.Times(s.proc), Coupling: coupling, Store: cfg.Flow.Store, G0: s.base.G0, Seed: s.r.Seed, Attrs: attrs})
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
		"data": "projections of the training fields onto the modes |n_μ| ≤ (extent−1)/2, as fields of the block lattice (see experiments/phi4/ir.go)"} {
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
