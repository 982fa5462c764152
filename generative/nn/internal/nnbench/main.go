// Copyright ©2026 The rgflow Authors. All rights reserved.

// Command nnbench times one training step of generative/nn side by side
// with PyTorch on the CPU (make bench-nn).
//
// The network is the benchmark network of generative/nn (the same as its
// BenchmarkTrainStep): four periodic 3×3 convolutions of 32 channels
// (1→32→32→32→1) with SiLU and an additive time embedding, on 1-channel L×L
// fields, batch 64, MSE loss and Adam. PyTorch runs in a child process
// (torch_step.py, Debian's python3-torch) with the same number of threads,
// without the OpenBLAS processor overrides some machines set, and with
// glibc's malloc told to keep freed memory (no mmap for large blocks, no
// trimming), so that the tensors PyTorch allocates every step reuse memory
// instead of faulting in fresh pages. The two sides run in turn, the first
// alternating from round to round, and the table reports the median step
// time of each side over all rounds and their ratio.
//
// Usage:
//
//	go run ./generative/nn/internal/nnbench [-sizes 32,64] [-threads 2] [-rounds 7] [-steps 5]
package main

import (
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"rgflow/generative/nn"
	"rgflow/internal/benchutil"
	"rgflow/lattice"
)

// mode is how rgflow divides the threads: nn workers over OpenBLAS
// threads.
type mode struct {
	name          string
	workers, blas int
}

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

