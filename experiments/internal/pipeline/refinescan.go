// Copyright ©2026 The rgflow Authors. All rights reserved.

package pipeline

import (
	"fmt"
	"io"
	"log/slog"
	"math"
	"text/tabwriter"

	"gonum.org/v1/gonum/stat"

	"rgflow/generative/evaluate"
	"rgflow/internal/h5io"
)

// The refinement scan (refine.scan): the refining ensemble compared with
// the reference, by the compare stage's routine and bars, at t = 0 (the
// generator's own ensemble), at each scan time and at refine.time (the
// refined ensemble). It measures how much exact local flow a generator
// needs before its ensemble meets the bars — and, for a Gaussian
// generator, that no short flow is enough — so that a refined row is read
// beside the cost of its refinement rather than as a given.

// RefineScan is the scan of one refined method.
type RefineScan struct {
	Method string
	// Observables are the Compare names of the scanned observables (keys
	// of ScanObservables).
	Observables []string
	// Time is the Langevin time of each row; Acceptance MALA's acceptance
	// over the steps since the previous row (NaN at t = 0).
	Time, Acceptance []float64
	// Obs[k] are the rows of Observables[k].
	Obs [][]evaluate.ObservableZ
	// Shell is the worst |G/G_ref − 1| over the momentum shells.
	Shell []float64
	// Pass is whether every check of the row holds.
	Pass []bool
	// MCorr is the correlation over the samples of M at t = 0 with M at
	// each t, and MShift the rms change of M since t = 0: how much of
	// the generator's magnetisation the refinement keeps.
	MCorr, MShift []float64
	m0            []float64
}

// ScanObservables are the observables a scan can record, by their Compare
// names: their datasets, units, descriptions and column labels.
var ScanObservables = map[string]struct{ name, units, desc, label string }{
	"AbsM":          {"abs_magnetization", "1", "⟨|M|⟩", "⟨|M|⟩"},
	"Chi":           {"chi", "lattice units^2", "χ = V⟨M²⟩", "χ"},
	"Binder":        {"binder_u4", "1", "U₄", "U₄"},
	"ActionDensity": {"action_density", "1", "⟨S⟩/V", "S/V"},
}

// Add appends the row of Langevin time t: the comparison c of the refining
// ensemble with the reference, MALA's acceptance acc, the ensemble's
// magnetisations m and the checks the row is judged by.
func (sc *RefineScan) Add(t, acc float64, c *evaluate.Comparison, m []float64, checks []Check) {
	if sc.Obs == nil {
		sc.Obs = make([][]evaluate.ObservableZ, len(sc.Observables))
	}
	sc.Time = append(sc.Time, t)
	sc.Acceptance = append(sc.Acceptance, acc)
	for k, n := range sc.Observables {
		sc.Obs[k] = append(sc.Obs[k], Observable(c, n))
	}
	sc.Shell = append(sc.Shell, WorstShell(c))
	pass := true
	for _, ch := range checks {
		pass = pass && ch.Pass
	}
	sc.Pass = append(sc.Pass, pass)
	if sc.m0 == nil {
		sc.m0 = m
	}
	var d2 float64
	for i := range m {
		d := m[i] - sc.m0[i]
		d2 += d * d
	}
	sc.MCorr = append(sc.MCorr, stat.Correlation(sc.m0, m, nil))
	sc.MShift = append(sc.MShift, math.Sqrt(d2/float64(len(m))))
}

// FirstPass returns the least scanned time from which every later row
// passes every check, or NaN if the last row does not.
func (sc *RefineScan) FirstPass() float64 {
	t := math.NaN()
	for i := len(sc.Pass) - 1; i >= 0 && sc.Pass[i]; i-- {
		t = sc.Time[i]
	}
	return t
}

// Log writes one record per row to log.
func (sc *RefineScan) Log(log *slog.Logger) {
	for i, t := range sc.Time {
		args := []any{"method", sc.Method, "t", t}
		for k, n := range sc.Observables {
			args = append(args, "z_"+n, round2(sc.Obs[k][i].Z))
		}
		args = append(args, "worst_shell", round2(sc.Shell[i]), "m_correlation", round2(sc.MCorr[i]), "bars_passed", sc.Pass[i])
		log.Info("refine scan", args...)
	}
}

