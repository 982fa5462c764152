// Copyright ©2026 The rgflow Authors. All rights reserved.

package field

import (
	"errors"
	"fmt"
)

// Phi4TermEstimates are ensemble means of the terms of S/V with their
// Γ-method errors, in the order of the fields of Phi4Terms: Gradient,
// MassZeroMode, MassFluctuation, Quartic.
type Phi4TermEstimates [4]Estimate

// MeasureTerms estimates the mean of each term of S/V (Phi4Terms) over e,
// whose configurations are chains consecutive Markov chains of equal length
// (1 for independent samples or a single chain; a remainder of e.Len()
// not divisible by chains is left out). Each chain is a replica of the
// Γ-method, so the errors include autocorrelations within a chain. A term
// whose window does not converge (ErrShortSeries) keeps its
// maximal-window estimate and is not reported as a failure, as the other
// observables of a short chain are; every other failure is returned.
func (a *Phi4) MeasureTerms(e *Ensemble, chains int) (Phi4TermEstimates, error) {
	var out Phi4TermEstimates
	chains = max(chains, 1)
	n := e.Len()
	per := n / chains
	if per < 2 {
		return out, fmt.Errorf("field: %d configurations in %d chains: too few to estimate the terms of S/V", n, chains)
	}
	var series [4][]float64
	for j := range series {
		series[j] = make([]float64, 0, n)
	}
	for i := range per * chains {
		t := a.Terms(e.Field(i))
		for j, v := range [4]float64{t.Gradient, t.MassZeroMode, t.MassFluctuation, t.Quartic} {
			series[j] = append(series[j], v)
		}
	}
	for j, x := range series {
		reps := make([][][]float64, chains)
		for c := range reps {
			reps[c] = [][]float64{x[c*per : (c+1)*per]}
		}
		est, err := Gamma(nil, 0, reps...)
		if err != nil && !errors.Is(err, ErrShortSeries) {
			return out, err
		}
		out[j] = est
	}
	return out, nil
}
