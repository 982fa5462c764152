// Copyright ©2026 The rgflow Authors. All rights reserved.

// Package lpa solves the local potential approximation (LPA) of the
// Wilson–Polchinski exact renormalization group for an O(N)-symmetric
// scalar in d dimensions: its Wilson–Fisher fixed point, the critical
// exponents and eigenfunctions of the linearised flow around it, and the
// time-dependent flow of a bare potential.
//
// The flow is that of the dimensionless potential v(r), r = |φ|, with
// η = 0,
//
//	∂_t v = d·v − ((d−2)/2) r v′ + v″ + (N−1) v′/r − (v′)²,
//
// which the Legendre transform maps onto the LPA of the Wetterich equation
// with the optimised (Litim) regulator, so the exponents are those of both.
//
// LPA holds (d, N). LPA.WilsonFisher finds the fixed point by two-sided
// shooting (FixedPoint), FixedPoint.Eigenvalues and FixedPoint.Exponents
// linearise around it in the Z₂/O(N)-even and (for N = 1) odd sectors,
// LPA.CriticalExponents removes the integration error by Richardson
// extrapolation, and FixedPoint.Profile and FixedPoint.Eigenfunction
// sample v*, f* = v*′ and the eigenperturbations. PotentialFlow integrates
// ∂_t f = F[f] on a radial grid from a given bare potential, which shows
// the fixed point as the attractor of the critical surface.
//
// The package is independent of the Polchinski flow of lattice samples in
// package erg; it shares its subject, not its code.
package lpa
