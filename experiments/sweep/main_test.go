// Copyright ©2026 The rgflow Authors. All rights reserved.

package main

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"rgflow/experiments/sweep/internal/toy"
	"rgflow/internal/h5io"
	"rgflow/internal/sweep"
)

// TestMain makes this test binary the toy experiment or the sweep command
// when a test re-executes it (SWEEPTEST_MAIN=toy or sweep).
func TestMain(m *testing.M) {
	switch os.Getenv("SWEEPTEST_MAIN") {
	case "toy":
		os.Exit(toy.Main(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
	case "sweep":
		os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// toyBin writes an executable that runs this test binary as the toy
// experiment: what --bin points at.
func toyBin(t *testing.T) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "toy")
	script := fmt.Sprintf("#!/bin/sh\nSWEEPTEST_MAIN=toy exec %q \"$@\"\n", os.Args[0])
	if err := os.WriteFile(p, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

const toyStudy = `seed: 77
out: %s
sleep_ms: %d
sweep:
  experiment: toy
  axes:
    - key: m2
      values: [0.5, 2]
    - key: label
      values: [a, "b c"]
  replicas: 2
%s`

// newStudy writes a study of the toy into dir and returns its path and
// study directory.
func newStudy(t *testing.T, dir string, sleep int, extra string) (string, string) {
	t.Helper()
	out := filepath.Join(dir, "study")
	p := filepath.Join(dir, "study.yaml")
	if err := os.WriteFile(p, []byte(fmt.Sprintf(toyStudy, out, sleep, extra)), 0o644); err != nil {
		t.Fatal(err)
	}
	return p, out
}

func sweepArgs(args ...string) (int, string, string) {
	var o, e bytes.Buffer
	code := run(context.Background(), args, &o, &e)
	return code, o.String(), e.String()
}

func readAll[T any](t *testing.T, f *h5io.File, path string) ([]T, []int64) {
	t.Helper()
	d, err := f.OpenDataset(path)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	var v []T
	shape, err := d.Read(&v)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return v, shape
}

func open(t *testing.T, path string) *h5io.File {
	t.Helper()
	f, err := h5io.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func TestUsage(t *testing.T) {
	dir := t.TempDir()
	study, _ := newStudy(t, dir, 0, "")
	plain := filepath.Join(dir, "plain.yaml")
	os.WriteFile(plain, []byte("seed: 1\n"), 0o644)
	h5 := filepath.Join(dir, "h5.yaml")
	os.WriteFile(h5, []byte(strings.Replace(fmt.Sprintf(toyStudy, "x.h5", 0, ""), "out: x.h5", "out: x.h5", 1)), 0o644)
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte(fmt.Sprintf(toyStudy, "s", 0, "")+"  slurm: {partition: \"x; rm -rf /\"}\n"), 0o644)
	badPoint := filepath.Join(dir, "badpoint.yaml")
	os.WriteFile(badPoint, []byte(strings.Replace(fmt.Sprintf(toyStudy, filepath.Join(dir, "bp"), 0, ""), "values: [0.5, 2]", "values: [0.5, -2]", 1)), 0o644)
	bin := toyBin(t)
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{nil, 2, "Usage"},
		{[]string{"--help"}, 0, "sweep local"},
		{[]string{"frobnicate"}, 2, `unknown command "frobnicate"`},
		{[]string{"local", "--help"}, 0, "--jobs"},
		{[]string{"merge", "-h"}, 0, "--config"},
		{[]string{"slurm", "--nope"}, 2, "unknown flag"},
		{[]string{"local"}, 2, "--config: give the study"},
		{[]string{"local", "--config", filepath.Join(dir, "none.yaml")}, 2, "none.yaml"},
		{[]string{"local", "--config", plain}, 2, "has no sweep: section"},
		{[]string{"merge", "--config", h5, "--bin", bin}, 2, "give a directory name"},
		{[]string{"slurm", "--config", bad, "--bin", bin}, 2, "#SBATCH values may only contain"},
		{[]string{"local", "--config", study, "-j", "0", "--bin", bin}, 2, "-j 0"},
		{[]string{"local", "--config", study, "extra", "--bin", bin}, 2, `unexpected argument "extra"`},
		{[]string{"local", "--config", badPoint, "--bin", bin}, 2, "m2 = -2: allowed > 0"},
	} {
		code, o, e := sweepArgs(c.args...)
		if code != c.code || !strings.Contains(o+e, c.want) {
			t.Errorf("sweep %v: exit %d, want %d mentioning %q\nstdout: %s\nstderr: %s", c.args, code, c.code, c.want, o, e)
		}
	}
}

// sweep local runs every task with the same command line as the Slurm
// array script; merge stacks every dataset of the task files along the
// task axis, bit for bit, with the parameter values as scales and a
// summary table; a second run skips every task.
func TestLocalAndMerge(t *testing.T) {
	dir := t.TempDir()
	study, out := newStudy(t, dir, 0, "")
	bin := toyBin(t)
	code, o, e := sweepArgs("local", "--config", study, "-j", "2", "--bin", bin)
	if code != 0 {
		t.Fatalf("sweep local: exit %d\n%s\n%s", code, o, e)
	}
	if !strings.Contains(o, "merged 8 of 8 tasks") || !strings.Contains(e, "all 8 tasks complete") {
		t.Errorf("output:\n%s\n%s", o, e)
	}
	checkStudy(t, out, 8)

	// A second run finds every task complete and leaves the files alone.
	st, _ := os.Stat(filepath.Join(out, "task-0005.h5"))
	if code, o, e := sweepArgs("local", "--config", study, "-j", "2", "--bin", bin); code != 0 {
		t.Fatalf("second sweep local: exit %d\n%s\n%s", code, o, e)
	}
	st2, _ := os.Stat(filepath.Join(out, "task-0005.h5"))
	logb, _ := os.ReadFile(filepath.Join(out, "logs", "local-task-0005.out"))
	if !st2.ModTime().Equal(st.ModTime()) || !strings.Contains(string(logb), "is complete; nothing to do") {
		t.Errorf("second run touched task 5 or did not skip it:\n%s", logb)
	}
	checkStudy(t, out, 8)
	checkXarray(t, out)
}

// checkXarray opens study.h5 in xarray (Debian's python3-xarray and
// python3-h5netcdf) group by group: scripts/checks/xarray_example.py
// --groups for the netCDF view of every group, testdata/check_xarray.py
// for the task coordinates and the stacked values against the task files
// read with h5py. Without xarray it skips the test (call it last), except
// under CI, where make deps installs it.
func checkXarray(t *testing.T, out string) {
	t.Helper()
	py := os.Getenv("PYTHON")
	if py == "" {
		py = "/usr/bin/python3"
	}
	if err := exec.Command(py, "-c", "import h5py, xarray, h5netcdf").Run(); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s cannot import h5py, xarray and h5netcdf (make deps installs python3-xarray python3-h5netcdf): %v", py, err)
		}
		t.Skipf("the xarray check of study.h5: %s cannot import h5py, xarray and h5netcdf (install python3-xarray python3-h5netcdf, e.g. make deps): %v", py, err)
	}
	for _, args := range [][]string{
		{"../../scripts/checks/xarray_example.py", "--groups", filepath.Join(out, sweep.StudyFile)},
		{"testdata/check_xarray.py", out},
	} {
		res, err := exec.Command(py, args...).CombinedOutput()
		if err != nil {
			t.Fatalf("%s: %v\n%s", strings.Join(args, " "), err, res)
		}
		t.Logf("%s", res)
	}
}

// checkStudy compares study.h5 with the task files.
func checkStudy(t *testing.T, out string, n int) {
	t.Helper()
	f := open(t, filepath.Join(out, sweep.StudyFile))
	in, err := f.Info()
	if err != nil || in.Status != h5io.StatusComplete || in.Experiment != "sweep" || in.Seed != 77 {
		t.Fatalf("study.h5: %+v, %v", in, err)
	}
	values, shape := readAll[float64](t, f, "/toy/values")
	variance, _ := readAll[float64](t, f, "/toy/estimates/variance")
	count, _ := readAll[int64](t, f, "/toy/count")
	grid, gshape := readAll[float64](t, f, "/toy/grid")
	m2, _ := readAll[float64](t, f, "/sweep/params/m2")
	label, _ := readAll[int64](t, f, "/sweep/params/label")
	seeds, _ := readAll[uint64](t, f, "/sweep/seed")
	status, _ := readAll[int64](t, f, "/sweep/status")
	if !slices.Equal(shape, []int64{int64(n), 6, 3}) || !slices.Equal(gshape, []int64{int64(n), 2, 2}) || len(variance) != n || len(count) != n {
		t.Fatalf("shapes: values %v, grid %v, %d variances", shape, gshape, len(variance))
	}
	if want := []float64{0.5, 0.5, 0.5, 0.5, 2, 2, 2, 2}; !slices.Equal(m2, want) {
		t.Errorf("m2 scale %v, want %v", m2, want)
	}
	if want := []int64{0, 0, 1, 1, 0, 0, 1, 1}; !slices.Equal(label, want) {
		t.Errorf("label index %v, want %v", label, want)
	}
	var labels string
	d, _ := f.OpenDataset("/sweep/params/label")
	if d.Attr("values", &labels); labels != `["a","b c"]` {
		t.Errorf("label values %q", labels)
	}
	var errs []float64
	ed, _ := f.OpenDataset("/toy/estimates/variance")
	if err := ed.Attr("error", &errs); err != nil || len(errs) != n {
		t.Fatalf("per-task errors of /toy/estimates/variance: %v, %v", errs, err)
	}
	vd, _ := f.OpenDataset("/toy/values")
	for axis, want := range []string{"task", "sample", "component"} {
		if l, _ := vd.Label(axis); l != want {
			t.Errorf("/toy/values axis %d: label %q, want %q", axis, l, want)
		}
	}
	for i := range n {
		tf := open(t, filepath.Join(out, sweep.TaskFile(i)))
		ti, _ := tf.Info()
		v, _ := readAll[float64](t, tf, "/toy/values")
		if !slices.Equal(values[i*18:(i+1)*18], v) || status[i] != 0 || seeds[i] != ti.Seed {
			t.Errorf("task %d: stacked values equal %t, status %d, seed %d (file %d)", i, slices.Equal(values[i*18:(i+1)*18], v), status[i], seeds[i], ti.Seed)
		}
		vv, _ := readAll[float64](t, tf, "/toy/estimates/variance")
		if math.Float64bits(vv[0]) != math.Float64bits(variance[i]) || count[i] != 18 {
			t.Errorf("task %d: variance %v vs %v, count %d", i, vv[0], variance[i], count[i])
		}
		var e float64
		td, _ := tf.OpenDataset("/toy/estimates/variance")
		if td.Attr("error", &e); e != errs[i] || e <= 0 {
			t.Errorf("task %d: error attribute %v in the task file, %v in study.h5", i, e, errs[i])
		}
		// The grid is index × m2: the scale says which m2 each slab had.
		for k := range 4 {
			if grid[i*4+k] != float64(k)*m2[i] {
				t.Errorf("task %d: grid[%d] = %v, want %v", i, k, grid[i*4+k], float64(k)*m2[i])
			}
		}
	}
	// No external links (h5netcdf follows them): /sweep names the files.
	if ok, _ := f.Exists("/tasks"); ok {
		t.Error("study.h5 has /tasks")
	}
	var files string
	if err := f.Attr("/sweep", "files", &files); err != nil || files != `["task-0000.h5","task-0001.h5","task-0002.h5","task-0003.h5","task-0004.h5","task-0005.h5","task-0006.h5","task-0007.h5"]` {
		t.Errorf("/sweep files %q, %v", files, err)
	}
	// The netCDF view: one scale per axis, <group>/<label>; the task
	// coordinates in every group with stacked datasets.
	for p, want := range map[string][]string{
		"/toy/values":             {"/toy/task", "/toy/sample", "/toy/component"},
		"/toy/grid":               {"/toy/task", "/toy/grid_dim_0", "/toy/grid_dim_1"},
		"/toy/spectrum":           {"/toy/task", "/toy/k"},
		"/toy/time_by_task":       {"/toy/task", "/toy/time"},
		"/toy/estimates/variance": {"/toy/estimates/task"},
		"/toy/param_m2":           {"/toy/task"},
		"/sweep/params/m2":        {"/sweep/params/task"},
	} {
		d, err := f.OpenDataset(p)
		if err != nil {
			t.Errorf("%s: %v", p, err)
			continue
		}
		for axis, sc := range want {
			l, _ := d.Label(axis)
			if got, _ := d.Scale(axis); got != sc || l != sc[strings.LastIndex(sc, "/")+1:] {
				t.Errorf("%s axis %d: label %q, scale %q; want %s", p, axis, l, got, sc)
			}
		}
	}
	for _, g := range []string{"/toy", "/toy/estimates"} {
		if pm, _ := readAll[float64](t, f, g+"/param_m2"); !slices.Equal(pm, m2) {
			t.Errorf("%s/param_m2 = %v, want %v", g, pm, m2)
		}
		if pl, _ := readAll[int64](t, f, g+"/param_label"); !slices.Equal(pl, label) {
			t.Errorf("%s/param_label = %v, want %v", g, pl, label)
		}
	}
	if k, _ := readAll[float64](t, f, "/toy/k"); !slices.Equal(k, []float64{0, 1, 2}) {
		t.Errorf("/toy/k = %v, want the coordinate of the task files once", k)
	}
	tm, tshape := readAll[float64](t, f, "/toy/time_by_task")
	for i := range n {
		if !slices.Equal(tshape, []int64{int64(n), 2}) || tm[2*i] != 0 || tm[2*i+1] != m2[i] {
			t.Errorf("/toy/time_by_task %v %v: task %d should have (0, m2)", tm, tshape, i)
			break
		}
	}
	var table string
	if err := f.Attr("/sweep", "table", &table); err != nil || strings.Count(table, "complete") != n {
		t.Errorf("summary table (%v):\n%s", err, table)
	}
}

// A task file run with another configuration is refused; failed tasks
// are reported, not hidden: merge exits 1 naming them, writes study.h5
// with status failed, and /sweep/status says which.
func TestMergeReportsFailed(t *testing.T) {
	dir := t.TempDir()
	study, out := newStudy(t, dir, 0, "")
	bin := toyBin(t)
	if code, _, e := sweepArgs("local", "--config", study, "-j", "2", "--bin", bin, "--merge=false"); code != 0 {
		t.Fatalf("local: exit %d\n%s", code, e)
	}
	// Task 6 rerun by hand with a setting the study does not have.
	os.Remove(filepath.Join(out, "task-0006.h5"))
	cmd := exec.Command(bin, "--config", study, "--task", "6", "--out", out, "--set", "fail_at=3", "--quiet")
	if err := cmd.Run(); cmd.ProcessState.ExitCode() != 1 {
		t.Fatalf("failing task 6: %v", err)
	}
	code, o, e := sweepArgs("merge", "--config", study, "--bin", bin)
	if code != 1 || !strings.Contains(e, "refusing") || !strings.Contains(e, "task-0006.h5: configuration differs from the study's: fail_at = 3, the study has -1") {
		t.Errorf("merge of a task with another configuration: exit %d\n%s\n%s", code, o, e)
	}
	if _, err := os.Stat(filepath.Join(out, sweep.StudyFile)); err == nil {
		t.Error("a refused merge wrote study.h5")
	}

	// A study whose tasks fail at row 3 of 6.
	study, out = newStudy(t, t.TempDir(), 0, "")
	yml, _ := os.ReadFile(study)
	os.WriteFile(study, append(yml, []byte("fail_at: 3\n")...), 0o644)
	code, o, e = sweepArgs("local", "--config", study, "-j", "2", "--bin", bin)
	if code != 1 || !strings.Contains(e, "failed (exit 1)") || !strings.Contains(e, "8 of 8 tasks are not complete") ||
		!strings.Contains(e, "task 5 (m2=2 label=a): failed: toy: failing at row 3 as configured") {
		t.Fatalf("local with failing tasks: exit %d\n%s\n%s", code, o, e)
	}
	f := open(t, filepath.Join(out, sweep.StudyFile))
	in, _ := f.Info()
	var msg string
	f.Attr("/", "error", &msg)
	status, _ := readAll[int64](t, f, "/sweep/status")
	if in.Status != h5io.StatusFailed || !strings.Contains(msg, "8 of 8 tasks not complete") || !slices.Equal(status, []int64{2, 2, 2, 2, 2, 2, 2, 2}) {
		t.Errorf("study.h5 of failed tasks: status %q, error %q, /sweep/status %v", in.Status, msg, status)
	}
}

// A partly missing study still merges what there is; missing slabs are NaN.
func TestMergeMissingSlabsAreNaN(t *testing.T) {
	dir := t.TempDir()
	study, out := newStudy(t, dir, 0, "")
	bin := toyBin(t)
	for _, n := range []int{0, 1, 3} {
		if b, err := exec.Command(bin, "--config", study, "--task", fmt.Sprint(n), "--out", out, "--quiet").CombinedOutput(); err != nil {
			t.Fatalf("task %d: %v\n%s", n, err, b)
		}
	}
	code, o, e := sweepArgs("merge", "--config", study, "--bin", bin)
	if code != 1 || !strings.Contains(o, "merged 3 of 8 tasks") || !strings.Contains(e, "5 of 8 tasks are not complete") {
		t.Fatalf("merge: exit %d\n%s\n%s", code, o, e)
	}
	f := open(t, filepath.Join(out, sweep.StudyFile))
	v, _ := readAll[float64](t, f, "/toy/estimates/variance")
	status, _ := readAll[int64](t, f, "/sweep/status")
	var errs []float64
	d, _ := f.OpenDataset("/toy/estimates/variance")
	d.Attr("error", &errs)
	for i := range 8 {
		present := i == 0 || i == 1 || i == 3
		if math.IsNaN(v[i]) == present || math.IsNaN(errs[i]) == present || (status[i] == 0) != present {
			t.Errorf("task %d: variance %v ± %v, status %d", i, v[i], errs[i], status[i])
		}
	}
	checkXarray(t, out)
}

// merge refuses files of another schema version or another study.
func TestMergeRefusesForeignFiles(t *testing.T) {
	dir := t.TempDir()
	study, out := newStudy(t, dir, 0, "")
	bin := toyBin(t)
	if code, _, e := sweepArgs("local", "--config", study, "-j", "2", "--bin", bin); code != 0 {
		t.Fatalf("local: %d\n%s", code, e)
	}
	before, _ := os.Stat(filepath.Join(out, sweep.StudyFile))
	// Another schema version.
	p := filepath.Join(out, "task-0001.h5")
	f, err := h5io.Resume(p)
	if err != nil {
		t.Fatal(err)
	}
	f.SetAttr("/", "schema_version", int64(h5io.SchemaVersion+1))
	f.SetStatus(h5io.StatusComplete)
	f.Close()
	// Task 4's file swapped for task 5's.
	os.Rename(filepath.Join(out, "task-0005.h5"), filepath.Join(out, "task-0004.h5"))
	// The study edited after the run: another base seed.
	yml, _ := os.ReadFile(study)
	edited := filepath.Join(dir, "edited.yaml")
	os.WriteFile(edited, bytes.Replace(yml, []byte("seed: 77"), []byte("seed: 78"), 1), 0o644)
	code, o, e := sweepArgs("merge", "--config", study, "--bin", bin)
	if code != 1 || !strings.Contains(e, "task-0001.h5") || !strings.Contains(e, "schema") ||
		!strings.Contains(e, "task-0004.h5: records task 5") {
		t.Errorf("merge of foreign files: exit %d\n%s\n%s", code, o, e)
	}
	code, o, e = sweepArgs("merge", "--config", edited, "--bin", bin)
	if code != 1 || !strings.Contains(e, "task-0000.h5: base seed 77, but the study now resolves another base seed") {
		t.Errorf("merge after editing the seed: exit %d\n%s\n%s", code, o, e)
	}
	after, _ := os.Stat(filepath.Join(out, sweep.StudyFile))
	if !after.ModTime().Equal(before.ModTime()) {
		t.Error("a refused merge rewrote study.h5")
	}
}

// SIGINT to sweep local stops the running tasks at a checkpoint (exit 3);
// the same command continues them, and the merged datasets equal those of
// an uninterrupted study bit for bit.
func TestLocalInterruptThenContinue(t *testing.T) {
	bin := toyBin(t)
	refStudy, refOut := newStudy(t, t.TempDir(), 0, "")
	if code, _, e := sweepArgs("local", "--config", refStudy, "-j", "2", "--bin", bin); code != 0 {
		t.Fatalf("reference: %d\n%s", code, e)
	}
	dir := t.TempDir()
	study, out := newStudy(t, dir, 150, "")
	cmd := exec.Command(os.Args[0], "local", "--config", study, "-j", "2", "--bin", bin)
	cmd.Env = append(os.Environ(), "SWEEPTEST_MAIN=sweep")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		b, _ := os.ReadFile(filepath.Join(out, "logs", "local-task-0001.out"))
		if strings.Count(string(b), `"msg":"row"`) >= 2 {
			break
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatalf("task 1 did not start writing rows\n%s", stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	cmd.Process.Signal(syscall.SIGINT)
	cmd.Wait()
	if code := cmd.ProcessState.ExitCode(); code != exitInterrupted || !strings.Contains(stderr.String(), "rerun the same command") {
		t.Fatalf("interrupted sweep local: exit %d\n%s", code, stderr.String())
	}
	f := open(t, filepath.Join(out, "task-0001.h5"))
	if in, _ := f.Info(); in.Status != h5io.StatusInterrupted {
		t.Errorf("task 1 after SIGINT: status %q", in.Status)
	}
	f.Close()
	if code, _, e := sweepArgs("local", "--config", study, "-j", "2", "--bin", bin); code != 0 {
		t.Fatalf("continued: %d\n%s", code, e)
	}
	b, _ := os.ReadFile(filepath.Join(out, "logs", "local-task-0001.out"))
	if !strings.Contains(string(b), `"msg":"resuming"`) {
		t.Errorf("task 1 did not resume:\n%s", b)
	}
	a := open(t, filepath.Join(refOut, sweep.StudyFile))
	c := open(t, filepath.Join(out, sweep.StudyFile))
	for _, p := range []string{"/toy/values", "/toy/estimates/variance", "/toy/grid", "/sweep/seed"} {
		switch p {
		case "/sweep/seed":
			x, _ := readAll[uint64](t, a, p)
			y, _ := readAll[uint64](t, c, p)
			if !slices.Equal(x, y) {
				t.Errorf("%s differs", p)
			}
		default:
			x, _ := readAll[float64](t, a, p)
			y, _ := readAll[float64](t, c, p)
			if !bitsEqual(x, y) {
				t.Errorf("%s differs from the uninterrupted study", p)
			}
		}
	}
}

func bitsEqual(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Float64bits(a[i]) != math.Float64bits(b[i]) {
			return false
		}
	}
	return true
}

// sweep slurm writes the three scripts, valid bash, with the study's
// paths; the jobs run copies of the binaries in the study directory.
func TestSlurmScripts(t *testing.T) {
	dir := t.TempDir()
	study, out := newStudy(t, dir, 0, "  slurm: {time: \"00:10:00\", mem: 1G, cpus_per_task: 1, max_parallel: 3}\n")
	code, o, e := sweepArgs("slurm", "--config", study, "--bin", toyBin(t))
	if code != 0 || !strings.Contains(o, "submit with:") || !strings.Contains(o, "8 tasks") {
		t.Fatalf("sweep slurm: exit %d\n%s\n%s", code, o, e)
	}
	array, _ := os.ReadFile(filepath.Join(out, "array.sbatch"))
	for _, w := range []string{"#SBATCH --array=0-7%3", "#SBATCH --time=00:10:00", "#SBATCH --mem=1G", "#SBATCH --cpus-per-task=1",
		"'" + out + "/bin/toy' --config '" + study + "' --task \"$task\" --out '" + out + "' --resume"} {
		if !strings.Contains(string(array), w) {
			t.Errorf("array.sbatch lacks %q:\n%s", w, array)
		}
	}
	for _, name := range []string{"submit.sh", "array.sbatch", "merge.sbatch", "bin/toy", "bin/sweep", "tasks.txt"} {
		st, err := os.Stat(filepath.Join(out, name))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if name != "tasks.txt" && st.Mode()&0o100 == 0 {
			t.Errorf("%s is not executable", name)
		}
		if strings.HasSuffix(name, ".sh") || strings.HasSuffix(name, ".sbatch") {
			if b, err := exec.Command("bash", "-n", filepath.Join(out, name)).CombinedOutput(); err != nil {
				t.Errorf("%s: %v\n%s", name, err, b)
			}
		}
	}
}
