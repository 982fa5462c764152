// Copyright ©2026 The rgflow Authors. All rights reserved.

//go:build noasm || !amd64

package stencil

const hasASM = false

func interiorASM(o, c, a, b []float64, diag, g float64, add bool) {
	panic("stencil: no assembly kernel")
}

func force2DASM(dst, phi []float64, lx, ly int, diag, g float64) {
	panic("stencil: no assembly kernel")
}