func run(args []string, stdout, stderr io.Writer) int {
	fs := benchutil.NewFlags("nnbench", stderr)
	sizes := fs.String("sizes", "32,64", "lattice extents L (L×L fields), comma separated")
	threads := fs.String("threads", "2", "thread counts, comma separated (both sides use the same)")
	batch := fs.Int("batch", 64, "batch size")
	rounds := fs.Int("rounds", 7, "interleaved rounds per configuration")
	steps := fs.Int("steps", 5, "training steps per round and side")
	python := fs.String("python", "/usr/bin/python3", "Python interpreter with torch (Debian's)")
	script := fs.String("script", "", "path of torch_step.py (default: next to this source file)")
	alt := fs.Bool("blas-threads", false, "also time rgflow with one worker and OpenBLAS's own thread pool")
	if code, ok := fs.Parse(args); !ok {
		return code
	}
	Ls, err := benchutil.Ints(*sizes, 1)
	if err != nil {
		fmt.Fprintf(stderr, "nnbench: -sizes %q: %v\n", *sizes, err)
		return 2
	}
	Ts, err := benchutil.Ints(*threads, 1)
	if err != nil {
		fmt.Fprintf(stderr, "nnbench: -threads %q: %v\n", *threads, err)
		return 2
	}
	if *script == "" {
		*script = filepath.Join("generative", "nn", "internal", "nnbench", "torch_step.py")
	}
	if _, err := os.Stat(*script); err != nil {
		fmt.Fprintf(stderr, "nnbench: torch script: %v (run from the repository root or pass -script)\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "rgflow generative/nn vs PyTorch: one training step (4 periodic 3×3 convs of 32 channels, SiLU, time embedding; batch %d; MSE + Adam)\n", *batch)
	fmt.Fprintf(stdout, "OpenBLAS core %s; GOMAXPROCS %d; %d rounds × %d steps per side, interleaved; medians of all steps\n\n", nn.BLASCore(), runtime.GOMAXPROCS(0), *rounds, *steps)
	fmt.Fprintf(stdout, "%-6s %-7s %-26s %12s %12s %8s %12s\n", "L", "threads", "rgflow mode", "rgflow ms", "torch ms", "ratio", "allocs/step")
	for _, T := range Ts {
		py, err := startTorch(*python, *script, T)
		if err != nil {
			fmt.Fprintf(stderr, "nnbench: %v\n", err)
			return 1
		}
		for _, L := range Ls {
			modes := []mode{{name: fmt.Sprintf("%d workers, BLAS 1 thread", T), workers: T, blas: 1}}
			if *alt && T > 1 {
				modes = append(modes, mode{name: fmt.Sprintf("1 worker, BLAS %d threads", T), workers: 1, blas: T})
			}
			for _, m := range modes {
				res, err := compare(py, L, T, *batch, *rounds, *steps, m)
				if err != nil {
					fmt.Fprintf(stderr, "nnbench: L=%d threads=%d: %v\n", L, T, err)
					py.Close()
					return 1
				}
				fmt.Fprintf(stdout, "%-6d %-7d %-26s %12.1f %12.1f %8.2f %12.1f\n", L, T, m.name, res.goMs, res.pyMs, res.goMs/res.pyMs, res.allocs)
			}
		}
		fmt.Fprintf(stdout, "(torch %s)\n", py.info)
		py.Close()
	}
	fmt.Fprintln(stdout, "\nratio = rgflow / PyTorch median step time (< 1: rgflow faster). Reproduce: make bench-nn")
	return 0
}

// torch is the PyTorch child process.
type torch struct {
	*benchutil.Child
	info string
}

func startTorch(python, script string, T int) (*torch, error) {
	t := strconv.Itoa(T)
	c, err := benchutil.StartChild(python, []string{script},
		[]string{"OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"},
		[]string{"MALLOC_MMAP_MAX_=0", "MALLOC_TRIM_THRESHOLD_=68719476736", "MALLOC_TOP_PAD_=1073741824",
			"OMP_NUM_THREADS=" + t, "OPENBLAS_NUM_THREADS=" + t, "MKL_NUM_THREADS=" + t})
	if err != nil {
		return nil, err
	}
	return &torch{Child: c}, nil
}

type result struct {
	goMs, pyMs float64
	allocs     float64
}

// body is the benchmark network (generative/nn's benchBody).
func body() nn.Layer {
	return nn.Seq(nn.TimeConv(32, 3), nn.SiLU(), nn.TimeConv(32, 3), nn.SiLU(), nn.TimeConv(32, 3), nn.SiLU(), nn.Conv(1, 3))
}

func compare(py *torch, L, T, B, rounds, steps int, m mode) (result, error) {
	reply, err := py.Ask(fmt.Sprintf("setup %d %d %d", L, B, T))
	if err != nil {
		return result{}, err
	}
	f := strings.Fields(reply)
	if len(f) < 2 || f[0] != "ready" {
		return result{}, fmt.Errorf("torch setup replied %q", reply)
	}
	py.info = strings.Join(f[2:], " ")

	l := lattice.MustNew(L, L)
	net, err := nn.New(l, 1, body(), nn.Config{
		Time:    nn.TimeConfig{Dim: 32, Hidden: 32, Scale: 1000},
		Workers: m.workers,
		Rand:    rand.New(rand.NewPCG(1, 1)),
	})
	if err != nil {
		return result{}, err
	}
	defer net.Close()
	nn.SetBLASThreads(m.blas)
	defer nn.SetBLASThreads(1)
	// torch counts the same parameters except its redundant per-projection
	// biases (none) — the two must agree.
	if f[1] != strconv.Itoa(net.NumParams()) {
		return result{}, fmt.Errorf("parameter counts differ: rgflow %d, torch %s", net.NumParams(), f[1])
	}
	r := rand.New(rand.NewPCG(2, 2))
	V := l.Volume()
	x := make([]float32, B*V)
	target := make([]float32, B*V)
	for i := range x {
		x[i] = float32(r.NormFloat64())
		target[i] = float32(r.NormFloat64())
	}
	ts := make([]float64, B)
	for i := range ts {
		ts[i] = r.Float64()
	}
	opt, err := nn.NewAdam(net.Params(), nn.AdamConfig{Schedule: nn.Schedule{LR: 1e-3}})
	if err != nil {
		return result{}, err
	}
	y := make([]float32, B*V)
	dy := make([]float32, B*V)
	step := func() {
		net.Forward(y, x, ts)
		nn.MSE(dy, y, target)
		net.ZeroGrad()
		net.Backward(nil, dy)
		opt.Update(net.Theta(), net.Grad())
	}
	for range 3 {
		step()
	}
	allocs := testing.AllocsPerRun(2, step)
	var goMs, pyMs []float64
	err = benchutil.Run(rounds, 2, func(_, side int) error {
		if side == 0 {
			for range steps {
				t0 := time.Now()
				step()
				goMs = append(goMs, float64(time.Since(t0).Microseconds())/1e3)
			}
			return nil
		}
		reply, err := py.Ask(fmt.Sprintf("run %d", steps))
		if err != nil {
			return err
		}
		for _, s := range strings.Fields(reply) {
			v, err := strconv.ParseFloat(s, 64)
			if err != nil {
				return fmt.Errorf("torch replied %q", reply)
			}
			pyMs = append(pyMs, v)
		}
		return nil
	})
	if err != nil {
		return result{}, err
	}
	return result{goMs: benchutil.Median(goMs), pyMs: benchutil.Median(pyMs), allocs: allocs}, nil
}
