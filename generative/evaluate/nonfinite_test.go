// Copyright ©2026 The rgflow Authors. All rights reserved.

package evaluate

import (
	"math"
	"strings"
	"testing"

	"rgflow/field"
	"rgflow/lattice"
)

// A diverged sampler's NaN or ±Inf fields must give a failed verdict and a
// warning that says how many configurations were not finite, never a panic
// (the M histogram once indexed its bins with int(NaN)).
func TestCompareNonFiniteFieldsFailWithoutPanic(t *testing.T) {
	l := lattice.MustNew(4, 4)
	a, err := field.NewFree(l, 0.5)
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []struct {
		name string
		vals []float64
	}{
		{"NaN", []float64{math.NaN()}},
		{"+Inf", []float64{math.Inf(1)}},
		{"NaN and -Inf", []float64{math.NaN(), math.Inf(-1)}},
		{"all NaN", nil},
	} {
		ref := freeEnsemble(t, l, 0.5, 200, 1)
		gen := freeEnsemble(t, l, 0.5, 200, 2)
		nbad := len(bad.vals)
		if bad.vals == nil {
			for i := range gen.Data {
				gen.Data[i] = math.NaN()
			}
			nbad = gen.Len()
		} else {
			for k, v := range bad.vals {
				gen.Field(10 + 7*k)[3] = v
			}
		}
		c, err := Compare(Sample{Name: "ref", Fields: ref}, Sample{Name: "gen", Fields: gen}, CompareConfig{Action: a, Seed: 1})
		if err != nil {
			t.Fatalf("%s: %v", bad.name, err)
		}
		if c.Verdict.Pass {
			t.Errorf("%s: verdict passed with %d non-finite configurations", bad.name, nbad)
		}
		found := false
		for _, w := range c.Warnings {
			if strings.Contains(w, "not finite") {
				found = true
			}
		}
		if !found {
			t.Errorf("%s: no warning names the non-finite configurations: %q", bad.name, c.Warnings)
		}
		for i, h := range c.RefHist {
			if math.IsNaN(h) || math.IsInf(h, 0) {
				t.Errorf("%s: reference histogram bin %d = %v", bad.name, i, h)
			}
		}
	}
}
