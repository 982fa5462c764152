// Copyright ©2026 The rgflow Authors. All rights reserved.

package main

import (
	"fmt"
	"math"
	"strings"
	"text/tabwriter"

	"rgflow/internal/cli"
)

func plots(r *cli.Run, cfg Config, rows []row, m row, p *profileData, fl *flows) error {
	title := fmt.Sprintf("LPA Wilson–Fisher fixed point, d = %g, N = %d", cfg.LPA.D, m.N)
	figs := map[string]cli.LinePlot{
		"potential": {Title: title, XLabel: "r = |φ| (dimensionless)", YLabel: "v*, v*′ (dimensionless)", Series: []cli.Series{
			{Name: "v*(r)", X: p.R, Y: p.V}, {Name: "f* = v*′(r)", X: p.R, Y: p.F}}},
	}
	eig := cli.LinePlot{Title: "eigenperturbations δv (scaled to max |δv| = 1)", XLabel: "r = |φ| (dimensionless)", YLabel: "δv / max|δv| (dimensionless)"}
	add := func(sec string, lam []float64, dv [][]float64) {
		for i, l := range lam {
			mx := 0.0
			for _, v := range dv[i] {
				mx = math.Max(mx, math.Abs(v))
			}
			y := make([]float64, len(dv[i]))
			for k, v := range dv[i] {
				y[k] = v / mx
			}
			eig.Series = append(eig.Series, cli.Series{Name: fmt.Sprintf("%s λ = %.4f", sec, l), X: p.R, Y: y})
		}
	}
	add("even", p.EvenLam, p.EvenDV)
	add("odd", p.OddLam, p.OddDV)
	figs["eigenfunctions"] = eig
	if len(rows) > 1 {
		var ns, nu, om []float64
		for _, rw := range rows {
			ns = append(ns, float64(rw.N))
			nu = append(nu, rw.Ex.Nu)
			om = append(om, rw.Ex.Omega)
		}
		lim := func(v float64) []float64 { return []float64{v, v} }
		ends := []float64{ns[0], ns[len(ns)-1]}
		figs["exponents"] = cli.LinePlot{Title: fmt.Sprintf("LPA exponents, d = %g", cfg.LPA.D), XLabel: "N (components)", YLabel: "exponent (dimensionless)", LogX: true,
			Series: []cli.Series{
				{Name: "ν", X: ns, Y: nu, Points: true}, {Name: "ω", X: ns, Y: om, Points: true},
				{Name: "ν(N→∞) = 1/(d−2)", X: ends, Y: lim(1 / (cfg.LPA.D - 2))}, {Name: "ω(N→∞) = 4−d", X: ends, Y: lim(4 - cfg.LPA.D)},
			}}
	}
	if fl != nil {
		curv := cli.LinePlot{Title: fmt.Sprintf("v″(0) along the flow from aφ²/2 + %gφ⁴/4, a_c = %.10f", cfg.Flow.G, fl.AC), XLabel: "RG time t (dimensionless)", YLabel: "v″(0) (dimensionless)"}
		dist := cli.LinePlot{Title: "distance to the fixed point", XLabel: "RG time t (dimensionless)", YLabel: "max |f − f*|, r ≤ r_compare (dimensionless)", LogY: true}
		pot := cli.LinePlot{Title: "v(r, t) − v(0, t) along the flows", XLabel: "r = |φ| (dimensionless)", YLabel: "v(r) − v(0) (dimensionless)"}
		for _, tr := range fl.Tracks {
			lab := fmt.Sprintf("%s (a = a_c %+.0e)", tr.Name, tr.A-fl.AC)
			if tr.Name == "critical" {
				lab = "critical (a = a_c)"
			}
			curv.Series = append(curv.Series, cli.Series{Name: lab, X: tr.T, Y: tr.Kappa})
			dist.Series = append(dist.Series, cli.Series{Name: lab, X: tr.T, Y: tr.Dist})
			if tr.Name != "critical" {
				for _, k := range []int{0, len(tr.T) / 2, len(tr.T) - 1} {
					v := make([]float64, len(tr.F[k]))
					dr := fl.R[1]
					for i := 1; i < len(v); i++ {
						v[i] = v[i-1] + 0.5*dr*(tr.F[k][i-1]+tr.F[k][i])
					}
					pot.Series = append(pot.Series, cli.Series{Name: fmt.Sprintf("%s t = %.2f", tr.Name, tr.T[k]), X: fl.R, Y: v})
				}
			}
		}
		gam := []float64{m.FP.Gamma, m.FP.Gamma}
		curv.Series = append(curv.Series, cli.Series{Name: "fixed point γ = v*″(0)", X: []float64{0, cfg.Flow.TMax}, Y: gam})
		figs["flow_curvature"] = curv
		figs["flow_distance"] = dist
		figs["flow_potential"] = pot
	}
	for name, lp := range figs {
		if err := lp.Save(r.PlotPath(name)); err != nil {
			return err
		}
	}
	return nil
}

