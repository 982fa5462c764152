// Copyright ©2026 The rgflow Authors. All rights reserved.

package erg

import (
	"math"
	"strings"
	"testing"

	"rgflow/lattice"
)

func testRegulators() []Regulator {
	return []Regulator{Exponential{}, Litim{}, Sharp{}, FermiDirac{T: 0.2}, FermiDirac{T: 1}}
}

// TestRegulatorLimits checks K(0) = 1, K(∞) = 0 and that K never
// increases, on a grid of x.
func TestRegulatorLimits(t *testing.T) {
	// At x = 60 the slowest regulator here (Fermi–Dirac, T = 1) is
	// (1+e^{-1})e^{-59} ≈ 6e-26.
	const far, farTol = 60.0, 1e-20
	for _, r := range testRegulators() {
		if k := r.K(0); math.Abs(k-1) > 1e-15 {
			t.Errorf("%s: K(0) = %v, want 1", r.Name(), k)
		}
		if k := r.K(far); k > farTol || k < 0 {
			t.Errorf("%s: K(%v) = %v, want ≈ 0", r.Name(), far, k)
		}
		prev := r.K(0)
		for x := 0.0; x < 5; x += 1e-3 {
			k := r.K(x)
			if k > prev+1e-15 {
				t.Fatalf("%s: K increases at x = %v", r.Name(), x)
			}
			prev = k
		}
	}
}

// TestRegulatorDerivative compares DK with central differences where K is
// smooth. With h = 1e-5 the truncation error is ~h²K‴/6 ≈ 1e-10 and the
// rounding error ~1e-16/h = 1e-11.
func TestRegulatorDerivative(t *testing.T) {
	const h, tol = 1e-5, 1e-8
	for _, r := range []Regulator{Exponential{}, Litim{}, FermiDirac{T: 0.2}, FermiDirac{T: 1}} {
		for x := 0.01; x < 3; x += 0.0731 {
			if _, ok := r.(Litim); ok && math.Abs(x-1) < 2*h {
				continue
			}
			fd := (r.K(x+h) - r.K(x-h)) / (2 * h)
			if d := r.DK(x); math.Abs(d-fd) > tol {
				t.Errorf("%s: DK(%v) = %v, finite difference %v", r.Name(), x, d, fd)
			}
		}
	}
	// Sharp: the derivative of the pieces.
	if s := (Sharp{}); s.DK(0.5) != 0 || s.DK(2) != 0 {
		t.Error("sharp: DK away from the jump must be 0")
	}
}

// TestFermiDiracTendsToSharp: as T → 0 the Fermi–Dirac cutoff becomes
// θ(1 − x); at distance 0.1 from the edge and T = 1e-3 the difference is
// e^{−100}.
func TestFermiDiracTendsToSharp(t *testing.T) {
	r := FermiDirac{T: 1e-3}
	for _, x := range []float64{0, 0.3, 0.9, 1.1, 2, 10} {
		if d := math.Abs(r.K(x) - (Sharp{}).K(x)); d > 1e-40 {
			t.Errorf("K_FD(%v) − θ = %v", x, d)
		}
	}
	if _, err := NewFermiDirac(0); err == nil {
		t.Error("T = 0: want error")
	}
}

// TestBetaIsLogDerivative checks β = −∂_t ln ᾱ against a central
// difference of ln ᾱ for every smooth schedule, and ᾱ₀ = 1.
func TestBetaIsLogDerivative(t *testing.T) {
	const h, tol = 1e-5, 1e-6
	scheds := map[string]Schedule{
		"exp":          PolchinskiSchedule{Reg: Exponential{}, Lambda02: 16},
		"exp-ir":       PolchinskiSchedule{Reg: Exponential{}, Lambda02: 16, MuIR2: 0.3},
		"litim":        PolchinskiSchedule{Reg: Litim{}, Lambda02: 17},
		"fd":           PolchinskiSchedule{Reg: FermiDirac{T: 0.25}, Lambda02: 16, MuIR2: 0.1},
		"chemical-pot": ChemicalPotential{Temp: 0.5, Mu0: 13, Rate: 18},
	}
	for name, s := range scheds {
		for _, eps := range []float64{0, 0.1, 1, 3.7, 8} {
			if a := s.AlphaBar(0, eps); math.Abs(a-1) > 1e-14 {
				t.Errorf("%s: ᾱ₀(%v) = %v, want 1", name, eps, a)
			}
			for tt := 0.05; tt < 2; tt += 0.113 {
				ap, am := s.AlphaBar(tt+h, eps), s.AlphaBar(tt-h, eps)
				if ap < 1e-200 || ap == 0 {
					continue // mode gone (Litim past its cutoff)
				}
				fd := -(math.Log(ap) - math.Log(am)) / (2 * h)
				b := s.Beta(tt, eps)
				if math.Abs(b-fd) > tol*math.Max(1, math.Abs(b)) {
					t.Errorf("%s ε=%v t=%v: β = %v, −∂ ln ᾱ = %v", name, eps, tt, b, fd)
				}
			}
		}
	}
}

