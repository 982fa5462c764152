// Copyright ©2026 The rgflow Authors. All rights reserved.

package main

import (
	"fmt"

	"rgflow/experiments/internal/pipeline"
	"rgflow/field"
	"rgflow/generative/evaluate"
)

// refineScan is the refinement scan of one refined method, judged by the
// bars (pipeline.RefineScan).
type refineScan = pipeline.RefineScan

// scanRow compares the refining ensemble e at Langevin time t with the
// reference and appends the row to sc.
func (s *state) scanRow(sc *refineScan, dst *pipeline.Method, t, acc float64, e *field.Ensemble) error {
	cc := evaluate.CompareConfig{Action: s.act, Shells: s.out.Shells, Seed: pipeline.EvalSeed(s.r.Seed, dst.Index)}
	ref := evaluate.Sample{Name: grpRef, Fields: s.ref, Chains: s.refChains}
	c, err := evaluate.Compare(ref, evaluate.Sample{Name: "/generated/" + dst.Name, Fields: e}, cc)
	if err != nil {
		return fmt.Errorf("refine scan of %s at t = %g: %w", dst.Name, t, err)
	}
	// Per-sample M only: Compare has measured the rest.
	meas := field.MeasureEnsemble(nil, s.act, e)
	m := make([]float64, len(meas))
	for i, x := range meas {
		m[i] = x.M
	}
	sc.Add(t, acc, c, m, bars(dst.Name, c, mirrorTest(m, 1)))
	return nil
}

// printScans prints the refinement scans (summary).
func (s *state) printScans() {
	for _, m := range s.methods {
		if sc := s.scans[m.Name]; sc != nil {
			sc.Print(s.r.Stdout)
		}
	}
}
