// Copyright ©2026 The rgflow Authors. All rights reserved.

//go:build amd64 && !noasm

package fftcore

import "golang.org/x/sys/cpu"

// useAVX2 selects the AVX2/FMA kernels of kernels_amd64.s; without them
// (or with the noasm build tag) the portable Go kernels run.
var useAVX2 = cpu.X86.HasAVX2 && cpu.X86.HasFMA

// HasAsm reports whether the assembly kernels are in use.
func HasAsm() bool { return useAVX2 }

func pass4(y []complex128, yrow, yblk int, x []complex128, xrow, xblk int, tw []complex128, mm, run, count int, inv bool) {
	if !useAVX2 || count < 1 {
		pass4Go(y, yrow, yblk, x, xrow, xblk, tw, mm, run, count, inv)
		return
	}
	checkPass(4, y, yrow, yblk, x, xrow, xblk, tw, mm, run, count)
	pass4AVX2(y, yrow, yblk, x, xrow, xblk, tw, mm, run, count, inv)
}

func pass8(y []complex128, yrow, yblk int, x []complex128, xrow, xblk int, tw []complex128, mm, run, count int, inv bool) {
	if !useAVX2 || count < 1 {
		pass8Go(y, yrow, yblk, x, xrow, xblk, tw, mm, run, count, inv)
		return
	}
	checkPass(8, y, yrow, yblk, x, xrow, xblk, tw, mm, run, count)
	pass8AVX2(y, yrow, yblk, x, xrow, xblk, tw, mm, run, count, inv)
}

func pass3(y []complex128, yrow, yblk int, x []complex128, xrow, xblk int, tw []complex128, mm, run, count int, inv bool) {
	if !useAVX2 || count < 1 {
		pass3Go(y, yrow, yblk, x, xrow, xblk, tw, mm, run, count, inv)
		return
	}
	checkPass(3, y, yrow, yblk, x, xrow, xblk, tw, mm, run, count)
	pass3AVX2(y, yrow, yblk, x, xrow, xblk, tw, mm, run, count, inv)
}

func pass5(y []complex128, yrow, yblk int, x []complex128, xrow, xblk int, tw []complex128, mm, run, count int, inv bool) {
	if !useAVX2 || count < 1 {
		pass5Go(y, yrow, yblk, x, xrow, xblk, tw, mm, run, count, inv)
		return
	}
	checkPass(5, y, yrow, yblk, x, xrow, xblk, tw, mm, run, count)
	pass5AVX2(y, yrow, yblk, x, xrow, xblk, tw, mm, run, count, inv)
}

func pass2(y []complex128, yrow, yblk int, x []complex128, xrow, xblk int, tw []complex128, mm, run, count int) {
	if !useAVX2 || count < 1 {
		pass2Go(y, yrow, yblk, x, xrow, xblk, tw, mm, run, count)
		return
	}
	checkPass(2, y, yrow, yblk, x, xrow, xblk, tw, mm, run, count)
	pass2AVX2(y, yrow, yblk, x, xrow, xblk, tw, mm, run, count)
}

// checkPass panics unless every element a radix-r pass touches lies inside
// its slice: the assembly does no bounds checks of its own.
func checkPass(r int, y []complex128, yrow, yblk int, x []complex128, xrow, xblk int, tw []complex128, mm, run, count int) {
	if run < 1 || mm < 1 || yrow < 0 || xrow < 0 || yblk < 0 || xblk < 0 ||
		(count-1)*yblk+(r*mm-1)*yrow+run > len(y) ||
		(count-1)*xblk+(r*mm-1)*xrow+run > len(x) ||
		(mm > 1 && len(tw) < (r-1)*mm) {
		panic("fftcore: pass out of bounds")
	}
}

//go:noescape
func pass4AVX2(y []complex128, yrow, yblk int, x []complex128, xrow, xblk int, tw []complex128, mm, run, count int, inv bool)

//go:noescape
func pass2AVX2(y []complex128, yrow, yblk int, x []complex128, xrow, xblk int, tw []complex128, mm, run, count int)

//go:noescape
func pass8AVX2(y []complex128, yrow, yblk int, x []complex128, xrow, xblk int, tw []complex128, mm, run, count int, inv bool)

func untangle(dst []complex128, dstride int, src []complex128, sstride int, w []complex128, n, count int, scale float64) {
	if !useAVX2 {
		untangleGo(dst, dstride, src, sstride, w, n, count, scale)
		return
	}
	// Pairs (k, k+1) with k = 1, 3, … whose mirrors n−k−1, n−k lie above
	// them: 2k+2 < n. The rest, up to n/2, go one at a time.
	pairs := max(0, (n-1)/4)
	tail := n/2 - 2*pairs
	untangleAVX2(dst, dstride, src, sstride, w, n, count, scale, pairs, tail)
}

//go:noescape
func untangleAVX2(dst []complex128, dstride int, src []complex128, sstride int, w []complex128, n, count int, scale float64, pairs, tail int)

//go:noescape
func pass3AVX2(y []complex128, yrow, yblk int, x []complex128, xrow, xblk int, tw []complex128, mm, run, count int, inv bool)

//go:noescape
func pass5AVX2(y []complex128, yrow, yblk int, x []complex128, xrow, xblk int, tw []complex128, mm, run, count int, inv bool)
