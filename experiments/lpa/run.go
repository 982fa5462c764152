// Copyright ©2026 The rgflow Authors. All rights reserved.

package main

import (
	"context"
	"fmt"
	"slices"
	"time"

	"rgflow/erg/lpa"
	"rgflow/internal/cli"
	"rgflow/internal/h5io"
)

// row is one line of the exponents table.
type row struct {
	N       int
	Ex      lpa.Exponents
	FP      *lpa.FixedPoint
	Seconds float64
}

// reference is a published or exact value a computed one is compared with.
type reference struct {
	name, label string // dataset name, printed label
	value       float64
	kind        string // "published" or "exact"
	source      string
	got         float64
}

// Published LPA values in d = 3, N = 1 (the Wilson–Polchinski LPA, equal to
// the optimised Wetterich LPA): C. Bervillier, A. Jüttner and D. F. Litim,
// Nucl. Phys. B 783 (2007) 213, arXiv:hep-th/0701172, as cited and
// reproduced to 5·10⁻¹² by package lpa's TestLPAIsingThreeDimensions.
const bjl = "Bervillier, Jüttner, Litim, Nucl. Phys. B 783 (2007) 213 (as cited in the tests of package erg/lpa)"

func references(d float64, r row) []reference {
	var out []reference
	if d == 3 && r.N == 1 {
		out = append(out,
			reference{"nu", "ν", 0.64956177388065, "published", bjl, r.Ex.Nu},
			reference{"omega", "ω", 0.65574593919335, "published", bjl, r.Ex.Omega},
			reference{"omega2", "ω₂", 3.1800065120592, "published", bjl, r.Ex.Omega2})
		if len(r.Ex.Odd) >= 3 {
			out = append(out, reference{"omega5", "ω₅ (odd)", 1.8867038380914, "published", bjl, -r.Ex.Odd[2]})
		}
	}
	if r.N == 1 && len(r.Ex.Odd) >= 2 {
		out = append(out,
			reference{"lambda_magnetic", "λ magnetic", (d + 2) / 2, "exact", "(d+2)/2: δv = φ − v*′, the magnetic field (η = 0)", r.Ex.Odd[0]},
			reference{"lambda_redundant", "λ redundant", (d - 2) / 2, "exact", "(d−2)/2: δv = v*′, the redundant field shift", r.Ex.Odd[1]})
	}
	return out
}

// nList returns the table's N values: lpa.n_list with lpa.n added, sorted,
// without repeats.
func nList(cfg Config) []int {
	ns := slices.Clone(cfg.LPA.NList)
	if !slices.Contains(ns, cfg.LPA.N) {
		ns = append(ns, cfg.LPA.N)
	}
	slices.Sort(ns)
	return slices.Compact(ns)
}

func solve(cfg Config, n int) (row, error) {
	l, err := lpa.New(cfg.LPA.D, n)
	if err != nil {
		return row{}, err
	}
	l.Step = cfg.LPA.Step
	t0 := time.Now()
	var ex lpa.Exponents
	var fp *lpa.FixedPoint
	if cfg.LPA.Richardson {
		ex, fp, err = l.CriticalExponents(cfg.LPA.LMin)
	} else {
		fp, err = l.WilsonFisher()
		if err == nil {
			ex, err = fp.Exponents(cfg.LPA.LMin)
		}
	}
	if err != nil {
		return row{}, fmt.Errorf("N = %d: %w", n, err)
	}
	return row{N: n, Ex: ex, FP: fp, Seconds: time.Since(t0).Seconds()}, nil
}

