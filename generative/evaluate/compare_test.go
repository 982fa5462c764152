// Copyright ©2026 The rgflow Authors. All rights reserved.

package evaluate

import (
	"math"
	"strings"
	"testing"

	"rgflow/field"
	"rgflow/internal/rng"
	"rgflow/lattice"
)

// freeEnsemble returns n exact free-field samples of mass² m2 on l.
func freeEnsemble(t *testing.T, l *lattice.Lattice, m2 float64, n int, seed uint64) *field.Ensemble {
	t.Helper()
	a, err := field.NewFree(l, m2)
	var s *field.GaussianSampler
	if err == nil {
		s, err = field.NewFreeSampler(a)
	}
	if err != nil {
		t.Fatal(err)
	}
	e, rnd := field.NewEnsemble(l, n), rng.NewRand(seed, rng.StageSample)
	for i := range n {
		s.Sample(e.Field(i), rnd)
	}
	return e
}

// arChain returns n free-field configurations forming the Markov chain
// φ_{i+1} = ρ φ_i + √(1−ρ²) η_i with η exact free-field samples: every
// configuration has the exact free law, and observables linear in φ have
// integrated autocorrelation time τ_int = (1+ρ)/(2(1−ρ)) (quadratic ones
// (1+ρ²)/(2(1−ρ²))).
func arChain(t *testing.T, l *lattice.Lattice, m2 float64, n int, rho float64, seed uint64) *field.Ensemble {
	t.Helper()
	eta := freeEnsemble(t, l, m2, n, seed)
	e := field.NewEnsemble(l, n)
	copy(e.Field(0), eta.Field(0))
	c := math.Sqrt(1 - rho*rho)
	for i := 1; i < n; i++ {
		prev, cur, z := e.Field(i-1), e.Field(i), eta.Field(i)
		for x := range cur {
			cur[x] = rho*prev[x] + c*z[x]
		}
	}
	return e
}

func failed(c *Comparison) []string {
	var out []string
	for _, ch := range c.Verdict.Checks {
		if !ch.Pass {
			out = append(out, ch.Name)
		}
	}
	return out
}

