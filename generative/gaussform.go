// Copyright ©2026 The rgflow Authors. All rights reserved.

package generative

import (
	"fmt"
	"math"

	"rgflow/erg"
	"rgflow/generative/nn"
)

// GaussianForm returns the gain of a spectral path (nn.SpectralLayer.Form)
// that makes a Learned score with baseline base the exact Gaussian
// denoiser of a learned spectrum G_θ(k) = G_b(k)·e^{κθ}, one θ per shell of
// k̂² (nn.DispersionShells): with x̂₀ = Skip·x̃_t + Out·F(In·x̃_t) and the
// path's output g·(In·x̃_t) per mode,
//
//	g(t, θ) = (c(G_θ) − Skip)/(Out·In),  c(G) = √ᾱ G/(ᾱG + (1 − ᾱ)σ²),
//
// and θ = 0 is the baseline itself. The scale κ = FormScale makes an
// optimiser step of size ~lr (Adam's) move log G by κ·lr, so that a
// spectrum a factor of several from the baseline is reached in the few
// hundred steps of a training budget. The time dependence is the flow's own
// (ᾱ_t of the shell's mode energy): the network learns a spectrum, one
// number per shell that every training time informs, instead of a gain
// per shell and time. A white baseline (G_b = σ², the fixed point) so
// learns the Gaussian part of the score from the data's denoising loss
// alone. The form's time argument is t/T, the Learned score's conditioning.
// Only the Periodic basis (the spectral path transforms by FFT).
func GaussianForm(base *Gaussian) (nn.GainForm, error) {
	p := base.P
	if p.Basis != erg.Periodic {
		return nil, fmt.Errorf("generative: a Gaussian-form spectral path needs the periodic basis, not %v", p.Basis)
	}
	sh := nn.DispersionShells(p.Lat)
	if len(sh.Index) != p.Modes() {
		return nil, fmt.Errorf("generative: %d dispersion shells' modes for %d process modes", len(sh.Index), p.Modes())
	}
	S := sh.Len()
	eps, s2, gb, w := make([]float64, S), make([]float64, S), make([]float64, S), make([]float64, S)
	for j, k := range sh.Index {
		eps[k] += p.Weight[j] * p.Eps[j]
		s2[k] += p.Weight[j] * p.Sigma2[j]
		gb[k] += p.Weight[j] * base.G0[j]
		w[k] += p.Weight[j]
	}
	for k := range w {
		eps[k] /= w[k]
		s2[k] /= w[k]
		gb[k] /= w[k]
	}
	T, sched := p.T, p.Sched
	const kappa = FormScale
	return func(u float64, k int, theta float64) (float64, float64) {
		a := sched.AlphaBar(u*T, eps[k])
		n := (1 - a) * s2[k]
		gt := a*gb[k] + n
		if !(a > 0) || !(n > 0) || !(gb[k] > 0) {
			return 0, 0 // not yet noised, or fully: x̂₀ does not depend on G
		}
		sa := math.Sqrt(a)
		skip := sa * gb[k] / gt
		outIn := math.Sqrt(gb[k]*n) / gt // Out·In = √(G_b(1 − ᾱ)σ²/G_t)/√G_t
		g := gb[k] * math.Exp(kappa*theta)
		d := a*g + n
		c := sa * g / d
		return (c - skip) / outIn, kappa * sa * n * g / (d * d) / outIn
	}, nil
}

// FormScale is κ of GaussianForm: log G_θ = log G_b + κθ.
const FormScale = 8

// FormSpectrum returns the spectrum G_θ per mode of p that a Gaussian-form
// spectral path with parameters theta (one per nn.DispersionShells shell)
// has learned over the baseline base: the data spectrum the network
// found, to compare with the truth, and the Gaussian whose posterior
// variance the full-variance ancestral kernel of that model uses.
func FormSpectrum(base *Gaussian, theta []float64) ([]float64, error) {
	p := base.P
	sh := nn.DispersionShells(p.Lat)
	if len(theta) != sh.Len() || len(sh.Index) != p.Modes() {
		return nil, fmt.Errorf("generative: %d spectral parameters for %d shells of %d modes (process: %d modes)", len(theta), sh.Len(), len(sh.Index), p.Modes())
	}
	g := make([]float64, p.Modes())
	for j, k := range sh.Index {
		g[j] = base.G0[j] * math.Exp(FormScale*theta[k])
	}
	return g, nil
}

// VarianceOf is a Score whose posterior variance is another's: a learned
// denoiser sampled with the full-variance ancestral kernel of the Gaussian
// it has learned (FormSpectrum), or of its Tweedie estimate.
type VarianceOf struct {
	Score
	Var PosteriorVariancer
}

// PosteriorVar returns v.Var's.
func (v VarianceOf) PosteriorVar(j int, t float64) float64 { return v.Var.PosteriorVar(j, t) }
