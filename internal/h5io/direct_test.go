// Copyright ©2026 The rgflow Authors. All rights reserved.

package h5io_test

import (
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"testing"

	"rgflow/internal/h5io"
)

// Rows written through the direct chunk path (raw, and deflated in the
// caller's goroutines with staging) read back through HDF5's own pipeline
// exactly as written, the same as rows written through H5Dwrite (a chunk of
// two rows does not qualify for the direct path). Bytes that do not
// compress are stored with the deflate filter marked skipped.
func TestDirectChunkWrites(t *testing.T) {
	const rows, w = 23, 5
	rnd := rand.New(rand.NewPCG(4, 5))
	vals := make([]float64, rows*w)
	for i := range vals {
		vals[i] = rnd.NormFloat64()
	}
	noise := make([]byte, rows*w*8)
	for i := range noise {
		noise[i] = byte(rnd.Uint32())
	}
	path := filepath.Join(t.TempDir(), "d.h5")
	f, err := h5io.Create(path, h5io.Meta{}, h5io.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	type cas struct {
		name    string
		spec    h5io.Spec
		write   func(d *h5io.Dataset) error
		want    any
		wantLen int64
	}
	var cases []cas
	for _, deflate := range []int{0, 4} {
		for _, chunkRows := range []int64{1, 2} {
			spec := h5io.Spec{Dtype: h5io.Float64, Shape: []int64{0, w}, Extendible: true, Chunk: []int64{chunkRows, w}, Deflate: deflate}
			tag := fmt.Sprintf("deflate%d-chunk%d", deflate, chunkRows)
			cases = append(cases,
				cas{tag + "-one-at-a-time", spec, func(d *h5io.Dataset) error {
					for r := 0; r < rows; r++ {
						if err := d.Append(vals[r*w : (r+1)*w]); err != nil {
							return err
						}
					}
					return nil
				}, vals, rows},
				cas{tag + "-batches", spec, func(d *h5io.Dataset) error {
					for r := 0; r < rows; r += 7 {
						if err := d.Append(vals[r*w : min(r+7, rows)*w]); err != nil {
							return err
						}
					}
					return nil
				}, vals, rows})
			fixed := spec
			fixed.Shape, fixed.Extendible = []int64{rows, w}, false
			cases = append(cases, cas{tag + "-fixed-writeat", fixed, func(d *h5io.Dataset) error {
				for r := int64(0); r < rows; r += 4 {
					n := min(4, rows-r)
					if err := d.WriteAt(vals[r*w:(r+n)*w], []int64{r, 0}, []int64{n, w}); err != nil {
						return err
					}
				}
				return nil
			}, vals, rows})
		}
	}
	cases = append(cases, cas{"incompressible", h5io.Spec{Dtype: h5io.Uint8, Shape: []int64{0, w * 8}, Extendible: true, Deflate: 9},
		func(d *h5io.Dataset) error {
			for r := 0; r < rows; r++ {
				if err := d.Append(noise[r*w*8 : (r+1)*w*8]); err != nil {
					return err
				}
			}
			return nil
		}, noise, rows})
	for i, c := range cases {
		d, err := f.CreateDataset(fmt.Sprintf("/c%d", i), c.spec)
		if err != nil {
			t.Fatal(err)
		}
		if err := c.write(d); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if n := d.Len(); n != c.wantLen {
			t.Errorf("%s: Len %d, want %d", c.name, n, c.wantLen)
		}
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	g, err := h5io.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	for i, c := range cases {
		d, err := g.OpenDataset(fmt.Sprintf("/c%d", i))
		if err != nil {
			t.Fatal(err)
		}
		switch want := c.want.(type) {
		case []float64:
			var got []float64
			if _, err := d.Read(&got); err != nil || !slices.Equal(got, want) {
				t.Errorf("%s: read back differs (%v)", c.name, err)
			}
		case []byte:
			var got []byte
			if _, err := d.Read(&got); err != nil || !slices.Equal(got, want) {
				t.Errorf("%s: read back differs (%v)", c.name, err)
			}
		}
	}
}

// Staged rows are on disk after Flush and counted in a checkpoint.
func TestStagedRowsReachCheckpoint(t *testing.T) {
	f, path := mustCreate(t, h5io.Meta{})
	d, err := f.CreateDataset("/x", h5io.Spec{Dtype: h5io.Float64, Shape: []int64{0, 3}, Extendible: true, Deflate: 1})
	if err != nil {
		t.Fatal(err)
	}
	d.Append([]float64{1, 2, 3})
	if err := f.SaveCheckpoint(h5io.Checkpoint{Step: 1}); err != nil {
		t.Fatal(err)
	}
	f.Close()
	g, err := h5io.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	c, _, err := g.ReadCheckpoint()
	if err != nil || c.Lengths["/x"] != 1 {
		t.Errorf("checkpoint lengths %v, %v; want /x: 1", c.Lengths, err)
	}
}
