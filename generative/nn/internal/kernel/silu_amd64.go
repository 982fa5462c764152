// Copyright ©2026 The rgflow Authors. All rights reserved.

//go:build !noasm

package kernel

import "golang.org/x/sys/cpu"

// UseAVX2 reports whether the AVX2+FMA assembly kernels are used (set at
// start-up from the CPU's features; tests switch it to compare both).
var UseAVX2 = cpu.X86.HasAVX2 && cpu.X86.HasFMA

//go:noescape
func siluForwardAVX2(y, x *float32, n int)

//go:noescape
func siluBackwardAVX2(dx, x, dy *float32, n int)

// SiLUForward writes y = x·σ(x) for every entry of x.
func SiLUForward(y, x []float32) {
	y = y[:len(x)]
	if m := len(x) &^ 7; UseAVX2 && m > 0 {
		siluForwardAVX2(&y[0], &x[0], m)
		x, y = x[m:], y[m:]
	}
	SiLUForwardGo(y, x)
}

// SiLUBackward writes dx = dy·σ(x)·(1 + x·(1−σ(x))), the gradient of the
// SiLU at x for output gradient dy. dx may alias dy.
func SiLUBackward(dx, x, dy []float32) {
	dx, dy = dx[:len(x)], dy[:len(x)]
	if m := len(x) &^ 7; UseAVX2 && m > 0 {
		siluBackwardAVX2(&dx[0], &x[0], &dy[0], m)
		x, dx, dy = x[m:], dx[m:], dy[m:]
	}
	SiLUBackwardGo(dx, x, dy)
}
