// Copyright ©2026 The rgflow Authors. All rights reserved.

package main

import (
	"context"
	"fmt"
	"io"
	"math"

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
// the reweighted and IMH ensembles to s.methods for the compare stage.
func (s *state) exactStages() []pipeline.Stage {
	V := float64(s.lat.Volume())
	closed := -generative.GaussianLogZ(s.proc, s.g0) / V
	s.exactRes = map[string]*pipeline.ExactResult{}
	var stages []pipeline.Stage
	var derived []*pipeline.Method
	for _, m := range s.methods {
		if !m.FullVariance || m.Gen.Method != generative.Ancestral.String() {
			continue
		}
		m.Weigh = s.act
		c := closed
		if m.Proc != s.proc {
			// Another process, the same target: the closed form holds.
			c = -generative.GaussianLogZ(m.Proc, mustFree(m.Proc, s.cfg.Field.M2)) / V
		}
		stages = append(stages, s.out.ExactStage(m, s.act, s.r.Seed, c, func(r *pipeline.ExactResult) { s.exactRes[r.Name] = r }))
		derived = append(derived, pipeline.Derived(m)...)
	}
	s.methods = append(s.methods, derived...)
	stages = append(stages, pipeline.Stage{Name: "exact checks", Run: s.exactChecksStage(true), Restore: s.exactChecksStage(false)})
	return stages
}

// exactChecks are the acceptance checks of exact sampling.
func (s *state) exactChecks() []pipeline.Check {
	var cs []pipeline.Check
	if r := s.exactRes["inverse_rg_exact"]; r != nil {
		cs = append(cs, pipeline.Bar("exact: log-weight spread", r.Spread, exactSpreadTol,
			"max |log w − mean|/|mean| of the exact score's weights ≤ 10⁻¹⁰ (its path law is the forward chain's: w ≡ Z)"))
	}
	if r := s.exactRes["learned"]; r != nil {
		cs = append(cs,
			pipeline.Bar("learned: −log Z/V vs closed form", math.Abs(r.FreeEnergy-r.Closed)/r.FreeEnergyErr, learnedFreeSigma,
				"|−log Ẑ/V − closed form|/σ ≤ 3, Ẑ the mean importance weight"),
			pipeline.Check{Name: "learned: ESS/N", Value: r.ESS, Threshold: learnedMinESS, Pass: r.ESS >= learnedMinESS,
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

// exactSummary prints the table of exact sampling.
func (s *state) exactSummary(w io.Writer) {
	if len(s.exactRes) == 0 {
		return
	}
	fmt.Fprintf(w, "\nexact sampling (importance weights against exp(−S)):\n")
	fmt.Fprintf(w, "  %-18s %8s %10s %24s %12s %10s %8s\n", "generator", "ESS/N", "var log w", "−log Z/V", "closed form", "IMH acc.", "τ_int S")
	for _, m := range s.methods {
		r := s.exactRes[m.Name]
		if r == nil {
			continue
		}
		fmt.Fprintf(w, "  %-18s %8.4f %10.3g %13.7f ± %8.2g %12.7f %10.4f %8.3g\n", r.Name, r.ESS, r.VarLogW, r.FreeEnergy, r.FreeEnergyErr, r.Closed, r.Acceptance, r.TauIntS)
	}
}
