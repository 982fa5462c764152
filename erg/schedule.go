// Copyright ©2026 The rgflow Authors. All rights reserved.

package erg

import (
	"fmt"
	"math"

	"rgflow/lattice"
)

// PolchinskiSchedule is the Polchinski flow's per-mode schedule for a
// regulator K and the RG scale Λ_t = Λ₀e^{−t} (t is RG time, increasing
// toward the infrared):
//
//	ᾱ_t(ε) = K(x_t)/K(x₀),  x_t = (ε + μ²)/Λ_t² = x₀e^{2t},
//	β_t(ε) = −∂_t ln ᾱ = −2x_t K′(x_t)/K(x_t),
//
// for a mode of energy ε = k̂². ᾱ is the ratio C_t/C₀ of the regulated
// propagators, so the lattice theory itself (C₀ = 1/(k̂² + m₀²)) is the
// starting point and Λ₀ only says where on the regulator's profile the
// flow starts.
//
// With MuIR2 = μ² = 0 the zero mode has x ≡ 0 and ᾱ_t(0) = 1 for ever:
// the textbook flow, which never integrates out the magnetisation. With
// μ² > 0 the regulator sees the massive dispersion k̂² + μ², and the zero
// mode is integrated out like any other scale, so that ᾱ of every mode
// tends to 0 and the flow ends at the Gaussian fixed point.
//
// Where K(x_t) = 0 (Litim and Sharp beyond x = 1) the mode is gone:
// ᾱ = 0 and Beta reports +Inf. See Sharp for how its delta-function β is
// handled.
type PolchinskiSchedule struct {
	Reg Regulator
	// Lambda02 is Λ₀², the squared scale at t = 0.
	Lambda02 float64
	// MuIR2 is μ² ≥ 0, added to every mode energy in the regulator's
	// argument.
	MuIR2 float64
}

// X returns the regulator argument x_t = (ε + μ²)e^{2t}/Λ₀².
func (s PolchinskiSchedule) X(t, eps float64) float64 {
	return (eps + s.MuIR2) / s.Lambda02 * math.Exp(2*t)
}

// Lambda2 returns Λ_t² = Λ₀²e^{−2t}.
func (s PolchinskiSchedule) Lambda2(t float64) float64 { return s.Lambda02 * math.Exp(-2*t) }

// AlphaBar returns K(x_t)/K(x₀).
func (s PolchinskiSchedule) AlphaBar(t, eps float64) float64 {
	x0 := (eps + s.MuIR2) / s.Lambda02
	xt := x0 * math.Exp(2*t)
	a := math.Exp(logK(s.Reg, xt) - logK(s.Reg, x0))
	return math.Min(a, 1)
}

// Beta returns −2x_t K′(x_t)/K(x_t), +Inf where K(x_t) = 0.
func (s PolchinskiSchedule) Beta(t, eps float64) float64 {
	xt := s.X(t, eps)
	d := dlogK(s.Reg, xt)
	if math.IsInf(d, -1) {
		return math.Inf(1)
	}
	return -2 * xt * d
}

// logK returns ln K(x), with the known regulators in closed form.
func logK(r Regulator, x float64) float64 {
	switch r := r.(type) {
	case Exponential:
		return -x
	case FermiDirac:
		return r.logK(x)
	}
	return math.Log(r.K(x))
}

// dlogK returns d ln K/dx, −Inf where K = 0.
func dlogK(r Regulator, x float64) float64 {
	switch r := r.(type) {
	case Exponential:
		return -1
	case FermiDirac:
		return -logistic((x-1)/r.T) / r.T
	}
	k := r.K(x)
	if k <= 0 {
		return math.Inf(-1)
	}
	return r.DK(x) / k
}

// ChemicalPotential is the Fermi–Dirac schedule in chemical-potential form,
// with a fixed temperature T (in the units of the mode energies) and a
// chemical potential falling linearly in time, μ_t = μ₀ − v·t:
//
//	K_t(ε) = 1/(e^{(ε−μ_t)/T} + 1),  ᾱ_t(ε) = K_t(ε)/K₀(ε),
//	β_t(ε) = (v/T)·(1 − K_t(ε)).
//
// Dividing by K₀ makes ᾱ₀ = 1 exactly (with μ₀ well above the largest ε,
// K₀ ≈ 1 anyway). As μ_t → −∞ every mode, the zero mode included, is
// integrated out: ᾱ_t(0) ≈ e^{μ_t/T}. It is a Polchinski flow in the
// general sense (any decreasing family C_t = K_t C₀ of propagators).
type ChemicalPotential struct {
	Temp float64 // T > 0
	Mu0  float64 // μ₀
	Rate float64 // v > 0
}

