// Copyright ©2026 The rgflow Authors. All rights reserved.

package h5io

// #include "shim.h"
import "C"

import (
	"fmt"
	"sort"
	"unsafe"
)

// SetAttr sets (or replaces) the attribute name of the group or dataset at
// path. value may be a string (stored as a UTF-8 variable-length string), a
// scalar float64, float32, int64, int32, uint64, uint8, bool, complex128, or
// a Go int (stored as int64), or a slice of any of those element types
// (stored as a 1-D array).
func (f *File) SetAttr(path, name string, value any) error {
	p, err := cleanPath(path)
	if err != nil {
		return err
	}
	return f.call(func() error {
		if !f.writable {
			return fmt.Errorf("h5io: set attribute %s of %s: %s is open read-only", name, p, f.path)
		}
		return f.setAttr(p, name, value)
	})
}

// normalize turns a scalar attribute value into a one-element slice plus a
// scalar flag, and Go ints into int64.
func normalize(value any) (any, bool) {
	switch v := value.(type) {
	case int:
		return []int64{int64(v)}, true
	case []int:
		s := make([]int64, len(v))
		for i, x := range v {
			s[i] = int64(x)
		}
		return s, false
	case float64:
		return []float64{v}, true
	case float32:
		return []float32{v}, true
	case int64:
		return []int64{v}, true
	case int32:
		return []int32{v}, true
	case uint64:
		return []uint64{v}, true
	case uint8:
		return []uint8{v}, true
	case bool:
		return []bool{v}, true
	case complex128:
		return []complex128{v}, true
	}
	return value, false
}

func (f *File) setAttr(p, name string, value any) error {
	obj, err := f.openObj(p)
	if err != nil {
		return err
	}
	defer C.rg_close(obj)
	cname, free := cstr(name)
	defer free()
	if s, ok := value.(string); ok {
		var ptr *C.char
		if len(s) > 0 {
			ptr = (*C.char)(unsafe.Pointer(unsafe.StringData(s)))
		}
		return h5check(C.rg_attr_write_str(obj, cname, ptr, C.size_t(len(s))), "set attribute %s of %s", name, p)
	}
	v, scalar := normalize(value)
	b, ok := bufferOf(v)
	if !ok {
		panic(fmt.Sprintf("h5io: attribute %s of %s: unsupported Go type %T", name, p, value))
	}
	rank := C.int(1)
	dims := hsize([]int64{b.n})
	if scalar {
		rank = 0
	}
	if b.n == 0 {
		// HDF5 has no empty simple dataspace for attributes in 1.10; an empty
		// list is stored as an empty string so the attribute still exists.
		return h5check(C.rg_attr_write_str(obj, cname, nil, 0), "set attribute %s of %s", name, p)
	}
	return h5check(C.rg_attr_write(obj, cname, C.int(b.t), rank, hptr(dims), b.ptr), "set attribute %s of %s", name, p)
}

func (f *File) openObj(p string) (C.hid_t, error) {
	ok, err := f.exists(p)
	if err != nil {
		return -1, err
	}
	if !ok {
		return -1, fmt.Errorf("%w: %s has no object %s", ErrNotFound, f.path, p)
	}
	c, free := cstr(p)
	defer free()
	obj := C.rg_open(f.fid(), c)
	if obj < 0 {
		return -1, h5fail(nil, "open %s", p)
	}
	return obj, nil
}

// attrInfo returns the element type (0 for strings) and shape of an
// attribute; isStr reports a string attribute.
func (f *File) attrInfo(p, name string) (t Dtype, isStr bool, dims []int64, err error) {
	obj, err := f.openObj(p)
	if err != nil {
		return 0, false, nil, err
	}
	defer C.rg_close(obj)
	cname, free := cstr(name)
	defer free()
	switch C.rg_attr_exists(obj, cname) {
	case 0:
		return 0, false, nil, fmt.Errorf("%w: %s: %s has no attribute %q", ErrNotFound, f.path, p, name)
	case 1:
	default:
		return 0, false, nil, h5fail(nil, "look up attribute %s of %s", name, p)
	}
	var kind, str, rank C.int
	var hd [32]C.hsize_t
	if C.rg_attr_info(obj, cname, &kind, &str, &rank, &hd[0]) < 0 {
		return 0, false, nil, h5fail(nil, "inspect attribute %s of %s", name, p)
	}
	dims = make([]int64, int(rank))
	for i := range dims {
		dims[i] = int64(hd[i])
	}
	return Dtype(kind), str != 0, dims, nil
}