// TestChemicalPotentialIsFermiDirac compares K₀·ᾱ_t with the Fermi–Dirac
// occupation α_t(k) = 1/(e^{(ε_k−μ_t)/T}+1) written out directly.
func TestChemicalPotentialIsFermiDirac(t *testing.T) {
	s := ChemicalPotential{Temp: 0.7, Mu0: 9, Rate: 12}
	for _, eps := range []float64{0, 0.5, 2, 7.9} {
		k0 := 1 / (math.Exp((eps-s.Mu0)/s.Temp) + 1)
		for _, tt := range []float64{0, 0.3, 0.8, 1} {
			want := 1 / (math.Exp((eps-(s.Mu0-s.Rate*tt))/s.Temp) + 1)
			if got := k0 * s.AlphaBar(tt, eps); math.Abs(got-want) > 1e-14 {
				t.Errorf("ε=%v t=%v: K₀ᾱ = %v, seed form %v", eps, tt, got, want)
			}
		}
	}
}

// TestLitimCutoffTime: a Litim mode is gone exactly when Λ_t² falls to
// k̂² + μ², at t* = ½ ln(Λ₀²/(k̂² + μ²)), and ᾱ falls linearly in x before.
func TestLitimCutoffTime(t *testing.T) {
	s := PolchinskiSchedule{Reg: Litim{}, Lambda02: 20, MuIR2: 0.5}
	for _, eps := range []float64{0, 1, 4} {
		ts := 0.5 * math.Log(s.Lambda02/(eps+s.MuIR2))
		if a := s.AlphaBar(ts*(1-1e-9), eps); !(a > 0) {
			t.Errorf("ε=%v: ᾱ just before t* = %v", eps, a)
		}
		if a := s.AlphaBar(ts*(1+1e-9), eps); a != 0 {
			t.Errorf("ε=%v: ᾱ just after t* = %v, want 0", eps, a)
		}
		if b := s.Beta(ts*(1+1e-9), eps); !math.IsInf(b, 1) {
			t.Errorf("ε=%v: β after the cutoff = %v, want +Inf", eps, b)
		}
	}
}

// TestSharpSchedule: ᾱ ∈ {0, 1}, β ∈ {0, +Inf}, and Euler–Maruyama refuses.
func TestSharpSchedule(t *testing.T) {
	l := lattice.MustNew(6, 6)
	p, err := NewPolchinski(l, PolchinskiParams{Regulator: Sharp{}, Mass2: 0.5, ZeroMode: IntegrateOutZeroMode})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []float64{0, 0.3, 0.9, 1.7, p.T} {
		for j := range p.Eps {
			a := p.Sched.AlphaBar(tt, p.Eps[j])
			b := p.Sched.Beta(tt, p.Eps[j])
			if !((a == 1 && b == 0) || (a == 0 && math.IsInf(b, 1))) {
				t.Fatalf("t=%v mode %d: ᾱ = %v, β = %v", tt, j, a, b)
			}
		}
	}
	defer func() {
		if recover() == nil {
			t.Error("StepEM with a sharp regulator past a cutoff must panic")
		}
	}()
	x := make([]complex128, p.Modes())
	p.StepEM(nil, x, x, p.T/2, 0.01)
}

