// Copyright ©2026 The rgflow Authors. All rights reserved.

package evaluate

import (
	"fmt"
	"math"
	"slices"

	"rgflow/field"
)

// AbsMBins is the number of equal-count bins of the reference's |M| in
// SplitGivenAbsM (octiles).
const AbsMBins = 8

// GivenAbsM splits the S/V difference of a generated ensemble from the
// reference into what the ensemble gets wrong at given |M| and what its
// law of |M| contributes. With bins b of |M| (the reference's octiles),
// reference weights w_b, generated weights v_b and mean S/V R_b, G_b per
// bin:
//
//	G − R = Σ_b w_b(G_b − R_b)  +  Σ_b (v_b − w_b)G_b
//	        local (given |M|)      global (the law of |M|)
//
// A model whose magnetisation is right but whose short-distance structure
// is not has a local part only; one with the right local structure but a
// shifted law of |M| a global part only.
type GivenAbsM struct {
	Edges                    []float64 // bin edges of |M|: 0, the reference's octiles, +Inf
	RefN, GenN               []int64
	Ref, RefErr, Gen, GenErr []float64 // mean S/V per bin and its standard error
	// Local and Global are NaN when a bin has no generated sample, their
	// errors when one has fewer than 2.
	Local, LocalErr   float64
	Global, GlobalErr float64
}

// SplitGivenAbsM computes the split for the measurements ref (a Markov chain
// whose S/V has integrated autocorrelation time tau, in configurations;
// ½ for independent samples) and gen (independent samples). The error of
// the global part is that of a difference of two weight vectors, each
// multinomial with its own law (the reference's inflated by 2τ), applied
// to the spread of the G_b.
func SplitGivenAbsM(ref, gen []field.Measurement, tau float64) (GivenAbsM, error) {
	if len(ref) < 2*AbsMBins || len(gen) < 2 {
		return GivenAbsM{}, fmt.Errorf("evaluate: %d reference and %d generated configurations: too few for S/V given |M| in %d bins", len(ref), len(gen), AbsMBins)
	}
	abs := make([]float64, len(ref))
	for i, m := range ref {
		abs[i] = math.Abs(m.M)
	}
	slices.Sort(abs)
	g := GivenAbsM{Edges: make([]float64, AbsMBins+1)}
	for b := 1; b < AbsMBins; b++ {
		g.Edges[b] = abs[b*len(abs)/AbsMBins]
	}
	g.Edges[AbsMBins] = math.Inf(1)
	bin := func(m float64) int {
		// The bin b with Edges[b] ≤ |M| < Edges[b+1].
		b, found := slices.BinarySearch(g.Edges, math.Abs(m))
		if !found {
			b--
		}
		return min(max(b, 0), AbsMBins-1)
	}
	moments := func(ms []field.Measurement) (n []int64, mean, se []float64) {
		n = make([]int64, AbsMBins)
		s, s2 := make([]float64, AbsMBins), make([]float64, AbsMBins)
		for _, m := range ms {
			b := bin(m.M)
			n[b]++
			s[b] += m.ActionDensity
			s2[b] += m.ActionDensity * m.ActionDensity
		}
		mean, se = make([]float64, AbsMBins), make([]float64, AbsMBins)
		for b := range n {
			mean[b], se[b] = math.NaN(), math.NaN()
			k := float64(n[b])
			if k >= 1 {
				mean[b] = s[b] / k
			}
			if k >= 2 {
				se[b] = math.Sqrt(math.Max(s2[b]/k-mean[b]*mean[b], 0) / (k - 1))
			}
		}
		return n, mean, se
	}
	g.RefN, g.Ref, g.RefErr = moments(ref)
	g.GenN, g.Gen, g.GenErr = moments(gen)
	infl := math.Sqrt(math.Max(2*tau, 1))
	for b := range g.RefErr {
		g.RefErr[b] *= infl
	}
	var local, lvar, global, gw, gv float64
	nr, ng := float64(len(ref)), float64(len(gen))
	w, v := make([]float64, AbsMBins), make([]float64, AbsMBins)
	for b := range AbsMBins {
		w[b], v[b] = float64(g.RefN[b])/nr, float64(g.GenN[b])/ng
		local += w[b] * (g.Gen[b] - g.Ref[b])
		lvar += w[b] * w[b] * (g.GenErr[b]*g.GenErr[b] + g.RefErr[b]*g.RefErr[b])
		global += (v[b] - w[b]) * g.Gen[b]
		gw += w[b] * g.Gen[b]
		gv += v[b] * g.Gen[b]
	}
	// The weights' multinomial spreads, each with its own law.
	var sw, sv float64
	for b := range AbsMBins {
		sw += w[b] * (g.Gen[b] - gw) * (g.Gen[b] - gw)
		sv += v[b] * (g.Gen[b] - gv) * (g.Gen[b] - gv)
	}
	g.Local, g.LocalErr = local, math.Sqrt(lvar)
	g.Global, g.GlobalErr = global, math.Sqrt(sv/ng+sw*math.Max(2*tau, 1)/nr)
	return g, nil
}

// DiffZ returns the z-score of the difference of two independent estimates,
// (gen − ref)/√(ref.Err² + gen.Err²), as RatioZ.
func DiffZ(ref, gen field.Estimate) float64 {
	return RatioZ(gen.Value-ref.Value, math.Hypot(ref.Err, gen.Err))
}

// RatioZ returns the z-score x/err of a difference x with standard error
// err: 0 when both are 0, ±Inf for a difference without an error.
func RatioZ(x, err float64) float64 {
	if err == 0 && x == 0 {
		return 0
	}
	return x / err
}
