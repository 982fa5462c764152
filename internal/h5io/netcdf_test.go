// Copyright ©2026 The rgflow Authors. All rights reserved.

package h5io_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"rgflow/internal/h5io"
)

// netCDF-C's NAME of a dimension without a variable: DIM_WITHOUT_VARIABLE
// followed by the length printed with "%10d" (libhdf5/nc4hdf.c).
const (
	notAVar0 = "This is a netCDF dimension but not a netCDF variable.         0"
	notAVar3 = "This is a netCDF dimension but not a netCDF variable.         3"
)

// Every labelled axis gets exactly one scale, <group>/<label>: the
// requested coordinate when it is there already, a copy of it otherwise,
// and a netCDF dimension without a variable for an axis without one.
func TestNetCDFDimensions(t *testing.T) {
	f, _ := mustCreate(t, h5io.Meta{Experiment: "t"})
	defer f.Close()
	if err := f.WriteLattice([]int{4, 2}, "periodic"); err != nil {
		t.Fatal(err)
	}
	shells := []float64{0, 2, 4}
	if err := f.CreateScale("/lattice/shells/khat2", "shell", shells, "lattice units^-2", "k̂² of each shell"); err != nil {
		t.Fatal(err)
	}
	fields, err := f.CreateDataset("/e/fields", h5io.FieldSpec("sample", []int{4, 2}, "lattice units", "fields"))
	if err != nil {
		t.Fatal(err)
	}
	put := func(path string, s h5io.Spec, v []float64) *h5io.Dataset {
		t.Helper()
		d, err := f.Put(path, s, v)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	spec := put("/e/spectrum", h5io.Spec{Dims: []string{"shell"}, Scales: []string{"/lattice/shells/khat2"}}, []float64{1, 2, 3})
	corr := put("/e/corr", h5io.Spec{Dims: []string{"r"}}, []float64{1, 0.5, 0.25})
	corr2 := put("/e/corr_error", h5io.Spec{Dims: []string{"r"}}, []float64{0.1, 0.1, 0.1})
	obs := put("/e/obs/m", h5io.Spec{Dims: []string{"sample"}}, []float64{0.5, -0.5, 1})
	kh, err := f.OpenDataset("/lattice/khat2")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		d    *h5io.Dataset
		want []string
	}{
		{fields, []string{"/e/sample", "/e/x1", "/e/x2"}},
		{spec, []string{"/e/shell"}},
		{corr, []string{"/e/r"}},
		{corr2, []string{"/e/r"}},
		{obs, []string{"/e/obs/sample"}},
		{kh, []string{"/lattice/k1", "/lattice/k2"}}, // the coordinates are in the group already
	} {
		for ax, w := range c.want {
			if got, err := c.d.Scale(ax); err != nil || got != w {
				t.Errorf("%s axis %d: scale %q, %v; want %q", c.d.Path(), ax, got, err, w)
			}
		}
	}
	for p, want := range map[string]string{"/e/sample": notAVar0, "/e/r": notAVar3, "/e/obs/sample": notAVar3, "/e/x1": "x1", "/e/shell": "shell"} {
		var name string
		if err := f.Attr(p, "NAME", &name); err != nil || name != want {
			t.Errorf("%s: NAME %q, %v; want %q", p, name, err, want)
		}
	}
	for p, want := range map[string][]int64{"/e/sample": {0}, "/e/r": {3}, "/e/obs/sample": {3}} {
		d, err := f.OpenDataset(p)
		if err != nil {
			t.Fatal(err)
		}
		if err := d.Expect(h5io.Float32, want...); err != nil {
			t.Errorf("dimension %s: %v", p, err)
		}
	}
	// The copies hold the source's values, units and name it.
	for src, dst := range map[string]string{"/lattice/x2": "/e/x2", "/lattice/shells/khat2": "/e/shell"} {
		var a, b []float64
		var units, from string
		for _, r := range []struct {
			p string
			v *[]float64
		}{{src, &a}, {dst, &b}} {
			d, err := f.OpenDataset(r.p)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := d.Read(r.v); err != nil {
				t.Fatal(err)
			}
		}
		f.Attr(dst, "units", &units)
		f.Attr(dst, "copy_of", &from)
		var want string
		f.Attr(src, "units", &want)
		if !slices.Equal(a, b) || units != want || from != src {
			t.Errorf("copy %s of %s: values %v vs %v, units %q vs %q, copy_of %q", dst, src, b, a, units, want, from)
		}
	}
	// Datasets lists data, not the dimensions that only name axes.
	all, err := f.Datasets()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"/e/sample", "/e/r", "/e/obs/sample"} {
		if slices.Contains(all, p) {
			t.Errorf("Datasets lists the dimension %s", p)
		}
	}
	for _, p := range []string{"/e/fields", "/e/x1", "/e/shell", "/lattice/x1"} {
		if !slices.Contains(all, p) {
			t.Errorf("Datasets lacks %s", p)
		}
	}
	// The growing axis keeps growing with its dimension shared.
	if err := fields.Append(make([]float64, 2*4*2)); err != nil {
		t.Fatal(err)
	}
	if n := fields.Len(); n != 2 {
		t.Errorf("fields: %d rows after appending 2", n)
	}
}

