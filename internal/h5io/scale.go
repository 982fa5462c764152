// Copyright ©2026 The rgflow Authors. All rights reserved.

package h5io

// #include "shim.h"
import "C"

import (
	"fmt"
	"path/filepath"
)

// CreateScale creates a 1-D float64 dataset at path holding values and
// makes it an HDF5 dimension scale named name (H5DSset_scale), so that h5py
// (ds.dims[i][0]), xarray and netCDF readers show it as the coordinate of
// the axes it is attached to (Spec.Scales).
func (f *File) CreateScale(path, name string, values []float64, units, description string) error {
	_, err := f.createScale(path, name, Spec{
		Dtype: Float64, Shape: []int64{int64(len(values))}, Units: units, Description: description,
	}, values)
	return err
}

// CreateExtendibleScale creates an empty extendible 1-D float64 dimension
// scale (for a growing axis such as flow time); Append to it alongside the
// datasets it labels.
func (f *File) CreateExtendibleScale(path, name, units, description string) (*Dataset, error) {
	return f.createScale(path, name, Spec{
		Dtype: Float64, Shape: []int64{0}, Extendible: true, Chunk: []int64{512}, Units: units, Description: description,
	}, nil)
}

func (f *File) createScale(path, name string, s Spec, values []float64) (*Dataset, error) {
	d, err := f.CreateDataset(path, s)
	if err != nil {
		return nil, err
	}
	if values != nil && len(values) > 0 {
		if err := d.Write(values); err != nil {
			return nil, err
		}
	}
	err = f.call(func() error {
		if C.rg_is_scale(d.id()) > 0 {
			return nil // reopened on resume
		}
		cn, free := cstr(name)
		defer free()
		return h5check(C.rg_set_scale(d.id(), cn), "make %s a dimension scale", d.path)
	})
	return d, err
}

func (f *File) attachScale(d *Dataset, axis int, scalePath string) error {
	p, err := cleanPath(scalePath)
	if err != nil {
		return err
	}
	s, err := f.openDataset(p)
	if err != nil {
		return fmt.Errorf("h5io: dataset %s axis %d: scale %s: %w", d.path, axis, p, err)
	}
	if C.rg_is_scale(s.id()) <= 0 {
		return fmt.Errorf("h5io: dataset %s axis %d: %s is not a dimension scale (create it with CreateScale)", d.path, axis, p)
	}
	if len(s.shape) != 1 {
		return fmt.Errorf("%w: dataset %s axis %d: scale %s has shape %v, want 1-D", ErrShape, d.path, axis, p, s.shape)
	}
	if !(d.ext && axis == 0) && s.shape[0] != d.shape[axis] {
		return fmt.Errorf("%w: dataset %s axis %d has %d elements, scale %s has %d", ErrShape, d.path, axis, d.shape[axis], p, s.shape[0])
	}
	return h5check(C.rg_attach_scale(d.id(), s.id(), C.uint(axis)), "attach scale %s to %s axis %d", p, d.path, axis)
}

// AttachScale attaches the dimension scale at scalePath to axis of d.
func (d *Dataset) AttachScale(axis int, scalePath string) error {
	return d.file.call(func() error { return d.file.attachScale(d, axis, scalePath) })
}

// Label returns the dimension label of axis ("" if none).
func (d *Dataset) Label(axis int) (string, error) {
	var s string
	err := d.file.call(func() error {
		if axis < 0 || axis >= len(d.shape) {
			return fmt.Errorf("h5io: %s: axis %d out of range for rank %d", d.path, axis, len(d.shape))
		}
		var buf [256]C.char
		if C.rg_label(d.id(), C.uint(axis), &buf[0], C.size_t(len(buf))) < 0 {
			return h5fail(nil, "label of %s axis %d", d.path, axis)
		}
		s = C.GoString(&buf[0])
		return nil
	})
	return s, err
}

// Scale returns the path of the dimension scale attached to axis ("" if
// none; of several, the last attached, which netCDF readers take).
func (d *Dataset) Scale(axis int) (string, error) {
	var s string
	err := d.file.call(func() error {
		if axis < 0 || axis >= len(d.shape) {
			return fmt.Errorf("h5io: %s: axis %d out of range for rank %d", d.path, axis, len(d.shape))
		}
		var buf [1024]C.char
		n := C.rg_scale_path(d.id(), C.uint(axis), &buf[0], C.size_t(len(buf)))
		if n < 0 {
			return h5fail(nil, "scale of %s axis %d", d.path, axis)
		}
		s = C.GoString(&buf[0])
		return nil
	})
	return s, err
}

// ExternalLink creates a link at path in f to the object obj of the file
// target. A relative target is resolved by HDF5 relative to the directory
// of f (and then the working directory).
func (f *File) ExternalLink(path, target, obj string) error {
	p, err := cleanPath(path)
	if err != nil {
		return err
	}
	return f.call(func() error {
		if err := f.ensureGroup(parent(p)); err != nil {
			return err
		}
		cp, f1 := cstr(p)
		defer f1()
		ct, f2 := cstr(target)
		defer f2()
		co, f3 := cstr(obj)
		defer f3()
		return h5check(C.rg_external_link(f.fid(), cp, ct, co), "external link %s -> %s:%s", p, target, obj)
	})
}

// StackVirtual creates at path a virtual dataset (HDF5 VDS) that stacks the
// dataset src of every file in sources along a new leading axis "task":
// slab i of the result is src of sources[i]. Every source must have the
// element type t and the shape shape; a source that is missing when the VDS
// is read shows as the fill value (NaN for floats). Sources are recorded as
// given; give paths relative to the directory of f (as the Slurm merge step
// does, with the per-task files beside the merged one) so the set can be
// moved as a whole.
func (f *File) StackVirtual(path string, t Dtype, shape []int64, src string, sources []string) (*Dataset, error) {
	p, err := cleanPath(path)
	if err != nil {
		return nil, err
	}
	if len(sources) == 0 {
		return nil, fmt.Errorf("h5io: virtual dataset %s: no source files", p)
	}
	if _, err := cleanPath(src); err != nil {
		return nil, err
	}
	var d *Dataset
	err = f.call(func() error {
		if err := f.ensureGroup(parent(p)); err != nil {
			return err
		}
		cfiles := make([]*C.char, len(sources))
		for i, s := range sources {
			cfiles[i] = C.CString(filepath.ToSlash(s))
		}
		defer func() {
			for _, c := range cfiles {
				C.free(unsafePointer(c))
			}
		}()
		// The array of C strings must live in C memory: it holds pointers.
		arr := (*[1 << 28]*C.char)(C.malloc(C.size_t(len(cfiles)) * C.size_t(ptrSize)))[:len(cfiles):len(cfiles)]
		defer C.free(unsafePointer(&arr[0]))
		copy(arr, cfiles)
		vdims := hsize(append([]int64{int64(len(sources))}, shape...))
		sdims := hsize(shape)
		cp, f1 := cstr(p)
		defer f1()
		cs, f2 := cstr(src)
		defer f2()
		id := C.rg_create_vds(f.fid(), cp, C.int(t), C.int(len(vdims)), hptr(vdims), C.int(len(sources)),
			&arr[0], cs, C.int(len(sdims)), hptr(sdims))
		if id < 0 {
			return h5fail(nil, "create virtual dataset %s over %d files", p, len(sources))
		}
		C.rg_close(id)
		d, err = f.openDataset(p)
		if err != nil {
			return err
		}
		return nil
	})
	return d, err
}
