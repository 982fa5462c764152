// Copyright ©2026 The rgflow Authors. All rights reserved.

package generative

import (
	"fmt"
	"math"
)

// Score is a denoiser of a Process: it predicts x̂₀ = E[x̃₀ | x̃_t], the
// posterior mean of the data given a noised field, mode by mode. By Tweedie's
// formula this is the score,
//
//	∇ log p_t(x̃_t) = (√ᾱ_t x̂₀ − x̃_t) / ((1 − ᾱ_t) σ²)   (covariance units),
//
// so a denoiser is all a sampler needs (ScoreOf converts).
//
// Denoise writes x̂₀ for a batch of len(t) fields into dst and returns it.
// xt holds the mode coefficients of the fields one after another (len(t) ×
// Modes() values, in the Process' basis and normalisation) and t their
// times (0 < t ≤ T); dst may alias xt only if the implementation says so.
// If dst is nil it is allocated.
type Score interface {
	Denoise(dst, xt []complex128, t []float64) []complex128
}

// PosteriorVariancer is a Score that knows Var[x₀ | x_t] of every mode
// (covariance units), as the Gaussian score does exactly.
type PosteriorVariancer interface {
	PosteriorVar(j int, t float64) float64
}

// ScoreOf writes the score s = (√ᾱ_t x̂₀ − x̃_t)/((1 − ᾱ_t) σ² Norm) of a
// batch into dst, for coefficients xt at times t and their denoised values
// x0hat, and returns it. Norm makes it the gradient of log p with respect to
// the coefficient itself. Modes with ᾱ_t = 1 (not yet noised) get 0.
func ScoreOf(p *Process, dst, xt, x0hat []complex128, t []float64) []complex128 {
	M := p.Modes()
	checkBatch(M, xt, t)
	if len(x0hat) != len(xt) {
		panic("generative: denoised batch length mismatch")
	}
	dst = batchDst(dst, len(xt))
	for j, e := range p.Eps {
		var a float64
		for b, tb := range t {
			if b == 0 || tb != t[b-1] { // batches usually share one time
				a = p.Sched.AlphaBar(tb, e)
			}
			i := b*M + j
			den := (1 - a) * p.Sigma2[j] * p.Norm[j]
			if den <= 0 {
				dst[i] = 0
				continue
			}
			dst[i] = (complex(math.Sqrt(a), 0)*x0hat[i] - xt[i]) / complex(den, 0)
		}
	}
	return dst
}

// Gaussian is the exact score of Gaussian data with spectrum G₀(k): for
// every mode
//
//	x̂₀ = √ᾱ_t G₀/G_t · x̃_t,  G_t = ᾱ_t G₀ + (1 − ᾱ_t) σ²,
//
// and the score is −x̃_t/G_t. For free-field data (G₀ the free propagator)
// this denoiser run backwards is the exact inverse RG of the free theory;
// for interacting data with G₀ the measured spectrum it is the Gaussian
// baseline that the learned score improves on. Its posterior variance
// Var[x₀ | x_t] = G₀ (1 − ᾱ_t) σ²/G_t is PosteriorVar.
//
// A Gaussian is stateless and safe for concurrent use; Denoise may be
// called with dst aliasing xt.
type Gaussian struct {
	P  *Process
	G0 []float64
}

// NewGaussian returns the exact score of data with spectrum g0 (covariance
// eigenvalues, one per mode of p, each finite and ≥ 0) under p.
func NewGaussian(p *Process, g0 []float64) (*Gaussian, error) {
	if len(g0) != p.Modes() {
		return nil, fmt.Errorf("generative: %d spectrum values for %d modes", len(g0), p.Modes())
	}
	for j, v := range g0 {
		if !(v >= 0) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("generative: data spectrum G₀ of mode %d is %v: must be finite and ≥ 0", j, v)
		}
	}
	return &Gaussian{P: p, G0: append([]float64(nil), g0...)}, nil
}

// Gain returns c = √ᾱ_t G₀/G_t of mode j at time t, the linear map x̃_t ↦ x̂₀.
func (g *Gaussian) Gain(j int, t float64) float64 {
	a := g.P.Sched.AlphaBar(t, g.P.Eps[j])
	return gain(a, g.G0[j], g.P.Sigma2[j])
}

func gain(a, g0, s2 float64) float64 {
	gt := a*g0 + (1-a)*s2
	if gt <= 0 {
		return 0
	}
	return math.Sqrt(a) * g0 / gt
}

// PosteriorVar returns Var[x₀ | x_t] = G₀ (1 − ᾱ_t) σ²/G_t of mode j at
// time t (covariance units): the denoising error of the exact denoiser.
func (g *Gaussian) PosteriorVar(j int, t float64) float64 {
	a := g.P.Sched.AlphaBar(t, g.P.Eps[j])
	return postVar(a, g.G0[j], g.P.Sigma2[j])
}

func postVar(a, g0, s2 float64) float64 {
	gt := a*g0 + (1-a)*s2
	if gt <= 0 {
		return 0
	}
	return g0 * (1 - a) * s2 / gt
}

// Denoise writes x̂₀ = √ᾱ G₀/G_t · x̃_t for the batch into dst.
func (g *Gaussian) Denoise(dst, xt []complex128, t []float64) []complex128 {
	M := g.P.Modes()
	checkBatch(M, xt, t)
	dst = batchDst(dst, len(xt))
	for j, e := range g.P.Eps {
		var c complex128
		for b, tb := range t {
			if b == 0 || tb != t[b-1] { // batches usually share one time
				c = complex(gain(g.P.Sched.AlphaBar(tb, e), g.G0[j], g.P.Sigma2[j]), 0)
			}
			dst[b*M+j] = c * xt[b*M+j]
		}
	}
	return dst
}

func checkBatch(M int, xt []complex128, t []float64) {
	if len(xt) != len(t)*M {
		panic(fmt.Sprintf("generative: batch of %d coefficients for %d fields of %d modes", len(xt), len(t), M))
	}
}

func batchDst(dst []complex128, n int) []complex128 {
	if dst == nil {
		return make([]complex128, n)
	}
	if len(dst) != n {
		panic("generative: destination batch length mismatch")
	}
	return dst
}
