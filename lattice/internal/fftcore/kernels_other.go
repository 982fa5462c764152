// Copyright ©2026 The rgflow Authors. All rights reserved.

//go:build noasm || !amd64

package fftcore

// HasAsm reports whether the assembly kernels are in use.
func HasAsm() bool { return false }

func pass4(y []complex128, yrow, yblk int, x []complex128, xrow, xblk int, tw []complex128, mm, run, count int, inv bool) {
	pass4Go(y, yrow, yblk, x, xrow, xblk, tw, mm, run, count, inv)
}

func pass2(y []complex128, yrow, yblk int, x []complex128, xrow, xblk int, tw []complex128, mm, run, count int) {
	pass2Go(y, yrow, yblk, x, xrow, xblk, tw, mm, run, count)
}

func pass8(y []complex128, yrow, yblk int, x []complex128, xrow, xblk int, tw []complex128, mm, run, count int, inv bool) {
	pass8Go(y, yrow, yblk, x, xrow, xblk, tw, mm, run, count, inv)
}

func untangle(dst []complex128, dstride int, src []complex128, sstride int, w []complex128, n, count int, scale float64) {
	untangleGo(dst, dstride, src, sstride, w, n, count, scale)
}

func pass3(y []complex128, yrow, yblk int, x []complex128, xrow, xblk int, tw []complex128, mm, run, count int, inv bool) {
	pass3Go(y, yrow, yblk, x, xrow, xblk, tw, mm, run, count, inv)
}

func pass5(y []complex128, yrow, yblk int, x []complex128, xrow, xblk int, tw []complex128, mm, run, count int, inv bool) {
	pass5Go(y, yrow, yblk, x, xrow, xblk, tw, mm, run, count, inv)
}
