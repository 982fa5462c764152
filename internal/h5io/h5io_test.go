// Copyright ©2026 The rgflow Authors. All rights reserved.

package h5io_test

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"rgflow/internal/h5io"
	"rgflow/internal/h5io/h5iotest"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

func exampleDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := h5iotest.Write(filepath.Join(dir, "example.h5")); err != nil {
		t.Fatal(err)
	}
	if err := h5iotest.WriteMerged(dir, 3); err != nil {
		t.Fatal(err)
	}
	return dir
}

// The Go reader reads back what the Go writer wrote: root attributes,
// values, labels, scales, the checkpoint, the virtual dataset.
func TestExampleRoundTrip(t *testing.T) {
	dir := exampleDir(t)
	f, err := h5io.Open(filepath.Join(dir, "example.h5"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	in, err := f.Info()
	if err != nil {
		t.Fatal(err)
	}
	if in.SchemaVersion != h5io.SchemaVersion || in.Status != h5io.StatusComplete || in.Experiment != "example" ||
		in.Seed != h5iotest.Seed || in.Config != h5iotest.Config || in.Created == "" {
		t.Errorf("root attributes: %+v", in)
	}
	d, err := f.OpenDataset("/ensemble/free/fields")
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Expect(h5io.Float64, -1, h5iotest.L1, h5iotest.L2); err != nil {
		t.Fatal(err)
	}
	var got []float64
	shape, err := d.Read(&got)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(shape, []int64{h5iotest.Samples, h5iotest.L1, h5iotest.L2}) {
		t.Fatalf("shape %v", shape)
	}
	for n := 0; n < h5iotest.Samples; n++ {
		if w := h5iotest.Field(n); !slices.Equal(got[n*len(w):(n+1)*len(w)], w) {
			t.Errorf("sample %d differs", n)
		}
	}
	row := make([]float64, h5iotest.L1*h5iotest.L2)
	if err := d.ReadAt(row, []int64{2, 0, 0}, []int64{1, h5iotest.L1, h5iotest.L2}); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(row, h5iotest.Field(2)) {
		t.Error("ReadAt sample 2 differs")
	}
	for ax, want := range []string{"sample", "x1", "x2"} {
		if l, err := d.Label(ax); err != nil || l != want {
			t.Errorf("axis %d label %q, %v; want %q", ax, l, err, want)
		}
	}
	// Lattice units are a pure number to UDUNITS; the words stay beside.
	var units, text, long string
	if err := d.Attr("units", &units); err != nil || units != "1" {
		t.Errorf("units %q, %v", units, err)
	}
	if err := d.Attr("units_text", &text); err != nil || text != "lattice units" {
		t.Errorf("units_text %q, %v", text, err)
	}
	if err := d.Attr("long_name", &long); err != nil || long == "" {
		t.Errorf("long_name %q, %v", long, err)
	}
	var conv bool
	if err := f.Attr("/model/exact", "converged", &conv); err != nil || !conv {
		t.Errorf("converged %v, %v", conv, err)
	}
	var dims []int64
	if err := f.Attr("/lattice", "dims", &dims); err != nil || !slices.Equal(dims, []int64{h5iotest.L1, h5iotest.L2}) {
		t.Errorf("dims %v, %v", dims, err)
	}
	c, ok, err := f.ReadCheckpoint()
	if err != nil || !ok {
		t.Fatalf("checkpoint: %v %v", ok, err)
	}
	if c.Step != 2 || string(c.Blobs["pcg"]) != "example-state" || !slices.Equal(c.Floats["chain"], []float64{1.5, -2.5}) ||
		!slices.Equal(c.Ints["accepted"], []int64{7}) || c.Lengths["/ensemble/free/fields"] != 2 {
		t.Errorf("checkpoint %+v", c)
	}
	var spec []complex128
	sd, err := f.OpenDataset("/generated/gaussian/spectrum_ft")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sd.Read(&spec); err != nil || !slices.Equal(spec, []complex128{complex(1, -2), complex(0.5, 3)}) {
		t.Errorf("complex %v, %v", spec, err)
	}

	m, err := h5io.Open(filepath.Join(dir, "merged.h5"))
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	v, err := m.OpenDataset("/ensemble/free/fields")
	if err != nil {
		t.Fatal(err)
	}
	var all []float64
	if _, err := v.Read(&all); err != nil {
		t.Fatal(err)
	}
	n := h5iotest.L1 * h5iotest.L2
	for task := 0; task < 3; task++ {
		for s := 0; s < h5iotest.Samples; s++ {
			off := (task*h5iotest.Samples + s) * n
			if !slices.Equal(all[off:off+n], h5iotest.Field(s)) {
				t.Errorf("virtual dataset task %d sample %d differs", task, s)
			}
		}
	}
	if err := m.Attr("/task1/lattice", "dims", &dims); err != nil || !slices.Equal(dims, []int64{h5iotest.L1, h5iotest.L2}) {
		t.Errorf("external link: dims %v, %v", dims, err)
	}
}

// Debian's h5py reads the Go-written files: the check script computes every
// expected value itself.
func TestH5pyReadsExample(t *testing.T) {
	runPythonCheck(t, "h5py", "python3-h5py", "../../scripts/checks/h5py_example.py")
}

// xarray, through h5netcdf (an independent netCDF-4 reader of HDF5), opens
// every group of the example file with its labels as dimension names and
// its coordinates; the check script computes every expected value itself.
func TestXarrayReadsExample(t *testing.T) {
	runPythonCheck(t, "xarray, h5netcdf", "python3-xarray python3-h5netcdf", "../../scripts/checks/xarray_example.py")
}

// runPythonCheck runs the Python script on the directory of the example
// files with $PYTHON (default /usr/bin/python3), skipping the test when the
// modules cannot be imported. make test installs the Debian packages, so
// under CI a missing module is a failure, not a skip.
func runPythonCheck(t *testing.T, modules, packages, script string) {
	t.Helper()
	py := os.Getenv("PYTHON")
	if py == "" {
		py = "/usr/bin/python3"
	}
	if err := exec.Command(py, "-c", "import "+modules).Run(); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s cannot import %s (install %s: make deps): %v", py, modules, packages, err)
		}
		t.Skipf("%s cannot import %s (install %s, e.g. make deps): %v", py, modules, packages, err)
	}
	dir := exampleDir(t)
	out, err := exec.Command(py, script, dir).CombinedOutput()
	if err != nil {
		t.Fatalf("%s failed: %v\n%s", filepath.Base(script), err, out)
	}
	t.Logf("%s", out)
}

