// Copyright ©2026 The rgflow Authors. All rights reserved.

package main

import (
	"context"
	"fmt"
	"math"
	"strings"
	"text/tabwriter"

	"rgflow/erg"
	"rgflow/experiments/internal/pipeline"
	"rgflow/generative"
	"rgflow/generative/evaluate"
	"rgflow/wgrad"
)

// Acceptance bars of the run, each a Check.
const (
	specConfidence  = 0.999 // χ² of the exact method's shell spectrum
	exactChiSigmas  = 2     // χ of the exact method within 2σ of 1/m²
	learnedShellTol = 0.05  // every shell of the learned G(k) within 5%
	learnedChiSig   = 3     // χ of the learned method within 3σ of 1/m²
	learnedW2Factor = 1.5   // learned W₂ to the reference ≤ 1.5 × the exact method's
	learnedMSETol   = 0.10  // learned denoising MSE within 10% of the exact denoiser's
	flowPValue      = 1e-3  // every snapshot's spectrum χ² p-value above this
	identityTol     = 1e-6  // energy–dissipation identity per snapshot interval (relative to max(KL₀, 1 nat))
	dissipationZ    = 4     // Monte Carlo dissipation within 4σ of the closed form
)

func (s *state) compareStage(ctx context.Context) error { return s.compare(ctx, false) }

// restoreCompare recomputes the comparisons and checks of a finished
// compare stage, writing nothing: the summary's verdict needs them.
func (s *state) restoreCompare(ctx context.Context) error { return s.compare(ctx, true) }

func (s *state) compare(ctx context.Context, restore bool) error {
	if s.flow == nil {
		// The flow finished in an earlier process: its diagnostics are in
		// the file, and the checks below read them from there.
		res, err := s.out.ReadFlow(s.proc, s.g0)
		if err != nil {
			return err
		}
		s.flow = res
	}
	cmp := &pipeline.Comparer{Out: s.out, Action: s.act, Seed: s.r.Seed, Log: s.r.Log,
		Ref: evaluate.Sample{Name: "/ensemble/free_reference", Fields: s.ref}, Denoise: s.denoise, Restore: restore,
		StepsKey: func(m *pipeline.Method) string {
			if m.Name == "ddpm" {
				return "ddpm.steps"
			}
			return "generate.steps"
		}}
	var exactW2 float64
	err := cmp.CompareAll(ctx, s.methods, func(r *pipeline.Compared) []pipeline.Check {
		if r.Method.Name == "inverse_rg_exact" {
			exactW2 = r.C.W2Spectral
		}
		return s.methodChecks(r, exactW2)
	}, func(r *pipeline.Compared) error {
		s.comps[r.Method.Name] = r.C
		s.checks[r.Method.Name] = r.Checks
		return nil
	})
	if err != nil {
		return err
	}
	s.checks["flow"] = flowChecks(s.flow)
	if len(s.grad) > 0 {
		s.checks["gradflow"] = s.gradChecks()
	}
	if restore {
		return nil
	}
	if _, err := s.out.WriteChecks("flow", s.checks["flow"]); err != nil {
		return err
	}
	if len(s.grad) > 0 {
		if _, err := s.out.WriteChecks("gradflow", s.checks["gradflow"]); err != nil {
			return err
		}
	}
	return nil
}

// denoise returns the denoising-error curve of the learned methods on the
// held-out fields against the exact denoiser of their process.
func (s *state) denoise(meth *pipeline.Method) (*evaluate.DenoiseCurve, error) {
	switch meth.Name {
	case "learned":
		return evaluate.DenoiseMSE(s.proc, s.held, pipeline.DenoiseTimes(s.proc, s.cfg.Denoise.Times), s.r.Seed, []string{"inverse_rg_exact", "learned"}, s.exact, meth.Score)
	case "ddpm":
		ex, err := generative.NewGaussian(s.ddpmProc, mustFree(s.ddpmProc, s.cfg.Field.M2))
		if err != nil {
			return nil, err
		}
		return evaluate.DenoiseMSE(s.ddpmProc, s.held, pipeline.DenoiseTimes(s.ddpmProc, s.cfg.Denoise.Times), s.r.Seed, []string{"exact", "ddpm"}, ex, meth.Score)
	}
	return nil, nil
}

