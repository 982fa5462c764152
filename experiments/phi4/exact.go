// Copyright ©2026 The rgflow Authors. All rights reserved.

package main

import (
	"math"

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
