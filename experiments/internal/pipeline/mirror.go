// Copyright ©2026 The rgflow Authors. All rights reserved.

package pipeline

import (
	"cmp"
	"math"
	"slices"

	"gonum.org/v1/gonum/stat/distuv"
)

// MirrorBins is the number of bins of the symmetric M histogram of
// MirrorTest: half of them for M > 0, mirrored for M < 0 (so M = 0 is an
// edge).
const MirrorBins = 40

// Mirror is the symmetry test of an M histogram under M → −M: the
// samples are binned by |M| into MirrorBins/2 bins of equal count (edges at
// quantiles of |M|), and each bin splits into its M > 0 and M < 0 halves.
// Given the values of |M|, the signs are independent fair coins under the
// symmetry, whatever bins |M| alone defines; so for each bin with
// n₊ + n₋ ≥ 5 counts, (n₊ − n₋)²/(n₊ + n₋) is χ²₁, and the bins are
// independent for independent samples; τ (2τ_int ≥ 1) deflates the
// statistic for a Markov chain. Equal-count bins keep every bin in play
// when the law of |M| is narrow (the broken phase: |M| ≈ M₀ ± 1%), where
// equal-width bins from 0 would put nearly every sample in one or two.
type Mirror struct {
	Chi2 float64
	DOF  int
	P    float64
}

// MirrorTest returns the mirror test of the magnetisations m, whose
// samples are correlated with 2τ_int = tau ≥ 1 (1 for independent ones).
func MirrorTest(m []float64, tau float64) Mirror {
	type signed struct {
		abs float64
		pos bool
	}
	a := make([]signed, 0, len(m))
	for _, v := range m {
		if v != 0 && !math.IsNaN(v) {
			a = append(a, signed{math.Abs(v), v > 0})
		}
	}
	if len(a) == 0 {
		return Mirror{P: 1}
	}
	// Stable: ties in |M| keep the sample order, which the signs do not
	// enter.
	slices.SortStableFunc(a, func(x, y signed) int { return cmp.Compare(x.abs, y.abs) })
	half := MirrorBins / 2
	var r Mirror
	for b := range half {
		var pos, neg float64
		for _, x := range a[b*len(a)/half : (b+1)*len(a)/half] {
			if x.pos {
				pos++
			} else {
				neg++
			}
		}
		n := pos + neg
		if n/tau < 5 {
			continue
		}
		d := pos - neg
		r.Chi2 += d * d / n / tau
		r.DOF++
	}
	r.P = 1
	if r.DOF > 0 {
		r.P = distuv.ChiSquared{K: float64(r.DOF)}.Survival(r.Chi2)
	}
	return r
}