// The header of the example file, as h5dump -H prints it, matches the
// golden text: the layout (groups, dtypes, shapes, chunking, filters,
// attributes, scales) changes only on purpose.
func TestGoldenHeader(t *testing.T) {
	if _, err := exec.LookPath("h5dump"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("h5dump not found (install hdf5-tools: make deps)")
		}
		t.Skip("h5dump not found (install hdf5-tools)")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "example.h5")
	if err := h5iotest.Write(path); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("h5dump", "-H", path).Output()
	if err != nil {
		t.Fatal(err)
	}
	_, rest, _ := bytes.Cut(out, []byte("\n"))
	got := append([]byte("HDF5 \"example.h5\" {\n"), rest...)
	golden := filepath.Join("testdata", "example.h5dump.golden")
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("h5dump -H differs from %s (rerun with -update if the change is intended):\n%s", golden, got)
	}
}

func mustCreate(t *testing.T, meta h5io.Meta) (*h5io.File, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "run.h5")
	f, err := h5io.Create(path, meta, h5io.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return f, path
}

func panics(fn func()) (msg string) {
	defer func() {
		if p := recover(); p != nil {
			msg = fmt.Sprint(p)
		}
	}()
	fn()
	return ""
}

// gonum/hdf5 writes whatever bytes it is given; h5io checks element type
// and length on every read and write.
func TestBufferChecks(t *testing.T) {
	f, _ := mustCreate(t, h5io.Meta{Experiment: "t"})
	defer f.Close()
	d, err := f.CreateDataset("/a/x", h5io.Spec{Dtype: h5io.Float64, Shape: []int64{0, 3}, Extendible: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		fn   func()
		want string
	}{
		{"float32 into float64", func() { d.Append([]float32{1, 2, 3}) }, "not a whole number of rows"},
		{"partial row", func() { d.Append([]float64{1, 2}) }, "not a whole number of rows"},
		{"Go int", func() { d.Append([]int{1, 2, 3}) }, "unsupported buffer type []int"},
		{"short write", func() { d.Write([]float64{1}) }, "selection holds 0"},
		{"wrong read type", func() { d.Read(make([]int64, 0)) }, "buffer of int64 for a dataset of float64"},
	} {
		if msg := panics(c.fn); !strings.Contains(msg, c.want) {
			t.Errorf("%s: panic %q, want it to mention %q", c.name, msg, c.want)
		}
	}
	if err := d.Append([]float64{1, 2, 3, 4, 5, 6}); err != nil {
		t.Fatal(err)
	}
	var i64 []int64
	if _, err := d.Read(&i64); !errors.Is(err, h5io.ErrShape) {
		t.Errorf("reading float64 as int64: %v, want ErrShape", err)
	}
	if err := d.ReadAt(make([]float64, 3), []int64{2, 0}, []int64{1, 3}); !errors.Is(err, h5io.ErrShape) {
		t.Errorf("reading past the end: %v, want ErrShape", err)
	}
	var s string
	if err := f.Attr("/", "seed", &s); !errors.Is(err, h5io.ErrShape) {
		t.Errorf("reading uint64 attribute as string: %v, want ErrShape", err)
	}
	var x float64
	if err := f.Attr("/", "nope", &x); !errors.Is(err, h5io.ErrNotFound) {
		t.Errorf("missing attribute: %v, want ErrNotFound", err)
	}
}

// HDF5's own error text reaches the Go error.
func TestErrorStack(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "not.h5")
	os.WriteFile(bad, []byte("this is not an HDF5 file at all, just text"), 0o644)
	_, err := h5io.Open(bad)
	var he *h5io.Error
	if !errors.As(err, &he) || !strings.Contains(he.Stack, "file signature not found") {
		t.Errorf("open of a text file: %v; want HDF5's 'file signature not found'", err)
	}
	f, _ := mustCreate(t, h5io.Meta{})
	defer f.Close()
	d, err := f.CreateDataset("/x", h5io.Spec{Dtype: h5io.Float64, Shape: []int64{2}})
	if err != nil {
		t.Fatal(err)
	}
	// Only a dimension scale can be attached as one.
	err = d.AttachScale(0, "/x")
	if err == nil {
		t.Error("attaching a non-scale: no error")
	}
	if _, err := f.CreateDataset("/x", h5io.Spec{Dtype: h5io.Float64, Shape: []int64{2}}); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("duplicate dataset: %v", err)
	}
}

