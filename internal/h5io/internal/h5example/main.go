// Copyright ©2026 The rgflow Authors. All rights reserved.

// Command h5example writes the h5io example file (see package h5iotest) and,
// with -vds, a virtual dataset over copies of it, for the checks in
// scripts/checks that read them with h5py and h5dump.
//
//	go run ./internal/h5io/internal/h5example -o DIR
//
// writes DIR/example.h5 (and example.xmf, example.xmf.h5), DIR/task0.h5 … DIR/task2.h5 and
// DIR/merged.h5 holding /ensemble/free/fields of the three tasks stacked
// along a leading task axis, plus an external link to task 1's lattice.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"rgflow/internal/h5io/h5iotest"
)

func main() {
	dir := flag.String("o", ".", "output directory")
	flag.Parse()
	if err := run(*dir); err != nil {
		fmt.Fprintln(os.Stderr, "h5example:", err)
		os.Exit(1)
	}
}

func run(dir string) error {
	if err := h5iotest.Write(filepath.Join(dir, "example.h5")); err != nil {
		return err
	}
	return h5iotest.WriteMerged(dir, 3)
}