// Two axes that one label cannot serve are an error naming both, before
// anything a netCDF reader would misread reaches the file.
func TestNetCDFConflicts(t *testing.T) {
	f, _ := mustCreate(t, h5io.Meta{Experiment: "t"})
	defer f.Close()
	if err := f.WriteLattice([]int{4, 2}, "periodic"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.CreateExtendibleScale("/h/t", "t", "1", "flow time"); err != nil {
		t.Fatal(err)
	}
	fixed := func(n int64, dims ...string) h5io.Spec {
		return h5io.Spec{Dtype: h5io.Float64, Shape: []int64{n}, Dims: dims}
	}
	growing := func(dims ...string) h5io.Spec {
		return h5io.Spec{Dtype: h5io.Float64, Shape: []int64{0}, Extendible: true, Dims: dims}
	}
	withScale := func(s h5io.Spec, sc string) h5io.Spec { s.Scales = []string{sc}; return s }
	for _, c := range []struct {
		name       string
		first      string
		firstSpec  h5io.Spec
		second     string
		secondSpec h5io.Spec
		want       string
		shape      bool // the error wraps ErrShape
	}{
		{"mixed labels", "", h5io.Spec{}, "/a/x", h5io.Spec{Dtype: h5io.Float64, Shape: []int64{2, 2}, Dims: []string{"sample", ""}}, "label every axis or none", false},
		{"slash in label", "", h5io.Spec{}, "/a/y", fixed(2, "a/b"), "cannot contain /", false},
		{"label is the dataset", "", h5io.Spec{}, "/a/t", fixed(2, "t"), "the dataset's own name", false},
		{"repeated label", "", h5io.Spec{}, "/a/m", h5io.Spec{Dtype: h5io.Float64, Shape: []int64{2, 2}, Dims: []string{"k", "k"}}, "repeats", false},
		{"two lengths", "/b/x", fixed(3, "r"), "/b/y", fixed(4, "r"), "has length 4, the dimension /b/r of its label has length 3", true},
		{"growing then fixed", "/c/x", growing("sample"), "/c/y", fixed(3, "sample"), "is unlimited", true},
		{"fixed then growing", "/d/x", fixed(3, "sample"), "/d/y", growing("sample"), "fixed length 3", true},
		{"coordinates and none", "/e/x", fixed(4, "x1"), "/e/y", withScale(fixed(4, "x1"), "/lattice/x1"), "without coordinates", false},
		{"other coordinates", "/g/x", withScale(fixed(4, "x1"), "/lattice/x1"), "/g/y", withScale(fixed(4, "x1"), "/lattice/k1"), "differ from the requested scale /lattice/k1", false},
		{"growing scale elsewhere", "", h5io.Spec{}, "/i/x", withScale(growing("t"), "/h/t"), "growing scale /h/t is outside", false},
	} {
		if c.first != "" {
			if _, err := f.CreateDataset(c.first, c.firstSpec); err != nil {
				t.Fatalf("%s: %s: %v", c.name, c.first, err)
			}
		}
		_, err := f.CreateDataset(c.second, c.secondSpec)
		if err == nil || !strings.Contains(err.Error(), c.want) || c.shape != errors.Is(err, h5io.ErrShape) {
			t.Errorf("%s: %v; want an error mentioning %q (ErrShape %t)", c.name, err, c.want, c.shape)
		}
		if ok, _ := f.Exists(c.second); ok {
			t.Errorf("%s: the refused dataset %s was left in the file", c.name, c.second)
		}
	}
	// The same coordinate, asked for again, is shared.
	if _, err := f.CreateDataset("/g/z", withScale(fixed(4, "x1"), "/lattice/x1")); err != nil {
		t.Errorf("second user of /g/x1: %v", err)
	}
}
