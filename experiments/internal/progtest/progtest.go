// Copyright ©2026 The rgflow Authors. All rights reserved.

// Package progtest drives an experiment program from its tests as a user
// would: command lines and the exit codes and messages they must give, the
// summary and plots of a run, and its HDF5 file read by an external tool
// (Debian's h5py).
package progtest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"rgflow/experiments/internal/pipeline"
	"rgflow/internal/cli"
	"rgflow/internal/h5io"
	"rgflow/internal/h5io/h5iotest"
	"rgflow/internal/h5io/schema"
)

// Program is an experiment program as a function of its command line: it
// writes to stdout and stderr and returns the exit code.
type Program func(ctx context.Context, args []string, stdout, stderr io.Writer) int

// Of returns the program of exp: cli.Main applied to it.
func Of[T any](exp cli.Experiment[T]) Program {
	return func(ctx context.Context, args []string, stdout, stderr io.Writer) int {
		return cli.Main(ctx, args, stdout, stderr, exp)
	}
}

// Run runs p with args and returns its exit code and what it wrote.
func (p Program) Run(args ...string) (code int, stdout, stderr string) {
	var o, e bytes.Buffer
	code = p(context.Background(), args, &o, &e)
	return code, o.String(), e.String()
}

// Case is a command line and what it must give.
type Case struct {
	Name string
	Args []string
	Code int    // the exit code
	Want string // text that stdout or stderr must contain
}

// ExitCodes runs p on every case and reports through t each case whose
// exit code differs or whose output lacks its Want, with the output.
func (p Program) ExitCodes(t testing.TB, cases []Case) {
	t.Helper()
	for _, c := range cases {
		code, o, e := p.Run(c.Args...)
		if code != c.Code || !strings.Contains(o+e, c.Want) {
			t.Errorf("%s: %v → exit %d, want %d mentioning %q\nstdout: %s\nstderr: %s", c.Name, c.Args, code, c.Code, c.Want, o, e)
		}
	}
}

// Conventions are what one program must show of the command-line
// conventions every experiment shares (package cli); Cases turns them into
// cases for ExitCodes.
type Conventions struct {
	Help    string   // text --help prints: a configuration key of the program
	Preset  string   // text -h prints: a preset
	Printed string   // text --quick --print-config prints
	Flag    []string // arguments with a flag the program does not have
	Typo    string   // a configuration file with a misspelt key
	TypoKey string   // that key, as the error names it
	Unknown string   // a preset the program does not have
	Presets string   // the presets, as the error of Unknown lists them
}

// Cases returns the cases of the conventions: --help, -h and --quick
// --print-config exit 0 and print Help, Preset and Printed; a flag the
// program does not have (configuration keys go through --set), a
// configuration file with a misspelt key and an unknown preset exit 2
// and name the problem.
func (c Conventions) Cases(t testing.TB) []Case {
	t.Helper()
	typo := WriteFile(t, "typo.yaml", c.Typo)
	return []Case{
		{Name: "help", Args: []string{"--help"}, Code: 0, Want: c.Help},
		{Name: "presets in help", Args: []string{"-h"}, Code: 0, Want: c.Preset},
		{Name: "print config", Args: []string{"--quick", "--print-config"}, Code: 0, Want: c.Printed},
		{Name: "bad flag", Args: c.Flag, Code: 2, Want: "unknown flag"},
		{Name: "typo in file", Args: []string{"--config", typo}, Code: 2, Want: fmt.Sprintf("unknown key %q", c.TypoKey)},
		{Name: "unknown preset", Args: []string{"--preset", c.Unknown}, Code: 2, Want: "allowed " + c.Presets},
	}
}

// WriteFile writes content to a file called name in a temporary directory
// removed after the test, and returns its path (a configuration file for
// --config).
func WriteFile(t testing.TB, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// Contains reports through t each of wants that summary lacks.
func Contains(t testing.TB, summary string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(summary, w) {
			t.Errorf("summary lacks %q:\n%s", w, summary)
		}
	}
}

