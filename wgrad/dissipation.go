// Copyright ©2026 The rgflow Authors. All rights reserved.

package wgrad

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mathext"

	"rgflow/field"
	"rgflow/lattice"
)

// Diagnostics of Wasserstein gradient flows: the energy–dissipation
// identity and the Benamou–Brenier kinetic action.
//
// Along a W₂ gradient flow of F with mobility 𝕄⁻¹,
//
//	dF/dt = −D,  D = E_ρ ⟨∇ δF/δρ, 𝕄⁻¹ ∇ δF/δρ⟩,
//
// so F(t₀) − F(t₁) = ∫ D dt on every interval. For a path of measures
// ρ_s, s ∈ [0, 1], the Benamou–Brenier action ∫₀¹ |ρ̇_s|² ds is bounded
// below by W₂²(ρ₀, ρ₁), with equality exactly on constant-speed
// geodesics (McCann's displacement interpolation); a discrete path
// s₀ < … < s_n has the action Σ_i W₂²(ρ_i, ρ_{i+1})/(s_{i+1} − s_i),
// which by Cauchy–Schwarz and the triangle inequality also bounds
// W₂²(ρ₀, ρ_n)/(s_n − s₀) from above.

// EDIReport is the energy–dissipation balance of a recorded flow,
// interval by interval.
type EDIReport struct {
	// Drop is F(t_i) − F(t_{i+1}) and Integral the trapezoidal
	// ∫ D dt over the interval.
	Drop, Integral []float64
	// MaxRelResidual is max_i |Drop − Integral| / max(|Drop|, Scale)
	// with Scale a tiny floor set by the largest drop.
	MaxRelResidual float64
	// Monotone reports whether F never increased.
	Monotone bool
}

// EnergyDissipation checks the energy–dissipation identity on a recorded
// flow: free energies F and dissipations D at increasing times. The
// trapezoidal rule is second order, so on a smooth flow the residuals
// fall as Δt²; a residual that does not is a flow (or an estimator) that
// is not the gradient flow of F in the metric of D. It returns an error
// if the lengths differ, fewer than two times are given or the times do
// not increase.
func EnergyDissipation(times, F, D []float64) (EDIReport, error) {
	n := len(times)
	if len(F) != n || len(D) != n {
		return EDIReport{}, fmt.Errorf("wgrad: %d times, %d free energies and %d dissipations", n, len(F), len(D))
	}
	if n < 2 {
		return EDIReport{}, fmt.Errorf("wgrad: energy–dissipation check needs at least 2 times, got %d", n)
	}
	r := EDIReport{Drop: make([]float64, n-1), Integral: make([]float64, n-1), Monotone: true}
	scale := 0.0
	for i := 0; i+1 < n; i++ {
		dt := times[i+1] - times[i]
		if !(dt > 0) {
			return EDIReport{}, fmt.Errorf("wgrad: times do not increase at %d (%v after %v)", i+1, times[i+1], times[i])
		}
		r.Drop[i] = F[i] - F[i+1]
		r.Integral[i] = 0.5 * dt * (D[i] + D[i+1])
		if r.Drop[i] < 0 {
			r.Monotone = false
		}
		scale = math.Max(scale, math.Abs(r.Drop[i]))
	}
	floor := 1e-12 * scale
	for i := range r.Drop {
		res := math.Abs(r.Drop[i]-r.Integral[i]) / math.Max(math.Abs(r.Drop[i]), floor)
		r.MaxRelResidual = math.Max(r.MaxRelResidual, res)
	}
	return r, nil
}

// KineticAction returns the Benamou–Brenier action of the discrete path
// with times s (increasing) and squared distances w2sq[i] =
// W₂²(ρ_i, ρ_{i+1}) between consecutive measures:
//
//	A = Σ_i w2sq[i]/(s_{i+1} − s_i) ≥ W₂²(ρ₀, ρ_n)/(s_n − s₀),
//
// with equality when the measures lie, in order and at constant speed, on
// one geodesic. It returns an error if the lengths disagree or the times
// do not increase.
func KineticAction(s, w2sq []float64) (float64, error) {
	if len(s) < 2 || len(w2sq) != len(s)-1 {
		return 0, fmt.Errorf("wgrad: kinetic action of %d times needs %d squared distances, got %d", len(s), len(s)-1, len(w2sq))
	}
	a := 0.0
	for i, d := range w2sq {
		ds := s[i+1] - s[i]
		if !(ds > 0) {
			return 0, fmt.Errorf("wgrad: path times do not increase at %d (%v after %v)", i+1, s[i+1], s[i])
		}
		a += d / ds
	}
	return a, nil
}

