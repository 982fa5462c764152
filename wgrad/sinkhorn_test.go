// Copyright ©2026 The rgflow Authors. All rights reserved.

package wgrad

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// otGridGaussian discretises N(mean, v) on a uniform grid of n points over
// mean ± width·√v, with weights proportional to the density.
func otGridGaussian(mean, v float64, n int, width float64) Cloud {
	x := make([]float64, n)
	w := make([]float64, n)
	s := math.Sqrt(v)
	for i := range x {
		x[i] = mean + s*width*(2*float64(i)/float64(n-1)-1)
		w[i] = math.Exp(-otSq(x[i]-mean) / (2 * v))
	}
	return Cloud{Dim: 1, X: x, W: w}
}

func TestEntropicGaussianLimits(t *testing.T) {
	// The closed form tends to Bures as ε → 0 (the gap is O(ε log 1/ε)) and
	// to E|X − Y|² = |a−b|² + tr A + tr B of the independent coupling as
	// ε → ∞ (the gap is O(1/ε)).
	A := otGauss([]float64{0.2, -1}, 1, 0.5, 0.5, 1.5)
	B := otGauss([]float64{1, 0.5}, 0.8, -0.3, -0.3, 0.6)
	w, _ := BuresW2(A, B)
	lo, err := EntropicGaussianOT(A, B, 1e-9)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(lo-w) > 1e-6 {
		t.Errorf("OT_ε at ε = 1e-9: %v, Bures %v", lo, w)
	}
	indep := otSq(0.8) + otSq(1.5) + 2.5 + 1.4
	hi, _ := EntropicGaussianOT(A, B, 1e9)
	if math.Abs(hi-indep) > 1e-6 {
		t.Errorf("OT_ε at ε = 1e9: %v, E|X−Y|² %v", hi, indep)
	}
	if _, err := EntropicGaussianOT(A, B, 0); err == nil {
		t.Error("ε = 0 accepted")
	}
}

func TestSinkhornEntropicGaussian1D(t *testing.T) {
	// Sinkhorn on grids against the closed form of Janati et al. 2020, at
	// four ε spanning two decades. The grids cover ±9σ (truncated mass
	// e^{−40}); the spacings 0.15σ_α and 0.11σ_β are well below the width
	// √(ε/2) ≥ 0.16 of the Gibbs kernel at the smallest ε, so the discrete
	// problem is a trapezoid quadrature of analytic integrands, accurate to
	// ~e^{−2π²(w/h)²}: observed 1e-15, and 1e-10 only once the grids are
	// coarsened to 100 × 70 points. The marginal tolerance 1e-11 bounds the
	// solver's part. We allow 1e-10 relative.
	const rel = 1e-10
	alpha := otGauss([]float64{0.3}, 1.5)
	beta := otGauss([]float64{-1}, 0.4)
	x := otGridGaussian(0.3, 1.5, 160, 9)
	y := otGridGaussian(-1, 0.4, 110, 9)
	for _, eps := range []float64{0.05, 0.2, 1, 5} {
		want, err := EntropicGaussianOT(alpha, beta, eps)
		if err != nil {
			t.Fatal(err)
		}
		s := Sinkhorn{Eps: eps, Tol: 1e-11, Scaling: 0.5}
		got, err := s.Solve(x, y)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(got.Cost-want) > rel*want {
			t.Errorf("ε=%v: Sinkhorn OT_ε = %.12g, closed form %.12g (rel %.2g)", eps, got.Cost, want, math.Abs(got.Cost-want)/want)
		}
	}
}