// Mu returns μ_t = μ₀ − v·t.
func (s ChemicalPotential) Mu(t float64) float64 { return s.Mu0 - s.Rate*t }

// AlphaBar returns K_t(ε)/K₀(ε).
func (s ChemicalPotential) AlphaBar(t, eps float64) float64 {
	a := math.Exp(softplus((eps-s.Mu0)/s.Temp) - softplus((eps-s.Mu(t))/s.Temp))
	return math.Min(a, 1)
}

// Beta returns (v/T)(1 − K_t(ε)).
func (s ChemicalPotential) Beta(t, eps float64) float64 {
	return s.Rate / s.Temp * logistic((eps-s.Mu(t))/s.Temp)
}

// ZeroMode says what a Polchinski flow does with the k = 0 mode.
type ZeroMode int

const (
	// KeepZeroMode is the textbook flow: the regulator argument is
	// k̂²/Λ², ᾱ_t(0) = 1 and the magnetisation is never integrated out.
	// The flow ends at the Gaussian fixed point in every other mode.
	KeepZeroMode ZeroMode = iota
	// IntegrateOutZeroMode uses the argument (k̂² + μ_IR²)/Λ², so every
	// mode is integrated out and the flow ends at the Gaussian fixed point
	// N(0, C₀), which the exact free-field sampler draws.
	IntegrateOutZeroMode
)

var zeroModeNames = []string{KeepZeroMode: "keep", IntegrateOutZeroMode: "integrate-out"}

func (z ZeroMode) String() string { return enumName("ZeroMode", int(z), zeroModeNames...) }

// ParseZeroMode returns the ZeroMode called s ("keep" or "integrate-out";
// also "integrate_out" and "integrate").
func ParseZeroMode(s string) (ZeroMode, error) {
	z, err := parseEnum("zero mode", s, zeroModeNames, map[string]int{
		"integrate_out": int(IntegrateOutZeroMode), "integrate": int(IntegrateOutZeroMode)})
	return ZeroMode(z), err
}

// DefaultTol is the default bound on ᾱ_T of the slowest mode at the end
// of a flow: the fixed point is reached when every mode keeps less than
// this fraction of its initial signal.
const DefaultTol = 1e-4

// maxEndTime bounds the search for an end time: e^{2t} overflows near
// t = 355, and no sensible schedule needs more than this.
const maxEndTime = 100

// PolchinskiParams configures NewPolchinski.
type PolchinskiParams struct {
	// Regulator is the cutoff function K (required).
	Regulator Regulator
	// Mass2 is m₀² ≥ 0 of the reference propagator σ² = C₀ =
	// 1/(k̂² + m₀²), the Gaussian fixed point the flow ends at. m₀² = 0
	// is allowed only with KeepZeroMode (the massless zero mode has
	// infinite variance).
	Mass2 float64
	// ZeroMode chooses the textbook flow (KeepZeroMode, the default) or
	// the flow that also integrates out k = 0.
	ZeroMode ZeroMode
	// MuIR2 is μ_IR² > 0 of IntegrateOutZeroMode; 0 means Mass2, so that
	// the regulator sees the massive dispersion k̂² + m₀². It must be 0
	// with KeepZeroMode.
	MuIR2 float64
	// Lambda02 is Λ₀²; 0 means 2·max(k̂² + μ_IR²) over the lattice's
	// modes, so that every mode starts at x ≤ ½, well inside the cutoff
	// of every regulator here. Litim and Sharp need Λ₀² > max(k̂² + μ²).
	Lambda02 float64
	// T is the end time; 0 means the smallest time at which every mode
	// that moves has ᾱ_T ≤ Tol. With IntegrateOutZeroMode a given T is
	// checked against Tol and rejected if it ends short of the fixed
	// point.
	T float64
	// Tol bounds ᾱ_T (0 means DefaultTol).
	Tol float64
	// Basis is Periodic (FFT, the default) or Open (DCT-II).
	Basis Basis
}

