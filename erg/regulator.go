// Copyright ©2026 The rgflow Authors. All rights reserved.

package erg

import (
	"fmt"
	"math"
)

// Regulator is a UV cutoff function K(x) of x = p²/Λ²: K(0) = 1,
// K(∞) = 0, non-increasing. The regulated propagator at scale Λ is
// K(p²/Λ²)/(p² + m²).
//
// DK returns dK/dx where K is differentiable; regulators with a jump
// (Sharp) report the derivative of the smooth pieces and say so.
type Regulator interface {
	K(x float64) float64
	DK(x float64) float64
	// Name is a short lower-case label ("exp", "litim", …) for files and
	// command lines.
	Name() string
}

// Exponential is K(x) = e^{−x}. Its flow has β = −∂_t ln ᾱ = 2x_t: every
// mode keeps a nonzero signal fraction at every finite time.
type Exponential struct{}

// K returns e^{−x}.
func (Exponential) K(x float64) float64 { return math.Exp(-x) }

// DK returns −e^{−x}.
func (Exponential) DK(x float64) float64 { return -math.Exp(-x) }

// Name returns "exp".
func (Exponential) Name() string { return "exp" }

// Litim is the optimised regulator of Litim (Phys. Lett. B 486 (2000) 92;
// Phys. Rev. D 64 (2001) 105007) written as a UV cutoff function:
// the infrared regulator R_Λ(p²) = (Λ² − p²)θ(Λ² − p²) gives the IR
// propagator 1/(p² + R) = (1 − K)/p² with
//
//	K(x) = (1 − x)θ(1 − x).
//
// K reaches 0 at x = 1, so a mode is integrated out completely (ᾱ = 0) at
// the finite time when Λ_t² falls to its p², and β = 2x/(1 − x) diverges
// there while βᾱ stays finite.
type Litim struct{}

// K returns (1 − x)θ(1 − x).
func (Litim) K(x float64) float64 {
	if x >= 1 {
		return 0
	}
	return 1 - x
}

// DK returns −θ(1 − x) (the one-sided value −1 at x < 1, 0 beyond).
func (Litim) DK(x float64) float64 {
	if x >= 1 {
		return 0
	}
	return -1
}

// Name returns "litim".
func (Litim) Name() string { return "litim" }

// Sharp is the sharp cutoff K(x) = θ(1 − x), with K(1) = 0: a mode keeps
// its bare value until Λ_t² falls to its p² and is then replaced whole by
// fixed-point noise.
//
// Its dK/dx is a Dirac delta at x = 1, which no float can hold: DK returns
// the derivative of the two constant pieces, 0. A Polchinski schedule over
// Sharp therefore has β = 0 while ᾱ = 1 and β = +Inf once ᾱ = 0: the
// jump of ln ᾱ from 0 to −∞ is a β with a delta of infinite weight. The
// exact transition and the exact OU step, which use ᾱ only, handle it
// exactly; an Euler–Maruyama step cannot and refuses (see Process.StepEM),
// and quantities that integrate β over time (the dissipation of the
// relative entropy) see the jump as a discontinuity of the integrand's
// antiderivative, not as a finite rate.
type Sharp struct{}

// K returns θ(1 − x) with K(1) = 0.
func (Sharp) K(x float64) float64 {
	if x >= 1 {
		return 0
	}
	return 1
}

// DK returns 0: the delta at x = 1 is not representable (see Sharp).
func (Sharp) DK(x float64) float64 { return 0 }

// Name returns "sharp".
func (Sharp) Name() string { return "sharp" }

// FermiDirac is the Fermi–Dirac cutoff of temperature T > 0 (in units of
// Λ²), normalised to K(0) = 1:
//
//	K(x) = (1 + e^{−1/T}) / (1 + e^{(x−1)/T}).
//
// It is the Fermi–Dirac occupation α_t(k) = 1/(e^{(ε_k−μ_t)/T'}+1) with ε_k = p²,
// chemical potential μ_t = Λ_t² and a temperature T' = TΛ_t² that scales
// with the cutoff; ChemicalPotential is the form with a fixed T'. As
// T → 0 it tends to Sharp; T of order 1 is a smooth cutoff.
type FermiDirac struct {
	T float64
}

// NewFermiDirac returns the Fermi–Dirac regulator of temperature T, or an
// error if T is not finite and > 0.
func NewFermiDirac(T float64) (FermiDirac, error) {
	if !(T > 0) || math.IsInf(T, 0) {
		return FermiDirac{}, fmt.Errorf("erg: Fermi–Dirac temperature %v: must be finite and > 0", T)
	}
	return FermiDirac{T: T}, nil
}

// K returns (1 + e^{−1/T})/(1 + e^{(x−1)/T}).
func (r FermiDirac) K(x float64) float64 {
	return math.Exp(r.logK(x))
}

// logK returns ln K(x) without overflow for large x.
func (r FermiDirac) logK(x float64) float64 {
	return softplus(-1/r.T) - softplus((x-1)/r.T)
}

// DK returns −K(x)·f(x)/T with f(x) = 1/(1 + e^{−(x−1)/T}).
func (r FermiDirac) DK(x float64) float64 {
	return -r.K(x) * logistic((x-1)/r.T) / r.T
}

// Name returns "fermi-dirac".
func (r FermiDirac) Name() string { return "fermi-dirac" }

// softplus returns ln(1 + e^z) accurately for any z.
func softplus(z float64) float64 {
	if z > 0 {
		return z + math.Log1p(math.Exp(-z))
	}
	return math.Log1p(math.Exp(z))
}

// logistic returns 1/(1 + e^{−z}) accurately for any z.
func logistic(z float64) float64 {
	if z >= 0 {
		return 1 / (1 + math.Exp(-z))
	}
	e := math.Exp(z)
	return e / (1 + e)
}

// RegulatorByName returns the regulator called name ("exp", "litim",
// "sharp", "fermi-dirac"); temp is the Fermi–Dirac temperature and is
// ignored by the others. It returns an error naming the allowed values
// for an unknown name.
func RegulatorByName(name string, temp float64) (Regulator, error) {
	switch name {
	case "exp", "exponential":
		return Exponential{}, nil
	case "litim", "optimised", "optimized":
		return Litim{}, nil
	case "sharp":
		return Sharp{}, nil
	case "fermi-dirac", "fd":
		return NewFermiDirac(temp)
	}
	return nil, fmt.Errorf("erg: regulator %q: allowed exp, litim, sharp, fermi-dirac", name)
}
