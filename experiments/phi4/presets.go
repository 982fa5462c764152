// Copyright ©2026 The rgflow Authors. All rights reserved.

package main

import (
	"math/bits"

	"rgflow/internal/cli"
)

// experiment is phi4 as a program of package cli: its defaults, presets and
// run.
func experiment() cli.Experiment[Config] {
	return cli.Experiment[Config]{
		Name:     "phi4",
		Summary:  "sample lattice φ⁴ by HMC + clusters, flow it under the Polchinski RG, regenerate it by the Gaussian and the learned inverse RG, and compare",
		Doc:      doc,
		Defaults: defaults(),
		Run:      runPhi4,
		Presets:  presets,
	}
}

// The three validation points of 2-d lattice φ⁴. Hopping form
// S = Σ_x [−2κ Σ_μ φ_xφ_{x+μ̂} + (1 − 2λ)φ_x² + λφ_x⁴], continuum-like form
// S = Σ_x [½(∇ϕ)² + ½m²ϕ² + (g/4)ϕ⁴] (ϕ = √(2κ)φ, m² = (1−2λ)/κ − 2d,
// g = λ/κ²).
const (
	// Symmetric phase: m² = −4, g = 6.975 in the continuum-like form, the
	// L = 6 point (E1) of M. S. Albergo, G. Kanwar, P. E. Shanahan, Phys.
	// Rev. D 100, 034515 (2019), Table I. Their action
	// Σ_x[Σ_μ(φ_{x+μ}−φ_x)² + m²φ² + λφ⁴] is ours with ϕ = √2 φ, m² = m²,
	// g = λ; in hopping form κ = 0.26773, λ = 0.5. The point was chosen
	// for m_p L = 4 at L = 6, so on 16² and 32² lattices it lies well inside
	// the symmetric phase (U₄ ≈ 0).
	symmetricM2 = -4
	symmetricG  = 6.975

	// Near-critical: hopping κ = 0.342, λ = 0.5 (continuum m² = −4,
	// g = 4.2748, on the same m² = −4 line as Albergo et al.), where the
	// Binder cumulants of L = 16, 32 and 64 cross (U₄ ≈ 0.59, near the 2-d
	// Ising value 0.6107; docs/phi4.md, field/internal/samplebench).
	criticalKappa  = 0.342
	criticalLambda = 0.5

	// Broken phase: hopping κ = 0.5, λ = 0.022 on 32², the broken-phase
	// point of L. Wang, G. Aarts, K. Zhou, "Diffusion models as stochastic
	// quantization in lattice field theory", JHEP 05 (2024) 060
	// (arXiv:2309.17082), also used by Q. Zhu, G. Aarts, W. Wang, K. Zhou,
	// L. Wang, arXiv:2311.03578. Continuum m² = −2.088, g = 0.088: two
	// sectors M ≈ ±M₀ that HMC alone never connects; the cluster updates
	// flip the whole lattice between them.
	brokenKappa  = 0.5
	brokenLambda = 0.022
)

func hopping(kappa, lambda float64) func(*Config) {
	return func(c *Config) {
		c.Field = Field{Couplings: "hopping", Kappa: kappa, Lambda: lambda}
	}
}

func continuum(m2, g float64) func(*Config) {
	return func(c *Config) {
		c.Field = Field{Couplings: "continuum", M2: m2, G: g}
	}
}

// square sets an L×L lattice and a U-Net deep enough to reach a single
// site: its coarsest level sees the magnetisation itself.
func square(L int) func(*Config) {
	return func(c *Config) {
		c.Lattice.Dims = []int{L, L}
		c.Network.Levels = bits.Len(uint(L)) // 16 → 5 levels: 16, 8, 4, 2, 1
	}
}

// refineStep sets the refinement's Langevin step: MALA's rejection grows
// like h^{3/2}·V^{1/2}, so h ∝ V^{-1/3} keeps the acceptance of h = 0.01 on
// 16² (0.79).
func refineStep(h float64) func(*Config) { return func(c *Config) { c.Refine.Step = h } }

