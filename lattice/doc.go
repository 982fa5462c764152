// Copyright ©2026 The rgflow Authors. All rights reserved.

// Package lattice provides the geometry of d-dimensional periodic hypercubic
// lattices and the transforms that diagonalise their free actions.
//
// # Geometry
//
// A Lattice is Λ = Z_{L₁}×…×Z_{L_d} with unit spacing, for any d ≥ 1 and any
// extents L_μ ≥ 1 (odd and prime extents included). Sites are numbered
// row-major with the last axis fastest:
//
//	i = ((x₁·L₂ + x₂)·L₃ + x₃)…
//
// Neighbour tables give i±μ̂ with periodic wrap-around.
//
// # Momenta
//
// Plane waves e^{ik·x} have momenta k_μ = 2πn_μ/L_μ, n_μ = 0…L_μ−1 (folded
// into (−π, π] where a signed momentum is asked for). The nearest-neighbour
// lattice Laplacian has the dispersion
//
//	k̂² = Σ_μ 4 sin²(k_μ/2),
//
// so the free propagator is C(k) = 1/(k̂² + m²).
//
// # Fourier convention
//
// The forward transform is unnormalised, φ̃_k = Σ_x e^{−ik·x} φ_x; the inverse
// carries 1/V, φ_x = V⁻¹ Σ_k e^{ik·x} φ̃_k. With this convention a
// translation-invariant Gaussian field with covariance operator C has
// ⟨|φ̃_k|²⟩ = V·C(k), and Parseval reads Σ_x φ_x² = V⁻¹ Σ_k |φ̃_k|².
//
// Real fields are transformed by FFT to the half spectrum of shape HalfDims:
// the last axis keeps n_d = 0…⌊L_d/2⌋ and the rest follow from
// φ̃_{−k} = conj(φ̃_k). HalfWeights gives how many full-spectrum modes each
// stored entry stands for (1 or 2), so that sums over all modes become
// weighted sums over the half spectrum.
//
// # Open boundaries
//
// For open (reflecting) boundaries the DCT-II plays the role of the Fourier
// transform: cos(πn_μ(x_μ+½)/L_μ) are the eigenvectors of the Neumann
// Laplacian with eigenvalues DCTKHat2. DCT.Forward is the unnormalised
// textbook sum and DCT.Inverse its exact inverse.
//
// # Momentum shells
//
// Shells bins modes by |k̂| to average isotropic spectra; the zero mode is a
// shell of its own.
//
// # Plans and concurrency
//
// Transform plans (FFT, CmplxFFT, DCT) are built once and reused. Methods are
// destination-first: dst is returned, and allocated only when nil. A plan
// holds scratch space, so one goroutine uses one plan; Clone makes another.
// Shape mismatches are programmer errors and panic with a "lattice:" prefix.
package lattice
