// Copyright ©2026 The rgflow Authors. All rights reserved.

package evaluate

import (
	"fmt"
	"math"
	"strings"

	"gonum.org/v1/gonum/stat/distuv"
)

// Thresholds are the pass rules of a Verdict.
type Thresholds struct {
	// FalseAlarm is the probability that the verdict of two ensembles of
	// one law fails one of its statistical checks (the χ² tests and the
	// z-scores); 0 means DefaultFalseAlarm. Each of the n statistical
	// checks of a comparison gets FalseAlarm/n (Bonferroni: the union
	// bound, whatever their correlations), which sets Confidence and ZMax
	// where they are 0.
	FalseAlarm float64
	// Confidence of the χ² tests (spectrum, M histogram); 0 means
	// 1 − FalseAlarm/n.
	Confidence float64
	// ZMax bounds |z| of every observable; 0 means the two-sided
	// standard-normal quantile at FalseAlarm/n (3.87 for the nine checks
	// of a comparison with a denoising curve).
	ZMax float64
	// W2Factor: a W₂ passes if ≤ W2Factor × its null yardstick; 0 means 3.
	W2Factor float64
	// KLFactor: the Gaussian-part KL passes if ≤ KLFactor × its null
	// yardstick; 0 means 3.
	KLFactor float64
}

// DefaultFalseAlarm is the default Thresholds.FalseAlarm.
const DefaultFalseAlarm = 1e-3

func (t *Thresholds) defaults() {
	if t.FalseAlarm == 0 {
		t.FalseAlarm = DefaultFalseAlarm
	}
	if t.W2Factor == 0 {
		t.W2Factor = 3
	}
	if t.KLFactor == 0 {
		t.KLFactor = 3
	}
}

// Check is one named pass/fail rule of a Verdict.
type Check struct {
	Name      string
	Value     float64
	Threshold float64
	Pass      bool
	// Rule says how Value is compared with Threshold.
	Rule string
	// Alpha is the probability that the check fails when both ensembles
	// are drawn from one law (its false-alarm probability), from the
	// statistic's null distribution: 1 − Confidence for a χ² test,
	// P(|z| > ZMax) of a standard normal for a z-score. It is NaN for the
	// distance checks (a distance against a multiple of its null
	// yardstick), whose rate is not given by a distribution; their
	// measured rate is in docs/testing.md.
	Alpha float64
}

// Verdict is the outcome of a comparison: every check and whether all
// passed.
type Verdict struct {
	Pass   bool
	Checks []Check
}

// String formats the verdict as one line per check,
// "pass|FAIL  name  value (threshold)  rule", and a last line with the
// outcome.
func (v Verdict) String() string {
	var b strings.Builder
	w := 0
	for _, c := range v.Checks {
		w = max(w, len(c.Name))
	}
	for _, c := range v.Checks {
		mark := "pass"
		if !c.Pass {
			mark = "FAIL"
		}
		fmt.Fprintf(&b, "%s  %-*s  %-11.4g %-22s %s\n", mark, w, c.Name, c.Value, fmt.Sprintf("(threshold %.4g)", c.Threshold), c.Rule)
	}
	if v.Pass {
		fmt.Fprintf(&b, "verdict: pass (%d checks)", len(v.Checks))
	} else {
		n := 0
		for _, c := range v.Checks {
			if !c.Pass {
				n++
			}
		}
		fmt.Fprintf(&b, "verdict: FAIL (%d of %d checks failed)", n, len(v.Checks))
	}
	return b.String()
}

func (v *Verdict) add(name, rule string, value, threshold float64, pass bool, alpha float64) {
	v.Checks = append(v.Checks, Check{Name: name, Value: value, Threshold: threshold, Pass: pass, Rule: rule, Alpha: alpha})
}

// FalseAlarm returns the union bound on the probability that a verdict of
// two ensembles of one law fails: the sum of the statistical checks'
// Alpha. The distance checks (Alpha NaN) are not in it.
func (v Verdict) FalseAlarm() float64 {
	r := 0.0
	for _, c := range v.Checks {
		if c.Alpha > 0 {
			r += c.Alpha
		}
	}
	return r
}

