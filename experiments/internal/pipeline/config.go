// Copyright ©2026 The rgflow Authors. All rights reserved.

package pipeline

import (
	"fmt"
	"math"
	"runtime"
	"strings"

	"rgflow/erg"
	"rgflow/field"
	"rgflow/generative"
	"rgflow/generative/nn"
	"rgflow/internal/config"
	"rgflow/internal/rng"
	"rgflow/lattice"
	"rgflow/wgrad"
)

// Lattice is the `lattice:` section.
type Lattice struct {
	Dims []int `mapstructure:"dims" help:"lattice extents L1,…,Ld (periodic; any d ≥ 1)"`
}

// Build returns the lattice.
func (c Lattice) Build() (*lattice.Lattice, error) { return lattice.New(c.Dims...) }

// Check adds the section's problems to p.
func (c Lattice) Check(p *config.Problems) {
	if len(c.Dims) == 0 {
		p.Add("lattice.dims", c.Dims, "allowed: a list of extents, e.g. [32, 32]")
	}
	for _, L := range c.Dims {
		if L < 1 {
			p.Add("lattice.dims", c.Dims, "allowed: every extent ≥ 1")
			break
		}
	}
}

// Flow is the `flow:` section: the Polchinski flow used as the forward
// process of the RG-inverse diffusion model.
type Flow struct {
	Regulator   string  `mapstructure:"regulator" help:"regulator K of the Polchinski flow: fermi-dirac (the default: a smooth Fermi–Dirac occupation of the modes, docs/design.md), exp, litim, sharp"`
	Temperature float64 `mapstructure:"temperature" help:"Fermi–Dirac temperature in units of the cutoff Λ_t² (fermi-dirac only)"`
	M02         float64 `mapstructure:"m0_2" help:"m₀² of the reference propagator 1/(k̂²+m₀²), the Gaussian fixed point the flow ends at"`
	ZeroMode    string  `mapstructure:"zero_mode" help:"integrate-out (the flow ends at the fixed point: needed to generate) or keep (the textbook flow; the magnetisation is never integrated out)"`
	Snapshots   int     `mapstructure:"snapshots" help:"number of flow times recorded, t = 0 … T"`
	Samples     int     `mapstructure:"samples" help:"training fields flowed and measured at every snapshot (≤ train.samples)"`
	Store       int     `mapstructure:"store" help:"flowed fields written per snapshot to /flow/polchinski/snapshots"`
	Coupling    string  `mapstructure:"coupling" help:"trajectory (snapshots of one sample lie on one path of the flow) or marginal (independent noise per snapshot)"`
}

// Check adds the section's problems to p.
func (c Flow) Check(p *config.Problems, trainSamples int) {
	if _, err := erg.RegulatorByName(c.Regulator, math.Max(c.Temperature, 1)); err != nil {
		p.Add("flow.regulator", c.Regulator, "allowed fermi-dirac, exp, litim, sharp")
	}
	if c.Regulator == "fermi-dirac" {
		p.Check(c.Temperature > 0 && !math.IsInf(c.Temperature, 0), "flow.temperature", c.Temperature, "allowed > 0")
	}
	zm, err := erg.ParseZeroMode(c.ZeroMode)
	if err != nil {
		p.Add("flow.zero_mode", c.ZeroMode, "allowed integrate-out, keep")
	}
	p.Check(c.M02 >= 0 && !math.IsInf(c.M02, 0), "flow.m0_2", c.M02, "allowed ≥ 0")
	if err == nil && zm == erg.IntegrateOutZeroMode {
		p.Check(c.M02 > 0, "flow.m0_2", c.M02, "allowed > 0 with zero_mode = integrate-out (a massless fixed point has an infinite zero mode)")
	}
	p.Check(c.Snapshots >= 2, "flow.snapshots", c.Snapshots, "allowed ≥ 2")
	p.Check(c.Samples >= 2 && c.Samples <= trainSamples, "flow.samples", c.Samples, fmt.Sprintf("allowed 2 … train.samples = %d", trainSamples))
	p.Check(c.Store >= 0 && c.Store <= c.Samples, "flow.store", c.Store, "allowed 0 … flow.samples")
	if _, err := erg.ParseCoupling(c.Coupling); err != nil {
		p.Add("flow.coupling", c.Coupling, "allowed trajectory, marginal")
	}
}

