// Copyright ©2026 The rgflow Authors. All rights reserved.

// Package field provides lattice scalar field theories: actions, exact and
// Markov-chain samplers, observables and the statistics that put honest
// error bars on them.
//
// # Lattice and fields
//
// Fields live on a periodic lattice.Lattice (any d, any extents), one real
// value per site in the lattice's row-major order (last axis fastest). An
// Ensemble stores N configurations one after another. Fourier conventions
// are the lattice package's: φ̃_k = Σ_x e^{−ik·x} φ_x, inverse with 1/V,
// k̂² = Σ_μ 4 sin²(k_μ/2), so a Gaussian field of covariance C has
// ⟨|φ̃_k|²⟩ = V·C(k).
//
// # Actions
//
// Free is S = Σ_x [½ Σ_μ (φ_{x+μ̂} − φ_x)² + ½ m² φ_x²] with covariance
// C(k) = 1/(k̂² + m²) and susceptibility χ = 1/m².
//
// Phi4 is evaluated in the continuum-like form
//
//	S = Σ_x [½ Σ_μ (∇_μϕ)² + ½ m² ϕ² + (g/4) ϕ⁴]
//
// and accepts the hopping form of the lattice literature,
//
//	S = Σ_x [−2κ Σ_μ φ_x φ_{x+μ̂} + (1 − 2λ) φ_x² + λ φ_x⁴],
//
// through the exact map ϕ = √(2κ)·φ, m² = (1 − 2λ)/κ − 2d, g = λ/κ².
// Fields handled by this package are always the continuum-like ϕ; multiply by
// 1/HoppingScale to quote hopping-form observables (χ_hopping = χ/(2κ)).
// As λ → ∞ at fixed κ the hopping form pins φ² = 1 and becomes the Ising
// model at β = 2κ, critical at κ_c = ln(1+√2)/4 ≈ 0.2203 in d = 2.
//
// Force returns F = −∂S/∂ϕ, the drift of Langevin and HMC dynamics:
// F_x = Σ_μ(ϕ_{x+μ̂} + ϕ_{x−μ̂}) − (2d + m²)ϕ_x − gϕ_x³. Action and Force
// allocate nothing when given a destination. Two- and three-dimensional
// lattices with all extents ≥ 3 use row-wise kernels (an AVX2+FMA assembly
// loop on amd64, a bounds-check-free Go loop elsewhere or under the noasm
// build tag); every other lattice uses the neighbour tables. Free and Phi4
// only read their parameters, so one action may serve many goroutines.
//
// # Exact sampling
//
// GaussianSampler draws exact independent samples of any translation-
// invariant Gaussian field through the FFT; NewFreeSampler is the free
// field's.
//
// # Markov chains
//
// HMC is Hybrid Monte Carlo with the leapfrog or the second-order
// minimum-norm (Omelyan) integrator. A trajectory has length τ
// (TrajLength) made of ⌈τ/ε⌉ steps; each trajectory's step is jittered by
// ±20% (uniformly) to avoid the non-ergodic resonances of modes whose
// integrator phase is a multiple of π. During thermalisation ε is adapted
// by dual averaging towards a target acceptance (default 0.8), then frozen.
// With FourierAccel the kinetic term is ½ πᵀ𝕄⁻¹π with 𝕄 = −Δ + M²
// (eigenvalues k̂² + M²), so that for the free field with M² = m² every mode
// has unit frequency.
//
// Cluster is the embedded-Ising (Brower–Tamayo / Wolff) single-cluster
// update: it flips the signs of a cluster grown through bonds of probability
// 1 − exp(−2ϕ_xϕ_y) between like-signed neighbours. It leaves |ϕ| unchanged,
// so it is mixed with HMC (ChainConfig.Clusters updates per trajectory), and
// it removes most critical slowing down of the magnetisation.
//
// A Chain owns its field and random stream; chain c of a run with seed s
// draws from rng.New(s, rng.StageSample, c) (ChainStream). Run drives many
// chains on a pool of goroutines; since every chain depends only on its own
// stream, the ensembles are bit-identical whatever GOMAXPROCS or the worker
// count. Chain.Checkpoint returns a ChainState (field, PCG state, step size,
// step-tuning state, counters) from which RestoreChain continues exactly.
//
// # Observables
//
// One set of observables serves Monte Carlo chains, flow snapshots and
// generated ensembles. Measure gives per-configuration values (M = V⁻¹Σφ,
// |M|, M², M⁴, S/V); a time-ordered history per chain goes to Summarise,
// Susceptibility, ConnectedSusceptibility or Binder:
//
//	χ      = V⟨M²⟩
//	χ_conn = V(⟨M²⟩ − ⟨|M|⟩²)
//	U₄     = 1 − ⟨M⁴⟩/(3⟨M²⟩²)
//
// A Correlator gives per-configuration spectra |φ̃_k|²/V (whose mean is
// G(k) = ⟨|φ̃_k|²⟩/V) and the wall correlator G(r) = (V|A|)⁻¹ Σ_{μ∈A}Σ_x
// φ_xφ_{x+rμ̂} over the axes A of the same extent as axis 0; its
// MeasureTwoPoint estimates G(k) per half-spectrum mode, its averages over
// lattice.Shells, G(r), χ = G(0) and the second-moment correlation length
//
//	ξ₂ = [(G(0)/G(k_min) − 1) / k̂²_min]^{1/2},  k̂²_min = 4 sin²(π/L₀),
//
// with G(k_min) averaged over the axes of extent L₀. This is the exact
// lattice definition: for the free field it equals 1/m on every lattice
// size. Correlators are full, not connected: ⟨φ⟩ = 0 on a finite periodic
// lattice by the φ → −φ symmetry.
//
// # Statistics
//
// Every ensemble estimate is an Estimate: value, error, error of the error,
// τ_int and its error. Gamma is U. Wolff's Γ-method (Comput. Phys. Commun.
// 156 (2004) 143) for any function of primary means, over one or several
// replicas (chains), with the automatic window of parameter S (DefaultS =
// 1.5) and Wolff's bias correction of Γ(t): its error includes the
// autocorrelation, Err² = 2τ_int σ²/N. Independent samples are the case
// τ_int = ½. Jackknife and Bootstrap over blocks are provided for derived
// quantities and cross-checks. A chain too short for its autocorrelation
// time returns ErrShortSeries with the estimate.
package field
