// Copyright ©2026 The rgflow Authors. All rights reserved.

package generative

import (
	"math"
	"math/rand/v2"

	"rgflow/field"
)

// The force target.
//
// Denoising score matching regresses the network on r_D = x̃₀ − Skip·x̃_t,
// whose conditional mean given x̃_t is what the network must learn and
// whose conditional variance — the baseline's posterior variance P =
// Out², one per mode in the whitened units of the loss — is pure noise to
// the optimiser. When the data law is known up to normalisation, p₀ ∝
// e^{−S}, a second unbiased target exists. With the data's force
// F = −∇S(x₀) taken to the modes (the same transform as the field, so that
// a Gaussian of spectrum G₀ has F = −x̃₀/G₀ in the covariance units of
// Precond), and ΔF = F + x̃₀/G₀ the part of the force the baseline does
// not have, integration by parts against the transition kernel gives
//
//	E[x̃₀ | x̃_t] = Skip·x̃_t + P·E[ΔF(x₀) | x̃_t],
//
// the identity behind target score matching (De Bortoli et al. 2024):
// Tweedie's formula with the score of p_t written as the posterior mean of
// the data score, E[F/√ᾱ | x̃_t], and the baseline's part of it collected
// into Skip. So r_C = P·ΔF has the same conditional mean as r_D, and it has
// no variance at all from the Gaussian part of the data: for data that are
// exactly the baseline Gaussian r_C ≡ 0. Its variance comes only from the
// non-Gaussian force and grows with P, so where the baseline knows little
// (early modes at late times, P ≈ G₀, and the zero mode near a transition)
// r_D can be the better estimator. The Trainer therefore regresses on the
// blend
//
//	r = r_D − λ·(r_D − r_C),
//
// unbiased for every λ, with λ per symmetry orbit of modes and per time
// knot set to the variance-minimising value λ* = E[r_D·D]/E[|D|²], D =
// r_D − r_C (E[D | x̃_t] = 0, so these unconditional moments are the
// averages of the conditional ones), measured once from the training fields
// and clamped to [0, 1]. For the φ⁴ ensembles of experiments/phi4 the
// unconditional variance of r_C at P = G₀, G₀·Var(ΔF), is 0.3–0.9 of r_D's
// on shells 3–7 at the critical point and 0.005–0.014 on every shell but
// the zero mode in the broken phase.
type forceBlend struct {
	force func(dst, x []float64) []float64
	ex    *noised // the example whose residuals it writes
	base  *Gaussian
	pc    *Precond
	ts    []float64   // time knots
	lam   [][]float64 // λ by knot and mode
	fs    []float64   // site-space force
	fm    []complex128
}

// forceKnots and forceFields size the measurement of λ*.
const (
	forceKnots  = 16
	forceFields = 256
)

// newForceBlend returns the blend of the force target for the examples
// ex, at the preconditioning pc of the baseline base, and measures λ* on
// the training fields at forceKnots times from lo to hi with noise from rnd
// (the trainer's stream (Seed, StageTrain, 2): the same table on every
// resume). rD and r are scratch of one field's modes.
func newForceBlend(force func(dst, x []float64) []float64, ex *noised, base *Gaussian, pc *Precond, train *field.Ensemble, lo, hi float64, rnd *rand.Rand, rD, r []complex128) *forceBlend {
	p := ex.p
	M, V := p.Modes(), p.Lat.Volume()
	fb := &forceBlend{force: force, ex: ex, base: base, pc: pc, fs: make([]float64, V), fm: make([]complex128, M)}
	ms := NewModeSet(p)
	num := make([]float64, ms.Orbits)
	den := make([]float64, ms.Orbits)
	n := min(forceFields, train.Len())
	for k := 0; k < forceKnots; k++ {
		t := lo + (hi-lo)*float64(k)/float64(forceKnots-1)
		fb.ts = append(fb.ts, t)
		pc.At(base, t)
		clear(num)
		clear(den)
		for i := 0; i < n; i++ {
			ex.transition(train.Field(i*train.Len()/n), t, rnd)
			fb.residuals(rD, r, 1)
			for j, o := range pc.Out {
				if o == 0 || !ms.Distinct[j] {
					continue
				}
				d := rD[j] - r[j]
				num[ms.Orbit[j]] += real(rD[j])*real(d) + imag(rD[j])*imag(d)
				den[ms.Orbit[j]] += real(d)*real(d) + imag(d)*imag(d)
			}
		}
		lam := make([]float64, M)
		for j := range lam {
			o := ms.Orbit[j]
			switch {
			case den[o] > 0:
				lam[j] = math.Max(0, math.Min(1, num[o]/den[o]))
			default:
				lam[j] = 1 // r_D ≡ r_C
			}
		}
		fb.lam = append(fb.lam, lam)
	}
	return fb
}

// lambda returns λ of mode j at time t, linear between the knots.
func (fb *forceBlend) lambda(j int, t float64) float64 {
	ts := fb.ts
	if t <= ts[0] {
		return fb.lam[0][j]
	}
	if t >= ts[len(ts)-1] {
		return fb.lam[len(ts)-1][j]
	}
	k := int(float64(len(ts)-1) * (t - ts[0]) / (ts[len(ts)-1] - ts[0]))
	k = min(k, len(ts)-2)
	w := (t - ts[k]) / (ts[k+1] - ts[k])
	return (1-w)*fb.lam[k][j] + w*fb.lam[k+1][j]
}

// residuals writes r_D = x̃₀ − Skip·x̃_t into rD and the blend
// r_D − λ(r_D − r_C) into r for the current example (x₀ and x̃_t) at the
// current preconditioning; lam < 0 takes λ from the table at the example's
// time, lam ≥ 0 uses it for every mode.
func (fb *forceBlend) residuals(rD, r []complex128, lam float64) {
	ex, pc := fb.ex, fb.pc
	fb.force(fb.fs, ex.f0)
	ex.plan.pl.ToModes(fb.fm, fb.fs)
	g0 := fb.base.G0
	for j, o := range pc.Out {
		if o == 0 {
			rD[j], r[j] = 0, 0
			continue
		}
		rD[j] = ex.x0[j] - complex(pc.Skip[j], 0)*ex.xt[j]
		rC := complex(o*o, 0) * (fb.fm[j] + ex.x0[j]/complex(g0[j], 0))
		l := lam
		if l < 0 {
			l = fb.lambda(j, ex.t)
		}
		r[j] = rD[j] - complex(l, 0)*(rD[j]-rC)
	}
}