func printSummary(r *cli.Run, cfg Config, rows []row, refs []reference, fl *flows) {
	w := tabwriter.NewWriter(r.Stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintf(w, "LPA (Polchinski, η = 0) Wilson–Fisher fixed point, d = %g\n", cfg.LPA.D)
	fmt.Fprintf(w, "N\tγ = v*″(0)\tν\tω\tω₂\tnext even λ\todd λ\tstep err\ts\n")
	for _, rw := range rows {
		var next, odd []string
		for _, l := range rw.Ex.Even[min(3, len(rw.Ex.Even)):] {
			next = append(next, fmt.Sprintf("%.6f", l))
		}
		for _, l := range rw.Ex.Odd {
			odd = append(odd, fmt.Sprintf("%.6f", l))
		}
		fmt.Fprintf(w, "%d\t%.10f\t%.12f\t%.12f\t%.10f\t%s\t%s\t%.1e\t%.2f\n", rw.N, rw.FP.Gamma, rw.Ex.Nu, rw.Ex.Omega, rw.Ex.Omega2,
			dash(strings.Join(next, " ")), dash(strings.Join(odd, " ")), rw.Ex.StepErr, rw.Seconds)
	}
	fmt.Fprintf(w, "large-N limit\t\t%.6f\t%.6f\t\t\t\t\t\n", 1/(cfg.LPA.D-2), 4-cfg.LPA.D)
	w.Flush()
	if len(refs) > 0 {
		fmt.Fprintf(r.Stdout, "\nagainst published and exact values (d = %g, N = %d):\n", cfg.LPA.D, cfg.LPA.N)
		w = tabwriter.NewWriter(r.Stdout, 2, 4, 2, ' ', 0)
		fmt.Fprintf(w, "quantity\tthis run\treference\tdeviation\tsource\n")
		for _, x := range refs {
			fmt.Fprintf(w, "%s\t%.14f\t%.14f\t%+.1e\t%s\n", x.label, x.got, x.value, x.got-x.value, x.source)
		}
		w.Flush()
	}
	if fl != nil {
		fmt.Fprintf(r.Stdout, "\nflow from v₀ = aφ²/2 + %gφ⁴/4 on a grid of %d intervals over r ≤ %g: a_c = %.12f (%d bisections to %.0e)\n",
			cfg.Flow.G, cfg.Flow.Intervals, cfg.Flow.R, fl.AC, fl.Bisects, cfg.Flow.Tol)
		for _, tr := range fl.Tracks {
			best := math.Inf(1)
			for _, d := range tr.Dist {
				best = math.Min(best, d)
			}
			fmt.Fprintf(r.Stdout, "  %-9s a = a_c %+.1e: closest approach to f* %.2e; %s\n", tr.Name, tr.A-fl.AC, best, tr.Stopped)
		}
		fmt.Fprintf(r.Stdout, "  departure rate from the fixed point %.4f (λ₁ = 1/ν = %.4f); approach rate on the critical surface %.4f (ω = %.4f)\n",
			fl.DepartureRate, fl.Lambda1, fl.ApproachRate, fl.Omega)
		fmt.Fprintln(r.Stdout, "  (rates from the grid's flow: they differ from the spectrum by the grid's O(Δ²) and the fit windows)")
	}
}

func dash(s string) string {
	if s == "" {
		return "–"
	}
	return s
}
