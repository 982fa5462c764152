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
	// Confidence of the χ² tests (spectrum, M histogram); 0 means 0.999.
	Confidence float64
	// ZMax bounds |z| of every observable; 0 means 4.
	ZMax float64
	// W2Factor: a W₂ passes if ≤ W2Factor × its null yardstick; 0 means 3.
	W2Factor float64
	// KLFactor: the Gaussian-part KL passes if ≤ KLFactor × its null
	// yardstick; 0 means 3.
	KLFactor float64
}

func (t *Thresholds) defaults() {
	if t.Confidence == 0 {
		t.Confidence = 0.999
	}
	if t.ZMax == 0 {
		t.ZMax = 4
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

func (v *Verdict) add(name, rule string, value, threshold float64, pass bool) {
	v.Checks = append(v.Checks, Check{Name: name, Value: value, Threshold: threshold, Pass: pass, Rule: rule})
}

// judge fills the verdict.
func (c *Comparison) judge(th Thresholds) {
	v := &c.Verdict
	q := func(dof int) float64 { return distuv.ChiSquared{K: float64(dof)}.Quantile(th.Confidence) }
	if c.SpectrumDOF > 0 {
		t := q(c.SpectrumDOF)
		v.add("spectrum_ratio_chi2", fmt.Sprintf("χ² of (ratio − 1)/error over %d shells ≤ χ²_%d quantile at %g", c.SpectrumDOF, c.SpectrumDOF, th.Confidence), c.SpectrumChi2, t, c.SpectrumChi2 <= t)
	}
	for _, o := range c.Observables {
		v.add("z_"+o.Name, "|z| ≤ ZMax", math.Abs(o.Z), th.ZMax, math.Abs(o.Z) <= th.ZMax)
	}
	if c.HistDOF > 0 {
		t := q(c.HistDOF)
		v.add("m_histogram_chi2", fmt.Sprintf("two-sample χ² over %d bins ≤ χ² quantile at %g", c.HistDOF+1, th.Confidence), c.HistChi2, t, c.HistChi2 <= t)
	}
	v.add("m_sign_symmetry_z", "|z| of ⟨sign M⟩_gen − ⟨sign M⟩_ref ≤ ZMax", math.Abs(c.SignZ), th.ZMax, math.Abs(c.SignZ) <= th.ZMax)
	w2 := func(name string, d, null float64) {
		if math.IsNaN(d) {
			return
		}
		t := th.W2Factor * null
		v.add(name, "distance ≤ W2Factor × null yardstick", d, t, d <= t)
	}
	w2("w2_spectral", c.W2Spectral, c.W2SpectralNull)
	w2("w2_m", c.W2M, c.W2MNull)
	w2("w2_action", c.W2Action, c.W2ActionNull)
	w2("sliced_w2", c.SlicedW2, c.SlicedW2Null)
	t := th.KLFactor * c.KLGaussNull
	v.add("kl_gauss", "KL ≤ KLFactor × null yardstick", c.KLGauss, t, c.KLGauss <= t)
	if d := c.Denoise; d != nil && len(d.Names) > 1 {
		for s := 1; s < len(d.Names); s++ {
			m, e := d.MeanDiff(s)
			v.add("denoise_"+d.Names[s]+"_vs_"+d.Names[0], fmt.Sprintf("time-averaged MSE difference ≤ ZMax × its error (%s no worse than %s)", d.Names[s], d.Names[0]), m, th.ZMax*e, m <= th.ZMax*e)
		}
	}
	v.Pass = true
	for _, ch := range v.Checks {
		v.Pass = v.Pass && ch.Pass
	}
}
