// Copyright ©2026 The rgflow Authors. All rights reserved.

// Command h5bench times one round of HDF5 writes through internal/h5io, the
// Go side of make bench-h5 (scripts/bench-h5.sh runs it interleaved with
// scripts/bench_h5py.py and reports medians).
//
//	h5bench -mode raw|deflate -layout append|fixed -n 1000 -l 64 -o FILE
//
// It writes n float64 fields of l×l standard normal numbers, one chunk per
// field (deflate level 4 with -mode deflate), either appending to an
// extendible dataset (-layout append, what a run does) or into a dataset
// created at its final size (-layout fixed), and prints the seconds from
// file creation to close. The fields are drawn before the clock starts.
package main

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"time"

	"rgflow/internal/h5io"
)

func main() {
	mode := flag.String("mode", "raw", "raw or deflate")
	layout := flag.String("layout", "append", "append (extendible dataset) or fixed (preallocated)")
	n := flag.Int("n", 1000, "number of fields")
	l := flag.Int("l", 64, "field side")
	out := flag.String("o", "h5bench.h5", "output file (overwritten)")
	flag.Parse()
	secs, err := run(*mode, *layout, *n, *l, *out)
	if err != nil {
		fmt.Fprintln(os.Stderr, "h5bench:", err)
		os.Exit(1)
	}
	fmt.Printf("%.6f\n", secs)
}

func run(mode, layout string, n, l int, out string) (float64, error) {
	deflate := 0
	switch mode {
	case "raw":
	case "deflate":
		deflate = 4
	default:
		return 0, fmt.Errorf("-mode %q: allowed raw, deflate", mode)
	}
	rnd := rand.New(rand.NewPCG(1, 2))
	data := make([]float64, n*l*l)
	for i := range data {
		data[i] = rnd.NormFloat64()
	}
	L := int64(l)
	spec := h5io.Spec{Dtype: h5io.Float64, Shape: []int64{0, L, L}, Extendible: true, Chunk: []int64{1, L, L}, Deflate: deflate}
	if layout == "fixed" {
		spec.Shape[0], spec.Extendible = int64(n), false
	} else if layout != "append" {
		return 0, fmt.Errorf("-layout %q: allowed append, fixed", layout)
	}
	os.Remove(out)
	start := time.Now()
	f, err := h5io.Create(out, h5io.Meta{Experiment: "h5bench"}, h5io.CreateOptions{Overwrite: true})
	if err != nil {
		return 0, err
	}
	d, err := f.CreateDataset("/fields", spec)
	if err != nil {
		return 0, err
	}
	for i := 0; i < n; i++ {
		field := data[i*l*l : (i+1)*l*l]
		if layout == "fixed" {
			err = d.WriteAt(field, []int64{int64(i), 0, 0}, []int64{1, L, L})
		} else {
			err = d.Append(field)
		}
		if err != nil {
			return 0, err
		}
	}
	if err := f.Close(); err != nil {
		return 0, err
	}
	return time.Since(start).Seconds(), nil
}
