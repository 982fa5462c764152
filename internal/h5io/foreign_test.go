// Copyright ©2026 The rgflow Authors. All rights reserved.

package h5io_test

import (
	"errors"
	"slices"
	"testing"

	"gonum.org/v1/hdf5"

	"rgflow/internal/h5io"
)

// TestOpenForeignElementType: a dataset of an element type h5io does not
// read (16-bit integers, written here by libhdf5 directly into an h5io
// file) is refused with ErrShape when opened, not opened with a zero type.
func TestOpenForeignElementType(t *testing.T) {
	f, path := mustCreate(t, h5io.Meta{})
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	raw, err := hdf5.OpenFile(path, hdf5.F_ACC_RDWR)
	if err != nil {
		t.Fatal(err)
	}
	space, err := hdf5.CreateSimpleDataspace([]uint{4}, nil)
	if err != nil {
		t.Fatal(err)
	}
	d, err := raw.CreateDataset("short", hdf5.T_NATIVE_INT16, space)
	if err != nil {
		t.Fatal(err)
	}
	d.Close()
	space.Close()
	if err := raw.Close(); err != nil {
		t.Fatal(err)
	}
	g, err := h5io.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	if _, err := g.OpenDataset("/short"); !errors.Is(err, h5io.ErrShape) {
		t.Errorf("int16 dataset: error %v, want ErrShape", err)
	}
}

// TestWriteAtChecksTheBuffer: on an extendible compressed dataset (rows
// written as whole compressed chunks) WriteAt of whole rows with a buffer
// longer than the selection, or of another element type, panics as on any
// other dataset instead of writing; the right buffer, and a slab of part
// of a row, are written and read back.
func TestWriteAtChecksTheBuffer(t *testing.T) {
	f, _ := mustCreate(t, h5io.Meta{})
	defer f.Close()
	d, err := f.CreateDataset("/x", h5io.Spec{Dtype: h5io.Float64, Shape: []int64{0, 3}, Extendible: true, Deflate: 4})
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Append(make([]float64, 6)); err != nil {
		t.Fatal(err)
	}
	func() {
		defer func() {
			if recover() == nil {
				t.Error("WriteAt with 7 values for 2 rows of 3: want panic")
			}
		}()
		d.WriteAt([]float64{1, 2, 3, 4, 5, 6, 7}, []int64{0, 0}, []int64{2, 3})
	}()
	func() {
		defer func() {
			if recover() == nil {
				t.Error("WriteAt with float32 values into a float64 dataset: want panic")
			}
		}()
		d.WriteAt([]float32{1, 2, 3, 4, 5, 6}, []int64{0, 0}, []int64{2, 3})
	}()
	want := []float64{1, 2, 3, 4, 5, 6}
	if err := d.WriteAt(want, []int64{0, 0}, []int64{2, 3}); err != nil {
		t.Fatal(err)
	}
	// A slab that is not whole rows (row 1, columns 0…1) goes through
	// libhdf5's own hyperslab write.
	if err := d.WriteAt([]float64{8, 9}, []int64{1, 0}, []int64{1, 2}); err != nil {
		t.Fatal(err)
	}
	want = []float64{1, 2, 3, 8, 9, 6}
	var got []float64
	if _, err := d.Read(&got); err != nil || !slices.Equal(got, want) {
		t.Errorf("read back %v, %v; want %v", got, err, want)
	}
}