// SpectralKineticAction returns the kinetic action of a path of centred
// translation-invariant Gaussian fields with covariance eigenvalues
// spectra[i] (half spectrum, weights lattice.HalfWeights) at times s: the
// consecutive W₂² are Σ_k w_k(√v_{i+1,k} − √v_{i,k})². On such paths the
// W₂ geodesic is √v_s = (1−s)√v₀ + s√v₁ mode by mode.
func SpectralKineticAction(l *lattice.Lattice, s []float64, spectra [][]float64) (float64, error) {
	if len(spectra) != len(s) {
		return 0, fmt.Errorf("wgrad: %d spectra for %d times", len(spectra), len(s))
	}
	w := l.HalfWeights()
	d := make([]float64, 0, len(s))
	for i := 0; i+1 < len(spectra); i++ {
		a, b := spectra[i], spectra[i+1]
		if len(a) != len(w) || len(b) != len(w) {
			return 0, fmt.Errorf("wgrad: spectrum %d has %d modes, lattice %v has %d", i, len(a), l, len(w))
		}
		x := 0.0
		for j, wj := range w {
			e := math.Sqrt(b[j]) - math.Sqrt(a[j])
			x += wj * e * e
		}
		d = append(d, x)
	}
	return KineticAction(s, d)
}

// EstimateDissipation returns the Monte Carlo estimate of the
// dissipation D = E_ρ ⟨g, 𝕄⁻¹ g⟩ of the flow l at the ensemble e, with
// g = ∇S + β⁻¹∇ log ρ, and its standard error over samples. The score
// ∇ log ρ is that of the ensemble's Gaussian part, −Ĉ⁻¹φ with Ĉ the
// sample spectrum: exact in law for Gaussian ensembles (for the free
// field it equals GaussianLangevin.DissipationOfSpectrum of the sample
// spectrum), the Gaussian baseline otherwise. The samples must be
// independent (as in a flow of independent samples).
func (l *Langevin) EstimateDissipation(e *field.Ensemble) (mean, stderr float64) {
	if !e.Lat.Equal(l.lat) {
		panic("wgrad: ensemble lattice differs from the flow's")
	}
	v := EnsembleSpectrum(nil, e)
	mob := l.Mobility()
	wt := l.lat.HalfWeights()
	V := float64(l.lat.Volume())
	plan := lattice.NewFFT(l.lat)
	f := make([]float64, l.lat.Volume())
	fk := make([]complex128, l.lat.HalfLen())
	pk := make([]complex128, l.lat.HalfLen())
	ib := 1 / l.cfg.Beta
	var s, s2 float64
	N := e.Len()
	for i := 0; i < N; i++ {
		phi := e.Field(i)
		l.Action.Force(f, phi)
		plan.Forward(fk, f)
		plan.Forward(pk, phi)
		d := 0.0
		for j, F := range fk {
			// g_k = −F_k − β⁻¹ φ_k / v_k.
			g := -F - complex(ib/v[j], 0)*pk[j]
			d += wt[j] * mob[j] * (real(g)*real(g) + imag(g)*imag(g))
		}
		d /= V
		s += d
		s2 += d * d
	}
	mean = s / float64(N)
	if N > 1 {
		stderr = math.Sqrt(math.Max(s2/float64(N)-mean*mean, 0) / float64(N-1))
	}
	return mean, stderr
}

// GaussianFreeEnergy returns an estimate of the free energy
// F(ρ) = E_ρ[S] − β⁻¹ H(ρ) of the ensemble e (independent samples): the
// sample mean of S minus β⁻¹ times the entropy of the ensemble's Gaussian
// part, ½ Σ_k ln(2πe v̂_k) over all V modes with the bias of ln v̂
// removed as in GaussianLangevin.Estimate. The Gaussian has the largest
// entropy for given second moments, so this is a lower bound on F(ρ),
// exact (in expectation) for Gaussian ensembles; for the free field it is
// the F − F_eq of GaussianLangevin plus F(π) = −(β⁻¹/2) Σ_k ln(2π/(βλ_k)).
func (l *Langevin) GaussianFreeEnergy(e *field.Ensemble) float64 {
	if !e.Lat.Equal(l.lat) {
		panic("wgrad: ensemble lattice differs from the flow's")
	}
	v := EnsembleSpectrum(nil, e)
	wt := l.lat.HalfWeights()
	conj := l.lat.HalfConjugate()
	N := float64(e.Len())
	h := 0.0
	for j, vj := range v {
		n := 2 * N
		if conj[j] == j {
			n = N
		}
		lnv := math.Log(vj) - mathext.Digamma(n/2) + math.Log(n/2)
		h += wt[j] * (math.Log(2*math.Pi*math.E) + lnv)
	}
	s := 0.0
	for i := 0; i < e.Len(); i++ {
		s += l.Action.Action(e.Field(i))
	}
	return s/N - 0.5*h/l.cfg.Beta
}
