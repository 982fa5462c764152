// Copyright ©2026 The rgflow Authors. All rights reserved.

package h5io_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"rgflow/internal/h5io"
)

// Every chunked dataset carries Fletcher-32 checksums, on each write path
// (direct deflated chunks, deflate skipped for incompressible rows, HDF5's
// own pipeline); they read back through HDF5, which checks them, and h5py.
// A damaged chunk makes Resume fail with ErrDamaged naming the dataset, and
// a read fail with an error, never a crash or wrong numbers.
func TestChecksums(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sum.h5")
	f, err := h5io.Create(path, h5io.Meta{Experiment: "test"}, h5io.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	marker := func(i, j int) float64 { return 1234.5 + float64(i)*1e-3 + float64(j)*1e-6 }
	rows := map[string][][]float64{}
	for _, c := range []struct {
		path    string
		deflate int
		row     func(i int) []float64
	}{
		{"/smooth", 4, func(i int) []float64 { return []float64{float64(i), float64(i), float64(i), float64(i), 0, 0, 0, 0} }},
		{"/noise", 4, func(int) []float64 {
			r := make([]float64, 8)
			for j := range r {
				r[j] = math.Float64frombits(rng.Uint64() >> 2) // incompressible: deflate skipped
			}
			return r
		}},
		{"/raw", 0, func(i int) []float64 {
			r := make([]float64, 8)
			for j := range r {
				r[j] = marker(i, j)
			}
			return r
		}},
	} {
		d, err := f.CreateDataset(c.path, h5io.Spec{Dtype: h5io.Float64, Shape: []int64{0, 8}, Extendible: true, Deflate: c.deflate})
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 5; i++ {
			r := c.row(i)
			rows[c.path] = append(rows[c.path], r)
			if err := d.Append(r); err != nil {
				t.Fatal(err)
			}
		}
	}
	// Datasets without chunks have no checksums and pass Verify.
	if _, err := f.Put("/scalar", h5io.Spec{Dtype: h5io.Int64, Shape: []int64{}}, []int64{7}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Put("/contiguous", h5io.Spec{Dtype: h5io.Float64, Shape: []int64{3}}, []float64{1, 2, 3}); err != nil {
		t.Fatal(err)
	}
	if err := f.SetStatus(h5io.StatusInterrupted); err != nil {
		t.Fatal(err)
	}
	f.Close()

	read := func(p string) ([]float64, error) {
		r, err := h5io.Open(path)
		if err != nil {
			return nil, err
		}
		defer r.Close()
		d, err := r.OpenDataset(p)
		if err != nil {
			return nil, err
		}
		var v []float64
		_, err = d.Read(&v)
		return v, err
	}
	for p, want := range rows {
		got, err := read(p)
		if err != nil || !slices.Equal(got, slices.Concat(want...)) {
			t.Errorf("%s: read back %v, %v", p, got, err)
		}
	}
	if err := exec.Command(python(), "-c", "import h5py").Run(); err == nil {
		out, err := exec.Command(python(), "-c", `
import sys, h5py
with h5py.File(sys.argv[1], "r") as f:
    for k in ("smooth", "noise", "raw"):
        assert f[k].fletcher32, k
        f[k][()]
`, path).CombinedOutput()
		if err != nil {
			t.Errorf("h5py: %v\n%s", err, out)
		}
	}
	g, err := h5io.Resume(path)
	if err != nil {
		t.Fatalf("resume of an undamaged file: %v", err)
	}
	g.Close()

	// Damage one byte of the third row of /raw.
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var needle [8]byte
	binary.LittleEndian.PutUint64(needle[:], math.Float64bits(marker(2, 3)))
	at := bytes.Index(b, needle[:])
	if at < 0 {
		t.Fatal("row 2 of /raw not found in the file")
	}
	b[at+3] ^= 0x10
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = h5io.Resume(path)
	if !errors.Is(err, h5io.ErrDamaged) || !strings.Contains(err.Error(), "/raw at [2 0]") {
		t.Errorf("resume of a damaged file: %v", err)
	}
	if _, err := read("/raw"); err == nil {
		t.Error("reading the damaged dataset succeeded")
	}
	if got, err := read("/noise"); err != nil || !slices.Equal(got, slices.Concat(rows["/noise"]...)) {
		t.Errorf("an undamaged dataset of the damaged file: %v", err)
	}
}

func python() string {
	if p := os.Getenv("PYTHON"); p != "" {
		return p
	}
	return "/usr/bin/python3"
}
