// Copyright ©2026 The rgflow Authors. All rights reserved.

package h5io

// #include "shim.h"
import "C"

import (
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"

	"gonum.org/v1/hdf5"
)

// Spec describes a dataset to create.
type Spec struct {
	Dtype Dtype
	// Shape is the full shape. With Extendible, Shape[0] is the initial
	// length of the leading axis (usually 0) and that axis grows with Append.
	// An empty Shape is a scalar.
	Shape      []int64
	Extendible bool

	// Chunk is the chunk shape. Nil chooses one leading element per chunk
	// (one sample, one snapshot), halving the largest trailing extents
	// until a chunk is at most MaxChunkBytes. Extendible and compressed
	// datasets are always chunked; others are contiguous unless Chunk is set.
	Chunk []int64
	// Deflate is the gzip level, 0 (off) to 9. Random-like float64 data
	// compresses by a few percent at a large cost in time: it is a storage
	// choice, not a speed one.
	Deflate int

	// Units is the unit of the numbers, e.g. "lattice units^2", "nats", "s",
	// "1" for dimensionless; the attribute units holds its UDUNITS form
	// (CFUnits), units_text the words UDUNITS does not parse.
	Units       string
	Description string // attribute description: what the numbers are
	// LongName is the attribute long_name, the short label plotting tools
	// show (CF); by default LongName(name, Description).
	LongName string
	// Dims are the axis labels (DIMENSION_LABELS), one per axis, and the
	// netCDF dimension names: every labelled axis gets the dimension scale
	// <group>/<label> (see netcdf.go). Label every axis or none; netCDF
	// readers refuse a dataset with some axes labelled and others not.
	Dims []string
	// Scales are the paths of 1-D coordinate scales (see CreateScale), one
	// per axis ("" for an axis without coordinates). A labelled axis whose
	// scale is not <group>/<label> gets a copy of it there; an unlabelled
	// axis gets the scale itself.
	Scales []string
	// Lattice is the number of trailing axes that are lattice axes. A
	// dataset with 2 or 3 of them is a field dataset: it is listed in the
	// XDMF sidecar for ParaView and VisIt.
	Lattice int
}

// MaxChunkBytes bounds the default chunk size: 4 MiB holds a whole 512²
// float64 field, and a partial-chunk read of a larger field stays cheap.
const MaxChunkBytes = 4 << 20

// Dataset is an open dataset of a File. Its methods are safe for concurrent
// use (they run on the HDF5 goroutine), but Append from several goroutines
// interleaves rows in arrival order: give each dataset one writer.
type Dataset struct {
	file    *File
	path    string
	h       *hdf5.Dataset
	dtype   Dtype
	shape   []int64 // current extent
	ext     bool    // leading axis unlimited
	lattice int

	// Set when the dataset is opened and never changed (so any goroutine
	// may read them): elements per row, and the direct chunk-write mode.
	rowLen   int64
	direct   int
	level    int
	fletcher bool // Fletcher-32 follows deflate: direct chunks carry its checksum
	pool     *sync.Pool

	// Staged rows of an extendible deflated dataset (see direct.go),
	// guarded by smu; stageCap 0 means appends are written at once.
	smu      sync.Mutex
	stage    []byte
	staged   int64
	stageCap int64
}

// Path returns the dataset's absolute path in its file.
func (d *Dataset) Path() string { return d.path }

// Dtype returns the element type.
func (d *Dataset) Dtype() Dtype { return d.dtype }

// Shape returns the current shape.
func (d *Dataset) Shape() []int64 {
	d.drain()
	var s []int64
	d.file.call(func() error { s = slices.Clone(d.shape); return nil })
	return s
}

// Len returns the current extent of the leading axis (0 for a scalar).
func (d *Dataset) Len() int64 {
	d.drain()
	var n int64
	d.file.call(func() error {
		if len(d.shape) > 0 {
			n = d.shape[0]
		}
		return nil
	})
	return n
}

