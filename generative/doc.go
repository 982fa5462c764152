// Copyright ©2026 The rgflow Authors. All rights reserved.

// Package generative generates lattice field ensembles with the RG-inverse
// diffusion model: per-mode linear-Gaussian forward processes (DDPM, the
// frequency-domain FDDM and the Polchinski flow), exact and learned
// denoisers, training by denoising score matching and reverse samplers. The
// network itself lives in generative/nn; the comparison of a generated
// ensemble with its reference in generative/evaluate.
//
// # The process family
//
// Every forward process is the one type erg.Process (aliased here as
// Process): in a basis that diagonalises it — the Fourier half spectrum for
// periodic lattices, the DCT-II for open boundaries — each mode evolves as
//
//	x̃_t(k) = √ᾱ_t(k) x̃₀(k) + √(1 − ᾱ_t(k)) σ(k) ξ̃_k,
//
// with a per-mode schedule ᾱ_t(k) = ᾱ_t(ε_k) of a mode energy ε_k and a
// reference spectrum σ²(k), the Gaussian fixed point. β_t = −∂_t ln ᾱ_t.
//
//   - DDPM (NewDDPM): ᾱ independent of k, σ² = 1. DDPMLinear is Ho et al.
//     (2020): β from 10⁻⁴ to 0.02 over 1000 steps; DDPMCosine is Nichol &
//     Dhariwal (2021): f(τ) = cos²((τ+s)/(1+s)·π/2), s = 0.008, β clipped
//     at 0.999. Both are Discrete schedules: exact values on the integer grid
//     t = 0 … N (ᾱ_0 = 1, ᾱ_i = ∏(1−β_j)), time measured in steps, T = N.
//     VPLinear is the smooth continuum limit (Song et al. 2021), T = 1.
//   - FDDM (NewFDDM): ᾱ_t(ε) = 1/(e^{(ε−μ_t)/T} + 1), μ_t moving on a grid
//     from μ₀ to μ₁ at temperature T, exactly as the reference FourierScheduler
//     of the FDDM code (see FermiDirac for the file and the time convention),
//     with mode energy either the lattice k̂² (Dispersion) or the
//     image-style −Σ cos πk_μ on the reference's DCT grid (ImageDispersion).
//   - The Polchinski flow: erg.NewPolchinski (regulator K, scale
//     Λ_t = Λ₀e^{−t}, mass m₀): ᾱ_t(k) = K_t/K₀, σ² the free propagator.
//     Only flows that integrate out every mode (erg.IntegrateOutZeroMode)
//     end at a fixed point a sampler can start from; with
//     erg.KeepZeroMode the zero mode never moves and Sampler.Start must
//     carry its data variance.
//
// Discrete grids are interpolated between grid points by the monotone cubic
// (PCHIP) of ln ᾱ: C¹, so β is continuous and ≥ 0 and the ODE/SDE samplers
// see no kinks, while the process restricted to the grid is exactly the
// published chain (transitions between grid times depend on ᾱ there only).
//
// Two properties of the published FDDM schedule matter here (the tests
// check both): it does not reach its fixed point (the lowest
// image-style mode keeps ᾱ_T = 1/(e^{2.5}+1) = 0.076), so generation that
// starts from N(0, σ²) is biased by ᾱ_T(G₀ − σ²) whatever the score; and its
// first step already noises the highest modes by 1 − ᾱ_1 = 7.6%, so a last
// step that returns the posterior mean loses that much of their variance
// (see FullVariance).
//
// # Normalisation
//
// Mode coefficients are the unnormalised transforms of the lattice package:
// a mode of covariance eigenvalue C has ⟨|x̃_k|²⟩ = Norm_k·C (Norm = V for the
// Fourier basis, lattice.DCTNorms for the DCT). Spectra — σ², G₀, G_t,
// posterior variances — are always covariance eigenvalues (Norm divided
// out). Batches of fields in mode space are stored field after field, each
// Modes() coefficients long; conjugate pairs stored twice in the half
// spectrum are kept conjugate, so every batch represents real fields.
//
// # Scores
//
// A Score is a denoiser: x̂₀ = E[x̃₀ | x̃_t] for a batch at times t. By
// Tweedie's formula the score is ∇log p_t = (√ᾱ x̂₀ − x̃_t)/((1−ᾱ)σ²) in
// covariance units (ScoreOf). Gaussian is the exact score of data with
// spectrum G₀:
//
//	x̂₀ = √ᾱ_t G₀/G_t · x̃_t,   G_t = ᾱ_t G₀ + (1−ᾱ_t) σ²,   score = −x̃_t/G_t,
//
// with posterior variance Var[x₀|x_t] = G₀(1−ᾱ_t)σ²/G_t. For free-field data
// it is the exact inverse RG of the free theory; for interacting data, with
// G₀ the measured spectrum (MeasureSpectrum, averaged over the lattice
// symmetry orbits of ModeSet), it is the Gaussian baseline.
//
// # The learned score and why it is parametrised so
//
// Noise levels differ between modes by orders of magnitude: under the
// Polchinski flow or FDDM, at small t the low modes keep ᾱ ≈ 1 while the
// high ones are already noise, and the data spectrum itself spans 1/m² to
// 1/(4d + m²). Plain ε-prediction, x̂₀ = (x̃_t − √(1−ᾱ)σ ε̂)/√ᾱ, is badly
// conditioned across such modes: a network error δε becomes an x̂₀ error
// √((1−ᾱ)/ᾱ)σ δε, exploding for modes near the fixed point (ᾱ → 0); for
// modes not yet noised (ᾱ → 1) the target ε is a component of size
// √(1−ᾱ)σ buried in a signal of size √G₀ that the network must dig out,
// and the ε-loss weights their x̂₀ errors by ᾱ/((1−ᾱ)σ²). No single output
// scale fits every mode at once. Learned therefore uses EDM's
// preconditioning (Karras et al. 2022, §5) mode by mode around the
// Gaussian baseline (Precond):
//
//	x̂₀ = Skip·x̃_t + Out·F̃_θ(In·x̃_t, t/T),
//	In = 1/√G_t,  Skip = √ᾱ G₀/G_t,  Out = √(G₀(1−ᾱ)σ²/G_t) = √Var[x₀|x_t],
//
// with G₀ the baseline (measured) spectrum. The network sees a field that
// is unit white noise for Gaussian data at every t, its target
// r = (x̃₀ − Skip·x̃_t)/Out has unit variance in every mode at every time,
// and the loss V⁻¹Σ_x(F_θ − r)² is Σ_k |x̂₀ − x̃₀|²/Var_base[x₀|x_t]: each
// mode weighted by the inverse of what the baseline cannot know, which in
// F-space is a uniform weight on unit-scale outputs. With
// F = 0 it is exactly the baseline — the exact inverse RG for free-field
// data — so training starts from the Gaussian answer and learns only the
// non-Gaussian rest; for Gaussian data with the right baseline the loss
// minimum is 1 per site (less for non-Gaussian data: what was learned). The
// network is conditioned on t/T ∈ (0, 1].
//
// Two properties shape how it should be used. (1) The sampler is more
// sensitive than the loss: a gain error δc costs O(δc²) in the loss but
// shifts a generated variance by O(δc) (∫β√ᾱ δc/(1−ᾱ) dt along the ODE),
// so a network within a fraction of a percent of the exact denoiser's loss
// can still generate spectra off by several percent when it has to learn
// the Gaussian part itself (TestNNTrainRecoversGaussianScore). With the
// measured spectrum as baseline the Gaussian part is right from the start
// and the network only adds its (small) output: use MeasureSpectrum of the
// training fields. (2) DSM learns the training set: a score trained on N
// fields reproduces their spectrum, so its error against the true one is
// at least the training set's sampling error, √(2/N) per real mode.
//
// # Training
//
// Trainer minimises that loss by denoising score matching (Vincent 2011):
// x₀ drawn from the training fields, t per example (uniform on
// [TMin·T, T], or on a grid), x̃_t by the exact transition — never stored.
// A fixed held-out set (x₀ from held-out fields, t and ξ drawn once) gives
// the held-out loss every EvalEvery steps; training has converged when it
// has not improved by a relative MinDelta for Patience evaluations (after
// MinSteps), and has diverged — an error wrapping ErrDiverged, status
// Diverged, never Converged — at a non-finite loss or gradient norm or a
// held-out loss above DivergeFactor × its best. TrainState is the whole
// state as plain data (step, status, PCG stream state, model tensors and
// counters, curve, convergence tracker); Resume continues bit for bit.
// NNModel wraps a generative/nn network with Adam, clipping and the weight
// average as the Trainable.
//
// # Samplers
//
// A Sampler runs a grid T ≥ t_0 > t_1 > … > t_n = 0 backwards from fields
// drawn at the fixed point N(0, σ²) (or a given start spectrum). Writing
// a = ᾱ_t(k), β = β_t(k) and x̂₀ = x̂₀(x_t, t), per mode:
//
//   - Ancestral: x_s = A x̂₀ + B x_t + √V ξ with (A, B, V) the posterior
//     q(x_s | x_t, x₀) of erg.Process.Posterior — DDPM's
//     μ_θ = (x_t − β_t/√(1−ᾱ_t) ε_θ)/√α_t rewritten in x̂₀ and generalised
//     to per-mode ᾱ. With FullVariance, V gains A²·Var[x₀|x_t] from the
//     score's Gaussian part, which makes each step the exact reverse kernel
//     for Gaussian data at any step count; Ho et al.'s σ² = β̃ leaves that
//     term out and under-disperses, most on the highest modes.
//   - Reverse SDE, dx = [−½βx − βσ²∇log p_t] dt + √β σ dW̄, i.e. in reverse
//     time dx/d(−t) = ½βx + β(√a x̂₀ − x)/(1−a) plus noise of variance
//     σ²∫β = σ² ln(ᾱ_s/ᾱ_t) per step: EulerMaruyama (weak order 1) and
//     HeunSDE (predictor–corrector with the same noise in both stages,
//     weak order 2 for this additive noise).
//   - Probability-flow ODE, dx/d(−t) = ½βx + ½β(√a x̂₀ − x)/(1−a): HeunODE
//     (order 2) and RK4ODE (order 4).
//
// Every method steps from t_0 to t_{n−1}; the last step, to t = 0 where
// ᾱ = 1, is the denoiser x̂₀(x_{t_{n−1}}) (plus √Var[x₀|x_t] noise with
// FullVariance). That last step's bias is O(1 − ᾱ_{t_{n−1}}), so grids that
// crowd steps near 0 (PowerTimes with ρ > 1) keep the sampler's order.
// With the exact score all methods are linear in (x, ξ), so the tests
// propagate per-mode variances exactly, without sampling noise, and check
// orders of convergence and biases (sampler_test.go, free-field data,
// exact score): orders 1, 1, 2, 2, 4 for Ancestral, EulerMaruyama,
// HeunSDE, HeunODE, RK4ODE; biases below 1% with 1000 (ancestral, ρ = 3),
// 500 (EM, ρ = 2), 100 (Heun, ρ = 3) and 50 (RK4, ρ = 3) steps on the VP
// schedule.
//
// Regulators that remove modes at a finite scale (erg.Litim, erg.Sharp)
// have β = +∞ there: the ODE and SDE methods are refused, and the
// ancestral kernel must be FullVariance — with a sharp cutoff the
// mean-only kernel restores every removed mode at its posterior mean,
// which is 0, while integrating a mode back in has to draw it from
// p(x₀ | x_t).
//
// # Evaluation
//
// Judging a generated ensemble against its reference — spectra,
// observables, Wasserstein distances with null yardsticks, a verdict, the
// denoising error of scores — is package generative/evaluate.
package generative
