// Copyright ©2026 The rgflow Authors. All rights reserved.

package main

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	"gonum.org/v1/gonum/stat/distuv"

	"rgflow/erg"
	"rgflow/experiments/internal/pipeline"
	"rgflow/generative/evaluate"
	"rgflow/internal/rng"
)

// The acceptance bars, applied to the judged ensemble (bars.ensemble) at
// every run and reported for the others beside it.
const (
	// obsSigmas: ⟨|M|⟩, χ = V⟨M²⟩, U₄ and the action density within 3
	// combined standard errors of the Monte Carlo reference.
	obsSigmas = 3
	// shellTol: G(k) within 5% of the reference on every momentum shell.
	shellTol = 0.05
	// mirrorConfidence: the M histogram is symmetric under M → −M "within
	// errors": the mirror χ² (below) stays under its 99.7% quantile, the
	// two-sided 3σ level, and |⟨sign M⟩| under 3 standard errors.
	mirrorConfidence = 0.997
	signSigmas       = 3
	// mirrorBins is the number of bins of the symmetric M histogram: half
	// of them for M > 0, mirrored for M < 0 (so M = 0 is an edge).
	mirrorBins = 40
)

// barObservables are the observables of the bars, by their Compare names.
var barObservables = []string{"AbsM", "Chi", "Binder", "ActionDensity"}

// mirror is the symmetry test of an M histogram under M → −M: the
// samples are binned by |M| into mirrorBins/2 bins of equal count (edges at
// quantiles of |M|), and each bin splits into its M > 0 and M < 0 halves.
// Given the values of |M|, the signs are independent fair coins under the
// symmetry, whatever bins |M| alone defines; so for each bin with
// n₊ + n₋ ≥ 5 counts, (n₊ − n₋)²/(n₊ + n₋) is χ²₁, and the bins are
// independent for independent samples; τ (2τ_int ≥ 1) deflates the
// statistic for a Markov chain. Equal-count bins keep every bin in play
// when the law of |M| is narrow (the broken phase: |M| ≈ M₀ ± 1%), where
// equal-width bins from 0 would put nearly every sample in one or two.
type mirror struct {
	Chi2 float64
	DOF  int
	P    float64
}

func mirrorTest(m []float64, tau float64) mirror {
	type signed struct {
		abs float64
		pos bool
	}
	a := make([]signed, 0, len(m))
	for _, v := range m {
		if v != 0 && !math.IsNaN(v) {
			a = append(a, signed{math.Abs(v), v > 0})
		}
	}
	if len(a) == 0 {
		return mirror{P: 1}
	}
	// Stable: ties in |M| keep the sample order, which the signs do not
	// enter.
	slices.SortStableFunc(a, func(x, y signed) int { return cmp.Compare(x.abs, y.abs) })
	half := mirrorBins / 2
	var r mirror
	for b := range half {
		var pos, neg float64
		for _, x := range a[b*len(a)/half : (b+1)*len(a)/half] {
			if x.pos {
				pos++
			} else {
				neg++
			}
		}
		n := pos + neg
		if n/tau < 5 {
			continue
		}
		d := pos - neg
		r.Chi2 += d * d / n / tau
		r.DOF++
	}
	r.P = 1
	if r.DOF > 0 {
		r.P = distuv.ChiSquared{K: float64(r.DOF)}.Survival(r.Chi2)
	}
	return r
}

func (s *state) denoiseTimes(p *erg.Process) []float64 {
	n := s.cfg.Denoise.Times
	ts := make([]float64, n)
	for i := range ts {
		ts[i] = p.T * float64(i+1) / float64(n)
	}
	return ts
}

func observable(c *evaluate.Comparison, name string) evaluate.ObservableZ {
	for _, o := range c.Observables {
		if o.Name == name {
			return o
		}
	}
	return evaluate.ObservableZ{Name: name, Z: math.NaN()}
}

// worstShell is the largest |G/G_ref − 1| over the momentum shells.
func worstShell(c *evaluate.Comparison) float64 {
	worst := 0.0
	for _, r := range c.Ratio {
		worst = math.Max(worst, math.Abs(r-1))
	}
	return worst
}

