// Copyright ©2026 The rgflow Authors. All rights reserved.

// Command fftbench times rgflow's lattice transforms side by side with
// FFTW3 and with numpy's rfftn and scipy's rfftn/dctn, in one run,
// interleaved, and prints the medians and their ratios as a Markdown table.
//
// Usage:
//
//	go run -tags fftw ./lattice/internal/fftbench [flags]
//	make bench-fft                      (installs the references first)
//
// Cases: real-to-complex 64², 256², 1024², 32³, 64³ and DCT-II 64², 256².
// Every round times every case on every side once, the sides in rotated
// order; each timing runs the transform enough times to last at least -min
// seconds. FFTW is planned with FFTW_MEASURE outside the timed region, out
// of place, unnormalised (REDFT10 for the DCT-II), one thread, and its loop
// runs in C. numpy and scipy run in one /usr/bin/python3 process that
// answers timing requests over a pipe, single-threaded (scipy's default
// workers=1); their calls allocate the output, as their API does. rgflow
// runs its plans with preallocated destinations, one goroutine.
//
// Before timing, each case checks that all sides compute the same
// transform on x_i = sin(i).
//
// Flags:
//
//	-rounds n    rounds of interleaved timings (default 7)
//	-min s       minimum seconds per timing (default 0.05)
//	-python p    interpreter with numpy/scipy (default $PYTHON or /usr/bin/python3)
//	-cases re    only the cases whose name matches the regular expression
//	-extra       also r2c 96², 100², 81², 127², 48³ and DCT-II 100²
//
// Without the fftw build tag the FFTW column is empty; without numpy/scipy
// their columns are.
package main

import (
	_ "embed"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"rgflow/internal/benchutil"
	"rgflow/lattice"
)

//go:embed reference.py
var referencePy string

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

type benchCase struct {
	kind string // r2c or dct2
	dims []int
}

func (c benchCase) name() string {
	s := make([]string, len(c.dims))
	for i, n := range c.dims {
		s[i] = strconv.Itoa(n)
	}
	return c.kind + " " + strings.Join(s, "x")
}

func (c benchCase) dimsArg() string {
	s := make([]string, len(c.dims))
	for i, n := range c.dims {
		s[i] = strconv.Itoa(n)
	}
	return strings.Join(s, ",")
}

var cases = []benchCase{
	{"r2c", []int{64, 64}},
	{"r2c", []int{256, 256}},
	{"r2c", []int{1024, 1024}},
	{"r2c", []int{32, 32, 32}},
	{"r2c", []int{64, 64, 64}},
	{"dct2", []int{64, 64}},
	{"dct2", []int{256, 256}},
}

// extraCases (-extra) show how extents that are not powers of two fare:
// radix-3 and radix-5 passes, an odd last extent (row pairs) and a prime
// beyond the direct radices (Bluestein).
var extraCases = []benchCase{
	{"r2c", []int{96, 96}},
	{"r2c", []int{100, 100}},
	{"r2c", []int{81, 81}},
	{"r2c", []int{127, 127}},
	{"r2c", []int{48, 48, 48}},
	{"dct2", []int{100, 100}},
}

// side is one implementation of one case.
type side struct {
	name string
	// time runs the transform n times and returns seconds per call.
	time func(n int) (float64, error)
	n    int
	t    []float64 // seconds per call, one per round
}

const (
	sideRgflow = "rgflow"
	sideFFTW   = "FFTW"
	sideNumpy  = "numpy"
	sideScipy  = "scipy"
)

// options are the command-line settings of a run.
type options struct {
	rounds int
	minSec float64
	python string
	cases  *regexp.Regexp
	extra  bool
}

