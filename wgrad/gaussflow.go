// Copyright ©2026 The rgflow Authors. All rights reserved.

package wgrad

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mathext"

	"rgflow/field"
	"rgflow/lattice"
)

// GaussianLangevin is the closed-form Langevin flow of the free field
// S = ½ Σ_k λ_k |φ̃_k|²/V, λ_k = k̂² + m², from a centred Gaussian start.
// The law stays Gaussian and translation invariant; its covariance
// eigenvalue on mode k (⟨|φ̃_k|²⟩ = V·v_k, the field package's
// convention) obeys, in continuous time with mobility a_k (1 for the
// plain methods, 𝕄_k⁻¹ for the Fourier ones),
//
//	dv_k/dt = −2Ω_k v_k + 2a_k/β,  Ω_k = a_k λ_k,
//	v_k(t) = G_k + (v_k(0) − G_k) e^{−2Ω_k t},  G_k = 1/(βλ_k),
//
// and under one Euler–Maruyama step of size h, exactly,
//
//	v' = (1 − hΩ_k)² v + 2h a_k/β,
//
// whose fixed point G_k/(1 − hΩ_k/2) is the scheme's stationary bias
// (stable for hΩ_k < 2).
//
// The free energy relative to equilibrium is F(ρ) − F(π) = β⁻¹ KL(ρ‖π),
// ½β⁻¹ Σ_k (r_k − 1 − ln r_k) with r = v/G, its dissipation is
//
//	−dF/dt = E_ρ ⟨∇δF/δρ, 𝕄⁻¹ ∇δF/δρ⟩ = Σ_k a_k λ_k² (v_k − G_k)²/v_k,
//
// and W₂²(ρ, π) = Σ_k (√v_k − √G_k)². Every sum runs over all V modes:
// the half-spectrum entries (lattice.HalfKHat2 order) carry the weights
// lattice.HalfWeights, so real and complex modes, and the zero and
// Nyquist modes, are counted once each as real degrees of freedom. The
// distance is that of R^V with the Euclidean norm Σ_x φ_x².
type GaussianLangevin struct {
	Lat  *lattice.Lattice
	M2   float64 // mass² m² > 0 of the free action
	Beta float64 // inverse temperature β
	// KHat2, Weight and Mobility are per half-spectrum mode.
	KHat2, Weight, Mobility []float64
	// V0 is the initial covariance eigenvalue v_k(0) per mode.
	V0 []float64

	method Method
	lgv    *Langevin
}

// NewGaussianLangevin returns the closed form of the flow l from a centred
// Gaussian start of covariance eigenvalues v0 (one per half-spectrum mode;
// FreeSpectrum gives those of a free field). l.Action must be a
// *field.Free with m² > 0 (the massless zero mode has no equilibrium).
func NewGaussianLangevin(l *Langevin, v0 []float64) (*GaussianLangevin, error) {
	a, ok := l.Action.(*field.Free)
	if !ok {
		return nil, fmt.Errorf("wgrad: closed-form Langevin needs a *field.Free action, not %T", l.Action)
	}
	if !(a.M2 > 0) {
		return nil, fmt.Errorf("wgrad: closed-form Langevin needs mass² m2 > 0 (got %v): the massless zero mode has no equilibrium", a.M2)
	}
	lat := a.Lattice()
	if len(v0) != lat.HalfLen() {
		return nil, fmt.Errorf("wgrad: %d initial variances for a half spectrum of %d modes", len(v0), lat.HalfLen())
	}
	for j, v := range v0 {
		if !(v > 0) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("wgrad: initial variance of mode %d is %v: must be finite and > 0", j, v)
		}
	}
	return &GaussianLangevin{
		Lat: lat, M2: a.M2, Beta: l.cfg.Beta,
		KHat2: lat.HalfKHat2(), Weight: lat.HalfWeights(), Mobility: l.Mobility(),
		V0:     append([]float64(nil), v0...),
		method: l.cfg.Method, lgv: l,
	}, nil
}

