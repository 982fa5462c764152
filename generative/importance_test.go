// Copyright ©2026 The rgflow Authors. All rights reserved.

package generative

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// TestWeightsHand checks the estimators on weights small enough to work
// out by hand, and their invariance under a common shift of log w (the
// weights are held relative to the largest).
func TestWeightsHand(t *testing.T) {
	for _, shift := range []float64{0, 1e4, -1e4} {
		// shift + ln 2 is rounded to the spacing of floats near the shift
		// (2·10⁻¹² at 10⁴), which bounds the agreement of the shifted cases.
		tol := 1e-14
		if shift != 0 {
			tol = 1e-11
		}
		lw := []float64{shift, shift, shift + math.Ln2, math.Inf(-1)}
		w, err := NewWeights(lw)
		if err != nil {
			t.Fatal(err)
		}
		// w = 1, 1, 2, 0: Σw = 4, Σw² = 6.
		if got, want := w.ESS(), 16.0/(4*6); math.Abs(got-want) > tol {
			t.Errorf("shift %v: ESS/N %v, want %v", shift, got, want)
		}
		z, ze := w.LogZ()
		if want := shift; math.Abs(z-want) > 1e-12*math.Max(1, math.Abs(want)) {
			t.Errorf("shift %v: log Ẑ %v, want %v", shift, z, want)
		}
		// sd of (1, 1, 2, 0) = √(2/3); mean 1: error √(2/3)/2.
		if want := math.Sqrt(2.0/3) / 2; math.Abs(ze-want) > tol {
			t.Errorf("shift %v: error of log Ẑ %v, want %v", shift, ze, want)
		}
		m, me := w.Mean([]float64{1, 2, 3, 100})
		// (1 + 2 + 6)/4 = 2.25; Σ w²(x − m)² = 1.5625 + 0.0625 + 2.25 = 3.875.
		if math.Abs(m-2.25) > tol || math.Abs(me-math.Sqrt(3.875)/4) > tol {
			t.Errorf("shift %v: mean %v ± %v, want 2.25 ± %v", shift, m, me, math.Sqrt(3.875)/4)
		}
		if v := w.VarLogW(); math.Abs(v-math.Ln2*math.Ln2/3) > 1e3*tol {
			t.Errorf("shift %v: var log w %v, want %v", shift, v, math.Ln2*math.Ln2/3)
		}
	}
}

// TestWeightsErrors checks every error path of the estimators: clear
// errors, never a NaN result.
func TestWeightsErrors(t *testing.T) {
	inf := math.Inf(1)
	for _, c := range []struct {
		lw   []float64
		want string
	}{
		{nil, "no proposals"},
		{[]float64{0, math.NaN()}, "proposal 1 is NaN"},
		{[]float64{inf, 0}, "proposal 0 is +Inf"},
		{[]float64{-inf, -inf}, "all 2 importance weights are zero"},
	} {
		if _, err := NewWeights(c.lw); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: error %v, want one containing %q", c.lw, err, c.want)
		}
		if _, err := NewIMH(c.lw, rand.New(rand.NewPCG(1, 1))); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("IMH %v: error %v, want one containing %q", c.lw, err, c.want)
		}
	}
	w, _ := NewWeights([]float64{0, -inf, -inf, -inf})
	id := func(m []float64) float64 { return m[0] }
	if _, _, err := w.Jackknife(id, 2, [][]float64{{1, 2, 3, 4}}); err == nil || !strings.Contains(err.Error(), "holds all the weight") {
		t.Errorf("degenerate jackknife: error %v", err)
	}
	if _, _, err := w.Jackknife(id, 5, [][]float64{{1, 2, 3, 4}}); err == nil {
		t.Errorf("jackknife with 5 bins of 4 proposals: no error")
	}
	if _, _, err := w.Jackknife(id, 2, [][]float64{{1, 2, 3}}); err == nil {
		t.Errorf("jackknife with 3 values for 4 weights: no error")
	}
	if _, e := w.LogZ(); math.IsNaN(e) {
		t.Errorf("degenerate weights: error of log Ẑ is NaN")
	}
}

// gaussTarget draws n proposals x ~ N(0, 1) and returns them with their
// log-weights against the unnormalised target exp(−(x − μ)²/(2s²)), whose
// normalisation is Z = √(2π)·s: log w = −(x−μ)²/(2s²) − log N(x; 0, 1).
func gaussTarget(n int, mu, s float64, seed uint64) (x, lw []float64) {
	rnd := rand.New(rand.NewPCG(seed, 5))
	x, lw = make([]float64, n), make([]float64, n)
	for i := range x {
		v := rnd.NormFloat64()
		x[i] = v
		lw[i] = -(v-mu)*(v-mu)/(2*s*s) + 0.5*v*v + 0.5*math.Log(2*math.Pi)
	}
	return x, lw
}