// Process returns the Polchinski flow on l. A flow that keeps the zero mode
// has no fixed point to generate from; Process builds it anyway (the flow
// stage records it) and NeedsFixedPoint tells generation stages to refuse.
func (c Flow) Process(l *lattice.Lattice) (*erg.Process, error) {
	reg, err := erg.RegulatorByName(c.Regulator, c.Temperature)
	if err != nil {
		return nil, err
	}
	zm, err := erg.ParseZeroMode(c.ZeroMode)
	if err != nil {
		return nil, err
	}
	return erg.NewPolchinski(l, erg.PolchinskiParams{Regulator: reg, Mass2: c.M02, ZeroMode: zm})
}

// Times returns the snapshot times: Snapshots points from 0 to p.T, spaced
// evenly in RG time.
func (c Flow) Times(p *erg.Process) []float64 {
	ts := make([]float64, c.Snapshots)
	for i := range ts {
		ts[i] = p.T * float64(i) / float64(c.Snapshots-1)
	}
	ts[len(ts)-1] = p.T
	return ts
}

// Network is the `network:` section: the learned score's architecture
// (generative/nn.ScoreNet).
type Network struct {
	Width   int  `mapstructure:"width" help:"hidden channels of the convolutions"`
	Blocks  int  `mapstructure:"blocks" help:"residual blocks before and after each coarse level"`
	Levels  int  `mapstructure:"levels" help:"lattice scales of the block-spin U-Net (1 = no coarse path); extents must be divisible by 2^(levels−1)"`
	Kernel  int  `mapstructure:"kernel" help:"convolution kernel extent (odd)"`
	Knots   int  `mapstructure:"knots" help:"time knots of the spectral gain (one gain per k̂² shell per knot)"`
	TimeDim int  `mapstructure:"time_dim" help:"sinusoidal time-embedding dimension"`
	Workers int  `mapstructure:"workers" help:"goroutines sharing a batch (0 = all cores); results do not depend on it"`
	Spectra bool `mapstructure:"spectral" help:"include the spectral path (a learned gain per momentum shell and time)"`
	// Form is the spectral path's parametrisation.
	Form string `mapstructure:"spectral_form" help:"the spectral path's gain: knots (a free gain per k̂² shell and time knot) or gaussian (the exact Gaussian denoiser of a learned spectrum, one parameter per k̂² shell, the time dependence the flow's own; periodic lattices)"`
	Mean bool   `mapstructure:"mean_channel" help:"give the convolutions a second input channel, the Gaussian baseline's posterior mean (the field in its own units, long wavelengths and magnetisation included), besides the whitened field"`
}

// Check adds the section's problems to p.
func (c Network) Check(p *config.Problems, dims []int) {
	p.Check(c.Width >= 1, "network.width", c.Width, "allowed ≥ 1")
	p.Check(c.Blocks >= 0, "network.blocks", c.Blocks, "allowed ≥ 0")
	p.Check(c.Kernel >= 1 && c.Kernel%2 == 1, "network.kernel", c.Kernel, "allowed odd ≥ 1")
	p.Check(c.Knots >= 2, "network.knots", c.Knots, "allowed ≥ 2")
	p.Check(c.Form == "knots" || c.Form == "gaussian", "network.spectral_form", c.Form, "allowed knots, gaussian")
	p.Check(c.TimeDim >= 2 && c.TimeDim%2 == 0, "network.time_dim", c.TimeDim, "allowed even ≥ 2")
	p.Check(c.Workers >= 0, "network.workers", c.Workers, "allowed ≥ 0 (0 = all cores)")
	if c.Levels < 1 {
		p.Add("network.levels", c.Levels, "allowed ≥ 1")
		return
	}
	div := 1 << (c.Levels - 1)
	for _, L := range dims {
		if L%div != 0 {
			p.Add("network.levels", c.Levels, fmt.Sprintf("allowed: every lattice extent divisible by 2^(levels−1) = %d (dims %v)", div, dims))
			break
		}
	}
}

// KnotTimes returns the spectral gain's time knots in t/T, crowded toward 0 as
// u² where the denoiser changes fastest.
func (c Network) KnotTimes() []float64 {
	k := make([]float64, c.Knots)
	for i := range k {
		u := float64(i) / float64(c.Knots-1)
		k[i] = u * u
	}
	k[0] = 1e-3
	return k
}