// bars returns the acceptance checks of one generated ensemble.
func bars(method string, c *evaluate.Comparison, mir mirror) []pipeline.Check {
	var out []pipeline.Check
	for _, n := range barObservables {
		o := observable(c, n)
		out = append(out, pipeline.Bar(method+": |z| "+n, math.Abs(o.Z), obsSigmas,
			fmt.Sprintf("%s within %d combined standard errors of the reference", n, obsSigmas)))
	}
	out = append(out, pipeline.Bar(method+": worst shell |G/G_ref − 1|", worstShell(c), shellTol, "every momentum shell of G(k) within 5% of the reference"))
	q := 0.0
	if mir.DOF > 0 {
		q = distuv.ChiSquared{K: float64(mir.DOF)}.Quantile(mirrorConfidence)
	}
	out = append(out, pipeline.Bar(method+": M-histogram mirror χ²", mir.Chi2, q,
		fmt.Sprintf("histogram of M symmetric under M → −M: χ² over %d mirror-bin pairs ≤ its %.1f%% quantile", mir.DOF, 100*mirrorConfidence)))
	sz := math.Abs(c.GenSign) / c.GenSignErr
	if c.GenSignErr == 0 {
		sz = 0
	}
	out = append(out, pipeline.Bar(method+": |⟨sign M⟩|/σ", sz, signSigmas, "⟨sign M⟩ = 0 within 3 standard errors (both sectors equally populated)"))
	return out
}

func (s *state) compareStage(ctx context.Context) error {
	ccfg := evaluate.CompareConfig{Action: s.act, Shells: s.out.Shells}
	ref := evaluate.Sample{Name: grpRef, Fields: s.ref, Chains: s.refChains}
	refMir := mirrorTest(measuredM(s.refStats), math.Max(2*s.refStats.Obs.M2.TauInt, 1))
	s.checks["reference"] = []pipeline.Check{{Name: "reference: M-histogram mirror p-value", Value: refMir.P, Threshold: 1 - mirrorConfidence,
		Pass: refMir.P >= 1-mirrorConfidence, Rule: "the Monte Carlo reference itself is symmetric under M → −M (the cluster updates connect the sectors)"}}
	if _, err := s.out.WriteChecks("reference", s.checks["reference"]); err != nil {
		return err
	}
	refTerms, err := s.act.MeasureTerms(s.ref, s.refChains)
	if err != nil {
		return err
	}
	s.terms = map[string]terms{"reference": refTerms}
	s.givenM = map[string]evaluate.GivenAbsM{}
	for _, meth := range s.methods {
		if err := ctx.Err(); err != nil {
			return err
		}
		gen, err := s.out.ReadGenerated(meth.Name)
		if err != nil {
			return err
		}
		cc := ccfg
		hi, lo := rng.Derive(s.r.Seed, rng.StageEvaluate, uint64(meth.Index))
		cc.Seed = hi ^ lo
		if meth.Name == "learned" {
			d, err := evaluate.DenoiseMSE(s.proc, s.held, s.denoiseTimes(s.proc), s.r.Seed, []string{"gaussian", "learned"}, s.base, meth.Score)
			if err != nil {
				return err
			}
			cc.Denoise = d
		}
		c, err := evaluate.Compare(ref, evaluate.Sample{Name: "/generated/" + meth.Name, Fields: gen}, cc)
		if err != nil {
			return err
		}
		if w := pipeline.Divergence(c.Ratio, meth.Gen.Method, meth.Gen.Steps, "generate.method", "generate.steps"); w != "" {
			c.Warnings = append(c.Warnings, w)
			s.r.Log.Warn(meth.Name+": "+w, "method", meth.Name)
		}
		st, err := s.out.Measure(s.act, gen)
		if err != nil {
			return err
		}
		mir := mirrorTest(measuredM(st), 1)
		checks := bars(meth.Name, c, mir)
		if err := s.out.WriteComparison(meth.Name, grpRef, c, st, checks); err != nil {
			return err
		}
		g := "/comparison/" + meth.Name
		for k, v := range map[string]any{"mirror_chi2": mir.Chi2, "mirror_dof": int64(mir.DOF), "mirror_p_value": mir.P} {
			if err := s.out.F.SetAttr(g, k, v); err != nil {
				return err
			}
		}
		gt, err := s.act.MeasureTerms(gen, 1)
		if err != nil {
			return err
		}
		if err := s.writeTerms(meth.Name, refTerms, gt); err != nil {
			return err
		}
		s.terms[meth.Name] = gt
		gm, err := evaluate.SplitGivenAbsM(s.refStats.Meas, st.Meas, s.refStats.Obs.ActionDensity.TauInt)
		if err != nil {
			return err
		}
		if err := s.writeGivenM(meth.Name, gm); err != nil {
			return err
		}
		s.givenM[meth.Name] = gm
		s.comps[meth.Name] = c
		s.stats[meth.Name] = st
		s.checks[meth.Name] = checks
	}
	return nil
}

func measuredM(st *pipeline.Stats) []float64 {
	m := make([]float64, len(st.Meas))
	for i, x := range st.Meas {
		m[i] = x.M
	}
	return m
}

// cost is the comparison of the ways of producing independent
// configurations on this machine, in this run.
type cost struct {
	Cores                  int
	HMCRate, Tau, HMCIndep float64 // updates/s (all cores), τ_int (updates), independent/s
	Gen                    map[string]float64
	TrainSeconds           float64
	BreakEven              float64 // samples beyond which training + learned generation is cheaper than HMC
	PeakRSS                int64   // bytes (VmHWM)
}

