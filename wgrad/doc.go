// Copyright ©2026 The rgflow Authors. All rights reserved.

// Package wgrad measures Wasserstein distances between ensembles and runs
// Wasserstein gradient flows of free energies.
//
// # Distances
//
// Every distance here is the quadratic Wasserstein distance
//
//	W₂²(α, β) = min_{π ∈ Π(α,β)} ∫ |x − y|² dπ(x, y)
//
// with the plain Euclidean norm of the space the measures live on. For
// lattice fields that space is R^V with |φ|² = Σ_x φ_x², summed over sites
// with no 1/V: a distance between two field ensembles grows with the volume
// (divide by V for a per-site figure). Functions whose names say W2Sq or
// Pow return the square (or p-th power); the others return W₂ itself where
// they say so.
//
// Which tool to use depends on what is known about the measures:
//
//   - Gaussians with explicit covariances: BuresW2, the
//     Bures–Wasserstein (Fréchet) formula
//     W₂² = |m₁−m₂|² + tr A + tr B − 2 tr (A^{1/2} B A^{1/2})^{1/2},
//     with the optimal map BuresMap and the geodesic McCann, through
//     gonum's symmetric eigendecomposition (small dimensions).
//   - Translation-invariant Gaussian fields: SpectralW2. Both covariances
//     are diagonal in the Fourier basis, so the Bures formula reduces to
//     Σ_k (√C₁(k) − √C₂(k))² over all V modes, with C(k) in the convention
//     of package lattice (⟨φ̃_k φ̃*_k⟩ = V·C(k)), given on the half
//     spectrum with lattice.HalfWeights.
//   - Measures on the line: Wasserstein1D and Wasserstein1DPow, exact for
//     any p ≥ 1, weights and unequal sizes (the monotone coupling is
//     optimal on the line); SortedW2Sq for sorted uniform samples, with no
//     allocation.
//   - Whole ensembles in many dimensions: Sliced, the sliced distance
//     SW₂² = E_θ W₂²(θ#α, θ#β) over directions θ uniform on the unit sphere,
//     estimated by a fixed set of random directions drawn from a seed, or
//     any directions the caller chooses (the Fourier basis gives
//     SW₂² = W₂²/V between translation-invariant Gaussian fields). Each
//     direction costs a projection and a sort.
//   - Point clouds: Sinkhorn, entropic OT
//     OT_ε = min_π ⟨C, π⟩ + ε KL(π ‖ α⊗β) with C_ij = |x_i − y_j|² in the
//     log domain (stable for any ε), with ε-scaling, stopping on the
//     marginal error ‖πᵀ1 − β‖₂ as POT does; SinkhornDivergence, the
//     debiased S_ε = OT_ε(α,β) − ½OT_ε(α,α) − ½OT_ε(β,β), which is ≥ 0,
//     vanishes only for α = β and tends to W₂² as ε → 0 with an O(ε²) gap;
//     its self terms go through SolveSelf, an averaged symmetric update
//     that converges in tens of iterations where alternating updates,
//     which oscillate on symmetric problems, need thousands.
//     EntropicGaussianOT is the closed form of OT_ε between Gaussians
//     (Janati et al. 2020), the reference the solver is tested against.
//   - Exact discrete OT between uniform clouds of equal size n, up to a few
//     thousand points: ExactW2, through SolveAssignment (Jonker–Volgenant
//     shortest augmenting paths), which also returns dual variables that
//     certify optimality.
//
// # Conventions of entropic OT
//
// ε is in units of the cost, here squared distance. It multiplies the
// relative entropy KL(π ‖ α⊗β); POT's reg multiplies −H(π) = Σ π log π
// instead. On the transport polytope the two differ by the constant
// ε(H(α) + H(β)), so the optimal plan — and ⟨C, π⟩ — is the same for
// ε = reg, while the values OT_ε differ by that constant. The potentials
// f, g are in units of the cost: π_ij = α_i β_j exp((f_i + g_j − C_ij)/ε).
// The debiased divergence has no such ambiguity.
//
// Sample estimates have their own bias. Between two empirical measures of n
// points, W₂² overestimates the population value: on the line by
// 2√(ab)·κ_n per pair of Gaussians of variances a, b (κ_n ~ log log n / n),
// in dimension d ≥ 5 like n^{−2/d}. The sliced distance inherits the 1-D
// rate whatever the dimension; S_ε has the parametric rate n^{−1/2} with
// constants that grow as ε shrinks.
//
// # Parallelism and determinism
//
// Sinkhorn splits rows into a fixed number of blocks whose partial sums are
// combined in a fixed order, on a persistent pool of Workers goroutines:
// results are bit-identical for any worker count. Random directions come
// from a seed, so every distance is a deterministic function of its inputs.
//
// # Gradient flows
//
// The free energy of a density ρ of lattice fields (or of points) is
//
//	F(ρ) = E_ρ[S] + β⁻¹ E_ρ[log ρ],
//
// minimised by the Boltzmann law π ∝ exp(−βS), with F(ρ) − F(π) =
// β⁻¹ KL(ρ‖π). In Otto's calculus its W₂ gradient flow with mobility
// 𝕄⁻¹ (a constant positive operator; 𝕄 = 1 is plain W₂) is the
// Fokker–Planck equation ∂_tρ = ∇·(ρ 𝕄⁻¹ ∇ δF/δρ), δF/δρ = S + β⁻¹(log ρ + 1),
// and F decreases at the rate
//
//	−dF/dt = E_ρ ⟨∇δF/δρ, 𝕄⁻¹ ∇δF/δρ⟩   (the energy–dissipation identity).
//
// Its particles obey the Langevin equation of stochastic quantisation,
//
//	dφ = −𝕄⁻¹ ∂S/∂φ dt + √(2/β) 𝕄^{−1/2} dW,
//
// which Langevin integrates for any field.Action, sample by sample and in
// place, reporting the ensemble at snapshot times (Run mirrors erg.Flow.Run;
// each sample draws from rng.New(seed, rng.StageGradFlow, i), so results
// do not depend on the worker count; the steps of at most Step are
// shortened so that they land exactly on the snapshot times, see
// Langevin.Schedule). Methods (ParseMethod): "euler" (Euler–Maruyama,
// invariant law exp(−βS) only as h → 0), "mala" (the same proposal with a
// Metropolis–Hastings test: exact invariant law at any h, acceptance in
// Langevin.Acceptance), and "fourier", "fourier-mala" with the
// momentum-space mobility
//
//	𝕄_k⁻¹ = (4d + M²)/(k̂² + M²),
//
// normalised to 1 at the top of the Brillouin zone. For the free field with
// M² = m² it gives every mode the one relaxation rate 4d + m²: the
// infrared modes, which plain Langevin relaxes at the rate m², catch up
// with the ultraviolet ones, and the Euler stability bound h < 2/(4d + m²)
// is unchanged. This is the per-mode mobility structure of the Polchinski
// flow of package erg (whose forward process is the gradient flow of a
// relative entropy with mobility ½β_kσ_k²).
//
// For the free field every quantity is closed form (GaussianLangevin).
// With λ_k = k̂² + m², G_k = 1/(βλ_k) and Ω_k = 𝕄_k⁻¹λ_k, a centred Gaussian
// start of covariance eigenvalues v_k(0) (⟨|φ̃_k|²⟩ = V·v_k) stays Gaussian
// with
//
//	v_k(t) = G_k + (v_k(0) − G_k) e^{−2Ω_k t},
//	F − F(π) = ½β⁻¹ Σ_k (r_k − 1 − ln r_k),  r = v/G,
//	−dF/dt = Σ_k 𝕄_k⁻¹ λ_k² (v_k − G_k)²/v_k,  W₂² = Σ_k (√v_k − √G_k)²,
//
// sums over all V modes (half spectrum with lattice.HalfWeights, so the
// zero and Nyquist modes count once, complex modes twice). One
// Euler–Maruyama step maps v to (1 − hΩ)²v + 2h𝕄⁻¹/β exactly
// (GaussianLangevin.EulerStep, SchemeVariances), whose fixed point
// G/(1 − hΩ/2) is the scheme's stationary bias; MALA removes it, but its
// transient is slowed by rejections and has no closed form. From an
// ensemble, GaussianLangevin.Estimate gives F − F(π), −dF/dt and W₂² of
// the Gaussian with the sample spectrum, with the χ² bias of ln v̂, √v̂ and
// 1/v̂ removed (the plug-in values overshoot by about β⁻¹/(2N) per mode,
// which near equilibrium is the whole signal). For any action,
// Langevin.EstimateDissipation estimates E|𝕄^{−1/2}(∇S + β⁻¹∇log ρ)|² with
// the score of the ensemble's Gaussian part, and Langevin.GaussianFreeEnergy
// bounds F from below by E[S] − β⁻¹H(Gaussian part).
//
// JKO1D is the deterministic Jordan–Kinderlehrer–Otto scheme on the line
// for F = ∫Vρ + β⁻¹∫ρ log ρ (or the porous-medium energy β⁻¹∫ρ^m/(m−1)):
// each step minimises F(ρ) + W₂²(ρ, ρ_n)/(2τ). It is discretised in
// Lagrangian (mass) coordinates: the grid points bound cells of equal mass,
// where W₂² is an exact positive definite quadratic form and the entropy
// an exact sum of −log cell widths, so the step is a convex problem
// (strictly, if τ·max(−V″) < 1) with a tridiagonal Hessian, solved by damped
// Newton. The scheme is first order in τ; its tests use the exact fact that
// scaled copies of the discrete equilibrium stay scaled copies, with the
// Gaussian (or Barenblatt) JKO recursion as the scale.
//
// EntropicJKO2D is the 2-D scheme on a regular grid, in Peyré's entropic
// form: the W₂² of each step is replaced by the entropic plan cost
// ⟨C, π⟩ + ε Σ π log π and the step solved by alternating KL projections
// with the separable Gibbs kernel. The regularisation is not small print:
// it is the KL-regularised OT_ε of the distance functions plus an extra
// entropy ε/(2τ)·∫ρ log ρ, so the scheme follows the Fokker–Planck flow
// only for ε ≪ τ/β. Its test is exact all the same: product Gaussians
// stay product Gaussians, and each step's variances must match the
// minimiser built on the closed form EntropicGaussianOT.
//
// Diagnostics: EnergyDissipation checks F(t_i) − F(t_{i+1}) = ∫D dt on a
// recorded flow (trapezoidal, so the residual of an exact flow falls as
// Δt²); KineticAction is the Benamou–Brenier action Σ_i W₂²(ρ_i, ρ_{i+1})/Δs
// of a discrete path, an upper bound on W₂²(ρ₀, ρ_n)/(s_n − s₀) with
// equality on constant-speed geodesics such as McCann's interpolation
// between Gaussians; SpectralKineticAction is its form for translation-
// invariant Gaussian fields.
package wgrad
