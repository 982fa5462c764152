// Copyright ©2026 The rgflow Authors. All rights reserved.

package pipeline

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/stat/distuv"

	"rgflow/generative/evaluate"
)

// FamilyRate is the false-alarm probability that the statistical
// acceptance checks of one run share: a correct sampler fails one of them
// in at most this fraction of runs. Each of a family of n statistical
// checks gets FamilyRate/n (Bonferroni: the union bound, valid whatever
// the correlations between the checks), and its threshold is the quantile
// of its statistic at that probability. 10⁻³ keeps the family well under
// the 1% the runs promise even where a statistic's error is itself an
// estimate (the measured rate is in docs/testing.md).
const FamilyRate = 1e-3

// Family shares a false-alarm probability among the statistical checks
// of a run.
type Family struct {
	Rate float64 // the family's false-alarm probability (0: FamilyRate)
	N    int     // the number of statistical checks sharing it (≥ 1)
}

// Alpha returns the false-alarm probability of one check of f:
// Rate/N.
func (f Family) Alpha() float64 {
	r := f.Rate
	if r == 0 {
		r = FamilyRate
	}
	return r / float64(max(f.N, 1))
}

// ZQuantile returns the two-sided threshold of a standard normal z-score
// at false-alarm probability alpha: P(|z| > ZQuantile(alpha)) = alpha.
func ZQuantile(alpha float64) float64 {
	return distuv.UnitNormal.Quantile(1 - alpha/2)
}

// ZBar returns a Check that the largest |z| of n normal z-scores is at
// most ZQuantile(alpha/n): a statistical check with false-alarm
// probability at most alpha (n = 1: a single z-score).
func ZBar(name string, z float64, n int, alpha float64, rule string) Check {
	t := ZQuantile(alpha / float64(max(n, 1)))
	c := Bar(name, math.Abs(z), t, fmt.Sprintf("%s: |z| ≤ %.3g", rule, t))
	c.Alpha = alpha
	return c
}

// Chi2Bar returns a Check that a χ² statistic with dof degrees of freedom
// stays under its 1 − alpha quantile: false-alarm probability alpha.
func Chi2Bar(name string, chi2 float64, dof int, alpha float64, rule string) Check {
	t := distuv.ChiSquared{K: float64(dof)}.Quantile(1 - alpha)
	c := Bar(name, chi2, t, fmt.Sprintf("%s: χ² over %d degrees of freedom ≤ its %.4g%% quantile", rule, dof, 100*(1-alpha)))
	c.Alpha = alpha
	return c
}

// PBar returns a Check that the smallest of n p-values is at least
// alpha/n: false-alarm probability at most alpha for p-values uniform
// under a correct sampler (n = 1: a single p-value).
func PBar(name string, p float64, n int, alpha float64, rule string) Check {
	t := alpha / float64(max(n, 1))
	return Check{Name: name, Value: p, Threshold: t, Pass: p >= t, Alpha: alpha,
		Rule: fmt.Sprintf("%s: p ≥ %.3g", rule, t)}
}

// Tolerance returns a Check that value ≤ tol where value is a noisy
// estimate and tol a fixed tolerance, not the quantile of a test: its
// false-alarm probability depends on the sample sizes and is not stated
// (Alpha NaN); docs/testing.md gives the measured rate.
func Tolerance(name string, value, tol float64, rule string) Check {
	c := Bar(name, value, tol, rule)
	c.Alpha = math.NaN()
	return c
}

// FalseAlarm returns the false-alarm probability of a family of checks
// for a correct sampler, bounded by the sum of the statistical checks'
// Alpha (the union bound), the number of statistical checks and the
// number of tolerances on noisy quantities, whose rate is not part of the
// bound.
func FalseAlarm(groups ...[]Check) (rate float64, tests, tolerances int) {
	for _, cs := range groups {
		for _, c := range cs {
			switch {
			case math.IsNaN(c.Alpha):
				tolerances++
			case c.Alpha > 0:
				rate += c.Alpha
				tests++
			}
		}
	}
	return rate, tests, tolerances
}

// FalseAlarmLine is the summary's line on the family's false-alarm
// probability.
func FalseAlarmLine(rate float64, tests, tolerances int) string {
	s := fmt.Sprintf("false-alarm probability of the %d statistical checks for a correct sampler ≤ %.2g (union bound)", tests, rate)
	if tolerances > 0 {
		s += fmt.Sprintf("; %d tolerance(s) on noisy estimates not included (docs/testing.md)", tolerances)
	}
	return s
}

// falseAlarmOf is the union bound on the false-alarm probability of a
// comparison's verdict with the program's extra checks.
func falseAlarmOf(v evaluate.Verdict, extra []Check) float64 {
	r, _, _ := FalseAlarm(checksOf(v), extra)
	return r
}

// alphaText states a check's false-alarm probability in words.
func alphaText(a float64) string {
	switch {
	case math.IsNaN(a):
		return "a tolerance on a noisy estimate: false-alarm probability measured, not stated"
	case a == 0:
		return "no sampling noise"
	}
	return fmt.Sprintf("false-alarm probability %.2g", a)
}

// alphaTag is alphaText in the few words of a summary line.
func alphaTag(a float64) string {
	switch {
	case math.IsNaN(a):
		return "tolerance, rate measured"
	case a == 0:
		return "no sampling noise"
	}
	return fmt.Sprintf("false alarm %.2g", a)
}
