// Copyright ©2026 The rgflow Authors. All rights reserved.

// Command lpa computes the Wilson–Fisher fixed point of the Polchinski
// exact RG in the local potential approximation (LPA), its scaling
// exponents, the fixed-point potential and eigenfunctions, and the
// time-dependent LPA flow from a bare φ⁴ potential on both sides of
// criticality, into one HDF5 file and PNG plots.
//
// Usage:
//
//	lpa [flags]
//
// With no flags it solves d = 3 for N = 1 (Ising), writes the exponents
// table for N = 1, 2, 3, 4 and results/lpa.h5 in about half a minute on
// two cores; --quick runs every stage in a second or two; --preset large-n
// extends the table toward N → ∞. Every configuration key can be set in a
// YAML/TOML file (--config), the environment (RGFLOW_LPA_D=3.5) or with
// --set key=value; --help lists them. The layout of the file is the "lpa"
// section of docs/hdf5-schema.md.
//
// The run is a few seconds of deterministic numerics with no random
// numbers: after SIGINT, SIGTERM or SIGUSR1 (exit 3) the same command with
// --resume recomputes it and completes the file.
package main

import (
	"context"
	"os"

	"rgflow/internal/cli"
)

func main() {
	os.Exit(cli.Main(context.Background(), os.Args[1:], os.Stdout, os.Stderr, experiment()))
}

const doc = `The dimensionless Polchinski LPA for the O(N) potential v(r), r = |φ|,
t toward the infrared and η = 0 (docs/design.md, "The local potential
approximation"):

  ∂_t v = d·v − ((d−2)/2)·r v′ + v″ + (N−1) v′/r − (v′)².

The run (1) finds the Wilson–Fisher fixed point v* for every N of
lpa.n_list by two-sided shooting (package erg) and linearises around it: the
even eigenvalues λ₁ = 1/ν > 0 > λ₂ = −ω > λ₃ = −ω₂ … and, for N = 1, the
odd ones, two of which are exact ((d+2)/2: the magnetic field; (d−2)/2:
the redundant field shift); (2) compares the table with the published
high-accuracy LPA values where they exist (d = 3, N = 1: Bervillier,
Jüttner and Litim 2007) and with exact values; (3) samples v*, v*′ and the
leading eigenfunctions for N = lpa.n; (4) flows the bare potential
v₀ = aφ²/2 + gφ⁴/4 (flow.*): bisects the critical a_c, then follows a_c ± δ,
which approach v* along the irrelevant direction (rate ω) and leave it along
the relevant one (rate 1/ν) toward the symmetric and the broken phase;
(5) writes /lpa of the HDF5 file and PNG plots, and prints the table.`
