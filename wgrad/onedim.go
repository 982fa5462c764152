// Copyright ©2026 The rgflow Authors. All rights reserved.

package wgrad

import (
	"fmt"
	"math"
	"sort"
)

// Wasserstein1D returns the p-Wasserstein distance W_p (not its p-th power)
// between the discrete measures Σ_i wx_i δ_{x_i} and Σ_j wy_j δ_{y_j} on the
// real line, p ≥ 1. Weights are normalised to unit mass; nil weights are
// uniform. Sample sizes may differ. Inputs are not modified.
//
// On the line the monotone (quantile) coupling is optimal for every convex
// cost, so W_p^p = ∫₀¹ |F⁻¹(u) − G⁻¹(u)|^p du, computed exactly by merging
// the two sorted cumulative distributions in O((n+m) log(n+m)).
func Wasserstein1D(p float64, x, wx, y, wy []float64) (float64, error) {
	wpp, err := Wasserstein1DPow(p, x, wx, y, wy)
	if err != nil {
		return 0, err
	}
	return math.Pow(wpp, 1/p), nil
}

// Wasserstein1DPow returns W_p^p; see Wasserstein1D.
func Wasserstein1DPow(p float64, x, wx, y, wy []float64) (float64, error) {
	if !(p >= 1) || math.IsInf(p, 0) {
		return 0, fmt.Errorf("wgrad: Wasserstein exponent p = %v: must be finite and ≥ 1", p)
	}
	xs, ax, err := sortedMeasure("x", x, wx)
	if err != nil {
		return 0, err
	}
	ys, ay, err := sortedMeasure("y", y, wy)
	if err != nil {
		return 0, err
	}
	return quantileCost(p, xs, ax, ys, ay), nil
}

// sortedMeasure returns the support sorted ascending with its normalised
// weights.
func sortedMeasure(name string, x, w []float64) ([]float64, []float64, error) {
	n := len(x)
	if n == 0 {
		return nil, nil, fmt.Errorf("wgrad: measure %s is empty", name)
	}
	if w != nil && len(w) != n {
		return nil, nil, fmt.Errorf("wgrad: measure %s has %d points and %d weights", name, n, len(w))
	}
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
		if math.IsNaN(x[i]) || math.IsInf(x[i], 0) {
			return nil, nil, fmt.Errorf("wgrad: measure %s point %d is %v", name, i, x[i])
		}
	}
	sort.Slice(idx, func(a, b int) bool { return x[idx[a]] < x[idx[b]] })
	xs := make([]float64, n)
	ws := make([]float64, n)
	tot := 0.0
	for k, i := range idx {
		xs[k] = x[i]
		if w == nil {
			ws[k] = 1
		} else {
			if !(w[i] >= 0) || math.IsInf(w[i], 0) {
				return nil, nil, fmt.Errorf("wgrad: measure %s weight %d is %v: must be finite and ≥ 0", name, i, w[i])
			}
			ws[k] = w[i]
		}
		tot += ws[k]
	}
	if !(tot > 0) {
		return nil, nil, fmt.Errorf("wgrad: measure %s has zero mass", name)
	}
	for k := range ws {
		ws[k] /= tot
	}
	return xs, ws, nil
}

// quantileCost merges two sorted normalised measures and integrates
// |F⁻¹ − G⁻¹|^p over the unit interval of quantiles.
func quantileCost(p float64, xs, ax, ys, ay []float64) float64 {
	i, j := 0, 0
	ra, rb := ax[0], ay[0] // mass left at the current atoms
	s := 0.0
	for {
		m := math.Min(ra, rb)
		d := math.Abs(xs[i] - ys[j])
		switch p {
		case 1:
			s += m * d
		case 2:
			s += m * d * d
		default:
			s += m * math.Pow(d, p)
		}
		ra -= m
		rb -= m
		// Advance the side whose atom is exhausted; at the end rounding
		// may leave a tiny residue on one side only.
		if ra <= rb {
			i++
			if i == len(xs) {
				break
			}
			ra = ax[i]
		} else {
			j++
			if j == len(ys) {
				break
			}
			rb = ay[j]
		}
	}
	return s
}

// sortedW2Uniform returns W₂² between two uniform empirical measures of the
// same size given sorted samples: the mean of (x_(i) − y_(i))².
func sortedW2Uniform(xs, ys []float64) float64 {
	s := 0.0
	for i, v := range xs {
		d := v - ys[i]
		s += d * d
	}
	return s / float64(len(xs))
}

// SortedW2Sq returns W₂² between the uniform empirical measures of the
// samples xs (n points) and ys (m points), both sorted ascending: the
// integral over u ∈ (0, 1) of the squared difference of the two quantile
// functions, exact by merging their steps. Equal sizes reduce to the mean
// of (x_(i) − y_(i))². It does not allocate; unsorted input gives a value
// that is not a distance.
func SortedW2Sq(xs, ys []float64) float64 {
	n, m := len(xs), len(ys)
	if n == 0 || m == 0 {
		panic("wgrad: empty sample")
	}
	if n == m {
		return sortedW2Uniform(xs, ys)
	}
	i, j := 0, 0
	u, s := 0.0, 0.0
	for i < n && j < m {
		ux := float64(i+1) / float64(n)
		uy := float64(j+1) / float64(m)
		next := math.Min(ux, uy)
		d := xs[i] - ys[j]
		s += (next - u) * d * d
		u = next
		if ux <= uy {
			i++
		}
		if uy <= ux {
			j++
		}
	}
	return s
}
