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
//     vanishes only for α = β and tends to W₂² as ε → 0 with an O(ε²) gap.
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
package wgrad
