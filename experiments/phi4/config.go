// Copyright ©2026 The rgflow Authors. All rights reserved.

package main

import (
	"fmt"
	"math"

	"rgflow/experiments/internal/pipeline"
	"rgflow/field"
	"rgflow/internal/config"
)

// Config is the configuration of phi4.
type Config struct {
	config.Run `mapstructure:",squash"`

	Lattice pipeline.Lattice `mapstructure:"lattice"`
	Field   Field            `mapstructure:"field"`
	MC      pipeline.MC      `mapstructure:"mc"`
	// Reference: see the help text.
	Reference int               `mapstructure:"reference" help:"configurations of the fresh reference ensemble every generated ensemble is compared with (independent chains, thinned by the measured τ_int)"`
	Symmetry  Symmetry          `mapstructure:"symmetry"`
	IR        IR                `mapstructure:"ir"`
	Flow      pipeline.Flow     `mapstructure:"flow"`
	Langevin  pipeline.Langevin `mapstructure:"langevin"`
	Network   pipeline.Network  `mapstructure:"network"`
	Train     pipeline.Train    `mapstructure:"train"`
	Generate  pipeline.Generate `mapstructure:"generate"`
	Refine    pipeline.Refine   `mapstructure:"refine"`
	Exact     pipeline.Exact    `mapstructure:"exact"`
	TI        TI                `mapstructure:"ti"`
	Bars      Bars              `mapstructure:"bars"`
	Denoise   struct {
		Times int `mapstructure:"times" help:"flow times of the denoising-error curve (evenly spaced in (0, T])"`
	} `mapstructure:"denoise"`
}

// Bars is the `bars:` section: which learned ensemble the acceptance bars
// judge (the file's checks_passed, make phi4-validate). Every ensemble's
// bars are computed and written either way.
type Bars struct {
	Ensemble string `mapstructure:"ensemble" help:"the learned ensemble the bars judge: refined (the learned sampler with its exact corrector: the learned inverse RG finished by the refine.method flow of the action, /generated/learned_<refine.method>), network (the learned inverse RG alone, /generated/learned), reweighted or imh (the network's fields made exact for exp(−S) by their importance weights: /generated/learned_reweighted or the independence-Metropolis chain /generated/learned_imh, judged with ESS/N ≥ 0.05 besides; exact.enabled and generate.method = ancestral) or auto (refined unless refine.method = none)"`
}

// judged returns the name of the method the bars judge.
func (c Config) judged() string {
	switch c.Bars.Ensemble {
	case "reweighted":
		return "learned" + pipeline.ReweightedSuffix
	case "imh":
		return "learned" + pipeline.IMHSuffix
	}
	if c.Bars.Ensemble == "refined" || (c.Bars.Ensemble == "auto" && c.Refine.Method != "none") {
		return c.Refine.Name("learned")
	}
	return "learned"
}

// Field is the `field:` section: the φ⁴ couplings in either
// parametrisation (docs/design.md, package field).
type Field struct {
	Couplings string  `mapstructure:"couplings" help:"which pair defines the theory: hopping (kappa, lambda: S = Σ[−2κΣ_μφ_xφ_{x+μ} + (1−2λ)φ² + λφ⁴]) or continuum (m2, g: S = Σ[½(∇ϕ)² + ½m²ϕ² + (g/4)ϕ⁴]); the file records both"`
	Kappa     float64 `mapstructure:"kappa" help:"hopping parameter κ > 0 (couplings = hopping)"`
	Lambda    float64 `mapstructure:"lambda" help:"quartic coupling λ ≥ 0 of the hopping form (couplings = hopping)"`
	M2        float64 `mapstructure:"m2" help:"bare mass² m² of the continuum-like form, may be negative (couplings = continuum; leave 0 with hopping)"`
	G         float64 `mapstructure:"g" help:"quartic coupling g ≥ 0 of the continuum-like form (couplings = continuum; leave 0 with hopping)"`
}

// Action returns the φ⁴ action on the lattice of dims.
func (f Field) action(c Config) (*field.Phi4, error) {
	l, err := c.Lattice.Build()
	if err != nil {
		return nil, err
	}
	if f.Couplings == "continuum" {
		return field.NewPhi4(l, field.ContinuumParams{M2: f.M2, G: f.G})
	}
	return field.NewPhi4Hopping(l, field.HoppingParams{Kappa: f.Kappa, Lambda: f.Lambda})
}

// Symmetry is the `symmetry:` section: the exact Z₂ symmetry φ → −φ of
// the action, used by the learned model.
type Symmetry struct {
	Augment bool `mapstructure:"augment" help:"train on the training fields and their mirror images −φ (exact: the action is even), so the network sees both sectors equally often"`
	Odd     bool `mapstructure:"odd" help:"sample with the odd part of the learned denoiser, ½[D(x) − D(−x)]: the generated law is then exactly symmetric under φ → −φ (two network evaluations per step)"`
}