// Body returns the ScoreNet layer description.
func (c Network) Body() nn.ScoreNet {
	extra := 0
	if c.Mean {
		extra = 1
	}
	return nn.ScoreNet{Channels: 1, Extra: extra, Width: c.Width, Kernel: c.Kernel, Blocks: c.Blocks, Levels: c.Levels,
		Spectral: c.Spectra, Knots: c.KnotTimes()}
}

// Build returns a freshly initialised network on l, its initial weights
// drawn from the stream (seed, StageTrain, TrainInit+model). base is the
// Gaussian baseline of the score the network corrects, which the
// gaussian spectral form needs (generative.GaussianForm).
func (c Network) Build(l *lattice.Lattice, seed uint64, model int, base *generative.Gaussian) (*nn.Network, error) {
	workers := c.Workers
	if workers == 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	body := c.Body()
	if c.Spectra && c.Form == "gaussian" {
		if base == nil {
			return nil, fmt.Errorf("pipeline: network.spectral_form = gaussian needs the model's Gaussian baseline")
		}
		f, err := generative.GaussianForm(base)
		if err != nil {
			return nil, fmt.Errorf("pipeline: network.spectral_form = gaussian: %w", err)
		}
		body.SpectralForm = f
	}
	return nn.New(l, 1+body.Extra, body, nn.Config{
		Time:    nn.TimeConfig{Dim: c.TimeDim, Hidden: c.TimeDim, Scale: 100},
		Workers: workers,
		Rand:    rng.NewRand(seed, rng.StageTrain, rng.TrainInit+uint64(model)),
	})
}

// Describe returns the architecture as YAML-like text for /model/<name>.
func (c Network) Describe() string {
	return fmt.Sprintf("type: ScoreNet  # spectral path + block-spin residual U-Net (generative/nn)\n"+
		"width: %d\nblocks: %d\nlevels: %d\nkernel: %d\nspectral: %v\nspectral_form: %s\nknots: %d\ntime_dim: %d\nmean_channel: %v\nactivation: SiLU\n",
		c.Width, c.Blocks, c.Levels, c.Kernel, c.Spectra, c.Form, c.Knots, c.TimeDim, c.Mean)
}

// Train is the `train:` section: denoising score matching.
type Train struct {
	Samples   int       `mapstructure:"samples" help:"training fields (x₀ of the denoising examples)"`
	HeldOut   int       `mapstructure:"held_out" help:"held-out fields for the validation loss and the denoising-error curve"`
	Steps     int       `mapstructure:"steps" help:"maximum optimiser steps"`
	MinSteps  int       `mapstructure:"min_steps" help:"steps before convergence may be declared"`
	Batch     int       `mapstructure:"batch" help:"examples (x₀, t, noise) per step"`
	LR        float64   `mapstructure:"lr" help:"peak learning rate of Adam"`
	Warmup    int       `mapstructure:"warmup" help:"linear learning-rate warm-up steps (then cosine decay to 0 at train.steps)"`
	Clip      float64   `mapstructure:"clip" help:"global gradient-norm clipping (0 = off)"`
	EMA       float64   `mapstructure:"ema" help:"decay of the exponential moving average of the weights used to sample (0 = off)"`
	EvalEvery int       `mapstructure:"eval_every" help:"steps between held-out evaluations"`
	Examples  int       `mapstructure:"examples" help:"fixed held-out denoising examples per evaluation"`
	Patience  int       `mapstructure:"patience" help:"evaluations without relative improvement min_delta before convergence"`
	MinDelta  float64   `mapstructure:"min_delta" help:"relative held-out improvement that resets the patience"`
	Baseline  string    `mapstructure:"baseline" help:"Gaussian part the network corrects: measured (spectrum of the training fields) or white (the reference spectrum σ²: the network learns everything)"`
	Symmetric bool      `mapstructure:"symmetrize" help:"average the measured baseline spectrum over the lattice symmetries"`
	Target    string    `mapstructure:"target" help:"regression target of the network: denoising (x̃₀ − Skip·x̃_t) or force (blended with the action's force −∇S: the same posterior mean without the Gaussian part of the target's noise; phi4 only). The held-out loss uses the denoising target either way"`
	Windows   []float64 `mapstructure:"windows" help:"times, as increasing fractions of T inside (0, 1), that split [0, T] into windows, each with its own network of the same architecture trained on its window alone (train.steps each; phi4 only); [] = one network for all times"`
	Augment   bool      `mapstructure:"augment" help:"carry each training example by a random lattice symmetry (translation, axis reflections, permutation of equal extents): exact augmentation for a lattice-symmetric action"`
}

