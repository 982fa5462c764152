// Copyright ©2026 The rgflow Authors. All rights reserved.

package erg

import "testing"

// TestEnumNames: every named value of the enumerations prints its name,
// the parsers invert String and take the aliases, and a value or name
// out of range is reported, not mistaken for another.
func TestEnumNames(t *testing.T) {
	for _, c := range []struct{ got, want string }{
		{Periodic.String(), "fft"}, {Open.String(), "dct"}, {Basis(7).String(), "Basis(7)"},
		{Marginal.String(), "marginal"}, {Trajectory.String(), "trajectory"}, {Coupling(-1).String(), "Coupling(-1)"},
		{X.String(), "x"}, {Phi.String(), "phi"},
		{KeepZeroMode.String(), "keep"}, {IntegrateOutZeroMode.String(), "integrate-out"},
		{BlockSpin.String(), "block"}, {MomentumShell.String(), "momentum-shell"},
		{EulerMaruyama.String(), "euler-maruyama"}, {ExactOU.String(), "exact-ou"}, {SDEMethod(2).String(), "SDEMethod(2)"},
	} {
		if c.got != c.want {
			t.Errorf("String() = %q, want %q", c.got, c.want)
		}
	}
	for _, c := range []Coupling{Marginal, Trajectory} {
		if got, err := ParseCoupling(c.String()); err != nil || got != c {
			t.Errorf("ParseCoupling(%q) = %v, %v", c, got, err)
		}
	}
	for s, want := range map[string]ZeroMode{"keep": KeepZeroMode, "integrate-out": IntegrateOutZeroMode, "integrate_out": IntegrateOutZeroMode, "integrate": IntegrateOutZeroMode} {
		if got, err := ParseZeroMode(s); err != nil || got != want {
			t.Errorf("ParseZeroMode(%q) = %v, %v, want %v", s, got, err, want)
		}
	}
	if _, err := ParseCoupling("joint"); err == nil || err.Error() != `erg: coupling "joint": allowed marginal, trajectory` {
		t.Errorf("ParseCoupling(joint): %v", err)
	}
	if _, err := ParseZeroMode("drop"); err == nil || err.Error() != `erg: zero mode "drop": allowed keep, integrate-out` {
		t.Errorf("ParseZeroMode(drop): %v", err)
	}
}