// TestPolchinskiFamilies checks the two families: the textbook flow keeps
// ᾱ(0) = 1 and β(0) = 0 for ever; the other ends within Tol of the
// Gaussian fixed point at the chosen T, and not earlier.
func TestPolchinskiFamilies(t *testing.T) {
	l := lattice.MustNew(8, 6)
	for _, r := range testRegulators() {
		keep, err := NewPolchinski(l, PolchinskiParams{Regulator: r})
		if err != nil {
			t.Fatalf("%s keep: %v", r.Name(), err)
		}
		for _, tt := range []float64{0, 1, keep.T, 50} {
			if a := keep.Sched.AlphaBar(tt, 0); a != 1 {
				t.Errorf("%s keep: ᾱ_%v(0) = %v, want 1", r.Name(), tt, a)
			}
			if b := keep.Sched.Beta(tt, 0); b != 0 {
				t.Errorf("%s keep: β_%v(0) = %v, want 0", r.Name(), tt, b)
			}
		}
		for j := range keep.Eps {
			if keep.Eps[j] > 0 {
				if !keep.Moves(j) {
					t.Errorf("%s keep: mode %d does not move", r.Name(), j)
				}
				if a := keep.Sched.AlphaBar(keep.T, keep.Eps[j]); a > DefaultTol {
					t.Errorf("%s keep: mode %d ends at ᾱ = %v", r.Name(), j, a)
				}
			} else if keep.Moves(j) {
				t.Errorf("%s keep: the zero mode moves", r.Name())
			}
		}
		for _, tol := range []float64{1e-3, 1e-6} {
			p, err := NewPolchinski(l, PolchinskiParams{Regulator: r, Mass2: 0.3, ZeroMode: IntegrateOutZeroMode, Tol: tol})
			if err != nil {
				t.Fatalf("%s integrate-out: %v", r.Name(), err)
			}
			if m := p.MaxAlphaBar(p.T); m > tol {
				t.Errorf("%s: max ᾱ_T = %v > tol %v", r.Name(), m, tol)
			}
			if m := p.MaxAlphaBar(p.T * (1 - 1e-6)); m <= tol {
				t.Errorf("%s: T = %v is not the first time below tol (max ᾱ = %v just before)", r.Name(), p.T, m)
			}
			// A T well short of the fixed point is refused, naming T.
			_, err = NewPolchinski(l, PolchinskiParams{Regulator: r, Mass2: 0.3, ZeroMode: IntegrateOutZeroMode, Tol: tol, T: p.T / 3})
			if err == nil || !strings.Contains(err.Error(), "T = ") {
				t.Errorf("%s: short T: error %v", r.Name(), err)
			}
		}
	}
}

func TestPolchinskiErrors(t *testing.T) {
	l := lattice.MustNew(4, 4)
	cases := []struct {
		par  PolchinskiParams
		want string
	}{
		{PolchinskiParams{}, "regulator"},
		{PolchinskiParams{Regulator: Exponential{}, ZeroMode: IntegrateOutZeroMode}, "mass2"},
		{PolchinskiParams{Regulator: Exponential{}, MuIR2: 1}, "mu_ir2"},
		{PolchinskiParams{Regulator: Exponential{}, Mass2: -1}, "mass2"},
		{PolchinskiParams{Regulator: Litim{}, Lambda02: 8}, "lambda02"},
		{PolchinskiParams{Regulator: Exponential{}, Tol: 2}, "tol"},
		{PolchinskiParams{Regulator: Exponential{}, T: -1}, "T = "},
		{PolchinskiParams{Regulator: Exponential{}, ZeroMode: 5}, "zero mode"},
	}
	for _, c := range cases {
		_, err := NewPolchinski(l, c.par)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: error %v, want one naming %q", c.par, err, c.want)
		}
	}
	if _, err := NewChemicalPotentialFlow(l, ChemicalPotentialParams{Temp: 0.5, Mass2: 1, MuEnd: -1}); err == nil || !strings.Contains(err.Error(), "mu_end") {
		t.Errorf("chemical potential short of the fixed point: error %v", err)
	}
	p, err := NewChemicalPotentialFlow(l, ChemicalPotentialParams{Temp: 0.5, Mass2: 1, Tol: 1e-5})
	if err != nil {
		t.Fatal(err)
	}
	if m := p.MaxAlphaBar(p.T); m > 1e-5 {
		t.Errorf("chemical potential: max ᾱ_T = %v", m)
	}
}
