// Copyright ©2026 The rgflow Authors. All rights reserved.

//go:build amd64 && !noasm

package erg

import "golang.org/x/sys/cpu"

// useAVX2Normals selects the AVX2 fast path of normal_amd64.s; without
// it (or with the noasm build tag) fillGo runs.
var useAVX2Normals = cpu.X86.HasAVX2

// zigXR holds the pairs (X_i, X_{i+1}/X_i) side by side, so that the
// kernel reads a lane's pair with one 16-byte load.
var zigXR = func() (t [zigLayers][2]float64) {
	for i := range t {
		t[i] = [2]float64{zigX[i], zigRatio[i]}
	}
	return t
}()

// missCap is the number of blocks with a miss zigBlocksAVX2 records
// before it returns to Go (the 32 in normal_amd64.s).
const missCap = 32

// fill writes len(dst) standard normals into dst, the numbers fillGo
// writes.
func (g *normals) fill(dst []float64) {
	if !useAVX2Normals {
		g.fillGo(dst)
		return
	}
	full := len(dst) &^ (zigLanes - 1)
	var miss [missCap][1 + zigLanes]uint64
	for k := 0; k < full; {
		done, nm := zigBlocksAVX2(dst[k:full], &g.s, &miss)
		// Finish the recorded blocks in order: lanes that hit their
		// rectangle are already written, the others go the slow way.
		// Bits 32–39 of a record's first word say which lanes hit.
		for _, m := range miss[:nm] {
			b := k + zigLanes*int(uint32(m[0]))
			hit := m[0] >> 32
			for l, u := range m[1:] {
				if hit&(1<<l) == 0 {
					dst[b+l] = g.slow(u)
				}
			}
		}
		k += zigLanes * done
	}
	if full < len(dst) {
		g.fillGo(dst[full:])
	}
}

// stepComplex writes dst[j] = a[j]·x[j] + b[j]·(xi[2j] + i·xi[2j+1]),
// the numbers of stepComplexGo.
func stepComplex(dst, x []complex128, xi, a, b []float64) {
	n := len(dst)
	if !useAVX2Normals || n < 2 {
		stepComplexGo(dst, x, xi, a, b)
		return
	}
	if len(x) < n || len(a) < n || len(b) < n || len(xi) < 2*n {
		panic("erg: step slices too short")
	}
	stepAVX2(dst, x, xi, a, b)
	if n%2 == 1 {
		stepComplexGo(dst[n-1:], x[n-1:], xi[2*n-2:], a[n-1:], b[n-1:])
	}
}

//go:noescape
func stepAVX2(dst, x []complex128, xi, a, b []float64)

//go:noescape
func zigBlocksAVX2(dst []float64, s *[4][zigLanes]uint64, miss *[missCap][1 + zigLanes]uint64) (done, nmiss int)
