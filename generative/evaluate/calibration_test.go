// Copyright ©2026 The rgflow Authors. All rights reserved.

package evaluate

import (
	"math"
	"testing"

	"rgflow/field"
	"rgflow/lattice"
)

func TestZScoreExact(t *testing.T) {
	inf := math.Inf(1)
	for _, c := range []struct{ d, e1, e2, want float64 }{
		{3, 3, 4, 0.6},   // 3 / √(3² + 4²)
		{-10, 6, 8, -1},  // −10 / 10
		{1, 0, 2, 0.5},   // one side without error
		{1, 2, 0, 0.5},   // the other side without error
		{0, 0, 0, 0},     // identical and exact
		{2, 0, 0, inf},   // different and exact
		{-2, 0, 0, -inf}, // … with its sign
	} {
		if got := zscore(c.d, c.e1, c.e2); got != c.want {
			t.Errorf("zscore(%g, %g, %g) = %g, want %g", c.d, c.e1, c.e2, got, c.want)
		}
	}
}

// The z-scores every verdict rests on are calibrated: for two independent
// ensembles of one law, z = (gen − ref)/√(σ_ref² + σ_gen²) has unit variance.
// Over R replicas the sample variance of a unit-variance z has standard
// error √(2/(R−1)); the band is 4 of those (a correct code fails one
// observable with probability < 10⁻⁴; the fixed seeds make it
// reproducible). A z-score built from one side's error only has variance 2
// on ensembles of equal size, far outside the band; so has one that drops
// a side of the spectrum ratio's relative error.
func TestZScoresCalibratedOnSameLaw(t *testing.T) {
	const R, n, m2 = 300, 200, 0.5
	l := lattice.MustNew(4, 4)
	a, err := field.NewFree(l, m2)
	if err != nil {
		t.Fatal(err)
	}
	sh, err := l.Shells(3)
	if err != nil {
		t.Fatal(err)
	}
	corr := field.NewCorrelator(l)
	zs := map[string][]float64{}
	for r := 0; r < R; r++ {
		ref := Sample{Name: "ref", Fields: freeEnsemble(t, l, m2, n, uint64(1000+2*r))}
		gen := Sample{Name: "gen", Fields: freeEnsemble(t, l, m2, n, uint64(1001+2*r))}
		var c Comparison
		c.observables(l.Volume(), a, ref, gen)
		for _, o := range c.Observables {
			zs[o.Name] = append(zs[o.Name], o.Z)
		}
		c.spectrum(corr, sh, ref, gen)
		for s := range c.Ratio {
			name := "spectrum shell " + string(rune('0'+s))
			zs[name] = append(zs[name], (c.Ratio[s]-1)/c.RatioErr[s])
		}
		mr := field.MeasureEnsemble(nil, nil, ref.Fields)
		mg := field.MeasureEnsemble(nil, nil, gen.Fields)
		pr, pg := make([]float64, n), make([]float64, n)
		for i := range pr {
			pr[i], pg[i] = mr[i].M, mg[i].M
		}
		c.sign(pr, 1, pg, 1)
		zs["sign M"] = append(zs["sign M"], c.SignZ)
	}
	band := 4 * math.Sqrt(2/float64(R-1))
	if len(zs) < 8 {
		t.Fatalf("only %d z-score families measured", len(zs))
	}
	for name, z := range zs {
		mean, v := 0.0, 0.0
		for _, x := range z {
			mean += x / float64(len(z))
		}
		for _, x := range z {
			v += (x - mean) * (x - mean) / float64(len(z)-1)
		}
		t.Logf("%-18s mean %+.3f  var %.3f  (band 1 ± %.3f)", name, mean, v, band)
		if math.Abs(v-1) > band {
			t.Errorf("%s: Var(z) = %.3f over %d same-law replicas, want 1 ± %.3f", name, v, len(z), band)
		}
		if math.Abs(mean) > 4/math.Sqrt(float64(len(z))) {
			t.Errorf("%s: mean z = %.3f over %d same-law replicas, want 0 ± %.3f", name, mean, len(z), 4/math.Sqrt(float64(len(z))))
		}
	}
}

// The spectrum ratio's error combines both sides' relative errors in
// quadrature: pinned exactly on the comparison's own shell estimates.
func TestRatioErrorCombinesBothSides(t *testing.T) {
	l := lattice.MustNew(4, 4)
	sh, err := l.Shells(3)
	if err != nil {
		t.Fatal(err)
	}
	ref := Sample{Fields: freeEnsemble(t, l, 0.5, 300, 1)}
	gen := Sample{Fields: freeEnsemble(t, l, 0.5, 100, 2)}
	var c Comparison
	c.spectrum(field.NewCorrelator(l), sh, ref, gen)
	for s := range c.Ratio {
		r := c.GenShell[s] / c.RefShell[s]
		want := r * math.Sqrt(math.Pow(c.GenShellErr[s]/c.GenShell[s], 2)+math.Pow(c.RefShellErr[s]/c.RefShell[s], 2))
		if c.Ratio[s] != r || math.Abs(c.RatioErr[s]-want) > 1e-15*want {
			t.Errorf("shell %d: ratio %g ± %g, want %g ± %g", s, c.Ratio[s], c.RatioErr[s], r, want)
		}
	}
}
