// Copyright ©2026 The rgflow Authors. All rights reserved.

package pipeline

import (
	"context"

	"rgflow/field"
	"rgflow/internal/cli"
	"rgflow/lattice"
	"rgflow/wgrad"
)

// EvenTimes returns n ≥ 2 snapshot times evenly spaced in [0, T].
func EvenTimes(T float64, n int) []float64 {
	t := make([]float64, n)
	for i := range t {
		t[i] = T * float64(i) / float64(n-1)
	}
	return t
}

// FreeStart returns n exact samples of the free field of mass² m2 on l, the
// start ensemble of a Langevin flow: field i draws from the stream (seed,
// path..., i) (see SampleGaussian).
func FreeStart(l *lattice.Lattice, m2 float64, n int, seed uint64, path ...uint64) (*field.Ensemble, error) {
	a, err := field.NewFree(l, m2)
	if err != nil {
		return nil, err
	}
	smp, err := field.NewFreeSampler(a)
	if err != nil {
		return nil, err
	}
	e := field.NewEnsemble(l, n)
	SampleGaussian(e, smp, seed, 0, path...)
	return e, nil
}

// RunLangevin runs the Langevin flow l of the fields e (in place) with the
// streams of seed, stopping at every time of times to call snap with the
// snapshot's index, time and fields. It stops with ctx's error between
// snapshots once ctx is done, and counts the snapshots on bar (nil: none).
func RunLangevin(ctx context.Context, l *wgrad.Langevin, e *field.Ensemble, seed uint64, times []float64, bar *cli.Progress,
	snap func(i int, t float64, e *field.Ensemble) error) error {
	return l.Run(e, seed, times, func(i int, t float64, e *field.Ensemble) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := snap(i, t, e); err != nil {
			return err
		}
		if bar != nil {
			bar.Add(1)
		}
		return nil
	})
}