func (s Spec) check(p string) error {
	if _, ok := dtypeNames[s.Dtype]; !ok || s.Dtype == Bool {
		return fmt.Errorf("h5io: dataset %s: unsupported element type %v", p, s.Dtype)
	}
	for i, n := range s.Shape {
		if n < 0 {
			return fmt.Errorf("h5io: dataset %s: extent %d of axis %d is negative", p, n, i)
		}
	}
	if s.Extendible && len(s.Shape) == 0 {
		return fmt.Errorf("h5io: dataset %s: an extendible dataset needs at least one axis", p)
	}
	if s.Chunk != nil && len(s.Chunk) != len(s.Shape) {
		return fmt.Errorf("h5io: dataset %s: chunk %v has rank %d, shape %v has rank %d", p, s.Chunk, len(s.Chunk), s.Shape, len(s.Shape))
	}
	for _, c := range s.Chunk {
		if c < 1 {
			return fmt.Errorf("h5io: dataset %s: chunk %v: extents must be ≥ 1", p, s.Chunk)
		}
	}
	if s.Deflate < 0 || s.Deflate > 9 {
		return fmt.Errorf("h5io: dataset %s: deflate level %d: allowed 0 (off) to 9", p, s.Deflate)
	}
	if s.Dims != nil && len(s.Dims) != len(s.Shape) {
		return fmt.Errorf("h5io: dataset %s: %d dimension labels for rank %d", p, len(s.Dims), len(s.Shape))
	}
	if i := slices.Index(s.Dims, ""); i >= 0 && slices.ContainsFunc(s.Dims, func(l string) bool { return l != "" }) {
		return fmt.Errorf("h5io: dataset %s: labels %q: label every axis or none (netCDF readers such as xarray refuse a mix; axis %d is unlabelled)", p, s.Dims, i)
	}
	for i, l := range s.Dims {
		switch {
		case strings.ContainsRune(l, '/') || l == "." || l == "..":
			return fmt.Errorf("h5io: dataset %s: label %q: a label names the dataset <group>/<label> of its netCDF dimension, so it cannot contain / or be . or ..", p, l)
		case l != "" && l == p[strings.LastIndex(p, "/")+1:]:
			return fmt.Errorf("h5io: dataset %s: label %q is the dataset's own name; the netCDF dimension <group>/%s would be the dataset itself", p, l, l)
		case l != "" && slices.Contains(s.Dims[:i], l):
			return fmt.Errorf("h5io: dataset %s: label %q repeats (xarray refuses a dimension used twice by one variable): name the axes apart", p, l)
		}
	}
	if s.Scales != nil && len(s.Scales) != len(s.Shape) {
		return fmt.Errorf("h5io: dataset %s: %d dimension scales for rank %d", p, len(s.Scales), len(s.Shape))
	}
	if s.Lattice < 0 || s.Lattice > len(s.Shape) {
		return fmt.Errorf("h5io: dataset %s: %d lattice axes for rank %d", p, s.Lattice, len(s.Shape))
	}
	return nil
}

// defaultChunk is one leading element, with the trailing extents halved
// (largest first) until the chunk fits in MaxChunkBytes.
func defaultChunk(shape []int64, size int64) []int64 {
	c := slices.Clone(shape)
	if len(c) == 0 {
		return c
	}
	c[0] = 1
	for i := range c {
		if c[i] < 1 {
			c[i] = 1
		}
	}
	for product(c)*size > MaxChunkBytes {
		big := 0
		for i := range c {
			if c[i] > c[big] {
				big = i
			}
		}
		if c[big] == 1 {
			break
		}
		c[big] = (c[big] + 1) / 2
	}
	return c
}