func TestSinkhornEntropicGaussian2D(t *testing.T) {
	// Non-commuting covariances on 26×26 tensor grids over ±7.5σ along each
	// axis (truncated mass < e^{−28}), spacing 0.6σ_axis against the
	// Gibbs width √(ε/2) = 0.71 at ε = 1. Observed agreement with the closed
	// form: ~5e-12 (45×45 grids: 1e-14); we allow 1e-9 relative.
	const rel = 1e-9
	A := otGauss([]float64{0, 0}, 1, 0.5, 0.5, 1.5)
	B := otGauss([]float64{1, 0.5}, 0.8, -0.3, -0.3, 0.6)
	grid := func(g Gaussian, n int, width float64) Cloud {
		c := Cloud{Dim: 2}
		var inv mat.SymDense
		var ch mat.Cholesky
		ch.Factorize(g.Cov)
		ch.InverseTo(&inv)
		h := [2]float64{width * math.Sqrt(g.Cov.At(0, 0)), width * math.Sqrt(g.Cov.At(1, 1))}
		for i := 0; i < n; i++ {
			for j := 0; j < n; j++ {
				d0 := h[0] * (2*float64(i)/float64(n-1) - 1)
				d1 := h[1] * (2*float64(j)/float64(n-1) - 1)
				q := inv.At(0, 0)*d0*d0 + 2*inv.At(0, 1)*d0*d1 + inv.At(1, 1)*d1*d1
				c.X = append(c.X, g.Mean[0]+d0, g.Mean[1]+d1)
				c.W = append(c.W, math.Exp(-q/2))
			}
		}
		return c
	}
	x, y := grid(A, 26, 7.5), grid(B, 26, 7.5)
	const eps = 1.0
	want, err := EntropicGaussianOT(A, B, eps)
	if err != nil {
		t.Fatal(err)
	}
	s := Sinkhorn{Eps: eps, Tol: 1e-11, Scaling: 0.5}
	got, err := s.Solve(x, y)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(got.Cost-want) > rel*want {
		t.Errorf("Sinkhorn OT_ε = %.12g, closed form %.12g (rel %.2g)", got.Cost, want, math.Abs(got.Cost-want)/want)
	}
}

// otPlanRowError returns ‖π1 − α‖₁ for the plan of r between uniform
// clouds x and y, recomputed here from the potentials.
func otPlanRowError(r EntropicOT, x, y Cloud, eps float64) float64 {
	n, m := x.Len(), y.Len()
	e := 0.0
	for i := 0; i < n; i++ {
		s := 0.0
		for j := 0; j < m; j++ {
			s += math.Exp((r.F[i] + r.G[j] - sqDist(x.Point(i), y.Point(j))) / eps)
		}
		e += math.Abs(s/float64(n*m) - 1/float64(n))
	}
	return e
}

func TestSinkhornTendsToExactOT(t *testing.T) {
	// Uniform measures on n = 30 points of R², against the exact W = W₂²
	// from the assignment solver, as ε falls over two decades:
	//  - the dual value is ≤ OT_ε (weak duality holds for any potentials
	//    once the plan has unit mass, which the column update ensures), and
	//    OT_ε ≤ W + ε log n (the optimal permutation has KL = log n);
	//  - the plan's cost ⟨C, π⟩ ≥ W up to the row-marginal defect δ₁ =
	//    ‖π1 − α‖₁ of an unconverged plan, worth at most δ₁·max C;
	//  - ⟨C, π_ε⟩ − W ≤ ε log n shrinks to 0 with ε.
	// At small ε Sinkhorn's rate degrades like the plan's spectral gap, so
	// the tolerance is 1e-5: far below the ε log n scales being checked.
	const n = 30
	rnd := rand.New(rand.NewPCG(1, 1))
	x, y := otRandCloud(rnd, n, 2, 0), otRandCloud(rnd, n, 2, 0.5)
	w, _, err := ExactW2(x, y)
	if err != nil {
		t.Fatal(err)
	}
	cmax := 0.0
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			cmax = math.Max(cmax, sqDist(x.Point(i), y.Point(j)))
		}
	}
	prevGap := math.Inf(1)
	for _, eps := range []float64{1, 0.3, 0.1, 0.03, 0.01} {
		s := Sinkhorn{Eps: eps, Tol: 1e-5, Scaling: 0.8, MaxIter: 50000}
		r, err := s.Solve(x, y)
		if err != nil {
			t.Fatal(err)
		}
		up := w + eps*math.Log(n)
		if r.Cost > up+1e-12 {
			t.Errorf("ε=%v: dual value %v > W + ε log n = %v", eps, r.Cost, up)
		}
		slack := otPlanRowError(r, x, y, eps) * cmax
		gap := r.Transport - w
		if gap < -slack || gap > eps*math.Log(n)+slack || gap > prevGap+slack {
			t.Errorf("ε=%v: ⟨C,π⟩ − W = %v (previous %v, slack %v): must lie in [0, ε log n] and shrink", eps, gap, prevGap, slack)
		}
		prevGap = gap
	}
	// At ε = 0.01 the plan's cost is within 0.2% of the exact optimum
	// (observed 0.08%; the bound ε log n allows 3%).
	if prevGap > 2e-3*w {
		t.Errorf("⟨C,π_ε⟩ − W = %v at ε = 0.01, W = %v", prevGap, w)
	}
}