func irExtent(n int) func(*Config) {
	return func(c *Config) { c.IR.Extent = n }
}

func all(fs ...func(*Config)) func(*Config) {
	return func(c *Config) {
		for _, f := range fs {
			f(c)
		}
	}
}

var presets = []cli.Preset[Config]{
	{Name: "symmetric", Summary: "symmetric phase, 16²: m² = −4, g = 6.975 (Albergo, Kanwar, Shanahan 2019, E1)", Apply: all(square(16), continuum(symmetricM2, symmetricG))},
	{Name: "critical", Summary: "near-critical, 16²: κ = 0.342, λ = 0.5 (Binder crossing; the default)", Apply: all(square(16), hopping(criticalKappa, criticalLambda))},
	// The broken phase's non-Gaussianity is the zero mode's (the sectors
	// ±M₀), so its block model holds the zero mode alone (docs/phi4.md).
	{Name: "broken", Summary: "broken phase, 16²: κ = 0.5, λ = 0.022 (Wang, Aarts, Zhou 2024)", Apply: all(square(16), hopping(brokenKappa, brokenLambda), irExtent(1))},
	{Name: "symmetric32", Summary: "symmetric phase, 32²", Apply: all(square(32), continuum(symmetricM2, symmetricG), refineStep(0.006))},
	{Name: "critical32", Summary: "near-critical, 32²", Apply: all(square(32), hopping(criticalKappa, criticalLambda), refineStep(0.006))},
	{Name: "broken32", Summary: "broken phase, 32² (the lattice of Wang, Aarts, Zhou 2024)", Apply: all(square(32), hopping(brokenKappa, brokenLambda), irExtent(1), refineStep(0.006))},
	// l64 is for cost (time and memory per sample at L = 64), not the
	// bars: its training and generation budgets are cut so that the whole
	// run stays under an hour on 2 cores (docs/performance.md).
	{Name: "l64", Summary: "scale run: near-critical on 64² (time and memory per sample; under an hour on 2 cores)", Apply: all(square(64), hopping(criticalKappa, criticalLambda), func(c *Config) {
		c.Train.Samples, c.Train.HeldOut, c.Train.Examples = 1024, 128, 128
		c.Train.Steps, c.Train.MinSteps, c.Train.Batch = 1000, 500, 32
		c.Reference, c.Generate.Samples, c.Generate.Batch = 1024, 256, 64
		// The sampler of the scale table of docs/performance.md (heun-sde
		// doubles the score evaluations per sample).
		c.Generate.Method, c.Generate.Rho = "ancestral", 1
		c.IR.Extent = 1
		c.Flow.Samples = 256
		c.Refine.Step = 0.004
	})},
	{Name: "quick", Summary: "8×8 near-critical lattice, short chains and training: every stage in seconds (tests, CI)", Apply: all(square(8), hopping(criticalKappa, criticalLambda), func(c *Config) {
		c.MC.Chains, c.MC.Thermalise, c.MC.Pilot = 2, 50, 200
		c.TI = TI{Points: 4, Thermalise: 50, Updates: 200}
		c.Reference = 128
		c.Flow.Snapshots, c.Flow.Samples, c.Flow.Store = 5, 64, 2
		c.Network.Width, c.Network.Knots, c.Network.TimeDim = 4, 6, 8
		c.Train.Samples, c.Train.HeldOut, c.Train.Steps, c.Train.MinSteps = 128, 32, 30, 20
		c.Train.Batch, c.Train.Warmup, c.Train.EvalEvery, c.Train.Examples = 8, 5, 10, 32
		c.Generate.Samples, c.Generate.Batch, c.Generate.Steps = 128, 64, 8
		// Heun's SDE step is unstable for the highest modes at 8 steps;
		// the ancestral step is exact for a Gaussian at any step count.
		c.Generate.Method, c.Generate.Rho = "ancestral", 1
		c.Denoise.Times = 3
		c.IR.Width, c.IR.TimeDim, c.IR.Steps, c.IR.Batch = 8, 8, 40, 32
	})},
}
