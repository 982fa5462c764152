// Copyright ©2026 The rgflow Authors. All rights reserved.

package rng

import (
	"math"
	"math/bits"
	"math/rand/v2"
)

// Normals is a stream of standard normal numbers, the noise of one sample
// of a flow (erg.Flow keys sample i's by Derive(seed, StageFlow, i)):
// eight interleaved xoshiro256++ lanes feed a 2048-layer ziggurat
// (Marsaglia and Tsang 2000, in Doornik's 2005 ZIGNOR form, which takes
// the sign and the uniform from one double and so has no correlation
// between them), and a fifth, scalar xoshiro256++ feeds the rare draws
// that miss the ziggurat's rectangles.
//
// The stream is defined block by block: block m of a fill takes output m
// of lanes 0, 1, …, 7 (in that order, one 64-bit number each) and makes
// normals 8m … 8m+7 of it. From a 64-bit number u the fast path takes
// the layer i = u mod 2048 (11 bits) and the uniform f = (2⁵²·2 +
// ⌊u/2¹²⌋)/2⁵¹ − 3 in [−1, 1) (52 bits, disjoint from the layer's), and
// returns f·X_i when |f| < X_{i+1}/X_i (99.77% of draws). A miss goes on,
// in the order of the positions, with the scalar lane: the wedge test
// (one exp), Marsaglia's exponential tail beyond X_1 = r = 4.2164… for
// layer 0, or a fresh number. A fill of n numbers draws ⌈n/8⌉ blocks
// (NormalBlock normals each); the unused lanes of a last partial block
// are discarded, so a stream is reproduced by the same sequence of fill
// lengths (a flow always fills the same length). The ziggurat makes no
// approximation to the normal law; its outputs are quantised only by the
// 52 bits of their uniforms.
//
// With 2048 layers 0.23% of draws miss the fast path (0.43% with 1024,
// 1.5% with 256), and the kernels' table zigXR takes 32 KiB. The tables
// (ztables.go) are written by go generate from the program in
// internal/ziggurat, which derives them from the ziggurat's definition.
//
// The lanes are independent of one another, so the fast path runs eight
// at a time: on amd64 with AVX2 an assembly kernel (normal_amd64.s) steps
// the lanes and takes the fast path in YMM registers, four lanes to a
// register, and leaves the misses to Go; fillGo is the definition it is
// tested against bit for bit, and the whole of the stream elsewhere or
// under the noasm build tag. Eight lanes rather than four because one
// xoshiro256++ step is a chain of dependent instructions: two independent
// chains per iteration keep the vector units busy. With AVX-512 the eight
// lanes share one ZMM register per state word (zigBlocksAVX512), and the
// flow's update draws and applies its noise in one pass (StepNoise).
type Normals struct {
	// s[w][l] is word w of lane l's xoshiro256++ state (word-major, so
	// that one 32-byte load takes word w of four lanes).
	s [4][zigLanes]uint64
	// t is the scalar lane's state.
	t [4]uint64
}

// zigLanes is the number of interleaved generator lanes, the normals
// of one block.
const zigLanes = 8

// NormalBlock is the number of normals Normals draws at a time: a fill of
// n draws ⌈n/NormalBlock⌉·NormalBlock of them.
const NormalBlock = zigLanes

//go:generate go run gentables.go

// NewNormals seeds the five lanes from the 128-bit key (hi, lo): the
// twenty state words are the first twenty outputs of PCG-DXSM(hi, lo) of
// math/rand/v2, so distinct keys (rng.Derive) give unrelated states.
func NewNormals(hi, lo uint64) Normals {
	var g Normals
	pcg := rand.NewPCG(hi, lo)
	for l := 0; l < zigLanes; l++ {
		for w := 0; w < 4; w++ {
			g.s[w][l] = pcg.Uint64()
		}
		if g.s[0][l]|g.s[1][l]|g.s[2][l]|g.s[3][l] == 0 {
			g.s[0][l] = 1 // xoshiro's one forbidden state
		}
	}
	for w := range g.t {
		g.t[w] = pcg.Uint64()
	}
	if g.t[0]|g.t[1]|g.t[2]|g.t[3] == 0 {
		g.t[0] = 1
	}
	return g
}

// zigFast is the ziggurat's fast path on the 64-bit number u: the normal
// and true, or false when u misses layer i's rectangle.
func zigFast(u uint64) (float64, bool) {
	i := u & (zigLayers - 1)
	f := math.Float64frombits(u>>12|0x4000000000000000) - 3
	if math.Abs(f) < zigRatio[i] {
		return f * zigX[i], true
	}
	return 0, false
}

// fillGo writes len(dst) standard normals into dst: the definition of the
// stream, and the fill without AVX2.
func (g *Normals) fillGo(dst []float64) {
	for k := 0; k < len(dst); k += zigLanes {
		var u [zigLanes]uint64
		for l := range u {
			u[l] = xoshiroLane(&g.s, l)
		}
		for l := 0; l < zigLanes && k+l < len(dst); l++ {
			x, ok := zigFast(u[l])
			if !ok {
				x = g.slow(u[l])
			}
			dst[k+l] = x
		}
	}
}

