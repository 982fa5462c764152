// Copyright ©2026 The rgflow Authors. All rights reserved.

//go:build cgo && !noblas

package nn

// #cgo pkg-config: openblas
// void openblas_set_num_threads(int);
// int openblas_get_num_threads(void);
// char* openblas_get_corename(void);
import "C"

import (
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/netlib/blas/netlib"
)

// This file binds the matrix products to OpenBLAS, the default. The cgo
// directive above makes every binary that imports nn link OpenBLAS
// (Debian's libopenblas-dev ships openblas.pc), which gonum's netlib wrapper
// needs but does not name itself. Under the noblas build tag, or without
// cgo, blas_gonum.go takes its place.

func init() {
	blas32.Use(netlib.Implementation{})
	// nn parallelises over the samples of a batch with its own goroutines
	// and runs each matrix product on one thread (see the package
	// documentation, "Threads"). A multi-threaded OpenBLAS pool under those
	// goroutines would oversubscribe the cores.
	C.openblas_set_num_threads(1)
}

// SetBLASThreads sets the size of OpenBLAS's thread pool, which nn sets to 1
// when it is loaded. Raise it only with Options.Workers = 1: nn's own
// workers already occupy the cores. Under the noblas build tag it only
// checks n.
func SetBLASThreads(n int) {
	if n < 1 {
		panic("nn: BLAS thread count must be ≥ 1")
	}
	C.openblas_set_num_threads(C.int(n))
}

// BLASThreads returns the size of OpenBLAS's thread pool (1 under the
// noblas build tag).
func BLASThreads() int { return int(C.openblas_get_num_threads()) }

// BLASCore returns the name of the CPU kernel set OpenBLAS selected at run
// time (for benchmark reports), or "none (noblas build: …)" under the noblas
// build tag.
func BLASCore() string { return C.GoString(C.openblas_get_corename()) }