func TestSinkhornErrors(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 2))
	x, y := otRandCloud(rnd, 30, 2, 0), otRandCloud(rnd, 30, 2, 1)
	s := Sinkhorn{Eps: 0.001, Tol: 1e-14, MaxIter: 3}
	if _, err := s.Solve(x, y); !errors.Is(err, ErrNotConverged) {
		t.Errorf("err = %v, want ErrNotConverged", err)
	}
	for _, bad := range []Sinkhorn{{Eps: -1}, {Eps: math.Inf(1)}, {Eps: 1, Scaling: 1}, {Eps: 1, Tol: -1}} {
		if _, err := bad.Solve(x, y); err == nil {
			t.Errorf("%+v accepted", bad)
		}
	}
	x.W = make([]float64, 30)
	if _, err := (&Sinkhorn{Eps: 1}).Solve(x, y); err == nil {
		t.Error("zero weights accepted")
	}
}

func TestSinkhornMatrixMatchesClouds(t *testing.T) {
	// SolveMatrix on the explicit cost matrix is the same computation as
	// Solve on the clouds: bit for bit.
	rnd := rand.New(rand.NewPCG(4, 4))
	x, y := otRandCloud(rnd, 40, 3, 0), otRandCloud(rnd, 50, 3, 0.2)
	x.W = make([]float64, 40)
	for i := range x.W {
		x.W[i] = 1 + rnd.Float64()
	}
	c := make([]float64, 40*50)
	for i := 0; i < 40; i++ {
		for j := 0; j < 50; j++ {
			c[i*50+j] = sqDist(x.Point(i), y.Point(j))
		}
	}
	s := Sinkhorn{Eps: 0.3, Scaling: 0.5, Tol: 1e-10}
	r1, err := s.Solve(x, y)
	if err != nil {
		t.Fatal(err)
	}
	r2, err := s.SolveMatrix(c, x.W, nil, 40, 50)
	if err != nil {
		t.Fatal(err)
	}
	if r1.Cost != r2.Cost || r1.Transport != r2.Transport || r1.Iter != r2.Iter {
		t.Errorf("Solve %v (%d it), SolveMatrix %v (%d it)", r1.Cost, r1.Iter, r2.Cost, r2.Iter)
	}
}

