// Copyright ©2026 The rgflow Authors. All rights reserved.

package h5io

// #include "shim.h"
import "C"

import "fmt"

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
