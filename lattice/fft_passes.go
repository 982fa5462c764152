// Copyright ©2026 The rgflow Authors. All rights reserved.

package lattice

import "rgflow/lattice/internal/fftcore"

// Cache budgets for the compact scratch of one transform (two buffers of
// this many bytes each). Chosen by measurement on 256² and 64³ (see
// BenchmarkFFT): large enough that the runs of the butterfly loops are long,
// small enough that both buffers stay in the per-core L2 cache.
const (
	chunkBytes = 128 << 10
	tileBytes  = 64 << 10
	// maxTile bounds the number of rows transposed into one tile of the
	// last axis; minCols bounds the columns of a chunk from below so that
	// the butterfly loops keep some length on long axes.
	maxTile = 64
	minCols = 8
)

// axisPass is the complex DFT along one non-last axis of a row-major
// array viewed as [outer][n][m]: every row of the array along the axis is
// one "element" of length m, done in chunks of c columns.
type axisPass struct {
	plan        *fftcore.Plan
	outer, n, m int
	c           int
}

func newAxisPass(plan *fftcore.Plan, outer, n, m int) axisPass {
	c := chunkBytes / (16 * plan.BufRows())
	c = max(c, minCols)
	c = min(c, m)
	return axisPass{plan: plan, outer: outer, n: n, m: m, c: c}
}

// bufLen is the scratch length the pass needs in each of its two buffers.
func (ap *axisPass) bufLen() int { return ap.plan.BufRows() * ap.c }

// run transforms in into out (which may be the same slice).
func (ap *axisPass) run(out, in, a, b []complex128, inv bool) {
	blk := ap.n * ap.m
	for o := 0; o < ap.outer; o++ {
		base := o * blk
		for m0 := 0; m0 < ap.m; m0 += ap.c {
			cc := min(ap.c, ap.m-m0)
			ap.plan.Transform(out[base+m0:], ap.m, in[base+m0:], ap.m, cc, a, b, inv)
		}
	}
}

// tileRows returns how many rows of a last axis whose transform buffers
// hold rows elements are transposed into one tile.
func tileRows(rows, nrows int) int {
	t := tileBytes / (16 * rows)
	t = max(t, 1)
	t = min(t, maxTile)
	return min(t, nrows)
}

// axisPlans returns one fftcore plan per distinct length, shared.
type planCache map[int]*fftcore.Plan

func (pc planCache) get(n int) *fftcore.Plan {
	if p, ok := pc[n]; ok {
		return p
	}
	p := fftcore.New(n)
	pc[n] = p
	return p
}
