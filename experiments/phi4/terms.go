// Copyright ©2026 The rgflow Authors. All rights reserved.

package main

import (
	"strings"

	"rgflow/field"
	"rgflow/generative/evaluate"
	"rgflow/internal/h5io"
)

// termNames name the terms of S/V (field.Phi4Terms), in their order.
var termNames = [4]string{"gradient", "mass_zero_mode", "mass_fluctuation", "quartic"}

// termLabels are termNames for the summary table.
var termLabels = [4]string{"½(∇ϕ)²", "½m²M²", "½m²(ϕ−M)²", "(g/4)ϕ⁴"}

// terms are the ensemble means of the terms of S/V with Γ-method errors,
// in the order of termNames.
type terms = field.Phi4TermEstimates

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
		attrs[n+"_z"] = evaluate.DiffZ(ref[j], gen[j])
	}
	return s.out.F.CreateGroup("/comparison/"+method+"/action_terms", attrs)
}

// writeGivenM records the split as /comparison/<method>/action_given_abs_m.
func (s *state) writeGivenM(method string, g evaluate.GivenAbsM) error {
	grp := "/comparison/" + method + "/action_given_abs_m"
	attrs := map[string]any{
		"description": "S/V given |M|: the reference's |M| in 8 equal-count bins (edges abs_m_edges: 0, its octiles, +Inf); mean S/V per bin of both ensembles with standard errors (the reference's inflated by √(2τ_int)). local = Σ_b w_b(G_b − R_b) with the reference's weights w_b is the generated ensemble's S/V error at the reference's law of |M|; global = Σ_b (v_b − w_b)G_b, with its own weights v_b, is what its law of |M| adds; local + global = generated − reference. NaN where a bin has too few generated samples (none for the values, one for the errors)",
		"local":       g.Local, "local_error": g.LocalErr, "local_z": evaluate.RatioZ(g.Local, g.LocalErr),
		"global": g.Global, "global_error": g.GlobalErr, "global_z": evaluate.RatioZ(g.Global, g.GlobalErr),
	}
	if err := s.out.F.CreateGroup(grp, attrs); err != nil {
		return err
	}
	if _, err := s.out.F.Put(grp+"/abs_m_edges", h5io.Spec{Units: "1", Description: "bin edges of |M| (0, the reference's octiles, +Inf)", Dims: []string{"abs_m_edge"}}, g.Edges); err != nil {
		return err
	}
	for _, d := range []struct {
		name, desc string
		v          []float64
	}{
		{"reference", "mean S/V of the reference in the bin", g.Ref},
		{"reference_error", "its standard error (×√(2τ_int))", g.RefErr},
		{"generated", "mean S/V of the generated ensemble in the bin", g.Gen},
		{"generated_error", "its standard error", g.GenErr},
	} {
		if _, err := s.out.F.Put(grp+"/"+d.name, h5io.Spec{Units: "1", Description: d.desc, Dims: []string{"abs_m_bin"}}, d.v); err != nil {
			return err
		}
	}
	for _, d := range []struct {
		name string
		v    []int64
	}{{"reference_count", g.RefN}, {"generated_count", g.GenN}} {
		if _, err := s.out.F.Put(grp+"/"+d.name, h5io.Spec{Units: "1", Description: "configurations in the bin", Dims: []string{"abs_m_bin"}}, d.v); err != nil {
			return err
		}
	}
	return nil
}
