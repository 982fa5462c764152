// Copyright ©2026 The rgflow Authors. All rights reserved.

package erg

import (
	"math"

	"rgflow/field"
	"rgflow/lattice"
)

// Closed forms of the flow of Gaussian data. Data of spectrum G₀(k)
// (covariance eigenvalues, one per stored mode) stay Gaussian, with
//
//	G_t = ᾱ_t G₀ + (1 − ᾱ_t) σ²,
//
// and every quantity below is a weighted sum over modes, the weight w_k
// (Process.Weight) counting how many modes of the full spectrum a stored
// mode stands for, so that sums run over all V real degrees of freedom of
// the field. Distributions are those of the whole field in the variables
// x_t; W₂² is the squared 2-Wasserstein distance of the full field
// distribution in site space (an orthogonal change of basis away from
// mode space).
//
// The fixed point π = N(0, σ²) is reached only by modes the schedule
// moves. A mode with ᾱ ≡ 1 (the zero mode of the textbook flow) is not
// driven toward π at all, so KL, W₂ to the fixed point and the
// dissipation are sums over the modes that move (Process.Moves); the
// entropy and W₂ between snapshots include every mode.

// Moves reports whether the schedule ever moves mode j (ᾱ < 1 at some
// time up to the largest end time considered): false only for modes such
// as the zero mode of the textbook Polchinski flow.
func (p *Process) Moves(j int) bool {
	if p.frozen != nil {
		return !p.frozen[j]
	}
	return p.Sched.AlphaBar(maxEndTime, p.Eps[j]) < 1
}

// KLOfSpectrum returns the relative entropy of the Gaussian field with
// spectrum g to the fixed point, ½Σ_k w_k (r_k − 1 − ln r_k), r = g/σ²,
// over the modes that move. For data that are not Gaussian and have
// spectrum g it is the relative entropy of their Gaussian part, a lower
// bound on theirs: KL(p‖π) = KL(p‖N(0,g)) + KL(N(0,g)‖π) because log π
// and log N(0,g) are quadratic and p, N(0,g) share second moments.
func (p *Process) KLOfSpectrum(g []float64) float64 {
	if len(g) != p.Modes() {
		panic("erg: spectrum length mismatch")
	}
	s := 0.0
	for j, gj := range g {
		if !p.Moves(j) {
			continue
		}
		r := gj / p.Sigma2[j]
		s += p.Weight[j] * (r - 1 - math.Log(r))
	}
	return 0.5 * s
}

// KL returns the relative entropy KL(p_t ‖ π) at time t of Gaussian data
// of spectrum g0, the RG monotone: it never increases along the flow.
func (p *Process) KL(g0 []float64, t float64) float64 {
	return p.KLOfSpectrum(p.Spectrum(nil, g0, t))
}

// Entropy returns the differential entropy ½Σ_k w_k ln(2πe G_t(k)) of
// the field x_t at time t for Gaussian data of spectrum g0 (nats, all V
// degrees of freedom). It tends to the entropy of the fixed point, from
// below or above: it is not itself monotone in general (KL is). In the
// Polchinski variables φ_t = √ᾱ x_t the entropy is lower by
// −½Σ w ln ᾱ_t, which falls without bound as modes are integrated out.
func (p *Process) Entropy(g0 []float64, t float64) float64 {
	g := p.Spectrum(nil, g0, t)
	s := 0.0
	for j, gj := range g {
		s += p.Weight[j] * math.Log(2*math.Pi*math.E*gj)
	}
	return 0.5 * s
}

// W2SqToFixedPoint returns W₂²(p_t, π) = Σ_k w_k (√G_t − σ)² for Gaussian
// data of spectrum g0, over the modes that move.
func (p *Process) W2SqToFixedPoint(g0 []float64, t float64) float64 {
	g := p.Spectrum(nil, g0, t)
	s := 0.0
	for j, gj := range g {
		if !p.Moves(j) {
			continue
		}
		d := math.Sqrt(gj) - math.Sqrt(p.Sigma2[j])
		s += p.Weight[j] * d * d
	}
	return s
}

// W2SqBetween returns W₂²(p_s, p_t) = Σ_k w_k (√G_t − √G_s)² between the
// marginals at times s and t of Gaussian data of spectrum g0 (the
// covariances commute, so the Gaussian W₂ is this sum).
func (p *Process) W2SqBetween(g0 []float64, s, t float64) float64 {
	gs := p.Spectrum(nil, g0, s)
	gt := p.Spectrum(nil, g0, t)
	d2 := 0.0
	for j := range gs {
		d := math.Sqrt(gt[j]) - math.Sqrt(gs[j])
		d2 += p.Weight[j] * d * d
	}
	return d2
}