// TestImportanceKnownTarget checks reweighting, the free energy and the
// IMH chain on a one-dimensional Gaussian target from a Gaussian proposal
// of the wrong mean and width, where everything is known: ⟨x⟩ = μ,
// ⟨(x−μ)²⟩ = s², P(x < μ) = ½ and Z = √(2π)s. Each estimate must lie within
// 4 of its standard errors (Γ-method errors for the chain, whose τ_int > ½
// shows the rejections; fixed seed; a 6·10⁻⁵ two-sided false-alarm
// probability per check for Gaussian estimators).
func TestImportanceKnownTarget(t *testing.T) {
	const n, mu, s = 200000, 0.5, 0.8
	x, lw := gaussTarget(n, mu, s, 3)
	w, err := NewWeights(lw)
	if err != nil {
		t.Fatal(err)
	}
	obs := map[string][2][]float64{}
	sq, below := make([]float64, n), make([]float64, n)
	for i, v := range x {
		sq[i] = (v - mu) * (v - mu)
		if v < mu {
			below[i] = 1
		}
	}
	want := map[string]float64{"x": mu, "(x-μ)²": s * s, "P(x<μ)": 0.5}
	obs["x"] = [2][]float64{x}
	obs["(x-μ)²"] = [2][]float64{sq}
	obs["P(x<μ)"] = [2][]float64{below}
	c, err := NewIMH(lw, rand.New(rand.NewPCG(9, 9)))
	if err != nil {
		t.Fatal(err)
	}
	for name, o := range obs {
		m, e := w.Mean(o[0])
		if math.Abs(m-want[name]) > 4*e {
			t.Errorf("reweighted ⟨%s⟩ = %v ± %v, exact %v", name, m, e, want[name])
		}
		est, err := c.Mean(o[0])
		if err != nil {
			t.Fatalf("IMH ⟨%s⟩: %v", name, err)
		}
		if math.Abs(est.Value-want[name]) > 4*est.Err {
			t.Errorf("IMH ⟨%s⟩ = %v, exact %v", name, est, want[name])
		}
		if !(est.TauInt > 0.5) {
			t.Errorf("IMH ⟨%s⟩: τ_int = %v, an IMH chain that rejects has τ_int > ½", name, est.TauInt)
		}
	}
	// The ratio ⟨x²⟩/⟨x⟩ = (s² + μ²)/μ by the reweighted jackknife.
	x2 := make([]float64, n)
	for i, v := range x {
		x2[i] = v * v
	}
	r, re, err := w.Jackknife(func(m []float64) float64 { return m[1] / m[0] }, 100, [][]float64{x, x2})
	if err != nil {
		t.Fatal(err)
	}
	if wr := (s*s + mu*mu) / mu; math.Abs(r-wr) > 4*re {
		t.Errorf("reweighted ⟨x²⟩/⟨x⟩ = %v ± %v, exact %v", r, re, wr)
	}
	z, ze := w.LogZ()
	if wz := 0.5*math.Log(2*math.Pi) + math.Log(s); math.Abs(z-wz) > 4*ze {
		t.Errorf("log Ẑ = %v ± %v, exact %v", z, ze, wz)
	}
	// Acceptance: E[min(1, w'/w)] for this pair; only its range is known
	// in closed form, and a chain over unequal weights must reject some.
	if a := c.Acceptance(); !(a > 0.3 && a < 1) {
		t.Errorf("IMH acceptance %v", a)
	}
	if ess := w.ESS(); !(ess > 0.3 && ess < 1) {
		t.Errorf("ESS/N %v", ess)
	}
}

// TestIMHExactProposal checks that a chain over constant weights accepts
// every proposal: it is then the proposal sequence itself.
func TestIMHExactProposal(t *testing.T) {
	lw := []float64{3, 3, 3, 3, 3}
	c, err := NewIMH(lw, rand.New(rand.NewPCG(1, 2)))
	if err != nil {
		t.Fatal(err)
	}
	if c.Acceptance() != 1 {
		t.Errorf("acceptance %v, want 1", c.Acceptance())
	}
	for s, i := range c.Index {
		if i != s {
			t.Errorf("step %d on proposal %d", s, i)
		}
	}
}
