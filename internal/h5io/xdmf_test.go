// Copyright ©2026 The rgflow Authors. All rights reserved.

package h5io_test

import (
	"encoding/xml"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"rgflow/internal/h5io"
)

type xdmfDoc struct {
	Domain struct {
		Collections []struct {
			Name  string `xml:"Name,attr"`
			Type  string `xml:"CollectionType,attr"`
			Grids []struct {
				Name     string `xml:"Name,attr"`
				Topology struct {
					Type string `xml:"TopologyType,attr"`
					Dims string `xml:"Dimensions,attr"`
				} `xml:"Topology"`
				Geometry struct {
					Type string `xml:"GeometryType,attr"`
				} `xml:"Geometry"`
				Attribute struct {
					Slab struct {
						Dims  string `xml:"Dimensions,attr"`
						Items []struct {
							Dims   string `xml:"Dimensions,attr"`
							Format string `xml:"Format,attr"`
							Prec   string `xml:"Precision,attr"`
							Text   string `xml:",chardata"`
						} `xml:"DataItem"`
					} `xml:"DataItem"`
				} `xml:"Attribute"`
			} `xml:"Grid"`
		} `xml:"Grid"`
	} `xml:"Domain"`
}

func ints(s string) []int64 {
	var out []int64
	for _, f := range strings.Fields(s) {
		v, _ := strconv.ParseInt(f, 10, 64)
		out = append(out, v)
	}
	return out
}

// The sidecar lists 3-D fields as volumes and 2-D fields as images, one grid
// per leading index, and each grid's hyperslab selects exactly that sample.
func TestXDMFSidecar(t *testing.T) {
	f, path := mustCreate(t, h5io.Meta{})
	vol, err := f.CreateDataset("/ensemble/v/fields", h5io.Spec{Dtype: h5io.Float64, Shape: []int64{0, 3, 4, 5}, Extendible: true, Lattice: 3})
	if err != nil {
		t.Fatal(err)
	}
	img, err := f.CreateDataset("/flow/p/snapshots", h5io.Spec{Dtype: h5io.Float32, Shape: []int64{2, 2, 4, 6}, Lattice: 2})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.CreateDataset("/other", h5io.Spec{Dtype: h5io.Float64, Shape: []int64{4, 6}}); err != nil {
		t.Fatal(err)
	}
	v := make([]float64, 2*60)
	for i := range v {
		v[i] = float64(i)
	}
	vol.Append(v)
	w := make([]float32, 2*2*24)
	for i := range w {
		w[i] = float32(i)
	}
	img.Write(w)
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	side := h5io.XDMFPath(path)
	data, err := os.ReadFile(side)
	if err != nil {
		t.Fatal(err)
	}
	var doc xdmfDoc
	if err := xml.Unmarshal(data, &doc); err != nil {
		t.Fatalf("sidecar is not XML: %v", err)
	}
	cols := doc.Domain.Collections
	if len(cols) != 2 {
		t.Fatalf("%d collections, want 2 (the non-field dataset must not appear)", len(cols))
	}
	g, err := h5io.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	for _, c := range cols {
		wantGrids, topo, geo, dims := 2, "3DCoRectMesh", "ORIGIN_DXDYDZ", "3 4 5"
		if c.Name == "flow/p/snapshots" {
			wantGrids, topo, geo, dims = 4, "2DCoRectMesh", "ORIGIN_DXDY", "4 6"
		}
		if c.Type != "Temporal" || len(c.Grids) != wantGrids {
			t.Errorf("%s: %s collection of %d grids, want Temporal of %d", c.Name, c.Type, len(c.Grids), wantGrids)
			continue
		}
		d, err := g.OpenDataset("/" + c.Name)
		if err != nil {
			t.Fatal(err)
		}
		for k, grid := range c.Grids {
			if grid.Topology.Type != topo || grid.Topology.Dims != dims || grid.Geometry.Type != geo {
				t.Errorf("%s grid %d: %s %q %s", c.Name, k, grid.Topology.Type, grid.Topology.Dims, grid.Geometry.Type)
			}
			items := grid.Attribute.Slab.Items
			if len(items) != 2 || items[1].Format != "HDF" || items[1].Text != filepath.Base(path)+":/"+c.Name {
				t.Fatalf("%s grid %d: data items %+v", c.Name, k, items)
			}
			sel := ints(items[0].Text)
			rank := len(sel) / 3
			start, count := sel[:rank], sel[2*rank:]
			// The selected sample, read through the hyperslab the sidecar names.
			n := int64(1)
			for _, x := range count {
				n *= x
			}
			switch d.Dtype() {
			case h5io.Float64:
				got := make([]float64, n)
				if err := d.ReadAt(got, start, count); err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(got, v[int64(k)*n:int64(k+1)*n]) || items[1].Prec != "8" {
					t.Errorf("%s grid %d selects the wrong sample", c.Name, k)
				}
			case h5io.Float32:
				got := make([]float32, n)
				if err := d.ReadAt(got, start, count); err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(got, w[int64(k)*n:int64(k+1)*n]) || items[1].Prec != "4" {
					t.Errorf("%s grid %d selects the wrong sample", c.Name, k)
				}
			}
		}
	}
}
