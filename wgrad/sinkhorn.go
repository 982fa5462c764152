// Copyright ©2026 The rgflow Authors. All rights reserved.

package wgrad

import (
	"errors"
	"fmt"
	"math"

	"rgflow/internal/parallel"
)

// Cloud is a weighted point cloud in R^Dim: point i is X[i*Dim:(i+1)*Dim]
// with weight W[i]. Nil W means uniform weights; weights are normalised to
// unit mass wherever a Cloud is used as a measure.
type Cloud struct {
	Dim int
	X   []float64
	W   []float64
}

// Len returns the number of points.
func (c Cloud) Len() int {
	if c.Dim <= 0 {
		panic("wgrad: cloud dimension must be positive")
	}
	if len(c.X)%c.Dim != 0 {
		panic("wgrad: cloud coordinates are not a whole number of points")
	}
	return len(c.X) / c.Dim
}

// Point returns point i, sharing storage with the cloud.
func (c Cloud) Point(i int) []float64 { return c.X[i*c.Dim : (i+1)*c.Dim : (i+1)*c.Dim] }

// weights returns the normalised weights of c.
func (c Cloud) weights(name string) ([]float64, error) {
	n := c.Len()
	if n == 0 {
		return nil, fmt.Errorf("wgrad: cloud %s is empty", name)
	}
	w := make([]float64, n)
	if c.W == nil {
		for i := range w {
			w[i] = 1 / float64(n)
		}
		return w, nil
	}
	if len(c.W) != n {
		return nil, fmt.Errorf("wgrad: cloud %s has %d points and %d weights", name, n, len(c.W))
	}
	tot := 0.0
	for i, v := range c.W {
		if !(v > 0) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("wgrad: cloud %s weight %d is %v: must be finite and > 0 (drop empty points)", name, i, v)
		}
		tot += v
	}
	for i, v := range c.W {
		w[i] = v / tot
	}
	return w, nil
}

// sqDist returns |x − y|².
func sqDist(x, y []float64) float64 {
	y = y[:len(x)]
	s := 0.0
	for k, v := range x {
		d := v - y[k]
		s += d * d
	}
	return s
}

// ErrNotConverged is returned (wrapped) when an iterative solver stops at
// its iteration limit before meeting its tolerance. The result returned with
// it is the last iterate.
var ErrNotConverged = errors.New("wgrad: solver did not converge")

// Sinkhorn solves entropic optimal transport in the log domain,
//
//	OT_ε(α, β) = min_{π ∈ Π(α,β)} ⟨C, π⟩ + ε KL(π ‖ α⊗β),
//
// with the squared Euclidean cost C_ij = |x_i − y_j|² on point clouds
// (Solve) or any cost matrix (SolveMatrix). The dual potentials f, g are
// updated as
//
//	f_i ← −ε log Σ_j β_j exp((g_j − C_ij)/ε),  g_j ← −ε log Σ_i α_i exp((f_i − C_ij)/ε),
//
// which never overflow or underflow however small ε is. Iteration stops when
// the L² norm of the column-marginal error of the plan after the row update,
// ‖π(f, g)ᵀ1 − β‖₂, falls below Tol: the stopping rule of POT's
// sinkhorn_log, so tolerances mean the same thing in both.
//
// With Scaling = q ∈ (0, 1), ε-scaling (annealing) runs two iterations at
// each ε_k = q^k·max C > ε before iterating to tolerance at ε (Schmitzer
// 2019; Feydy 2020). The warm start only shortens the approach: the tail,
// at Sinkhorn's linear rate at ε, dominates at tight tolerances. So it
// pays at small ε (around 10⁻³ of the mean cost, with q near 0.8) and
// saves nothing once ε is a few percent of the mean cost
// (docs/performance.md). Scaling = 0 runs plain Sinkhorn from f = g = 0,
// as POT's sinkhorn_log does.
//
// Each iteration costs one exponential per cost entry: the row update's
// terms, divided by their row sums, are the column update's terms. Rows are
// split into a fixed number of blocks, so results are bit-identical for any
// number of Workers. The cost matrix is materialised (8nm bytes) when
// n·m ≤ MaxCostEntries, otherwise recomputed row by row from the points in
// every iteration (slower, O(n + m) memory).
//
// A Sinkhorn holds workspace reused between calls; it must not be used by
// several goroutines at once.
type Sinkhorn struct {
	Eps     float64 // regularisation ε > 0, in units of the cost
	Tol     float64 // marginal error tolerance; 0 means 1e-9 (POT's default)
	MaxIter int     // iteration limit at the final ε; 0 means 10000
	Scaling float64 // ε-scaling factor q ∈ (0, 1); 0 disables ε-scaling
	Workers int     // goroutines; 0 means GOMAXPROCS

	// MaxCostEntries bounds the materialised cost matrix; 0 means 1<<26
	// entries (512 MiB).
	MaxCostEntries int

	cost []float64
}