// Check adds the section's problems to p.
func (c Train) Check(p *config.Problems, prefix string) {
	p.Check(c.Samples >= 2, prefix+".samples", c.Samples, "allowed ≥ 2")
	p.Check(c.HeldOut >= 2, prefix+".held_out", c.HeldOut, "allowed ≥ 2")
	p.Check(c.Steps >= 1, prefix+".steps", c.Steps, "allowed ≥ 1")
	p.Check(c.MinSteps >= 0 && c.MinSteps <= c.Steps, prefix+".min_steps", c.MinSteps, "allowed 0 … steps")
	p.Check(c.Batch >= 1, prefix+".batch", c.Batch, "allowed ≥ 1")
	p.Check(c.LR > 0 && c.LR < 1, prefix+".lr", c.LR, "allowed in (0, 1)")
	p.Check(c.Warmup >= 0 && c.Warmup < c.Steps, prefix+".warmup", c.Warmup, "allowed 0 … steps−1")
	p.Check(c.Clip >= 0, prefix+".clip", c.Clip, "allowed ≥ 0")
	p.Check(c.EMA >= 0 && c.EMA < 1, prefix+".ema", c.EMA, "allowed in [0, 1)")
	p.Check(c.EvalEvery >= 1, prefix+".eval_every", c.EvalEvery, "allowed ≥ 1")
	p.Check(c.Examples >= 1, prefix+".examples", c.Examples, "allowed ≥ 1")
	p.Check(c.Patience >= 1, prefix+".patience", c.Patience, "allowed ≥ 1")
	p.Check(c.MinDelta >= 0 && c.MinDelta < 1, prefix+".min_delta", c.MinDelta, "allowed in [0, 1)")
	p.Check(c.Baseline == "measured" || c.Baseline == "white", prefix+".baseline", c.Baseline, "allowed measured, white")
	p.Check(c.Target == "denoising" || c.Target == "force", prefix+".target", c.Target, "allowed denoising, force")
	for i, w := range c.Windows {
		if !(w > 0 && w < 1) || (i > 0 && !(w > c.Windows[i-1])) {
			p.Check(false, prefix+".windows", c.Windows, "allowed increasing fractions of T inside (0, 1), e.g. [0.1, 0.5]")
			break
		}
	}
}

// TrainConfig returns the trainer settings; grid > 0 draws training times on
// a grid of that many points (DDPM's integer timesteps).
func (c Train) TrainConfig(seed uint64, grid int) generative.TrainConfig {
	return generative.TrainConfig{
		Batch: c.Batch, MaxSteps: c.Steps, EvalEvery: c.EvalEvery, HeldOut: c.Examples,
		Patience: c.Patience, MinDelta: c.MinDelta, MinSteps: c.MinSteps, Grid: grid, Seed: seed,
		Augment: c.Augment,
	}
}

// Model wraps net with Adam, clipping and the weight average.
func (c Train) Model(net *nn.Network) (*generative.NNModel, error) {
	return generative.NewNNModel(net, nn.AdamConfig{Schedule: nn.Schedule{LR: c.LR, Warmup: c.Warmup, Total: c.Steps}}, c.EMA, c.Clip)
}

// Generate is the `generate:` section: the reverse samplers.
type Generate struct {
	Samples int     `mapstructure:"samples" help:"fields generated per method"`
	Batch   int     `mapstructure:"batch" help:"fields per batch (one checkpoint per batch)"`
	Method  string  `mapstructure:"method" help:"reverse sampler: ancestral, euler-maruyama, heun-sde, heun-ode, rk4-ode"`
	Steps   int     `mapstructure:"steps" help:"sampler steps from the fixed point to t = 0"`
	Rho     float64 `mapstructure:"rho" help:"time-grid exponent: t_i = T(1−i/n)^rho crowds steps near t = 0 for rho > 1"`
}

