// Copyright ©2026 The rgflow Authors. All rights reserved.

package h5io

// #include "shim.h"
import "C"

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"unsafe"

	"gonum.org/v1/hdf5"
)

// The XDMF sidecar. Beside run.h5 the writer keeps run.xmf, an XDMF 3 file
// that describes every field dataset (a dataset with the attribute
// lattice_axes = 2 or 3) so ParaView (both its XDMF3 and legacy XDMF
// readers) and VisIt open lattice snapshots directly, and run.xmf.h5, which
// holds its data: one virtual dataset per grid, mapping one field of
// run.h5 (no copy). XDMF readers do not all read hyperslabs of a dataset
// (ParaView's XDMF3 reader skips them), but every one reads a whole plain
// HDF5 dataset.
//
// Each field dataset is one temporal collection, one grid per index of its
// first leading axis, at most MaxXDMFGrids per dataset; a second leading
// axis (the samples of a flow snapshot) makes each time a spatial
// collection of those samples, placed side by side along Y. Time is the
// value of the first axis's coordinate scale where it has one (the flow
// or Langevin time t), else the index (the sample). Every grid is a
// 3DCoRectMesh with unit spacing and the values on the nodes: a 2-D field
// of extents (L₁, L₂) is a one-node-thick image in the X–Y plane, x₂ along
// X and x₁ along Y; a 3-D one a volume, x₃ along X. Each collection has
// its own place: the collections stand side by side along X, two lattice
// spacings apart, in the order of the file.

// MaxXDMFGrids bounds the grids listed per dataset in the sidecar, so a
// 10⁵-sample ensemble does not produce a 100 MB XML file.
const MaxXDMFGrids = 1024

// latticeAxesAttr marks a field dataset and gives the number of trailing
// lattice axes.
const latticeAxesAttr = "lattice_axes"

// xdmfGap is the space between the collections, and between the samples
// of one time, in lattice spacings.
const xdmfGap = 2

// XDMFPath returns the sidecar's name for an HDF5 file name.
func XDMFPath(h5path string) string {
	return strings.TrimSuffix(h5path, filepath.Ext(h5path)) + ".xmf"
}

// XDMFDataPath returns the name of the file of the sidecar's views.
func XDMFDataPath(h5path string) string { return XDMFPath(h5path) + ".h5" }

// xdmfField is one field dataset as the sidecar shows it.
type xdmfField struct {
	d     *Dataset
	la    int       // lattice axes
	times []float64 // the first axis's coordinates, nil for the index
}

// writeXDMF rewrites the sidecar and its views from every field dataset in
// the file. A file without field datasets gets neither.
func (f *File) writeXDMF() error {
	fields, err := f.xdmfFields()
	if err != nil || len(fields) == 0 {
		return err
	}
	side, data := XDMFPath(f.path), XDMFDataPath(f.path)
	sig := f.path
	for _, fd := range fields {
		sig += fmt.Sprint(" ", fd.d.path, fd.d.shape, len(fd.times))
	}
	if sig == f.xdmfSig {
		return nil
	}
	// The views made at earlier flushes stay valid (each maps a fixed
	// slab): only new grids need one, unless the file was renamed.
	fresh := f.views == nil || f.viewsOf != f.path
	var vf C.hid_t
	if fresh {
		f.views, f.viewsOf = map[string]bool{}, f.path
		cdata, free := cstr(data)
		vf = C.rg_create_file(cdata)
		free()
	} else {
		cdata, free := cstr(data)
		vf = C.rg_open_file(cdata)
		free()
	}
	if vf < 0 {
		f.views = nil
		return h5fail(nil, "XDMF views %s", data)
	}
	var b bytes.Buffer
	x0 := int64(0)
	for _, fd := range fields {
		if err := xdmfDataset(&b, vf, f.views, filepath.Base(f.path), filepath.Base(data), fd, x0); err != nil {
			C.rg_close_file(vf)
			f.views = nil
			return err
		}
		x0 += fd.d.shape[len(fd.d.shape)-1] + xdmfGap
	}
	if err := h5check(C.rg_close_file(vf), "close XDMF views %s", data); err != nil {
		f.views = nil
		return err
	}
	var out bytes.Buffer
	out.WriteString("<?xml version=\"1.0\" ?>\n<!DOCTYPE Xdmf SYSTEM \"Xdmf.dtd\" []>\n")
	out.WriteString("<!-- Written by rgflow beside the HDF5 file it describes; regenerated at every flush. The data are in " + filepath.Base(data) + ", views of " + filepath.Base(f.path) + ". -->\n")
	out.WriteString("<Xdmf Version=\"3.0\">\n <Domain>\n")
	out.Write(b.Bytes())
	out.WriteString(" </Domain>\n</Xdmf>\n")
	if err := os.WriteFile(side+".tmp", out.Bytes(), 0o644); err != nil {
		return fmt.Errorf("h5io: XDMF sidecar: %w", err)
	}
	if err := os.Rename(side+".tmp", side); err != nil {
		return fmt.Errorf("h5io: XDMF sidecar: %w", err)
	}
	f.xdmfSig = sig
	return nil
}