// expectAttr checks that a numeric attribute has type t and shape dims
// (nil: scalar; -1 entries: any extent).
func (f *File) expectAttr(p, name string, t Dtype, dims []int64) error {
	got, isStr, gd, err := f.attrInfo(p, name)
	if err != nil {
		return err
	}
	if isStr || got != t || !shapeMatches(gd, dims) {
		what := got.String()
		if isStr {
			what = "string"
		}
		return fmt.Errorf("%w: %s: attribute %s of %s is %s%v, want %v%v", ErrShape, f.path, name, p, what, gd, t, dims)
	}
	return nil
}

// maxAttrElems bounds the elements of an attribute read back: HDF5 keeps
// attributes in object headers of at most 64 KiB, so more means a damaged file.
const maxAttrElems = 1 << 16

func (f *File) readAttr(p, name string, dst any) error {
	t, isStr, dims, err := f.attrInfo(p, name)
	if err != nil {
		return err
	}
	want, ok := dtypeOfPtr(dst)
	if !ok {
		panic(fmt.Sprintf("h5io: read attribute %s of %s: unsupported destination %T", name, p, dst))
	}
	if isStr || t != want {
		what := t.String()
		if isStr {
			what = "string"
		}
		return fmt.Errorf("%w: %s: attribute %s of %s is %s, read as %v", ErrShape, f.path, name, p, what, want)
	}
	if n := product(dims); n < 0 || n > maxAttrElems {
		return fmt.Errorf("%w: %s: attribute %s of %s claims shape %v", ErrShape, f.path, name, p, dims)
	}
	b, _ := allocate(dst, product(dims))
	obj, err := f.openObj(p)
	if err != nil {
		return err
	}
	defer C.rg_close(obj)
	cname, free := cstr(name)
	defer free()
	return h5check(C.rg_attr_read(obj, cname, C.int(b.t), b.ptr), "read attribute %s of %s", name, p)
}

func (f *File) stringAttr(p, name string) (string, error) {
	_, isStr, _, err := f.attrInfo(p, name)
	if err != nil {
		return "", err
	}
	if !isStr {
		return "", fmt.Errorf("%w: %s: attribute %s of %s is not a string", ErrShape, f.path, name, p)
	}
	obj, err := f.openObj(p)
	if err != nil {
		return "", err
	}
	defer C.rg_close(obj)
	cname, free := cstr(name)
	defer free()
	var n C.size_t
	s := C.rg_attr_read_str(obj, cname, &n)
	if s == nil {
		return "", h5fail(nil, "read string attribute %s of %s", name, p)
	}
	defer C.free(unsafe.Pointer(s))
	return C.GoStringN(s, C.int(n)), nil
}

// Attr reads the attribute name of the object at path into dst, which must
// point to a string, a scalar of one of the Dtype element types, or a slice
// of one (allocated to fit). The stored type must match exactly: a float32
// attribute does not read into a *float64.
func (f *File) Attr(path, name string, dst any) error {
	p, err := cleanPath(path)
	if err != nil {
		return err
	}
	return f.call(func() error {
		switch d := dst.(type) {
		case *string:
			s, err := f.stringAttr(p, name)
			*d = s
			return err
		case *float64:
			return scalarAttr(f, p, name, d)
		case *float32:
			return scalarAttr(f, p, name, d)
		case *int64:
			return scalarAttr(f, p, name, d)
		case *int32:
			return scalarAttr(f, p, name, d)
		case *uint64:
			return scalarAttr(f, p, name, d)
		case *uint8:
			return scalarAttr(f, p, name, d)
		case *bool:
			return scalarAttr(f, p, name, d)
		case *complex128:
			return scalarAttr(f, p, name, d)
		}
		return f.readAttr(p, name, dst)
	})
}

func scalarAttr[T any](f *File, p, name string, dst *T) error {
	var s []T
	if err := f.readAttr(p, name, &s); err != nil {
		return err
	}
	if len(s) != 1 {
		return fmt.Errorf("%w: %s: attribute %s of %s has %d elements, want a scalar", ErrShape, f.path, name, p, len(s))
	}
	*dst = s[0]
	return nil
}

func shapeMatches(got, want []int64) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		if want[i] >= 0 && got[i] != want[i] {
			return false
		}
	}
	return true
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