// methodChecks are the acceptance checks of one generated ensemble: the
// exact method's against the closed form, the learned one's against the
// reference and the exact method (whose spectral W₂ is exactW2).
func (s *state) methodChecks(r *pipeline.Compared, exactW2 float64) []pipeline.Check {
	m2 := s.cfg.Field.M2
	c, chi := r.C, r.Stats.Obs.Chi
	switch r.Method.Name {
	case "inverse_rg_exact":
		q := chi2Quantile(specConfidence, c.SpectrumDOF)
		return []pipeline.Check{
			pipeline.Bar("exact: shell spectrum χ²", c.SpectrumChi2, q, fmt.Sprintf("χ² over %d shells ≤ its %.1f%% quantile", c.SpectrumDOF, 100*specConfidence)),
			pipeline.Bar("exact: χ vs 1/m²", math.Abs(chi.Value-1/m2)/chi.Err, exactChiSigmas, "|χ − 1/m²|/σ_χ ≤ 2")}
	case "learned":
		mse := 0.0
		for i := range c.Denoise.Times {
			mse = math.Max(mse, c.Denoise.MSE[1][i]/c.Denoise.MSE[0][i]-1)
		}
		return []pipeline.Check{
			pipeline.Bar("learned: worst shell |G/G_ref − 1|", pipeline.WorstShell(c), learnedShellTol, "every shell of G(k) within 5% of the reference"),
			pipeline.Bar("learned: χ vs 1/m²", math.Abs(chi.Value-1/m2)/chi.Err, learnedChiSig, "|χ − 1/m²|/σ_χ ≤ 3"),
			pipeline.Bar("learned: W₂ / exact method's W₂", c.W2Spectral/exactW2, learnedW2Factor, "spectral W₂ to the reference ≤ 1.5 × inverse_rg_exact's"),
			pipeline.Bar("learned: worst denoising MSE / exact − 1", mse, learnedMSETol, "held-out denoising MSE within 10% of the exact denoiser's at every recorded t")}
	}
	return nil
}

// flowChecks are the acceptance checks of the Polchinski flow f.
func flowChecks(f *pipeline.FlowResult) []pipeline.Check {
	klUp := 0.0
	for i := 1; i < len(f.KL); i++ {
		klUp = math.Max(klUp, (f.KL[i]-f.KL[i-1])/pipeline.KLScale(f.KL[0]))
	}
	minP := 1.0
	for _, p := range f.SpecP {
		minP = math.Min(minP, p)
	}
	dz := 0.0
	for i := range f.Diss {
		if f.DissMCErr[i] > 0 {
			dz = math.Max(dz, math.Abs(f.DissMC[i]-f.Diss[i])/f.DissMCErr[i])
		}
	}
	return []pipeline.Check{
		pipeline.Bar("flow: KL increase (relative)", klUp, 0, "the analytic KL to the fixed point never increases (increase / max(KL₀, 1 nat))"),
		{Name: "flow: smallest spectrum p-value", Value: minP, Threshold: flowPValue, Pass: minP >= flowPValue,
			Rule: "sample spectra agree with the closed form at every snapshot (χ² per snapshot, p ≥ 10⁻³)"},
		pipeline.Bar("flow: energy–dissipation identity", f.IdentityErr, identityTol, "|∫D dt − ΔKL|/max(KL₀, 1 nat) ≤ 10⁻⁶ on every snapshot interval (D integrated by 32-panel Simpson)"),
		pipeline.Bar("flow: Monte Carlo dissipation |z|", dz, dissipationZ, "sample E Σ ½βσ²|∂log(p/π)|² within 4σ of −dKL/dt at every snapshot"),
	}
}

// gradChecks are the acceptance checks of the Langevin flows.
func (s *state) gradChecks() []pipeline.Check {
	var cs []pipeline.Check
	for _, r := range s.grad {
		minP := 1.0
		for _, p := range r.specP {
			minP = math.Min(minP, p)
		}
		m, _ := wgrad.ParseMethod(r.method)
		// MALA's transient has no closed form (rejections slow it by an
		// amount that depends on h and V, and at the default step the
		// spectra lag the continuous flow far beyond their errors), so only
		// the unadjusted schemes are checked per snapshot; MALA is checked
		// where it is exact, at equilibrium.
		if !m.Metropolised() {
			cs = append(cs, pipeline.Check{Name: "gradflow " + r.method + ": smallest spectrum p-value", Value: minP, Threshold: flowPValue, Pass: minP >= flowPValue,
				Rule: "sample spectra agree with the exact Euler–Maruyama recursion of the scheme at every snapshot (χ² per snapshot, p ≥ 10⁻³)"})
		}
		cs = append(cs, pipeline.Bar("gradflow "+r.method+": energy–dissipation identity", r.identityErr, identityTol,
			"|∫D dt − ΔF|/max(F₀, 1 nat) ≤ 10⁻⁶ on every snapshot interval: dF/dt = −E|∇δF/δρ|² of the closed forms"))
		if m.Metropolised() {
			cs = append(cs, pipeline.Check{Name: "gradflow " + r.method + ": final spectrum vs equilibrium", Value: r.finalP, Threshold: flowPValue, Pass: r.finalP >= flowPValue,
				Rule: "the last snapshot is exp(−βS) within errors (p ≥ 10⁻³): MALA's invariant measure is exact at any h"})
		}
	}
	return cs
}

