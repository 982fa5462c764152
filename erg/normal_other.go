// Copyright ©2026 The rgflow Authors. All rights reserved.

//go:build noasm || !amd64

package erg

// fill writes len(dst) standard normals into dst.
func (g *normals) fill(dst []float64) { g.fillGo(dst) }

func stepComplex(dst, x []complex128, xi, a, b []float64) { stepComplexGo(dst, x, xi, a, b) }

func (g *normals) stepNoise(dst, x []complex128, a, b, ab, xi []float64) {
	g.stepNoiseGo(dst, x, a, b, ab, xi)
}
