// Copyright ©2026 The rgflow Authors. All rights reserved.

package h5io

// #include "shim.h"
import "C"

import (
	"errors"
	"fmt"
	"slices"
)

// NotAVariable begins the NAME attribute of a dimension scale that is a
// netCDF-4 dimension without a coordinate variable. netCDF-C writes it
// followed by the dimension's length in 10 columns ("%10d"); h5netcdf and
// xarray hide such datasets and show only the dimension.
const NotAVariable = "This is a netCDF dimension but not a netCDF variable."

// netCDF-4 readers (netCDF-C, h5netcdf and so xarray) see an HDF5 file
// through dimension scales: every axis of a dataset must have a scale
// attached, or none must; an axis's dimension is named after the attached
// scale's dataset (its last path component), and that name must resolve in
// the dataset's group or an ancestor. Here every labelled axis gets exactly
// one scale, the dataset <group>/<label> beside it, so that the netCDF
// dimension name is the HDF5 label and each group opens alone with its
// coordinates:
//
//   - the requested coordinate scale itself when it is <group>/<label>;
//   - otherwise, for an axis with a coordinate elsewhere (the lattice
//     coordinates /lattice/x1…, the shell scale /lattice/shells/khat2), a
//     copy of that coordinate made at <group>/<label> (attribute copy_of
//     names the source), shared by every dataset of the group that uses it;
//   - for an axis without a coordinate, a netCDF dimension without a
//     variable at <group>/<label> (see rg_create_dim), unlimited when the
//     axis is the growing leading axis of an extendible dataset (readers
//     take its length from the datasets attached to it) and of the axis's
//     fixed length otherwise.
//
// Datasets without labels (network parameters, checkpoint state) keep no
// scales: netCDF readers give them phony dimensions.

// axisPlan says how one labelled axis gets its scale.
type axisPlan struct {
	axis   int
	label  string
	path   string // <group>/<label>
	action int    // makeNone: attach path; makeDim, makeCopy: create it first
	src    string // makeCopy: the coordinate to copy
}

const (
	makeNone = iota
	makeDim
	makeCopy
)

// planAxes checks, before the dataset at p is created, that every labelled
// axis of s can have its netCDF dimension, and says how. It runs on the
// HDF5 goroutine.
func (f *File) planAxes(p string, s Spec) ([]axisPlan, error) {
	var plans []axisPlan
	g := parent(p)
	for axis, label := range s.Dims {
		if label == "" {
			continue
		}
		pl := axisPlan{axis: axis, label: label, path: g + "/" + label}
		if g == "/" {
			pl.path = "/" + label
		}
		var scale string
		if s.Scales != nil && s.Scales[axis] != "" {
			var err error
			if scale, err = cleanPath(s.Scales[axis]); err != nil {
				return nil, err
			}
		}
		growing := s.Extendible && axis == 0
		n := s.Shape[axis]
		ok, err := f.exists(pl.path)
		if err != nil {
			return nil, err
		}
		switch {
		case ok:
			err = f.checkExisting(p, axis, growing, n, pl.path, scale)
		case scale == "":
			pl.action = makeDim
		case scale == pl.path:
			err = fmt.Errorf("%w: dataset %s axis %d: scale %s does not exist (create it with CreateScale)", ErrNotFound, p, axis, scale)
		default:
			pl.action, pl.src = makeCopy, scale
			err = f.checkScale(p, axis, growing, n, scale, true)
		}
		if err != nil {
			return nil, err
		}
		plans = append(plans, pl)
	}
	return plans, nil
}

// applyAxes attaches the planned scales to the new dataset d.
func (f *File) applyAxes(d *Dataset, plans []axisPlan) error {
	for _, pl := range plans {
		switch pl.action {
		case makeDim:
			if err := f.createDim(d, pl.axis, pl.path); err != nil {
				return err
			}
			continue
		case makeCopy:
			if err := f.copyScale(pl.path, pl.label, pl.src); err != nil {
				return err
			}
		}
		if err := f.attachScale(d, pl.axis, pl.path); err != nil {
			return err
		}
	}
	return nil
}