func TestSchemaVersionChecked(t *testing.T) {
	f, path := mustCreate(t, h5io.Meta{})
	if err := f.SetAttr("/", "schema_version", int64(h5io.SchemaVersion+1)); err != nil {
		t.Fatal(err)
	}
	f.Close()
	_, err := h5io.Open(path)
	if !errors.Is(err, h5io.ErrSchema) || !strings.Contains(err.Error(), fmt.Sprintf("schema_version %d", h5io.SchemaVersion+1)) {
		t.Errorf("newer schema: %v", err)
	}
	f, path = mustCreate(t, h5io.Meta{})
	f.SetAttr("/", "schema_version", "one")
	f.Close()
	if _, err := h5io.Open(path); !errors.Is(err, h5io.ErrSchema) {
		t.Errorf("string schema_version: %v", err)
	}
}

// A file cut short anywhere gives an error, never a panic.
func TestTruncatedFiles(t *testing.T) {
	dir := exampleDir(t)
	data, err := os.ReadFile(filepath.Join(dir, "example.h5"))
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{0, 7, 512, len(data) / 3, len(data) / 2, len(data) - 100, len(data) - 1} {
		p := filepath.Join(dir, fmt.Sprintf("cut%d.h5", n))
		os.WriteFile(p, data[:n], 0o644)
		f, err := h5io.Open(p)
		if err == nil {
			f.Close()
			t.Errorf("truncated to %d of %d bytes: opened without error", n, len(data))
			continue
		}
		if !strings.Contains(err.Error(), p) {
			t.Errorf("truncated to %d: error %q does not name the file", n, err)
		}
	}
}

