// Copyright ©2026 The rgflow Authors. All rights reserved.

//go:build fftw && cgo

package main

/*
#cgo LDFLAGS: -lfftw3 -lm
#include <fftw3.h>
#include <stdlib.h>

// run executes a plan n times; the loop is in C so that no cgo call
// overhead enters the timing.
static void run(fftw_plan p, int n) {
	for (int i = 0; i < n; i++) fftw_execute(p);
}

static const char *version(void) { return fftw_version; }

static fftw_plan plan_r2c(int rank, const int *n, double *in, fftw_complex *out) {
	return fftw_plan_dft_r2c(rank, n, in, out, FFTW_MEASURE);
}

static fftw_plan plan_dct2(int rank, const int *n, double *in, double *out) {
	fftw_r2r_kind kind[16];
	for (int i = 0; i < rank; i++) kind[i] = FFTW_REDFT10;
	return fftw_plan_r2r(rank, n, in, out, kind, FFTW_MEASURE);
}
*/
import "C"

import (
	"fmt"
	"unsafe"
)

const haveFFTW = true

// fftwCase is an FFTW plan with its arrays, planned with FFTW_MEASURE,
// out of place, one thread.
type fftwCase struct {
	plan    C.fftw_plan
	in, out unsafe.Pointer
	nin     int // doubles in in
	nout    int // doubles in out
}

func newFFTW(kind string, dims []int) (*fftwCase, error) {
	if len(dims) > 16 {
		return nil, fmt.Errorf("fftw: rank %d too large", len(dims))
	}
	V := 1
	for _, n := range dims {
		V *= n
	}
	cd := (*C.int)(C.malloc(C.size_t(len(dims)) * C.size_t(unsafe.Sizeof(C.int(0)))))
	defer C.free(unsafe.Pointer(cd))
	cds := unsafe.Slice(cd, len(dims))
	for i, n := range dims {
		cds[i] = C.int(n)
	}
	c := &fftwCase{nin: V}
	c.in = unsafe.Pointer(C.fftw_malloc(C.size_t(8 * V)))
	switch kind {
	case "r2c":
		h := V / dims[len(dims)-1] * (dims[len(dims)-1]/2 + 1)
		c.nout = 2 * h
		c.out = unsafe.Pointer(C.fftw_malloc(C.size_t(16 * h)))
		c.plan = C.plan_r2c(C.int(len(dims)), cd, (*C.double)(c.in), (*C.fftw_complex)(c.out))
	case "dct2":
		c.nout = V
		c.out = unsafe.Pointer(C.fftw_malloc(C.size_t(8 * V)))
		c.plan = C.plan_dct2(C.int(len(dims)), cd, (*C.double)(c.in), (*C.double)(c.out))
	default:
		return nil, fmt.Errorf("fftw: unknown transform %q", kind)
	}
	if c.plan == nil {
		return nil, fmt.Errorf("fftw: planning %s %v failed", kind, dims)
	}
	return c, nil
}

// input returns the input array (written after planning, since
// FFTW_MEASURE overwrites it).
func (c *fftwCase) input() []float64 { return unsafe.Slice((*float64)(c.in), c.nin) }

// output returns the output array as doubles.
func (c *fftwCase) output() []float64 { return unsafe.Slice((*float64)(c.out), c.nout) }

func (c *fftwCase) run(n int) { C.run(c.plan, C.int(n)) }

func (c *fftwCase) close() {
	C.fftw_destroy_plan(c.plan)
	C.fftw_free(c.in)
	C.fftw_free(c.out)
}

func fftwVersion() string { return C.GoString(C.version()) }
