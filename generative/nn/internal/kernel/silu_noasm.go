// Copyright ©2026 The rgflow Authors. All rights reserved.

//go:build !amd64 || noasm

package kernel

// UseAVX2 is false: this build has no assembly kernels.
var UseAVX2 = false

// SiLUForward writes y = x·σ(x) for every entry of x.
func SiLUForward(y, x []float32) { SiLUForwardGo(y, x) }

// SiLUBackward writes dx = dy·σ(x)·(1 + x·(1−σ(x))). dx may alias dy.
func SiLUBackward(dx, x, dy []float32) { SiLUBackwardGo(dx, x, dy) }
