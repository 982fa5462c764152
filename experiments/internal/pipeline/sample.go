// Copyright ©2026 The rgflow Authors. All rights reserved.

package pipeline

import (
	"rgflow/field"
	"rgflow/internal/parallel"
	"rgflow/internal/rng"
)

// SampleGaussian fills every field of e with an exact sample of smp: field i
// draws from the stream (seed, path..., offset+i). The fields are drawn on
// all cores, each worker with its own clone of smp; since every field has
// its own stream, e does not depend on the number of workers or the order
// in which they run.
func SampleGaussian(e *field.Ensemble, smp *field.GaussianSampler, seed uint64, offset int, path ...uint64) {
	n := e.Len()
	W := parallel.Workers(0, n)
	clones := make([]*field.GaussianSampler, W)
	for w := range clones {
		clones[w] = smp.Clone()
	}
	parallel.For(W, n, func(w, i int) {
		p := append(append(make([]uint64, 0, len(path)+1), path...), uint64(offset+i))
		clones[w].Sample(e.Field(i), rng.NewRand(seed, p...))
	})
}
