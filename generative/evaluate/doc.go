// Copyright ©2026 The rgflow Authors. All rights reserved.

// Package evaluate compares generated ensembles with a reference: the
// statistics, null yardsticks and pass/fail verdict every experiment uses
// to judge a generated ensemble, whatever produced it, and the denoising
// error of scores on held-out data.
//
// # Compare
//
// Compare measures, with field's observables and Γ-method errors
// (reference Markov chains split into Sample.Chains replicas): the shell
// spectrum ratio G_gen/G_ref and its χ²; z-scores of M, |M|, χ, χ_conn, U₄
// and the action density; the M histogram (two-sample χ², counts' variance
// inflated by 2τ_int) and ⟨sign M⟩ for the ± symmetry; W₂ between the
// Gaussian parts (Σ_k(√G_ref − √G_gen)²), exact 1-D W₂ on M and on the
// action density, sliced W₂ on whole fields; and KL of the Gaussian parts.
// The distances are those of package wgrad.
//
// Distances carry null yardsticks: the same statistic between random
// halves of the reference (whole blocks, so that autocorrelation is kept),
// rescaled to the compared sizes. A distance near its yardstick is what
// sampling noise alone gives.
//
// # Verdict
//
// The Verdict lists every named check with its value and threshold
// (Thresholds: χ² at 99.9%, |z| ≤ 4, distances ≤ 3× null); with about
// fifteen checks at per-check false-failure rates near 10⁻³ a correct
// ensemble fails now and then — read the checks, not just Pass. The checks
// that pool many modes are the sharp ones: at N = 1000 on 8×8 a variance
// ×1.21 fails the spectrum, action-density, spectral- and action-W₂ and KL
// checks decisively, while χ (one real mode) moves only about 3σ
// (TestCompareMisScaled).
//
// # Denoising error
//
// DenoiseMSE measures a DenoiseCurve: the denoising error against t of
// several scores of a generative.Process on held-out data, with common
// random numbers (the same x₀ and noise for every score), so that the
// difference between, say, the exact Gaussian score and a learned one is
// sharp. Attached to a CompareConfig, it adds a check per score: no worse
// than the first.
//
// # Differences at given |M|
//
// SplitGivenAbsM splits the action-density difference of a generated
// ensemble from the reference into what the ensemble gets wrong at given
// |M| and what its law of |M| contributes; DiffZ and RatioZ are the
// z-scores of such differences.
package evaluate
