// Copyright ©2026 The rgflow Authors. All rights reserved.

//go:build !fftw || !cgo

package main

import "errors"

// Without the fftw build tag the harness builds (so that go build ./...
// and go vet ./... need no FFTW headers) but has no FFTW column.

const haveFFTW = false

type fftwCase struct{}

func newFFTW(kind string, dims []int) (*fftwCase, error) {
	return nil, errors.New("built without FFTW: use go run -tags fftw (make bench-fft)")
}

func (c *fftwCase) input() []float64  { return nil }
func (c *fftwCase) output() []float64 { return nil }
func (c *fftwCase) run(n int)         {}
func (c *fftwCase) close()            {}
func fftwVersion() string             { return "" }
