// Copyright ©2026 The rgflow Authors. All rights reserved.

package evaluate

import (
	"math"
	"strings"
	"testing"

	"rgflow/field"
	"rgflow/internal/rng"
	"rgflow/lattice"
	"rgflow/wgrad"
)

// TestCompareSizes: the smallest ensembles Compare takes are 2·Blocks
// reference fields and 2 generated ones; one reference field fewer is an
// error that names the bound.
func TestCompareSizes(t *testing.T) {
	l := lattice.MustNew(4, 4)
	a, err := field.NewFree(l, 0.5)
	if err != nil {
		t.Fatal(err)
	}
	cfg := CompareConfig{Action: a, Blocks: 4, Splits: 2, Seed: 1}
	if _, err := Compare(Sample{Name: "ref", Fields: freeEnsemble(t, l, 0.5, 8, 1)}, Sample{Name: "gen", Fields: freeEnsemble(t, l, 0.5, 2, 2)}, cfg); err != nil {
		t.Errorf("8 reference fields in 4 blocks, 2 generated: %v", err)
	}
	_, err = Compare(Sample{Name: "ref", Fields: freeEnsemble(t, l, 0.5, 7, 1)}, Sample{Name: "gen", Fields: freeEnsemble(t, l, 0.5, 2, 2)}, cfg)
	if err == nil || !strings.Contains(err.Error(), "≥ 8") {
		t.Errorf("7 reference fields in 4 blocks: error %v, want one naming ≥ 8", err)
	}
}

// TestHistogramChi2CalibratedOnSameLaw: for two independent ensembles of
// one law the M histogram's χ² (Pearson's, over the bins with enough
// counts) has mean between HistDOF − 1 and HistDOF (it is χ² with
// HistDOF − 1 degrees of freedom plus a fraction of a χ²₁ when bins are
// left out, χ²_{HistDOF} when none is). Over R = 200 replicas the band is
// 4 standard errors of the mean each way (probability < 10⁻⁴ to fail a
// correct code; fixed seeds). A χ² whose count variances are inflated
// by the wrong autocorrelation factor, or that counts the normalisation
// twice, leaves the band.
func TestHistogramChi2CalibratedOnSameLaw(t *testing.T) {
	const R, n, m2 = 200, 200, 0.5
	l := lattice.MustNew(4, 4)
	a, err := field.NewFree(l, m2)
	if err != nil {
		t.Fatal(err)
	}
	var chi, chi2, dof float64
	for r := 0; r < R; r++ {
		ref := Sample{Name: "ref", Fields: freeEnsemble(t, l, m2, n, uint64(5000+2*r))}
		gen := Sample{Name: "gen", Fields: freeEnsemble(t, l, m2, n, uint64(5001+2*r))}
		c, err := Compare(ref, gen, CompareConfig{Action: a, HistBins: 12, Slices: 2, Splits: 1, Seed: uint64(r)})
		if err != nil {
			t.Fatal(err)
		}
		chi += c.HistChi2 / R
		chi2 += c.HistChi2 * c.HistChi2 / R
		dof += float64(c.HistDOF) / R
	}
	se := math.Sqrt((chi2 - chi*chi) / R)
	t.Logf("mean χ² %.3f ± %.3f, mean degrees of freedom %.2f", chi, se, dof)
	if chi < dof-1-4*se || chi > dof+4*se {
		t.Errorf("mean M-histogram χ² %.3f ± %.3f over %d same-law replicas, want within [%.2f, %.2f]", chi, se, R, dof-1, dof)
	}
}

