// Copyright ©2026 The rgflow Authors. All rights reserved.

package main

import (
	"context"
	"fmt"
	"math"

	"rgflow/erg/lpa"
	"rgflow/internal/cli"
	"rgflow/internal/h5io"
)

// Phases of a flow, decided by the curvature κ = v″(0) = f′(0): the
// symmetric phase runs to the infinitely massive fixed point v = r²/2
// (κ → 1; decided at κ > 0.9), the broken one has its minimum run off to
// large field (κ → −∞; decided at κ < −10). These are the thresholds of
// package lpa's TestPotentialFlowCriticality.
const (
	phaseSymmetric = 1
	phaseBroken    = -1
	kappaSym       = 0.9
	kappaBroken    = -10
	// phaseHorizon is the RG time a bisection flow may take to decide:
	// a flow at distance ε from a_c leaves the fixed point after
	// ln(1/ε)/λ₁ (≈ 18 for ε = 10⁻¹², λ₁ = 1.54).
	phaseHorizon = 80
)

// track is one recorded flow.
type track struct {
	Name    string
	A       float64
	T       []float64
	F       [][]float64 // f = v′ on the grid, per time
	Kappa   []float64   // v″(0)
	Dist    []float64   // max |f − f*| over r ≤ r_compare
	Phase   int         // phaseSymmetric, phaseBroken, 0 undecided at the end
	Stopped string      // why the flow ended
}

type flows struct {
	R       []float64
	FStar   []float64 // the fixed point on the flow grid (NaN beyond its outer radius)
	AC      float64
	Bisects int
	Tracks  []*track // symmetric (a_c + δ), broken (a_c − δ), critical (a_c)
	// DepartureRate is the fitted growth rate of max_r |f_sym − f_brk|,
	// to be compared with λ₁ = 1/ν.
	DepartureRate float64
	// ApproachRate is the fitted decay rate of the critical flow's
	// curvature increments, to be compared with ω.
	ApproachRate float64
	Lambda1      float64
	Omega        float64
}

// curvature returns f′(0) from the odd expansion f = κr + cr³ + …:
// (8f₁ − f₂)/(6Δ) cancels the r³ term.
func curvature(f []float64, dr float64) float64 { return (8*f[1] - f[2]) / (6 * dr) }

func decide(kappa float64) int {
	switch {
	case kappa > kappaSym:
		return phaseSymmetric
	case kappa < kappaBroken:
		return phaseBroken
	}
	return 0
}

func newFlow(cfg Config, l lpa.LPA, a float64) (*lpa.PotentialFlow, error) {
	g := cfg.Flow.G
	return l.NewPotentialFlow(func(r float64) float64 { return a*r + g*r*r*r }, cfg.Flow.R, cfg.Flow.Intervals)
}

// phase flows v₀ = aφ²/2 + gφ⁴/4 until its phase is decided.
func phase(cfg Config, l lpa.LPA, a float64) (int, error) {
	pf, err := newFlow(cfg, l, a)
	if err != nil {
		return 0, err
	}
	dr := pf.Radii()[1]
	side := 0
	err = pf.Advance(phaseHorizon, 0.05, func(_ float64, f []float64) bool {
		side = decide(curvature(f, dr))
		return side == 0
	})
	if err != nil && side == 0 {
		return 0, fmt.Errorf("flow of a = %v: %w", a, err)
	}
	if side == 0 {
		return 0, fmt.Errorf("flow of a = %v: phase undecided after t = %v", a, phaseHorizon)
	}
	return side, nil
}

// critical brackets and bisects the critical bare mass a_c.
func critical(ctx context.Context, cfg Config, l lpa.LPA) (ac float64, n int, err error) {
	lo, hi := -1.0, 0.0
	for k := 0; ; k++ {
		s, err := phase(cfg, l, hi)
		if err != nil {
			return 0, 0, err
		}
		if s == phaseSymmetric {
			break
		}
		if k == 10 {
			return 0, 0, fmt.Errorf("no symmetric phase found up to a = %v", hi)
		}
		lo, hi = hi, hi+math.Pow(2, float64(k))
	}
	for k := 0; ; k++ {
		s, err := phase(cfg, l, lo)
		if err != nil {
			return 0, 0, err
		}
		if s == phaseBroken {
			break
		}
		if k == 10 {
			return 0, 0, fmt.Errorf("no broken phase found down to a = %v", lo)
		}
		hi, lo = lo, lo-math.Pow(2, float64(k))
	}
	for hi-lo > cfg.Flow.Tol {
		if err := ctx.Err(); err != nil {
			return 0, n, err
		}
		mid := 0.5 * (lo + hi)
		s, err := phase(cfg, l, mid)
		if err != nil {
			return 0, n, err
		}
		if s == phaseSymmetric {
			hi = mid
		} else {
			lo = mid
		}
		n++
	}
	return 0.5 * (lo + hi), n, nil
}

