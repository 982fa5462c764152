// Copyright ©2026 The rgflow Authors. All rights reserved.

package benchutil

import (
	"math"
	"slices"
)

// Median returns the median of x, the mean of the two middle values when
// len(x) is even, without changing x. It returns NaN for an empty x.
func Median(x []float64) float64 {
	n := len(x)
	if n == 0 {
		return math.NaN()
	}
	s := slices.Clone(x)
	slices.Sort(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// Ratios returns a[r]/b[r] for every round r, the ratios of two sides timed
// in the same rounds. It panics if the lengths differ.
func Ratios(a, b []float64) []float64 {
	if len(a) != len(b) {
		panic("benchutil: ratio of series of different lengths")
	}
	r := make([]float64, len(a))
	for i := range a {
		r[i] = a[i] / b[i]
	}
	return r
}

// Summary is the median and the range of a series over rounds.
type Summary struct {
	Median, Min, Max float64
}

// Summarise returns the median, minimum and maximum of x (NaN for an
// empty x).
func Summarise(x []float64) Summary {
	if len(x) == 0 {
		return Summary{math.NaN(), math.NaN(), math.NaN()}
	}
	return Summary{Median(x), slices.Min(x), slices.Max(x)}
}
