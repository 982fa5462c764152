// Copyright ©2026 The rgflow Authors. All rights reserved.

package h5io_test

import (
	"path/filepath"
	"testing"

	"rgflow/internal/h5io"
)

// SetLabel names the axes of a virtual dataset, which StackVirtual leaves
// unlabelled.
func TestSetLabelOnVirtual(t *testing.T) {
	dir := t.TempDir()
	src, err := h5io.Create(filepath.Join(dir, "a.h5"), h5io.Meta{Experiment: "t"}, h5io.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := src.Put("/x", h5io.Spec{Dtype: h5io.Float64, Shape: []int64{2}, Units: "1", Description: "x", Dims: []string{"shell"}}, []float64{1, 2}); err != nil {
		t.Fatal(err)
	}
	src.Close()
	f, err := h5io.Create(filepath.Join(dir, "m.h5"), h5io.Meta{Experiment: "t"}, h5io.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	d, err := f.StackVirtual("/x", h5io.Float64, []int64{2}, "/x", []string{"a.h5", "a.h5"})
	if err != nil {
		t.Fatal(err)
	}
	for axis, l := range []string{"task", "shell"} {
		if err := d.SetLabel(axis, l); err != nil {
			t.Fatal(err)
		}
		if got, err := d.Label(axis); err != nil || got != l {
			t.Errorf("axis %d: label %q, %v; want %q", axis, got, err, l)
		}
	}
	if err := d.SetLabel(2, "x"); err == nil {
		t.Error("axis 2 of a rank-2 dataset: want error")
	}
}

// SetDims gives a virtual dataset's axes their netCDF dimensions as Spec
// does at creation: a copy of a coordinate from another group, a dimension
// without a variable, one scale per axis.
func TestSetDimsOnVirtual(t *testing.T) {
	dir := t.TempDir()
	src, err := h5io.Create(filepath.Join(dir, "a.h5"), h5io.Meta{Experiment: "t"}, h5io.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := src.Put("/g/x", h5io.Spec{Dtype: h5io.Float64, Shape: []int64{2}, Units: "1", Description: "x", Dims: []string{"shell"}}, []float64{1, 2}); err != nil {
		t.Fatal(err)
	}
	src.Close()
	f, err := h5io.Create(filepath.Join(dir, "m.h5"), h5io.Meta{Experiment: "t"}, h5io.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := f.CreateScale("/s/task", "task", []float64{0, 1, 2}, "1", "task"); err != nil {
		t.Fatal(err)
	}
	d, err := f.StackVirtual("/g/x", h5io.Float64, []int64{2}, "/g/x", []string{"a.h5", "a.h5", "a.h5"})
	if err != nil {
		t.Fatal(err)
	}
	if err := d.SetDims([]string{"task", ""}, nil); err == nil {
		t.Error("an unlabelled axis: want error")
	}
	if err := d.SetDims([]string{"task", "shell"}, []string{"/s/task", ""}); err != nil {
		t.Fatal(err)
	}
	for axis, want := range []string{"/g/task", "/g/shell"} {
		l, _ := d.Label(axis)
		sc, err := d.Scale(axis)
		if err != nil || sc != want || l != want[3:] {
			t.Errorf("axis %d: label %q, scale %q (%v); want %s", axis, l, sc, err, want)
		}
		s, _ := f.OpenDataset(want)
		if s == nil || !s.IsScale() {
			t.Errorf("%s is not a dimension scale", want)
		}
	}
	if d.IsScale() {
		t.Error("the virtual dataset is a scale")
	}
	var task []float64
	c, _ := f.OpenDataset("/g/task")
	if _, err := c.Read(&task); err != nil || len(task) != 3 || task[2] != 2 {
		t.Errorf("/g/task = %v, %v; want the copy of /s/task", task, err)
	}
}
