// Copyright ©2026 The rgflow Authors. All rights reserved.

package main

import (
	"context"
	"fmt"
	"math"
	"strings"
	"text/tabwriter"

	"rgflow/experiments/internal/pipeline"
	"rgflow/generative/evaluate"
)

// The acceptance bars, applied to the judged ensemble (bars.ensemble) at
// every run and reported for the others beside it: ⟨|M|⟩, χ = V⟨M²⟩, U₄
// and the action density against the Monte Carlo reference (z-scores of
// the combined standard errors), the M histogram symmetric under M → −M
// (the mirror χ² and ⟨sign M⟩ = 0), and every momentum shell of G(k)
// within shellTol of the reference (a tolerance). The statistical ones of
// the judged ensemble and the reference's own mirror test share the run's
// false-alarm probability pipeline.FamilyRate (familySize checks).
const (
	shellTol   = 0.05
	mirrorBins = pipeline.MirrorBins
	// familySize: four z-scores, the mirror χ² and ⟨sign M⟩ of the judged
	// ensemble, and the reference's mirror p-value.
	familySize = 7
)

// barAlpha is the false-alarm probability of each statistical bar, and
// zBar the bound of a z-score's bar.
var (
	barAlpha = pipeline.Family{N: familySize}.Alpha()
	zBar     = pipeline.ZQuantile(barAlpha)
)

// barObservables are the observables of the bars, by their Compare names.
var barObservables = []string{"AbsM", "Chi", "Binder", "ActionDensity"}

// mirror and mirrorTest are pipeline's test of the M histogram's
// symmetry under M → −M.
type mirror = pipeline.Mirror

func mirrorTest(m []float64, tau float64) mirror { return pipeline.MirrorTest(m, tau) }

// observable and worstShell are pipeline's Observable and WorstShell.
var observable, worstShell = pipeline.Observable, pipeline.WorstShell

// bars returns the acceptance checks of one generated ensemble.
func bars(method string, c *evaluate.Comparison, mir mirror) []pipeline.Check {
	var out []pipeline.Check
	for _, n := range barObservables {
		o := observable(c, n)
		out = append(out, pipeline.ZBar(method+": |z| "+n, o.Z, 1, barAlpha,
			fmt.Sprintf("%s against the reference in combined standard errors", n)))
	}
	out = append(out, pipeline.Tolerance(method+": worst shell |G/G_ref − 1|", worstShell(c), shellTol, "every momentum shell of G(k) within 5% of the reference"))
	var mc pipeline.Check
	if mir.DOF > 0 {
		mc = pipeline.Chi2Bar(method+": M-histogram mirror χ²", mir.Chi2, mir.DOF, barAlpha, "histogram of M symmetric under M → −M (mirror-bin pairs)")
	} else {
		mc = pipeline.Bar(method+": M-histogram mirror χ²", mir.Chi2, 0, "histogram of M symmetric under M → −M: no mirror-bin pairs")
	}
	out = append(out, mc)
	sz := math.Abs(c.GenSign) / c.GenSignErr
	if c.GenSignErr == 0 {
		sz = 0
	}
	out = append(out, pipeline.ZBar(method+": |⟨sign M⟩|/σ", sz, 1, barAlpha, "⟨sign M⟩ = 0 (both sectors equally populated)"))
	return out
}

func (s *state) compareStage(ctx context.Context) error { return s.compare(ctx, false) }

// restoreCompare recomputes the comparisons and checks of a finished
// compare stage, writing nothing: the report and the verdict need them.
func (s *state) restoreCompare(ctx context.Context) error { return s.compare(ctx, true) }

func (s *state) compare(ctx context.Context, restore bool) error {
	refMir := mirrorTest(measuredM(s.refStats), math.Max(2*s.refStats.Obs.M2.TauInt, 1))
	s.checks["reference"] = []pipeline.Check{pipeline.PBar("reference: M-histogram mirror p-value", refMir.P, 1, barAlpha,
		"the Monte Carlo reference itself is symmetric under M → −M (the cluster updates connect the sectors)")}
	if !restore {
		if _, err := s.out.WriteChecks("reference", s.checks["reference"]); err != nil {
			return err
		}
	}
	refTerms, err := s.act.MeasureTerms(s.ref, s.refChains)
	if err != nil {
		return err
	}
	s.terms = map[string]terms{"reference": refTerms}
	s.givenM = map[string]evaluate.GivenAbsM{}
	cmp := &pipeline.Comparer{Out: s.out, Action: s.act, Seed: s.r.Seed, Log: s.r.Log,
		Ref: evaluate.Sample{Name: grpRef, Fields: s.ref, Chains: s.refChains}, Denoise: s.denoise, Restore: restore}
	mirrors := map[string]mirror{}
	return cmp.CompareAll(ctx, s.methods, func(r *pipeline.Compared) []pipeline.Check {
		mir := mirrorTest(measuredM(r.Stats), mirrorTau(r))
		mirrors[r.Method.Name] = mir
		cs := bars(r.Method.Name, r.C, mir)
		if r.Method.Name == s.cfg.judged() {
			cs = append(cs, s.essBar()...)
		}
		return cs
	}, func(r *pipeline.Compared) error {
		return s.compared(r, mirrors[r.Method.Name], refTerms, !restore)
	})
}

