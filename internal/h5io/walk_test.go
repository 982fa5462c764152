// Copyright ©2026 The rgflow Authors. All rights reserved.

package h5io_test

import (
	"path/filepath"
	"slices"
	"testing"

	"rgflow/internal/h5io"
)

// TestObjectsAndAttrNames lists what a file holds: every group and dataset
// once (the root first, a netCDF dimension flagged), and every attribute
// of an object, names with spaces and colons included.
func TestObjectsAndAttrNames(t *testing.T) {
	path := filepath.Join(t.TempDir(), "walk.h5")
	f, err := h5io.Create(path, h5io.Meta{Experiment: "test", Config: "x: 1\n", Seed: 3}, h5io.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.CreateGroup("/g/h", map[string]any{"b: with space": 1.0, "a": "x"}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Put("/g/v", h5io.Spec{Dtype: h5io.Float64, Shape: []int64{3}, Dims: []string{"n"}, Units: "1", Description: "v"}, []float64{1, 2, 3}); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	f, err = h5io.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	objs, err := f.Objects()
	if err != nil {
		t.Fatal(err)
	}
	want := []h5io.Object{{Path: "/", Group: true}, {Path: "/g", Group: true}, {Path: "/g/h", Group: true}, {Path: "/g/n", DimOnly: true}, {Path: "/g/v"}}
	if !slices.Equal(objs, want) {
		t.Errorf("Objects() = %+v, want %+v", objs, want)
	}
	names, err := f.AttrNames("/g/h")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(names, []string{"a", "b: with space"}) {
		t.Errorf("AttrNames(/g/h) = %q", names)
	}
	if names, err := f.AttrNames("/g"); err != nil || len(names) != 0 {
		t.Errorf("AttrNames(/g) = %q, %v; want none", names, err)
	}
	root, err := f.AttrNames("/")
	if err != nil || !slices.Contains(root, "schema_version") || !slices.Contains(root, "status") {
		t.Errorf("AttrNames(/) = %q, %v", root, err)
	}
	if _, err := f.AttrNames("/nothing"); err == nil {
		t.Error("AttrNames of a missing object: no error")
	}
}
