// Copyright ©2026 The rgflow Authors. All rights reserved.

//go:build amd64 && !noasm

package rng

import (
	"math"
	"math/bits"

	"golang.org/x/sys/cpu"
)

// useAVX2Normals selects the AVX2 fast path of normal_amd64.s; without
// it (or with the noasm build tag) fillGo runs. useAVX512Normals selects
// its AVX-512 kernels, eight lanes to a register, and the update fused
// with the draw (StepNoise); tests switch it off to check the AVX2 path.
var (
	useAVX2Normals   = cpu.X86.HasAVX2
	useAVX512Normals = useAVX2Normals && cpu.X86.HasAVX512F
)

// missCap is the number of blocks with a miss zigBlocksAVX2 records
// before it returns to Go (the 32 in normal_amd64.s).
const missCap = 32

// Fill writes the next len(dst) standard normals of the stream into dst
// (fillGo's numbers, bit for bit).
func (g *Normals) Fill(dst []float64) {
	if !useAVX2Normals {
		g.fillGo(dst)
		return
	}
	full := len(dst) &^ (zigLanes - 1)
	var miss [missCap][1 + zigLanes]uint64
	for k := 0; k < full; {
		// Direct calls, not a func value: through one, miss would escape
		// to the heap (an allocation per fill).
		var done, nm int
		if useAVX512Normals {
			done, nm = zigBlocksAVX512(dst[k:full], &g.s, &miss)
		} else {
			done, nm = zigBlocksAVX2(dst[k:full], &g.s, &miss)
		}
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

// StepComplex writes dst[j] = a[j]·x[j] + b[j]·(xi[2j] + i·xi[2j+1]) for
// j < len(dst), each product rounded before the sum (stepComplexGo's
// numbers, bit for bit): the update of a flow's Fourier modes by their
// noise. dst may alias x.
func StepComplex(dst, x []complex128, xi, a, b []float64) {
	n := len(dst)
	if !useAVX2Normals || n < 2 {
		stepComplexGo(dst, x, xi, a, b)
		return
	}
	if len(x) < n || len(a) < n || len(b) < n || len(xi) < 2*n {
		panic("rng: step slices too short")
	}
	stepAVX2(dst, x, xi, a, b)
	if n%2 == 1 {
		stepComplexGo(dst[n-1:], x[n-1:], xi[2*n-2:], a[n-1:], b[n-1:])
	}
}

// StepNoise does what g.Fill(xi) followed by StepComplex(dst, x, xi, a,
// b) does (len(a) modes, len(xi) ≥ 2·len(a) normals): the same numbers in
// dst and the generator left in the same state; xi is scratch, its
// contents undefined after. ab holds a and b interleaved, (a_j, b_j) at
// ab[2j], ab[2j+1]. With AVX-512 the normals of whole blocks of four
// modes go straight into the update, without the round trip through xi.
func (g *Normals) StepNoise(dst, x []complex128, a, b, ab, xi []float64) {
	n := len(a)
	if !useAVX512Normals || n < 4 {
		g.stepNoiseGo(dst, x, a, b, ab, xi)
		return
	}
	if len(dst) < n || len(x) < n || len(b) < n || len(ab) < 2*n || len(xi) < 2*n {
		panic("rng: step slices too short")
	}
	nb := n / 4 * 4
	var miss [missCap + 1][1 + 2*zigLanes]uint64
	for m := 0; m < nb; {
		done, nm := zigStepAVX512(dst[m:nb], x[m:nb], ab[2*m:2*nb], &g.s, &miss)
		// Finish the recorded blocks in order: lane l of block k is the
		// real (l even) or imaginary part of mode m + 4k + l/2, and the
		// record keeps the block's inputs x, which dst may have overwritten.
		for _, r := range miss[:nm] {
			j0 := m + 4*int(uint32(r[0]))
			for out := ^(r[0] >> 32) & (1<<zigLanes - 1); out != 0; out &= out - 1 {
				l := bits.TrailingZeros64(out)
				j := j0 + l/2
				v := float64(a[j]*math.Float64frombits(r[1+zigLanes+l])) + float64(b[j]*g.slow(r[1+l]))
				if l%2 == 0 {
					dst[j] = complex(v, imag(dst[j]))
				} else {
					dst[j] = complex(real(dst[j]), v)
				}
			}
		}
		m += 4 * done
	}
	if rest := xi[2*nb:]; len(rest) > 0 {
		g.Fill(rest)
		StepComplex(dst[nb:n], x[nb:n], rest, a[nb:n], b[nb:n])
	}
}

//go:noescape
func zigBlocksAVX512(dst []float64, s *[4][zigLanes]uint64, miss *[missCap][1 + zigLanes]uint64) (done, nmiss int)

//go:noescape
func zigStepAVX512(dst, x []complex128, ab []float64, s *[4][zigLanes]uint64, miss *[missCap + 1][1 + 2*zigLanes]uint64) (done, nmiss int)

//go:noescape
func stepAVX2(dst, x []complex128, xi, a, b []float64)

//go:noescape
func zigBlocksAVX2(dst []float64, s *[4][zigLanes]uint64, miss *[missCap][1 + zigLanes]uint64) (done, nmiss int)
