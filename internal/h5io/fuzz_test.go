// Copyright ©2026 The rgflow Authors. All rights reserved.

package h5io_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"rgflow/internal/h5io"
	"rgflow/internal/h5io/h5iotest"
)

// readAll runs every validation path of the reader over the file at path:
// schema check, root attributes, every dataset (type, shape, values), the
// checkpoint. It returns the first error; it must never panic.
func readAll(path string) error {
	f, err := h5io.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	var first error
	keep := func(err error) {
		if first == nil {
			first = err
		}
	}
	_, err = f.Info()
	keep(err)
	_, _, err = f.ReadCheckpoint()
	keep(err)
	paths, err := f.Datasets()
	if err != nil {
		return err
	}
	for _, p := range paths {
		d, err := f.OpenDataset(p)
		if err != nil {
			keep(err)
			continue
		}
		var units string
		if err := d.Attr("units", &units); !errors.Is(err, h5io.ErrNotFound) {
			keep(err)
		}
		switch d.Dtype() {
		case h5io.Float64:
			var v []float64
			_, err = d.Read(&v)
		case h5io.Int64:
			var v []int64
			_, err = d.Read(&v)
		case h5io.Uint8:
			var v []byte
			_, err = d.Read(&v)
		case h5io.Complex128:
			var v []complex128
			_, err = d.Read(&v)
		}
		keep(err)
	}
	return first
}

// recipe describes a structurally valid HDF5 file whose rgflow content may
// be wrong: the values the reader must validate. libhdf5 1.10 itself is not
// robust to arbitrary byte corruption (h5py and h5dump crash on files with a
// damaged global heap), so the fuzzer varies what h5io checks rather than
// raw bytes, plus truncation at any length, which libhdf5 detects at open.
type recipe struct {
	schema     int64  // schema_version
	schemaStr  bool   // store schema_version as a string
	seedFloat  bool   // store seed as float64
	current    int64  // /checkpoint current slot
	stepStr    bool   // store step as a string
	lengths    string // the JSON of checkpoint lengths
	blobFloat  bool   // store a blob as float64
	rows, cols int16  // shape of an extra dataset listed in lengths
	cut        uint32 // truncate the file to this many bytes (0: keep)
}

