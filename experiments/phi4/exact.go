// Copyright ©2026 The rgflow Authors. All rights reserved.

package main

import (
	"fmt"
	"math"
	"strings"

	"rgflow/experiments/internal/pipeline"
)

// exactStages marks the generated methods (the network alone and the
// Gaussian generator, before any refinement) for weighing against exp(−S),
// returns the exact stages that follow their generate stages, and appends
// the reweighted and IMH ensembles to s.methods for the compare stage,
// where the bars are computed for them as for every ensemble. φ⁴ has no
// closed-form free energy: the generators' estimates stand beside each
// other.
func (s *state) exactStages() []pipeline.Stage {
	s.exactRes = map[string]*pipeline.ExactResult{}
	stages, derived := s.out.ExactStages(s.methods, s.act, s.r.Seed,
		func(*pipeline.Method) float64 { return math.NaN() },
		func(*pipeline.Method) bool { return true },
		func(r *pipeline.ExactResult) { s.exactRes[r.Name] = r })
	s.methods = append(s.methods, derived...)
	return stages
}

// minESS is the bar on the learned generator's Kish ESS/N when the run is
// judged on an exact ensemble of it (bars.ensemble = reweighted or imh).
const minESS = 0.05

// essBar returns the ESS/N check of the learned weights when the judged
// ensemble is one of their derived ensembles, with the Gaussian
// generator's ESS/N in its rule for scale; nil otherwise.
func (s *state) essBar() []pipeline.Check {
	j := s.cfg.judged()
	if !strings.HasSuffix(j, pipeline.ReweightedSuffix) && !strings.HasSuffix(j, pipeline.IMHSuffix) {
		return nil
	}
	r := s.exactRes["learned"]
	if r == nil {
		return []pipeline.Check{pipeline.Bar("learned: ESS/N", math.NaN(), minESS, "the learned generator was not weighed")}
	}
	rule := "Kish effective sample size of the learned weights ≥ 0.05 N"
	if g := s.exactRes["gaussian"]; g != nil {
		rule += fmt.Sprintf(" (the Gaussian generator's: %.3g N)", g.ESS)
	}
	return []pipeline.Check{{Name: "learned: ESS/N", Value: r.ESS, Threshold: minESS, Pass: r.ESS >= minESS, Alpha: math.NaN(), Rule: rule}}
}