// xdmfFields lists the field datasets of the file with their times.
func (f *File) xdmfFields() ([]xdmfField, error) {
	paths, err := f.datasets()
	if err != nil {
		return nil, err
	}
	var out []xdmfField
	for _, p := range paths {
		if strings.HasPrefix(p, checkpointGroup+"/") {
			continue
		}
		t, isStr, dims, err := f.attrInfo(p, latticeAxesAttr)
		if err != nil || isStr || t != Int64 || len(dims) != 0 {
			continue
		}
		var la []int64
		if err := f.readAttr(p, latticeAxesAttr, &la); err != nil {
			return nil, err
		}
		d, err := f.openDataset(p)
		if err != nil {
			return nil, err
		}
		rank := int64(len(d.shape))
		if d.dtype == Complex128 || d.dtype == Bool || (la[0] != 2 && la[0] != 3) || rank <= la[0] || rank > la[0]+2 {
			continue
		}
		out = append(out, xdmfField{d: d, la: int(la[0]), times: f.leadTimes(d)})
	}
	return out, nil
}

// leadTimes returns the values of the coordinate scale of d's first axis,
// or nil when it has none (a netCDF dimension without a variable) or they
// are too few.
func (f *File) leadTimes(d *Dataset) []float64 {
	var buf [1024]C.char
	if C.rg_scale_path(d.id(), 0, &buf[0], C.size_t(len(buf))) <= 0 {
		return nil
	}
	sp := C.GoString(&buf[0])
	if sp == "" || f.isDimOnly(sp) {
		return nil
	}
	v, err := f.scaleValues(sp)
	if err != nil || int64(len(v)) < d.shape[0] {
		return nil
	}
	return v
}

func ints(v []int64) string {
	s := make([]string, len(v))
	for i, x := range v {
		s[i] = strconv.FormatInt(x, 10)
	}
	return strings.Join(s, " ")
}