// NewPolchinski returns the Polchinski flow on l as a Process: mode
// energies ε = k̂² (HalfKHat2 for Periodic, DCTKHat2 for Open), reference
// spectrum σ² = 1/(k̂² + m₀²) and a PolchinskiSchedule.
//
// With KeepZeroMode and m₀² = 0 the zero mode's σ² would be infinite; it
// never moves (ᾱ ≡ 1), so σ² there is set to 1 as a placeholder that
// no transition reads, and the monotones leave never-moving modes out.
// Every invalid setting gives an error that names it.
func NewPolchinski(l *lattice.Lattice, par PolchinskiParams) (*Process, error) {
	if par.Regulator == nil {
		return nil, fmt.Errorf("erg: Polchinski flow needs a regulator: allowed exp, litim, sharp, fermi-dirac")
	}
	if !(par.Mass2 >= 0) || math.IsInf(par.Mass2, 0) {
		return nil, fmt.Errorf("erg: mass2 = %v: must be finite and ≥ 0", par.Mass2)
	}
	tol := par.Tol
	if tol == 0 {
		tol = DefaultTol
	}
	if !(tol > 0 && tol < 1) {
		return nil, fmt.Errorf("erg: tol = %v: must lie in (0, 1)", par.Tol)
	}
	mu2 := par.MuIR2
	switch par.ZeroMode {
	case KeepZeroMode:
		if mu2 != 0 {
			return nil, fmt.Errorf("erg: mu_ir2 = %v with zero_mode = keep: μ_IR² integrates out the zero mode; use zero_mode = integrate-out or mu_ir2 = 0", mu2)
		}
	case IntegrateOutZeroMode:
		if !(par.Mass2 > 0) {
			return nil, fmt.Errorf("erg: mass2 = %v with zero_mode = integrate-out: the fixed point N(0, 1/(k̂²+m₀²)) needs m₀² > 0", par.Mass2)
		}
		if mu2 == 0 {
			mu2 = par.Mass2
		}
		if !(mu2 > 0) || math.IsInf(mu2, 0) {
			return nil, fmt.Errorf("erg: mu_ir2 = %v: must be finite and > 0 (0 means mass2)", par.MuIR2)
		}
	default:
		return nil, fmt.Errorf("erg: zero mode %v: allowed keep, integrate-out", par.ZeroMode)
	}
	eps, emax, err := modeEnergies(l, par.Basis)
	if err != nil {
		return nil, err
	}
	lam02 := par.Lambda02
	if lam02 == 0 {
		lam02 = 2 * (emax + mu2)
	}
	if !(lam02 > 0) || math.IsInf(lam02, 0) {
		return nil, fmt.Errorf("erg: lambda02 = %v: must be finite and > 0", par.Lambda02)
	}
	if x0 := (emax + mu2) / lam02; !(par.Regulator.K(x0) > 0) {
		return nil, fmt.Errorf("erg: lambda02 = %v puts the top mode at x₀ = %v where the %s regulator vanishes: need lambda02 > %v", lam02, x0, par.Regulator.Name(), emax+mu2)
	}
	sched := PolchinskiSchedule{Reg: par.Regulator, Lambda02: lam02, MuIR2: mu2}
	sig := make([]float64, len(eps))
	for j, e := range eps {
		if e+par.Mass2 > 0 {
			sig[j] = 1 / (e + par.Mass2)
		} else {
			sig[j] = 1 // massless zero mode of the textbook flow: never read
		}
	}
	T, err := endTime(sched, eps, par.T, tol, par.ZeroMode == IntegrateOutZeroMode, "mu_ir2")
	if err != nil {
		return nil, err
	}
	return NewProcess(l, par.Basis, sched, T, eps, sig)
}

// ChemicalPotentialParams configures NewChemicalPotentialFlow: the
// Fermi–Dirac schedule with fixed temperature and μ_t = μ₀ − v·t, which
// always integrates out the zero mode.
type ChemicalPotentialParams struct {
	// Temp is the temperature T > 0 in units of k̂².
	Temp float64
	// Mu0 is μ₀; NaN or 0 means max k̂² + 10·T, so that K₀ > 0.9999 for
	// every mode.
	Mu0 float64
	// MuEnd is μ_T, the chemical potential at the end time 1: the rate is
	// v = μ₀ − μ_T. 0 means the value that brings ᾱ_T of the zero mode
	// down to Tol.
	MuEnd float64
	// Mass2 is m₀² > 0 of σ² = 1/(k̂² + m₀²).
	Mass2 float64
	// Tol bounds ᾱ_T (0 means DefaultTol).
	Tol float64
	// Basis is Periodic (default) or Open.
	Basis Basis
}

