// Copyright ©2026 The rgflow Authors. All rights reserved.

package h5io_test

import (
	"path/filepath"
	"slices"
	"testing"

	"rgflow/internal/h5io"
)

// TestAttrEveryType writes an attribute of every supported Go type, closes
// the file, reopens it and reads each back into its own type: values are
// exact, a Go int comes back as int64 and []int as []int64, and a stored
// type read into another (float32 into *float64) is an error.
func TestAttrEveryType(t *testing.T) {
	path := filepath.Join(t.TempDir(), "attrs.h5")
	f, err := h5io.Create(path, h5io.Meta{Experiment: "test"}, h5io.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	set := map[string]any{
		"int": -7, "ints": []int{3, -1, 4}, "f64": 0.1, "f32": float32(0.25), "i64": int64(-1 << 40),
		"i32": int32(-123456), "u64": uint64(1<<63 + 5), "u8": uint8(200), "bool": true, "c128": complex(1.5, -2.25),
		"str": "ρ = ½",
	}
	for name, v := range set {
		if err := f.SetAttr("/", name, v); err != nil {
			t.Fatalf("SetAttr %s = %v: %v", name, v, err)
		}
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	r, err := h5io.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var (
		i64s []int64
		i, j int64
		d    float64
		s    float32
		i32  int32
		u    uint64
		b8   uint8
		b    bool
		z    complex128
		str  string
	)
	for _, c := range []struct {
		name string
		dst  any
		ok   func() bool
	}{
		{"int", &i, func() bool { return i == -7 }},
		{"ints", &i64s, func() bool { return slices.Equal(i64s, []int64{3, -1, 4}) }},
		{"f64", &d, func() bool { return d == 0.1 }},
		{"f32", &s, func() bool { return s == 0.25 }},
		{"i64", &j, func() bool { return j == -1<<40 }},
		{"i32", &i32, func() bool { return i32 == -123456 }},
		{"u64", &u, func() bool { return u == 1<<63+5 }},
		{"u8", &b8, func() bool { return b8 == 200 }},
		{"bool", &b, func() bool { return b }},
		{"c128", &z, func() bool { return z == complex(1.5, -2.25) }},
		{"str", &str, func() bool { return str == "ρ = ½" }},
	} {
		if err := r.Attr("/", c.name, c.dst); err != nil || !c.ok() {
			t.Errorf("attribute %s: %v (read %v)", c.name, err, c.dst)
		}
	}
	if err := r.Attr("/", "f32", &d); err == nil {
		t.Error("a float32 attribute read into *float64: want error")
	}
}