func writeRecipe(path string, r recipe) error {
	f, err := h5io.Create(path, h5io.Meta{Experiment: "fuzz", Config: "a: 1\n", Seed: 1}, h5io.CreateOptions{Overwrite: true})
	if err != nil {
		return err
	}
	rows, cols := int64(r.rows)%9, int64(r.cols)%9
	if rows < 0 {
		rows = -rows
	}
	if cols < 1 {
		cols = 1 - cols
	}
	d, err := f.CreateDataset("/ensemble/x/fields", h5io.Spec{Dtype: h5io.Float64, Shape: []int64{0, cols}, Extendible: true, Units: "1"})
	if err != nil {
		return err
	}
	if rows > 0 {
		if err := d.Append(make([]float64, rows*cols)); err != nil {
			return err
		}
	}
	ck := h5io.Checkpoint{Step: 1, Blobs: map[string][]byte{"pcg": []byte("state")}, Ints: map[string][]int64{"n": {rows}}}
	if err := f.SaveCheckpoint(ck); err != nil {
		return err
	}
	slot := "/checkpoint/slot0"
	set := func(p, name string, v any) {
		if err == nil {
			err = f.SetAttr(p, name, v)
		}
	}
	if r.schemaStr {
		set("/", "schema_version", "1")
	} else {
		set("/", "schema_version", r.schema)
	}
	if r.seedFloat {
		set("/", "seed", 1.0)
	}
	set("/checkpoint", "current", r.current)
	if r.stepStr {
		set(slot, "step", "one")
	}
	set(slot, "lengths", r.lengths)
	if err == nil && r.blobFloat {
		var b *h5io.Dataset
		if b, err = f.CreateDataset(slot+"/blobs/extra", h5io.Spec{Dtype: h5io.Float64, Shape: []int64{1}}); err == nil {
			err = b.Write([]float64{1})
		}
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil || r.cut == 0 {
		return err
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	return os.WriteFile(path, data[:int(r.cut)%len(data)], 0o644)
}

var valid = recipe{schema: h5io.SchemaVersion, lengths: `{"/ensemble/x/fields": 2}`, rows: 2, cols: 3}

// badRecipes each damage the valid recipe in one way the reader must report.
var badRecipes = []struct {
	name string
	mod  func(*recipe)
}{
	{"schema 0", func(r *recipe) { r.schema = 0 }},
	{"newer schema", func(r *recipe) { r.schema = h5io.SchemaVersion + 1 }},
	{"schema as string", func(r *recipe) { r.schemaStr = true }},
	{"seed as float", func(r *recipe) { r.seedFloat = true }},
	{"empty slot", func(r *recipe) { r.current = 1 }},
	{"bad slot", func(r *recipe) { r.current = -7 }},
	{"step as string", func(r *recipe) { r.stepStr = true }},
	{"lengths not JSON", func(r *recipe) { r.lengths = "" }},
	{"length past end", func(r *recipe) { r.lengths = `{"/ensemble/x/fields": 9}` }},
	{"negative length", func(r *recipe) { r.lengths = `{"/ensemble/x/fields": -1}` }},
	{"missing dataset", func(r *recipe) { r.lengths = `{"/nope": 1}` }},
	{"relative path", func(r *recipe) { r.lengths = `{"relative": 1}` }},
	{"fixed dataset", func(r *recipe) { r.lengths = `{"/checkpoint/slot0/blobs/pcg": 1}` }},
	{"float blob", func(r *recipe) { r.blobFloat = true }},
	{"cut at 100", func(r *recipe) { r.cut = 100 }},
	{"cut at 3000", func(r *recipe) { r.cut = 3000 }},
	{"cut near end", func(r *recipe) { r.cut = 1 << 31 }},
}

// Each damaged recipe gives an error (with the package prefix); the valid
// one reads cleanly.
func TestReaderRejectsDamage(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "valid.h5")
	if err := writeRecipe(p, valid); err != nil {
		t.Fatal(err)
	}
	if err := readAll(p); err != nil {
		t.Fatalf("valid recipe: %v", err)
	}
	for _, m := range badRecipes {
		r := valid
		m.mod(&r)
		p := filepath.Join(dir, "bad.h5")
		if err := writeRecipe(p, r); err != nil {
			t.Fatalf("%s: writing: %v", m.name, err)
		}
		err := readAll(p)
		if err == nil || !strings.HasPrefix(err.Error(), "h5io: ") {
			t.Errorf("%s: read error %v; want an h5io error", m.name, err)
			continue
		}
		t.Logf("%s: %v", m.name, err)
	}
}

// FuzzReader: whatever the recipe, reading gives a clear error or succeeds,
// never a panic, and a valid recipe reads without error. The seed corpus
// runs in every go test; go test -fuzz FuzzReader ./internal/h5io explores.
func FuzzReader(f *testing.F) {
	add := func(r recipe) {
		f.Add(r.schema, r.schemaStr, r.seedFloat, r.current, r.stepStr, r.lengths, r.blobFloat, r.rows, r.cols, r.cut)
	}
	add(valid)
	for _, m := range badRecipes {
		r := valid
		m.mod(&r)
		add(r)
	}
	f.Fuzz(func(t *testing.T, schema int64, schemaStr, seedFloat bool, current int64, stepStr bool, lengths string,
		blobFloat bool, rows, cols int16, cut uint32) {
		r := recipe{schema, schemaStr, seedFloat, current, stepStr, lengths, blobFloat, rows, cols, cut}
		p := filepath.Join(t.TempDir(), "f.h5")
		if err := writeRecipe(p, r); err != nil {
			t.Skip(err) // a recipe the writer refuses is not a reader case
		}
		err := readAll(p)
		if err != nil && !strings.HasPrefix(err.Error(), "h5io: ") {
			t.Errorf("error without the package prefix: %v", err)
		}
		if r == valid && err != nil {
			t.Errorf("valid file: %v", err)
		}
	})
}

// Truncation at every 1/64 of the example file gives an error at open.
func TestTruncatedEverywhere(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "example.h5")
	if err := h5iotest.Write(src); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(src)
	for k := 0; k < 64; k++ {
		n := k * len(data) / 64
		p := filepath.Join(dir, "cut.h5")
		os.WriteFile(p, data[:n], 0o644)
		if err := readAll(p); err == nil {
			t.Errorf("cut at %d of %d bytes: read without error", n, len(data))
		}
	}
}
