// Copyright ©2026 The rgflow Authors. All rights reserved.

package main

import (
	"context"

	"rgflow/experiments/internal/pipeline"
	"rgflow/field"
)

// refineStage returns the stage that refines the ensemble of src into dst
// by the exact Langevin flow of the φ⁴ action (pipeline.Refine), comparing
// the refining ensemble with the reference at every scan time.
func (s *state) refineStage(src, dst *pipeline.Method) pipeline.Stage {
	return pipeline.Stage{Name: "refine " + src.Name, Run: func(ctx context.Context) error {
		c := s.cfg.Refine
		bar := s.r.Progress("refine "+src.Name, int64(len(c.Scan)+2), "snapshots")
		sc := &refineScan{Method: dst.Name, Observables: barObservables}
		err := s.out.Refine(ctx, c, s.cfg.Langevin.FourierM2, s.act, src, dst, s.r.Seed, bar, func(t, acc float64, e *field.Ensemble) error {
			return s.scanRow(sc, dst, t, acc, e)
		})
		bar.Done()
		if err != nil {
			return err
		}
		sc.Log(s.r.Log)
		s.scans[dst.Name] = sc
		return s.out.WriteScan("/generated/"+dst.Name, grpRef, sc)
	}}
}
