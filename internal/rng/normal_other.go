// Copyright ©2026 The rgflow Authors. All rights reserved.

//go:build noasm || !amd64

package rng

// Fill writes the next len(dst) standard normals of the stream into dst.
func (g *Normals) Fill(dst []float64) { g.fillGo(dst) }

// StepComplex writes dst[j] = a[j]·x[j] + b[j]·(xi[2j] + i·xi[2j+1]) for
// j < len(dst), each product rounded before the sum: the update of a
// flow's Fourier modes by their noise. dst may alias x.
func StepComplex(dst, x []complex128, xi, a, b []float64) { stepComplexGo(dst, x, xi, a, b) }

// StepNoise does what g.Fill(xi) followed by StepComplex(dst, x, xi, a,
// b) does (len(a) modes, len(xi) ≥ 2·len(a) normals); ab holds a and b
// interleaved, xi is scratch.
func (g *Normals) StepNoise(dst, x []complex128, a, b, ab, xi []float64) {
	g.stepNoiseGo(dst, x, a, b, ab, xi)
}
