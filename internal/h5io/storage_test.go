// Copyright ©2026 The rgflow Authors. All rights reserved.

package h5io_test

import (
	"os"
	"os/exec"
	"strings"
	"testing"

	"rgflow/internal/h5io"
)

// TestStorageLayoutByH5dump reads the storage layout and the filters of
// datasets back with h5dump (libhdf5's own reader, outside this package):
// a plain dataset is contiguous; a compressed one without a chunk shape
// gets the default chunk (one leading element) and DEFLATE at its level;
// an explicit chunk without compression has no DEFLATE filter (none of
// level 0); an extendible one is chunked, not compressed.
func TestStorageLayoutByH5dump(t *testing.T) {
	if _, err := exec.LookPath("h5dump"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("h5dump not found (install hdf5-tools: make deps)")
		}
		t.Skip("h5dump not found (install hdf5-tools)")
	}
	f, path := mustCreate(t, h5io.Meta{})
	data := make([]float64, 10*64)
	for i := range data {
		data[i] = float64(i % 7)
	}
	for _, c := range []struct {
		name string
		spec h5io.Spec
	}{
		{"plain", h5io.Spec{Dtype: h5io.Float64, Shape: []int64{10, 64}}},
		{"deflated", h5io.Spec{Dtype: h5io.Float64, Shape: []int64{10, 64}, Deflate: 4}},
		{"chunked", h5io.Spec{Dtype: h5io.Float64, Shape: []int64{10, 64}, Chunk: []int64{2, 8}}},
	} {
		if _, err := f.Put("/"+c.name, c.spec, data); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
	}
	if _, err := f.CreateDataset("/ext", h5io.Spec{Dtype: h5io.Float64, Shape: []int64{0, 64}, Extendible: true}); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, layout, deflate string // deflate: the DEFLATE filter line, "" for none
	}{
		{"plain", "CONTIGUOUS", ""},
		{"deflated", "CHUNKED ( 1, 64 )", "COMPRESSION DEFLATE { LEVEL 4 }"},
		{"chunked", "CHUNKED ( 2, 8 )", ""},
		{"ext", "CHUNKED ( 1, 64 )", ""},
	} {
		out, err := exec.Command("h5dump", "-p", "-H", "-d", "/"+c.name, path).Output()
		if err != nil {
			t.Fatalf("h5dump /%s: %v", c.name, err)
		}
		layout, filters := section(string(out), "STORAGE_LAYOUT"), section(string(out), "FILTERS")
		if len(layout) == 0 || !strings.HasPrefix(layout[0], c.layout) {
			t.Errorf("/%s: storage layout %q, want %q", c.name, layout, c.layout)
		}
		deflate := ""
		for _, l := range filters {
			if strings.Contains(l, "DEFLATE") {
				deflate = l
			}
		}
		if deflate != c.deflate {
			t.Errorf("/%s: filters %q, want the deflate filter %q", c.name, filters, c.deflate)
		}
	}
}

// section returns the lines inside the block "name {" of h5dump's output,
// trimmed, up to its closing brace.
func section(out, name string) []string {
	_, after, ok := strings.Cut(out, name+" {")
	if !ok {
		return nil
	}
	var lines []string
	for _, l := range strings.Split(after, "\n") {
		if l = strings.TrimSpace(l); l == "}" {
			break
		} else if l != "" {
			lines = append(lines, l)
		}
	}
	return lines
}

// TestScaleErrorsReachTheCaller: a coordinate scale that does not exist, or
// a dataset that is not a scale, attached to an unlabelled axis, makes
// CreateDataset fail with an error (not a panic, not a silent dataset
// without its coordinates).
func TestScaleErrorsReachTheCaller(t *testing.T) {
	f, _ := mustCreate(t, h5io.Meta{})
	defer f.Close()
	if _, err := f.Put("/notscale", h5io.Spec{}, []float64{1, 2, 3}); err != nil {
		t.Fatal(err)
	}
	for _, sp := range []string{"/missing", "/notscale"} {
		if _, err := f.CreateDataset("/x"+strings.TrimPrefix(sp, "/"), h5io.Spec{Dtype: h5io.Float64, Shape: []int64{3}, Scales: []string{sp}}); err == nil {
			t.Errorf("scale %s: want error", sp)
		}
	}
}
