// Copyright ©2026 The rgflow Authors. All rights reserved.

//go:build !cgo || noblas

package nn

// This file is the pure-Go fallback of blas_openblas.go, built under the
// noblas tag or without cgo: the matrix products run on gonum's own
// implementation (gonum.org/v1/gonum/blas/gonum), which needs no C library.
// It computes the same products, but may sum them in another order, so
// results agree with OpenBLAS's to rounding, not bit for bit.

import (
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/gonum"
)

func init() { blas32.Use(gonum.Implementation{}) }

// SetBLASThreads sets the size of OpenBLAS's thread pool, which nn sets to 1
// when it is loaded. Raise it only with Options.Workers = 1: nn's own
// workers already occupy the cores. Under the noblas build tag it only
// checks n.
func SetBLASThreads(n int) {
	if n < 1 {
		panic("nn: BLAS thread count must be ≥ 1")
	}
}

// BLASThreads returns the size of OpenBLAS's thread pool (1 under the
// noblas build tag).
func BLASThreads() int { return 1 }

// BLASCore returns the name of the CPU kernel set OpenBLAS selected at run
// time (for benchmark reports), or "none (noblas build: …)" under the noblas
// build tag.
func BLASCore() string { return "none (noblas build: pure-Go gonum BLAS)" }
