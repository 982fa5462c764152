// Copyright ©2026 The rgflow Authors. All rights reserved.

package pipeline

import (
	"fmt"
	"math"
	"strings"

	"rgflow/generative/evaluate"
	"rgflow/internal/h5io"
)

// WriteComparison writes /comparison/<method> for c (the layout of
// docs/hdf5-schema.md) and the generated ensemble's own statistics under
// /generated/<method>; reference names the /ensemble the method was
// compared with. extra are experiment-level checks (the run's acceptance
// bars) added to the verdict.
func (o *Out) WriteComparison(method, reference string, c *evaluate.Comparison, gen *Stats, extra []Check) error {
	if gen != nil {
		if err := o.WriteStats("/generated/"+method, gen); err != nil {
			return err
		}
	}
	g := "/comparison/" + method
	if err := o.F.CreateGroup(g, comparisonAttrs(method, reference, c, extra)); err != nil {
		return err
	}
	if err := o.writeComparisonData(g, c); err != nil {
		return err
	}
	if err := o.writeCheckTable(g, append(checksOf(c.Verdict), extra...)); err != nil {
		return err
	}
	if c.Denoise != nil {
		if err := o.writeDenoise("/generated/"+method, c.Denoise); err != nil {
			return err
		}
	}
	return nil
}

// comparisonAttrs are the attributes of /comparison/<method>: the verdict
// (the comparison's own checks and the extra ones), its criteria and the
// scalar statistics.
func comparisonAttrs(method, reference string, c *evaluate.Comparison, extra []Check) map[string]any {
	pass := c.Verdict.Pass
	var failed []string
	for _, ch := range c.Verdict.Checks {
		if !ch.Pass {
			failed = append(failed, ch.Name)
		}
	}
	for _, ch := range extra {
		if !ch.Pass {
			pass = false
			failed = append(failed, ch.Name)
		}
	}
	verdict := "pass"
	if !pass {
		verdict = "fail: " + strings.Join(failed, ", ")
	}
	var crit []string
	for _, ch := range c.Verdict.Checks {
		crit = append(crit, fmt.Sprintf("%s: %s %.4g", ch.Name, ch.Rule, ch.Threshold))
	}
	for _, ch := range extra {
		crit = append(crit, fmt.Sprintf("%s: %s", ch.Name, ch.Rule))
	}
	attrs := map[string]any{
		"reference": reference, "generated": "/generated/" + method,
		"verdict": verdict, "criteria": strings.Join(crit, "; "),
		"n_reference": int64(c.NRef), "n_generated": int64(c.NGen),
		"spectrum_chi2": c.SpectrumChi2, "spectrum_dof": int64(c.SpectrumDOF),
		"hist_chi2": c.HistChi2, "hist_dof": int64(c.HistDOF),
		"sign_reference": c.RefSign, "sign_reference_error": c.RefSignErr,
		"sign_generated": c.GenSign, "sign_generated_error": c.GenSignErr, "sign_z": c.SignZ,
		"warnings":         strings.Join(c.Warnings, "; "),
		"false_alarm_rate": falseAlarmOf(c.Verdict, extra),
		"description":      "the generated ensemble against the reference: spectrum ratio, observable z-scores, M histogram, W₂ and KL with null yardsticks (between halves of the reference), verdict",
	}
	return attrs
}