// EntropicOT is the result of a Sinkhorn solve.
type EntropicOT struct {
	// Cost is OT_ε = ⟨C, π⟩ + ε KL(π ‖ α⊗β), evaluated as the dual value
	// Σ α_i f_i + Σ β_j g_j (equal at convergence).
	Cost float64
	// Transport is ⟨C, π⟩ of the plan π_ij = α_i β_j exp((f_i + g_j − C_ij)/ε).
	Transport float64
	// F and G are the dual potentials, in units of the cost.
	F, G []float64
	// Iter counts iterations at the final ε (ε-scaling stages excluded).
	Iter int
	// StageIter counts iterations spent in the ε-scaling stages.
	StageIter int
	// Err is the last marginal error ‖π ᵀ1 − β‖₂.
	Err float64
}

// stageIters is the number of iterations per intermediate ε-scaling stage.
// One or two suffice: each stage only has to bring the potentials close
// enough for the next, smaller ε (Feydy 2020, §3.3, uses one).
const stageIters = 2

// Solve returns the entropic OT between clouds x and y with squared
// Euclidean cost.
func (s *Sinkhorn) Solve(x, y Cloud) (EntropicOT, error) {
	if x.Dim != y.Dim {
		panic("wgrad: cloud dimensions differ")
	}
	a, err := x.weights("x")
	if err != nil {
		return EntropicOT{}, err
	}
	b, err := y.weights("y")
	if err != nil {
		return EntropicOT{}, err
	}
	return s.solve(s.cloudProblem(x, y, a, b), false)
}

// SolveSelf returns OT_ε(α, α) for the cloud x, the self-transport term of
// SinkhornDivergence. Alternating updates oscillate on this symmetric
// problem (their iteration matrix has an eigenvalue near −1), so it runs
// the averaged symmetric update f ← ½(f + T(f)) of Feydy et al. (AISTATS
// 2019, §3.1), with T(f)_i = −ε log Σ_j α_j exp((f_j − C_ij)/ε), until the
// marginal error ‖π1 − α‖₂ of the symmetric plan falls below Tol. F and G
// of the result are the same slice.
func (s *Sinkhorn) SolveSelf(x Cloud) (EntropicOT, error) {
	a, err := x.weights("x")
	if err != nil {
		return EntropicOT{}, err
	}
	return s.solve(s.cloudProblem(x, x, a, a), true)
}

