// Copyright ©2026 The rgflow Authors. All rights reserved.

package h5io

// #include "shim.h"
import "C"

import (
	"fmt"
	"slices"
)

// SetLabel sets the dimension label of axis of d (h5py: ds.dims[axis].label),
// for datasets made without Spec.Dims, such as the virtual datasets of
// StackVirtual.
func (d *Dataset) SetLabel(axis int, label string) error {
	return d.file.call(func() error {
		if !d.file.writable {
			return fmt.Errorf("h5io: label %s axis %d: %s is open read-only", d.path, axis, d.file.path)
		}
		if axis < 0 || axis >= len(d.shape) {
			return fmt.Errorf("h5io: %s: axis %d out of range for rank %d", d.path, axis, len(d.shape))
		}
		cl, free := cstr(label)
		defer free()
		return h5check(C.rg_set_label(d.id(), C.uint(axis), cl), "label %s axis %d", d.path, axis)
	})
}

// SetDims labels every axis of d and gives each its netCDF dimension, as
// Spec.Dims and Spec.Scales do when a dataset is created (see netcdf.go):
// for datasets made without a Spec, such as the virtual datasets of
// StackVirtual. dims must label every axis; scales may be nil or name a
// coordinate scale per axis ("" for none). The checks run before anything
// is written.
func (d *Dataset) SetDims(dims, scales []string) error {
	return d.file.call(func() error {
		f := d.file
		if !f.writable {
			return fmt.Errorf("h5io: label %s: %s is open read-only", d.path, f.path)
		}
		s := Spec{Dtype: d.dtype, Shape: d.shape, Extendible: d.ext, Dims: dims, Scales: scales}
		if len(dims) != len(d.shape) {
			return fmt.Errorf("h5io: dataset %s: %d dimension labels for rank %d", d.path, len(dims), len(d.shape))
		}
		if slices.Contains(dims, "") {
			return fmt.Errorf("h5io: dataset %s: labels %q: label every axis", d.path, dims)
		}
		if err := s.check(d.path); err != nil {
			return err
		}
		plans, err := f.planAxes(d.path, s)
		if err != nil {
			return err
		}
		for i, l := range dims {
			cl, free := cstr(l)
			rc := C.rg_set_label(d.id(), C.uint(i), cl)
			free()
			if err := h5check(rc, "dataset %s: label axis %d %q", d.path, i, l); err != nil {
				return err
			}
		}
		return f.applyAxes(d, plans)
	})
}

// IsScale reports whether d is an HDF5 dimension scale: a coordinate
// (CreateScale, or a copy made for a labelled axis) or a netCDF dimension
// without a variable.
func (d *Dataset) IsScale() bool {
	var ok bool
	d.file.call(func() error { ok = C.rg_is_scale(d.id()) > 0; return nil })
	return ok
}
