// Copyright ©2026 The rgflow Authors. All rights reserved.

package pipeline

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/stat/distuv"
)

// TestBarThresholds checks the thresholds of the statistical checks
// against the quantiles they stand for: the two-sided normal 5% point
// 1.959963984540054, the χ²₄ 99.9% point 18.46682695290317 (both from
// tables), a p-value bar at α/n, and the family's share.
func TestBarThresholds(t *testing.T) {
	if z := ZQuantile(0.05); math.Abs(z-1.959963984540054) > 1e-12 {
		t.Errorf("ZQuantile(0.05) = %v, want 1.959963984540054", z)
	}
	c := ZBar("z", -2.5, 1, 0.05, "r")
	if c.Pass || c.Value != 2.5 || c.Alpha != 0.05 {
		t.Errorf("ZBar(−2.5, α = 0.05) = %+v, want a failure of |z| = 2.5 with Alpha 0.05", c)
	}
	// The largest of 10 z-scores at family α = 0.5: each at 0.05.
	if c := ZBar("z", 1.9, 10, 0.5, "r"); !c.Pass || math.Abs(c.Threshold-1.959963984540054) > 1e-12 || c.Alpha != 0.5 {
		t.Errorf("ZBar over 10 at α = 0.5: %+v, want threshold 1.95996 and Alpha 0.5", c)
	}
	if c := Chi2Bar("c", 18.4, 4, 1e-3, "r"); !c.Pass || math.Abs(c.Threshold-18.46682695290317) > 1e-9 {
		t.Errorf("Chi2Bar(18.4, 4, 10⁻³) = %+v, want a pass under 18.4668", c)
	}
	if c := PBar("p", 0.009, 5, 0.05, "r"); c.Pass || c.Threshold != 0.01 || c.Alpha != 0.05 {
		t.Errorf("PBar(0.009, 5, 0.05) = %+v, want a failure at threshold 0.01", c)
	}
	if c := Tolerance("t", 0.01, 0.05, "r"); !c.Pass || !math.IsNaN(c.Alpha) {
		t.Errorf("Tolerance = %+v, want a pass with Alpha NaN", c)
	}
	if a := (Family{N: 4}).Alpha(); a != FamilyRate/4 {
		t.Errorf("Family{N: 4}.Alpha() = %v, want %v", a, FamilyRate/4)
	}
	if a := (Family{Rate: 0.02, N: 0}).Alpha(); a != 0.02 {
		t.Errorf("Family{Rate: 0.02}.Alpha() = %v, want 0.02 (an empty family is one check)", a)
	}
	r, tests, tols := FalseAlarm([]Check{ZBar("a", 0, 1, 1e-3, ""), Bar("b", 0, 1, "")}, []Check{PBar("c", 1, 1, 2e-3, ""), Tolerance("d", 0, 1, "")})
	if math.Abs(r-3e-3) > 1e-15 || tests != 2 || tols != 1 {
		t.Errorf("FalseAlarm = %v, %d tests, %d tolerances; want 0.003, 2, 1", r, tests, tols)
	}
}

// TestBarFalseAlarmRates draws the statistics of a correct sampler (a
// standard normal z, a χ²₃, a uniform p-value) and counts how often each
// bar fails at α = 0.02: the count of 10⁵ draws is binomial with mean 2000
// and standard deviation 44, and must be within 5 of them (probability
// 1 − 6·10⁻⁷ each).
func TestBarFalseAlarmRates(t *testing.T) {
	const n, alpha = 100000, 0.02
	rnd := rand.New(rand.NewPCG(3, 4))
	chi := distuv.ChiSquared{K: 3, Src: rand.New(rand.NewPCG(5, 6))}
	var fz, fz4, fc, fp int
	for range n {
		if !ZBar("", rnd.NormFloat64(), 1, alpha, "").Pass {
			fz++
		}
		// The largest |z| of four: Bonferroni bounds its rate by α, and
		// for independent z-scores it is 1 − (1 − α/4)⁴ = 0.019850.
		zm := 0.0
		for range 4 {
			zm = math.Max(zm, math.Abs(rnd.NormFloat64()))
		}
		if !ZBar("", zm, 4, alpha, "").Pass {
			fz4++
		}
		if !Chi2Bar("", chi.Rand(), 3, alpha, "").Pass {
			fc++
		}
		if !PBar("", rnd.Float64(), 1, alpha, "").Pass {
			fp++
		}
	}
	sd := math.Sqrt(n * alpha * (1 - alpha))
	for _, c := range []struct {
		name string
		k    int
		want float64
	}{{"ZBar", fz, alpha}, {"ZBar of 4", fz4, 1 - math.Pow(1-alpha/4, 4)}, {"Chi2Bar", fc, alpha}, {"PBar", fp, alpha}} {
		if math.Abs(float64(c.k)-n*c.want) > 5*sd {
			t.Errorf("%s: %d failures in %d draws, want %.0f ± %.0f", c.name, c.k, n, n*c.want, sd)
		}
	}
}