// cloudProblem sets up the squared Euclidean problem between x and y.
func (s *Sinkhorn) cloudProblem(x, y Cloud, a, b []float64) *sinkProblem {
	n, m := len(a), len(b)
	p := &sinkProblem{n: n, m: m, a: a, b: b}
	limit := s.MaxCostEntries
	if limit <= 0 {
		limit = 1 << 26
	}
	if n*m <= limit {
		if cap(s.cost) < n*m {
			s.cost = make([]float64, n*m)
		}
		c := s.cost[:n*m]
		cmax := 0.0
		for i := 0; i < n; i++ {
			xi := x.Point(i)
			row := c[i*m : (i+1)*m]
			for j := range row {
				v := sqDist(xi, y.Point(j))
				row[j] = v
				cmax = math.Max(cmax, v)
			}
		}
		p.c = c
		p.cmax = cmax
	} else {
		p.x, p.y = x, y
		// The exact maximum keeps the ε-scaling schedule, and so every
		// bit of the result, identical to the materialised path.
		for i := 0; i < n; i++ {
			xi := x.Point(i)
			for j := 0; j < m; j++ {
				p.cmax = math.Max(p.cmax, sqDist(xi, y.Point(j)))
			}
		}
	}
	return p
}

// SolveMatrix returns the entropic OT between the weights a (n) and b (m)
// for the row-major n×m cost matrix c. Nil weights are uniform.
func (s *Sinkhorn) SolveMatrix(c, a, b []float64, n, m int) (EntropicOT, error) {
	if len(c) != n*m {
		panic("wgrad: cost matrix size mismatch")
	}
	var err error
	if a, err = normalised("a", a, n); err != nil {
		return EntropicOT{}, err
	}
	if b, err = normalised("b", b, m); err != nil {
		return EntropicOT{}, err
	}
	cmax := 0.0
	for _, v := range c {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return EntropicOT{}, fmt.Errorf("wgrad: cost matrix entry %v is not finite", v)
		}
		cmax = math.Max(cmax, math.Abs(v))
	}
	return s.solve(&sinkProblem{n: n, m: m, a: a, b: b, c: c, cmax: cmax}, false)
}

// normalised returns w normalised to unit mass (uniform if nil).
func normalised(name string, w []float64, n int) ([]float64, error) {
	if n <= 0 {
		return nil, fmt.Errorf("wgrad: measure %s is empty", name)
	}
	var c Cloud
	c.Dim = 1
	c.X = make([]float64, n)
	c.W = w
	return c.weights(name)
}

// sinkProblem is one entropic OT problem: weights, and the cost either
// materialised (c) or computed from the clouds x, y.
type sinkProblem struct {
	n, m int
	a, b []float64
	c    []float64
	x, y Cloud
	cmax float64
}

// row returns cost row i, computing it into buf when not materialised.
func (p *sinkProblem) row(buf []float64, i int) []float64 {
	if p.c != nil {
		return p.c[i*p.m : (i+1)*p.m]
	}
	xi := p.x.Point(i)
	for j := range buf {
		buf[j] = sqDist(xi, p.y.Point(j))
	}
	return buf
}

// at returns C_ij.
func (p *sinkProblem) at(i, j int) float64 {
	if p.c != nil {
		return p.c[i*p.m+j]
	}
	return sqDist(p.x.Point(i), p.y.Point(j))
}

const (
	// rowBlocks is the fixed number of row blocks whose column sums are
	// reduced in a fixed order, which makes results independent of the
	// number of workers.
	rowBlocks = 64
	// expCutoff: terms exp(a) with a below it are dropped. Sums are
	// recomputed exactly whenever they fall below sumFloor, so a dropped
	// term is at most e^−60/sumFloor ≈ 1e−20 of its sum per entry.
	expCutoff = -60.0
	sumFloor  = 1e-6
	// parallelMin is the number of cost entries below which a solve runs
	// on one goroutine: smaller problems do not repay synchronisation.
	parallelMin = 1 << 15
)

