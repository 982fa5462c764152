// Copyright ©2026 The rgflow Authors. All rights reserved.

package field

import (
	"errors"
	"fmt"
	"math"
	"sync"

	"gonum.org/v1/gonum/integrate/quad"
)

// TIConfig configures FreeEnergyTI.
type TIConfig struct {
	// Points is the number of intervals of the κ grid (even, ≥ 2): Markov
	// chains run at κ_i = κ·i/Points, i = 1 … Points.
	Points int
	// Thermalise and Updates are the tuned and measured updates of each
	// chain.
	Thermalise, Updates int
	// Chain is every chain's update (HMC and cluster updates).
	Chain ChainConfig
	// Seed selects the chains' streams (ChainStream(Seed, i)).
	Seed uint64
	// Workers is the number of chains run at once (default 1); results do
	// not depend on it.
	Workers int
}

// TIResult is FreeEnergyTI's estimate of −log Z/V with its errors.
type TIResult struct {
	// F is −log Z/V of the hopping field φ, and FCont that of the
	// continuum-normalised ϕ = √(2κ)φ, F − ½ log 2κ (the measure
	// dϕ = (2κ)^{V/2} dφ).
	F, FCont float64
	// Err is the statistical error (the chains' Γ-method errors through
	// Simpson's weights); Quad the quadrature error estimate, the Richardson
	// difference |S_n − S_{n/2}|/15 of Simpson's rule on the full and the
	// half grid.
	Err, Quad float64
	// Kappa and E are the grid and the integrand ⟨2Σ_xΣ_μ φ_xφ_{x+μ}⟩/V
	// with its errors ErrE (E = 0 at κ = 0 by symmetry).
	Kappa, E, ErrE []float64
}

// FreeEnergyTI estimates the free energy −log Z/V of the φ⁴ action with
// hopping couplings h on the lattice of the action's kind by thermodynamic
// integration in κ at fixed λ:
//
//	log Z(κ) = V log I(λ) + ∫₀^κ ⟨2 Σ_x Σ_μ φ_x φ_{x+μ̂}⟩_κ' dκ',
//	I(λ) = ∫ dφ exp(−(1 − 2λ)φ² − λφ⁴),
//
// since ∂S/∂κ = −2Σ_xΣ_μ φ_xφ_{x+μ̂} and at κ = 0 the sites decouple (the
// one-site integral by adaptive quadrature). The integrand comes from one
// Markov chain per grid point and Simpson's rule integrates it; it is an
// estimate independent of any generator, for the free energy of importance
// weights. newAction returns the action at κ' with λ fixed.
func FreeEnergyTI(h HoppingParams, newAction func(kappa float64) (*Phi4, error), cfg TIConfig) (TIResult, error) {
	if cfg.Points < 2 || cfg.Points%2 != 0 {
		return TIResult{}, fmt.Errorf("field: thermodynamic integration with %d intervals: need an even number ≥ 2", cfg.Points)
	}
	if cfg.Updates < 2 || cfg.Thermalise < 0 {
		return TIResult{}, fmt.Errorf("field: thermodynamic integration with %d updates after %d: need ≥ 2 and ≥ 0", cfg.Updates, cfg.Thermalise)
	}
	if !(h.Kappa > 0) || math.IsInf(h.Kappa, 0) || !(h.Lambda >= 0) || math.IsInf(h.Lambda, 0) {
		return TIResult{}, fmt.Errorf("field: thermodynamic integration to κ = %v, λ = %v: need κ > 0 and λ ≥ 0, finite", h.Kappa, h.Lambda)
	}
	n := cfg.Points
	res := TIResult{Kappa: make([]float64, n+1), E: make([]float64, n+1), ErrE: make([]float64, n+1)}
	for i := range res.Kappa {
		res.Kappa[i] = h.Kappa * float64(i) / float64(n)
	}
	workers := max(cfg.Workers, 1)
	errs := make([]error, n+1)
	var wg sync.WaitGroup
	next := make(chan int)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				res.E[i], res.ErrE[i], errs[i] = tiPoint(res.Kappa[i], newAction, cfg, i)
			}
		}()
	}
	for i := 1; i <= n; i++ {
		next <- i
	}
	close(next)
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return TIResult{}, err
	}
	simpson := func(step int) (s, v float64) {
		m := n / step
		dk := h.Kappa / float64(m)
		for j := 0; j <= m; j++ {
			w := 2.0
			switch {
			case j == 0 || j == m:
				w = 1
			case j%2 == 1:
				w = 4
			}
			w *= dk / 3
			s += w * res.E[j*step]
			v += w * w * res.ErrE[j*step] * res.ErrE[j*step]
		}
		return s, v
	}
	integral, variance := simpson(1)
	res.Err = math.Sqrt(variance)
	if n%4 == 0 {
		half, _ := simpson(2)
		res.Quad = math.Abs(integral-half) / 15
	} else {
		res.Quad = math.NaN()
	}
	lam := h.Lambda
	one := quad.Fixed(func(x float64) float64 {
		t := x / (1 - x*x) // x ∈ (−1, 1) ↦ φ ∈ ℝ
		return math.Exp(-(1-2*lam)*t*t-lam*t*t*t*t) * (1 + x*x) / ((1 - x*x) * (1 - x*x))
	}, -1, 1, 400, nil, 0)
	res.F = -math.Log(one) - integral
	res.FCont = res.F - 0.5*math.Log(2*h.Kappa)
	return res, nil
}

// tiPoint returns ⟨2Σ_xΣ_μ φ_xφ_{x+μ̂}⟩/V at κ with its Γ-method error, from
// chain i.
func tiPoint(kappa float64, newAction func(float64) (*Phi4, error), cfg TIConfig, i int) (float64, float64, error) {
	a, err := newAction(kappa)
	if err != nil {
		return 0, 0, err
	}
	c, err := NewChain(a, cfg.Chain, cfg.Seed, i)
	if err != nil {
		return 0, 0, err
	}
	c.Thermalise(cfg.Thermalise)
	l := a.Lattice()
	V := l.Volume()
	// φ = ϕ/√(2κ): the chain's field is the continuum-normalised one.
	scale := 1 / (2 * kappa)
	series := make([]float64, cfg.Updates)
	for u := range series {
		c.Update(false)
		phi := c.Field()
		s := 0.0
		for mu := range l.Dim() {
			for x := range V {
				s += phi[x] * phi[l.Shift(x, mu, 1)]
			}
		}
		series[u] = 2 * s * scale / float64(V)
	}
	est, err := Mean(series)
	if err != nil && !errors.Is(err, ErrShortSeries) {
		return 0, 0, err
	}
	return est.Value, est.Err, nil
}
