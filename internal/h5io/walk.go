// Copyright ©2026 The rgflow Authors. All rights reserved.

package h5io

// #include "shim.h"
import "C"

import (
	"strings"
	"unsafe"
)

// Object is one group or dataset of a file, as Objects lists it.
type Object struct {
	Path    string // absolute path; the root is "/"
	Group   bool   // a group (else a dataset)
	DimOnly bool   // a netCDF dimension without a variable (see netcdf.go)
}

// Objects lists every group and dataset of the file, the root first, in
// HDF5's name order: what a reader walking the file (h5py's visititems)
// meets. It serves the checks of the layout against docs/hdf5-schema.md.
func (f *File) Objects() ([]Object, error) {
	var out []Object
	err := f.call(func() error {
		var n C.size_t
		s := C.rg_list_objects(f.fid(), &n)
		if s == nil {
			return h5fail(nil, "list objects of %s", f.path)
		}
		defer C.free(unsafe.Pointer(s))
		for _, l := range strings.Split(C.GoStringN(s, C.int(n)), "\n") {
			kind, name, ok := strings.Cut(l, "\t")
			if !ok {
				continue
			}
			p := "/" + name
			if name == "." {
				p = "/"
			}
			o := Object{Path: p, Group: kind == "G"}
			if !o.Group {
				o.DimOnly = f.isDimOnly(p)
			}
			out = append(out, o)
		}
		return nil
	})
	return out, err
}

// AttrNames lists the names of the attributes of the group or dataset at
// path, in name order.
func (f *File) AttrNames(path string) ([]string, error) {
	var out []string
	err := f.call(func() error {
		p, err := cleanPath(path)
		if err != nil {
			return err
		}
		id, err := f.openObj(p)
		if err != nil {
			return err
		}
		defer C.rg_close(id)
		var n C.size_t
		s := C.rg_attr_names(id, &n)
		if s == nil {
			return h5fail(nil, "list attributes of %s", p)
		}
		defer C.free(unsafe.Pointer(s))
		out = strings.Split(strings.TrimSuffix(C.GoStringN(s, C.int(n)), "\n"), "\n")
		if len(out) == 1 && out[0] == "" {
			out = nil
		}
		return nil
	})
	return out, err
}
