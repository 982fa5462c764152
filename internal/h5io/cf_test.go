// Copyright ©2026 The rgflow Authors. All rights reserved.

package h5io

import "testing"

// TestLongName: the label of a description stops at its first explanation
// outside brackets and formulas, and "its …" names the dataset.
func TestLongName(t *testing.T) {
	for _, c := range []struct{ name, desc, want string }{
		{"chi", "χ = V⟨M²⟩ of the refining ensemble", "χ = V⟨M²⟩ of the refining ensemble"},
		{"kl", "KL(generated ‖ reference) of the Gaussian parts, ½Σ_k(r−1−ln r), r = G_gen/G_ref", "KL(generated ‖ reference) of the Gaussian parts"},
		{"curvature", "κ = v″(0, t) = the curvature at the origin", "κ = v″(0, t) = the curvature at the origin"},
		{"spectrum_chi2", "Σ over distinct modes of ((Ĝ_t − G_t)/σ(Ĝ_t))²: the sample spectrum against the closed form", "Σ over distinct modes of ((Ĝ_t − G_t)/σ(Ĝ_t))²"},
		{"reference_error", "its standard error (×√(2τ_int))", "standard error of reference"},
		{"chi_error", "its standard error", "standard error of chi"},
		{"t", "Langevin time of each snapshot", "Langevin time of each snapshot"},
		{"x", "a description that goes on and on without any explanation at all until it is far too long for a label", "a description that goes on and on without any explanation at all until…"},
	} {
		if got := LongName(c.name, c.desc); got != c.want {
			t.Errorf("LongName(%q, %q) = %q, want %q", c.name, c.desc, got, c.want)
		}
	}
}

// TestCFUnits: lattice units and nats are pure numbers to UDUNITS, their
// words kept apart; other units pass through.
func TestCFUnits(t *testing.T) {
	for _, c := range []struct{ in, units, text string }{
		{"lattice units", "1", "lattice units"},
		{"lattice units^-2", "1", "lattice units^-2"},
		{"nats", "1", "nats"},
		{"1", "1", ""},
		{"s", "s", ""},
	} {
		if u, tx := CFUnits(c.in); u != c.units || tx != c.text {
			t.Errorf("CFUnits(%q) = %q, %q; want %q, %q", c.in, u, tx, c.units, c.text)
		}
	}
}