func runLPA(ctx context.Context, r *cli.Run, cfg Config) error {
	f := r.File
	ns := nList(cfg)
	// A resumed run recomputes everything: the whole run is seconds of
	// deterministic numerics, and h5io overwrites datasets in place.
	if err := f.CreateGroup("/lpa", map[string]any{
		"equation":    "∂_t v = d v − ((d−2)/2) r v′ + v″ + (N−1) v′/r − (v′)², r = |φ|, t toward the infrared, η = 0",
		"description": "Polchinski LPA: Wilson–Fisher fixed point, its spectrum, potential, eigenfunctions and flows from bare φ⁴",
	}); err != nil {
		return err
	}
	if err := setAttrs(f, "/lpa", map[string]any{"d": cfg.LPA.D, "n": cfg.LPA.N, "lmin": cfg.LPA.LMin,
		"step": effectiveStep(cfg), "richardson": cfg.LPA.Richardson}); err != nil {
		return err
	}

	// Stage 1: the exponents table.
	prog := r.Progress("fixed points", int64(len(ns)), "N")
	var rows []row
	var main row
	for k, n := range ns {
		rw, err := solve(cfg, n)
		if err != nil {
			return err
		}
		rows = append(rows, rw)
		if n == cfg.LPA.N {
			main = rw
		}
		prog.Add(1)
		r.Log.Info("fixed point", "N", n, "gamma", rw.FP.Gamma, "nu", rw.Ex.Nu, "omega", rw.Ex.Omega, "omega2", rw.Ex.Omega2, "seconds", rw.Seconds)
		if err := r.SafePoint(ctx, func() h5io.Checkpoint { return h5io.Checkpoint{Step: int64(k + 1)} }); err != nil {
			return err
		}
	}
	prog.Done()
	if err := writeExponents(f, cfg, rows); err != nil {
		return err
	}
	refs := references(cfg.LPA.D, main)
	if err := writeReferences(f, refs); err != nil {
		return err
	}

	// Stage 2: the fixed point's potential and eigenfunctions.
	prof, err := profile(cfg, main)
	if err != nil {
		return err
	}
	if err := writeProfile(f, main, prof); err != nil {
		return err
	}
	if err := r.SafePoint(ctx, func() h5io.Checkpoint { return h5io.Checkpoint{Step: int64(len(ns) + 1)} }); err != nil {
		return err
	}

	// Stage 3: flows from bare φ⁴ on both sides of criticality.
	var fl *flows
	if cfg.Flow.Enabled {
		fl, err = runFlows(ctx, r, cfg, main)
		if err != nil {
			return err
		}
		if err := writeFlows(f, cfg, fl); err != nil {
			return err
		}
	}
	if r.Plots {
		if err := plots(r, cfg, rows, main, prof, fl); err != nil {
			return err
		}
	}
	printSummary(r, cfg, rows, refs, fl)
	return nil
}

func effectiveStep(cfg Config) float64 {
	if cfg.LPA.Step > 0 {
		return cfg.LPA.Step
	}
	return 1.0 / 256
}

// profileData holds the sampled fixed point and eigenfunctions.
type profileData struct {
	R, V, F          []float64
	EvenLam, OddLam  []float64
	EvenDV, EvenDF   [][]float64
	OddDV, OddDF     [][]float64
	RMax, VAtOrigin  float64
	EigenfunctionMax int
}

func profile(cfg Config, m row) (*profileData, error) {
	fp := m.FP
	rmax := cfg.Profile.RMax
	if rmax == 0 {
		rmax = fp.RMatch + 2
	}
	if rmax > fp.RInf {
		return nil, fmt.Errorf("invalid setting: profile.r_max = %v: beyond the shooting's outer radius %v", rmax, fp.RInf)
	}
	p := &profileData{RMax: rmax}
	n := cfg.Profile.Points
	p.R = make([]float64, n)
	for i := range p.R {
		p.R[i] = rmax * float64(i) / float64(n-1)
	}
	p.V, p.F = fp.Profile(p.R)
	k := min(cfg.Profile.Eigenfunctions, len(m.Ex.Even))
	p.EvenLam = m.Ex.Even[:k]
	for _, lam := range p.EvenLam {
		dv, df := fp.Eigenfunction(lpa.Even, lam, p.R)
		p.EvenDV, p.EvenDF = append(p.EvenDV, dv), append(p.EvenDF, df)
	}
	if m.N == 1 {
		p.OddLam = m.Ex.Odd
		for _, lam := range p.OddLam {
			dv, df := fp.Eigenfunction(lpa.Odd, lam, p.R)
			p.OddDV, p.OddDF = append(p.OddDV, dv), append(p.OddDF, df)
		}
	}
	return p, nil
}
