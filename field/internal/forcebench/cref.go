// Copyright ©2026 The rgflow Authors. All rights reserved.

//go:build cgo

// Package forcebench times the 2-d φ⁴ force kernel of package field against
// a plain C reference of the same stencil, built by cgo and run in the same
// process.
//
// The C kernel is what an expert would write: row-wise neighbours, restrict
// pointers and an interior loop that gcc -O3 auto-vectorises. It is
// compiled three times from one source: for the baseline x86-64 ISA (SSE2,
// what "gcc -O3" alone gives), and with function-level targets for AVX2+FMA
// and AVX-512F; the harness reports every variant and the ratio of Go to
// the fastest.
package forcebench

/*
#cgo CFLAGS: -O3 -std=c11
#include <stddef.h>

#define FORCE2D_BODY                                                          \
	for (int r = 0; r < lx; r++) {                                            \
		const double *restrict c = phi + (size_t)r * ly;                      \
		const double *restrict up = phi + (size_t)((r + lx - 1) % lx) * ly;   \
		const double *restrict dn = phi + (size_t)((r + 1) % lx) * ly;        \
		double *restrict o = f + (size_t)r * ly;                              \
		double v = c[0];                                                      \
		o[0] = diag * v - g * v * v * v + c[ly - 1] + c[1] + up[0] + dn[0];   \
		for (int i = 1; i < ly - 1; i++) {                                    \
			v = c[i];                                                         \
			o[i] = diag * v - g * v * v * v + c[i - 1] + c[i + 1] + up[i] + dn[i]; \
		}                                                                     \
		v = c[ly - 1];                                                        \
		o[ly - 1] = diag * v - g * v * v * v + c[ly - 2] + c[0] + up[ly - 1] + dn[ly - 1]; \
	}

static void force2d_base(double *restrict f, const double *restrict phi, int lx, int ly, double diag, double g) {
	FORCE2D_BODY
}

__attribute__((target("avx2,fma")))
static void force2d_avx2(double *restrict f, const double *restrict phi, int lx, int ly, double diag, double g) {
	FORCE2D_BODY
}

__attribute__((target("avx512f,avx2,fma")))
static void force2d_avx512(double *restrict f, const double *restrict phi, int lx, int ly, double diag, double g) {
	FORCE2D_BODY
}

static void force2d_reps(int variant, int reps, double *f, const double *phi, int lx, int ly, double diag, double g) {
	for (int k = 0; k < reps; k++) {
		switch (variant) {
		case 0: force2d_base(f, phi, lx, ly, diag, g); break;
		case 1: force2d_avx2(f, phi, lx, ly, diag, g); break;
		default: force2d_avx512(f, phi, lx, ly, diag, g); break;
		}
	}
}
*/
import "C"

import "unsafe"

// Variant names a compilation of the C reference.
type Variant int

const (
	Base   Variant = iota // gcc -O3, baseline x86-64 (SSE2)
	AVX2                  // gcc -O3, target("avx2,fma")
	AVX512                // gcc -O3, target("avx512f")
)

func (v Variant) String() string {
	return [...]string{"C -O3 (sse2)", "C -O3 avx2+fma", "C -O3 avx512f"}[v]
}

// Force2D runs the C kernel reps times on the lx×ly field phi, writing the
// force F = Δφ − m²φ − gφ³ (diag = −(4 + m²)) into f. One cgo call covers all
// repetitions, so the call overhead is amortised.
func Force2D(v Variant, reps int, f, phi []float64, lx, ly int, diag, g float64) {
	if len(f) != lx*ly || len(phi) != lx*ly || lx < 3 || ly < 3 {
		panic("forcebench: bad shape")
	}
	C.force2d_reps(C.int(v), C.int(reps), (*C.double)(unsafe.Pointer(&f[0])), (*C.double)(unsafe.Pointer(&phi[0])),
		C.int(lx), C.int(ly), C.double(diag), C.double(g))
}