// checkScale checks that the coordinate scale at sp can label axis of the
// dataset p (growing, or of length n): a 1-D dimension scale, of length n
// for a fixed axis; a scale to copy must be a fixed float64 one.
func (f *File) checkScale(p string, axis int, growing bool, n int64, sp string, copying bool) error {
	if ok, err := f.exists(sp); err != nil {
		return err
	} else if !ok || f.objType(sp) != 2 {
		return fmt.Errorf("%w: dataset %s axis %d: no scale %s", ErrNotFound, p, axis, sp)
	}
	id, err := f.openObj(sp)
	if err != nil {
		return err
	}
	defer C.rg_close(id)
	if C.rg_is_scale(id) <= 0 {
		return fmt.Errorf("h5io: dataset %s axis %d: %s is not a dimension scale (create it with CreateScale)", p, axis, sp)
	}
	var rank C.int
	var dims, maxd [32]C.hsize_t
	if C.rg_extent(id, &rank, &dims[0], &maxd[0]) < 0 || rank != 1 {
		return fmt.Errorf("%w: dataset %s axis %d: scale %s is not 1-D", ErrShape, p, axis, sp)
	}
	unlimited := maxd[0] == ^C.hsize_t(0)
	if copying {
		if unlimited {
			return fmt.Errorf("h5io: dataset %s axis %d: the growing scale %s is outside the dataset's group %s; a copy could not follow it: create the scale in that group", p, axis, sp, parent(p))
		}
		if C.rg_dataset_kind(id) != C.RG_F64 {
			return fmt.Errorf("%w: dataset %s axis %d: scale %s: h5io copies float64 scales only", ErrShape, p, axis, sp)
		}
	}
	if !growing && !unlimited && int64(dims[0]) != n {
		return fmt.Errorf("%w: dataset %s axis %d has %d elements, scale %s has %d", ErrShape, p, axis, n, sp, dims[0])
	}
	return nil
}

// checkExisting checks that the scale already at sp is what axis of the
// dataset p (growing, or of length n) needs: a dimension without a variable
// for an axis without coordinates (unlimited for a growing axis, of the
// axis's length otherwise), or a coordinate — the requested one, or a copy
// of it — for an axis with coordinates.
func (f *File) checkExisting(p string, axis int, growing bool, n int64, sp, scale string) error {
	if f.objType(sp) != 2 {
		return fmt.Errorf("h5io: dataset %s axis %d: %s, the netCDF dimension of its label, exists and is not a dataset: rename one of them", p, axis, sp)
	}
	// A length mismatch with a dimension without a variable is explained
	// below; other mismatches and non-scales end here.
	if err := f.checkScale(p, axis, growing, n, sp, false); err != nil && !(errors.Is(err, ErrShape) && f.isDimOnly(sp)) {
		if !errors.Is(err, ErrShape) {
			return fmt.Errorf("h5io: dataset %s axis %d: %s, the netCDF dimension of its label, exists and is not a dimension scale: rename one of them", p, axis, sp)
		}
		return err
	}
	id, err := f.openObj(sp)
	if err != nil {
		return err
	}
	defer C.rg_close(id)
	var rank C.int
	var dims, maxd [32]C.hsize_t
	if C.rg_extent(id, &rank, &dims[0], &maxd[0]) < 0 {
		return h5fail(nil, "extent of %s", sp)
	}
	unlimited := maxd[0] == ^C.hsize_t(0)
	if C.rg_is_dim_only(id) > 0 {
		switch {
		case scale != "":
			return fmt.Errorf("h5io: dataset %s axis %d: %s is a dimension without coordinates in this group, but the axis asks for the coordinates %s: give every axis with this label in the group the same coordinates", p, axis, sp, scale)
		case unlimited && !growing:
			return fmt.Errorf("%w: dataset %s axis %d has the fixed length %d, but the dimension %s of its label is unlimited (it serves a growing axis): label the two axes differently", ErrShape, p, axis, n, sp)
		case !unlimited && growing:
			return fmt.Errorf("%w: dataset %s axis %d grows, but the dimension %s of its label has the fixed length %d: label the two axes differently", ErrShape, p, axis, sp, dims[0])
		case !unlimited && int64(dims[0]) != n:
			return fmt.Errorf("%w: dataset %s axis %d has length %d, the dimension %s of its label has length %d: label the two axes differently", ErrShape, p, axis, n, sp, dims[0])
		}
		return nil
	}
	if scale == "" || scale == sp {
		return nil
	}
	var src string
	if f.hasAttr(sp, copyOfAttr) {
		if src, err = f.stringAttr(sp, copyOfAttr); err != nil {
			return err
		}
	}
	if src == scale {
		return nil
	}
	// A coordinate the writer made itself, or a copy of another one: it
	// must hold the same values.
	a, err := f.scaleValues(sp)
	if err != nil {
		return err
	}
	b, err := f.scaleValues(scale)
	if err != nil {
		return err
	}
	if !slices.Equal(a, b) {
		return fmt.Errorf("h5io: dataset %s axis %d: the coordinates %s of its label differ from the requested scale %s", p, axis, sp, scale)
	}
	return nil
}