func (s *Sinkhorn) solve(p *sinkProblem, sym bool) (EntropicOT, error) {
	if !(s.Eps > 0) || math.IsInf(s.Eps, 0) {
		return EntropicOT{}, fmt.Errorf("wgrad: Sinkhorn Eps = %v: must be finite and > 0", s.Eps)
	}
	if s.Scaling != 0 && !(s.Scaling > 0 && s.Scaling < 1) {
		return EntropicOT{}, fmt.Errorf("wgrad: Sinkhorn Scaling = %v: must be 0 (off) or in (0, 1)", s.Scaling)
	}
	if s.Tol < 0 || math.IsNaN(s.Tol) {
		return EntropicOT{}, fmt.Errorf("wgrad: Sinkhorn Tol = %v: must be ≥ 0 (0 means 1e-9)", s.Tol)
	}
	tol := s.Tol
	if tol == 0 {
		tol = 1e-9
	}
	maxIter := s.MaxIter
	if maxIter <= 0 {
		maxIter = 10000
	}
	nw := s.Workers
	if p.n*p.m < parallelMin {
		nw = 1
	}
	st := newSinkState(p, nw)
	defer st.pool.Close()
	iterate := st.iterate
	if sym {
		st.fnew = make([]float64, p.n)
		st.rowsum = make([]float64, p.n)
		iterate = st.iterateSym
	}

	res := EntropicOT{}
	if s.Scaling > 0 {
		for e := p.cmax; e > s.Eps; e *= s.Scaling {
			st.setEps(e)
			for k := 0; k < stageIters; k++ {
				iterate()
				res.StageIter++
			}
		}
	}
	st.setEps(s.Eps)
	var err error
	for {
		res.Err = iterate()
		res.Iter++
		if res.Err <= tol {
			break
		}
		if res.Iter >= maxIter {
			err = fmt.Errorf("%w: marginal error %.3g > %.3g after %d iterations at ε = %g", ErrNotConverged, res.Err, tol, res.Iter, s.Eps)
			break
		}
		if math.IsNaN(res.Err) {
			return res, fmt.Errorf("wgrad: Sinkhorn diverged (NaN marginal error) at iteration %d", res.Iter)
		}
	}
	if sym {
		copy(st.g, st.f)
		st.setEps(s.Eps)
	}
	res.F, res.G = st.f, st.g
	if sym {
		res.G = st.f
	}
	for i, v := range st.f {
		res.Cost += p.a[i] * v
	}
	for j, v := range st.g {
		res.Cost += p.b[j] * v
	}
	res.Transport = st.transport()
	return res, err
}

// sinkState holds potentials and per-block workspace of one solve.
type sinkState struct {
	p      *sinkProblem
	pool   *parallel.Pool
	eps    float64
	f, g   []float64
	gh     []float64   // g_j + ε log β_j
	logb   []float64   //
	acc    [][]float64 // per row block: Σ_i α_i E_ij / s_i
	blocks int
	ebuf   [][]float64 // per worker: one row of terms
	cbuf   [][]float64 // per worker: one row of costs (not materialised)
	part   []float64   // per block partial sums
	fnew   []float64   // symmetric update: T(f)
	rowsum []float64   // symmetric update: Σ_j α_j exp((f_i + f_j − C_ij)/ε)

	iterFn, symFn, transFn func(w int)
}

func newSinkState(p *sinkProblem, nw int) *sinkState {
	st := &sinkState{p: p, pool: parallel.NewPool(nw)}
	st.f = make([]float64, p.n)
	st.g = make([]float64, p.m)
	st.gh = make([]float64, p.m)
	st.logb = make([]float64, p.m)
	for j, v := range p.b {
		st.logb[j] = math.Log(v)
	}
	st.blocks = min(rowBlocks, p.n)
	st.acc = make([][]float64, st.blocks)
	for k := range st.acc {
		st.acc[k] = make([]float64, p.m)
	}
	st.part = make([]float64, st.blocks)
	nw = st.pool.Len()
	st.ebuf = make([][]float64, nw)
	st.cbuf = make([][]float64, nw)
	for w := range st.ebuf {
		st.ebuf[w] = make([]float64, p.m)
		if p.c == nil {
			st.cbuf[w] = make([]float64, p.m)
		}
	}
	st.iterFn = st.iterWorker
	st.symFn = st.symWorker
	st.transFn = st.transWorker
	return st
}

