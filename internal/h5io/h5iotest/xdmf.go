// Copyright ©2026 The rgflow Authors. All rights reserved.

package h5iotest

import (
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"rgflow/internal/h5io"
)

// XDMFGrid is one uniform grid of a sidecar as CheckXDMF read it.
type XDMFGrid struct {
	Collection string    // the enclosing temporal collection's name
	Time       float64   // its Time value (−1 if none)
	Origin     []float64 // Z, Y, X
	Mesh       []int64   // node extents, Z, Y, X
	File, Path string    // the HDF data item
	Data       []float64 // the values it resolves to
}

// CheckXDMF reads the XDMF sidecar at path as ParaView's XDMF3 reader
// needs it and returns its grids: every grid a 3DCoRectMesh, no HyperSlab
// (or other non-plain) data item anywhere, and every HDF data item a
// dataset that exists, in a file beside the sidecar, with exactly the
// item's and the topology's dimensions.
func CheckXDMF(path string) ([]XDMFGrid, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	dec := xml.NewDecoder(f)
	var (
		grids      []XDMFGrid
		cur        *XDMFGrid
		stack      []string // element names
		collection string
		time       = []float64{}
		geo        []float64
		text       strings.Builder
		item       xml.StartElement
	)
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		switch e := tok.(type) {
		case xml.StartElement:
			stack = append(stack, e.Name.Local)
			text.Reset()
			switch e.Name.Local {
			case "Grid":
				switch attr(e, "GridType") {
				case "Collection":
					if attr(e, "CollectionType") == "Temporal" {
						collection = attr(e, "Name")
					}
				case "Uniform":
					cur = &XDMFGrid{Collection: collection, Time: -1}
					if len(time) > 0 {
						cur.Time = time[len(time)-1]
					}
					geo = nil
				default:
					return nil, fmt.Errorf("%s: grid %q of type %q", path, attr(e, "Name"), attr(e, "GridType"))
				}
			case "Time":
				v, err := strconv.ParseFloat(attr(e, "Value"), 64)
				if err != nil {
					return nil, fmt.Errorf("%s: Time %q: %w", path, attr(e, "Value"), err)
				}
				if cur != nil {
					cur.Time = v
				} else {
					time = append(time, v)
				}
			case "Topology":
				if cur == nil || attr(e, "TopologyType") != "3DCoRectMesh" {
					return nil, fmt.Errorf("%s: topology %q outside a uniform grid or not a 3DCoRectMesh", path, attr(e, "TopologyType"))
				}
				cur.Mesh = ints(attr(e, "Dimensions"))
			case "DataItem":
				if it := attr(e, "ItemType"); (it != "" && it != "Uniform") || attr(e, "Type") == "HyperSlab" {
					return nil, fmt.Errorf("%s: a %s%s data item (ParaView's XDMF3 reader skips them)", path, it, attr(e, "Type"))
				}
				item = e
			}
		case xml.CharData:
			text.Write(e)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
			switch e.Name.Local {
			case "DataItem":
				if cur == nil {
					return nil, fmt.Errorf("%s: a data item outside a uniform grid", path)
				}
				if err := dataItem(path, cur, item, strings.TrimSpace(text.String()), &geo, stack); err != nil {
					return nil, err
				}
			case "Grid":
				if cur != nil {
					if cur.File == "" || len(cur.Origin) != 3 {
						return nil, fmt.Errorf("%s: grid of %s without data or origin", path, cur.Collection)
					}
					grids = append(grids, *cur)
					cur = nil
				} else if len(time) > 0 && slices.Contains(stack, "Grid") {
					time = time[:len(time)-1]
				}
			}
		}
	}
	return grids, nil
}

// attr returns the value of the attribute name of e, or "".
func attr(e xml.StartElement, name string) string {
	for _, a := range e.Attr {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

func dataItem(path string, g *XDMFGrid, e xml.StartElement, text string, geo *[]float64, stack []string) error {
	dims := ints(attr(e, "Dimensions"))
	switch stack[len(stack)-1] {
	case "Geometry":
		if attr(e, "Format") != "XML" || !slices.Equal(dims, []int64{3}) {
			return fmt.Errorf("%s: geometry item %q", path, text)
		}
		var v []float64
		for _, s := range strings.Fields(text) {
			x, err := strconv.ParseFloat(s, 64)
			if err != nil {
				return fmt.Errorf("%s: geometry %q: %w", path, text, err)
			}
			v = append(v, x)
		}
		*geo = append(*geo, v...)
		if len(*geo) == 3 {
			g.Origin = *geo
		}
	case "Attribute":
		if attr(e, "Format") != "HDF" {
			return fmt.Errorf("%s: attribute item of format %q, want HDF", path, attr(e, "Format"))
		}
		file, dset, ok := strings.Cut(text, ":")
		if !ok || filepath.Base(file) != file {
			return fmt.Errorf("%s: HDF item %q: want FILE:/dataset with FILE beside the sidecar", path, text)
		}
		shape, data, err := h5io.ReadXDMFView(filepath.Join(filepath.Dir(path), file), dset)
		if err != nil {
			return fmt.Errorf("%s: HDF item %q: %w", path, text, err)
		}
		if !slices.Equal(shape, dims) || !slices.Equal(dims, g.Mesh) {
			return fmt.Errorf("%s: HDF item %q: dataset shape %v, item dimensions %v, mesh %v", path, text, shape, dims, g.Mesh)
		}
		g.File, g.Path, g.Data = file, dset, data
	default:
		return fmt.Errorf("%s: data item %q under %s", path, text, stack[len(stack)-1])
	}
	return nil
}

func ints(s string) []int64 {
	var out []int64
	for _, f := range strings.Fields(s) {
		v, _ := strconv.ParseInt(f, 10, 64)
		out = append(out, v)
	}
	return out
}
