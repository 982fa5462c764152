// Copyright ©2026 The rgflow Authors. All rights reserved.

package h5io_test

import (
	"path/filepath"
	"testing"

	"rgflow/internal/h5io"
)

// Close alone must write the rows an extendible deflated dataset still
// holds in its stage: nothing before Close flushes, checkpoints, reads the
// length or the shape, so only Close's drain can save them. The rows are
// single-row appends, fewer than a stage (a partial stage) and more than
// one stage (a full stage written plus a partial one left over).
func TestCloseWritesStagedRows(t *testing.T) {
	old := h5io.StageRows
	h5io.StageRows = 4
	defer func() { h5io.StageRows = old }()
	for _, rows := range []int{1, 3, 4, 7} {
		path := filepath.Join(t.TempDir(), "staged.h5")
		f, err := h5io.Create(path, h5io.Meta{Experiment: "test"}, h5io.CreateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		d, err := f.CreateDataset("/x", h5io.Spec{Dtype: h5io.Float64, Shape: []int64{0, 3}, Extendible: true, Deflate: 4})
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < rows; i++ {
			if err := d.Append([]float64{float64(i), float64(10 * i), -float64(i) / 3}); err != nil {
				t.Fatal(err)
			}
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}

		r, err := h5io.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		rd, err := r.OpenDataset("/x")
		if err != nil {
			t.Fatal(err)
		}
		var got []float64
		shape, err := rd.Read(&got)
		if err != nil {
			t.Fatal(err)
		}
		r.Close()
		if len(shape) != 2 || shape[0] != int64(rows) || shape[1] != 3 {
			t.Fatalf("%d rows appended, then Close: shape %v", rows, shape)
		}
		for i := 0; i < rows; i++ {
			want := []float64{float64(i), float64(10 * i), -float64(i) / 3}
			for j, w := range want {
				if got[3*i+j] != w {
					t.Fatalf("%d rows: row %d element %d = %v, want %v", rows, i, j, got[3*i+j], w)
				}
			}
		}
	}
}
