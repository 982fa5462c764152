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