// Plots reports through t each plot of names that a run writing the file
// out did not write in the default formats: the plot called name of
// out.h5 is out_name.png and out_name.svg.
func Plots(t testing.TB, out string, names ...string) {
	t.Helper()
	for _, n := range names {
		var missing []string
		for _, ext := range []string{".png", ".svg"} {
			if _, err := os.Stat(strings.TrimSuffix(out, ".h5") + "_" + n + ext); err != nil {
				missing = append(missing, err.Error())
			}
		}
		if missing != nil {
			t.Errorf("plot %s: %s", n, strings.Join(missing, "; "))
		}
	}
}

// Python returns the Python interpreter ($PYTHON, else /usr/bin/python3)
// after checking that it imports h5py. Without h5py it skips the test, or
// fails it when $CI is set, since CI installs python3-h5py.
func Python(t testing.TB) string {
	t.Helper()
	py := os.Getenv("PYTHON")
	if py == "" {
		py = "/usr/bin/python3"
	}
	if err := exec.Command(py, "-c", "import h5py").Run(); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s cannot import h5py (make deps installs python3-h5py): %v", py, err)
		}
		t.Skipf("%s cannot import h5py (install python3-h5py, e.g. make deps): %v", py, err)
	}
	return py
}

// CheckH5py runs the program's reader testdata/check_h5py.py on the file
// out with Python (see Python), fails the test if it fails and logs what it
// printed.
func CheckH5py(t testing.TB, out string) {
	t.Helper()
	res, err := exec.Command(Python(t), "testdata/check_h5py.py", out).CombinedOutput()
	if err != nil {
		t.Fatalf("h5py check: %v\n%s", err, res)
	}
	t.Logf("%s", res)
}

// CheckSchema walks the file out against docs/hdf5-schema.md (its schema
// blocks, package schema) and reports through t every group, dataset or
// attribute the page does not describe and every required one the file
// lacks, each with its path.
func CheckSchema(t testing.TB, out string) {
	t.Helper()
	s, err := schema.Load(filepath.Join(moduleRoot(t), "docs", "hdf5-schema.md"))
	if err != nil {
		t.Fatal(err)
	}
	f, err := h5io.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	probs, err := s.Check(f)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range probs {
		t.Errorf("%s: %v (docs/hdf5-schema.md documents the layout: add it there, table and schema block)", filepath.Base(out), p)
	}
}

// CheckXDMF reads the XDMF sidecar of the file out as ParaView's XDMF3
// reader needs it (h5iotest.CheckXDMF: plain HDF data items that resolve to
// datasets of the grid's shape, no HyperSlab) and reports through t any
// problem, a field dataset of the file with no grid, and grids of one
// collection that are not at one place or whose times do not increase.
func CheckXDMF(t testing.TB, out string) {
	t.Helper()
	grids, err := h5iotest.CheckXDMF(h5io.XDMFPath(out))
	if err != nil {
		t.Fatal(err)
	}
	f, err := h5io.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	paths, err := f.Datasets()
	if err != nil {
		t.Fatal(err)
	}
	byCol := map[string][]h5iotest.XDMFGrid{}
	for _, g := range grids {
		byCol[g.Collection] = append(byCol[g.Collection], g)
	}
	x := map[float64]string{}
	for _, p := range paths {
		d, err := f.OpenDataset(p)
		if err != nil {
			t.Fatal(err)
		}
		var la int64
		if d.Attr("lattice_axes", &la) != nil || la < 2 {
			continue
		}
		gs := byCol[p[1:]]
		if len(gs) == 0 {
			t.Errorf("%s: field dataset without grids in the sidecar", p)
			continue
		}
		if other, ok := x[gs[0].Origin[2]]; ok {
			t.Errorf("%s and %s: two collections at X = %v", other, p, gs[0].Origin[2])
		}
		x[gs[0].Origin[2]] = p
		for i, g := range gs {
			if g.Origin[2] != gs[0].Origin[2] || (i > 0 && g.Time < gs[i-1].Time) {
				t.Errorf("%s grid %d: X = %v (first %v), time %v after %v", p, i, g.Origin[2], gs[0].Origin[2], g.Time, gs[max(i-1, 0)].Time)
			}
		}
	}
	t.Logf("%s: %d grids in %d collections", h5io.XDMFPath(out), len(grids), len(byCol))
	// With ParaView installed (Debian: paraview python3-paraview), its two
	// XDMF readers load the sidecar as a user's File → Open would.
	pv, err := exec.LookPath("pvpython")
	if err != nil {
		t.Logf("no pvpython: the sidecar was not loaded in ParaView")
		return
	}
	res, err := exec.Command(pv, filepath.Join(moduleRoot(t), "scripts", "paraview_check.py"), h5io.XDMFPath(out)).CombinedOutput()
	if err != nil {
		t.Errorf("pvpython scripts/paraview_check.py: %v\n%s", err, res)
	}
	t.Logf("%s", res)
}

