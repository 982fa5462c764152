// Copyright ©2026 The rgflow Authors. All rights reserved.

package generative

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"

	"rgflow/erg"
)

// TweedieVariance is a Score whose posterior variance is the one its own
// denoiser implies. By Tweedie's second-order identity the covariance of
// x₀ given x̃_t is the derivative of the posterior mean,
//
//	Var[x₀ | x_t] = (1 − ᾱ_t) σ² / √ᾱ_t · ∂x̂₀/∂x̃_t   (covariance units),
//
// so a denoiser that has learned the Gaussian part of the data (and not
// been given it in a baseline) also knows the spread that the FullVariance
// ancestral kernel adds at each step; a white-baseline model's own
// PosteriorVar is the white spectrum's, which is wrong. The derivative's
// diagonal in mode space is measured once per time by central differences
// of the denoiser along random probes at noised data, averaged over the
// modes of one k̂² (a translation-equivariant denoiser of translation-
// invariant data has a diagonal mean Jacobian there); for a linear
// denoiser, such as the exact Gaussian one, it is exact up to rounding.
//
// PosteriorVar interpolates linearly in t between the measured times and
// is constant beyond them. A mode with ᾱ_t = 0 has no Tweedie estimate
// (x̂₀ does not depend on x̃_t); it takes the wrapped score's PosteriorVar
// if it has one, else the data's variance of the mode's k̂².
type TweedieVariance struct {
	Score
	P     *Process
	Times []float64   // increasing
	Var   [][]float64 // Var[i][j]: mode j at Times[i]
}

// NewTweedieVariance measures the posterior variance of s under p at
// times (each in (0, T]) from the data x0 (N fields' mode coefficients,
// one after another), with probes drawn from rnd. The relative probe size
// is 10⁻² of each mode's standard deviation at t.
func NewTweedieVariance(p *Process, s Score, times []float64, x0 []complex128, rnd *rand.Rand) (*TweedieVariance, error) {
	M := p.Modes()
	if len(x0) == 0 || len(x0)%M != 0 {
		return nil, fmt.Errorf("generative: Tweedie variance from %d coefficients: need a positive multiple of %d modes", len(x0), M)
	}
	N := len(x0) / M
	ts := append([]float64(nil), times...)
	sort.Float64s(ts)
	for _, t := range ts {
		if !(t > 0 && t <= p.T) {
			return nil, fmt.Errorf("generative: Tweedie variance at t = %v: outside (0, T = %v]", t, p.T)
		}
	}
	group, ng := dispersionGroups(p)
	// The data's variance per group, covariance units.
	g0, cnt := make([]float64, ng), make([]float64, ng)
	for n := 0; n < N; n++ {
		for j := 0; j < M; j++ {
			z := x0[n*M+j]
			g0[group[j]] += p.Weight[j] * (real(z)*real(z) + imag(z)*imag(z)) / p.Norm[j]
			cnt[group[j]] += p.Weight[j]
		}
	}
	for k := range g0 {
		g0[k] /= cnt[k]
	}
	pv, _ := s.(PosteriorVariancer)
	tv := &TweedieVariance{Score: s, P: p, Times: ts, Var: make([][]float64, len(ts))}
	xt := make([]complex128, N*M)
	plus := make([]complex128, N*M)
	minus := make([]complex128, N*M)
	eta := make([]complex128, N*M)
	dp, dm := make([]complex128, N*M), make([]complex128, N*M)
	xi := make([]complex128, M)
	tb := make([]float64, N)
	a := make([]float64, M)
	num, den := make([]float64, ng), make([]float64, ng)
	const rel = 1e-2
	for i, t := range ts {
		p.AlphaBar(a, t)
		for n := 0; n < N; n++ {
			tb[n] = t
			p.Noise(xi, rnd)
			p.Transition(xt[n*M:(n+1)*M], x0[n*M:(n+1)*M], xi, t)
			p.Noise(eta[n*M:(n+1)*M], rnd)
			for j := 0; j < M; j++ {
				gt := a[j]*g0[group[j]] + (1-a[j])*p.Sigma2[j]
				eta[n*M+j] *= complex(rel*math.Sqrt(math.Max(gt, 0)), 0)
				plus[n*M+j] = xt[n*M+j] + eta[n*M+j]
				minus[n*M+j] = xt[n*M+j] - eta[n*M+j]
			}
		}
		s.Denoise(dp, plus, tb)
		s.Denoise(dm, minus, tb)
		clear(num)
		clear(den)
		for n := 0; n < N; n++ {
			for j := 0; j < M; j++ {
				d, e := dp[n*M+j]-dm[n*M+j], eta[n*M+j]
				w := p.Weight[j] / p.Norm[j]
				num[group[j]] += w * 0.5 * (real(d)*real(e) + imag(d)*imag(e))
				den[group[j]] += w * (real(e)*real(e) + imag(e)*imag(e))
			}
		}
		v := make([]float64, M)
		for j := 0; j < M; j++ {
			k := group[j]
			switch {
			case a[j] > 0 && den[k] > 0:
				v[j] = math.Max((1-a[j])*p.Sigma2[j]/math.Sqrt(a[j])*num[k]/den[k], 0)
			case pv != nil:
				v[j] = pv.PosteriorVar(j, t)
			default:
				v[j] = g0[k]
			}
		}
		tv.Var[i] = v
	}
	return tv, nil
}

// PosteriorVar returns the measured Var[x₀ | x_t] of mode j, interpolated
// linearly in t between the measured times.
func (v *TweedieVariance) PosteriorVar(j int, t float64) float64 {
	ts := v.Times
	i := sort.SearchFloat64s(ts, t)
	switch {
	case i < len(ts) && ts[i] == t:
		return v.Var[i][j]
	case i == 0:
		return v.Var[0][j]
	case i == len(ts):
		return v.Var[len(ts)-1][j]
	}
	u := (t - ts[i-1]) / (ts[i] - ts[i-1])
	return (1-u)*v.Var[i-1][j] + u*v.Var[i][j]
}

// dispersionGroups numbers the distinct k̂² of p's modes (to 10⁻⁹
// relative): group[j] is mode j's, n the number of groups.
func dispersionGroups(p *Process) (group []int, n int) {
	k2 := p.Lat.HalfKHat2()
	if p.Basis == erg.Open {
		k2 = p.Lat.DCTKHat2()
	}
	idx := make([]int, len(k2))
	for j := range idx {
		idx[j] = j
	}
	sort.SliceStable(idx, func(a, b int) bool { return k2[idx[a]] < k2[idx[b]] })
	group = make([]int, len(k2))
	for r, j := range idx {
		if r > 0 && k2[j]-k2[idx[r-1]] > 1e-9*math.Max(k2[j], 1) {
			n++
		}
		group[j] = n
	}
	return group, n + 1
}
