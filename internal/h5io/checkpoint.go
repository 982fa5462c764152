// Copyright ©2026 The rgflow Authors. All rights reserved.

package h5io

// #include "shim.h"
import "C"

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
	"unsafe"
)

// Checkpoint is the plain-data state a run needs to continue exactly where
// it stopped: byte blobs (marshalled PCG states, …), float64 arrays (chain
// positions, optimiser moments, …) and int64 arrays (counters). Step is the
// run's own progress counter. Lengths, filled in by SaveCheckpoint, holds
// the leading extent of every extendible dataset at the moment of saving.
type Checkpoint struct {
	Step    int64
	Blobs   map[string][]byte
	Floats  map[string][]float64
	Ints    map[string][]int64
	Lengths map[string]int64
}

// The checkpoint lives in /checkpoint as two slots, slot0 and slot1; the
// attribute current of /checkpoint names the valid one. A save writes the
// other slot, flushes, then switches current and flushes again, so a run
// killed while saving still has the previous checkpoint.
const (
	checkpointGroup = "/checkpoint"
	currentAttr     = "current"
)

// SaveCheckpoint records c (with Lengths set to the current extent of every
// extendible dataset) and flushes the file. Appends that follow are lost if
// the run dies before the next save: on Resume every extendible dataset is
// rolled back to its saved length, so that a continued run rewrites exactly
// the rows an uninterrupted run would have written.
func (f *File) SaveCheckpoint(c Checkpoint) error {
	for k := range c.Blobs {
		if err := checkName(k); err != nil {
			return err
		}
	}
	for k := range c.Floats {
		if err := checkName(k); err != nil {
			return err
		}
	}
	for k := range c.Ints {
		if err := checkName(k); err != nil {
			return err
		}
	}
	if err := f.drainAll(); err != nil {
		return err
	}
	return f.call(func() error {
		if !f.writable {
			return fmt.Errorf("h5io: save checkpoint: %s is open read-only", f.path)
		}
		lengths := map[string]int64{}
		for k, v := range f.restored.Lengths {
			lengths[k] = v
		}
		for _, d := range f.open {
			if d.ext {
				lengths[d.path] = d.shape[0]
			}
		}
		cur := int64(-1)
		if ok, err := f.exists(checkpointGroup); err != nil {
			return err
		} else if ok {
			var v []int64
			if err := f.readAttr(checkpointGroup, currentAttr, &v); err == nil && len(v) == 1 {
				cur = v[0]
			}
		}
		next := int64(0)
		if cur == 0 {
			next = 1
		}
		slot := fmt.Sprintf("%s/slot%d", checkpointGroup, next)
		if err := f.ensureGroup(slot); err != nil {
			return err
		}
		if err := f.setAttr(checkpointGroup, "description",
			"resume state: slot<current> is valid; see docs/hdf5-schema.md"); err != nil {
			return err
		}
		if err := syncGroup(f, slot+"/blobs", Uint8, c.Blobs); err != nil {
			return err
		}
		if err := syncGroup(f, slot+"/floats", Float64, c.Floats); err != nil {
			return err
		}
		if err := syncGroup(f, slot+"/ints", Int64, c.Ints); err != nil {
			return err
		}
		js, err := json.Marshal(lengths)
		if err != nil {
			return err
		}
		for _, a := range []struct {
			n string
			v any
		}{{"step", c.Step}, {"lengths", string(js)}, {"saved", time.Now().UTC().Format(time.RFC3339)}} {
			if err := f.setAttr(slot, a.n, a.v); err != nil {
				return err
			}
		}
		if err := f.flush(); err != nil {
			return err
		}
		if err := f.setAttr(checkpointGroup, currentAttr, next); err != nil {
			return err
		}
		f.restored.Lengths = lengths
		return f.flush()
	})
}

func checkName(k string) error {
	if k == "" || strings.ContainsAny(k, "/.") {
		return fmt.Errorf("h5io: checkpoint entry %q: names must be non-empty without / or .", k)
	}
	return nil
}

// syncGroup makes the group g hold exactly the entries of m as 1-D datasets,
// overwriting in place those whose type and length are unchanged so that
// repeated checkpoints do not grow the file.
func syncGroup[T any](f *File, g string, t Dtype, m map[string][]T) error {
	if err := f.ensureGroup(g); err != nil {
		return err
	}
	have, err := f.children(g)
	if err != nil {
		return err
	}
	for _, name := range have {
		if _, ok := m[name]; ok {
			continue
		}
		if err := f.unlink(g + "/" + name); err != nil {
			return err
		}
	}
	for _, name := range sortedKeys(m) {
		p := g + "/" + name
		v := m[name]
		if ok, err := f.exists(p); err != nil {
			return err
		} else if ok {
			d, err := f.openDataset(p)
			if err != nil {
				return err
			}
			if d.dtype == t && len(d.shape) == 1 && d.shape[0] == int64(len(v)) {
				if err := d.writeSlab(bufOrPanic("write", p, v), []int64{0}, d.shape); err != nil {
					return err
				}
				continue
			}
			if err := f.unlink(p); err != nil {
				return err
			}
		}
		d, err := f.createDataset(p, Spec{Dtype: t, Shape: []int64{int64(len(v))}})
		if err != nil {
			return err
		}
		if err := d.writeSlab(bufOrPanic("write", p, v), []int64{0}, d.shape); err != nil {
			return err
		}
	}
	return nil
}

// unlink closes a tracked dataset at p and removes its link.
func (f *File) unlink(p string) error {
	if d, ok := f.byPath[p]; ok {
		d.h.Close()
		delete(f.byPath, p)
		f.open = slices.DeleteFunc(f.open, func(x *Dataset) bool { return x == d })
	}
	c, free := cstr(p)
	defer free()
	return h5check(C.rg_delete(f.fid(), c), "delete %s", p)
}

