// Copyright ©2026 The rgflow Authors. All rights reserved.

package evaluate

import (
	"math"
	"testing"

	"rgflow/field"
	"rgflow/lattice"
)

// TestHistogramByDefinition checks the M histogram on exact inputs
// against its definition, computed here by comparisons with the edges
// rather than by index arithmetic: the edges span the pooled 0.1% and
// 99.9% order statistics in equal bins, a value at the top edge falls in
// the last bin, values outside fall in none; densities count/(n·width)
// with errors √(p(1 − p)τ/n)/width; Pearson's two-sample χ² over the bins
// whose expected counts n·p/τ are at least 5 on both sides, with one
// degree of freedom less only when every bin is used.
func TestHistogramByDefinition(t *testing.T) {
	// ref: 0, 1, …, 299; gen: 0.5, 1.5, …, 199.5 and 40 values of 250.
	// 540 pooled values: the order statistics ⌊0.001·539⌋ = 0 and
	// ⌊0.999·539⌋ = 538 of the sorted pool are 0 and 298 (299, the
	// largest, falls outside).
	var mr, mg []float64
	for i := range 300 {
		mr = append(mr, float64(i))
	}
	for i := range 200 {
		mg = append(mg, float64(i)+0.5)
	}
	for range 40 {
		mg = append(mg, 250)
	}
	// ref2: 0, 1, …, 1199; gen2: 0.5, 1.5, …, 999.5. 2200 pooled
	// values: the order statistics 2 and 2196 are 1 and 1196.
	var mr2, mg2 []float64
	for i := range 1200 {
		mr2 = append(mr2, float64(i))
	}
	for i := range 1000 {
		mg2 = append(mg2, float64(i)+0.5)
	}
	// ref3: 96 zeros and 4 tens; gen3: 94 zeros and 6 tens. In 2 bins the
	// upper one's expected count is exactly 5 on both sides: used. gen5:
	// 188 zeros and 12 tens; against ref3 the upper bin's expected
	// count is 5.33 on ref3's side, 10.7 on gen5's: with τ = 1.5 on
	// ref3's side alone 3.6 independent counts, left out.
	var mr3, mg3, mg5 []float64
	for i := range 100 {
		mr3 = append(mr3, float64(10*(i/96)))
		mg3 = append(mg3, float64(10*(i/94)))
	}
	for i := range 200 {
		mg5 = append(mg5, float64(10*(i/188)))
	}
	// ref4: 0, 1, …, 599; gen4: 0.5, 1.5, …, 399.5. 1000 pooled values:
	// the order statistics ⌊0.001·999⌋ = 0 and ⌊0.999·999⌋ = 998 are 0
	// and 598 (the indices use n − 1, not n + 1: ⌊1.001⌋ = 1).
	var mr4, mg4 []float64
	for i := range 600 {
		mr4 = append(mr4, float64(i))
	}
	for i := range 400 {
		mg4 = append(mg4, float64(i)+0.5)
	}
	for _, tc := range []struct {
		mr, mg     []float64
		lo, hi     float64
		bins       int
		tauR, tauG float64
	}{{mr, mg, 0, 298, 7, 1, 1}, {mr, mg, 0, 298, 12, 1.5, 2}, {mr, mg, 0, 298, 3, 1, 1}, {mr2, mg2, 1, 1196, 9, 1, 1}, {mr3, mg3, 0, 10, 2, 1, 1}, {mr3, mg5, 0, 10, 2, 1.5, 1}, {mg5, mr3, 0, 10, 2, 1, 1.5}, {mr4, mg4, 0, 598, 5, 1, 1}} {
		mr, mg := tc.mr, tc.mg
		var c Comparison
		c.histogram(mr, mg, tc.bins, tc.tauR, tc.tauG)
		lo, hi := tc.lo, tc.hi
		w := (hi - lo) / float64(tc.bins)
		chi2, dof := 0.0, 0
		for b := range tc.bins {
			a, z := lo+float64(b)*w, lo+float64(b+1)*w
			if math.Abs(c.HistEdges[b]-a) > 1e-12*hi {
				t.Errorf("bins %d: edge %d = %v, want %v", tc.bins, b, c.HistEdges[b], a)
			}
			in := func(v float64) bool { return v >= a && (v < z || b == tc.bins-1 && v <= hi) }
			cnt := func(m []float64) float64 {
				n := 0.0
				for _, v := range m {
					if in(v) {
						n++
					}
				}
				return n
			}
			hr, hg := cnt(mr), cnt(mg)
			nr, ng := float64(len(mr)), float64(len(mg))
			pr, pg := hr/nr, hg/ng
			for _, x := range []struct {
				name      string
				got, want float64
			}{{"reference density", c.RefHist[b], pr / w}, {"generated density", c.GenHist[b], pg / w},
				{"reference error", c.RefHistErr[b], math.Sqrt(pr*(1-pr)*tc.tauR/nr) / w},
				{"generated error", c.GenHistErr[b], math.Sqrt(pg*(1-pg)*tc.tauG/ng) / w}} {
				if math.Abs(x.got-x.want) > 1e-12*math.Max(1, math.Abs(x.want)) {
					t.Errorf("bins %d, bin %d: %s %v, want %v", tc.bins, b, x.name, x.got, x.want)
				}
			}
			pp := (hr + hg) / (nr + ng)
			if pp*nr/tc.tauR >= 5 && pp*ng/tc.tauG >= 5 {
				chi2 += (pr - pg) * (pr - pg) / (pp * (tc.tauR/nr + tc.tauG/ng))
				dof++
			}
		}
		if dof == tc.bins {
			dof--
		}
		if math.Abs(c.HistEdges[tc.bins]-hi) > 1e-12*hi || math.Abs(c.HistChi2-chi2) > 1e-12*chi2 || c.HistDOF != dof {
			t.Errorf("bins %d: top edge %v, χ² %v over %d, want %v, %v over %d", tc.bins, c.HistEdges[tc.bins], c.HistChi2, c.HistDOF, hi, chi2, dof)
		}
	}
	// No finite value: the edges are −1 … 1.
	var c Comparison
	c.histogram([]float64{math.NaN()}, []float64{math.Inf(1)}, 2, 1, 1)
	if c.HistEdges[0] != -1 || c.HistEdges[2] != 1 {
		t.Errorf("no finite value: edges %v, want −1, 0, 1", c.HistEdges)
	}
	// All values equal: the edges are the value ± 1.
	c = Comparison{}
	c.histogram([]float64{2, 2, 2}, []float64{2, 2}, 4, 1, 1)
	if c.HistEdges[0] != 1 || c.HistEdges[4] != 3 || c.RefHist[2] != 1/0.5 {
		t.Errorf("equal values: edges %v, reference density %v; want 1 … 3 with all in bin 2", c.HistEdges, c.RefHist)
	}
}