func datatypeOf(t Dtype) (*hdf5.Datatype, func(), error) {
	switch t {
	case Float64:
		return hdf5.T_NATIVE_DOUBLE, func() {}, nil
	case Float32:
		return hdf5.T_NATIVE_FLOAT, func() {}, nil
	case Int64:
		return hdf5.T_NATIVE_INT64, func() {}, nil
	case Int32:
		return hdf5.T_NATIVE_INT32, func() {}, nil
	case Uint64:
		return hdf5.T_NATIVE_UINT64, func() {}, nil
	case Uint8:
		return hdf5.T_NATIVE_UINT8, func() {}, nil
	case Complex128:
		ct, err := hdf5.NewCompoundType(16)
		if err != nil {
			return nil, nil, h5fail(err, "create complex type")
		}
		if err := ct.Insert("r", 0, hdf5.T_NATIVE_DOUBLE); err != nil {
			ct.Close()
			return nil, nil, h5fail(err, "create complex type")
		}
		if err := ct.Insert("i", 8, hdf5.T_NATIVE_DOUBLE); err != nil {
			ct.Close()
			return nil, nil, h5fail(err, "create complex type")
		}
		return &ct.Datatype, func() { ct.Close() }, nil
	}
	return nil, nil, fmt.Errorf("h5io: unsupported element type %v", t)
}

