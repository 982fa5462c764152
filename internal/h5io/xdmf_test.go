// Copyright ©2026 The rgflow Authors. All rights reserved.

package h5io_test

import (
	"os"
	"slices"
	"testing"

	"rgflow/internal/h5io"
	"rgflow/internal/h5io/h5iotest"
)

// The sidecar lists 3-D fields as volumes and 2-D fields as one-node-thick
// images in the X–Y plane, one grid per leading index, each collection at
// its own place along X and the samples of one flow time side by side
// along Y; every grid's data item is a plain dataset of the views file,
// which holds exactly that field, and Time is the flow time where the
// first axis has coordinates, else the index.
func TestXDMFSidecar(t *testing.T) {
	f, path := mustCreate(t, h5io.Meta{})
	vol, err := f.CreateDataset("/ensemble/v/fields", h5io.Spec{Dtype: h5io.Float64, Shape: []int64{0, 3, 4, 5}, Extendible: true, Lattice: 3})
	if err != nil {
		t.Fatal(err)
	}
	times := []float64{0.5, 1.25}
	if err := f.CreateScale("/flow/p/t", "t", times, "1", "flow time"); err != nil {
		t.Fatal(err)
	}
	img, err := f.CreateDataset("/flow/p/snapshots", h5io.Spec{Dtype: h5io.Float32, Shape: []int64{2, 2, 4, 6}, Lattice: 2,
		Dims: []string{"t", "sample", "x1", "x2"}, Scales: []string{"/flow/p/t", "", "", ""}})
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
	if err := vol.Append(v); err != nil {
		t.Fatal(err)
	}
	w := make([]float32, 2*2*24)
	for i := range w {
		w[i] = float32(i) / 4
	}
	if err := img.Write(w); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	grids, err := h5iotest.CheckXDMF(h5io.XDMFPath(path))
	if err != nil {
		t.Fatal(err)
	}
	var nv, ni int
	for _, g := range grids {
		switch g.Collection {
		case "ensemble/v/fields":
			k := nv
			nv++
			want := v[k*60 : (k+1)*60]
			if !slices.Equal(g.Mesh, []int64{3, 4, 5}) || !slices.Equal(g.Origin, []float64{0, 0, 0}) || g.Time != float64(k) || !slices.Equal(g.Data, want) {
				t.Errorf("volume grid %d: mesh %v origin %v time %v, data equal %v", k, g.Mesh, g.Origin, g.Time, slices.Equal(g.Data, want))
			}
		case "flow/p/snapshots":
			i, j := ni/2, ni%2
			ni++
			want := make([]float64, 24)
			for n := range want {
				want[n] = float64(w[(2*i+j)*24+n])
			}
			// After the volume's 5 nodes along X and the gap of 2; the
			// second sample after the first's 4 nodes along Y and the gap.
			if !slices.Equal(g.Mesh, []int64{1, 4, 6}) || !slices.Equal(g.Origin, []float64{0, float64(6 * j), 7}) || g.Time != times[i] || !slices.Equal(g.Data, want) {
				t.Errorf("image grid (t %d, sample %d): mesh %v origin %v time %v, data %v want %v", i, j, g.Mesh, g.Origin, g.Time, g.Data[:4], want[:4])
			}
		default:
			t.Errorf("grid of %q: only field datasets belong in the sidecar", g.Collection)
		}
	}
	if nv != 2 || ni != 4 {
		t.Errorf("%d volume and %d image grids, want 2 and 4", nv, ni)
	}
	if _, err := os.Stat(h5io.XDMFDataPath(path)); err != nil {
		t.Errorf("views file: %v", err)
	}
}