// TestSignZOfOppositeSectors: a reference three quarters in the positive
// sector and a generated ensemble three quarters in the negative one
// differ in ⟨sign M⟩ by −1, many standard errors; the signs of M = 0
// count as 0. Chains split a history into equal consecutive parts.
func TestSignZOfOppositeSectors(t *testing.T) {
	var mr, mg []float64
	for range 50 {
		mr = append(mr, 1, 2, -1, 3)
		mg = append(mg, -1, -2, -1, -3)
	}
	for range 25 {
		mg = append(mg, -1, -2, 1, -3)
	}
	var c Comparison
	c.sign(mr, 1, mg, 3) // the generated chains: 100 negative, 100 negative, 75 of 100 negative
	if c.RefSign != 0.5 || math.Abs(c.GenSign+250.0/300) > 1e-15 || !(c.SignZ < -5) {
		t.Errorf("⟨sign M⟩ %v and %v, z %v; want 0.5, −0.8333 and z < −5", c.RefSign, c.GenSign, c.SignZ)
	}
	if z := (c.GenSign - c.RefSign) / math.Hypot(c.RefSignErr, c.GenSignErr); math.Abs(c.SignZ-z) > 1e-12*math.Abs(z) {
		t.Errorf("z of ⟨sign M⟩ %v, want (gen − ref)/√(σ_ref² + σ_gen²) = %v", c.SignZ, z)
	}
	if s, err := signMean([]float64{0, 0, 1, -1, 0, 2}, 2); err == nil && s.Value != 1.0/6 {
		t.Errorf("⟨sign M⟩ with zeros: %v, want 1/6", s.Value)
	}
	ms := make([]field.Measurement, 9)
	for i := range ms {
		ms[i].M = float64(i)
	}
	for i, ch := range chains(ms, 3) {
		if len(ch) != 3 || ch[0].M != float64(3*i) {
			t.Errorf("chain %d of 3: %v", i, ch)
		}
	}
	l := lattice.MustNew(2)
	e := field.NewEnsemble(l, 6)
	for i := range e.Data {
		e.Data[i] = float64(i)
	}
	for i, ch := range splitEnsemble(e, 3) {
		if ch.Len() != 2 || cap(ch.Data) != 4 || ch.Data[0] != float64(4*i) || ch.Data[3] != float64(4*i+3) {
			t.Errorf("chain %d of 3: %v (capacity %d)", i, ch.Data, cap(ch.Data))
		}
	}
}