// xdmfDataset writes the temporal collection of one field dataset, at X
// offset x0, and the views of its grids into the views file vf.
func xdmfDataset(b *bytes.Buffer, vf C.hid_t, have map[string]bool, file, data string, fd xdmfField, x0 int64) error {
	d, la := fd.d, fd.la
	rank := len(d.shape)
	lead, lat := d.shape[:rank-la], d.shape[rank-la:]
	// The grid's node extents, slowest (Z) first.
	mesh := lat
	if la == 2 {
		mesh = append([]int64{1}, lat...)
	}
	steps, per := lead[0], int64(1)
	if len(lead) == 2 {
		per = lead[1]
	}
	if steps*per > MaxXDMFGrids {
		steps = max(1, MaxXDMFGrids/per)
		per = min(per, MaxXDMFGrids)
	}
	num, prec := "Float", d.dtype.size()
	switch d.dtype {
	case Int64, Int32:
		num = "Int"
	case Uint64, Uint8:
		num = "UInt"
	}
	name := strings.TrimPrefix(d.path, "/")
	fmt.Fprintf(b, "  <Grid Name=%q GridType=\"Collection\" CollectionType=\"Temporal\">\n", name)
	start := make([]int64, rank)
	cfile, free := cstr(file)
	defer free()
	csrc, free2 := cstr(d.path)
	defer free2()
	for i := int64(0); i < steps; i++ {
		time := float64(i)
		if fd.times != nil {
			time = fd.times[i]
		}
		indent := "   "
		if len(lead) == 2 {
			fmt.Fprintf(b, "   <Grid Name=\"%s t=%d\" GridType=\"Collection\" CollectionType=\"Spatial\">\n", name, i)
			fmt.Fprintf(b, "    <Time Value=\"%s\"/>\n", strconv.FormatFloat(time, 'g', -1, 64))
			indent = "    "
		}
		for j := int64(0); j < per; j++ {
			start[0] = i
			idx := []int64{i}
			if len(lead) == 2 {
				start[1] = j
				idx = append(idx, j)
			}
			view := d.path + "/" + strings.ReplaceAll(ints(idx), " ", "_")
			if !have[view] {
				cview, free := cstr(view)
				rc := C.rg_vds_slice(vf, cview, C.int(d.dtype), C.int(len(mesh)), hptr(hsize(mesh)), cfile, csrc,
					C.int(rank), hptr(hsize(d.shape)), hptr(hsize(start)), C.int(la))
				free()
				if rc < 0 {
					return h5fail(nil, "XDMF view %s of %s", view, d.path)
				}
				C.rg_close(rc)
				have[view] = true
			}
			// Origin in XDMF's Z, Y, X order: the collection's X offset,
			// the sample's Y offset.
			origin := []int64{0, j * (mesh[len(mesh)-2] + xdmfGap), x0}
			fmt.Fprintf(b, "%s<Grid Name=\"%s %s\" GridType=\"Uniform\">\n", indent, name, ints(idx))
			if len(lead) == 1 {
				fmt.Fprintf(b, "%s <Time Value=\"%s\"/>\n", indent, strconv.FormatFloat(time, 'g', -1, 64))
			}
			fmt.Fprintf(b, "%s <Topology TopologyType=\"3DCoRectMesh\" Dimensions=%q/>\n", indent, ints(mesh))
			fmt.Fprintf(b, "%s <Geometry GeometryType=\"ORIGIN_DXDYDZ\">\n", indent)
			fmt.Fprintf(b, "%s  <DataItem Dimensions=\"3\" Format=\"XML\">%s</DataItem>\n", indent, ints(origin))
			fmt.Fprintf(b, "%s  <DataItem Dimensions=\"3\" Format=\"XML\">1 1 1</DataItem>\n", indent)
			fmt.Fprintf(b, "%s </Geometry>\n", indent)
			fmt.Fprintf(b, "%s <Attribute Name=%q AttributeType=\"Scalar\" Center=\"Node\">\n", indent, name)
			fmt.Fprintf(b, "%s  <DataItem Dimensions=%q NumberType=%q Precision=\"%d\" Format=\"HDF\">%s:%s</DataItem>\n",
				indent, ints(mesh), num, prec, data, view)
			fmt.Fprintf(b, "%s </Attribute>\n%s</Grid>\n", indent, indent)
		}
		if len(lead) == 2 {
			b.WriteString("   </Grid>\n")
		}
	}
	b.WriteString("  </Grid>\n")
	return nil
}

// ReadXDMFView reads the dataset dset of the plain HDF5 file path (a file
// of the sidecar's views, which has no rgflow root attributes) as float64,
// as an XDMF reader would, and returns its shape and values: what tests
// check a sidecar's data items against.
func ReadXDMFView(path, dset string) (shape []int64, data []float64, err error) {
	err = do(func() error {
		h, err := hdf5.OpenFile(path, hdf5.F_ACC_RDONLY)
		if err != nil {
			return h5fail(err, "open %s", path)
		}
		defer h.Close()
		d, err := h.OpenDataset(dset)
		if err != nil {
			return h5fail(err, "open %s:%s", path, dset)
		}
		defer d.Close()
		sp := d.Space()
		defer sp.Close()
		dims, _, err := sp.SimpleExtentDims()
		if err != nil {
			return h5fail(err, "shape of %s:%s", path, dset)
		}
		n := 1
		for _, x := range dims {
			shape = append(shape, int64(x))
			n *= int(x)
		}
		data = make([]float64, n)
		if n == 0 {
			return nil
		}
		zero := make([]int64, len(shape))
		return h5check(C.rg_read_slab(C.hid_t(d.ID()), C.RG_F64, C.int(len(shape)), hptr(hsize(zero)), hptr(hsize(shape)), unsafe.Pointer(&data[0])),
			"read %s:%s", path, dset)
	})
	return shape, data, err
}
