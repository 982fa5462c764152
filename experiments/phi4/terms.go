// Copyright ©2026 The rgflow Authors. All rights reserved.

package main

import (
	"errors"
	"fmt"
	"math"
	"strings"

	"rgflow/field"
)

// termNames name the terms of S/V (field.Phi4Terms), in their order.
var termNames = [4]string{"gradient", "mass_zero_mode", "mass_fluctuation", "quartic"}

// termLabels are termNames for the summary table.
var termLabels = [4]string{"½(∇ϕ)²", "½m²M²", "½m²(ϕ−M)²", "(g/4)ϕ⁴"}

// terms are the ensemble means of the terms of S/V with Γ-method errors.
type terms [4]field.Estimate

// measureTerms estimates the mean of each term of S/V over e, split into
// chains consecutive chains of equal length (1 for independent samples).
// A Γ-method window that does not converge keeps its maximal-window
// estimate, as the other observables do.
func measureTerms(a *field.Phi4, e *field.Ensemble, chains int) (terms, error) {
	var out terms
	chains = max(chains, 1)
	n := e.Len()
	per := n / chains
	if per < 2 {
		return out, fmt.Errorf("phi4: %d configurations in %d chains: too few to estimate the terms of S/V", n, chains)
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
		est, err := field.Gamma(nil, 0, reps...)
		if err != nil && !errors.Is(err, field.ErrShortSeries) {
			return out, err
		}
		out[j] = est
	}
	return out, nil
}

// writeTerms records the split of S/V of one comparison as attributes of
// /comparison/<method>/action_terms.
func (s *state) writeTerms(method string, ref, gen terms) error {
	attrs := map[string]any{
		"description": "S/V split into its terms (continuum-like form): gradient ½Σ_μ(ϕ_{x+μ}−ϕ_x)², the mass term ½m²ϕ² split at the zero mode into ½m²M² and ½m²(ϕ−M)², and the quartic (g/4)ϕ⁴, each averaged over sites; <term>_reference, <term>_generated with _error (Γ-method), and <term>_z = (generated − reference)/combined error. The gradient and mass terms depend on the fields only through G(k), the quartic through the on-site fourth moment.",
		"terms":       strings.Join(termNames[:], ","),
	}
	for j, n := range termNames {
		attrs[n+"_reference"] = ref[j].Value
		attrs[n+"_reference_error"] = ref[j].Err
		attrs[n+"_generated"] = gen[j].Value
		attrs[n+"_generated_error"] = gen[j].Err
		attrs[n+"_z"] = termZ(ref[j], gen[j])
	}
	return s.out.F.CreateGroup("/comparison/"+method+"/action_terms", attrs)
}

// termZ is (generated − reference) over the combined standard error.
func termZ(ref, gen field.Estimate) float64 {
	e := math.Hypot(ref.Err, gen.Err)
	if e == 0 {
		return 0
	}
	return (gen.Value - ref.Value) / e
}