// FreeSpectrum returns the covariance eigenvalues 1/(β(k̂² + m²)) of the
// free field of mass² m2 at inverse temperature beta on every
// half-spectrum mode of l: a Gaussian start, or the equilibrium.
func FreeSpectrum(l *lattice.Lattice, m2, beta float64) []float64 {
	k2 := l.HalfKHat2()
	for j, v := range k2 {
		k2[j] = 1 / (beta * (v + m2))
	}
	return k2
}

func (g *GaussianLangevin) dst(dst []float64) []float64 {
	if dst == nil {
		return make([]float64, len(g.KHat2))
	}
	if len(dst) != len(g.KHat2) {
		panic("wgrad: spectrum length mismatch")
	}
	return dst
}

// Rates writes Ω_k = a_k(k̂² + m²) into dst and returns it: v_k − G_k
// decays as e^{−2Ω_k t}.
func (g *GaussianLangevin) Rates(dst []float64) []float64 {
	dst = g.dst(dst)
	for j, k2 := range g.KHat2 {
		dst[j] = g.Mobility[j] * (k2 + g.M2)
	}
	return dst
}

// Equilibrium writes G_k = 1/(β(k̂² + m²)) into dst and returns it.
func (g *GaussianLangevin) Equilibrium(dst []float64) []float64 {
	dst = g.dst(dst)
	for j, k2 := range g.KHat2 {
		dst[j] = 1 / (g.Beta * (k2 + g.M2))
	}
	return dst
}

// Variance writes the continuous-time covariance eigenvalues v_k(t) into
// dst and returns it.
func (g *GaussianLangevin) Variance(dst []float64, t float64) []float64 {
	dst = g.dst(dst)
	for j, k2 := range g.KHat2 {
		lam := k2 + g.M2
		G := 1 / (g.Beta * lam)
		dst[j] = G + (g.V0[j]-G)*math.Exp(-2*g.Mobility[j]*lam*t)
	}
	return dst
}

// EulerStep writes the exact image of the covariance eigenvalues v under
// one Euler–Maruyama step of size h, (1 − hΩ)²v + 2ha/β, into dst (which
// may alias v) and returns it.
func (g *GaussianLangevin) EulerStep(dst, v []float64, h float64) []float64 {
	dst = g.dst(dst)
	for j, k2 := range g.KHat2 {
		a := g.Mobility[j]
		c := 1 - h*a*(k2+g.M2)
		dst[j] = c*c*v[j] + 2*h*a/g.Beta
	}
	return dst
}

// EulerStationary writes the fixed point of EulerStep,
// G_k/(1 − hΩ_k/2), into dst and returns it; entries are +Inf where the
// scheme is unstable (hΩ_k ≥ 2).
func (g *GaussianLangevin) EulerStationary(dst []float64, h float64) []float64 {
	dst = g.dst(dst)
	for j, k2 := range g.KHat2 {
		lam := k2 + g.M2
		x := h * g.Mobility[j] * lam
		if x >= 2 {
			dst[j] = math.Inf(1)
			continue
		}
		dst[j] = 1 / (g.Beta * lam * (1 - x/2))
	}
	return dst
}

// SchemeVariances returns the covariance eigenvalues at each of times
// under the exact Euler–Maruyama recursion with the Langevin flow's own
// time stepping (Langevin.Schedule). It returns an error for the MALA
// methods: their stationary law is exact (Equilibrium), but rejections
// slow the transient by an amount with no closed form, so neither this
// recursion nor the continuous-time Variance describes it.
func (g *GaussianLangevin) SchemeVariances(times []float64) ([][]float64, error) {
	if g.method.Metropolised() {
		return nil, fmt.Errorf("wgrad: method %v has no closed-form transient (only its equilibrium is exact)", g.method)
	}
	steps, hs, err := g.lgv.Schedule(times)
	if err != nil {
		return nil, err
	}
	out := make([][]float64, len(times))
	v := append([]float64(nil), g.V0...)
	for i := range times {
		for k := 0; k < steps[i]; k++ {
			g.EulerStep(v, v, hs[i])
		}
		out[i] = append([]float64(nil), v...)
	}
	return out, nil
}

