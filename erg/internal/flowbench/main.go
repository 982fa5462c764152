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
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
	"unsafe"

	"rgflow/erg"
	"rgflow/field"
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

func median(x []float64) float64 {
	y := slices.Clone(x)
	slices.Sort(y)
	n := len(y)
	if n%2 == 1 {
		return y[n/2]
	}
	return (y[n/2-1] + y[n/2]) / 2
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

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("flowbench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	sizes := fs.String("sizes", "64x64,32x32x32", "comma-separated lattices, extents joined by x")
	n := fs.Int("n", 64, "samples in the ensemble")
	snaps := fs.Int("snapshots", 16, "snapshot times (uniform in [0, T])")
	rounds := fs.Int("rounds", 9, "interleaved rounds (medians are reported)")
	workers := fs.Int("workers", 1, "goroutines for both the flow and the reference")
	cpuprof := fs.String("cpuprofile", "", "write a CPU profile of the whole run (flows and references) to this file")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *n < 1 || *snaps < 1 || *rounds < 1 || *workers < 1 {
		fmt.Fprintln(stderr, "flowbench: -n, -snapshots, -rounds and -workers must be ≥ 1")
		return 2
	}
	var lats []*lattice.Lattice
	for _, s := range strings.Split(*sizes, ",") {
		dims, err := parseDims(s)
		if err != nil {
			fmt.Fprintln(stderr, "flowbench:", err)
			return 2
		}
		lats = append(lats, lattice.MustNew(dims...))
	}
	var prof *os.File
	if *cpuprof != "" {
		var err error
		if prof, err = os.Create(*cpuprof); err != nil {
			fmt.Fprintln(stderr, "flowbench:", err)
			return 1
		}
		defer prof.Close()
		if err := pprof.StartCPUProfile(prof); err != nil {
			fmt.Fprintln(stderr, "flowbench:", err)
			return 1
		}
		defer pprof.StopCPUProfile()
	}

	fmt.Fprintf(stdout, "erg.Flow.Run (exp regulator, marginal and trajectory couplings, x variables) against its %d forward + %d×%d inverse real FFTs\n", *n, *n, *snaps)
	fmt.Fprintf(stdout, "%d samples × %d snapshots, %d goroutine(s), %d interleaved rounds, medians; GOMAXPROCS %d; shared machine: read the ratio, not the rates\n\n",
		*n, *snaps, *workers, *rounds, runtime.GOMAXPROCS(0))
	who := uintptr(clockProcess)
	clock := "process"
	if *workers == 1 {
		// Flow.Run with one worker and the reference both run on the
		// calling goroutine: pin it to one thread and time that thread.
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		who, clock = clockThread, "thread"
	}
	fmt.Fprintf(stdout, "CPU time of the %s; wall-clock medians beside\n", clock)
	withFFTW := haveFFTW && *workers == 1
	switch {
	case withFFTW:
		fmt.Fprintf(stdout, "FFTW column: the same transforms with %s plans (FFTW_MEASURE, out of place, one thread)\n", fftwVersion())
	case haveFFTW:
		fmt.Fprintln(stdout, "no FFTW column with -workers > 1 (the FFTW reference is single-threaded)")
	}
	fmt.Fprintf(stdout, "%-10s %-10s %9s %9s %9s %9s %12s %12s %7s %11s %9s", "lattice", "coupling", "flow cpu", "FFT cpu", "flow wall", "FFT wall", "flow s×s/s", "FFT s×s/s", "ratio", "spread", "wall ratio")
	if withFFTW {
		fmt.Fprintf(stdout, " %9s %9s %11s", "FFTW cpu", "flow/FFTW", "spread")
	}
	fmt.Fprintln(stdout)
	for _, l := range lats {
		p, err := erg.NewPolchinski(l, erg.PolchinskiParams{Regulator: erg.Exponential{}, Mass2: 1, ZeroMode: erg.IntegrateOutZeroMode})
		if err != nil {
			fmt.Fprintln(stderr, "flowbench:", err)
			return 1
		}
		times := make([]float64, *snaps)
		for i := range times {
			times[i] = p.T * float64(i) / float64(max(1, *snaps-1))
		}
		data := field.NewEnsemble(l, *n)
		rnd := rand.New(rand.NewPCG(1, 1))
		for i := range data.Data {
			data.Data[i] = rnd.NormFloat64()
		}
		ref := newReference(l, data, *snaps, *workers)
		var fw *fftwReference
		if withFFTW {
			var err error
			if fw, err = newFFTWReference(data, *snaps); err != nil {
				fmt.Fprintf(stderr, "flowbench: %v: no FFTW column for %v\n", err, l)
				fw = nil
			} else {
				defer fw.close()
			}
		}
		for _, c := range []erg.Coupling{erg.Marginal, erg.Trajectory} {
			f, err := erg.NewFlow(p, times, c, erg.X)
			if err != nil {
				fmt.Fprintln(stderr, "flowbench:", err)
				return 1
			}
			f.Workers = *workers
			sink := 0.0
			flowRun := func() {
				_ = f.Run(data, 1, func(_ int, _ float64, e *field.Ensemble) error {
					sink += e.Data[0]
					return nil
				})
			}
			// Warm up both (page faults, plan tables, caches, the heap's
			// size): with a single warm-up run the coupling measured first
			// came out ~15% slower than the same work measured second.
			for range 3 {
				flowRun()
				ref.run()
				if fw != nil {
					fw.run()
				}
			}
			if fw != nil && !fw.finite() {
				fmt.Fprintln(stderr, "flowbench: the FFTW reference's output is not finite and normal: its timing would not be that of ordinary arithmetic")
				return 1
			}
			tf := make([]float64, *rounds)
			tr := make([]float64, *rounds)
			cf := make([]float64, *rounds)
			cr := make([]float64, *rounds)
			ratios := make([]float64, *rounds)
			wratios := make([]float64, *rounds)
			cw := make([]float64, *rounds)
			fratios := make([]float64, *rounds)
			for r := 0; r < *rounds; r++ {
				// Alternate which goes first so that drifts average out.
				timeFlow := func() {
					c0, t0 := cpuTime(who), time.Now()
					flowRun()
					tf[r], cf[r] = time.Since(t0).Seconds(), cpuTime(who)-c0
				}
				timeRef := func() {
					c0, t0 := cpuTime(who), time.Now()
					ref.run()
					tr[r], cr[r] = time.Since(t0).Seconds(), cpuTime(who)-c0
				}
				timeFFTW := func() {
					if fw == nil {
						return
					}
					c0 := cpuTime(who)
					fw.run()
					cw[r] = cpuTime(who) - c0
				}
				// Rotate the order so that drifts average out.
				order := []func(){timeFlow, timeRef, timeFFTW}
				for k := range order {
					order[(k+r)%len(order)]()
				}
				ratios[r] = cf[r] / cr[r]
				wratios[r] = tf[r] / tr[r]
				fratios[r] = cf[r] / cw[r]
			}
			mf, mr := median(cf), median(cr)
			work := float64(*n * *snaps)
			lo, hi := slices.Min(ratios), slices.Max(ratios)
			fmt.Fprintf(stdout, "%-10s %-10s %9.2f %9.2f %9.2f %9.2f %12.0f %12.0f %7.2f %5.2f–%-5.2f %9.2f",
				l.String(), c, 1e3*mf, 1e3*mr, 1e3*median(tf), 1e3*median(tr), work/mf, work/mr, median(ratios), lo, hi, median(wratios))
			if fw != nil {
				fmt.Fprintf(stdout, " %9.2f %9.2f %5.2f–%-5.2f", 1e3*median(cw), median(fratios), slices.Min(fratios), slices.Max(fratios))
			}
			fmt.Fprintln(stdout)
			_ = sink
		}
	}
	fmt.Fprintln(stdout, "\ntimes in ms per run of the whole ensemble; s×s/s = samples × snapshots per CPU second")
	fmt.Fprintln(stdout, "ratio = median over rounds of (flow CPU time / transform CPU time) in the same round; spread = its min–max; wall ratio likewise in wall-clock time")
	if withFFTW {
		fmt.Fprintln(stdout, "flow/FFTW = median over rounds of (flow CPU time / FFTW's CPU time for the same transforms) in the same round")
	}
	return 0
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
	each := func(fn func(w, i int)) {
		if r.workers == 1 {
			for i := 0; i < N; i++ {
				fn(0, i)
			}
			return
		}
		var wg sync.WaitGroup
		for w := 0; w < r.workers; w++ {
			lo, hi := w*N/r.workers, (w+1)*N/r.workers
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := lo; i < hi; i++ {
					fn(w, i)
				}
			}()
		}
		wg.Wait()
	}
	each(func(w, i int) { r.plans[w].Forward(r.modes[i*H:(i+1)*H], r.data.Field(i)) })
	for s := 0; s < r.snaps; s++ {
		each(func(w, i int) { r.plans[w].Inverse(r.out[i*V:(i+1)*V], r.modes[i*H:(i+1)*H]) })
	}
}
