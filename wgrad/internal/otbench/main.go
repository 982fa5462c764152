// Copyright ©2026 The rgflow Authors. All rights reserved.

// Command otbench times wgrad's optimal transport solvers side by side with
// their Python references (make bench-ot):
//
//   - log-domain Sinkhorn (wgrad.Sinkhorn.SolveMatrix, no ε-scaling: the
//     same algorithm from the same start) against POT's
//     ot.sinkhorn(method="sinkhorn_log"), on n uniform points in 16
//     dimensions against n others, cost |x − y|², the same ε (= POT's reg)
//     and the same stopping rule (L2 norm of the column-marginal error
//     below -tol);
//   - the exact assignment (wgrad.SolveAssignment, Jonker–Volgenant)
//     against scipy.optimize.linear_sum_assignment on the same cost matrix.
//
// The points come from a fixed seed and are handed to the Python side
// (scripts/bench_ot.py, run by Debian's python3 with POT 0.8.2) through a
// temporary file; each side builds its cost matrix outside the timer. The
// sides run in turn, the first alternating from round to round, and the
// table reports the median time of each side over the rounds, their ratio
// (Go time / reference time: below 1 means Go is faster), the iteration
// counts, the ratio of times per iteration (POT tests its stopping rule
// only every 10th iteration, so it may run up to 9 more than needed), and
// the transport costs ⟨C, π⟩ of both, which must agree to the accuracy the
// marginal tolerance allows.
//
// Usage:
//
//	go run ./wgrad/internal/otbench [-n 1000,4000] [-exact 1000] [-eps 2] [-tol 1e-6] [-rounds 3] [-workers 1,0]
package main

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"time"

	"rgflow/internal/benchutil"
	"rgflow/wgrad"
)

// row is one line of the report: a case, its reference and rgflow side, the
// median times, iteration counts and transport costs of both.
type row struct {
	name, ref, goName string
	refMed, goMed     float64
	refIter, goIter   int
	iters, costs      string
}

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

func run(args []string, stdout, stderr io.Writer) int {
	fs := benchutil.NewFlags("otbench", stderr)
	sizes := fs.String("n", "1000,4000", "Sinkhorn problem sizes (n points against n), comma separated")
	exactN := fs.Int("exact", 1000, "size of the assignment problem (0 skips it)")
	dim := fs.Int("dim", 16, "dimension of the points")
	eps := fs.Float64("eps", 2, "entropic regularisation ε (POT's reg), in units of the squared distance")
	tol := fs.Float64("tol", 1e-6, "stopping tolerance on the L2 column-marginal error (POT's stopThr)")
	maxIter := fs.Int("maxiter", 100000, "iteration limit (POT's numItermax)")
	rounds := fs.Int("rounds", 3, "interleaved rounds per case")
	python := fs.String("python", "/usr/bin/python3", "Python interpreter with POT and scipy (Debian's)")
	script := fs.String("script", "scripts/bench_ot.py", "path of the reference script")
	workerList := fs.String("workers", "1,0", "Sinkhorn worker counts, comma separated (0 means GOMAXPROCS)")
	if code, ok := fs.Parse(args); !ok {
		return code
	}
	ns, err := benchutil.Ints(*sizes, 2)
	if err != nil {
		fmt.Fprintf(stderr, "otbench: -n: %v\n", err)
		return 2
	}
	ws, err := benchutil.Ints(*workerList, 0)
	if err != nil {
		fmt.Fprintf(stderr, "otbench: -workers: %v\n", err)
		return 2
	}
	var workers []int
	for _, w := range ws {
		if w == 0 {
			w = runtime.GOMAXPROCS(0)
		}
		if !slices.Contains(workers, w) {
			workers = append(workers, w)
		}
	}
	if *rounds < 1 || *dim < 1 || !(*eps > 0) || !(*tol > 0) {
		fmt.Fprintln(stderr, "otbench: -rounds, -dim, -eps and -tol must be positive")
		return 2
	}
	py, err := startPython(*python, *script)
	if err != nil {
		fmt.Fprintf(stderr, "otbench: %v\n", err)
		return 1
	}
	defer py.Close()
	dir, err := os.MkdirTemp("", "otbench")
	if err != nil {
		fmt.Fprintf(stderr, "otbench: %v\n", err)
		return 1
	}
	defer os.RemoveAll(dir)

	fmt.Fprintf(stdout, "otbench: %d-D points, ε = %g, marginal tolerance %g, %d interleaved rounds, medians; GOMAXPROCS %d, %s/%s\n",
		*dim, *eps, *tol, *rounds, runtime.GOMAXPROCS(0), runtime.GOOS, runtime.GOARCH)
	fmt.Fprintln(stdout, "The machine is shared: absolute times drift, the ratios of interleaved rounds are the figures to read.")
	var rows []row
	for _, n := range ns {
		r, err := benchSinkhorn(py, dir, n, *dim, workers, *eps, *tol, *maxIter, *rounds, stderr)
		if err != nil {
			fmt.Fprintf(stderr, "otbench: Sinkhorn n=%d: %v\n", n, err)
			return 1
		}
		rows = append(rows, r...)
	}
	if *exactN > 0 {
		r, err := benchAssignment(py, dir, *exactN, *dim, *rounds, stderr)
		if err != nil {
			fmt.Fprintf(stderr, "otbench: assignment n=%d: %v\n", *exactN, err)
			return 1
		}
		rows = append(rows, r)
	}
	if py.versions != "" {
		fmt.Fprintf(stdout, "reference: %s\n", py.versions)
	}
	fmt.Fprintln(stdout)
	fmt.Fprintln(stdout, "| case | reference | reference median | rgflow | rgflow median | ratio rgflow/ref | iterations ref / rgflow | ratio per iteration | ⟨C,π⟩ ref / rgflow |")
	fmt.Fprintln(stdout, "|---|---|---|---|---|---|---|---|---|")
	for _, r := range rows {
		per := "–"
		if r.refIter > 0 && r.goIter > 0 {
			per = fmt.Sprintf("%.2f", (r.goMed/float64(r.goIter))/(r.refMed/float64(r.refIter)))
		}
		fmt.Fprintf(stdout, "| %s | %s | %s | %s | %s | %.2f | %s | %s | %s |\n", r.name, r.ref, dur(r.refMed), r.goName, dur(r.goMed), r.goMed/r.refMed, r.iters, per, r.costs)
	}
	return 0
}