// Check adds the section's problems to p.
func (c Generate) Check(p *config.Problems) {
	p.Check(c.Samples >= 2, "generate.samples", c.Samples, "allowed ≥ 2")
	p.Check(c.Batch >= 1, "generate.batch", c.Batch, "allowed ≥ 1")
	if _, err := generative.ParseMethod(c.Method); err != nil {
		p.Add("generate.method", c.Method, "allowed "+strings.Join(methodNames(), ", "))
	}
	p.Check(c.Steps >= 1, "generate.steps", c.Steps, "allowed ≥ 1")
	p.Check(c.Rho >= 1 && !math.IsInf(c.Rho, 0), "generate.rho", c.Rho, "allowed ≥ 1")
}

func methodNames() []string {
	var out []string
	for m := generative.Method(0); ; m++ {
		s := m.String()
		if strings.HasPrefix(s, "Method(") {
			return out
		}
		out = append(out, s)
	}
}

// Sampler returns the reverse sampler of p with score s. fullVariance makes
// an ancestral sampler draw the Gaussian part of x₀'s posterior spread (see
// generative.Sampler.FullVariance): right when the score's Gaussian
// baseline is the data's spectrum, wrong for a white baseline.
func (c Generate) Sampler(p *erg.Process, s generative.Score, fullVariance bool) (*generative.Sampler, error) {
	m, err := generative.ParseMethod(c.Method)
	if err != nil {
		return nil, err
	}
	smp, err := generative.NewSampler(p, s, m, generative.PowerTimes(p.T, c.Steps, c.Rho))
	if err != nil {
		return nil, err
	}
	smp.FullVariance = fullVariance && m == generative.Ancestral
	return smp, nil
}

// MC is the `mc:` section: the Markov chains of the ensembles of an
// interacting action (package field: HMC + embedded-Ising clusters).
type MC struct {
	Chains     int     `mapstructure:"chains" help:"independent chains per ensemble (run on all cores; the result does not depend on the number of cores)"`
	Thermalise int     `mapstructure:"thermalise" help:"updates per chain with step-size tuning before anything is kept"`
	Pilot      int     `mapstructure:"pilot" help:"updates per chain of the pilot run that measures τ_int (its configurations are not used)"`
	Every      int     `mapstructure:"every" help:"updates between kept configurations; 0 = ⌈2τ_int⌉ with τ_int the largest Γ-method estimate of the pilot run (M, |M|, M², S/V)"`
	GlobalFlip bool    `mapstructure:"global_flip" help:"multiply each kept configuration by a random sign: the exact global Z₂ move φ → −φ, which connects the sectors of the broken phase"`
	Clusters   int     `mapstructure:"clusters" help:"Wolff embedded-Ising cluster updates after each HMC trajectory (0 = HMC only: the broken phase then never changes sector)"`
	Integrator string  `mapstructure:"integrator" help:"molecular-dynamics integrator: omelyan (2nd-order minimum norm) or leapfrog"`
	TrajLength float64 `mapstructure:"traj_length" help:"trajectory length τ of HMC (the step is tuned to 80% acceptance)"`
}

// ChainConfig returns the field package's chain configuration.
func (m MC) ChainConfig() field.ChainConfig {
	in := field.Omelyan
	if m.Integrator == "leapfrog" {
		in = field.Leapfrog
	}
	return field.ChainConfig{HMC: field.HMCConfig{Integrator: in, TrajLength: m.TrajLength}, Clusters: m.Clusters}
}

// Check adds the section's problems to p.
func (m MC) Check(p *config.Problems) {
	p.Check(m.Chains >= 1, "mc.chains", m.Chains, "allowed ≥ 1")
	p.Check(m.Thermalise >= 0, "mc.thermalise", m.Thermalise, "allowed ≥ 0")
	p.Check(m.Every >= 0, "mc.every", m.Every, "allowed ≥ 0 (0 = from the measured τ_int)")
	if m.Every == 0 {
		p.Check(m.Pilot >= 100, "mc.pilot", m.Pilot, "allowed ≥ 100 when mc.every = 0 (τ_int needs a series)")
	}
	p.Check(m.Clusters >= 0, "mc.clusters", m.Clusters, "allowed ≥ 0")
	p.Check(m.Integrator == "omelyan" || m.Integrator == "leapfrog", "mc.integrator", m.Integrator, "allowed omelyan, leapfrog")
	p.Check(m.TrajLength > 0 && !math.IsInf(m.TrajLength, 0), "mc.traj_length", m.TrajLength, "allowed finite > 0")
}

