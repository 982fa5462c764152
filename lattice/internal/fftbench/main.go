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
	"bufio"
	_ "embed"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

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

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("fftbench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	rounds := fs.Int("rounds", 7, "rounds of interleaved timings")
	minSec := fs.Float64("min", 0.05, "minimum seconds per timing")
	py := os.Getenv("PYTHON")
	if py == "" {
		py = "/usr/bin/python3"
	}
	python := fs.String("python", py, "interpreter with numpy and scipy")
	filter := fs.String("cases", "", "regular expression selecting cases by name")
	extra := fs.Bool("extra", false, "add cases with extents that are not powers of two")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *rounds < 1 || *minSec <= 0 {
		fmt.Fprintln(stderr, "fftbench: -rounds must be ≥ 1 and -min > 0")
		return 2
	}
	re, err := regexp.Compile(*filter)
	if err != nil {
		fmt.Fprintf(stderr, "fftbench: -cases %q: %v\n", *filter, err)
		return 2
	}

	ref, err := startReference(*python)
	if err != nil {
		fmt.Fprintf(stderr, "fftbench: numpy/scipy unavailable (%v); their columns stay empty\n", err)
	} else {
		defer ref.close()
	}
	if !haveFFTW {
		fmt.Fprintln(stderr, "fftbench: built without the fftw tag; the FFTW column stays empty")
	}

	type row struct {
		c     benchCase
		sides []*side
		note  string
	}
	var rows []*row
	all := cases
	if *extra {
		all = append(append([]benchCase(nil), cases...), extraCases...)
	}
	for _, c := range all {
		if !re.MatchString(c.name()) {
			continue
		}
		r := &row{c: c}
		sides, note, cleanup, err := setup(c, ref)
		if err != nil {
			fmt.Fprintf(stderr, "fftbench: %s: %v\n", c.name(), err)
			return 1
		}
		defer cleanup()
		r.sides, r.note = sides, note
		for _, s := range r.sides {
			if s.n, err = calibrate(s, *minSec); err != nil {
				fmt.Fprintf(stderr, "fftbench: %s %s: %v\n", c.name(), s.name, err)
				return 1
			}
		}
		rows = append(rows, r)
	}

	load0 := loadavg()
	start := time.Now()
	for k := 0; k < *rounds; k++ {
		for _, r := range rows {
			ns := len(r.sides)
			for i := 0; i < ns; i++ {
				s := r.sides[(i+k)%ns]
				t, err := s.time(s.n)
				if err != nil {
					fmt.Fprintf(stderr, "fftbench: %s %s: %v\n", r.c.name(), s.name, err)
					return 1
				}
				s.t = append(s.t, t)
			}
		}
	}
	elapsed := time.Since(start)

	fmt.Fprintf(stdout, "# fftbench: %s, %s, %d rounds of ≥ %.0f ms per timing, %s\n",
		cpuModel(), runtime.Version(), *rounds, *minSec*1000, time.Now().UTC().Format("2006-01-02"))
	if haveFFTW {
		fmt.Fprintf(stdout, "# FFTW %s (FFTW_MEASURE, out of place, 1 thread)\n", fftwVersion())
	}
	if ref != nil {
		fmt.Fprintf(stdout, "# %s (%s)\n", ref.info, *python)
	}
	fmt.Fprintf(stdout, "# load average before/after: %s / %s; %.0f s of timing\n\n", load0, loadavg(), elapsed.Seconds())
	fmt.Fprintln(stdout, "| transform | lattice | rgflow | FFTW | numpy | scipy | rgflow/FFTW | rgflow/numpy | rgflow/scipy |")
	fmt.Fprintln(stdout, "|---|---|---:|---:|---:|---:|---:|---:|---:|")
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
				cols = append(cols, fmtTime(median(s.t)))
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
		fmt.Fprintf(stdout, "| %s | %s | %s |\n", label, strings.TrimPrefix(r.c.name(), r.c.kind+" "), strings.Join(cols, " | "))
	}
	fmt.Fprintln(stdout, "\nTimes are medians per transform; a ratio is the ratio of medians, with the range of the per-round ratios in brackets.")
	for _, r := range rows {
		if r.note != "" {
			fmt.Fprintf(stdout, "check %s: %s\n", r.c.name(), r.note)
		}
	}
	return 0
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

func median(t []float64) float64 {
	s := slices.Clone(t)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

func fmtTime(sec float64) string {
	switch {
	case sec < 1e-3:
		return fmt.Sprintf("%.1f µs", sec*1e6)
	default:
		return fmt.Sprintf("%.2f ms", sec*1e3)
	}
}

func fmtRatio(a, b []float64) string {
	lo, hi := math.Inf(1), math.Inf(-1)
	for i := range a {
		r := a[i] / b[i]
		lo, hi = min(lo, r), max(hi, r)
	}
	return fmt.Sprintf("%.2f (%.2f–%.2f)", median(a)/median(b), lo, hi)
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
	cmd  *exec.Cmd
	in   io.WriteCloser
	out  *bufio.Reader
	info string
}

func startReference(python string) (*reference, error) {
	cmd := exec.Command(python, "-c", referencePy)
	// numpy's FFT does not use BLAS, but follow BENCHMARKING.md: the
	// reference runs without the OpenBLAS overrides some machines set.
	env := []string{}
	for _, e := range os.Environ() {
		if strings.HasPrefix(e, "OPENBLAS_CORETYPE=") || strings.HasPrefix(e, "OPENBLAS_L2_SIZE=") {
			continue
		}
		env = append(env, e)
	}
	cmd.Env = append(env, "OMP_NUM_THREADS=1", "OPENBLAS_NUM_THREADS=1")
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	r := &reference{cmd: cmd, in: in, out: bufio.NewReaderSize(out, 1<<20)}
	info, err := r.ask("info")
	if err != nil {
		r.close()
		return nil, err
	}
	r.info = info
	return r, nil
}

func (r *reference) ask(req string) (string, error) {
	if _, err := fmt.Fprintln(r.in, req); err != nil {
		return "", err
	}
	line, err := r.out.ReadString('\n')
	if err != nil {
		return "", fmt.Errorf("%s: no answer (%v)", req, err)
	}
	return strings.TrimSpace(line), nil
}

func (r *reference) check(lib string, c benchCase) ([]float64, bool, error) {
	ans, err := r.ask(fmt.Sprintf("check %s %s %s", lib, c.kind, c.dimsArg()))
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
	ans, err := r.ask(fmt.Sprintf("time %s %s %s %d", lib, c.kind, c.dimsArg(), n))
	if err != nil {
		return 0, err
	}
	if ans == "unavailable" {
		return 0, errors.New("unavailable")
	}
	return strconv.ParseFloat(ans, 64)
}

func (r *reference) close() {
	r.in.Close()
	r.cmd.Wait()
}
