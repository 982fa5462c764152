// Copyright ©2026 The rgflow Authors. All rights reserved.

package sweep

import (
	"slices"
	"strings"
	"testing"

	"rgflow/internal/h5io"
)

// layout places each dataset of the task files as docs/hdf5-schema.md
// ("Merged sweep files") says: alike coordinates once, differing ones as
// <name>_by_task, the rest along task with their labels (or <name>_dim_<k>),
// and refuses, with the reason, what would break the netCDF view.
func TestLayout(t *testing.T) {
	f8 := func(shape []int64, labels ...string) dset {
		if labels == nil {
			labels = make([]string, len(shape))
		}
		return dset{dtype: h5io.Float64, shape: shape, labels: labels}
	}
	scale := func(n int64, alike bool) dset {
		d := f8([]int64{n}, "")
		d.scale = true
		if alike {
			d.coord = make([]float64, n)
		}
		return d
	}
	stacked := map[string]dset{
		"/g/t":         scale(3, false),             // differs between tasks
		"/g/k":         scale(2, true),              // alike
		"/g/a":         f8([]int64{5, 3}, "s", "t"), // over t: a dimension without variable
		"/g/b":         f8([]int64{2}, "k"),
		"/g/c":         f8([]int64{4}, "s"), // s has length 5 in /g/a
		"/g/task":      f8([]int64{}),
		"/g/param_x":   f8([]int64{}),
		"/g/d":         f8([]int64{2}, "replica"),
		"/g/e":         f8([]int64{2}, "a"), // the dimension would be the dataset /g/a
		"/grid":        f8([]int64{2, 3}),
		"/h/sub/value": f8([]int64{}),
	}
	spec := Spec{Axes: []Axis{{Key: "x", Values: []any{1, 2}}}}
	skipped := layout(spec, stacked, []string{"/z: earlier"})
	for p, want := range map[string]struct {
		target string
		dims   []string
	}{
		"/g/t":         {"/g/t_by_task", []string{"task", "t"}},
		"/g/k":         {"/g/k", nil},
		"/g/a":         {"/g/a", []string{"task", "s", "t"}},
		"/g/b":         {"/g/b", []string{"task", "k"}},
		"/grid":        {"/grid", []string{"task", "grid_dim_0", "grid_dim_1"}},
		"/h/sub/value": {"/h/sub/value", []string{"task"}},
	} {
		ds, ok := stacked[p]
		if !ok || ds.target != want.target || !slices.Equal(ds.dims, want.dims) {
			t.Errorf("%s: stacked %t at %q with dims %q; want %q %q", p, ok, ds.target, ds.dims, want.target, want.dims)
		}
	}
	for p, why := range map[string]string{
		"/g/c":       "has length 4",
		"/g/task":    "taken by the task coordinates",
		"/g/param_x": "taken by the task coordinates",
		"/g/d":       "labelled replica",
		"/g/e":       "which is a dataset",
		"/z":         "earlier",
	} {
		i := slices.IndexFunc(skipped, func(s string) bool { return strings.HasPrefix(s, p+": ") })
		if _, still := stacked[p]; still || i < 0 || !strings.Contains(skipped[i], why) {
			t.Errorf("%s: want it skipped because %q; skipped: %q", p, why, skipped)
		}
	}
	if len(stacked) != 6 || len(skipped) != 6 || !slices.IsSorted(skipped) {
		t.Errorf("%d stacked, skipped %q", len(stacked), skipped)
	}
}