// CreateDataset creates the dataset at path (creating parent groups) with
// its attributes, labels and scales. In a file opened by Resume, an existing
// dataset at path is reopened instead, after checking that it matches spec
// (element type, trailing shape, and the whole shape unless extendible).
func (f *File) CreateDataset(path string, spec Spec) (*Dataset, error) {
	p, err := cleanPath(path)
	if err != nil {
		return nil, err
	}
	if err := spec.check(p); err != nil {
		return nil, err
	}
	var d *Dataset
	err = f.call(func() error {
		if !f.writable {
			return fmt.Errorf("h5io: create dataset %s: %s is open read-only", p, f.path)
		}
		if ok, err := f.exists(p); err != nil {
			return err
		} else if ok {
			if !f.resumed {
				return fmt.Errorf("h5io: create dataset %s: it already exists in %s", p, f.path)
			}
			if d, err = f.openDataset(p); err != nil {
				return err
			}
			if err := d.compatible(spec); err != nil {
				return err
			}
			// An extendible dataset the checkpoint does not list was created
			// after it: the continued run writes it again from the start.
			if _, listed := f.restored.Lengths[p]; d.ext && !listed && d.shape[0] != 0 {
				return d.setExtent(0)
			}
			return nil
		}
		d, err = f.createDataset(p, spec)
		return err
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

func (d *Dataset) compatible(s Spec) error {
	if d.dtype != s.Dtype || len(d.shape) != len(s.Shape) || d.ext != s.Extendible {
		return fmt.Errorf("%w: resume: %s in %s is %v%v (extendible %t); the run now asks for %v%v (extendible %t)",
			ErrShape, d.path, d.file.path, d.dtype, d.shape, d.ext, s.Dtype, s.Shape, s.Extendible)
	}
	from := 0
	if s.Extendible {
		from = 1
	}
	if !slices.Equal(d.shape[from:], s.Shape[from:]) {
		return fmt.Errorf("%w: resume: %s in %s has shape %v; the run now asks for %v", ErrShape, d.path, d.file.path, d.shape, s.Shape)
	}
	d.lattice = s.Lattice
	return nil
}

func (f *File) createDataset(p string, s Spec) (*Dataset, error) {
	// Every axis's netCDF dimension is checked first, so a conflict leaves
	// no half-made dataset behind.
	plans, err := f.planAxes(p, s)
	if err != nil {
		return nil, err
	}
	if err := f.ensureGroup(parent(p)); err != nil {
		return nil, err
	}
	dims := make([]uint, len(s.Shape))
	maxd := make([]uint, len(s.Shape))
	for i, n := range s.Shape {
		dims[i], maxd[i] = uint(n), uint(n)
	}
	if s.Extendible {
		maxd[0] = ^uint(0) // H5S_UNLIMITED
	}
	var space *hdf5.Dataspace
	if len(dims) == 0 {
		space, err = hdf5.CreateDataspace(hdf5.S_SCALAR)
	} else {
		space, err = hdf5.CreateSimpleDataspace(dims, maxd)
	}
	if err != nil {
		return nil, h5fail(err, "dataset %s: create dataspace %v", p, s.Shape)
	}
	defer space.Close()
	dcpl, err := createProps(p, s)
	if err != nil {
		return nil, err
	}
	defer dcpl.Close()
	dt, release, err := datatypeOf(s.Dtype)
	if err != nil {
		return nil, err
	}
	defer release()
	h, err := f.h.CreateDatasetWith(p, dt, space, dcpl)
	if err != nil {
		return nil, h5fail(err, "create dataset %s %v%v", p, s.Dtype, s.Shape)
	}
	d := &Dataset{file: f, path: p, h: h, dtype: s.Dtype, shape: slices.Clone(s.Shape), ext: s.Extendible, lattice: s.Lattice}
	d.initDirect()
	f.track(d)
	if err := f.describe(d, s, plans); err != nil {
		return nil, err
	}
	return d, nil
}

// createProps is the dataset creation property list of the dataset p: the
// chunk shape (s.Chunk, or defaultChunk for an extendible or compressed
// dataset) and the deflate level.
func createProps(p string, s Spec) (*hdf5.PropList, error) {
	dcpl, err := hdf5.NewPropList(hdf5.P_DATASET_CREATE)
	if err != nil {
		return nil, h5fail(err, "dataset %s: create property list", p)
	}
	chunk := s.Chunk
	if chunk == nil && (s.Extendible || s.Deflate > 0) {
		chunk = defaultChunk(s.Shape, s.Dtype.size())
	}
	if len(chunk) == 0 {
		return dcpl, nil
	}
	cu := make([]uint, len(chunk))
	for i, c := range chunk {
		cu[i] = uint(c)
	}
	if err := dcpl.SetChunk(cu); err != nil {
		dcpl.Close()
		return nil, h5fail(err, "dataset %s: chunk %v", p, chunk)
	}
	if s.Deflate > 0 {
		if err := dcpl.SetDeflate(s.Deflate); err != nil {
			dcpl.Close()
			return nil, h5fail(err, "dataset %s: deflate %d", p, s.Deflate)
		}
	}
	// Every chunk carries a Fletcher-32 checksum of its stored bytes, which
	// HDF5 (h5py, netCDF, ParaView) checks at every read and Resume checks
	// for the whole file.
	if err := h5check(C.rg_set_fletcher32(C.hid_t(dcpl.ID())), "dataset %s: fletcher32", p); err != nil {
		dcpl.Close()
		return nil, err
	}
	return dcpl, nil
}

// describe writes the attributes of the new dataset d (units, description,
// its lattice axes), labels its axes and attaches their netCDF dimensions
// (plans, from planAxes) and coordinate scales.
func (f *File) describe(d *Dataset, s Spec, plans []axisPlan) error {
	p := d.path
	if s.Units != "" {
		u, text := CFUnits(s.Units)
		if err := f.setAttr(p, "units", u); err != nil {
			return err
		}
		if text != "" {
			if err := f.setAttr(p, UnitsText, text); err != nil {
				return err
			}
		}
	}
	if s.Description != "" {
		if err := f.setAttr(p, "description", s.Description); err != nil {
			return err
		}
		ln := s.LongName
		if ln == "" {
			ln = LongName(p[strings.LastIndexByte(p, '/')+1:], s.Description)
		}
		if err := f.setAttr(p, "long_name", ln); err != nil {
			return err
		}
	}
	if s.Lattice > 0 {
		if err := f.setAttr(p, latticeAxesAttr, int64(s.Lattice)); err != nil {
			return err
		}
	}
	for i, l := range s.Dims {
		if l == "" {
			continue
		}
		cl, free := cstr(l)
		rc := C.rg_set_label(d.id(), C.uint(i), cl)
		free()
		if err := h5check(rc, "dataset %s: label axis %d %q", p, i, l); err != nil {
			return err
		}
	}
	if err := f.applyAxes(d, plans); err != nil {
		return err
	}
	for i, sp := range s.Scales {
		if sp != "" && (s.Dims == nil || s.Dims[i] == "") {
			if err := f.attachScale(d, i, sp); err != nil {
				return err
			}
		}
	}
	return nil
}

func (f *File) track(d *Dataset) {
	f.open = append(f.open, d)
	f.byPath[d.path] = d
}

func (d *Dataset) id() C.hid_t { return C.hid_t(d.h.ID()) }

// OpenDataset opens an existing dataset.
func (f *File) OpenDataset(path string) (*Dataset, error) {
	p, err := cleanPath(path)
	if err != nil {
		return nil, err
	}
	var d *Dataset
	err = f.call(func() (err error) {
		d, err = f.openDataset(p)
		return err
	})
	return d, err
}

func (f *File) openDataset(p string) (*Dataset, error) {
	if d, ok := f.byPath[p]; ok {
		return d, nil
	}
	ok, err := f.exists(p)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf("%w: %s has no dataset %s", ErrNotFound, f.path, p)
	}
	if f.objType(p) != 2 {
		return nil, fmt.Errorf("%w: %s in %s is not a dataset", ErrShape, p, f.path)
	}
	h, err := f.h.OpenDataset(p)
	if err != nil {
		return nil, h5fail(err, "open dataset %s", p)
	}
	d := &Dataset{file: f, path: p, h: h}
	kind := C.rg_dataset_kind(d.id())
	if kind <= 0 {
		h.Close()
		if kind < 0 {
			return nil, h5fail(nil, "dataset %s: read element type", p)
		}
		return nil, fmt.Errorf("%w: dataset %s in %s has an element type h5io does not read", ErrShape, p, f.path)
	}
	d.dtype = Dtype(kind)
	var rank C.int
	var dims, maxd [32]C.hsize_t
	if C.rg_extent(d.id(), &rank, &dims[0], &maxd[0]) < 0 {
		h.Close()
		return nil, h5fail(nil, "dataset %s: read extent", p)
	}
	d.shape = make([]int64, int(rank))
	for i := range d.shape {
		d.shape[i] = int64(dims[i])
	}
	d.ext = rank > 0 && maxd[0] == ^C.hsize_t(0)
	d.initDirect()
	f.track(d)
	return d, nil
}

// checkBuf panics on a programmer error: a buffer of the wrong element type
// or length for the selection.
func (d *Dataset) checkBuf(op string, b buffer, want int64) {
	if b.t != d.dtype {
		panic(fmt.Sprintf("h5io: %s %s: buffer of %v for a dataset of %v", op, d.path, b.t, d.dtype))
	}
	if b.n != want {
		panic(fmt.Sprintf("h5io: %s %s: buffer of %d elements, selection holds %d", op, d.path, b.n, want))
	}
}

func bufOrPanic(op, p string, data any) buffer {
	b, ok := bufferOf(data)
	if !ok {
		panic(fmt.Sprintf("h5io: %s %s: unsupported buffer type %T", op, p, data))
	}
	return b
}

// Write writes data over the whole dataset. data must be a slice of the
// dataset's element type holding exactly as many elements as the dataset;
// anything else panics.
func (d *Dataset) Write(data any) error {
	b := bufOrPanic("write", d.path, data)
	return d.file.call(func() error {
		start := make([]int64, len(d.shape))
		return d.writeSlab(b, start, d.shape)
	})
}

// WriteAt writes data into the hyperslab start…start+count (row-major,
// count elements along each axis).
func (d *Dataset) WriteAt(data any, start, count []int64) error {
	if err := d.drain(); err != nil {
		return err
	}
	b := bufOrPanic("write", d.path, data)
	defer runtime.KeepAlive(data)
	if d.direct != C.RG_DIRECT_NONE && d.wholeRows(start, count) && b.t == d.dtype && b.n == product(count) {
		var chunks []chunk
		if d.direct == C.RG_DIRECT_DEFLATE {
			chunks = d.compressRows(b, count[0])
			defer d.release(chunks)
		}
		return d.file.call(func() error {
			if err := d.checkSlab(start, count); err != nil {
				return err
			}
			if !d.file.writable {
				return fmt.Errorf("h5io: write %s: %s is open read-only", d.path, d.file.path)
			}
			return d.writeChunks(b, start[0], count[0], chunks)
		})
	}
	return d.file.call(func() error {
		if err := d.checkSlab(start, count); err != nil {
			return err
		}
		return d.writeSlab(b, start, count)
	})
}

// wholeRows reports whether the slab is a run of complete rows.
func (d *Dataset) wholeRows(start, count []int64) bool {
	if len(start) != len(count) || len(start) < 1 || product(count[1:]) != d.rowLen || count[0] < 1 {
		return false
	}
	for i := 1; i < len(start); i++ {
		if start[i] != 0 {
			return false
		}
	}
	return true
}

func (d *Dataset) checkSlab(start, count []int64) error {
	if len(start) != len(d.shape) || len(count) != len(d.shape) {
		panic(fmt.Sprintf("h5io: %s: slab of rank %d/%d in a dataset of rank %d", d.path, len(start), len(count), len(d.shape)))
	}
	for i := range start {
		if start[i] < 0 || count[i] < 0 || start[i]+count[i] > d.shape[i] {
			return fmt.Errorf("%w: %s: slab start %v count %v outside shape %v", ErrShape, d.path, start, count, d.shape)
		}
	}
	return nil
}

func (d *Dataset) writeSlab(b buffer, start, count []int64) error {
	if !d.file.writable {
		return fmt.Errorf("h5io: write %s: %s is open read-only", d.path, d.file.path)
	}
	d.checkBuf("write", b, product(count))
	if b.n == 0 {
		return nil
	}
	hs, hc := hsize(start), hsize(count)
	return h5check(C.rg_write_slab(d.id(), C.int(b.t), C.int(len(count)), hptr(hs), hptr(hc), b.ptr),
		"write %s at %v count %v", d.path, start, count)
}

// Append grows an extendible dataset along its leading axis by the rows in
// data and writes them. data must hold a whole number of rows (a row is one
// element of the leading axis: one sample, one snapshot) of the dataset's
// element type.
func (d *Dataset) Append(data any) error {
	b := bufOrPanic("append", d.path, data)
	defer runtime.KeepAlive(data)
	if !d.ext {
		panic(fmt.Sprintf("h5io: append %s: dataset is not extendible", d.path))
	}
	row := d.rowLen
	if b.t != d.dtype || row == 0 || b.n%row != 0 {
		panic(fmt.Sprintf("h5io: append %s: buffer of %d %v is not a whole number of rows of %d %v",
			d.path, b.n, b.t, row, d.dtype))
	}
	rows := b.n / row
	if d.stageCap > 0 {
		return d.stageRows(b, rows)
	}
	var chunks []chunk
	if d.direct == C.RG_DIRECT_DEFLATE {
		chunks = d.compressRows(b, rows)
		defer d.release(chunks)
	}
	return d.file.call(func() error { return d.appendRows(b, rows, chunks) })
}

func (d *Dataset) appendRows(b buffer, rows int64, chunks []chunk) error {
	if !d.file.writable {
		return fmt.Errorf("h5io: append %s: %s is open read-only", d.path, d.file.path)
	}
	if d.direct != C.RG_DIRECT_NONE {
		r0 := d.shape[0]
		if err := d.setExtent(r0 + rows); err != nil {
			return err
		}
		return d.writeChunks(b, r0, rows, chunks)
	}
	start := make([]int64, len(d.shape))
	start[0] = d.shape[0]
	count := slices.Clone(d.shape)
	count[0] = rows
	if err := d.setExtent(d.shape[0] + rows); err != nil {
		return err
	}
	return d.writeSlab(b, start, count)
}

func (d *Dataset) setExtent(n int64) error {
	next := slices.Clone(d.shape)
	next[0] = n
	hd := hsize(next)
	if err := h5check(C.rg_set_extent(d.id(), C.int(len(next)), hptr(hd)), "resize %s to %v", d.path, next); err != nil {
		return err
	}
	d.shape = next
	return nil
}

// Truncate shrinks (or grows, with fill values) an extendible dataset's
// leading axis to n.
func (d *Dataset) Truncate(n int64) error {
	if err := d.drain(); err != nil {
		return err
	}
	return d.file.call(func() error {
		if !d.ext {
			panic(fmt.Sprintf("h5io: truncate %s: dataset is not extendible", d.path))
		}
		if n < 0 {
			panic(fmt.Sprintf("h5io: truncate %s: negative length %d", d.path, n))
		}
		return d.setExtent(n)
	})
}

// Read reads the whole dataset into dst, which is either a slice of the
// dataset's element type and exact length, or a pointer to such a slice
// (allocated to fit). It returns the shape read.
func (d *Dataset) Read(dst any) ([]int64, error) {
	if err := d.drain(); err != nil {
		return nil, err
	}
	var shape []int64
	err := d.file.call(func() error {
		shape = slices.Clone(d.shape)
		return d.readSlab(dst, make([]int64, len(d.shape)), shape)
	})
	return shape, err
}

// ReadAt reads the hyperslab start…start+count into dst (as in Read).
func (d *Dataset) ReadAt(dst any, start, count []int64) error {
	if err := d.drain(); err != nil {
		return err
	}
	return d.file.call(func() error {
		if err := d.checkSlab(start, count); err != nil {
			return err
		}
		return d.readSlab(dst, start, count)
	})
}

// MaxReadBytes bounds what one Read or ReadAt allocates, so a damaged file
// that claims an absurd shape gives an error instead of exhausting memory.
const MaxReadBytes = 8 << 30

func (d *Dataset) readSlab(dst any, start, count []int64) error {
	n := product(count)
	var b buffer
	if t, ok := dtypeOfPtr(dst); ok {
		if t != d.dtype {
			return fmt.Errorf("%w: %s is %v, read as %v", ErrShape, d.path, d.dtype, t)
		}
		if n < 0 || n > MaxReadBytes/d.dtype.size() {
			return fmt.Errorf("%w: %s: selection %v of %v exceeds %d bytes; read it in slabs with ReadAt",
				ErrShape, d.path, count, d.dtype, int64(MaxReadBytes))
		}
		b, _ = allocate(dst, n)
	} else {
		b = bufOrPanic("read", d.path, dst)
		d.checkBuf("read", b, n)
	}
	if n == 0 {
		return nil
	}
	hs, hc := hsize(start), hsize(count)
	return h5check(C.rg_read_slab(d.id(), C.int(b.t), C.int(len(count)), hptr(hs), hptr(hc), b.ptr),
		"read %s at %v count %v", d.path, start, count)
}

// Expect checks that the dataset has element type t and shape dims (-1
// entries match any extent), returning an error that wraps ErrShape and
// names both otherwise.
func (d *Dataset) Expect(t Dtype, dims ...int64) error {
	return d.file.call(func() error {
		if d.dtype != t || !shapeMatches(d.shape, dims) {
			return fmt.Errorf("%w: %s in %s is %v%v, want %v%v", ErrShape, d.path, d.file.path, d.dtype, d.shape, t, dims)
		}
		return nil
	})
}

// SetAttr sets an attribute of the dataset (see File.SetAttr).
func (d *Dataset) SetAttr(name string, value any) error {
	return d.file.SetAttr(d.path, name, value)
}

// Attr reads an attribute of the dataset (see File.Attr).
func (d *Dataset) Attr(name string, dst any) error {
	return d.file.Attr(d.path, name, dst)
}
