// Copyright ©2026 The rgflow Authors. All rights reserved.

// Command flowbench measures the cost of flowing an ensemble along the
// exact Polchinski transition (erg.Flow.Run) against the transforms it
// performs, timed side by side in one run.
//
// A flow of n samples reported at T snapshot times performs n forward
// real FFTs (data to modes, once per sample) and n·T inverse real FFTs
// (one per sample and snapshot), plus one Gaussian draw per mode and
// snapshot. The reference is exactly those n forward and n·T inverse
// transforms done with lattice.FFT plans alone, on the same lattice and
// the same number of goroutines. The figure of merit is samples ×
// snapshots per second, and the ratio flow time / transform time (1 would
// mean the flow costs nothing beyond its transforms).
//
// Rounds interleave the flow and the reference; the table reports
// medians over rounds. The machine is shared: only the ratio is
// meaningful, not the absolute rates. Besides wall-clock time each run is
// timed in CPU time (clock_gettime: of the one OS thread both run on with
// -workers 1, of the process otherwise), which time slicing by other
// processes on an oversubscribed machine does not inflate; the ratio
// column uses CPU time. (Cache and memory-bandwidth contention still show
// in both.)
//
// Built with -tags fftw (make bench-erg does), each round also times the
// same transforms done by FFTW 3 (FFTW_MEASURE plans, out of place, one
// thread, the loop in C), and the flow/FFTW column gives the flow's cost
// over its transforms at the reference library's speed.
//
//	go run [-tags fftw] ./erg/internal/flowbench [-sizes 64x64,32x32x32] [-n 64] [-snapshots 16] [-rounds 9] [-workers 1] [-cpuprofile f]
package main