// IR is the `ir:` section: the separate score model of the infrared block
// of modes (see ir.go).
type IR struct {
	Extent  int     `mapstructure:"extent" help:"the block of modes |n_μ| ≤ (extent−1)/2 gets its own score network on an extent^d lattice: 1 = the zero mode (magnetisation) alone, 3 = it and its nearest modes, …; 0 = none (the lattice network restores every mode); odd"`
	Width   int     `mapstructure:"width" help:"hidden channels of the block network"`
	Blocks  int     `mapstructure:"blocks" help:"residual blocks of the block network"`
	TimeDim int     `mapstructure:"time_dim" help:"time-embedding dimension of the block network (even)"`
	Steps   int     `mapstructure:"steps" help:"optimiser steps of the block network"`
	Batch   int     `mapstructure:"batch" help:"examples (x₀, t, noise) per step"`
	LR      float64 `mapstructure:"lr" help:"peak learning rate (Adam; warm-up, cosine decay, EMA and clipping as train.*)"`
}

// network returns the block network: one level, kernel 3 (kernel 1 on a
// single site, where it is a time-conditioned residual MLP).
func (c IR) network(workers int) pipeline.Network {
	k := 3
	if c.Extent == 1 {
		k = 1
	}
	return pipeline.Network{Width: c.Width, Blocks: c.Blocks, Levels: 1, Kernel: k, Knots: 4, TimeDim: c.TimeDim, Workers: workers, Form: "knots"}
}

// train returns the block's training settings: its own steps, batch and
// rate, the rest as the lattice model's.
func (c IR) train(t pipeline.Train) pipeline.Train {
	t.Steps, t.MinSteps, t.Batch, t.LR = c.Steps, c.Steps, c.Batch, c.LR
	t.Warmup = min(t.Warmup, c.Steps-1)
	t.EvalEvery = max(1, c.Steps/10)
	t.Examples = 4096
	t.Symmetric = false
	// The block's fields are the lowest modes of the lattice field, whose
	// law has no local action to take a force from.
	t.Target = "denoising"
	// Nor are its modes a lattice with its symmetries.
	t.Augment = false
	return t
}

func defaults() Config {
	var c Config
	c.Out = "results/phi4.h5"
	c.Lattice.Dims = []int{16, 16}
	c.Field = Field{Couplings: "hopping", Kappa: criticalKappa, Lambda: criticalLambda}
	c.MC = pipeline.MC{Chains: 8, Thermalise: 500, Pilot: 2000, Every: 0, GlobalFlip: true, Clusters: 2, Integrator: "omelyan", TrajLength: 1}
	c.Reference = 4096
	c.Symmetry = Symmetry{Augment: true, Odd: true}
	// The 5×5 block of modes |n_μ| ≤ 2 (shells 0–2 of 16²) gets its own
	// model: the lattice network's receptive field is too short for the
	// longest wavelengths near criticality, and a smaller block (the zero
	// mode alone, or 3×3) leaves the next shell short of the reference.
	c.IR = IR{Extent: 5, Width: 32, Blocks: 2, TimeDim: 32, Steps: 5000, Batch: 256, LR: 1e-3}
	c.Flow = pipeline.Flow{Regulator: "fermi-dirac", Temperature: 0.2, M02: 1, ZeroMode: "integrate-out",
		Snapshots: 17, Samples: 1024, Store: 8, Coupling: "trajectory"}
	c.Langevin = pipeline.Langevin{Method: "none", Step: 0.02, Time: 20, Snapshots: 11, Samples: 256, FourierM2: 1}
	// Langevin time 2 at h = 0.01: long enough for the action density of the
	// critical learned ensemble to relax, short enough that ⟨|M|⟩, χ and U₄
	// stay where the generator put them.
	c.Refine = pipeline.Refine{Method: "mala", Time: 2, Step: 0.01, Scan: []float64{0.05, 0.1, 0.25, 0.5, 1}}
	c.Exact.Enabled = true
	c.TI = TI{Points: 64, Thermalise: 500, Updates: 10000}
	// The bars judge the learned sampler with its exact corrector: the
	// network alone leaves the action density off by several standard
	// errors, and the short MALA flow that follows repairs that without
	// moving the magnetisation the network placed.
	c.Bars = Bars{Ensemble: "auto"}
	c.Network = pipeline.Network{Width: 16, Blocks: 1, Levels: 5, Kernel: 3, Knots: 12, TimeDim: 16, Spectra: false, Form: "knots"}
	// 8000 steps of 64 examples, all of them (min_steps = steps): the
	// held-out loss flattens long before the score is good enough for the
	// action density, whose error is far below what the patience criterion
	// can see in the loss. That error is the lattice network's, in the
	// shells it restores between T/10 and T/2, so more training, not more
	// sampler steps, reduces it.
	c.Train = pipeline.Train{Samples: 4096, HeldOut: 512, Steps: 8000, MinSteps: 8000, Batch: 64, LR: 1e-3, Warmup: 100,
		Clip: 1, EMA: 0.995, EvalEvery: 100, Examples: 512, Patience: 5, MinDelta: 1e-3, Baseline: "measured", Symmetric: true, Target: "denoising"}
	// Heun's SDE method on a ρ = 2 grid, not the ancestral kernel: the
	// ancestral kernel's FullVariance draws the Gaussian part of x₀'s
	// posterior spread, exact for the Gaussian method but biased where the
	// posterior is not Gaussian — the magnetisation near criticality and in
	// the broken phase — until the steps are many; Heun's method reaches
	// χ and U₄ within their errors at 128 steps.
	c.Generate = pipeline.Generate{Samples: 4096, Batch: 256, Method: "heun-sde", Steps: 128, Rho: 2}
	c.Denoise.Times = 8
	return c
}