// CheckCF runs scripts/checks/cf_labels.py on the file out: every group
// opens in xarray and every variable gets the axis label "long_name
// [units]" from the CF attributes, with units UDUNITS parses. Without
// xarray and h5netcdf it skips the test (call it last), or fails it when
// $CI is set.
func CheckCF(t testing.TB, out string) {
	t.Helper()
	py := Python(t)
	if err := exec.Command(py, "-c", "import xarray, h5netcdf").Run(); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s cannot import xarray and h5netcdf (make deps installs python3-xarray python3-h5netcdf): %v", py, err)
		}
		t.Skipf("the CF labels check: %s cannot import xarray and h5netcdf (install python3-xarray python3-h5netcdf): %v", py, err)
	}
	res, err := exec.Command(py, filepath.Join(moduleRoot(t), "scripts", "checks", "cf_labels.py"), out).CombinedOutput()
	if err != nil {
		t.Fatalf("CF labels check: %v\n%s", err, res)
	}
	t.Logf("%s", res)
}

// moduleRoot returns the directory of go.mod above the test's directory.
func moduleRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		up := filepath.Dir(dir)
		if up == dir {
			t.Fatal("no go.mod above the test's directory")
		}
		dir = up
	}
}

// Verdict reads a run file's root status and its checks_passed attribute:
// what a resumed run must report as the uninterrupted one did.
func Verdict(t testing.TB, path string) (status string, checksPassed bool) {
	t.Helper()
	f, err := h5io.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	in, err := f.Info()
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Attr("/", "checks_passed", &checksPassed); err != nil {
		t.Fatal(err)
	}
	return string(in.Status), checksPassed
}

// ResumeAfter runs p with args and --out DIR/<stage>.h5, stopped after
// stage as an interruption there would stop it (pipeline.StopAfter; exit
// 3), resumes it with --resume, and reports through t any difference from
// the uninterrupted run's file full and summary fullOut: root status,
// checks_passed, and the summary's last line containing key. It returns
// the resumed file for further comparisons.
func (p Program) ResumeAfter(t testing.TB, args []string, dir, stage, full, fullOut, key string) string {
	t.Helper()
	part := filepath.Join(dir, strings.ReplaceAll(stage, " ", "_")+".h5")
	pipeline.StopAfter = stage
	code, _, e := p.Run(append(args, "--out", part)...)
	pipeline.StopAfter = ""
	if code != 3 {
		t.Fatalf("stop after %s: exit %d, want 3\n%s", stage, code, e)
	}
	code, out, e := p.Run("--out", part, "--resume", "--quiet")
	if code != 0 {
		t.Fatalf("resume after %s: exit %d\n%s", stage, code, e)
	}
	ws, wp := Verdict(t, full)
	if s, ok := Verdict(t, part); s != ws || ok != wp {
		t.Errorf("resumed after %s: root status %q, checks_passed %v; uninterrupted %q, %v", stage, s, ok, ws, wp)
	}
	if g, w := LastLine(out, key), LastLine(fullOut, key); g != w {
		t.Errorf("resumed after %s: summary %q, uninterrupted %q", stage, g, w)
	}
	return part
}

// LastLine returns the last line of s that contains key, or "".
func LastLine(s, key string) string {
	v := ""
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, key) {
			v = l
		}
	}
	return v
}
