// Copyright ©2026 The rgflow Authors. All rights reserved.

package main

import "context"

// langevinStage records the stochastic-quantisation snapshots of the φ⁴
// action (langevin.method ≠ none; pipeline.LangevinStage): the other road
// between the Gaussian fixed point and the data, recorded beside the
// Polchinski flow, not trained on.
func (s *state) langevinStage(ctx context.Context) error {
	c := s.cfg.Langevin
	bar := s.r.Progress("langevin", int64(c.Snapshots), "snapshots")
	last, err := s.out.LangevinStage(ctx, c, s.act, s.cfg.Flow.M02, s.r.Seed, map[string]any{
		"schedule":    "Langevin dynamics dϕ = −𝕄⁻¹∂S/∂ϕ dt + √2 𝕄^{−1/2}dW of the φ⁴ action (𝕄 = 1, or the Fourier mobility): stochastic quantisation, the W₂ gradient flow of F = E[S] + E[log ρ]",
		"description": "stochastic-quantisation snapshots: observables of the Langevin flow from the fixed point to the φ⁴ equilibrium (compare with /ensemble/phi4_reference/estimates)",
	}, bar)
	bar.Done()
	if err != nil {
		return err
	}
	s.r.Log.Info("langevin snapshots", "method", c.Method, "t_end", c.Time, "chi", last.Obs.Chi.Value, "binder", last.Obs.Binder.Value, "reference_chi", s.refStats.Obs.Chi.Value)
	return nil
}
