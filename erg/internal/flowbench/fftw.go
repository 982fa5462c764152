// Copyright ©2026 The rgflow Authors. All rights reserved.

//go:build fftw && cgo

package main

/*
#cgo LDFLAGS: -lfftw3 -lm
#include <fftw3.h>

static const char *version(void) { return fftw_version; }

static fftw_plan plan_r2c(int rank, const int *n, double *in, fftw_complex *out) {
	return fftw_plan_dft_r2c(rank, n, in, out, FFTW_MEASURE);
}

// The inverse may use its input as scratch (FFTW's default for c2r, and
// its only choice in more than one dimension). That favours FFTW a little:
// lattice.FFT's inverse keeps its input, which the flow's trajectory
// coupling needs (the modes carry on to the next snapshot); a flow on
// FFTW would have to copy them first, which the reference does not.
static fftw_plan plan_c2r(int rank, const int *n, fftw_complex *in, double *out) {
	return fftw_plan_dft_c2r(rank, n, in, out, FFTW_MEASURE | FFTW_DESTROY_INPUT);
}

// run performs the transforms of a flow of n samples with snaps
// snapshots: one forward per sample, then per snapshot one inverse per
// sample, with the new-array execute functions on the samples' own
// arrays (all aligned as the planning arrays: V and H are multiples of
// 8 here). The loop is in C so that no cgo call enters the timing.
static void run(fftw_plan fwd, fftw_plan inv, double *data, fftw_complex *modes, double *out, int n, int V, int H, int snaps) {
	for (int i = 0; i < n; i++) fftw_execute_dft_r2c(fwd, data + (size_t)i * V, modes + (size_t)i * H);
	for (int s = 0; s < snaps; s++)
		for (int i = 0; i < n; i++) fftw_execute_dft_c2r(inv, modes + (size_t)i * H, out + (size_t)i * V);
}
*/
import "C"

import (
	"fmt"
	"math"
	"math/cmplx"
	"unsafe"

	"rgflow/field"
	"rgflow/lattice"
)

const haveFFTW = true

// fftwReference performs the transforms of a flow of data with FFTW 3
// plans (FFTW_MEASURE, out of place, one thread): the same n forward and
// n·snaps inverse real transforms as reference, on the same layout.
type fftwReference struct {
	fwd, inv         C.fftw_plan
	data, modes, out unsafe.Pointer
	n, V, H, snaps   int
}

func newFFTWReference(data *field.Ensemble, snaps int) (*fftwReference, error) {
	l := data.Lat
	d := l.Dim()
	dims := (*C.int)(C.fftw_malloc(C.size_t(d) * C.size_t(unsafe.Sizeof(C.int(0)))))
	defer C.fftw_free(unsafe.Pointer(dims))
	ds := unsafe.Slice(dims, d)
	for mu := range ds {
		ds[mu] = C.int(l.Extent(mu))
	}
	n, V, H := data.Len(), l.Volume(), l.HalfLen()
	if V%8 != 0 || H%8 != 0 {
		return nil, fmt.Errorf("fftw reference: volume %d and half length %d must be multiples of 8 (alignment of the new-array execute)", V, H)
	}
	r := &fftwReference{n: n, V: V, H: H, snaps: snaps}
	r.data = unsafe.Pointer(C.fftw_malloc(C.size_t(8 * n * V)))
	r.modes = unsafe.Pointer(C.fftw_malloc(C.size_t(16 * n * H)))
	r.out = unsafe.Pointer(C.fftw_malloc(C.size_t(8 * n * V)))
	// Plan first: FFTW_MEASURE overwrites the arrays.
	r.fwd = C.plan_r2c(C.int(d), dims, (*C.double)(r.data), (*C.fftw_complex)(r.modes))
	r.inv = C.plan_c2r(C.int(d), dims, (*C.fftw_complex)(r.modes), (*C.double)(r.out))
	if r.fwd == nil || r.inv == nil {
		r.close()
		return nil, fmt.Errorf("fftw reference: planning %v failed", l)
	}
	copy(unsafe.Slice((*float64)(r.data), n*V), data.Data)
	if err := r.check(data); err != nil {
		r.close()
		return nil, err
	}
	return r, nil
}

// check verifies that the plans compute the transforms the flow performs:
// FFTW's forward of the first sample equals lattice.FFT's half spectrum
// (the same layout), and its inverse of that gives back V times the
// sample (FFTW leaves transforms unnormalised).
func (r *fftwReference) check(data *field.Ensemble) error {
	C.fftw_execute_dft_r2c(r.fwd, (*C.double)(r.data), (*C.fftw_complex)(r.modes))
	got := unsafe.Slice((*complex128)(r.modes), r.H)
	want := lattice.NewFFT(data.Lat).Forward(nil, data.Field(0))
	scale, diff := 0.0, 0.0
	for k, w := range want {
		scale = max(scale, cmplx.Abs(w))
		diff = max(diff, cmplx.Abs(got[k]-w))
	}
	if !(diff <= 1e-13*scale) {
		return fmt.Errorf("fftw reference: forward transform differs from lattice.FFT by %.2g of its largest mode", diff/scale)
	}
	C.fftw_execute_dft_c2r(r.inv, (*C.fftw_complex)(r.modes), (*C.double)(r.out))
	x := data.Field(0)
	scale, diff = 0, 0
	for i, v := range unsafe.Slice((*float64)(r.out), r.V) {
		scale = max(scale, math.Abs(x[i]))
		diff = max(diff, math.Abs(v/float64(r.V)-x[i]))
	}
	if !(diff <= 1e-13*scale) {
		return fmt.Errorf("fftw reference: inverse of the forward transform differs from V·x by %.2g of its largest value", diff/scale)
	}
	return nil
}

func (r *fftwReference) run() {
	C.run(r.fwd, r.inv, (*C.double)(r.data), (*C.fftw_complex)(r.modes), (*C.double)(r.out), C.int(r.n), C.int(r.V), C.int(r.H), C.int(r.snaps))
}

// finite reports whether the last run's output is finite: the inverse
// transforms reuse inputs they have destroyed, whose values grow but must
// stay far from overflow (and from denormals) for the timing to be that
// of ordinary arithmetic.
func (r *fftwReference) finite() bool {
	for _, v := range unsafe.Slice((*float64)(r.out), r.n*r.V) {
		if math.IsNaN(v) || math.IsInf(v, 0) || (v != 0 && math.Abs(v) < 0x1p-1022) {
			return false
		}
	}
	return true
}

func (r *fftwReference) close() {
	if r.fwd != nil {
		C.fftw_destroy_plan(r.fwd)
	}
	if r.inv != nil {
		C.fftw_destroy_plan(r.inv)
	}
	C.fftw_free(r.data)
	C.fftw_free(r.modes)
	C.fftw_free(r.out)
}

func fftwVersion() string { return C.GoString(C.version()) }