// Validate reports every problem of c at once.
func (c Config) Validate() error {
	var p config.Problems
	c.Lattice.Check(&p)
	f := c.Field
	switch f.Couplings {
	case "hopping":
		p.Check(f.Kappa > 0 && !math.IsInf(f.Kappa, 0), "field.kappa", f.Kappa, "allowed finite > 0")
		p.Check(f.Lambda >= 0 && !math.IsInf(f.Lambda, 0), "field.lambda", f.Lambda, "allowed finite ≥ 0")
		// m2 and g are read only with couplings = continuum: refuse them
		// rather than ignore them.
		p.Check(f.M2 == 0, "field.m2", f.M2, "allowed 0 with field.couplings = hopping (set field.couplings=continuum to give m2 and g)")
		p.Check(f.G == 0, "field.g", f.G, "allowed 0 with field.couplings = hopping (set field.couplings=continuum to give m2 and g)")
	case "continuum":
		p.Check(!math.IsNaN(f.M2) && !math.IsInf(f.M2, 0), "field.m2", f.M2, "allowed finite")
		p.Check(f.G >= 0 && !math.IsInf(f.G, 0), "field.g", f.G, "allowed finite ≥ 0")
	default:
		p.Add("field.couplings", f.Couplings, "allowed hopping, continuum")
	}
	if len(c.Lattice.Dims) > 0 && (f.Couplings == "hopping" || f.Couplings == "continuum") {
		if _, err := f.action(c); err != nil {
			p.Add("field", fmt.Sprintf("%+v", f), err.Error())
		}
	}
	c.MC.Check(&p)
	p.Check(c.Reference >= 32, "reference", c.Reference, "allowed ≥ 32 (the comparison splits it into 16 blocks twice)")
	c.Flow.Check(&p, c.Train.Samples)
	if c.Flow.ZeroMode == "keep" {
		p.Add("flow.zero_mode", c.Flow.ZeroMode, "allowed integrate-out: generation starts from the fixed point, which only a flow that integrates out every mode reaches")
	}
	c.Langevin.Check(&p)
	c.Refine.Check(&p)
	switch e := c.Bars.Ensemble; {
	case e == "refined" && c.Refine.Method == "none":
		p.Add("bars.ensemble", e, "allowed network when refine.method = none (there is no refined ensemble to judge)")
	case (e == "reweighted" || e == "imh") && (!c.Exact.Enabled || c.Generate.Method != "ancestral"):
		p.Add("bars.ensemble", e, "allowed with exact.enabled = true and generate.method = ancestral only (the weights need the ancestral kernel's path density)")
	case e != "refined" && e != "network" && e != "auto" && e != "reweighted" && e != "imh":
		p.Add("bars.ensemble", e, "allowed auto, refined, network, reweighted, imh")
	}
	c.TI.Check(&p)
	c.Network.Check(&p, c.Lattice.Dims)
	c.Train.Check(&p, "train")
	if c.Train.Baseline != "measured" {
		p.Add("train.baseline", c.Train.Baseline, "allowed measured: the gaussian method and the learned model's sampler variance both need the measured spectrum")
	}
	c.Generate.Check(&p)
	ir := c.IR
	p.Check(ir.Extent >= 0 && (ir.Extent == 0 || ir.Extent%2 == 1), "ir.extent", ir.Extent, "allowed 0 (off) or odd ≥ 1")
	for _, L := range c.Lattice.Dims {
		if ir.Extent > 0 && L < ir.Extent {
			p.Add("ir.extent", ir.Extent, fmt.Sprintf("allowed ≤ every lattice extent (dims %v)", c.Lattice.Dims))
			break
		}
	}
	if ir.Extent > 0 {
		p.Check(ir.Width >= 1, "ir.width", ir.Width, "allowed ≥ 1")
		p.Check(ir.Blocks >= 0, "ir.blocks", ir.Blocks, "allowed ≥ 0")
		p.Check(ir.TimeDim >= 2 && ir.TimeDim%2 == 0, "ir.time_dim", ir.TimeDim, "allowed even ≥ 2")
		p.Check(ir.Steps >= 2, "ir.steps", ir.Steps, "allowed ≥ 2")
		p.Check(ir.Batch >= 1, "ir.batch", ir.Batch, "allowed ≥ 1")
		p.Check(ir.LR > 0 && ir.LR < 1, "ir.lr", ir.LR, "allowed in (0, 1)")
	}
	p.Check(c.Denoise.Times >= 1, "denoise.times", c.Denoise.Times, "allowed ≥ 1")
	return p.Err()
}