func (s *state) cost() (cost, error) {
	c := cost{Cores: runtime.GOMAXPROCS(0), HMCRate: s.mc.Rate, Tau: s.mc.Tau, Gen: map[string]float64{}, TrainSeconds: s.learned.Seconds}
	for _, m := range s.experts {
		c.TrainSeconds += m.Seconds
	}
	if s.ir != nil {
		c.TrainSeconds += s.ir.Seconds
	}
	c.HMCIndep = c.HMCRate / (2 * c.Tau)
	for _, m := range s.methods {
		var r float64
		if err := s.out.F.Attr("/generated/"+m.Name, "samples_per_second", &r); err != nil {
			return c, err
		}
		c.Gen[m.Name] = r
	}
	c.BreakEven = math.Inf(1)
	if g := c.Gen["learned"]; g > c.HMCIndep {
		c.BreakEven = c.TrainSeconds / (1/c.HMCIndep - 1/g)
	}
	c.PeakRSS = peakRSS()
	return c, nil
}

// peakRSS returns the peak resident set size of the process (VmHWM of
// /proc/self/status), or −1 where that is not available.
func peakRSS() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return -1
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			f := strings.Fields(rest)
			if len(f) >= 1 {
				if kb, err := strconv.ParseInt(f[0], 10, 64); err == nil {
					return kb * 1024
				}
			}
		}
	}
	return -1
}

func (s *state) reportStage(ctx context.Context) error {
	if err := s.runner.WriteTimes(); err != nil {
		return err
	}
	c, err := s.cost()
	if err != nil {
		return err
	}
	attrs := map[string]any{
		"description":                "cost of independent configurations on this machine, in this run: HMC + clusters (independent chains on all cores) against generation (all cores), and the training time (train_seconds: every model the learned method uses — lattice networks, time-window experts, IR block)",
		"cores":                      int64(c.Cores),
		"hmc_updates_per_second":     c.HMCRate,
		"hmc_tau_int":                c.Tau,
		"hmc_independent_per_second": c.HMCIndep,
		"hmc_rule":                   "independent samples/s = updates/s ÷ 2τ_int, τ_int the largest Γ-method estimate of M, |M|, M², S/V (pilot run, in updates)",
		"train_seconds":              c.TrainSeconds,
		"break_even_samples":         c.BreakEven,
		"break_even_rule":            "N at which training time + N/(learned samples/s) = N/(HMC independent samples/s); +Inf if generation is slower",
		"peak_rss_bytes":             c.PeakRSS,
	}
	for m, r := range c.Gen {
		attrs[m+"_samples_per_second"] = r
		attrs[m+"_speedup"] = r / c.HMCIndep
		attrs[m+"_seconds_per_sample"] = 1 / r
	}
	if err := s.out.F.CreateGroup("/cost", attrs); err != nil {
		return err
	}
	if s.r.Plots {
		return s.plots()
	}
	return nil
}

// summary prints the result table to stdout.
func (s *state) summary() error {
	w := tabwriter.NewWriter(s.r.Stdout, 2, 0, 2, ' ', 0)
	h, cp := s.act.Hopping, s.act.Continuum
	fmt.Fprintf(w, "\nphi4: %s lattice, κ = %.6g, λ = %.6g (m² = %.6g, g = %.6g), flow %s (T = %.3g), seed %d → %s\n\n",
		s.lat, h.Kappa, h.Lambda, cp.M2, cp.G, s.cfg.Flow.Regulator, s.proc.T, s.r.Seed, s.r.Out)
	fmt.Fprintf(w, "stage\tseconds\n")
	total := 0.0
	for i, st := range s.runner.Stages {
		fmt.Fprintf(w, "%s\t%.1f\n", st.Name, s.runner.Times[i].Seconds())
		total += s.runner.Times[i].Seconds()
	}
	fmt.Fprintf(w, "total\t%.1f\n\n", total)
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
	judged := s.cfg.judged()
	fmt.Fprintf(s.r.Stdout, "\nacceptance bars (judged on %s (bars.ensemble = %s); the other rows are shown beside it):\n", judged, s.cfg.Bars.Ensemble)
	var failed []string
	groups := []string{"reference"}
	for _, m := range s.methods {
		groups = append(groups, m.Name)
	}
	for _, group := range groups {
		for _, c := range s.checks[group] {
			mark := "pass"
			if !c.Pass {
				mark = "FAIL"
				if group == "reference" || group == judged {
					failed = append(failed, c.Name)
				}
			}
			fmt.Fprintf(s.r.Stdout, "  %s  %-40s %-10.4g (threshold %.4g)  %s\n", mark, c.Name, c.Value, c.Threshold, c.Rule)
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