import (
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unsafe"

	"rgflow/erg"
	"rgflow/field"
	"rgflow/internal/benchutil"
	"rgflow/internal/parallel"
	"rgflow/lattice"
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

func parseDims(s string) ([]int, error) {
	var dims []int
	for _, p := range strings.Split(s, "x") {
		L, err := strconv.Atoi(strings.TrimSpace(p))
		if err != nil || L < 2 {
			return nil, fmt.Errorf("size %q: want extents ≥ 2 joined by x (64x64)", s)
		}
		dims = append(dims, L)
	}
	return dims, nil
}

// cpuTime returns the CPU time consumed so far by the calling OS thread
// (clock = clockThread) or by the process (clockProcess), from
// clock_gettime, which counts scheduler runtime in nanoseconds.
func cpuTime(clock uintptr) float64 {
	var ts syscall.Timespec
	if _, _, e := syscall.Syscall(syscall.SYS_CLOCK_GETTIME, clock, uintptr(unsafe.Pointer(&ts)), 0); e != 0 {
		return math.NaN()
	}
	return float64(ts.Sec) + 1e-9*float64(ts.Nsec)
}

// Linux clock ids (not in package syscall).
const (
	clockProcess = 2 // CLOCK_PROCESS_CPUTIME_ID
	clockThread  = 3 // CLOCK_THREAD_CPUTIME_ID
)

// options are the command-line settings of a run.
type options struct {
	lats                   []*lattice.Lattice
	n, snaps, rounds, work int
	cpuprofile             string
	// clock is the CPU clock the timings read (clockThread with one
	// worker, clockProcess otherwise); fftw says whether the FFTW column
	// is timed.
	clock uintptr
	fftw  bool
}

// parseFlags reads the options; ok is false when the program should exit
// with code.
func parseFlags(args []string, stderr io.Writer) (o options, code int, ok bool) {
	fs := benchutil.NewFlags("flowbench", stderr)
	sizes := fs.String("sizes", "64x64,32x32x32", "comma-separated lattices, extents joined by x")
	fs.IntVar(&o.n, "n", 64, "samples in the ensemble")
	fs.IntVar(&o.snaps, "snapshots", 16, "snapshot times (uniform in [0, T])")
	fs.IntVar(&o.rounds, "rounds", 9, "interleaved rounds (medians are reported)")
	fs.IntVar(&o.work, "workers", 1, "goroutines for both the flow and the reference")
	fs.StringVar(&o.cpuprofile, "cpuprofile", "", "write a CPU profile of the whole run (flows and references) to this file")
	if code, ok := fs.Parse(args); !ok {
		return o, code, false
	}
	if o.n < 1 || o.snaps < 1 || o.rounds < 1 || o.work < 1 {
		fmt.Fprintln(stderr, "flowbench: -n, -snapshots, -rounds and -workers must be ≥ 1")
		return o, 2, false
	}
	for _, s := range strings.Split(*sizes, ",") {
		dims, err := parseDims(s)
		if err != nil {
			fmt.Fprintln(stderr, "flowbench:", err)
			return o, 2, false
		}
		o.lats = append(o.lats, lattice.MustNew(dims...))
	}
	o.clock = clockProcess
	if o.work == 1 {
		o.clock = clockThread
	}
	o.fftw = haveFFTW && o.work == 1
	return o, 0, true
}

// startProfile starts a CPU profile written to path; stop ends it.
func startProfile(path string) (stop func(), err error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}

func run(args []string, stdout, stderr io.Writer) int {
	o, code, ok := parseFlags(args, stderr)
	if !ok {
		return code
	}
	if o.cpuprofile != "" {
		stop, err := startProfile(o.cpuprofile)
		if err != nil {
			fmt.Fprintln(stderr, "flowbench:", err)
			return 1
		}
		defer stop()
	}
	if o.work == 1 {
		// Flow.Run with one worker and the reference both run on the
		// calling goroutine: pin it to one thread and time that thread.
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
	}
	header(stdout, o)
	for _, l := range o.lats {
		if err := benchLattice(stdout, stderr, l, o); err != nil {
			fmt.Fprintln(stderr, "flowbench:", err)
			return 1
		}
	}
	fmt.Fprintln(stdout, "\ntimes in ms per run of the whole ensemble; s×s/s = samples × snapshots per CPU second")
	fmt.Fprintln(stdout, "ratio = median over rounds of (flow CPU time / transform CPU time) in the same round; spread = its min–max; wall ratio likewise in wall-clock time")
	if o.fftw {
		fmt.Fprintln(stdout, "flow/FFTW = median over rounds of (flow CPU time / FFTW's CPU time for the same transforms) in the same round")
	}
	return 0
}

// header prints what is timed and the column heads.
func header(w io.Writer, o options) {
	fmt.Fprintf(w, "erg.Flow.Run (exp regulator, marginal and trajectory couplings, x variables) against its %d forward + %d×%d inverse real FFTs\n", o.n, o.n, o.snaps)
	fmt.Fprintf(w, "%d samples × %d snapshots, %d goroutine(s), %d interleaved rounds, medians; GOMAXPROCS %d; shared machine: read the ratio, not the rates\n\n",
		o.n, o.snaps, o.work, o.rounds, runtime.GOMAXPROCS(0))
	clock := "process"
	if o.clock == clockThread {
		clock = "thread"
	}
	fmt.Fprintf(w, "CPU time of the %s; wall-clock medians beside\n", clock)
	switch {
	case o.fftw:
		fmt.Fprintf(w, "FFTW column: the same transforms with %s plans (FFTW_MEASURE, out of place, one thread)\n", fftwVersion())
	case haveFFTW:
		fmt.Fprintln(w, "no FFTW column with -workers > 1 (the FFTW reference is single-threaded)")
	}
	fmt.Fprintf(w, "%-10s %-10s %9s %9s %9s %9s %12s %12s %7s %11s %9s", "lattice", "coupling", "flow cpu", "FFT cpu", "flow wall", "FFT wall", "flow s×s/s", "FFT s×s/s", "ratio", "spread", "wall ratio")
	if o.fftw {
		fmt.Fprintf(w, " %9s %9s %11s", "FFTW cpu", "flow/FFTW", "spread")
	}
	fmt.Fprintln(w)
}

// benchLattice times the flows of both couplings on l against their
// transforms and prints a row for each.
func benchLattice(stdout, stderr io.Writer, l *lattice.Lattice, o options) error {
	p, err := erg.NewPolchinski(l, erg.PolchinskiParams{Regulator: erg.Exponential{}, Mass2: 1, ZeroMode: erg.IntegrateOutZeroMode})
	if err != nil {
		return err
	}
	times := make([]float64, o.snaps)
	for i := range times {
		times[i] = p.T * float64(i) / float64(max(1, o.snaps-1))
	}
	data := field.NewEnsemble(l, o.n)
	rnd := rand.New(rand.NewPCG(1, 1))
	for i := range data.Data {
		data.Data[i] = rnd.NormFloat64()
	}
	ref := newReference(l, data, o.snaps, o.work)
	var fw *fftwReference
	if o.fftw {
		if fw, err = newFFTWReference(data, o.snaps); err != nil {
			fmt.Fprintf(stderr, "flowbench: %v: no FFTW column for %v\n", err, l)
			fw = nil
		} else {
			defer fw.close()
		}
	}
	for _, c := range []erg.Coupling{erg.Marginal, erg.Trajectory} {
		f, err := erg.NewFlow(p, times, c, erg.X)
		if err != nil {
			return err
		}
		f.Workers = o.work
		t, err := timeCoupling(f, data, ref, fw, o)
		if err != nil {
			return err
		}
		t.print(stdout, l, c, o, fw != nil)
	}
	return nil
}

// timings are the per-round times of one coupling, in seconds: wall-clock
// and CPU time of the flow and of the lattice.FFT reference, and CPU time
// of the FFTW reference.
type timings struct {
	flowWall, refWall, flowCPU, refCPU, fftwCPU []float64
}

// timeCoupling warms up the flow f and the references, then times them in
// o.rounds rounds, their order rotating from round to round.
func timeCoupling(f *erg.Flow, data *field.Ensemble, ref *reference, fw *fftwReference, o options) (timings, error) {
	sink := 0.0
	flowRun := func() {
		_ = f.Run(data, 1, func(_ int, _ float64, e *field.Ensemble) error {
			sink += e.Data[0]
			return nil
		})
	}
	// Warm up every side (page faults, plan tables, caches, the heap's
	// size), so that the first one timed does not pay for them.
	for range 3 {
		flowRun()
		ref.run()
		if fw != nil {
			fw.run()
		}
	}
	if fw != nil && !fw.finite() {
		return timings{}, fmt.Errorf("the FFTW reference's output is not finite and normal: its timing would not be that of ordinary arithmetic")
	}
	var t timings
	timed := func(fn func(), wall, cpu *[]float64) func() error {
		return func() error {
			c0, t0 := cpuTime(o.clock), time.Now()
			fn()
			c1 := cpuTime(o.clock)
			if wall != nil {
				*wall = append(*wall, time.Since(t0).Seconds())
			}
			*cpu = append(*cpu, c1-c0)
			return nil
		}
	}
	sides := []func() error{timed(flowRun, &t.flowWall, &t.flowCPU), timed(ref.run, &t.refWall, &t.refCPU)}
	if fw != nil {
		sides = append(sides, timed(fw.run, nil, &t.fftwCPU))
	}
	for r := 0; r < o.rounds; r++ {
		benchutil.Round(r, sides...)
	}
	_ = sink
	return t, nil
}

// print writes the row of one coupling.
func (t timings) print(w io.Writer, l *lattice.Lattice, c erg.Coupling, o options, withFFTW bool) {
	mf, mr := benchutil.Median(t.flowCPU), benchutil.Median(t.refCPU)
	work := float64(o.n * o.snaps)
	ratio := benchutil.Summarise(benchutil.Ratios(t.flowCPU, t.refCPU))
	fmt.Fprintf(w, "%-10s %-10s %9.2f %9.2f %9.2f %9.2f %12.0f %12.0f %7.2f %5.2f–%-5.2f %9.2f",
		l.String(), c, 1e3*mf, 1e3*mr, 1e3*benchutil.Median(t.flowWall), 1e3*benchutil.Median(t.refWall), work/mf, work/mr,
		ratio.Median, ratio.Min, ratio.Max, benchutil.Median(benchutil.Ratios(t.flowWall, t.refWall)))
	if withFFTW {
		fr := benchutil.Summarise(benchutil.Ratios(t.flowCPU, t.fftwCPU))
		fmt.Fprintf(w, " %9.2f %9.2f %5.2f–%-5.2f", 1e3*benchutil.Median(t.fftwCPU), fr.Median, fr.Min, fr.Max)
	}
	fmt.Fprintln(w)
}

// reference performs the transforms a flow of the ensemble performs, with
// lattice.FFT plans alone: one forward per sample, then one inverse per
// sample and snapshot, on the same number of goroutines and the same
// contiguous blocks of samples.
type reference struct {
	data    *field.Ensemble
	snaps   int
	plans   []*lattice.FFT
	modes   []complex128
	out     []float64
	workers int
}

func newReference(l *lattice.Lattice, data *field.Ensemble, snaps, workers int) *reference {
	r := &reference{data: data, snaps: snaps, workers: min(workers, data.Len())}
	r.plans = make([]*lattice.FFT, r.workers)
	for w := range r.plans {
		r.plans[w] = lattice.NewFFT(l)
	}
	r.modes = make([]complex128, data.Len()*l.HalfLen())
	r.out = make([]float64, len(data.Data))
	return r
}

func (r *reference) run() {
	N, V, H := r.data.Len(), r.data.Lat.Volume(), r.data.Lat.HalfLen()
	parallel.For(r.workers, N, func(w, i int) { r.plans[w].Forward(r.modes[i*H:(i+1)*H], r.data.Field(i)) })
	for s := 0; s < r.snaps; s++ {
		parallel.For(r.workers, N, func(w, i int) { r.plans[w].Inverse(r.out[i*V:(i+1)*V], r.modes[i*H:(i+1)*H]) })
	}
}