// parseFlags reads the options; ok is false when the program should exit
// with code.
func parseFlags(args []string, stderr io.Writer) (o options, code int, ok bool) {
	fs := benchutil.NewFlags("fftbench", stderr)
	fs.IntVar(&o.rounds, "rounds", 7, "rounds of interleaved timings")
	fs.Float64Var(&o.minSec, "min", 0.05, "minimum seconds per timing")
	py := os.Getenv("PYTHON")
	if py == "" {
		py = "/usr/bin/python3"
	}
	fs.StringVar(&o.python, "python", py, "interpreter with numpy and scipy")
	filter := fs.String("cases", "", "regular expression selecting cases by name")
	fs.BoolVar(&o.extra, "extra", false, "add cases with extents that are not powers of two")
	if code, ok := fs.Parse(args); !ok {
		return o, code, false
	}
	if o.rounds < 1 || o.minSec <= 0 {
		fmt.Fprintln(stderr, "fftbench: -rounds must be ≥ 1 and -min > 0")
		return o, 2, false
	}
	var err error
	if o.cases, err = regexp.Compile(*filter); err != nil {
		fmt.Fprintf(stderr, "fftbench: -cases %q: %v\n", *filter, err)
		return o, 2, false
	}
	return o, 0, true
}

func run(args []string, stdout, stderr io.Writer) int {
	o, code, ok := parseFlags(args, stderr)
	if !ok {
		return code
	}
	ref, err := startReference(o.python)
	if err != nil {
		fmt.Fprintf(stderr, "fftbench: numpy/scipy unavailable (%v); their columns stay empty\n", err)
	} else {
		defer ref.Close()
	}
	if !haveFFTW {
		fmt.Fprintln(stderr, "fftbench: built without the fftw tag; the FFTW column stays empty")
	}
	rows, cleanup, err := setupRows(o, ref)
	defer cleanup()
	if err != nil {
		fmt.Fprintf(stderr, "fftbench: %v\n", err)
		return 1
	}
	load0 := loadavg()
	start := time.Now()
	if err := timeRounds(rows, o.rounds); err != nil {
		fmt.Fprintf(stderr, "fftbench: %v\n", err)
		return 1
	}
	elapsed := time.Since(start)

	fmt.Fprintf(stdout, "# fftbench: %s, %s, %d rounds of ≥ %.0f ms per timing, %s\n",
		cpuModel(), runtime.Version(), o.rounds, o.minSec*1000, time.Now().UTC().Format("2006-01-02"))
	if haveFFTW {
		fmt.Fprintf(stdout, "# FFTW %s (FFTW_MEASURE, out of place, 1 thread)\n", fftwVersion())
	}
	if ref != nil {
		fmt.Fprintf(stdout, "# %s (%s)\n", ref.info, o.python)
	}
	fmt.Fprintf(stdout, "# load average before/after: %s / %s; %.0f s of timing\n\n", load0, loadavg(), elapsed.Seconds())
	report(stdout, rows)
	return 0
}

// row is one case with its sides.
type row struct {
	c     benchCase
	sides []*side
	note  string
}

// setupRows builds, checks and calibrates the sides of every selected case.
// The returned cleanup releases them, also after an error.
func setupRows(o options, ref *reference) ([]*row, func(), error) {
	var cleanups []func()
	cleanup := func() {
		for _, f := range cleanups {
			f()
		}
	}
	all := cases
	if o.extra {
		all = append(slices.Clone(cases), extraCases...)
	}
	var rows []*row
	for _, c := range all {
		if !o.cases.MatchString(c.name()) {
			continue
		}
		sides, note, done, err := setup(c, ref)
		cleanups = append(cleanups, done)
		if err != nil {
			return nil, cleanup, fmt.Errorf("%s: %v", c.name(), err)
		}
		for _, s := range sides {
			if s.n, err = calibrate(s, o.minSec); err != nil {
				return nil, cleanup, fmt.Errorf("%s %s: %v", c.name(), s.name, err)
			}
		}
		rows = append(rows, &row{c: c, sides: sides, note: note})
	}
	return rows, cleanup, nil
}

// timeRounds times every side of every row once per round, the sides of a
// row in the rotated order of benchutil.Order.
func timeRounds(rows []*row, rounds int) error {
	for k := 0; k < rounds; k++ {
		for _, r := range rows {
			for _, i := range benchutil.Order(k, len(r.sides)) {
				s := r.sides[i]
				t, err := s.time(s.n)
				if err != nil {
					return fmt.Errorf("%s %s: %v", r.c.name(), s.name, err)
				}
				s.t = append(s.t, t)
			}
		}
	}
	return nil
}

