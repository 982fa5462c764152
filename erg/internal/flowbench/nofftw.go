// Copyright ©2026 The rgflow Authors. All rights reserved.

//go:build !fftw || !cgo

package main

import (
	"errors"

	"rgflow/field"
)

// Without the fftw build tag the benchmark builds (so that go build ./...
// and go vet ./... need no FFTW headers) and has no FFTW column.

const haveFFTW = false

type fftwReference struct{}

func newFFTWReference(data *field.Ensemble, snaps int) (*fftwReference, error) {
	return nil, errors.New("built without FFTW: go run -tags fftw (make bench-erg)")
}

func (r *fftwReference) run()         {}
func (r *fftwReference) finite() bool { return true }
func (r *fftwReference) close()       {}
func fftwVersion() string             { return "" }