func dur(s float64) string {
	switch {
	case s >= 1:
		return fmt.Sprintf("%.2f s", s)
	case s >= 1e-3:
		return fmt.Sprintf("%.1f ms", s*1e3)
	}
	return fmt.Sprintf("%.0f µs", s*1e6)
}

// problem draws n points x ~ N(0, I) and n points y ~ N(0.3, I) in R^dim
// from a fixed seed, writes them for the reference and returns them with
// the squared-distance cost matrix.
func problem(py *python, dir string, n, dim int) (x, y wgrad.Cloud, c []float64, err error) {
	rnd := rand.New(rand.NewPCG(uint64(n), 0x6f74)) // "ot"
	draw := func(shift float64) wgrad.Cloud {
		v := make([]float64, n*dim)
		for i := range v {
			v[i] = rnd.NormFloat64() + shift
		}
		return wgrad.Cloud{Dim: dim, X: v}
	}
	x, y = draw(0), draw(0.3)
	path := filepath.Join(dir, fmt.Sprintf("points%d.f64", n))
	buf := make([]byte, 0, 16*n*dim)
	for _, v := range append(slices.Clone(x.X), y.X...) {
		buf = binary.LittleEndian.AppendUint64(buf, math.Float64bits(v))
	}
	if err = os.WriteFile(path, buf, 0o600); err != nil {
		return
	}
	var rep map[string]any
	if rep, err = py.call(fmt.Sprintf("load %s %d %d %d", path, n, n, dim)); err != nil {
		return
	}
	if v, ok := rep["versions"].(map[string]any); ok {
		py.versions = fmt.Sprintf("POT %v, numpy %v, scipy %v (%s)", v["pot"], v["numpy"], v["scipy"], py.path)
	}
	c = make([]float64, n*n)
	for i := 0; i < n; i++ {
		xi := x.Point(i)
		for j := 0; j < n; j++ {
			yj := y.Point(j)
			s := 0.0
			for k, v := range xi {
				d := v - yj[k]
				s += d * d
			}
			c[i*n+j] = s
		}
	}
	return
}

