// Copyright ©2026 The rgflow Authors. All rights reserved.

package main

import (
	"fmt"
	"math"
	"text/tabwriter"

	"gonum.org/v1/gonum/stat"

	"rgflow/experiments/internal/pipeline"
	"rgflow/field"
	"rgflow/generative/evaluate"
	"rgflow/internal/h5io"
)

// The refinement scan (refine.scan): the refining ensemble compared with
// the reference, by the compare stage's routine and bars, at t = 0 (the
// generator's own ensemble), at each scan time and at refine.time (the
// refined ensemble). It measures how much exact local flow a generator
// needs before its ensemble meets the bars — and, for the Gaussian
// baseline, that no short flow is enough — so that a refined row is read
// beside the cost of its refinement rather than as a given.

// refineScan is the scan of one refined method.
type refineScan struct {
	Method string
	// Time is the Langevin time of each row; Acceptance MALA's acceptance
	// over the steps since the previous row (NaN at t = 0).
	Time, Acceptance []float64
	// Obs[k] are the rows of barObservables[k].
	Obs [][]evaluate.ObservableZ
	// Shell is the worst |G/G_ref − 1| over the momentum shells.
	Shell []float64
	// Pass is whether every bar of the compare stage (bars) holds.
	Pass []bool
	// MCorr is the correlation over the samples of M at t = 0 with M at
	// each t, and MShift the rms change of M since t = 0: how much of
	// the generator's magnetisation the refinement keeps.
	MCorr, MShift []float64
	m0            []float64
}

// scanRow compares the refining ensemble e at Langevin time t with the
// reference and appends the row to sc.
func (s *state) scanRow(sc *refineScan, dst *pipeline.Method, t, acc float64, e *field.Ensemble) error {
	cc := evaluate.CompareConfig{Action: s.act, Shells: s.out.Shells, Seed: pipeline.EvalSeed(s.r.Seed, dst.Index)}
	ref := evaluate.Sample{Name: grpRef, Fields: s.ref, Chains: s.refChains}
	c, err := evaluate.Compare(ref, evaluate.Sample{Name: "/generated/" + dst.Name, Fields: e}, cc)
	if err != nil {
		return fmt.Errorf("refine scan of %s at t = %g: %w", dst.Name, t, err)
	}
	// Per-sample M only: Compare has measured the rest.
	meas := field.MeasureEnsemble(nil, s.act, e)
	m := make([]float64, len(meas))
	for i, x := range meas {
		m[i] = x.M
	}
	if sc.Obs == nil {
		sc.Obs = make([][]evaluate.ObservableZ, len(barObservables))
	}
	sc.Time = append(sc.Time, t)
	sc.Acceptance = append(sc.Acceptance, acc)
	for k, n := range barObservables {
		sc.Obs[k] = append(sc.Obs[k], observable(c, n))
	}
	checks := bars(dst.Name, c, mirrorTest(m, 1))
	sc.Shell = append(sc.Shell, worstShell(c))
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
	return nil
}

// firstPass returns the least scanned time from which every later row
// passes every bar, or NaN if the last row does not.
func (sc *refineScan) firstPass() float64 {
	t := math.NaN()
	for i := len(sc.Pass) - 1; i >= 0 && sc.Pass[i]; i-- {
		t = sc.Time[i]
	}
	return t
}

func (s *state) logScan(sc *refineScan) {
	for i, t := range sc.Time {
		args := []any{"method", sc.Method, "t", t}
		for k, n := range barObservables {
			args = append(args, "z_"+n, round2(sc.Obs[k][i].Z))
		}
		args = append(args, "worst_shell", round2(sc.Shell[i]), "m_correlation", round2(sc.MCorr[i]), "bars_passed", sc.Pass[i])
		s.r.Log.Info("refine scan", args...)
	}
}

func round2(x float64) float64 { return math.Round(100*x) / 100 }

// scanNames are the datasets of each bar observable in the scan group.
var scanNames = map[string]struct{ name, units, desc string }{
	"AbsM":          {"abs_magnetization", "1", "⟨|M|⟩"},
	"Chi":           {"chi", "lattice units^2", "χ = V⟨M²⟩"},
	"Binder":        {"binder_u4", "1", "U₄"},
	"ActionDensity": {"action_density", "1", "⟨S⟩/V"},
}

// writeScan writes sc into <g>/scan.
func (s *state) writeScan(g string, sc *refineScan) error {
	grp := g + "/scan"
	attrs := map[string]any{
		"description":                 "the refining ensemble compared with /ensemble/phi4_reference by the compare stage's routine at each Langevin time t of the refinement: t = 0 is the generator's own ensemble, the last t the refined one; <obs>_z = (generated − reference)/combined standard error; bars_passed: every bar of /comparison/<method>/checks holds",
		"first_pass_time":             sc.firstPass(),
		"first_pass_time_description": "the least scanned t from which every later scanned t passes every bar (NaN: the refined ensemble does not)",
	}
	if err := s.out.F.CreateGroup(grp, attrs); err != nil {
		return err
	}
	if err := s.out.F.CreateScale(grp+"/t", "t", sc.Time, "1", "Langevin time of the refinement"); err != nil {
		return err
	}
	put := func(name, units, desc string, v any) error {
		_, err := s.out.F.Put(grp+"/"+name, h5io.Spec{Units: units, Description: desc, Dims: []string{"t"}, Scales: []string{grp + "/t"}}, v)
		return err
	}
	for k, n := range barObservables {
		d := scanNames[n]
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

// printScans prints the refinement scans (summary).
func (s *state) printScans() {
	for _, m := range s.methods {
		sc := s.scans[m.Name]
		if sc == nil {
			continue
		}
		fmt.Fprintf(s.r.Stdout, "\nrefinement scan of %s (z against the reference; M corr.: correlation of M with the generator's):\n", m.Name)
		w := tabwriter.NewWriter(s.r.Stdout, 2, 0, 2, ' ', 0)
		fmt.Fprintf(w, "Langevin t\t⟨|M|⟩\tχ\tU₄\tS/V\tworst shell\tM corr.\tacceptance\tbars\n")
		for i, t := range sc.Time {
			fmt.Fprintf(w, "%g", t)
			for k := range barObservables {
				fmt.Fprintf(w, "\t%+.1f", sc.Obs[k][i].Z)
			}
			mark := "miss"
			if sc.Pass[i] {
				mark = "pass"
			}
			acc := "–"
			if !math.IsNaN(sc.Acceptance[i]) {
				acc = fmt.Sprintf("%.2f", sc.Acceptance[i])
			}
			fmt.Fprintf(w, "\t%.3f\t%.3f\t%s\t%s\n", sc.Shell[i], sc.MCorr[i], acc, mark)
		}
		w.Flush()
	}
}
