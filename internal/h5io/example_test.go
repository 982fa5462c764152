// Copyright ©2026 The rgflow Authors. All rights reserved.

package h5io_test

import (
	"fmt"
	"log"
	"os"
	"path/filepath"

	"rgflow/internal/h5io"
)

// An experiment creates its file, appends samples to an extendible dataset
// with named axes, checkpoints, and marks the file complete; a reader
// checks the schema and reads the samples back.
func Example() {
	dir, _ := os.MkdirTemp("", "h5io-example")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "run.h5")

	f, err := h5io.Create(path, h5io.Meta{Experiment: "example", Config: "samples: 3\n", Seed: 7}, h5io.CreateOptions{})
	if err != nil {
		log.Fatal(err)
	}
	fields, err := f.CreateDataset("/ensemble/free/fields", h5io.Spec{
		Dtype: h5io.Float64, Shape: []int64{0, 2, 2}, Extendible: true,
		Units: "lattice units", Description: "field configurations", Dims: []string{"sample", "x1", "x2"},
	})
	if err != nil {
		log.Fatal(err)
	}
	for n := 0; n < 3; n++ {
		phi := []float64{float64(n), 1, 2, 3}
		if err := fields.Append(phi); err != nil {
			log.Fatal(err)
		}
	}
	if err := f.SaveCheckpoint(h5io.Checkpoint{Step: 3, Ints: map[string][]int64{"next": {3}}}); err != nil {
		log.Fatal(err)
	}
	if err := f.SetStatus(h5io.StatusComplete); err != nil {
		log.Fatal(err)
	}
	if err := f.Close(); err != nil {
		log.Fatal(err)
	}

	r, err := h5io.Open(path)
	if err != nil {
		log.Fatal(err)
	}
	defer r.Close()
	info, _ := r.Info()
	d, _ := r.OpenDataset("/ensemble/free/fields")
	var phi []float64
	shape, _ := d.Read(&phi)
	label, _ := d.Label(0)
	fmt.Println(info.Status, info.SchemaVersion, info.Seed)
	fmt.Println(shape, label, phi[8:])
	// Output:
	// complete 1 7
	// [3 2 2] sample [2 1 2 3]
}
