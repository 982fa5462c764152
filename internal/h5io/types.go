// Copyright ©2026 The rgflow Authors. All rights reserved.

package h5io

// #include "shim.h"
import "C"

import (
	"fmt"
	"unsafe"
)

// Dtype is the element type of a dataset or attribute. The Go slice types
// that match each one are the only ones accepted for reading and writing it:
// h5io never converts silently, and a Go int (whose size HDF5 does not know)
// is never accepted.
type Dtype int

// Element types.
const (
	Float64    Dtype = C.RG_F64  // IEEE binary64, Go []float64, numpy float64
	Float32    Dtype = C.RG_F32  // IEEE binary32, Go []float32, numpy float32
	Int64      Dtype = C.RG_I64  // Go []int64, numpy int64
	Int32      Dtype = C.RG_I32  // Go []int32, numpy int32
	Uint64     Dtype = C.RG_U64  // Go []uint64, numpy uint64
	Uint8      Dtype = C.RG_U8   // Go []byte, numpy uint8 (byte blobs)
	Complex128 Dtype = C.RG_C128 // compound {r, i float64}, Go []complex128, numpy complex128
	Bool       Dtype = C.RG_BOOL // int8 enum {FALSE, TRUE}, Go []bool, numpy bool (attributes only)
)

var dtypeNames = map[Dtype]string{
	Float64: "float64", Float32: "float32", Int64: "int64", Int32: "int32",
	Uint64: "uint64", Uint8: "uint8", Complex128: "complex128", Bool: "bool",
}

func (t Dtype) String() string {
	if s, ok := dtypeNames[t]; ok {
		return s
	}
	return fmt.Sprintf("Dtype(%d)", int(t))
}

func (t Dtype) size() int64 {
	switch t {
	case Float64, Int64, Uint64:
		return 8
	case Float32, Int32:
		return 4
	case Uint8, Bool:
		return 1
	case Complex128:
		return 16
	}
	return 0
}

// buffer describes a Go slice handed to HDF5: its element type, its length
// and the address of its first element (nil when empty).
type buffer struct {
	t   Dtype
	n   int64
	ptr unsafe.Pointer
}

// bufferOf inspects data, which must be one of the slice types of Dtype (or
// a pointer to one, for reading into a slice to be allocated).
func bufferOf(data any) (buffer, bool) {
	switch s := data.(type) {
	case []float64:
		return mk(Float64, s), true
	case []float32:
		return mk(Float32, s), true
	case []int64:
		return mk(Int64, s), true
	case []int32:
		return mk(Int32, s), true
	case []uint64:
		return mk(Uint64, s), true
	case []uint8:
		return mk(Uint8, s), true
	case []complex128:
		return mk(Complex128, s), true
	case []bool:
		return mk(Bool, s), true
	}
	return buffer{}, false
}

func mk[T any](t Dtype, s []T) buffer {
	b := buffer{t: t, n: int64(len(s))}
	if len(s) > 0 {
		b.ptr = unsafe.Pointer(&s[0])
	}
	return b
}

// allocate makes *dst a new slice of n elements when dst points to one of
// the slice types, and returns its buffer.
func allocate(dst any, n int64) (buffer, bool) {
	switch p := dst.(type) {
	case *[]float64:
		*p = make([]float64, n)
		return mk(Float64, *p), true
	case *[]float32:
		*p = make([]float32, n)
		return mk(Float32, *p), true
	case *[]int64:
		*p = make([]int64, n)
		return mk(Int64, *p), true
	case *[]int32:
		*p = make([]int32, n)
		return mk(Int32, *p), true
	case *[]uint64:
		*p = make([]uint64, n)
		return mk(Uint64, *p), true
	case *[]uint8:
		*p = make([]uint8, n)
		return mk(Uint8, *p), true
	case *[]complex128:
		*p = make([]complex128, n)
		return mk(Complex128, *p), true
	case *[]bool:
		*p = make([]bool, n)
		return mk(Bool, *p), true
	}
	return buffer{}, false
}

// dtypeOfPtr returns the Dtype of the slice dst points to.
func dtypeOfPtr(dst any) (Dtype, bool) {
	switch dst.(type) {
	case *[]float64:
		return Float64, true
	case *[]float32:
		return Float32, true
	case *[]int64:
		return Int64, true
	case *[]int32:
		return Int32, true
	case *[]uint64:
		return Uint64, true
	case *[]uint8:
		return Uint8, true
	case *[]complex128:
		return Complex128, true
	case *[]bool:
		return Bool, true
	}
	return 0, false
}

func product(dims []int64) int64 {
	p := int64(1)
	for _, d := range dims {
		p *= d
	}
	return p
}

func hsize(dims []int64) []C.hsize_t {
	h := make([]C.hsize_t, len(dims))
	for i, d := range dims {
		h[i] = C.hsize_t(d)
	}
	return h
}

func hptr(h []C.hsize_t) *C.hsize_t {
	if len(h) == 0 {
		return nil
	}
	return &h[0]
}

const ptrSize = unsafe.Sizeof(uintptr(0))

func unsafePointer[T any](p *T) unsafe.Pointer { return unsafe.Pointer(p) }
