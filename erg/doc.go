// Copyright ©2026 The rgflow Authors. All rights reserved.

// Package erg implements the exact renormalization group of lattice scalar
// fields: regulators, the Polchinski flow of samples, its monotones and
// block-spin coarse graining. The local potential approximation of the
// same flow is package erg/lpa.
//
// # The Polchinski flow as a per-mode diffusion
//
// With a regulator K (K(0) = 1, K(∞) = 0), scale Λ_t = Λ₀e^{−t} and
// regulated propagator C_t(k) = K(k̂²/Λ_t²)/(k̂² + m₀²), integrating out the
// modes between Λ₀ and Λ_t maps a sample φ₀ to
//
//	φ_t(k) = s φ₀(k) + √(C_t(k)(1 − s)) ξ_k,   s = C_t(k)/C₀(k),
//
// exactly, whatever the bare interaction. In the variables x_t = φ_t/√s it
// is the variance-preserving diffusion
//
//	x_t(k) = √ᾱ_t(k) x₀(k) + √(1 − ᾱ_t(k)) σ(k) ξ_k,  ᾱ_t = s,  σ² = C₀,
//
// which is the one type Process: a basis (Fourier for periodic lattices,
// DCT-II for open boundaries), mode energies, a reference spectrum σ²(k)
// (the Gaussian fixed point) and a per-mode Schedule ᾱ_t(ε). DDPM and FDDM
// are Processes with other schedules.
//
// # Normalisation
//
// Mode coefficients are the unnormalised transforms of the lattice package,
// so a mode with covariance eigenvalue C has ⟨|x̃_k|²⟩ = Norm_k·C (Norm = V
// for the Fourier basis). Spectra passed to and returned by Process are
// covariance eigenvalues.
//
// # Random numbers of a flow
//
// Flow.Run draws sample i's noise from its own rng.Normals, keyed by
// rng.Derive(seed, rng.StageFlow, i): a ziggurat over interleaved
// xoshiro256++ lanes, exact for the normal law (its outputs are quantised
// only by the 52 bits of their uniforms). Each snapshot takes one buffer
// of normals in a fixed order: two per stored mode for the Fourier basis
// (real and imaginary parts, used or not), one per mode for the DCT. The
// outputs are therefore a function of (seed, sample, snapshot times,
// lattice, process) alone, whatever the number of workers, and the same
// with and without the generator's assembly kernels (which, with
// AVX-512, fuse the Fourier update x ← a·x + b·ξ with the draw).
//
// # Block-spin coarse graining
//
// Blocker maps a field on a lattice of even extents to the lattice of half
// the extents (scale factor b = 2) in two ways: Kadanoff's block average
// (Block) and the momentum-shell projection (Project: keep |k_μ| < π/2,
// subsample). Both rescale the field by ζ = 2^{(d−2)/2}, its engineering
// dimension at the Gaussian fixed point, so the long-distance massless
// propagator 1/K² is unchanged while a mass doubles (χ′ = χ/4 exactly).
// BlockedSpectrum and ProjectedSpectrum give the coarse spectra of a
// translation-invariant field in closed form. Coarsen, Pairs and Pyramid
// turn an ensemble into (coarse, fine) pairs and multi-scale hierarchies.
// Odd extents are errors, not silently truncated blocks.
package erg