// report prints the Markdown table of medians and ratios and the checks.
func report(w io.Writer, rows []*row) {
	fmt.Fprintln(w, "| transform | lattice | rgflow | FFTW | numpy | scipy | rgflow/FFTW | rgflow/numpy | rgflow/scipy |")
	fmt.Fprintln(w, "|---|---|---:|---:|---:|---:|---:|---:|---:|")
	for _, r := range rows {
		get := func(name string) *side {
			for _, s := range r.sides {
				if s.name == name {
					return s
				}
			}
			return nil
		}
		g := get(sideRgflow)
		cols := []string{}
		for _, name := range []string{sideRgflow, sideFFTW, sideNumpy, sideScipy} {
			if s := get(name); s != nil {
				cols = append(cols, fmtTime(benchutil.Median(s.t)))
			} else {
				cols = append(cols, "–")
			}
		}
		for _, name := range []string{sideFFTW, sideNumpy, sideScipy} {
			if s := get(name); s != nil {
				cols = append(cols, fmtRatio(g.t, s.t))
			} else {
				cols = append(cols, "–")
			}
		}
		label := r.c.kind
		if r.c.kind == "dct2" {
			label = "DCT-II"
		}
		fmt.Fprintf(w, "| %s | %s | %s |\n", label, strings.TrimPrefix(r.c.name(), r.c.kind+" "), strings.Join(cols, " | "))
	}
	fmt.Fprintln(w, "\nTimes are medians per transform; a ratio is the ratio of medians, with the range of the per-round ratios in brackets.")
	for _, r := range rows {
		if r.note != "" {
			fmt.Fprintf(w, "check %s: %s\n", r.c.name(), r.note)
		}
	}
}

// setup builds the sides of a case and checks that they agree.
func setup(c benchCase, ref *reference) (sides []*side, note string, cleanup func(), err error) {
	cleanup = func() {}
	l, err := lattice.New(c.dims...)
	if err != nil {
		return nil, "", cleanup, err
	}
	V := l.Volume()
	x := make([]float64, V)
	for i := range x {
		x[i] = math.Sin(float64(i))
	}
	var want []float64 // rgflow's result as float64s, in FFTW's layout and scale
	var g *side
	switch c.kind {
	case "r2c":
		p := lattice.NewFFT(l)
		dst := make([]complex128, l.HalfLen())
		p.Forward(dst, x)
		for _, z := range dst {
			want = append(want, real(z), imag(z))
		}
		g = &side{name: sideRgflow, time: func(n int) (float64, error) {
			t0 := time.Now()
			for i := 0; i < n; i++ {
				p.Forward(dst, x)
			}
			return time.Since(t0).Seconds() / float64(n), nil
		}}
	case "dct2":
		p := lattice.NewDCT(l)
		dst := make([]float64, V)
		p.Forward(dst, x)
		// FFTW's REDFT10 and scipy's dctn (norm=None) are 2 × the
		// textbook sum along every axis.
		s := math.Pow(2, float64(len(c.dims)))
		for _, v := range dst {
			want = append(want, s*v)
		}
		g = &side{name: sideRgflow, time: func(n int) (float64, error) {
			t0 := time.Now()
			for i := 0; i < n; i++ {
				p.Forward(dst, x)
			}
			return time.Since(t0).Seconds() / float64(n), nil
		}}
	}
	sides = append(sides, g)
	var notes []string
	check := func(name string, got []float64) error {
		d, err := maxRelDiff(got, want)
		if err != nil {
			return fmt.Errorf("%s disagrees with rgflow: %v", name, err)
		}
		notes = append(notes, fmt.Sprintf("%s max |Δ|/max|X| = %.1e", name, d))
		return nil
	}

	if haveFFTW {
		f, err := newFFTW(c.kind, c.dims)
		if err != nil {
			return nil, "", cleanup, err
		}
		cleanup = f.close
		copy(f.input(), x)
		f.run(1)
		if err := check(sideFFTW, f.output()); err != nil {
			return nil, "", cleanup, err
		}
		// A fixed random-like input for the timings.
		in := f.input()
		for i := range in {
			in[i] = math.Sin(1.7 * float64(i))
		}
		sides = append(sides, &side{name: sideFFTW, time: func(n int) (float64, error) {
			t0 := time.Now()
			f.run(n)
			return time.Since(t0).Seconds() / float64(n), nil
		}})
	}
	if ref != nil {
		for _, lib := range []string{"numpy", "scipy"} {
			got, ok, err := ref.check(lib, c)
			if err != nil {
				return nil, "", cleanup, err
			}
			if !ok {
				continue
			}
			if err := check(lib, got); err != nil {
				return nil, "", cleanup, err
			}
			lib := lib
			sides = append(sides, &side{name: lib, time: func(n int) (float64, error) {
				return ref.time(lib, c, n)
			}})
		}
	}
	return sides, strings.Join(notes, ", "), cleanup, nil
}