func TestSinkhornWorkerIndependent(t *testing.T) {
	// Rows are split into fixed blocks, so the worker count must not change
	// a single bit; neither may the streamed-cost path (no materialised
	// matrix), which does the same arithmetic. 200 × 170 entries exceed
	// parallelMin, so the pool is really used.
	rnd := rand.New(rand.NewPCG(3, 1))
	x, y := otRandCloud(rnd, 200, 4, 0), otRandCloud(rnd, 170, 4, 0.3)
	if 200*170 < parallelMin {
		t.Fatal("problem too small to exercise the worker pool")
	}
	var ref EntropicOT
	for k, cfg := range []Sinkhorn{
		{Eps: 1, Scaling: 0.5, Tol: 1e-8, Workers: 1},
		{Eps: 1, Scaling: 0.5, Tol: 1e-8, Workers: 2},
		{Eps: 1, Scaling: 0.5, Tol: 1e-8, Workers: 5},
		{Eps: 1, Scaling: 0.5, Tol: 1e-8, Workers: 3, MaxCostEntries: 10},
	} {
		r, err := cfg.Solve(x, y)
		if err != nil {
			t.Fatal(err)
		}
		if k == 0 {
			ref = r
			continue
		}
		if r.Cost != ref.Cost || r.Iter != ref.Iter || r.Transport != ref.Transport {
			t.Errorf("config %d: cost %v iter %d, want %v iter %d", k, r.Cost, r.Iter, ref.Cost, ref.Iter)
		}
	}
}

func TestSinkhornSelfSymmetric(t *testing.T) {
	// The averaged symmetric update and plain alternating Sinkhorn solve the
	// same problem OT_ε(α, α): equal values within the tolerance's effect
	// (marginal error 1e-9 times the cost scale ~10).
	rnd := rand.New(rand.NewPCG(8, 1))
	x := otRandCloud(rnd, 50, 2, 0)
	s := Sinkhorn{Eps: 0.5, Scaling: 0.5, Tol: 1e-9, MaxIter: 100000}
	a, err := s.SolveSelf(x)
	if err != nil {
		t.Fatal(err)
	}
	b, err := s.Solve(x, x)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(a.Cost-b.Cost) > 1e-7 {
		t.Errorf("SolveSelf %v (%d it), Solve %v (%d it)", a.Cost, a.Iter, b.Cost, b.Iter)
	}
	t.Logf("symmetric update: %d iterations, alternating: %d", a.Iter, b.Iter)
}

