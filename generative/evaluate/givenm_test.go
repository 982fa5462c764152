// Copyright ©2026 The rgflow Authors. All rights reserved.

package evaluate

import (
	"math"
	"math/rand/v2"
	"testing"

	"rgflow/field"
)

// TestSplitGivenAbsM checks the split of an S/V difference on synthetic
// ensembles whose answer is known. The reference has |M| uniform on
// [0, 1) (random sign) and S/V = −M² + 0.1ξ. (a) A generated ensemble with
// the same law of |M| and S/V shifted by δ has local part δ and global
// part 0. (b) One whose |M| falls in bin [b/8, (b+1)/8) with probability
// v_b (uniform inside, as in the reference), with the reference's S/V,
// has local part 0 and global part Σ_b (v_b − ⅛)E[−M² | b], E[−M² | b] =
// −((b+1)³ − b³)/192. Every z-score must stay under 4 (fixed seeds; two
// sided 6·10⁻⁵ each), the parts must add up to the difference of the
// means, and the reported errors must be 0.7–1.4 times the spread over
// 50 repetitions (±10% at one σ, so ±3σ).
func TestSplitGivenAbsM(t *testing.T) {
	const n, delta = 8000, 0.01
	v := []float64{0.05, 0.08, 0.1, 0.12, 0.13, 0.15, 0.17, 0.2}
	var wantGlobal float64
	for b, vb := range v {
		wantGlobal += (vb - 1.0/8) * -(math.Pow(float64(b+1), 3) - math.Pow(float64(b), 3)) / 192
	}
	draw := func(rnd *rand.Rand, absM, shift float64) field.Measurement {
		m := absM
		if rnd.IntN(2) == 0 {
			m = -m
		}
		return field.Measurement{M: m, AbsM: absM, ActionDensity: -absM*absM + 0.1*rnd.NormFloat64() + shift}
	}
	const reps = 50
	var locA, locB, gloB []float64
	var errA, errB float64
	for r := range reps {
		rnd := rand.New(rand.NewPCG(41, uint64(r)))
		ref, genA, genB := make([]field.Measurement, n), make([]field.Measurement, n), make([]field.Measurement, n)
		for i := range n {
			ref[i] = draw(rnd, rnd.Float64(), 0)
			genA[i] = draw(rnd, rnd.Float64(), delta)
			u, b := rnd.Float64(), 0
			for b < len(v)-1 && u >= v[b] {
				u -= v[b]
				b++
			}
			genB[i] = draw(rnd, (float64(b)+rnd.Float64())/8, 0)
		}
		for _, c := range []struct {
			name              string
			gen               []field.Measurement
			wantLoc, wantGlob float64
		}{{"same law, S/V + δ", genA, delta, 0}, {"law of |M| reweighted", genB, 0, wantGlobal}} {
			g, err := SplitGivenAbsM(ref, c.gen, 0.5)
			if err != nil {
				t.Fatal(err)
			}
			var mr, mg float64
			for i := range n {
				mr += ref[i].ActionDensity
				mg += c.gen[i].ActionDensity
			}
			if d := (mg - mr) / n; math.Abs(g.Local+g.Global-d) > 1e-12 {
				t.Errorf("%s: local + global = %v, difference of the means %v", c.name, g.Local+g.Global, d)
			}
			if z := (g.Local - c.wantLoc) / g.LocalErr; math.Abs(z) > 4 {
				t.Errorf("%s (rep %d): local %.5f ± %.5f, want %.5f (z %+.1f)", c.name, r, g.Local, g.LocalErr, c.wantLoc, z)
			}
			if z := (g.Global - c.wantGlob) / g.GlobalErr; math.Abs(z) > 4 {
				t.Errorf("%s (rep %d): global %.5f ± %.5f, want %.5f (z %+.1f)", c.name, r, g.Global, g.GlobalErr, c.wantGlob, z)
			}
			if c.gen[0] == genA[0] {
				locA = append(locA, g.Local)
				errA += g.LocalErr / reps
			} else {
				locB = append(locB, g.Local)
				gloB = append(gloB, g.Global)
				errB += g.GlobalErr / reps
			}
		}
	}
	// The spread of 50 repetitions estimates the error to ±10% (one σ).
	sd := func(x []float64) float64 {
		var m, s float64
		for _, v := range x {
			m += v / float64(len(x))
		}
		for _, v := range x {
			s += (v - m) * (v - m)
		}
		return math.Sqrt(s / float64(len(x)-1))
	}
	for _, c := range []struct {
		name      string
		spread, e float64
	}{{"local error", sd(locA), errA}, {"global error", sd(gloB), errB}} {
		if r := c.e / c.spread; r < 0.7 || r > 1.4 {
			t.Errorf("%s: reported %.3g, spread over repetitions %.3g (ratio %.2f)", c.name, c.e, c.spread, r)
		} else {
			t.Logf("%s: reported %.3g, spread over repetitions %.3g (ratio %.2f)", c.name, c.e, c.spread, r)
		}
	}
}

// TestRatioZ: the z-score of a difference of two estimates, and its limits
// without an error.
func TestRatioZ(t *testing.T) {
	for _, c := range []struct {
		x, err, want float64
	}{{3, 1.5, 2}, {-1, 4, -0.25}, {0, 0, 0}, {1, 0, math.Inf(1)}, {-1, 0, math.Inf(-1)}} {
		if got := RatioZ(c.x, c.err); got != c.want {
			t.Errorf("RatioZ(%v, %v) = %v, want %v", c.x, c.err, got, c.want)
		}
	}
	ref, gen := field.Estimate{Value: 1, Err: 0.3}, field.Estimate{Value: 2, Err: 0.4}
	if got := DiffZ(ref, gen); math.Abs(got-2) > 1e-15 {
		t.Errorf("DiffZ = %v, want (2 − 1)/0.5 = 2", got)
	}
}
