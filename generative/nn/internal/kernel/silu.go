// Copyright ©2026 The rgflow Authors. All rights reserved.

// Package kernel holds the element-wise hot loops of package nn, in Go and,
// on amd64 with AVX2 and FMA, in assembly (build tag noasm selects the Go
// code everywhere). The two are tested against each other and against a
// float64 reference.
package kernel

import "math"

// SiLUForwardGo writes y = x·σ(x).
func SiLUForwardGo(y, x []float32) {
	y = y[:len(x)]
	for i, v := range x {
		y[i] = v * Sigmoid32(v)
	}
}

// SiLUBackwardGo writes dx = dy·σ(x)·(1 + x·(1−σ(x))), the derivative of
// x·σ(x), recomputing σ rather than storing it.
func SiLUBackwardGo(dx, x, dy []float32) {
	dx = dx[:len(x)]
	dy = dy[:len(x)]
	for i, v := range x {
		s := Sigmoid32(v)
		dx[i] = dy[i] * s * (1 + v*(1-s))
	}
}

// Sigmoid32 returns 1/(1+e^{−x}) in float32 with Exp32.
func Sigmoid32(x float32) float32 { return 1 / (1 + Exp32(-x)) }

// Exp32 returns e^x for float32 x, within 2 ulp of the correctly rounded
// value on [−87, 88] (checked against math.Exp in TestExp32), with x clamped
// to that range (so the result is neither 0 nor +Inf). It is Cephes' expf:
// x = n·ln2 + r with |r| ≤ ln2/2, e^r by a degree-7 polynomial, 2^n by
// setting the exponent bits.
func Exp32(x float32) float32 {
	const (
		hi    = 88.0
		lo    = -87.0
		log2e = 1.44269504088896341
		c1    = 0.693359375    // ln 2, upper bits (exact in float32)
		c2    = -2.12194440e-4 // ln 2 − c1
	)
	if x > hi {
		x = hi
	}
	if x < lo {
		x = lo
	}
	// Round to nearest: floor(x·log2e + ½).
	fx := x*log2e + 0.5
	n := int32(fx)
	if float32(n) > fx {
		n--
	}
	fn := float32(n)
	r := x - fn*c1 - fn*c2
	z := r * r
	p := float32(1.9875691500e-4)
	p = p*r + 1.3981999507e-3
	p = p*r + 8.3334519073e-3
	p = p*r + 4.1665795894e-2
	p = p*r + 1.6666665459e-1
	p = p*r + 5.0000001201e-1
	p = p*z + r + 1
	return p * math.Float32frombits(uint32(n+127)<<23)
}