func mustFree(p *erg.Process, m2 float64) []float64 {
	g, err := generative.FreeSpectrum(p.Eps, m2)
	if err != nil {
		panic(err) // m2 > 0 is validated
	}
	return g
}

// chi2Quantile returns the q-quantile of χ² with k degrees of freedom
// (Wilson–Hilferty; accurate to a few per mille for k ≥ 3).
func chi2Quantile(q float64, k int) float64 {
	// z_q of the standard normal by inverting the error function.
	z := math.Sqrt2 * math.Erfinv(2*q-1)
	kf := float64(k)
	return kf * math.Pow(1-2/(9*kf)+z*math.Sqrt(2/(9*kf)), 3)
}

func (s *state) reportStage(ctx context.Context) error {
	if err := s.runner.WriteTimes(); err != nil {
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
	fmt.Fprintf(w, "\nfreefield: %s lattice, m² = %g, flow %s (T = %.3g), seed %d → %s\n\n", s.lat, s.cfg.Field.M2, s.cfg.Flow.Regulator, s.proc.T, s.r.Seed, s.r.Out)
	s.runner.PrintTimes(w)
	fmt.Fprintf(w, "ensemble\tχ = V⟨M²⟩\tU₄\tS/V\tW₂(spectral)\tW₂ null\tverdict\n")
	ro := s.refStats.Obs
	fmt.Fprintf(w, "reference (exact, N=%d)\t%.4g ± %.2g\t%.3g ± %.2g\t%.5g ± %.2g\t\t\t(1/m² = %.4g)\n", s.ref.Len(),
		ro.Chi.Value, ro.Chi.Err, ro.Binder.Value, ro.Binder.Err, ro.ActionDensity.Value, ro.ActionDensity.Err, 1/s.cfg.Field.M2)
	for _, m := range s.methods {
		c := s.comps[m.Name]
		if c == nil {
			continue
		}
		chi, u4, sd := pipeline.Observable(c, "Chi"), pipeline.Observable(c, "Binder"), pipeline.Observable(c, "ActionDensity")
		v := "pass"
		if !c.Verdict.Pass {
			v = "FAIL"
		}
		fmt.Fprintf(w, "%s\t%.4g ± %.2g\t%.3g ± %.2g\t%.5g ± %.2g\t%.3g\t%.3g\t%s\n", m.Name, chi.Gen, chi.GenErr, u4.Gen, u4.GenErr, sd.Gen, sd.GenErr,
			c.W2Spectral, c.W2SpectralNull, v)
	}
	w.Flush()
	fmt.Fprintf(s.r.Stdout, "\nacceptance checks:\n")
	var failed []string
	for _, group := range []string{"flow", "gradflow", "inverse_rg_exact", "learned"} {
		failed = append(failed, pipeline.PrintChecks(s.r.Stdout, 42, s.checks[group])...)
	}
	for _, m := range s.methods {
		if c := s.comps[m.Name]; c != nil && !c.Verdict.Pass {
			var names []string
			for _, ch := range c.Verdict.Checks {
				if !ch.Pass {
					names = append(names, ch.Name)
				}
			}
			fmt.Fprintf(s.r.Stdout, "  note  %s: comparison checks failed: %s\n", m.Name, strings.Join(names, ", "))
		}
	}
	for _, r := range s.grad {
		if m, _ := wgrad.ParseMethod(r.method); !m.Metropolised() {
			fmt.Fprintf(s.r.Stdout, "  note  gradflow %s: last snapshot against the exact equilibrium p = %.3g (the scheme's stationary bias G/(1 − hΩ/2), h = %g; MALA removes it)\n",
				r.method, r.finalP, s.cfg.GradFlow.Step)
		} else {
			minP := 1.0
			for _, p := range r.specP {
				minP = math.Min(minP, p)
			}
			fmt.Fprintf(s.r.Stdout, "  note  gradflow %s: acceptance %.4f; smallest p-value of the spectra against the continuous-time flow %.3g (rejections slow the transient)\n", r.method, r.acceptance, minP)
		}
	}
	if len(failed) == 0 {
		fmt.Fprintf(s.r.Stdout, "\nall acceptance checks passed.\n")
	} else {
		fmt.Fprintf(s.r.Stdout, "\n%d acceptance check(s) FAILED: %s\n", len(failed), strings.Join(failed, "; "))
	}
	all := len(failed) == 0
	return s.out.F.SetAttr("/", "checks_passed", all)
}
