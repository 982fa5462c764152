// Copyright ©2026 The rgflow Authors. All rights reserved.

//go:build !noasm

package stencil

import "golang.org/x/sys/cpu"

var hasASM = cpu.X86.HasAVX2 && cpu.X86.HasFMA

// interiorAVX2 is Interior for len(o) a multiple of 4, in AVX2+FMA
// assembly (stencil_amd64.s).
//
//go:noescape
func interiorAVX2(o, c, a, b []float64, diag, quartic float64, add bool)

func interiorASM(o, c, a, b []float64, diag, g float64, add bool) {
	interiorAVX2(o, c, a, b, diag, g, add)
}

// force2DAVX2 writes the force on the sites 1 … 4⌊(ly−2)/4⌋ of every row
// (stencil_amd64.s); ly ≥ 6.
//
//go:noescape
func force2DAVX2(dst, phi []float64, lx, ly int, diag, quartic float64)

func force2DASM(dst, phi []float64, lx, ly int, diag, g float64) {
	force2DAVX2(dst, phi, lx, ly, diag, g)
}