func runFlows(ctx context.Context, r *cli.Run, cfg Config, m row) (*flows, error) {
	l := m.FP.LPA
	l.Step = 0
	ac, nb, err := critical(ctx, cfg, l)
	if err != nil {
		return nil, fmt.Errorf("flow: critical bare mass: %w", err)
	}
	r.Log.Info("critical bare mass", "a_c", ac, "g", cfg.Flow.G, "bisections", nb)
	out := &flows{AC: ac, Bisects: nb, Lambda1: m.Ex.Even[0], Omega: m.Ex.Omega}
	var rc []float64
	prog := r.Progress("flows", 3, "flows")
	for _, side := range []struct {
		name string
		a    float64
	}{{"symmetric", ac + cfg.Flow.Delta}, {"broken", ac - cfg.Flow.Delta}, {"critical", ac}} {
		pf, err := newFlow(cfg, l, side.a)
		if err != nil {
			return nil, err
		}
		if out.R == nil {
			out.R = append([]float64(nil), pf.Radii()...)
			_, out.FStar = m.FP.Profile(out.R)
			for _, x := range out.R {
				if x <= cfg.Flow.RCompare {
					rc = append(rc, x)
				}
			}
		}
		dr := out.R[1]
		tr := &track{Name: side.name, A: side.a, Stopped: fmt.Sprintf("reached t_max = %v", cfg.Flow.TMax)}
		record := func(t float64, f []float64) {
			tr.T = append(tr.T, t)
			tr.F = append(tr.F, append([]float64(nil), f...))
			tr.Kappa = append(tr.Kappa, curvature(f, dr))
			d := 0.0
			for i := range rc {
				d = math.Max(d, math.Abs(f[i]-out.FStar[i]))
			}
			tr.Dist = append(tr.Dist, d)
		}
		record(0, pf.F)
		err = pf.Advance(cfg.Flow.TMax, cfg.Flow.Every, func(t float64, f []float64) bool {
			record(t, f)
			if p := decide(tr.Kappa[len(tr.Kappa)-1]); p != 0 {
				tr.Phase = p
				tr.Stopped = fmt.Sprintf("phase decided at t = %.4g", t)
				return false
			}
			return ctx.Err() == nil
		})
		if err != nil {
			// The broken phase's minimum runs off the grid: keep what was
			// recorded and say why it ended.
			tr.Stopped = err.Error()
		}
		if err := ctx.Err(); err != nil {
			return nil, r.SafePoint(ctx, func() h5io.Checkpoint { return h5io.Checkpoint{} })
		}
		out.Tracks = append(out.Tracks, tr)
		prog.Add(1)
	}
	prog.Done()
	out.DepartureRate = departure(out.Tracks[0], out.Tracks[1], len(rc))
	out.ApproachRate = approach(out.Tracks[2])
	return out, nil
}

// departure fits the growth rate of D(t) = max |f_sym − f_brk| over
// r ≤ r_compare while it is linear in δ and the irrelevant transients have
// died: from 20 D(0) (three e-folds of growth) to 10⁻².
func departure(sym, brk *track, nr int) float64 {
	var ts, ys []float64
	d0 := 0.0
	for k := 0; k < min(len(sym.T), len(brk.T)); k++ {
		d := 0.0
		for i := range nr {
			d = math.Max(d, math.Abs(sym.F[k][i]-brk.F[k][i]))
		}
		if k == 0 {
			d0 = d
		}
		if d >= 20*d0 && d <= 1e-2 {
			ts, ys = append(ts, sym.T[k]), append(ys, math.Log(d))
		}
	}
	return slope(ts, ys)
}

// approach fits the decay rate of the critical flow toward the fixed
// point from its curvature increments |κ(t) − κ(t+½)| (which cancel the
// grid's O(Δ²) offset of the fixed point). The window starts where they
// fall below 10⁻³ (the nonlinear part of the approach, relatively of the
// size of the increment itself, is then below 10⁻³) and covers the first
// half of the way to their minimum, after which the bisection's relevant
// remainder (growing like tol·e^{λ₁t}) takes over.
func approach(c *track) float64 {
	lag := 0
	for lag < len(c.T)-1 && c.T[lag] < 0.5 {
		lag++
	}
	var inc []float64
	for k := 0; k+lag < len(c.T); k++ {
		inc = append(inc, math.Abs(c.Kappa[k]-c.Kappa[k+lag]))
	}
	if len(inc) < 3 {
		return math.NaN()
	}
	kmin := 0
	for k, v := range inc {
		if v < inc[kmin] {
			kmin = k
		}
	}
	k1 := 0
	for k1 < kmin && inc[k1] > 1e-3 {
		k1++
	}
	t2 := c.T[k1] + (c.T[kmin]-c.T[k1])/2
	var ts, ys []float64
	for k := k1; k <= kmin && c.T[k] <= t2; k++ {
		ts, ys = append(ts, c.T[k]), append(ys, math.Log(inc[k]))
	}
	return -slope(ts, ys)
}

// slope returns the least-squares slope of y against x (NaN for fewer
// than 3 points).
func slope(x, y []float64) float64 {
	if len(x) < 3 {
		return math.NaN()
	}
	var sx, sy, sxx, sxy float64
	n := float64(len(x))
	for i := range x {
		sx += x[i]
		sy += y[i]
		sxx += x[i] * x[i]
		sxy += x[i] * y[i]
	}
	return (n*sxy - sx*sy) / (n*sxx - sx*sx)
}