// Langevin is the `langevin:` section.
type Langevin struct {
	Method    string  `mapstructure:"method" help:"stochastic-quantisation snapshots of the φ⁴ action (wgrad Langevin, into /flow/langevin): none, euler, mala, fourier, fourier-mala"`
	Step      float64 `mapstructure:"step" help:"largest Langevin time step h (euler and fourier are unadjusted: biased at finite h, unstable at large h; mala and fourier-mala keep exp(−S) exactly at any h, with acceptance falling as h grows: 0.74 at h = 0.02 on the quick 8² lattice)"`
	Time      float64 `mapstructure:"time" help:"Langevin time of the last snapshot"`
	Snapshots int     `mapstructure:"snapshots" help:"snapshot times, evenly spaced in [0, time]"`
	Samples   int     `mapstructure:"samples" help:"fields that flow (independent samples: every snapshot is one ensemble)"`
	FourierM2 float64 `mapstructure:"fourier_m2" help:"M² > 0 of the Fourier mobility (k̂² + M²)/(4d + M²) (fourier methods)"`
}

// Check adds the section's problems to p.
func (c Langevin) Check(p *config.Problems) {
	if c.Method == "none" {
		return
	}
	if _, err := wgrad.ParseMethod(c.Method); err != nil {
		p.Add("langevin.method", c.Method, "allowed none, euler, mala, fourier, fourier-mala")
		return
	}
	p.Check(c.Step > 0 && !math.IsInf(c.Step, 0), "langevin.step", c.Step, "allowed > 0")
	p.Check(c.Time > 0 && !math.IsInf(c.Time, 0), "langevin.time", c.Time, "allowed > 0")
	p.Check(c.Snapshots >= 2, "langevin.snapshots", c.Snapshots, "allowed ≥ 2")
	p.Check(c.Samples >= 32, "langevin.samples", c.Samples, "allowed ≥ 32 (the observables' errors need a few blocks)")
	p.Check(c.FourierM2 > 0 && !math.IsInf(c.FourierM2, 0), "langevin.fourier_m2", c.FourierM2, "allowed > 0")
}

// Refine is the `refine:` section.
type Refine struct {
	Method string    `mapstructure:"method" help:"finish every generated ensemble with the exact Langevin flow of the φ⁴ action into /generated/<method>_<refine.method>: none, mala (Metropolis-adjusted: keeps exp(−S) exactly) or fourier-mala (the same with the Fourier mobility of mass² langevin.fourier_m2)"`
	Time   float64   `mapstructure:"time" help:"Langevin time of the refinement (the local structure relaxes in O(1); the magnetisation needs ~L^z)"`
	Step   float64   `mapstructure:"step" help:"Langevin step h of the refinement (MALA's acceptance falls as h·V^{1/3} grows: 0.79 at h = 0.01 on 16²)"`
	Scan   []float64 `mapstructure:"scan" help:"Langevin times, increasing inside (0, refine.time), at which the refining ensembles are also compared with the reference (/generated/<method>_<refine.method>/scan, beside t = 0 and refine.time): how long an exact local flow each generator needs; [] = none"`
}

// Check adds the section's problems to p.
func (c Refine) Check(p *config.Problems) {
	switch c.Method {
	case "none":
		return
	case "mala", "fourier-mala":
	default:
		p.Add("refine.method", c.Method, "allowed none, mala, fourier-mala (only Metropolis-adjusted flows keep exp(−S) exactly)")
		return
	}
	p.Check(c.Time > 0 && !math.IsInf(c.Time, 0), "refine.time", c.Time, "allowed finite > 0")
	p.Check(c.Step > 0 && c.Step <= c.Time, "refine.step", c.Step, "allowed in (0, refine.time]")
	for i, t := range c.Scan {
		if !(t > 0 && t < c.Time) || (i > 0 && !(t > c.Scan[i-1])) {
			p.Check(false, "refine.scan", c.Scan, fmt.Sprintf("allowed increasing Langevin times inside (0, refine.time = %g), e.g. [0.1, 0.5]", c.Time))
			break
		}
	}
}