// xoshiroLane steps lane l of s and returns its xoshiro256++ output.
func xoshiroLane(s *[4][zigLanes]uint64, l int) uint64 {
	s0, s1, s2, s3 := s[0][l], s[1][l], s[2][l], s[3][l]
	r := bits.RotateLeft64(s0+s3, 23) + s0
	t := s1 << 17
	s2 ^= s0
	s3 ^= s1
	s1 ^= s2
	s0 ^= s3
	s2 ^= t
	s3 = bits.RotateLeft64(s3, 45)
	s[0][l], s[1][l], s[2][l], s[3][l] = s0, s1, s2, s3
	return r
}

// next returns the scalar lane's next xoshiro256++ output.
func (g *Normals) next() uint64 {
	s := &g.t
	r := bits.RotateLeft64(s[0]+s[3], 23) + s[0]
	t := s[1] << 17
	s[2] ^= s[0]
	s[3] ^= s[1]
	s[1] ^= s[2]
	s[0] ^= s[3]
	s[2] ^= t
	s[3] = bits.RotateLeft64(s[3], 45)
	return r
}

// uniform returns a uniform number in (0, 1] from the scalar lane (never
// 0, so that its logarithm is finite).
func (g *Normals) uniform() float64 {
	return float64(g.next()>>11+1) / (1 << 53)
}

// slow finishes a draw whose number u missed the fast path (ZIGNOR):
// layer 0 samples the tail |x| > r exactly (Marsaglia 1964), other layers
// take the wedge under the density or start again with a fresh number.
func (g *Normals) slow(u uint64) float64 {
	for {
		i := u & (zigLayers - 1)
		f := math.Float64frombits(u>>12|0x4000000000000000) - 3
		if math.Abs(f) < zigXR[i][1] {
			return f * zigXR[i][0]
		}
		if i == 0 {
			for {
				x := -math.Log(g.uniform()) / zigR
				y := -math.Log(g.uniform())
				if y+y >= x*x {
					if f < 0 {
						return -zigR - x
					}
					return zigR + x
				}
			}
		}
		// The wedge: a uniform height y in layer i, from φ(X_i) up to
		// φ(X_{i+1}), under φ(|x|).
		x := f * zigXR[i][0]
		if wedge(i, math.Abs(x), zigF[i]+g.uniform()*(zigF[i+1]-zigF[i])) {
			return x
		}
		u = g.next()
	}
}

// wedge reports whether the point (x, y) of layer i's wedge (X_{i+1} ≤ x
// < X_i, φ(X_i) ≤ y ≤ φ(X_{i+1})) lies under φ(x) = exp(−x²/2). The
// chord through the layer's corners and the tangents at them bound φ on
// the wedge (chord above, tangents below where φ is convex, x ≥ 1; the
// other way round where it is concave), and a thin layer leaves little
// room between them, so most points are decided without the exp.
func wedge(i uint64, x, y float64) bool {
	x0, x1 := zigXR[i+1][0], zigXR[i][0]
	f0, f1 := zigF[i+1], zigF[i]
	chord := f0 + (f1-f0)*((x-x0)/(x1-x0))
	t0 := f0 * (1 - x0*(x-x0))
	t1 := f1 * (1 - x1*(x-x1))
	switch {
	case x0 >= 1: // convex: tangents ≤ φ ≤ chord
		if y > chord {
			return false
		}
		if y < max(t0, t1) {
			return true
		}
	case x1 <= 1: // concave: chord ≤ φ ≤ tangents
		if y < chord {
			return true
		}
		if y > min(t0, t1) {
			return false
		}
	}
	return y < math.Exp(-0.5*x*x)
}

// zigXR holds the pairs (X_i, X_{i+1}/X_i) side by side (and (0, 0) at
// 2048), so that the assembly kernels read a lane's pair with one 16-byte
// load. The slow path reads X_i and the ratio from it too, not from zigX
// and zigRatio: the same doubles, in lines the kernels keep in cache
// (the separate tables are cold by the time a miss is finished).
var zigXR = func() (t [zigLayers + 1][2]float64) {
	for i := range zigLayers {
		t[i] = [2]float64{zigX[i], zigRatio[i]}
	}
	return t
}()

// stepComplexGo writes dst[j] = a[j]·x[j] + b[j]·(xi[2j] + i·xi[2j+1])
// for j < len(dst). Each product is rounded before the sum (the explicit
// conversions forbid fused multiply-adds), as the AVX2 kernel does.
func stepComplexGo(dst, x []complex128, xi, a, b []float64) {
	n := len(dst)
	x, xi, a, b = x[:n], xi[:2*n], a[:n], b[:n]
	for j := range dst {
		aj, bj, v := a[j], b[j], x[j]
		dst[j] = complex(float64(aj*real(v))+float64(bj*xi[2*j]), float64(aj*imag(v))+float64(bj*xi[2*j+1]))
	}
}

// stepNoiseGo is the definition of Normals.StepNoise: fill, then the
// update.
func (g *Normals) stepNoiseGo(dst, x []complex128, a, b, _, xi []float64) {
	n := len(a)
	g.Fill(xi)
	StepComplex(dst[:n], x[:n], xi[:2*n], a, b[:n])
}
