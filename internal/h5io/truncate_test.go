// Copyright ©2026 The rgflow Authors. All rights reserved.

package h5io_test

import (
	"slices"
	"testing"

	"rgflow/internal/h5io"
)

// TestTruncateAndEmptySlabs: Truncate shrinks an extendible dataset to its
// first rows and grows it with fill values (zero); an empty dataset reads
// as an empty slice without error, and an empty slab (a zero count) is a
// valid selection; Truncate of a fixed-size dataset, or to a negative
// length, panics.
func TestTruncateAndEmptySlabs(t *testing.T) {
	for _, deflate := range []int{0, 4} {
		f, _ := mustCreate(t, h5io.Meta{})
		d, err := f.CreateDataset("/x", h5io.Spec{Dtype: h5io.Float64, Shape: []int64{0, 3}, Extendible: true, Deflate: deflate})
		if err != nil {
			t.Fatal(err)
		}
		rows := make([]float64, 15)
		for i := range rows {
			rows[i] = float64(i + 1)
		}
		if err := d.Append(rows); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			n    int64
			want []float64
		}{
			{2, rows[:6]},
			{4, append(slices.Clone(rows[:6]), 0, 0, 0, 0, 0, 0)},
			{0, []float64{}},
		} {
			if err := d.Truncate(c.n); err != nil {
				t.Fatalf("deflate %d: Truncate(%d): %v", deflate, c.n, err)
			}
			var got []float64
			shape, err := d.Read(&got)
			if err != nil || d.Len() != c.n || !slices.Equal(shape, []int64{c.n, 3}) || !slices.Equal(got, c.want) {
				t.Errorf("deflate %d: after Truncate(%d): %v %v, %v; want %v", deflate, c.n, shape, got, err, c.want)
			}
		}
		if err := d.WriteAt([]float64{}, []int64{0, 0}, []int64{0, 3}); err != nil {
			t.Errorf("deflate %d: an empty slab: %v", deflate, err)
		}
		if !panicked(func() { d.Truncate(-1) }) {
			t.Errorf("deflate %d: Truncate(-1): want panic", deflate)
		}
		fixed, err := f.Put("/fixed", h5io.Spec{}, []float64{1, 2})
		if err != nil {
			t.Fatal(err)
		}
		if !panicked(func() { fixed.Truncate(1) }) {
			t.Errorf("deflate %d: Truncate of a fixed-size dataset: want panic", deflate)
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

func panicked(f func()) (p bool) {
	defer func() { p = recover() != nil }()
	f()
	return false
}
