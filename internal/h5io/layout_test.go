// Copyright ©2026 The rgflow Authors. All rights reserved.

package h5io_test

import (
	"math"
	"slices"
	"testing"

	"rgflow/internal/h5io"
)

// khat2Tol allows the last-bit difference between sin(2πn/L / 2) and
// sin(πn/L): a few ulp of the largest k̂² (4d).
const khat2Tol = 16 * 4 * 3 * 0x1p-52

// WriteLattice writes the dispersion of the schema, k̂² = Σ 4 sin²(k_μ/2),
// with k_μ = 2πn_μ/L_μ (periodic) or πn_μ/L_μ (open), row-major.
func TestWriteLattice(t *testing.T) {
	for _, c := range []struct {
		boundary string
		step     float64
	}{{"periodic", 2 * math.Pi}, {"open", math.Pi}} {
		f, path := mustCreate(t, h5io.Meta{})
		dims := []int{3, 4, 5}
		if err := f.WriteLattice(dims, c.boundary); err != nil {
			t.Fatal(err)
		}
		f.Close()
		g, err := h5io.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		d, _ := g.OpenDataset("/lattice/khat2")
		var kh []float64
		shape, err := d.Read(&kh)
		if err != nil || !slices.Equal(shape, []int64{3, 4, 5}) {
			t.Fatalf("%s: khat2 shape %v, %v", c.boundary, shape, err)
		}
		for i := 0; i < 3; i++ {
			for j := 0; j < 4; j++ {
				for k := 0; k < 5; k++ {
					want := 0.0
					for mu, n := range []int{i, j, k} {
						s := math.Sin(c.step * float64(n) / float64(dims[mu]) / 2)
						want += 4 * s * s
					}
					if got := kh[(i*4+j)*5+k]; math.Abs(got-want) > khat2Tol {
						t.Errorf("%s: khat2[%d,%d,%d] = %v, want %v", c.boundary, i, j, k, got, want)
					}
				}
			}
		}
		var b string
		var vol int64
		g.Attr("/lattice", "boundary", &b)
		g.Attr("/lattice", "volume", &vol)
		if b != c.boundary || vol != 60 {
			t.Errorf("attributes boundary %q volume %d", b, vol)
		}
		if l, _ := d.Label(2); l != "k3" {
			t.Errorf("khat2 axis 2 label %q", l)
		}
		g.Close()
	}
	f, _ := mustCreate(t, h5io.Meta{})
	defer f.Close()
	if err := f.WriteLattice([]int{4, 0}, "periodic"); err == nil {
		t.Error("extent 0 accepted")
	}
	if err := f.WriteLattice([]int{4}, "twisted"); err == nil {
		t.Error("boundary twisted accepted")
	}
}

// Put infers the element type and 1-D shape from the data.
func TestPut(t *testing.T) {
	f, _ := mustCreate(t, h5io.Meta{})
	defer f.Close()
	d, err := f.Put("/a/b", h5io.Spec{Units: "1"}, []int64{1, 2, 3})
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Expect(h5io.Int64, 3); err != nil {
		t.Error(err)
	}
	// A length that does not fill the shape is a programmer error.
	if msg := panics(func() { f.Put("/a/c", h5io.Spec{Shape: []int64{2, 2}}, []float64{1, 2, 3}) }); msg == "" {
		t.Error("short data did not panic")
	}
}
