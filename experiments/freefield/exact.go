// Copyright ©2026 The rgflow Authors. All rights reserved.

package main

import (
	"context"
	"math"

	"gonum.org/v1/gonum/stat/distuv"

	"rgflow/experiments/internal/pipeline"
	"rgflow/generative"
)

// Acceptance bars of exact sampling (docs/exact.md).
const (
	exactSpreadTol   = 1e-10 // the exact score's log-weights constant to 1e-10 relative
	learnedFreeSigma = 3     // the learned weights' −log Z/V within 3σ of the closed form
	learnedMinESS    = 0.9   // the learned weights' Kish ESS/N
)

// exactStages marks every ancestral full-variance method for weighing,
// returns the exact stages that follow the generate stages, and appends
// the reweighted and IMH ensembles of the learned generator to s.methods
// for the compare stage.
// The target is the free field, whose −log Z/V has a closed form.
func (s *state) exactStages() []pipeline.Stage {
	V := float64(s.lat.Volume())
	s.exactRes = map[string]*pipeline.ExactResult{}
	closed := func(m *pipeline.Method) float64 {
		return -generative.GaussianLogZ(m.Proc, mustFree(m.Proc, s.cfg.Field.M2)) / V
	}
	// The exact score's weights are constant: its reweighted and IMH
	// ensembles would be its own fields again. The other learned models
	// are weighed and reported; only learned's derived ensembles are
	// compared, which keeps the compare stage within the main job's time.
	learned := func(m *pipeline.Method) bool { return m.Name == "learned" }
	stages, derived := s.out.ExactStages(s.methods, s.act, s.r.Seed, closed, learned, func(r *pipeline.ExactResult) { s.exactRes[r.Name] = r })
	s.methods = append(s.methods, derived...)
	return append(stages, pipeline.Stage{Name: "exact checks", Run: s.exactChecksStage(true), Restore: s.exactChecksStage(false)})
}

// exactChecks are the acceptance checks of exact sampling.
func (s *state) exactChecks() []pipeline.Check {
	var cs []pipeline.Check
	if r := s.exactRes["inverse_rg_exact"]; r != nil {
		// Deterministic up to rounding: no false-alarm probability.
		cs = append(cs, pipeline.Bar("exact: log-weight spread", r.Spread, exactSpreadTol,
			"max |log w − mean|/|mean| of the exact score's weights ≤ 10⁻¹⁰ (its path law is the forward chain's: w ≡ Z)"))
	}
	if r := s.exactRes["learned"]; r != nil {
		// The 3σ, a two-sided normal z of false-alarm probability
		// 2.7·10⁻³ (log Ẑ is the log of a mean of N weights), outside
		// the run's Bonferroni family; ESS/N ≥ 0.9 is a tolerance on a
		// noisy estimate.
		fe := pipeline.Bar("learned: −log Z/V vs closed form", math.Abs(r.FreeEnergy-r.Closed)/r.FreeEnergyErr, learnedFreeSigma,
			"|−log Ẑ/V − closed form|/σ ≤ 3, Ẑ the mean importance weight")
		fe.Alpha = 2 * distuv.UnitNormal.Survival(learnedFreeSigma)
		cs = append(cs, fe,
			pipeline.Check{Name: "learned: ESS/N", Value: r.ESS, Threshold: learnedMinESS, Pass: r.ESS >= learnedMinESS, Alpha: math.NaN(),
				Rule: "Kish effective sample size of the learned weights ≥ 0.9 N"})
	}
	return cs
}

func (s *state) exactChecksStage(write bool) func(context.Context) error {
	return func(context.Context) error {
		s.checks["exact"] = s.exactChecks()
		if !write {
			return nil
		}
		_, err := s.out.WriteChecks("exact", s.checks["exact"])
		return err
	}
}