func round2(x float64) float64 { return math.Round(100*x) / 100 }

// WriteScan writes sc into <g>/scan; ref is the reference's group.
func (o *Out) WriteScan(g, ref string, sc *RefineScan) error {
	grp := g + "/scan"
	attrs := map[string]any{
		"description":                 "the refining ensemble compared with " + ref + " by the compare stage's routine at each Langevin time t of the refinement: t = 0 is the generator's own ensemble, the last t the refined one; <obs>_z = (generated − reference)/combined standard error; bars_passed: every bar of /comparison/<method>/checks holds",
		"first_pass_time":             sc.FirstPass(),
		"first_pass_time_description": "the least scanned t from which every later scanned t passes every bar (NaN: the refined ensemble does not)",
	}
	if err := o.F.CreateGroup(grp, attrs); err != nil {
		return err
	}
	if err := o.F.CreateScale(grp+"/t", "t", sc.Time, "1", "Langevin time of the refinement"); err != nil {
		return err
	}
	put := func(name, units, desc string, v any) error {
		_, err := o.F.Put(grp+"/"+name, h5io.Spec{Units: units, Description: desc, Dims: []string{"t"}, Scales: []string{grp + "/t"}}, v)
		return err
	}
	for k, n := range sc.Observables {
		d := ScanObservables[n]
		var v, e, z []float64
		for _, o := range sc.Obs[k] {
			v, e, z = append(v, o.Gen), append(e, o.GenErr), append(z, o.Z)
		}
		for _, x := range []struct {
			suffix, units, desc string
			v                   []float64
		}{
			{"", d.units, d.desc + " of the refining ensemble", v},
			{"_error", d.units, "its standard error", e},
			{"_z", "1", "(generated − reference)/combined standard error of " + d.desc, z},
		} {
			if err := put(d.name+x.suffix, x.units, x.desc, x.v); err != nil {
				return err
			}
		}
	}
	pass := make([]uint8, len(sc.Pass))
	for i, p := range sc.Pass {
		if p {
			pass[i] = 1
		}
	}
	for _, x := range []struct {
		name, desc string
		v          any
	}{
		{"worst_shell", "worst |G/G_ref − 1| over the momentum shells", sc.Shell},
		{"acceptance", "MALA's acceptance over the steps since the previous t (NaN at t = 0)", sc.Acceptance},
		{"m_correlation", "correlation over the samples of M at t = 0 (the generator's) with M at t: how much of the generator's magnetisation the refinement keeps", sc.MCorr},
		{"m_shift_rms", "rms over the samples of M(t) − M(0)", sc.MShift},
		{"bars_passed", "1 if every bar holds at this t, else 0", pass},
	} {
		if err := put(x.name, "1", x.desc, x.v); err != nil {
			return err
		}
	}
	return nil
}

// Print writes sc as a table to w.
func (sc *RefineScan) Print(w io.Writer) {
	fmt.Fprintf(w, "\nrefinement scan of %s (z against the reference; M corr.: correlation of M with the generator's):\n", sc.Method)
	tw := tabwriter.NewWriter(w, 2, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "Langevin t")
	for _, n := range sc.Observables {
		fmt.Fprintf(tw, "\t%s", ScanObservables[n].label)
	}
	fmt.Fprintf(tw, "\tworst shell\tM corr.\tacceptance\tbars\n")
	for i, t := range sc.Time {
		fmt.Fprintf(tw, "%g", t)
		for k := range sc.Observables {
			fmt.Fprintf(tw, "\t%+.1f", sc.Obs[k][i].Z)
		}
		mark := "miss"
		if sc.Pass[i] {
			mark = "pass"
		}
		acc := "–"
		if !math.IsNaN(sc.Acceptance[i]) {
			acc = fmt.Sprintf("%.2f", sc.Acceptance[i])
		}
		fmt.Fprintf(tw, "\t%.3f\t%.3f\t%s\t%s\n", sc.Shell[i], sc.MCorr[i], acc, mark)
	}
	tw.Flush()
}
