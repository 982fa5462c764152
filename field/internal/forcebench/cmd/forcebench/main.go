// Copyright ©2026 The rgflow Authors. All rights reserved.

// The C reference needs cgo; without it there is nothing to compare.

//go:build cgo

// Command forcebench times the 2-d φ⁴ force of package field against the C
// reference of package forcebench, side by side in one process: each round
// times every implementation once on the same field, in an order that
// rotates from round to round (benchutil.Run); the report gives the median
// ns per site over the rounds and the ratio of each Go path to the fastest
// C variant.
//
//	go run ./field/internal/forcebench/cmd/forcebench [-rounds 15] [-sizes 256,1024]
package main

import (
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"time"

	"rgflow/field"
	"rgflow/field/internal/forcebench"
	"rgflow/field/internal/stencil"
	"rgflow/internal/benchutil"
	"rgflow/lattice"
)

// impl is one implementation of the force: f runs it reps times.
type impl struct {
	name string
	f    func(reps int)
}

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

func run(args []string, stdout, stderr io.Writer) int {
	fs := benchutil.NewFlags("forcebench", stderr)
	rounds := fs.Int("rounds", 15, "interleaved rounds (the median is reported)")
	sizes := fs.String("sizes", "256,1024", "comma-separated lattice extents L (L×L)")
	target := fs.Duration("target", 20*time.Millisecond, "time per implementation per round")
	if code, ok := fs.Parse(args); !ok {
		return code
	}
	Ls, err := benchutil.Ints(*sizes, 3)
	if err != nil {
		fmt.Fprintf(stderr, "forcebench: -sizes: %v\n", err)
		return 2
	}
	if *rounds < 1 {
		fmt.Fprintln(stderr, "forcebench: -rounds must be ≥ 1")
		return 2
	}
	fmt.Fprintf(stdout, "2-d φ⁴ force, ns/site, median of %d interleaved rounds (assembly available: %v)\n", *rounds, stencil.HasASM())
	for _, L := range Ls {
		bench(stdout, L, *rounds, *target)
	}
	return 0
}

func bench(w io.Writer, L, rounds int, target time.Duration) {
	l := lattice.MustNew(L, L)
	a, err := field.NewPhi4(l, field.ContinuumParams{M2: -1, G: 1})
	if err != nil {
		panic(err)
	}
	V := l.Volume()
	phi := make([]float64, V)
	rnd := rand.New(rand.NewPCG(1, 1))
	for i := range phi {
		phi[i] = rnd.NormFloat64()
	}
	dst := make([]float64, V)
	diag := -(4 + a.Continuum.M2)
	goImpl := func(asm bool) func(int) {
		return func(reps int) {
			prev := stencil.SetASM(asm)
			for k := 0; k < reps; k++ {
				a.Force(dst, phi)
			}
			stencil.SetASM(prev)
		}
	}
	cImpl := func(v forcebench.Variant) func(int) {
		return func(reps int) { forcebench.Force2D(v, reps, dst, phi, L, L, diag, a.Continuum.G) }
	}
	impls := []impl{
		{forcebench.Base.String(), cImpl(forcebench.Base)},
		{forcebench.AVX2.String(), cImpl(forcebench.AVX2)},
		{forcebench.AVX512.String(), cImpl(forcebench.AVX512)},
		{"Go field.Phi4.Force (asm)", goImpl(true)},
		{"Go field.Phi4.Force (pure Go)", goImpl(false)},
	}
	// Calibrate repetitions so each timing lasts about target.
	reps := make([]int, len(impls))
	for i, im := range impls {
		n := 1
		for {
			t0 := time.Now()
			im.f(n)
			if d := time.Since(t0); d > target/4 || n > 1<<20 {
				reps[i] = max(1, int(float64(n)*float64(target)/float64(d)))
				break
			}
			n *= 2
		}
	}
	times := make([][]float64, len(impls))
	benchutil.Run(rounds, len(impls), func(_, i int) error {
		t0 := time.Now()
		impls[i].f(reps[i])
		times[i] = append(times[i], float64(time.Since(t0).Nanoseconds())/float64(reps[i]*V))
		return nil
	})
	sum := make([]benchutil.Summary, len(impls))
	for i := range impls {
		sum[i] = benchutil.Summarise(times[i])
	}
	best := min(sum[0].Median, sum[1].Median, sum[2].Median)
	fmt.Fprintf(w, "L = %d:\n", L)
	for i, im := range impls {
		fmt.Fprintf(w, "  %-30s %7.3f ns/site  (min %.3f, max %.3f)  ratio to best C %.2f\n",
			im.name, sum[i].Median, sum[i].Min, sum[i].Max, sum[i].Median/best)
	}
}