// writeComparisonData writes the datasets of the comparison group g: the
// spectra by shell, the distances with their null yardsticks, the z-scores
// and the M histograms.
func (o *Out) writeComparisonData(g string, c *evaluate.Comparison) error {
	shell := func(name, units, desc string, v []float64) error {
		_, err := o.F.Put(g+"/"+name, h5io.Spec{Units: units, Description: desc, Dims: []string{"shell"}, Scales: []string{ShellScale}}, v)
		return err
	}
	for _, d := range []struct {
		name, units, desc string
		v                 []float64
	}{
		{"spectrum_ratio", "1", "G_generated/G_reference per shell", c.Ratio},
		{"spectrum_ratio_error", "1", "one standard error of spectrum_ratio", c.RatioErr},
		{"spectrum_reference", "lattice units^2", "shell spectrum of the reference", c.RefShell},
		{"spectrum_generated", "lattice units^2", "shell spectrum of the generated ensemble", c.GenShell},
	} {
		if err := shell(d.name, d.units, d.desc, d.v); err != nil {
			return err
		}
	}
	scalar := func(name, units, desc, method string, v, null float64) error {
		d, err := o.F.Put(g+"/"+name, h5io.Spec{Units: units, Description: desc, Shape: []int64{}}, []float64{v})
		if err != nil {
			return err
		}
		if err := d.SetAttr("null", null); err != nil {
			return err
		}
		return d.SetAttr("method", method)
	}
	for _, d := range []struct {
		name, units, desc, method string
		v, null                   float64
	}{
		{"w2", "lattice units", "W₂ between the Gaussian parts of the two ensembles, [Σ_k(√G_ref − √G_gen)²]^½", "spectral closed form", c.W2Spectral, c.W2SpectralNull},
		{"w2_magnetization", "1", "exact 1-D W₂ between the distributions of M", "sorted samples", c.W2M, c.W2MNull},
		{"w2_action_density", "1", "exact 1-D W₂ between the distributions of S/V", "sorted samples", c.W2Action, c.W2ActionNull},
		{"w2_sliced", "lattice units", "sliced W₂ over random directions in field space", "sliced", c.SlicedW2, c.SlicedW2Null},
		{"kl", "nats", "KL(generated ‖ reference) of the Gaussian parts, ½Σ_k(r−1−ln r), r = G_gen/G_ref", "spectral closed form", c.KLGauss, c.KLGaussNull},
	} {
		if err := scalar(d.name, d.units, d.desc, d.method, d.v, d.null); err != nil {
			return err
		}
	}
	if err := o.F.CreateGroup(g+"/z", map[string]any{"description": "z = (generated − reference)/combined standard error of each estimate"}); err != nil {
		return err
	}
	for _, z := range c.Observables {
		if err := o.F.SetAttr(g+"/z", z.Name, z.Z); err != nil {
			return err
		}
	}
	if len(c.HistEdges) > 0 {
		if _, err := o.F.Put(g+"/hist_edges", h5io.Spec{Units: "1", Description: "bin edges of the M histograms (one more than bins)", Dims: []string{"bin_edge"}}, c.HistEdges); err != nil {
			return err
		}
		for _, d := range []struct {
			name string
			v    []float64
		}{{"hist_reference", c.RefHist}, {"hist_reference_error", c.RefHistErr}, {"hist_generated", c.GenHist}, {"hist_generated_error", c.GenHistErr}} {
			if _, err := o.F.Put(g+"/"+d.name, h5io.Spec{Units: "1", Description: "density of M per bin (" + d.name + ")", Dims: []string{"bin"}}, d.v); err != nil {
				return err
			}
		}
	}
	return nil
}

// writeCheckTable writes <g>/checks: the value, threshold and outcome of
// every check, in the order of the group's names attribute.
func (o *Out) writeCheckTable(g string, all []Check) error {
	names := make([]string, len(all))
	vals := make([]float64, len(all))
	ths := make([]float64, len(all))
	alphas := make([]float64, len(all))
	ok := make([]int64, len(all))
	for i, ch := range all {
		names[i], vals[i], ths[i], alphas[i] = ch.Name, ch.Value, ch.Threshold, ch.Alpha
		if ch.Pass {
			ok[i] = 1
		}
	}
	if err := o.F.CreateGroup(g+"/checks", map[string]any{"names": strings.Join(names, ","),
		"description": "every check of the verdict: value, threshold, pass (1) or fail (0), in the order of names"}); err != nil {
		return err
	}
	for _, d := range []struct {
		name, desc string
		v          any
	}{{"value", "value of each check", vals}, {"threshold", "threshold of each check", ths}, {"pass", "1 where the check passed, 0 where it failed", ok},
		{"false_alarm", "probability that the check fails for a correct sampler: 0 for a check without sampling noise, NaN for a tolerance or distance whose rate is measured (docs/testing.md), not stated", alphas}} {
		if _, err := o.F.Put(g+"/checks/"+d.name, h5io.Spec{Units: "1", Description: d.desc, Dims: []string{"check"}}, d.v); err != nil {
			return err
		}
	}
	return nil
}