// TestCompareSameLaw compares ensembles of the same free field: a
// reference Markov chain (ρ = 0.6, τ_int ≈ 2 for M) split into 4 chains
// and independent exact samples. Every check must pass. Each check has a
// false-failure probability of order 10⁻³ (χ² at 99.9%, |z| ≤ 4) or
// less; the fixed seeds make the outcome reproducible.
func TestCompareSameLaw(t *testing.T) {
	l := lattice.MustNew(8, 8)
	a, _ := field.NewFree(l, 0.4)
	ref := arChain(t, l, 0.4, 2000, 0.6, 11)
	gen := freeEnsemble(t, l, 0.4, 1000, 12)
	c, err := Compare(Sample{Name: "mc", Fields: ref, Chains: 4}, Sample{Name: "gen", Fields: gen}, CompareConfig{Action: a, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	for _, ch := range c.Verdict.Checks {
		t.Logf("%-22s %-5v %.4g (threshold %.4g)", ch.Name, ch.Pass, ch.Value, ch.Threshold)
	}
	if !c.Verdict.Pass {
		t.Errorf("same law judged different: failed %v", failed(c))
	}
	for _, w := range c.Warnings {
		t.Log("warning:", w)
	}
	// The Γ-method sees the reference's autocorrelation.
	for _, o := range c.Observables {
		if o.Name == "M" && !(o.RefTauInt > 1.5 && o.GenTauInt < 1) {
			t.Errorf("τ_int of M: reference %.2f (AR(1) ρ = 0.6: 2), generated %.2f (½)", o.RefTauInt, o.GenTauInt)
		}
	}
}

// TestCompareMisScaled compares exact free-field samples with independent
// ones scaled by 1.1 (variance ×1.21): the checks that pool many modes —
// spectrum ratio, action density, spectral and action W₂, Gaussian KL —
// must fail, and so the verdict; every shell ratio must be 1.21 within 5σ.
// Single-mode checks are weaker at N = 1000 and are not required to fail:
// χ = V⟨M²⟩ is one real mode, known to √2·4.5%, so a 21% shift is only a
// 3σ effect, and the sliced W₂ of a few directions is no sharper.
func TestCompareMisScaled(t *testing.T) {
	l := lattice.MustNew(8, 8)
	a, _ := field.NewFree(l, 0.4)
	ref := freeEnsemble(t, l, 0.4, 1000, 21)
	gen := freeEnsemble(t, l, 0.4, 1000, 22)
	for i := range gen.Data {
		gen.Data[i] *= 1.1
	}
	c, err := Compare(Sample{Name: "ref", Fields: ref}, Sample{Name: "scaled", Fields: gen}, CompareConfig{Action: a, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	for _, ch := range c.Verdict.Checks {
		t.Logf("%-22s %-5v %.4g (threshold %.4g)", ch.Name, ch.Pass, ch.Value, ch.Threshold)
	}
	if c.Verdict.Pass {
		t.Error("a mis-scaled ensemble passed")
	}
	if out := c.Verdict.String(); !strings.Contains(out, "FAIL  spectrum_ratio_chi2") || !strings.Contains(out, "verdict: FAIL") {
		t.Errorf("verdict text lacks the failed spectrum check or the outcome:\n%s", out)
	}
	f := strings.Join(failed(c), " ")
	for _, want := range []string{"spectrum_ratio_chi2", "z_ActionDensity", "w2_spectral", "w2_action", "kl_gauss"} {
		if !strings.Contains(f, want) {
			t.Errorf("check %s passed for the mis-scaled ensemble", want)
		}
	}
	for s, r := range c.Ratio {
		if math.Abs(r-1.21) > 5*c.RatioErr[s] {
			t.Errorf("shell %d: ratio %.3f ± %.3f, want 1.21", s, r, c.RatioErr[s])
		}
	}
}

func TestCompareErrors(t *testing.T) {
	a := freeEnsemble(t, lattice.MustNew(4, 4), 0.5, 40, 1)
	b := freeEnsemble(t, lattice.MustNew(4, 6), 0.5, 40, 2)
	if _, err := Compare(Sample{Fields: a}, Sample{Fields: b}, CompareConfig{}); err == nil {
		t.Error("different lattices: want error")
	}
	small := field.NewEnsemble(lattice.MustNew(4, 4), 10)
	rnd := rng.NewRand(1, 1)
	for i := range small.Data {
		small.Data[i] = rnd.NormFloat64()
	}
	if _, err := Compare(Sample{Fields: small}, Sample{Fields: a}, CompareConfig{}); err == nil {
		t.Error("reference smaller than 2 × blocks: want error")
	}
}

// TestW2Helpers checks the exact 1-D W₂ of samples of unequal sizes
// against the equal-size formula mean((x_(i) − y_(i))²) after replicating
// each sample to the common size (the same empirical measure), and the
// Gaussian-part distances against closed forms: W₂² = Σ_k w(√a − √b)² and
// KL = ½Σ_k w(r − 1 − ln r).
func TestW2Helpers(t *testing.T) {
	rnd := rng.NewRand(5, 5)
	for _, nm := range [][2]int{{3, 2}, {4, 6}, {7, 7}, {5, 15}} {
		n, m := nm[0], nm[1]
		x, y := make([]float64, n), make([]float64, m)
		for i := range x {
			x[i] = rnd.NormFloat64()
		}
		for i := range y {
			y[i] = 2 + 0.5*rnd.NormFloat64()
		}
		// Replicate to the least common multiple.
		g := n
		for r := m; r != 0; {
			g, r = r, g%r
		}
		L := n / g * m
		xs, ys := sortedCopy(x), sortedCopy(y)
		want := 0.0
		for i := 0; i < L; i++ {
			d := xs[i*n/L] - ys[i*m/L]
			want += d * d / float64(L)
		}
		if got := w2SqSorted(xs, ys); math.Abs(got-want) > 1e-12*want {
			t.Errorf("n=%d m=%d: W₂² = %v, replicated %v", n, m, got, want)
		}
	}
	a, b, w := []float64{1, 4, 9}, []float64{4, 4, 1}, []float64{1, 2, 2}
	if got, want := spectralW2Sq(a, b, w), 1.0*1+0+2*4; math.Abs(got-want) > 1e-15 {
		t.Errorf("spectral W₂² = %v, want %v", got, want)
	}
	want := 0.5 * (1*(4.0-1-math.Log(4)) + 2*(1-1-0) + 2*(1.0/9-1-math.Log(1.0/9)))
	if got := gaussKL(b, a, w); math.Abs(got-want) > 1e-15 {
		t.Errorf("Gaussian KL = %v, want %v", got, want)
	}
}