// createDim creates the netCDF dimension without a variable at p for axis
// of d and attaches it.
func (f *File) createDim(d *Dataset, axis int, p string) error {
	growing := d.ext && axis == 0
	var n int64
	if !growing {
		n = d.shape[axis]
	}
	cp, free := cstr(p)
	defer free()
	unlimited := C.int(0)
	if growing {
		unlimited = 1
	}
	id := C.rg_create_dim(f.fid(), cp, C.hsize_t(n), unlimited)
	if id < 0 {
		return h5fail(nil, "dataset %s axis %d: create netCDF dimension %s", d.path, axis, p)
	}
	defer C.rg_close(id)
	return h5check(C.rg_attach_scale(d.id(), id, C.uint(axis)), "attach dimension %s to %s axis %d", p, d.path, axis)
}

// copyOfAttr names the source of a coordinate copied into a group.
const copyOfAttr = "copy_of"

func (f *File) hasAttr(p, name string) bool {
	id, err := f.openObj(p)
	if err != nil {
		return false
	}
	defer C.rg_close(id)
	cn, free := cstr(name)
	defer free()
	return C.rg_attr_exists(id, cn) > 0
}

// scaleValues reads the 1-D float64 coordinate scale at p.
func (f *File) scaleValues(p string) ([]float64, error) {
	s, err := f.openDataset(p)
	if err != nil {
		return nil, err
	}
	if s.dtype != Float64 || len(s.shape) != 1 {
		return nil, fmt.Errorf("%w: coordinate scale %s is %v%v; h5io copies 1-D float64 scales only", ErrShape, p, s.dtype, s.shape)
	}
	var v []float64
	return v, s.readSlab(&v, []int64{0}, s.shape)
}

// copyScale copies the fixed float64 coordinate scale src (checked by
// checkScale) to p, named label, with its units and description and the
// attribute copy_of = src.
func (f *File) copyScale(p, label, src string) error {
	v, err := f.scaleValues(src)
	if err != nil {
		return err
	}
	spec := Spec{Dtype: Float64, Shape: []int64{int64(len(v))}}
	for _, a := range []struct {
		name string
		dst  *string
	}{{"units", &spec.Units}, {UnitsText, &spec.Units}, {"description", &spec.Description}, {"long_name", &spec.LongName}} {
		if f.hasAttr(src, a.name) {
			if *a.dst, err = f.stringAttr(src, a.name); err != nil {
				return err
			}
		}
	}
	c, err := f.createDataset(p, spec)
	if err != nil {
		return err
	}
	if len(v) > 0 {
		if err := c.writeSlab(mk(Float64, v), []int64{0}, c.shape); err != nil {
			return err
		}
	}
	if err := f.setAttr(p, copyOfAttr, src); err != nil {
		return err
	}
	cn, free := cstr(label)
	defer free()
	return h5check(C.rg_set_scale(c.id(), cn), "make %s a dimension scale", p)
}

// isDimOnly reports whether the dataset at p is a netCDF dimension without
// a variable (it holds no data).
func (f *File) isDimOnly(p string) bool {
	id, err := f.openObj(p)
	if err != nil {
		return false
	}
	defer C.rg_close(id)
	return C.rg_is_dim_only(id) > 0
}
