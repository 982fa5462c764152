// Copyright ©2026 The rgflow Authors. All rights reserved.

// Package field provides lattice scalar field theories: actions, samplers,
// observables and the statistics that put honest error bars on them.
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
// 1/HoppingScale to quote hopping-form observables.
//
// Force returns −∂S/∂ϕ, the drift of Langevin and HMC dynamics.
//
// # Sampling
//
// GaussianSampler draws exact independent samples of any translation-invariant
// Gaussian field through the FFT (the lattice package's convention:
// ⟨|φ̃_k|²⟩ = V·C(k)).
package field