// maxRelDiff returns max|got−want|/max|want|, or an error when the lengths
// differ or the difference exceeds 1e-10 (both sides are O(ε log V)).
func maxRelDiff(got, want []float64) (float64, error) {
	if len(got) != len(want) {
		return 0, fmt.Errorf("length %d, rgflow %d", len(got), len(want))
	}
	var d, m float64
	for i := range got {
		d = max(d, math.Abs(got[i]-want[i]))
		m = max(m, math.Abs(want[i]))
	}
	r := d / m
	if !(r < 1e-10) {
		return r, fmt.Errorf("max |Δ|/max|X| = %.2e", r)
	}
	return r, nil
}

// calibrate returns a repetition count whose timing lasts at least minSec.
func calibrate(s *side, minSec float64) (int, error) {
	n := 1
	for {
		t, err := s.time(n)
		if err != nil {
			return 0, err
		}
		if t*float64(n) >= minSec {
			return n, nil
		}
		need := minSec / max(t, 1e-9)
		n = int(math.Ceil(min(max(need*1.2, float64(2*n)), float64(n)*100)))
	}
}

func fmtTime(sec float64) string {
	switch {
	case sec < 1e-3:
		return fmt.Sprintf("%.1f µs", sec*1e6)
	default:
		return fmt.Sprintf("%.2f ms", sec*1e3)
	}
}

// fmtRatio formats the ratio of the medians of a and b with the range of
// their per-round ratios.
func fmtRatio(a, b []float64) string {
	r := benchutil.Summarise(benchutil.Ratios(a, b))
	return fmt.Sprintf("%.2f (%.2f–%.2f)", benchutil.Median(a)/benchutil.Median(b), r.Min, r.Max)
}

func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return runtime.GOARCH
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "model name") {
			if i := strings.Index(line, ":"); i >= 0 {
				return fmt.Sprintf("%s, %d CPUs", strings.TrimSpace(line[i+1:]), runtime.NumCPU())
			}
		}
	}
	return runtime.GOARCH
}

func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}

// reference is the Python timing server of reference.py.
type reference struct {
	*benchutil.Child
	info string
}

func startReference(python string) (*reference, error) {
	c, err := benchutil.StartChild(python, []string{"-c", referencePy}, nil, []string{"OMP_NUM_THREADS=1", "OPENBLAS_NUM_THREADS=1"})
	if err != nil {
		return nil, err
	}
	r := &reference{Child: c}
	if r.info, err = r.Ask("info"); err != nil {
		r.Close()
		return nil, err
	}
	return r, nil
}

func (r *reference) check(lib string, c benchCase) ([]float64, bool, error) {
	ans, err := r.Ask(fmt.Sprintf("check %s %s %s", lib, c.kind, c.dimsArg()))
	if err != nil {
		return nil, false, err
	}
	if ans == "unavailable" {
		return nil, false, nil
	}
	f := strings.Fields(ans)
	v := make([]float64, len(f))
	for i, s := range f {
		if v[i], err = strconv.ParseFloat(s, 64); err != nil {
			return nil, false, err
		}
	}
	return v, true, nil
}

func (r *reference) time(lib string, c benchCase, n int) (float64, error) {
	ans, err := r.Ask(fmt.Sprintf("time %s %s %s %d", lib, c.kind, c.dimsArg(), n))
	if err != nil {
		return 0, err
	}
	if ans == "unavailable" {
		return 0, errors.New("unavailable")
	}
	return strconv.ParseFloat(ans, 64)
}