// children lists the dataset names directly inside group g.
func (f *File) children(g string) ([]string, error) {
	all, err := f.datasets()
	if err != nil {
		return nil, err
	}
	var out []string
	for _, p := range all {
		if strings.HasPrefix(p, g+"/") && !strings.Contains(p[len(g)+1:], "/") {
			out = append(out, p[len(g)+1:])
		}
	}
	return out, nil
}

// datasets lists every dataset path in the file.
func (f *File) datasets() ([]string, error) {
	var n C.size_t
	s := C.rg_list_datasets(f.fid(), &n)
	if s == nil {
		return nil, h5fail(nil, "list datasets of %s", f.path)
	}
	defer C.free(unsafe.Pointer(s))
	return strings.Fields(C.GoStringN(s, C.int(n))), nil
}

// Datasets lists the absolute path of every dataset in the file that holds
// data: the netCDF dimensions without a variable (see netcdf.go), which
// only name axes, are left out.
func (f *File) Datasets() ([]string, error) {
	var out []string
	err := f.call(func() error {
		all, err := f.datasets()
		out = slices.DeleteFunc(all, f.isDimOnly)
		return err
	})
	return out, err
}

// restoreCheckpoint reads the valid checkpoint slot, if any, and rolls every
// extendible dataset it lists back to its saved length. It validates every
// entry and returns an error naming what is wrong in a damaged file.
func (f *File) restoreCheckpoint() (Checkpoint, bool, error) {
	var c Checkpoint
	ok, err := f.exists(checkpointGroup)
	if err != nil || !ok {
		return c, false, err
	}
	var cur []int64
	if err := f.expectAttr(checkpointGroup, currentAttr, Int64, nil); err != nil {
		return c, false, fmt.Errorf("h5io: %s: damaged checkpoint: %w", f.path, err)
	}
	if err := f.readAttr(checkpointGroup, currentAttr, &cur); err != nil {
		return c, false, err
	}
	if cur[0] != 0 && cur[0] != 1 {
		return c, false, fmt.Errorf("%w: %s: checkpoint slot %d: allowed 0 or 1", ErrShape, f.path, cur[0])
	}
	slot := fmt.Sprintf("%s/slot%d", checkpointGroup, cur[0])
	var step []int64
	if err := f.expectAttr(slot, "step", Int64, nil); err != nil {
		return c, false, fmt.Errorf("h5io: %s: damaged checkpoint: %w", f.path, err)
	}
	if err := f.readAttr(slot, "step", &step); err != nil {
		return c, false, err
	}
	c.Step = step[0]
	js, err := f.stringAttr(slot, "lengths")
	if err != nil {
		return c, false, fmt.Errorf("h5io: %s: damaged checkpoint: %w", f.path, err)
	}
	if err := json.Unmarshal([]byte(js), &c.Lengths); err != nil {
		return c, false, fmt.Errorf("%w: %s: checkpoint lengths %q: %v", ErrShape, f.path, js, err)
	}
	if c.Blobs, err = readGroup[byte](f, slot+"/blobs", Uint8); err != nil {
		return c, false, err
	}
	if c.Floats, err = readGroup[float64](f, slot+"/floats", Float64); err != nil {
		return c, false, err
	}
	if c.Ints, err = readGroup[int64](f, slot+"/ints", Int64); err != nil {
		return c, false, err
	}
	for _, p := range sortedKeys(c.Lengths) {
		n := c.Lengths[p]
		if _, err := cleanPath(p); err != nil {
			return c, false, fmt.Errorf("%w: %s: checkpoint lists %q", ErrShape, f.path, p)
		}
		d, err := f.openDataset(p)
		if err != nil {
			return c, false, fmt.Errorf("h5io: %s: checkpoint lists %s: %w", f.path, p, err)
		}
		if !d.ext || n < 0 || n > d.shape[0] {
			return c, false, fmt.Errorf("%w: %s: checkpoint length %d for %s of shape %v (extendible %t)",
				ErrShape, f.path, n, p, d.shape, d.ext)
		}
		if f.writable && d.shape[0] != n {
			if err := d.setExtent(n); err != nil {
				return c, false, err
			}
		}
	}
	return c, true, nil
}

func readGroup[T any](f *File, g string, t Dtype) (map[string][]T, error) {
	m := map[string][]T{}
	ok, err := f.exists(g)
	if err != nil || !ok {
		return m, err
	}
	names, err := f.children(g)
	if err != nil {
		return nil, err
	}
	for _, name := range names {
		d, err := f.openDataset(g + "/" + name)
		if err != nil {
			return nil, err
		}
		if d.dtype != t || len(d.shape) != 1 {
			return nil, fmt.Errorf("%w: %s: checkpoint entry %s is %v%v, want 1-D %v", ErrShape, f.path, d.path, d.dtype, d.shape, t)
		}
		var v []T
		if err := d.readSlab(&v, []int64{0}, d.shape); err != nil {
			return nil, err
		}
		m[name] = v
	}
	return m, nil
}

// Restored returns the checkpoint that Resume found (ok false when the file
// has none: the run then starts over in the same file).
func (f *File) Restored() (c Checkpoint, ok bool) {
	f.call(func() error { c, ok = f.restored, f.hasRestored; return nil })
	return c, ok
}

// ReadCheckpoint reads and validates the checkpoint of a file opened with
// Open, without changing anything.
func (f *File) ReadCheckpoint() (Checkpoint, bool, error) {
	var c Checkpoint
	var ok bool
	err := f.call(func() (err error) {
		c, ok, err = f.restoreCheckpoint()
		return err
	})
	return c, ok, err
}