// Resume rolls extendible datasets back to their checkpointed lengths,
// drops those created after the checkpoint, and hands back the state.
func TestResumeRollsBack(t *testing.T) {
	f, path := mustCreate(t, h5io.Meta{Experiment: "t", Seed: 3})
	spec := h5io.Spec{Dtype: h5io.Int64, Shape: []int64{0, 2}, Extendible: true}
	d, err := f.CreateDataset("/g/rows", spec)
	if err != nil {
		t.Fatal(err)
	}
	for i := int64(0); i < 5; i++ {
		d.Append([]int64{i, -i})
		if i == 2 {
			if err := f.SaveCheckpoint(h5io.Checkpoint{Step: 3, Ints: map[string][]int64{"next": {3}}}); err != nil {
				t.Fatal(err)
			}
		}
	}
	late, _ := f.CreateDataset("/g/late", h5io.Spec{Dtype: h5io.Float64, Shape: []int64{0}, Extendible: true})
	late.Append([]float64{1, 2})
	f.Flush()
	f.Close() // as if killed after the last flush: status stays running

	r, err := h5io.Resume(path)
	if err != nil {
		t.Fatal(err)
	}
	c, ok := r.Restored()
	if !ok || c.Step != 3 || !slices.Equal(c.Ints["next"], []int64{3}) {
		t.Fatalf("restored %+v %v", c, ok)
	}
	d, err = r.CreateDataset("/g/rows", spec)
	if err != nil {
		t.Fatal(err)
	}
	if n := d.Len(); n != 3 {
		t.Errorf("rows after resume: %d, want 3", n)
	}
	late, err = r.CreateDataset("/g/late", h5io.Spec{Dtype: h5io.Float64, Shape: []int64{0}, Extendible: true})
	if err != nil || late.Len() != 0 {
		t.Errorf("dataset created after the checkpoint: len %d, %v; want 0", late.Len(), err)
	}
	if _, err := r.CreateDataset("/g/rows", h5io.Spec{Dtype: h5io.Int64, Shape: []int64{0, 3}, Extendible: true}); !errors.Is(err, h5io.ErrShape) {
		t.Errorf("incompatible spec on resume: %v, want ErrShape", err)
	}
	// A second checkpoint keeps lengths of datasets not reopened.
	if err := r.SaveCheckpoint(h5io.Checkpoint{Step: 4}); err != nil {
		t.Fatal(err)
	}
	r.Close()
	g, err := h5io.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	c, _, err = g.ReadCheckpoint()
	if err != nil || c.Step != 4 || c.Lengths["/g/rows"] != 3 || len(c.Ints) != 0 {
		t.Errorf("second checkpoint %+v, %v", c, err)
	}
}

// Several runs write separate files at once (run with -race).
func TestConcurrentFiles(t *testing.T) {
	dir := t.TempDir()
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for w := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[w] = h5iotest.Write(filepath.Join(dir, fmt.Sprintf("w%d.h5", w)))
		}()
	}
	wg.Wait()
	for w, err := range errs {
		if err != nil {
			t.Errorf("writer %d: %v", w, err)
		}
	}
	for w := range errs {
		f, err := h5io.Open(filepath.Join(dir, fmt.Sprintf("w%d.h5", w)))
		if err != nil {
			t.Fatal(err)
		}
		d, _ := f.OpenDataset("/ensemble/free/fields")
		var v []float64
		d.Read(&v)
		if !slices.Equal(v[len(v)-h5iotest.L1*h5iotest.L2:], h5iotest.Field(h5iotest.Samples-1)) {
			t.Errorf("file %d: last sample differs", w)
		}
		f.Close()
	}
}

func TestThreadSafeQuery(t *testing.T) {
	ts, err := h5io.ThreadSafe()
	if err != nil {
		t.Fatal(err)
	}
	v, _ := h5io.LibVersion()
	t.Logf("libhdf5 %s, thread-safe %t", v, ts)
}

// Scalar datasets (shape ()) hold one estimate each in the layout
// (/ensemble/<name>/estimates/…): they are written, reread and shown to
// h5py as 0-d arrays.
func TestScalarDataset(t *testing.T) {
	f, path := mustCreate(t, h5io.Meta{Experiment: "t"})
	d, err := f.Put("/e/chi", h5io.Spec{Shape: []int64{}, Units: "1", Description: "a scalar"}, []float64{4.25})
	if err != nil {
		t.Fatal(err)
	}
	if s := d.Shape(); len(s) != 0 || d.Len() != 0 {
		t.Errorf("scalar shape %v, len %d", s, d.Len())
	}
	if err := d.SetAttr("error", 0.5); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	g, err := h5io.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	r, err := g.OpenDataset("/e/chi")
	if err != nil {
		t.Fatal(err)
	}
	var v []float64
	if shape, err := r.Read(&v); err != nil || len(shape) != 0 || len(v) != 1 || v[0] != 4.25 {
		t.Errorf("read back %v (shape %v, err %v), want [4.25]", v, shape, err)
	}
}