func (o *Out) writeDenoise(g string, d *evaluate.DenoiseCurve) error {
	if err := o.F.CreateScale(g+"/denoise_t", "t", d.Times, "1", "flow times of the denoising-error curve"); err != nil {
		return err
	}
	last := len(d.Names) - 1
	for _, x := range []struct {
		name, desc string
		v          []float64
	}{
		{"denoise_mse", "per-site mean squared error of this method's denoiser x̂₀ on held-out data at each t", d.MSE[last]},
		{"denoise_mse_error", "standard error of denoise_mse", d.MSEErr[last]},
		{"denoise_mse_reference", "the same for the reference denoiser (" + d.Names[0] + ")", d.MSE[0]},
		{"denoise_mse_reference_error", "standard error of denoise_mse_reference", d.MSEErr[0]},
		{"denoise_mse_difference", "paired difference denoise_mse − denoise_mse_reference (common random numbers)", d.Diff[last]},
		{"denoise_mse_difference_error", "standard error of the paired difference", d.DiffErr[last]},
	} {
		if _, err := o.F.Put(g+"/"+x.name, h5io.Spec{Units: "lattice units^2", Description: x.desc, Dims: []string{"t"}, Scales: []string{g + "/denoise_t"}}, x.v); err != nil {
			return err
		}
	}
	if d.Shell != nil {
		return o.writeShellDenoise(g, d)
	}
	return nil
}

// writeShellDenoise writes the (t, shell) arrays of d.Shell for the last
// score of d against the first.
func (o *Out) writeShellDenoise(g string, d *evaluate.DenoiseCurve) error {
	sd, last := d.Shell, len(d.Names)-1
	if sd.Shells.Len() != o.Shells.Len() {
		return fmt.Errorf("pipeline: denoising shells: %d shells, the run's spectra have %d", sd.Shells.Len(), o.Shells.Len())
	}
	ref := d.Names[0]
	arrays := []struct {
		name, units, desc string
		v                 [][]float64
	}{
		{"denoise_shell_mse", "lattice units^2", "mean squared error of this method's denoiser x̂₀ per mode of each momentum shell (covariance units) on held-out data", sd.MSE[last]},
		{"denoise_shell_mse_error", "lattice units^2", "standard error of denoise_shell_mse", sd.MSEErr[last]},
		{"denoise_shell_mse_reference", "lattice units^2", "the same for the reference denoiser (" + ref + ")", sd.MSE[0]},
		{"denoise_shell_excess", "1", "relative excess error (MSE − MSE_reference)/MSE_reference per shell, from paired differences", sd.Excess[last]},
		{"denoise_shell_excess_error", "1", "standard error of denoise_shell_excess (delta method)", sd.ExcessErr[last]},
		{"denoise_shell_distance", "1", "E|x̂₀ − x̂₀_reference|²/MSE_reference per shell: the same expectation as denoise_shell_excess when the reference is the exact posterior mean, without the noise of x₀", sd.Dist[last]},
		{"denoise_shell_distance_error", "1", "standard error of denoise_shell_distance (delta method)", sd.DistErr[last]},
		{"score_shell_error", "1", "relative score error E|s − s_reference|²/E|s_reference|² per shell (scores by Tweedie's formula; modes not yet noised left out)", sd.ScoreErr[last]},
		{"score_shell_error_error", "1", "standard error of score_shell_error (delta method)", sd.ScoreErrErr[last]},
		{"denoise_shell_kl_rate", "1", "relative entropy rate per mode ½βσ²E|s − s_reference|² of the score's error per shell (the integrand of the score-matching bound on KL)", sd.KLRate[last]},
		{"denoise_shell_kl_rate_error", "1", "standard error of denoise_shell_kl_rate", sd.KLRateErr[last]},
		{"denoise_shell_kl_linear_rate", "1", "the part of denoise_shell_kl_rate a gain error explains: the rate of the weighted least-squares fit x̂₀ − x̂₀_reference ≈ γ x̃_t, one γ per shell and time", sd.KLLin[last]},
		{"denoise_shell_kl_linear_rate_error", "1", "standard error of denoise_shell_kl_linear_rate (delta method)", sd.KLLinErr[last]},
	}
	for _, a := range arrays {
		flat := make([]float64, 0, len(a.v)*sd.Shells.Len())
		for _, row := range a.v {
			flat = append(flat, row...)
		}
		if _, err := o.F.Put(g+"/"+a.name, h5io.Spec{Shape: []int64{int64(len(a.v)), int64(sd.Shells.Len())}, Units: a.units, Description: a.desc,
			Dims: []string{"t", "shell"}, Scales: []string{g + "/denoise_t", ShellScale}}, flat); err != nil {
			return err
		}
	}
	kl, klErr, _ := d.ShellKL(last)
	lin, linErr, delta := d.ShellKLLin(last)
	for _, a := range []struct {
		name, desc string
		v          []float64
	}{
		{"denoise_shell_kl", "denoise_shell_kl_rate integrated over the recorded times (trapezoid): relative entropy per mode the score's error costs each shell", kl},
		{"denoise_shell_kl_error", "standard error of denoise_shell_kl", klErr},
		{"denoise_shell_kl_linear", "the same for denoise_shell_kl_linear_rate: relative entropy per mode the score's gain error costs each shell", lin},
		{"denoise_shell_kl_linear_error", "standard error of denoise_shell_kl_linear (cells combined as independent)", linErr},
		{"denoise_shell_equivalent", "equivalent spectral error 2√denoise_shell_kl_linear: the relative spectrum error of a Gaussian model whose error costs the shell as much", delta},
	} {
		if _, err := o.F.Put(g+"/"+a.name, h5io.Spec{Units: "1", Description: a.desc, Dims: []string{"shell"}, Scales: []string{ShellScale}}, a.v); err != nil {
			return err
		}
	}
	return nil
}