// share sets the thresholds left at 0 from the false-alarm probability
// FalseAlarm/n of each of n statistical checks.
func (t *Thresholds) share(n int) {
	a := t.FalseAlarm / float64(max(n, 1))
	if t.Confidence == 0 {
		t.Confidence = 1 - a
	}
	if t.ZMax == 0 {
		t.ZMax = distuv.UnitNormal.Quantile(1 - a/2)
	}
}

// statChecks returns the number of statistical checks of c's verdict.
func (c *Comparison) statChecks() int {
	n := len(c.Observables) + 1 // the z-scores and ⟨sign M⟩
	if c.SpectrumDOF > 0 {
		n++
	}
	if c.HistDOF > 0 {
		n++
	}
	if d := c.Denoise; d != nil && len(d.Names) > 1 {
		n += len(d.Names) - 1
	}
	return n
}

// judge fills the verdict.
func (c *Comparison) judge(th Thresholds) {
	th.share(c.statChecks())
	v := &c.Verdict
	q := func(dof int) float64 { return distuv.ChiSquared{K: float64(dof)}.Quantile(th.Confidence) }
	// False-alarm probabilities of the tests for one law on both sides.
	aChi2 := 1 - th.Confidence
	aZ := 2 * distuv.UnitNormal.Survival(th.ZMax)
	noRate := math.NaN()
	if c.SpectrumDOF > 0 {
		t := q(c.SpectrumDOF)
		v.add("spectrum_ratio_chi2", fmt.Sprintf("χ² of (ratio − 1)/error over %d shells ≤ χ²_%d quantile at %g", c.SpectrumDOF, c.SpectrumDOF, th.Confidence), c.SpectrumChi2, t, c.SpectrumChi2 <= t, aChi2)
	}
	for _, o := range c.Observables {
		v.add("z_"+o.Name, "|z| ≤ ZMax", math.Abs(o.Z), th.ZMax, math.Abs(o.Z) <= th.ZMax, aZ)
	}
	if c.HistDOF > 0 {
		t := q(c.HistDOF)
		v.add("m_histogram_chi2", fmt.Sprintf("Pearson two-sample χ² with %d degrees of freedom ≤ χ²_%d quantile at %g", c.HistDOF, c.HistDOF, th.Confidence), c.HistChi2, t, c.HistChi2 <= t, aChi2)
	}
	v.add("m_sign_symmetry_z", "|z| of ⟨sign M⟩_gen − ⟨sign M⟩_ref ≤ ZMax", math.Abs(c.SignZ), th.ZMax, math.Abs(c.SignZ) <= th.ZMax, aZ)
	w2 := func(name string, d, null float64) {
		if math.IsNaN(d) {
			return
		}
		t := th.W2Factor * null
		v.add(name, "distance ≤ W2Factor × null yardstick", d, t, d <= t, noRate)
	}
	w2("w2_spectral", c.W2Spectral, c.W2SpectralNull)
	w2("w2_m", c.W2M, c.W2MNull)
	w2("w2_action", c.W2Action, c.W2ActionNull)
	w2("sliced_w2", c.SlicedW2, c.SlicedW2Null)
	t := th.KLFactor * c.KLGaussNull
	v.add("kl_gauss", "KL ≤ KLFactor × null yardstick", c.KLGauss, t, c.KLGauss <= t, noRate)
	if d := c.Denoise; d != nil && len(d.Names) > 1 {
		for s := 1; s < len(d.Names); s++ {
			m, e := d.MeanDiff(s)
			v.add("denoise_"+d.Names[s]+"_vs_"+d.Names[0], fmt.Sprintf("time-averaged MSE difference ≤ ZMax × its error (%s no worse than %s)", d.Names[s], d.Names[0]), m, th.ZMax*e, m <= th.ZMax*e, aZ/2)
		}
	}
	v.Pass = true
	for _, ch := range v.Checks {
		v.Pass = v.Pass && ch.Pass
	}
}