func TestSinkhornDivergenceBures(t *testing.T) {
	// Bures against Sinkhorn on 2-D Gaussian samples. The population
	// divergence S_ε(α, β) = OT_ε(α,β) − ½OT_ε(α,α) − ½OT_ε(β,β) of two
	// Gaussians is known in closed form (Janati et al. 2020), and its gap
	// to W₂² (Bures) is O(ε²) (Chizat et al. 2020): at ε = 0.2 here 1.5e-3
	// = 0.036ε² (shifted means) and less (centred); we allow 0.1ε². The
	// sample estimate Ŝ has a CLT fluctuation with influence functions
	// f_αβ − f_αα on α's points and g_αβ − f_ββ on β's (the potentials),
	// SE² = Var/n + Var/m. Its bias is O(1/n) (del Barrio et al. 2022) with
	// an ε-dependent constant, estimated here from the null b̂ = mean of
	// Ŝ(x, x′) and Ŝ(y, y′) over fresh samples x′, y′ of the same laws
	// (S = 0 there, so E Ŝ is pure bias): over 12 seeds at n = 300 the
	// centred case had E Ŝ − S = 0.057 ± 0.024 against a null mean of
	// 0.048. We require |Ŝ − S_ε| < 4·SE + 2b̂: a two-sided 4σ rule (false
	// alarm 6e-5 per case) with the bias allowance doubled for the null's
	// own noise. A mean shift makes the influence functions linear and the
	// SE large (0.18 of 1.7); centred Gaussians test the covariance part
	// more tightly (0.08 of 0.47).
	const n = 300
	const eps = 0.2
	A := otGauss([]float64{0, 0}, 1, 0.4, 0.4, 0.5)
	B := otGauss([]float64{0, 0}, 0.6, -0.2, -0.2, 1.2)
	// The null bias b̂, once: S_ε is translation invariant, so it serves
	// both cases. At marginal error 1e-3: the solver error (~1e-3 of the
	// cost scale) is small against b̂ ≈ 0.06, and alternating Sinkhorn is
	// slow between nearly identical clouds.
	sn := Sinkhorn{Eps: eps, Scaling: 0.8, Tol: 1e-3}
	rn := rand.New(rand.NewPCG(7, 8))
	nx, err := sn.SinkhornDivergence(otDraw2D(A, n, rn), otDraw2D(A, n, rn))
	if err != nil {
		t.Fatal(err)
	}
	ny, err := sn.SinkhornDivergence(otDraw2D(B, n, rn), otDraw2D(B, n, rn))
	if err != nil {
		t.Fatal(err)
	}
	bias := (nx + ny) / 2
	for _, tc := range []struct {
		name string
		A, B Gaussian
	}{
		{"shifted", A, otGauss([]float64{1, -0.5}, 0.6, -0.2, -0.2, 1.2)},
		{"centred", A, B},
	} {
		rnd := rand.New(rand.NewPCG(7, 7))
		x, y := otDraw2D(tc.A, n, rnd), otDraw2D(tc.B, n, rnd)
		// Tolerance 1e-5: its effect on the values (~1e-5 × cost scale) is
		// far below the statistical error being tested.
		s := Sinkhorn{Eps: eps, Scaling: 0.8, Tol: 1e-5}
		got, err := s.SinkhornDivergence(x, y)
		if err != nil {
			t.Fatal(err)
		}
		xy, _ := s.Solve(x, y)
		xx, _ := s.SolveSelf(x)
		yy, _ := s.SolveSelf(y)
		if d := math.Abs(got - (xy.Cost - 0.5*xx.Cost - 0.5*yy.Cost)); d > 1e-12 {
			t.Errorf("%s: SinkhornDivergence differs from its three terms by %v", tc.name, d)
		}
		ab, _ := EntropicGaussianOT(tc.A, tc.B, eps)
		aa, _ := EntropicGaussianOT(tc.A, tc.A, eps)
		bb, _ := EntropicGaussianOT(tc.B, tc.B, eps)
		pop := ab - 0.5*aa - 0.5*bb
		w2, _ := BuresW2(tc.A, tc.B)
		ix, iy := make([]float64, n), make([]float64, n)
		for i := range ix {
			ix[i] = xy.F[i] - xx.F[i]
			iy[i] = xy.G[i] - yy.F[i]
		}
		se := math.Sqrt(otVariance(ix)/n + otVariance(iy)/n)
		if d := math.Abs(got - pop); d > 4*se+2*bias {
			t.Errorf("%s: sample S_ε = %v, population %v: |Δ| = %v > 4·SE + 2b̂ = %v", tc.name, got, pop, d, 4*se+2*bias)
		}
		if d := math.Abs(pop - w2); d > 0.1*eps*eps {
			t.Errorf("%s: S_ε = %v far from W₂² = %v at ε = %v", tc.name, pop, w2, eps)
		}
		t.Logf("%s: Ŝ_ε = %.5f, S_ε = %.5f, W₂² (Bures) = %.5f, SE = %.4f, null bias b̂ = %.4f; iterations %d, %d, %d", tc.name, got, pop, w2, se, bias, xy.Iter, xx.Iter, yy.Iter)
	}
}

// otDraw2D draws n samples of the 2-D Gaussian g.
func otDraw2D(g Gaussian, n int, rnd *rand.Rand) Cloud {
	var ch mat.Cholesky
	ch.Factorize(g.Cov)
	var L mat.TriDense
	ch.LTo(&L)
	c := Cloud{Dim: 2, X: make([]float64, 2*n)}
	for i := 0; i < n; i++ {
		z0, z1 := rnd.NormFloat64(), rnd.NormFloat64()
		c.X[2*i] = g.Mean[0] + L.At(0, 0)*z0
		c.X[2*i+1] = g.Mean[1] + L.At(1, 0)*z0 + L.At(1, 1)*z1
	}
	return c
}

// otVariance is the unbiased sample variance.
func otVariance(x []float64) float64 {
	m := 0.0
	for _, v := range x {
		m += v
	}
	m /= float64(len(x))
	s := 0.0
	for _, v := range x {
		s += (v - m) * (v - m)
	}
	return s / float64(len(x)-1)
}