// FreeEnergyOfSpectrum returns F(ρ) − F(π) = β⁻¹ KL(ρ‖π) =
// ½β⁻¹ Σ_k (v_k/G_k − 1 − ln(v_k/G_k)) of the centred Gaussian field with
// covariance eigenvalues v. For a non-Gaussian ensemble of sample
// spectrum v it is the free energy of its Gaussian part (a lower bound:
// E_ρ[S] is the same, the entropy is larger).
func (g *GaussianLangevin) FreeEnergyOfSpectrum(v []float64) float64 {
	s := 0.0
	for j, k2 := range g.KHat2 {
		r := g.Beta * (k2 + g.M2) * v[j]
		s += g.Weight[j] * (r - 1 - math.Log(r))
	}
	return 0.5 * s / g.Beta
}

// DissipationOfSpectrum returns −dF/dt = Σ_k a_k λ_k² (v_k − G_k)²/v_k
// for the Gaussian field with covariance eigenvalues v.
func (g *GaussianLangevin) DissipationOfSpectrum(v []float64) float64 {
	s := 0.0
	for j, k2 := range g.KHat2 {
		lam := k2 + g.M2
		d := v[j] - 1/(g.Beta*lam)
		s += g.Weight[j] * g.Mobility[j] * lam * lam * d * d / v[j]
	}
	return s
}

// W2SqOfSpectrum returns W₂²(ρ, π) = Σ_k (√v_k − √G_k)² for the Gaussian
// field with covariance eigenvalues v.
func (g *GaussianLangevin) W2SqOfSpectrum(v []float64) float64 {
	s := 0.0
	for j, k2 := range g.KHat2 {
		d := math.Sqrt(v[j]) - math.Sqrt(1/(g.Beta*(k2+g.M2)))
		s += g.Weight[j] * d * d
	}
	return s
}

// FreeEnergy returns F(ρ_t) − F(π) in continuous time.
func (g *GaussianLangevin) FreeEnergy(t float64) float64 {
	return g.FreeEnergyOfSpectrum(g.Variance(nil, t))
}

// Dissipation returns −dF/dt at time t in continuous time.
func (g *GaussianLangevin) Dissipation(t float64) float64 {
	return g.DissipationOfSpectrum(g.Variance(nil, t))
}

// W2SqToEquilibrium returns W₂²(ρ_t, π) in continuous time.
func (g *GaussianLangevin) W2SqToEquilibrium(t float64) float64 {
	return g.W2SqOfSpectrum(g.Variance(nil, t))
}

// EnsembleSpectrum writes the sample spectrum of e, the mean over samples
// of |φ̃_k|²/V per half-spectrum mode (a covariance eigenvalue estimate,
// as field.Correlator.Spectrum), into dst and returns it.
func EnsembleSpectrum(dst []float64, e *field.Ensemble) []float64 {
	H := e.Lat.HalfLen()
	if dst == nil {
		dst = make([]float64, H)
	} else if len(dst) != H {
		panic("wgrad: spectrum length mismatch")
	}
	clear(dst)
	c := field.NewCorrelator(e.Lat)
	p := make([]float64, H)
	n := e.Len()
	for i := 0; i < n; i++ {
		c.Spectrum(p, e.Field(i))
		for j, v := range p {
			dst[j] += v
		}
	}
	for j := range dst {
		dst[j] /= float64(n)
	}
	return dst
}