// TestSlicedW2OfAShift: moving one site x of every field by c moves the
// projection on a unit direction θ by cθ_x, and the 1-D W₂ between an
// empirical law and its shift is the shift, so the sliced W₂ is
// |c|·(mean over the slices of θ_x²)^½ with the slices of the
// comparison's own stream (wgrad.SliceDirections on (seed,
// StageEvaluate, 0)).
func TestSlicedW2OfAShift(t *testing.T) {
	l := lattice.MustNew(4, 4)
	V, K, x, c := l.Volume(), 8, 5, 0.7
	ref := freeEnsemble(t, l, 0.5, 40, 3)
	gen := field.NewEnsemble(l, ref.Len())
	copy(gen.Data, ref.Data)
	for i := range gen.Len() {
		gen.Field(i)[x] += c
	}
	cmp, err := Compare(Sample{Name: "ref", Fields: ref}, Sample{Name: "gen", Fields: gen}, CompareConfig{Slices: K, Blocks: 4, Splits: 1, Seed: 9})
	if err != nil {
		t.Fatal(err)
	}
	theta := wgrad.SliceDirections(nil, V, K, rng.NewRand(9, rng.StageEvaluate, 0))
	s := 0.0
	for k := range K {
		s += theta[k*V+x] * theta[k*V+x] / float64(K)
	}
	if want := c * math.Sqrt(s); math.Abs(cmp.SlicedW2-want) > 1e-12 {
		t.Errorf("sliced W₂ of a shift by %v at site %d: %.15g, want %.15g", c, x, cmp.SlicedW2, want)
	}
}

// TestCleanComparisonWarnsNothing: two ensembles of finite fields, long
// enough for every Γ-method window, give no warning at all (a warning is
// an event: a diverged sampler, a short series).
func TestCleanComparisonWarnsNothing(t *testing.T) {
	l := lattice.MustNew(4, 4)
	a, err := field.NewFree(l, 0.5)
	if err != nil {
		t.Fatal(err)
	}
	c, err := Compare(Sample{Name: "ref", Fields: freeEnsemble(t, l, 0.5, 400, 11)}, Sample{Name: "gen", Fields: freeEnsemble(t, l, 0.5, 400, 12)}, CompareConfig{Action: a, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Warnings) > 0 {
		t.Errorf("warnings on a clean comparison: %q", c.Warnings)
	}
}

// TestNullYardstickScale: the null distances between halves of the
// reference (sizes ⌊n/2⌋ and ⌈n/2⌉) are rescaled to the sizes compared,
// W₂ by √s and KL by s with s = (1/n_ref + 1/n_gen)/(1/a + 1/b): at
// n_ref = 41 and n_gen = 13, s = (1/41 + 1/13)/(1/20 + 1/21).
func TestNullYardstickScale(t *testing.T) {
	l := lattice.MustNew(4, 4)
	a, err := field.NewFree(l, 0.5)
	if err != nil {
		t.Fatal(err)
	}
	corr := field.NewCorrelator(l)
	dirs := [][]float64{make([]float64, l.Volume())}
	dirs[0][3] = 1
	pr := measureAll(freeEnsemble(t, l, 0.5, 41, 1), a, corr, dirs)
	pg := measureAll(freeEnsemble(t, l, 0.5, 13, 2), a, corr, dirs)
	cfg := CompareConfig{Action: a, Splits: 3, Blocks: 4}
	var c Comparison
	c.fillDistances(pr, pg, l.HalfWeights(), cfg, rng.NewRand(5, rng.StageEvaluate, 0))
	null := nullDistances(pr, l.HalfWeights(), cfg.Splits, cfg.Blocks, true, rng.NewRand(5, rng.StageEvaluate, 0))
	s := (1.0/41 + 1.0/13) / (1.0/20 + 1.0/21)
	for _, x := range []struct {
		name      string
		got, want float64
	}{{"W₂ spectral", c.W2SpectralNull, null.spec * math.Sqrt(s)}, {"W₂ of M", c.W2MNull, null.m * math.Sqrt(s)},
		{"W₂ of S/V", c.W2ActionNull, null.s * math.Sqrt(s)}, {"sliced W₂", c.SlicedW2Null, null.sliced * math.Sqrt(s)},
		{"KL", c.KLGaussNull, null.kl * s}} {
		if !(x.want > 0) || math.Abs(x.got-x.want) > 1e-14*x.want {
			t.Errorf("%s null: %v, want %v", x.name, x.got, x.want)
		}
	}
}