func (st *sinkState) setEps(e float64) {
	st.eps = e
	for j, v := range st.g {
		st.gh[j] = v + e*st.logb[j]
	}
}

// blockRows returns the row range of block k.
func (st *sinkState) blockRows(k int) (int, int) {
	n := st.p.n
	return k * n / st.blocks, (k + 1) * n / st.blocks
}

// iterate performs one row update and one column update and returns the
// column-marginal error of the plan between them.
func (st *sinkState) iterate() float64 {
	st.pool.Run(st.iterFn)
	p := st.p
	err := 0.0
	for j := range st.g {
		t := 0.0
		for k := range st.acc {
			t += st.acc[k][j]
		}
		d := t - p.b[j]
		err += d * d
		var lt float64
		if t < sumFloor*p.b[j] || math.IsInf(t, 0) {
			lt = st.columnLogSum(j)
		} else {
			lt = math.Log(t)
		}
		// t is the column marginal β_j Σ_i α_i exp((f_i+g_j−C_ij)/ε).
		st.g[j] -= st.eps * (lt - st.logb[j])
		st.gh[j] = st.g[j] + st.eps*st.logb[j]
	}
	return math.Sqrt(err)
}

// iterateSym performs one averaged symmetric update f ← ½(f + T(f)) on a
// problem with x = y and returns the marginal error ‖π1 − α‖₂ of the plan
// π_ij = α_i α_j exp((f_i + f_j − C_ij)/ε) before the update. g mirrors f
// so that the row worker's gh holds f_j + ε log α_j.
func (st *sinkState) iterateSym() float64 {
	st.pool.Run(st.symFn)
	err := 0.0
	for i, v := range st.fnew {
		d := st.p.a[i] * (st.rowsum[i] - 1)
		err += d * d
		st.f[i] = 0.5 * (st.f[i] + v)
	}
	copy(st.g, st.f)
	for j, v := range st.g {
		st.gh[j] = v + st.eps*st.logb[j]
	}
	return math.Sqrt(err)
}

// symWorker is worker w's share of a symmetric update: T(f)_i and the row
// sums, from the current f (Jacobi: no row sees another's new value).
func (st *sinkState) symWorker(w int) {
	p := st.p
	ie := 1 / st.eps
	gh := st.gh[:p.m]
	for k := w; k < st.blocks; k += st.pool.Len() {
		lo, hi := st.blockRows(k)
		for i := lo; i < hi; i++ {
			c := p.row(st.cbuf[w], i)[:p.m]
			fi := st.f[i]
			s := 0.0
			for j, cj := range c {
				if x := (fi + gh[j] - cj) * ie; x > expCutoff {
					s += math.Exp(x)
				}
			}
			var logs float64
			if s < sumFloor || math.IsInf(s, 0) {
				mx := math.Inf(-1)
				for j, cj := range c {
					mx = math.Max(mx, (fi+gh[j]-cj)*ie)
				}
				t := 0.0
				for j, cj := range c {
					t += math.Exp((fi+gh[j]-cj)*ie - mx)
				}
				logs = math.Log(t) + mx
				s = math.Exp(logs)
			} else {
				logs = math.Log(s)
			}
			st.rowsum[i] = s
			st.fnew[i] = fi - st.eps*logs
		}
	}
}

