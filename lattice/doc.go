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
// weighted sums over the half spectrum. FFT.Inverse of a half spectrum that
// is not exactly Hermitian (noise drawn mode by mode, say) returns the real
// part of the inverse of the full spectrum built from the stored entries and
// the conjugates of their mirrors: the imaginary parts of self-conjugate
// entries are ignored, and the two stored members of a conjugate pair in the
// n_d = 0 (or L_d/2) plane are averaged as (φ̃_k + conj φ̃_{−k})/2.
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
// destination-first: dst is returned, and allocated only when nil; with dst
// given, Forward and Inverse allocate nothing. A plan holds scratch space, so
// one goroutine uses one plan; Clone makes another cheaply (the twiddle
// tables are shared, immutable). BatchFFT transforms batches of fields on a
// persistent pool of goroutines, one plan each. Shape mismatches are
// programmer errors and panic with a "lattice:" prefix.
//
// # How the transforms are computed
//
// Every transform is a sequence of one-dimensional complex FFTs along the
// axes, done as mixed-radix Stockham autosort passes (radices 8, 4, 2, 3, 5,
// direct odd radices up to 41, Bluestein's algorithm beyond) in
// internal/fftcore. Along a non-last axis each butterfly combines whole
// contiguous rows of the array, so the inner loops are long and need no
// gather; the last axis is done a group of rows per kernel call. A real
// field of even last extent L_d is read as L_d/2 complex pairs
// x_{2j} + i x_{2j+1} and untangled after a half-length transform; odd L_d
// packs two rows into one complex row. The DCT-II reorders each axis as
// (x₀, x₂, x₄, …, x₃, x₁) (Makhoul), takes one real FFT and applies the
// twiddles e^{−iπn/(2L)} axis by axis. On amd64 with AVX2 and FMA the
// radix-2/3/4/5/8 passes and the untangling of real rows run in assembly;
// the build tag noasm (or another architecture) selects the portable Go
// kernels, which the tests check against each other. Results agree with FFTW and numpy to about 1e-16
// relative to the largest coefficient (make bench-fft prints the check).
package lattice
