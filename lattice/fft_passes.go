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
	// minCols bounds the columns of a chunk from below so that the
	// butterfly loops keep some length on long axes.
	minCols = 8
)

// axisPass is the complex DFT along one non-last axis of a row-major
// array viewed as [outer][n][m]: every row of the array along the axis is
// one "element" of length m, done in chunks of c columns, g outer blocks
// per call when a whole block fits the budget.
type axisPass struct {
	plan        *fftcore.Plan
	outer, n, m int
	c, g        int
}

func newAxisPass(plan *fftcore.Plan, outer, n, m int) axisPass {
	rows := plan.BufRows()
	c := chunkBytes / (16 * rows)
	c = max(c, minCols)
	c = min(c, m)
	g := 1
	if c == m {
		g = max(1, min(outer, chunkBytes/(16*rows*m)))
	}
	return axisPass{plan: plan, outer: outer, n: n, m: m, c: c, g: g}
}

// bufLen is the scratch length the pass needs in each of its two buffers.
func (ap *axisPass) bufLen() int { return ap.plan.BufRows() * ap.c * ap.g }

// run transforms in into out (which may be the same slice).
func (ap *axisPass) run(out, in, a, b []complex128, inv bool) {
	blk := ap.n * ap.m
	if ap.c == ap.m {
		for o := 0; o < ap.outer; o += ap.g {
			g := min(ap.g, ap.outer-o)
			ap.plan.Transform(out[o*blk:], ap.m, blk, in[o*blk:], ap.m, blk, ap.m, g, a, b, inv)
		}
		return
	}
	for o := 0; o < ap.outer; o++ {
		base := o * blk
		for m0 := 0; m0 < ap.m; m0 += ap.c {
			cc := min(ap.c, ap.m-m0)
			ap.plan.Transform(out[base+m0:], ap.m, blk, in[base+m0:], ap.m, blk, cc, 1, a, b, inv)
		}
	}
}

// rowGroup returns how many rows of a last axis, whose transform needs
// rows scratch rows each, go through the kernels in one call.
func rowGroup(rows, nrows int) int {
	g := tileBytes / (16 * rows)
	g = max(g, 1)
	return min(g, nrows)
}

// planCache returns one fftcore plan per distinct length, shared.
type planCache map[int]*fftcore.Plan

func (pc planCache) get(n int) *fftcore.Plan {
	if p, ok := pc[n]; ok {
		return p
	}
	p := fftcore.New(n)
	pc[n] = p
	return p
}