// mirrorTau is the 2τ_int of the magnetisations of a compared ensemble in
// the mirror test: 1 for a generator's independent fields, and for the
// derived ensembles of exact sampling, whose fields repeat (importance
// resampling puts the copies of a field side by side; the IMH chain
// repeats its state on every rejection), 2τ_int of M² along the
// ensemble's order, at least 1.
func mirrorTau(r *pipeline.Compared) float64 {
	n := r.Method.Name
	if !strings.HasSuffix(n, pipeline.ReweightedSuffix) && !strings.HasSuffix(n, pipeline.IMHSuffix) {
		return 1
	}
	return math.Max(2*r.Stats.Obs.M2.TauInt, 1)
}

// denoise returns the learned method's denoising-error curve on the
// held-out fields against the Gaussian denoiser.
func (s *state) denoise(meth *pipeline.Method) (*evaluate.DenoiseCurve, error) {
	if meth.Name != "learned" {
		return nil, nil
	}
	return evaluate.DenoiseMSE(s.proc, s.held, pipeline.DenoiseTimes(s.proc, s.cfg.Denoise.Times), s.r.Seed, []string{"gaussian", "learned"}, s.base, meth.Score)
}

// compared writes what phi4 adds to a written comparison (the mirror test,
// the action by term, the S/V error split at given |M|) and keeps the
// results for the report.
// With write false it only keeps them (a resumed run's restore).
func (s *state) compared(r *pipeline.Compared, mir mirror, refTerms terms, write bool) error {
	name := r.Method.Name
	g := "/comparison/" + name
	if write {
		for k, v := range map[string]any{"mirror_chi2": mir.Chi2, "mirror_dof": int64(mir.DOF), "mirror_p_value": mir.P} {
			if err := s.out.F.SetAttr(g, k, v); err != nil {
				return err
			}
		}
	}
	gt, err := s.act.MeasureTerms(r.Gen, 1)
	if err != nil {
		return err
	}
	if write {
		if err := s.writeTerms(name, refTerms, gt); err != nil {
			return err
		}
	}
	s.terms[name] = gt
	gm, err := evaluate.SplitGivenAbsM(s.refStats.Meas, r.Stats.Meas, s.refStats.Obs.ActionDensity.TauInt)
	if err != nil {
		return err
	}
	if write {
		if err := s.writeGivenM(name, gm); err != nil {
			return err
		}
	}
	s.givenM[name] = gm
	s.comps[name] = r.C
	s.stats[name] = r.Stats
	s.checks[name] = r.Checks
	return nil
}

func measuredM(st *pipeline.Stats) []float64 {
	m := make([]float64, len(st.Meas))
	for i, x := range st.Meas {
		m[i] = x.M
	}
	return m
}

// cost is the cost table of the run: every model the learned method uses
// counts toward its training time.
func (s *state) cost() (pipeline.Cost, error) {
	secs := s.learned.Seconds
	for _, m := range s.experts {
		secs += m.Seconds
	}
	if s.ir != nil {
		secs += s.ir.Seconds
	}
	return s.out.NewCost(s.mc, s.methods, "learned", secs)
}

func (s *state) reportStage(ctx context.Context) error {
	if err := s.runner.WriteTimes(); err != nil {
		return err
	}
	c, err := s.cost()
	if err != nil {
		return err
	}
	if err := s.out.WriteCost(c, "cost of independent configurations on this machine, in this run: HMC + clusters (independent chains on all cores) against generation (all cores), and the training time (train_seconds: every model the learned method uses — lattice networks, time-window experts, IR block)"); err != nil {
		return err
	}
	if s.r.Plots {
		return s.plots()
	}
	return nil
}