// Dissipation returns the entropy production of the flow at time t for
// Gaussian data of spectrum g0,
//
//	D_t = E_p Σ_k ½β_k σ_k² |∂_k log(p_t/π)|² = Σ_k w_k ½β_k (r_k − 1)²/r_k,
//
// with r = G_t/σ², so that dKL/dt = −D_t (the flow is the W₂ gradient flow
// of KL with mobility ½βσ² per mode). It is written as
// ½(βᾱ)·ᾱ(r₀−1)²/r so that modes with ᾱ = 0 and β = ∞ (Litim past its
// cutoff) contribute their limit 0; a Sharp regulator's delta-function β
// is not a rate and is not represented (β = 0 away from the jumps).
func (p *Process) Dissipation(g0 []float64, t float64) float64 {
	if len(g0) != p.Modes() {
		panic("erg: spectrum length mismatch")
	}
	s := 0.0
	for j, e := range p.Eps {
		if !p.Moves(j) {
			continue
		}
		a := p.Sched.AlphaBar(t, e)
		if a == 0 {
			continue
		}
		b := p.Sched.Beta(t, e)
		r0 := g0[j] / p.Sigma2[j]
		r := a*r0 + (1 - a)
		s += p.Weight[j] * 0.5 * b * a * a * (r0 - 1) * (r0 - 1) / r
	}
	return s
}

// FisherTerms writes into dst, for each mode of the coefficients x (one
// sample at time t, data spectrum g0), the sample value of
// w_k ½β_k σ_k² |∂_k log(p_t/π)|² under the exact Gaussian score
// ∂ log p_t = −x/G_t, summed over the mode's real coordinates:
// w ½βσ² (1/σ² − 1/G_t)² |x̃|²/Norm. Its mean over samples of p_t is the
// mode's share of Dissipation; averaging it over a flowed ensemble is the
// Monte Carlo side of the energy–dissipation identity.
func (p *Process) FisherTerms(dst []float64, x []complex128, g0 []float64, t float64) []float64 {
	dst = p.modeDst(dst)
	if len(x) != p.Modes() || len(g0) != p.Modes() {
		panic("erg: mode slice length mismatch")
	}
	for j, e := range p.Eps {
		dst[j] = 0
		if !p.Moves(j) {
			continue
		}
		a := p.Sched.AlphaBar(t, e)
		if a == 0 {
			continue
		}
		b := p.Sched.Beta(t, e)
		gt := a*g0[j] + (1-a)*p.Sigma2[j]
		d := 1/p.Sigma2[j] - 1/gt
		m2 := real(x[j])*real(x[j]) + imag(x[j])*imag(x[j])
		dst[j] = p.Weight[j] * 0.5 * b * p.Sigma2[j] * d * d * m2 / p.Norm[j]
	}
	return dst
}

// EstimateSpectrum writes into dst the sample spectrum of the ensemble e
// in the process's basis, Ĝ_k = mean over samples of |x̃_k|²/Norm_k (a
// covariance eigenvalue per stored mode), and returns it.
func (p *Process) EstimateSpectrum(dst []float64, e *field.Ensemble) []float64 {
	dst = p.modeDst(dst)
	clear(dst)
	pl := p.NewPlan()
	m := make([]complex128, p.Modes())
	n := e.Len()
	for i := 0; i < n; i++ {
		pl.ToModes(m, e.Field(i))
		for j, c := range m {
			dst[j] += real(c)*real(c) + imag(c)*imag(c)
		}
	}
	for j := range dst {
		dst[j] /= float64(n) * p.Norm[j]
	}
	return dst
}

// FreeMonotone returns the lattice form of the free-field monotone
//
//	M(Λ) = V⁻¹ Σ_{k: k̂² < Λ²} ln((k̂² + m²)/(Λ² + m²)),
//
// the Riemann sum of ∫_{|k|<Λ} d^dk/(2π)^d ln((k² + m²)/(Λ² + m²)) with
// the lattice dispersion. Each term is ≤ 0 and vanishes as its mode
// crosses the cutoff, so M is continuous in Λ, and between crossings
//
//	dM/dΛ² = −N(Λ)/(V(Λ² + m²)) ≤ 0,
//
// with N(Λ) the number of modes below the cutoff: M rises monotonically
// to 0 as Λ falls (−M decreases). Its
// integrand is the log part −ln r of the relative entropy
// ½(r − 1 − ln r), r = (Λ² + m²)/(k² + m²), between the free field and
// the field whose modes below Λ are frozen at the cutoff's propagator.
func FreeMonotone(l *lattice.Lattice, m2, lambda2 float64) float64 {
	k2 := l.HalfKHat2()
	w := l.HalfWeights()
	s := 0.0
	for j, v := range k2 {
		if v < lambda2 {
			s += w[j] * math.Log1p((v-lambda2)/(lambda2+m2))
		}
	}
	return s / float64(l.Volume())
}