// Check is an experiment-level acceptance check, printed in the summary
// and stored with the comparison.
type Check struct {
	Name      string
	Value     float64
	Threshold float64
	Pass      bool
	Rule      string
	// Alpha is the probability that the check fails for a correct
	// sampler (its false-alarm probability): > 0 for a statistical test, 0
	// for a check with no sampling noise (a closed form or a numerical
	// identity to its tolerance), NaN for a tolerance on a noisy estimate,
	// whose rate is measured, not stated (Tolerance).
	Alpha float64
}

func checksOf(v evaluate.Verdict) []Check {
	out := make([]Check, len(v.Checks))
	for i, c := range v.Checks {
		out[i] = Check{Name: c.Name, Value: c.Value, Threshold: c.Threshold, Pass: c.Pass, Rule: c.Rule, Alpha: c.Alpha}
	}
	return out
}

// Bar returns a Check that value ≤ threshold, a check with no sampling
// noise (Alpha 0); ZBar, Chi2Bar, PBar and Tolerance make the others.
func Bar(name string, value, threshold float64, rule string) Check {
	return Check{Name: name, Value: value, Threshold: threshold, Pass: value <= threshold && !math.IsNaN(value), Rule: rule}
}

// WriteChecks writes the run-level checks under /checks/<group> and returns
// whether all passed.
func (o *Out) WriteChecks(group string, cs []Check) (bool, error) {
	all := true
	attrs := map[string]any{"description": "acceptance checks of the run: value, threshold, rule, pass"}
	for _, c := range cs {
		all = all && c.Pass
		res := "pass"
		if !c.Pass {
			res = "FAIL"
		}
		attrs[c.Name] = fmt.Sprintf("%s: %.6g (threshold %.6g; %s; %s)", res, c.Value, c.Threshold, c.Rule, alphaText(c.Alpha))
	}
	attrs["all_pass"] = all
	attrs["false_alarm_rate"], _, _ = FalseAlarm(cs)
	if err := o.F.CreateGroup("/checks/"+group, attrs); err != nil {
		return false, err
	}
	return all, nil
}

// DivergenceRatio is the power ratio to the reference on one shell beyond
// which a generated ensemble is called diverged. A sampler that misses
// physics (a Gaussian sampler's fields in the broken phase of φ⁴, which
// coarsen into domains under a later flow) moves the ratio by factors of
// ten or so; an unstable reverse sampler (too few steps of an explicit SDE
// method) moves it by many orders of magnitude. 10³ lies between the two.
const DivergenceRatio = 1e3

// Divergence returns a warning naming the sampler settings (the config
// keys methodKey and stepsKey with their values) when a shell of the
// generated spectrum is off from the reference's by more than
// DivergenceRatio either way or is not finite, else "".
func Divergence(ratio []float64, method string, steps int, methodKey, stepsKey string) string {
	for k, r := range ratio {
		if !(r < DivergenceRatio && r > 1/DivergenceRatio) {
			return fmt.Sprintf("shell %d has %.3g× the reference's power: the reverse sampler diverged (%s = %s, %s = %d; raise %s or use %s = ancestral)", k, r, methodKey, method, stepsKey, steps, stepsKey, methodKey)
		}
	}
	return ""
}
