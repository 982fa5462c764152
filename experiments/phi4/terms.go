// Copyright ©2026 The rgflow Authors. All rights reserved.

package main

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"rgflow/field"
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
		attrs[n+"_z"] = termZ(ref[j], gen[j])
	}
	return s.out.F.CreateGroup("/comparison/"+method+"/action_terms", attrs)
}

// termZ is (generated − reference) over the combined standard error.
func termZ(ref, gen field.Estimate) float64 {
	return ratioZ(gen.Value-ref.Value, math.Hypot(ref.Err, gen.Err))
}

// absMBins is the number of equal-count bins of the reference's |M| in the
// split of S/V given |M| (octiles).
const absMBins = 8

// givenM splits the S/V difference of a generated ensemble from the
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
type givenM struct {
	Edges                    []float64 // bin edges of |M|: 0, the reference's octiles, +Inf
	RefN, GenN               []int64
	Ref, RefErr, Gen, GenErr []float64 // mean S/V per bin and its standard error
	// Local and Global are NaN when a bin has no generated sample, their
	// errors when one has fewer than 2.
	Local, LocalErr   float64
	Global, GlobalErr float64
}

// splitGivenM computes the split for the measurements ref (a Markov chain
// whose S/V has integrated autocorrelation time tau, in configurations;
// ½ for independent samples) and gen (independent samples). The error of
// the global part is that of a difference of two weight vectors, each
// multinomial with its own law (the reference's inflated by 2τ), applied
// to the spread of the G_b.
func splitGivenM(ref, gen []field.Measurement, tau float64) (givenM, error) {
	if len(ref) < 2*absMBins || len(gen) < 2 {
		return givenM{}, fmt.Errorf("phi4: %d reference and %d generated configurations: too few for S/V given |M| in %d bins", len(ref), len(gen), absMBins)
	}
	abs := make([]float64, len(ref))
	for i, m := range ref {
		abs[i] = math.Abs(m.M)
	}
	slices.Sort(abs)
	g := givenM{Edges: make([]float64, absMBins+1)}
	for b := 1; b < absMBins; b++ {
		g.Edges[b] = abs[b*len(abs)/absMBins]
	}
	g.Edges[absMBins] = math.Inf(1)
	bin := func(m float64) int {
		// The bin b with Edges[b] ≤ |M| < Edges[b+1].
		b, found := slices.BinarySearch(g.Edges, math.Abs(m))
		if !found {
			b--
		}
		return min(max(b, 0), absMBins-1)
	}
	moments := func(ms []field.Measurement) (n []int64, mean, se []float64) {
		n = make([]int64, absMBins)
		s, s2 := make([]float64, absMBins), make([]float64, absMBins)
		for _, m := range ms {
			b := bin(m.M)
			n[b]++
			s[b] += m.ActionDensity
			s2[b] += m.ActionDensity * m.ActionDensity
		}
		mean, se = make([]float64, absMBins), make([]float64, absMBins)
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
	w, v := make([]float64, absMBins), make([]float64, absMBins)
	for b := range absMBins {
		w[b], v[b] = float64(g.RefN[b])/nr, float64(g.GenN[b])/ng
		local += w[b] * (g.Gen[b] - g.Ref[b])
		lvar += w[b] * w[b] * (g.GenErr[b]*g.GenErr[b] + g.RefErr[b]*g.RefErr[b])
		global += (v[b] - w[b]) * g.Gen[b]
		gw += w[b] * g.Gen[b]
		gv += v[b] * g.Gen[b]
	}
	// The weights' multinomial spreads, each with its own law.
	var sw, sv float64
	for b := range absMBins {
		sw += w[b] * (g.Gen[b] - gw) * (g.Gen[b] - gw)
		sv += v[b] * (g.Gen[b] - gv) * (g.Gen[b] - gv)
	}
	g.Local, g.LocalErr = local, math.Sqrt(lvar)
	g.Global, g.GlobalErr = global, math.Sqrt(sv/ng+sw*math.Max(2*tau, 1)/nr)
	return g, nil
}

// writeGivenM records the split as /comparison/<method>/action_given_abs_m.
func (s *state) writeGivenM(method string, g givenM) error {
	grp := "/comparison/" + method + "/action_given_abs_m"
	attrs := map[string]any{
		"description": "S/V given |M|: the reference's |M| in 8 equal-count bins (edges abs_m_edges: 0, its octiles, +Inf); mean S/V per bin of both ensembles with standard errors (the reference's inflated by √(2τ_int)). local = Σ_b w_b(G_b − R_b) with the reference's weights w_b is the generated ensemble's S/V error at the reference's law of |M|; global = Σ_b (v_b − w_b)G_b, with its own weights v_b, is what its law of |M| adds; local + global = generated − reference. NaN where a bin has too few generated samples (none for the values, one for the errors)",
		"local":       g.Local, "local_error": g.LocalErr, "local_z": ratioZ(g.Local, g.LocalErr),
		"global": g.Global, "global_error": g.GlobalErr, "global_z": ratioZ(g.Global, g.GlobalErr),
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

// ratioZ is x/err: 0 when both are 0, ±Inf for a difference without an
// error (as evaluate.Compare's z-scores).
func ratioZ(x, err float64) float64 {
	if err == 0 && x == 0 {
		return 0
	}
	return x / err
}