// normalisation names the field the magnetisation-like numbers are of.
func (s *state) normalisation() string {
	if s.out.HoppingScale > 0 {
		return fmt.Sprintf("fields, M and χ below are of the continuum-normalised ϕ = √(2κ)φ = %.6gφ, φ the hopping field of the configured couplings (its values follow the table)", s.out.HoppingScale)
	}
	return "fields, M and χ below are of the continuum-normalised ϕ of the configured couplings"
}

// hoppingTable prints ⟨|M|⟩ and χ of the hopping field φ = ϕ/√(2κ) for a
// run configured in hopping couplings: the numbers in the parametrisation
// the user gave (z-scores do not depend on it).
func (s *state) hoppingTable() {
	h := s.out.HoppingScale
	if h <= 0 {
		return
	}
	fmt.Fprintf(s.r.Stdout, "\nthe same in the hopping field φ = ϕ/√(2κ) of the configured couplings (κ = %.6g):\n", s.act.Hopping.Kappa)
	w := tabwriter.NewWriter(s.r.Stdout, 2, 0, 2, ' ', 0)
	fmt.Fprintf(w, "ensemble\t⟨|M|⟩ of φ\tχ of φ\n")
	ro := s.refStats.Obs
	fmt.Fprintf(w, "reference (MC, N=%d)\t%.5g ± %.2g\t%.5g ± %.2g\n", s.ref.Len(), ro.AbsM.Value/h, ro.AbsM.Err/h, ro.Chi.Value/(h*h), ro.Chi.Err/(h*h))
	for _, m := range s.methods {
		c := s.comps[m.Name]
		if c == nil {
			continue
		}
		a, x := observable(c, "AbsM"), observable(c, "Chi")
		fmt.Fprintf(w, "%s (N=%d)\t%.5g ± %.2g\t%.5g ± %.2g\n", m.Name, c.NGen, a.Gen/h, a.GenErr/h, x.Gen/(h*h), x.GenErr/(h*h))
	}
	w.Flush()
}