// NewChemicalPotentialFlow returns the chemical-potential (Fermi–Dirac)
// flow on l over t ∈ [0, 1], checking that it ends at the Gaussian fixed
// point: ᾱ_1 ≤ Tol for every mode, else an error naming mu_end.
func NewChemicalPotentialFlow(l *lattice.Lattice, par ChemicalPotentialParams) (*Process, error) {
	if !(par.Temp > 0) || math.IsInf(par.Temp, 0) {
		return nil, fmt.Errorf("erg: temp = %v: must be finite and > 0", par.Temp)
	}
	if !(par.Mass2 > 0) || math.IsInf(par.Mass2, 0) {
		return nil, fmt.Errorf("erg: mass2 = %v: the chemical-potential flow integrates out the zero mode and needs m₀² > 0", par.Mass2)
	}
	tol := par.Tol
	if tol == 0 {
		tol = DefaultTol
	}
	if !(tol > 0 && tol < 1) {
		return nil, fmt.Errorf("erg: tol = %v: must lie in (0, 1)", par.Tol)
	}
	eps, emax, err := modeEnergies(l, par.Basis)
	if err != nil {
		return nil, err
	}
	mu0 := par.Mu0
	if mu0 == 0 || math.IsNaN(mu0) {
		mu0 = emax + 10*par.Temp
	}
	muEnd := par.MuEnd
	if muEnd == 0 {
		// ᾱ_1(0) = K₁(0)/K₀(0) ≤ K₁(0) ≤ e^{μ_1/T}: μ_1 = T ln tol
		// suffices; the check below confirms it.
		muEnd = par.Temp * math.Log(tol)
	}
	if !(muEnd < mu0) || math.IsInf(muEnd, 0) {
		return nil, fmt.Errorf("erg: mu_end = %v: must be finite and below mu0 = %v", muEnd, mu0)
	}
	s := ChemicalPotential{Temp: par.Temp, Mu0: mu0, Rate: mu0 - muEnd}
	sig := make([]float64, len(eps))
	for j, e := range eps {
		sig[j] = 1 / (e + par.Mass2)
	}
	p, err := NewProcess(l, par.Basis, s, 1, eps, sig)
	if err != nil {
		return nil, err
	}
	if m := p.MaxAlphaBar(1); m > tol {
		return nil, fmt.Errorf("erg: mu_end = %v leaves max ᾱ_T = %.3g above tol = %g: lower mu_end to about %.4g", muEnd, m, tol, par.Temp*math.Log(tol))
	}
	return p, nil
}

// endTime returns the end time of a flow: T itself (checked when the
// flow must reach the fixed point) or, for T = 0, the smallest time at
// which every moving mode has ᾱ ≤ tol. Modes with ᾱ ≡ 1 (the kept zero
// mode) are ignored unless mustFix, in which case they are an error.
func endTime(s Schedule, eps []float64, T, tol float64, mustFix bool, knob string) (float64, error) {
	maxMoving := func(t float64) (float64, float64) {
		mv, all := 0.0, 0.0
		for _, e := range eps {
			a := s.AlphaBar(t, e)
			all = math.Max(all, a)
			if s.AlphaBar(maxEndTime, e) < 1 {
				mv = math.Max(mv, a)
			}
		}
		return mv, all
	}
	if T != 0 {
		if !(T > 0) || math.IsInf(T, 0) {
			return 0, fmt.Errorf("erg: end time T = %v: must be finite and > 0 (0 chooses it)", T)
		}
		if mustFix {
			if _, all := maxMoving(T); all > tol {
				need, err := endTime(s, eps, 0, tol, true, knob)
				hint := ""
				if err == nil {
					hint = fmt.Sprintf(" (T ≥ %.4g needed)", need)
				}
				return 0, fmt.Errorf("erg: end time T = %v leaves max ᾱ_T = %.3g above tol = %g, short of the fixed point: raise T%s or %s", T, all, tol, hint, knob)
			}
		}
		return T, nil
	}
	val := func(t float64) float64 {
		mv, all := maxMoving(t)
		if mustFix {
			return all
		}
		return mv
	}
	hi := 1.0
	for val(hi) > tol {
		hi *= 2
		if hi > maxEndTime {
			return 0, fmt.Errorf("erg: no end time up to %v brings max ᾱ below tol = %g: raise %s or tol", maxEndTime, tol, knob)
		}
	}
	lo := 0.0
	for hi-lo > 1e-9*hi {
		mid := 0.5 * (lo + hi)
		if val(mid) > tol {
			lo = mid
		} else {
			hi = mid
		}
	}
	return hi, nil
}

// modeEnergies returns the mode energies k̂² of basis b on l and the
// largest of them.
func modeEnergies(l *lattice.Lattice, b Basis) (eps []float64, emax float64, err error) {
	switch b {
	case Periodic:
		eps = l.HalfKHat2()
	case Open:
		eps = l.DCTKHat2()
	default:
		return nil, 0, fmt.Errorf("erg: unknown basis %v: allowed fft (periodic) or dct (open)", b)
	}
	for _, e := range eps {
		emax = math.Max(emax, e)
	}
	return eps, emax, nil
}
