// Copyright ©2026 The rgflow Authors. All rights reserved.

package h5io

/*
#cgo pkg-config: hdf5 zlib
#cgo LDFLAGS: -lhdf5_hl
#include "shim.h"
*/
import "C"

import (
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"

	"gonum.org/v1/hdf5"
)

// The HDF5 goroutine. libhdf5 keeps global state (open objects, the error
// stack, which is per OS thread in thread-safe builds), so every call into it
// is made by one goroutine locked to one OS thread, for the whole process.
// Files, datasets and attributes are only handles that send closures here;
// physics goroutines never call HDF5 themselves. Several runs in one process
// (tests, sweeps) therefore share the goroutine safely, each with its own
// files.
var owner struct {
	once sync.Once
	reqs chan request
}

type request struct {
	fn   func() error
	done chan result
}

type result struct {
	err   error
	panic any
}

func start() {
	owner.reqs = make(chan request)
	ready := make(chan struct{})
	go func() {
		runtime.LockOSThread()
		C.rg_install_error_handler()
		close(ready)
		for r := range owner.reqs {
			r.done <- serve(r.fn)
		}
	}()
	<-ready
}

// serve runs fn, turning a panic into a value the caller re-raises in its
// own goroutine, so a programmer error is reported where it was made and the
// HDF5 goroutine survives.
func serve(fn func() error) (res result) {
	defer func() {
		if p := recover(); p != nil {
			res.panic = p
		}
	}()
	C.rg_clear_error()
	return result{err: fn()}
}

var donePool = sync.Pool{New: func() any { return make(chan result, 1) }}

// do runs fn on the HDF5 goroutine and waits for it. fn must not call do.
func do(fn func() error) error {
	owner.once.Do(start)
	done := donePool.Get().(chan result)
	owner.reqs <- request{fn: fn, done: done}
	res := <-done
	donePool.Put(done)
	if res.panic != nil {
		panic(res.panic)
	}
	return res.err
}

// Error is a failure reported by libhdf5, with the library's own error
// stack, innermost call last.
type Error struct {
	Op    string // what h5io was doing, e.g. `append to "/ensemble/free/fields"`
	Stack string // HDF5's error stack, or "" when the library gave none
	Err   error  // an underlying error (from gonum/hdf5), if any
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("h5io: ")
	b.WriteString(e.Op)
	switch {
	case e.Stack != "":
		b.WriteString(": HDF5: ")
		b.WriteString(e.Stack)
	case e.Err != nil:
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	default:
		b.WriteString(": HDF5 call failed without an error message")
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// h5fail builds an *Error from the error stack captured on this thread. It
// must run on the HDF5 goroutine, right after the failing call.
func h5fail(err error, format string, args ...any) error {
	e := &Error{Op: fmt.Sprintf(format, args...), Stack: C.GoString(C.rg_last_error()), Err: err}
	C.rg_clear_error()
	return e
}

// h5check turns a negative herr_t into an *Error.
func h5check(rc C.herr_t, format string, args ...any) error {
	if rc < 0 {
		return h5fail(nil, format, args...)
	}
	return nil
}

// Sentinel errors of the reader's validation, for errors.Is.
var (
	// ErrSchema: the file has no schema_version or one this reader does not read.
	ErrSchema = errors.New("h5io: unsupported schema")
	// ErrShape: a dataset or attribute has a shape or element type other than expected.
	ErrShape = errors.New("h5io: unexpected shape or type")
	// ErrNotFound: an object the caller asked for does not exist.
	ErrNotFound = errors.New("h5io: not found")
	// ErrClosed: the file was closed.
	ErrClosed = errors.New("h5io: file is closed")
)

// ThreadSafe reports whether the linked libhdf5 was built thread-safe
// (H5is_library_threadsafe). h5io serialises all HDF5 calls on one goroutine
// either way; the answer is recorded for diagnostics.
func ThreadSafe() (bool, error) {
	var ts C.int
	err := do(func() error {
		ts = C.rg_is_threadsafe()
		if ts < 0 {
			return h5fail(nil, "H5is_library_threadsafe")
		}
		return nil
	})
	return ts == 1, err
}

// LibVersion returns the version of the linked libhdf5, e.g. "1.10.8".
func LibVersion() (string, error) {
	var v hdf5.Version
	err := do(func() (err error) {
		v, err = hdf5.LibVersion()
		if err != nil {
			return h5fail(err, "H5get_libversion")
		}
		return nil
	})
	return v.String(), err
}