// GaussianEstimates are the free energy, dissipation and W₂² to
// equilibrium of an ensemble, estimated from its sample spectrum as if it
// were a centred Gaussian field of independent samples (exact in law for
// the free-field flow; the Gaussian part of anything else).
type GaussianEstimates struct {
	// Spectrum is the sample spectrum v̂_k (EnsembleSpectrum).
	Spectrum []float64
	// FreeEnergy, Dissipation and W2Sq are unbiased for Gaussian
	// ensembles: the plug-in values FreeEnergyOfSpectrum(v̂), … are
	// biased upward by about β⁻¹/(2N) per independent mode (the KL of a
	// sample spectrum from its own mean), which at N = 64 samples of an
	// 8×8 lattice is 0.27β⁻¹, the whole signal near equilibrium.
	FreeEnergy, Dissipation, W2Sq float64
	// PlugIn holds the plug-in values (FreeEnergy, Dissipation, W2Sq of
	// the sample spectrum) for comparison.
	PlugIn [3]float64
}

// Estimate returns the Gaussian estimates of the ensemble e (N ≥ 2
// independent samples; the dissipation's 1/v̂ correction needs n > 2
// below, so with N = 2 the real modes' G²/v term is dropped). For a centred Gaussian field, N·ν_k·v̂_k/v_k is
// χ² with ν_k N degrees of freedom (ν = 1 for real modes, 2 for complex
// ones), which gives the exact corrections
//
//	E ln v̂ = ln v + ψ(n/2) − ln(n/2),  E √v̂ = √v·√(2/n)·Γ((n+1)/2)/Γ(n/2),
//	E 1/v̂ = n/(n − 2)·1/v,  n = ν_k N,
//
// applied term by term to ½β⁻¹(v/G − 1 − ln(v/G)), (√v − √G)² and
// aλ²(v − 2G + G²/v).
func (g *GaussianLangevin) Estimate(e *field.Ensemble) GaussianEstimates {
	if !e.Lat.Equal(g.Lat) {
		panic("wgrad: ensemble lattice differs from the flow's")
	}
	N := float64(e.Len())
	v := EnsembleSpectrum(nil, e)
	out := GaussianEstimates{Spectrum: v}
	out.PlugIn = [3]float64{g.FreeEnergyOfSpectrum(v), g.DissipationOfSpectrum(v), g.W2SqOfSpectrum(v)}
	conj := g.Lat.HalfConjugate()
	var f, d, w float64
	for j, k2 := range g.KHat2 {
		n := 2 * N
		if conj[j] == j {
			n = N
		}
		lam := k2 + g.M2
		G := 1 / (g.Beta * lam)
		r := v[j] / G
		lnr := math.Log(r) - mathext.Digamma(n/2) + math.Log(n/2)
		f += g.Weight[j] * (r - 1 - lnr)
		lg1, _ := math.Lgamma((n + 1) / 2)
		lg0, _ := math.Lgamma(n / 2)
		sq := math.Sqrt(v[j]) * math.Sqrt(n/2) * math.Exp(lg0-lg1)
		w += g.Weight[j] * (v[j] - 2*math.Sqrt(G)*sq + G)
		inv := 0.0
		if n > 2 {
			inv = (n - 2) / n / v[j]
		}
		d += g.Weight[j] * g.Mobility[j] * lam * lam * (v[j] - 2*G + G*G*inv)
	}
	out.FreeEnergy = 0.5 * f / g.Beta
	out.Dissipation = d
	out.W2Sq = w
	return out
}

// EquilibriumFreeEnergy returns the absolute free energy of the
// equilibrium, F(π) = −β⁻¹ ln Z = −(β⁻¹/2) Σ_k ln(2π/(βλ_k)) over all V
// modes: F(ρ_t) = F(π) + FreeEnergy(t).
func (g *GaussianLangevin) EquilibriumFreeEnergy() float64 {
	s := 0.0
	for j, k2 := range g.KHat2 {
		s += g.Weight[j] * math.Log(2*math.Pi/(g.Beta*(k2+g.M2)))
	}
	return -0.5 * s / g.Beta
}
