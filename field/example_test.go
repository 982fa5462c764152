// Copyright ©2026 The rgflow Authors. All rights reserved.

package field_test

import (
	"fmt"
	"math"
	"math/rand/v2"

	"rgflow/field"
	"rgflow/lattice"
)

// The two φ⁴ parametrisations describe the same theory.
func ExampleHoppingParams_Continuum() {
	h := field.HoppingParams{Kappa: 0.25, Lambda: 0.5}
	c, _ := h.Continuum(2)
	back, _ := c.Hopping(2)
	fmt.Printf("m² = %.4g, g = %.4g\n", c.M2, c.G)
	fmt.Printf("κ = %.4g, λ = %.4g\n", back.Kappa, back.Lambda)
	// Output:
	// m² = -4, g = 8
	// κ = 0.25, λ = 0.5
}

// Exact free-field samples: the estimated susceptibility and second-moment
// correlation length against χ = 1/m², ξ₂ = 1/m.
func ExampleCorrelator_MeasureTwoPoint() {
	l := lattice.MustNew(8, 8)
	free, _ := field.NewFree(l, 0.25)
	s, _ := field.NewFreeSampler(free)
	e := field.NewEnsemble(l, 2000)
	rnd := rand.New(rand.NewPCG(1, 1))
	for i := 0; i < e.Len(); i++ {
		s.Sample(e.Field(i), rnd)
	}
	tp, _ := field.NewCorrelator(l).MeasureTwoPoint(nil, e)
	fmt.Printf("χ within 4σ of 1/m² = 4: %v\n", math.Abs(tp.Chi.Value-4) < 4*tp.Chi.Err)
	fmt.Printf("ξ₂ within 4σ of 1/m = 2: %v\n", math.Abs(tp.Xi2.Value-2) < 4*tp.Xi2.Err)
	// Output:
	// χ within 4σ of 1/m² = 4: true
	// ξ₂ within 4σ of 1/m = 2: true
}

// Many chains with HMC and cluster updates, then the ensemble observables
// with Γ-method errors.
func ExampleRun() {
	l := lattice.MustNew(8, 8)
	a, _ := field.NewPhi4Hopping(l, field.HoppingParams{Kappa: 0.3, Lambda: 0.5})
	cfg := field.ChainConfig{HMC: field.HMCConfig{Integrator: field.Omelyan}, Clusters: 1}
	r, err := field.Run(a, cfg, 42, field.RunConfig{Chains: 4, Thermalise: 100, Configs: 250})
	if err != nil {
		fmt.Println(err)
		return
	}
	obs, _ := field.Summarise(l.Volume(), r.Measurements...)
	fmt.Println("configurations:", r.Ensemble.Len())
	fmt.Println("0 ≤ U₄ ≤ 2/3:", obs.Binder.Value >= 0 && obs.Binder.Value <= 2.0/3)
	// Output:
	// configurations: 1000
	// 0 ≤ U₄ ≤ 2/3: true
}
