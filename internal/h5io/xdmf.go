// Copyright ©2026 The rgflow Authors. All rights reserved.

package h5io

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// The XDMF sidecar. Beside run.h5 the writer keeps run.xmf, an XDMF 3 file
// that describes every field dataset (a dataset with the attribute
// lattice_axes = 2 or 3) so ParaView and VisIt open lattice snapshots
// directly: 3-D fields as volumes on a 3DCoRectMesh, 2-D fields as images on
// a 2DCoRectMesh, unit spacing, origin 0, values on the nodes. The leading
// (sample, time, …) axes of a dataset become a temporal collection, one grid
// per leading index (row-major), at most MaxXDMFGrids per dataset; the data
// stay in the HDF5 file, read through hyperslabs.

// MaxXDMFGrids bounds the grids listed per dataset in the sidecar, so a
// 10⁵-sample ensemble does not produce a 100 MB XML file.
const MaxXDMFGrids = 1024

// latticeAxesAttr marks a field dataset and gives the number of trailing
// lattice axes.
const latticeAxesAttr = "lattice_axes"

// XDMFPath returns the sidecar's name for an HDF5 file name.
func XDMFPath(h5path string) string {
	return strings.TrimSuffix(h5path, filepath.Ext(h5path)) + ".xmf"
}

// writeXDMF rewrites the sidecar from every field dataset in the file. A
// file without field datasets gets no sidecar.
func (f *File) writeXDMF() error {
	paths, err := f.datasets()
	if err != nil {
		return err
	}
	var b bytes.Buffer
	n := 0
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
			return err
		}
		d, err := f.openDataset(p)
		if err != nil {
			return err
		}
		if d.dtype == Complex128 || (la[0] != 2 && la[0] != 3) || int64(len(d.shape)) < la[0] {
			continue
		}
		n++
		xdmfDataset(&b, filepath.Base(f.path), d, int(la[0]))
	}
	side := XDMFPath(f.path)
	if n == 0 {
		return nil
	}
	var out bytes.Buffer
	out.WriteString("<?xml version=\"1.0\" ?>\n<!DOCTYPE Xdmf SYSTEM \"Xdmf.dtd\" []>\n")
	out.WriteString("<!-- Written by rgflow beside the HDF5 file it describes; regenerated at every flush. -->\n")
	out.WriteString("<Xdmf Version=\"3.0\">\n <Domain>\n")
	out.Write(b.Bytes())
	out.WriteString(" </Domain>\n</Xdmf>\n")
	tmp := side + ".tmp"
	if err := os.WriteFile(tmp, out.Bytes(), 0o644); err != nil {
		return fmt.Errorf("h5io: XDMF sidecar: %w", err)
	}
	if err := os.Rename(tmp, side); err != nil {
		return fmt.Errorf("h5io: XDMF sidecar: %w", err)
	}
	return nil
}

func xdmfDataset(b *bytes.Buffer, file string, d *Dataset, la int) {
	rank := len(d.shape)
	lead := d.shape[:rank-la]
	lat := d.shape[rank-la:]
	grids := product(lead)
	if grids > MaxXDMFGrids {
		grids = MaxXDMFGrids
	}
	ints := func(v []int64) string {
		s := make([]string, len(v))
		for i, x := range v {
			s[i] = fmt.Sprint(x)
		}
		return strings.Join(s, " ")
	}
	num, prec := "Float", d.dtype.size()
	switch d.dtype {
	case Int64, Int32:
		num = "Int"
	case Uint64, Uint8:
		num = "UInt"
	}
	topo, geo := "3DCoRectMesh", "ORIGIN_DXDYDZ"
	if la == 2 {
		topo, geo = "2DCoRectMesh", "ORIGIN_DXDY"
	}
	zeros, ones := strings.TrimSpace(strings.Repeat("0 ", la)), strings.TrimSpace(strings.Repeat("1 ", la))
	name := strings.TrimPrefix(d.path, "/")
	fmt.Fprintf(b, "  <Grid Name=%q GridType=\"Collection\" CollectionType=\"Temporal\">\n", name)
	idx := make([]int64, len(lead))
	for g := int64(0); g < grids; g++ {
		// Row-major multi-index of grid g over the leading axes.
		r := g
		for i := len(lead) - 1; i >= 0; i-- {
			idx[i] = r % lead[i]
			r /= lead[i]
		}
		start := append(append([]int64(nil), idx...), make([]int64, la)...)
		stride := make([]int64, rank)
		for i := range stride {
			stride[i] = 1
		}
		count := append(make([]int64, 0, rank), lead...)
		for i := range lead {
			count[i] = 1
		}
		count = append(count, lat...)
		fmt.Fprintf(b, "   <Grid Name=\"%s %s\" GridType=\"Uniform\">\n", name, ints(idx))
		fmt.Fprintf(b, "    <Time Value=\"%d\"/>\n", g)
		fmt.Fprintf(b, "    <Topology TopologyType=%q Dimensions=%q/>\n", topo, ints(lat))
		fmt.Fprintf(b, "    <Geometry GeometryType=%q>\n", geo)
		fmt.Fprintf(b, "     <DataItem Dimensions=\"%d\" Format=\"XML\">%s</DataItem>\n", la, zeros)
		fmt.Fprintf(b, "     <DataItem Dimensions=\"%d\" Format=\"XML\">%s</DataItem>\n", la, ones)
		b.WriteString("    </Geometry>\n")
		fmt.Fprintf(b, "    <Attribute Name=%q AttributeType=\"Scalar\" Center=\"Node\">\n", name)
		fmt.Fprintf(b, "     <DataItem ItemType=\"HyperSlab\" Dimensions=%q Type=\"HyperSlab\">\n", ints(lat))
		fmt.Fprintf(b, "      <DataItem Dimensions=\"3 %d\" Format=\"XML\">%s %s %s</DataItem>\n", rank, ints(start), ints(stride), ints(count))
		fmt.Fprintf(b, "      <DataItem Dimensions=%q NumberType=%q Precision=\"%d\" Format=\"HDF\">%s:%s</DataItem>\n",
			ints(d.shape), num, prec, file, d.path)
		b.WriteString("     </DataItem>\n    </Attribute>\n   </Grid>\n")
	}
	b.WriteString("  </Grid>\n")
}