func benchSinkhorn(py *python, dir string, n, dim int, workers []int, eps, tol float64, maxIter, rounds int, log io.Writer) ([]row, error) {
	_, _, c, err := problem(py, dir, n, dim)
	if err != nil {
		return nil, err
	}
	ref := make([]float64, 0, rounds)
	goT := make([][]float64, len(workers))
	var refIter int
	var refCost float64
	var res []wgrad.EntropicOT
	for r := 0; r < rounds; r++ {
		pyRun := func() error {
			rep, err := py.call(fmt.Sprintf("sinkhorn %g %g %d", eps, tol, maxIter))
			if err != nil {
				return err
			}
			ref = append(ref, rep["sec"].(float64))
			refIter = int(rep["iter"].(float64))
			refCost = rep["transport"].(float64)
			return nil
		}
		goRun := func() error {
			res = res[:0]
			for k, w := range workers {
				s := wgrad.Sinkhorn{Eps: eps, Tol: tol, MaxIter: maxIter, Workers: w}
				t0 := time.Now()
				o, err := s.SolveMatrix(c, nil, nil, n, n)
				goT[k] = append(goT[k], time.Since(t0).Seconds())
				if err != nil {
					return err
				}
				res = append(res, o)
			}
			return nil
		}
		if err := benchutil.Round(r, goRun, pyRun); err != nil {
			return nil, err
		}
		fmt.Fprintf(log, "otbench: Sinkhorn n=%d round %d/%d: POT %s, rgflow %s\n", n, r+1, rounds, dur(ref[len(ref)-1]), dur(goT[0][len(goT[0])-1]))
	}
	var rows []row
	for k, w := range workers {
		o := res[k]
		rows = append(rows, row{
			name:   fmt.Sprintf("Sinkhorn n=%d, %d-D", n, dim),
			ref:    "POT sinkhorn_log (numpy, 1 thread)",
			goName: fmt.Sprintf("Sinkhorn.SolveMatrix, %d worker(s)", w),
			refMed: benchutil.Median(ref), goMed: benchutil.Median(goT[k]),
			refIter: refIter, goIter: o.Iter,
			iters: fmt.Sprintf("%d / %d", refIter, o.Iter),
			costs: fmt.Sprintf("%.9g / %.9g (rel %.1e)", refCost, o.Transport, math.Abs(refCost-o.Transport)/refCost),
		})
	}
	return rows, nil
}

func benchAssignment(py *python, dir string, n, dim, rounds int, log io.Writer) (row, error) {
	_, _, c, err := problem(py, dir, n, dim)
	if err != nil {
		return row{}, err
	}
	var ref, goT []float64
	var refCost, goCost float64
	for r := 0; r < rounds; r++ {
		pyRun := func() error {
			rep, err := py.call("lsa")
			if err != nil {
				return err
			}
			ref = append(ref, rep["sec"].(float64))
			refCost = rep["cost"].(float64)
			return nil
		}
		goRun := func() error {
			t0 := time.Now()
			a, err := wgrad.SolveAssignment(c, n)
			goT = append(goT, time.Since(t0).Seconds())
			goCost = a.Cost / float64(n)
			return err
		}
		if err := benchutil.Round(r, goRun, pyRun); err != nil {
			return row{}, err
		}
		fmt.Fprintf(log, "otbench: assignment n=%d round %d/%d: scipy %s, rgflow %s\n", n, r+1, rounds, dur(ref[len(ref)-1]), dur(goT[len(goT)-1]))
	}
	return row{
		name:   fmt.Sprintf("exact OT (assignment) n=%d, %d-D", n, dim),
		ref:    "scipy linear_sum_assignment",
		goName: "SolveAssignment (LAPJV)",
		refMed: benchutil.Median(ref), goMed: benchutil.Median(goT),
		iters: "–",
		costs: fmt.Sprintf("%.9g / %.9g (rel %.1e)", refCost, goCost, math.Abs(refCost-goCost)/refCost),
	}, nil
}

// python is the reference process: scripts/bench_ot.py answering one JSON
// object per request line.
type python struct {
	*benchutil.Child
	path     string
	versions string
}

func startPython(path, script string) (*python, error) {
	// One thread, as the Go side's first column.
	c, err := benchutil.StartChild(path, []string{script}, nil, []string{"OMP_NUM_THREADS=1", "OPENBLAS_NUM_THREADS=1", "MKL_NUM_THREADS=1"})
	if err != nil {
		return nil, fmt.Errorf("%w (install with ./scripts/deps.sh python3-pot python3-scipy python3-numpy)", err)
	}
	return &python{Child: c, path: path}, nil
}

func (p *python) call(line string) (map[string]any, error) {
	s, err := p.Ask(line)
	if err != nil {
		return nil, fmt.Errorf("reference script: %v (is POT installed? ./scripts/deps.sh python3-pot python3-scipy python3-numpy)", err)
	}
	var rep map[string]any
	if err := json.Unmarshal([]byte(s), &rep); err != nil {
		return nil, fmt.Errorf("reference reply %q: %v", s, err)
	}
	if e, ok := rep["error"]; ok {
		return nil, fmt.Errorf("reference: %v", e)
	}
	return rep, nil
}