// iterWorker is worker w's share of a row update: for every row of its
// blocks it computes E_ij = β_j exp((f_i + g_j − C_ij)/ε), the row sum s_i,
// updates f_i and adds α_i E_ij / s_i into its block's column sums.
func (st *sinkState) iterWorker(w int) {
	p := st.p
	ie := 1 / st.eps
	e := st.ebuf[w]
	gh := st.gh[:p.m]
	for k := w; k < st.blocks; k += st.pool.Len() {
		acc := st.acc[k][:p.m]
		clear(acc)
		lo, hi := st.blockRows(k)
		for i := lo; i < hi; i++ {
			c := p.row(st.cbuf[w], i)[:p.m]
			fi := st.f[i]
			s := 0.0
			for j, cj := range c {
				x := (fi + gh[j] - cj) * ie
				v := 0.0
				if x > expCutoff {
					v = math.Exp(x)
				}
				e[j] = v
				s += v
			}
			var logs float64
			if s < sumFloor || math.IsInf(s, 0) {
				// Shift by the row maximum: exact however far f_i is from
				// its fixed point. The shift cancels in E_ij / s_i.
				mx := math.Inf(-1)
				for j, cj := range c {
					mx = math.Max(mx, (fi+gh[j]-cj)*ie)
				}
				s = 0
				for j, cj := range c {
					v := math.Exp((fi+gh[j]-cj)*ie - mx)
					e[j] = v
					s += v
				}
				logs = math.Log(s) + mx
			} else {
				logs = math.Log(s)
			}
			st.f[i] = fi - st.eps*logs
			r := p.a[i] / s
			for j, v := range e[:p.m] {
				acc[j] += r * v
			}
		}
	}
}

// columnLogSum returns log(β_j Σ_i α_i exp((f_i + g_j − C_ij)/ε)) computed
// with a max shift, for columns whose streamed sum under- or overflowed.
func (st *sinkState) columnLogSum(j int) float64 {
	p := st.p
	ie := 1 / st.eps
	mx := math.Inf(-1)
	for i := 0; i < p.n; i++ {
		mx = math.Max(mx, math.Log(p.a[i])+(st.f[i]+st.gh[j]-p.at(i, j))*ie)
	}
	s := 0.0
	for i := 0; i < p.n; i++ {
		s += math.Exp(math.Log(p.a[i]) + (st.f[i]+st.gh[j]-p.at(i, j))*ie - mx)
	}
	return math.Log(s) + mx
}

// transport returns ⟨C, π⟩ of the current plan.
func (st *sinkState) transport() float64 {
	st.pool.Run(st.transFn)
	t := 0.0
	for _, v := range st.part {
		t += v
	}
	return t
}

func (st *sinkState) transWorker(w int) {
	p := st.p
	ie := 1 / st.eps
	for k := w; k < st.blocks; k += st.pool.Len() {
		lo, hi := st.blockRows(k)
		t := 0.0
		for i := lo; i < hi; i++ {
			c := p.row(st.cbuf[w], i)[:p.m]
			fi := st.f[i] + st.eps*math.Log(p.a[i])
			for j, cj := range c {
				x := (fi + st.gh[j] - cj) * ie
				if x > expCutoff {
					t += math.Exp(x) * cj
				}
			}
		}
		st.part[k] = t
	}
}

// SinkhornDivergence returns the debiased Sinkhorn divergence
//
//	S_ε(α, β) = OT_ε(α, β) − ½ OT_ε(α, α) − ½ OT_ε(β, β),
//
// which is non-negative, zero iff α = β, and interpolates between W₂²
// (ε → 0) and the squared maximum mean discrepancy of the kernel −|x−y|²/2
// (ε → ∞) (Feydy et al., AISTATS 2019; Genevay et al. 2018). The three
// problems are solved with s's settings.
func (s *Sinkhorn) SinkhornDivergence(x, y Cloud) (float64, error) {
	xy, err := s.Solve(x, y)
	if err != nil {
		return 0, err
	}
	xx, err := s.SolveSelf(x)
	if err != nil {
		return 0, err
	}
	yy, err := s.SolveSelf(y)
	if err != nil {
		return 0, err
	}
	return xy.Cost - 0.5*xx.Cost - 0.5*yy.Cost, nil
}