// summary prints the result table to stdout.
func (s *state) summary() error {
	w := tabwriter.NewWriter(s.r.Stdout, 2, 0, 2, ' ', 0)
	h, cp := s.act.Hopping, s.act.Continuum
	fmt.Fprintf(w, "\nphi4: %s lattice, κ = %.6g, λ = %.6g (m² = %.6g, g = %.6g), flow %s (T = %.3g), seed %d → %s\n\n",
		s.lat, h.Kappa, h.Lambda, cp.M2, cp.G, s.cfg.Flow.Regulator, s.proc.T, s.r.Seed, s.r.Out)
	s.runner.PrintTimes(w)
	fmt.Fprintf(w, "%s\n", s.normalisation())
	fmt.Fprintf(w, "ensemble\t⟨|M|⟩\tχ = V⟨M²⟩\tU₄\tS/V\t⟨sign M⟩\n")
	ro := s.refStats.Obs
	fmt.Fprintf(w, "reference (MC, N=%d)\t%.5g ± %.2g\t%.5g ± %.2g\t%.4f ± %.4f\t%.6g ± %.2g\t\n", s.ref.Len(),
		ro.AbsM.Value, ro.AbsM.Err, ro.Chi.Value, ro.Chi.Err, ro.Binder.Value, ro.Binder.Err, ro.ActionDensity.Value, ro.ActionDensity.Err)
	for _, m := range s.methods {
		c := s.comps[m.Name]
		if c == nil {
			continue
		}
		a, x, u, sd := observable(c, "AbsM"), observable(c, "Chi"), observable(c, "Binder"), observable(c, "ActionDensity")
		fmt.Fprintf(w, "%s (N=%d)\t%.5g ± %.2g (z %+.1f)\t%.5g ± %.2g (z %+.1f)\t%.4f ± %.4f (z %+.1f)\t%.6g ± %.2g (z %+.1f)\t%+.3f ± %.3f\n", m.Name, c.NGen,
			a.Gen, a.GenErr, a.Z, x.Gen, x.GenErr, x.Z, u.Gen, u.GenErr, u.Z, sd.Gen, sd.GenErr, sd.Z, c.GenSign, c.GenSignErr)
	}
	w.Flush()
	s.hoppingTable()
	if rt, ok := s.terms["reference"]; ok {
		fmt.Fprintf(s.r.Stdout, "\nS/V by term (reference; generated − reference, z), and its error split at given |M| and from the law of |M|:\n")
		w = tabwriter.NewWriter(s.r.Stdout, 2, 0, 2, ' ', 0)
		fmt.Fprintf(w, "ensemble\t%s\tgiven |M|\tlaw of |M|\n", strings.Join(termLabels[:], "\t"))
		fmt.Fprintf(w, "reference")
		for j := range termLabels {
			fmt.Fprintf(w, "\t%.5g ± %.2g", rt[j].Value, rt[j].Err)
		}
		fmt.Fprintf(w, "\t\t\n")
		for _, m := range s.methods {
			gt, ok := s.terms[m.Name]
			if !ok {
				continue
			}
			fmt.Fprintf(w, "%s", m.Name)
			for j := range termLabels {
				fmt.Fprintf(w, "\t%+.3g (z %+.1f)", gt[j].Value-rt[j].Value, evaluate.DiffZ(rt[j], gt[j]))
			}
			if g, ok := s.givenM[m.Name]; ok {
				for _, x := range [][2]float64{{g.Local, g.LocalErr}, {g.Global, g.GlobalErr}} {
					if math.IsNaN(x[0]) || math.IsNaN(x[1]) {
						fmt.Fprintf(w, "\tn/a (too few samples per |M| bin)")
					} else {
						fmt.Fprintf(w, "\t%+.3g (z %+.1f)", x[0], evaluate.RatioZ(x[0], x[1]))
					}
				}
			}
			fmt.Fprintln(w)
		}
		w.Flush()
	}
	s.printScans()
	pipeline.PrintExact(s.r.Stdout, s.methods, s.exactRes)
	if s.ti != nil {
		fmt.Fprintf(s.r.Stdout, "  thermodynamic integration in κ (%d points): −log Z/V = %.7f ± %.2g (quadrature %.2g)\n", s.cfg.TI.Points, s.ti.F, s.ti.Err, s.ti.Quad)
		pipeline.PrintChecks(s.r.Stdout, 40, s.checks["free_energy"])
	}
	judged := s.cfg.judged()
	fmt.Fprintf(s.r.Stdout, "\nacceptance bars (judged on %s (bars.ensemble = %s); the other rows are shown beside it):\n", judged, s.cfg.Bars.Ensemble)
	var failed []string
	groups := []string{"reference"}
	for _, m := range s.methods {
		groups = append(groups, m.Name)
	}
	for _, group := range groups {
		f := pipeline.PrintChecks(s.r.Stdout, 40, s.checks[group])
		if group == "reference" || group == judged {
			failed = append(failed, f...)
		}
	}
	fmt.Fprintf(s.r.Stdout, "  (the gaussian rows show what the Gaussian inverse RG misses, refined or not; only %s's rows and the reference's are judged)\n", judged)
	if c, err := s.cost(); err == nil {
		fmt.Fprintf(s.r.Stdout, "\ncost on %d cores: HMC + clusters %.4g updates/s, τ_int = %.3g updates → %.4g independent configurations/s\n", c.Cores, c.HMCRate, c.Tau, c.HMCIndep)
		for _, m := range s.methods {
			fmt.Fprintf(s.r.Stdout, "  %-9s %.4g samples/s (%.3g× HMC)\n", m.Name, c.Gen[m.Name], c.Gen[m.Name]/c.HMCIndep)
		}
		fmt.Fprintf(s.r.Stdout, "  training %.1f s; learned generation pays off after %.4g samples; peak RSS %.3g GiB\n", c.TrainSeconds, c.BreakEven, float64(c.PeakRSS)/(1<<30))
	}
	rate, tests, tols := pipeline.FalseAlarm(s.checks["reference"], s.checks[judged])
	fmt.Fprintf(s.r.Stdout, "  %s\n", pipeline.FalseAlarmLine(rate, tests, tols))
	if err := s.out.F.SetAttr("/", "false_alarm_rate", rate); err != nil {
		return err
	}
	if len(failed) == 0 {
		fmt.Fprintf(s.r.Stdout, "\nall acceptance bars of %s passed.\n", judged)
	} else {
		fmt.Fprintf(s.r.Stdout, "\n%d acceptance bar(s) FAILED: %s\n", len(failed), strings.Join(failed, "; "))
	}
	if err := s.out.F.SetAttr("/", "checks_judged", "/comparison/"+judged); err != nil {
		return err
	}
	return s.out.F.SetAttr("/", "checks_passed", len(failed) == 0)
}
