// Copyright ©2026 The rgflow Authors. All rights reserved.

package wgrad

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func otGauss(mean []float64, cov ...float64) Gaussian {
	d := int(math.Round(math.Sqrt(float64(len(cov)))))
	return Gaussian{Mean: mean, Cov: mat.NewSymDense(d, cov)}
}

func TestBuresCommuting(t *testing.T) {
	// For commuting (here diagonal) covariances the Bures formula reduces to
	// |m₁−m₂|² + Σ_i (√a_i − √b_i)²; the only error is eigensolver rounding.
	const tol = 1e-12
	g1 := otGauss([]float64{1, -2, 0.5}, 2, 0, 0, 0, 0.3, 0, 0, 0, 5)
	g2 := otGauss([]float64{0, 1, 0.5}, 0.7, 0, 0, 0, 1.1, 0, 0, 0, 5)
	want := 1.0 + 9 + 0 + otSq(math.Sqrt(2)-math.Sqrt(0.7)) + otSq(math.Sqrt(0.3)-math.Sqrt(1.1))
	got, err := BuresW2(g1, g2)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(got-want) > tol*want {
		t.Errorf("BuresW2 = %.15g, want %.15g", got, want)
	}
	// Invariance under a common rotation R: W₂(RA Rᵀ, R B Rᵀ) = W₂(A, B).
	th := 0.7
	R := mat.NewDense(3, 3, []float64{math.Cos(th), -math.Sin(th), 0, math.Sin(th), math.Cos(th), 0, 0, 0, 1})
	rot := func(g Gaussian) Gaussian {
		var c mat.Dense
		c.Mul(R, g.Cov)
		c.Mul(&c, R.T())
		m := mat.NewVecDense(3, nil)
		m.MulVec(R, mat.NewVecDense(3, g.Mean))
		return Gaussian{Mean: m.RawVector().Data, Cov: symmetrise(&c)}
	}
	got2, err := BuresW2(rot(g1), rot(g2))
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(got2-want) > tol*want {
		t.Errorf("rotated BuresW2 = %.15g, want %.15g", got2, want)
	}
}

func TestBuresMapPushesForward(t *testing.T) {
	// T A T = B is the defining property of the Bures map (rounding only).
	const tol = 1e-12
	g1 := otGauss(nil, 2, 0.6, 0.6, 1)
	g2 := otGauss(nil, 0.5, -0.3, -0.3, 3)
	T, err := BuresMap(g1, g2)
	if err != nil {
		t.Fatal(err)
	}
	var tat mat.Dense
	tat.Mul(T, g1.Cov)
	tat.Mul(&tat, T)
	if !mat.EqualApprox(&tat, g2.Cov, tol) {
		t.Errorf("T A T = %v, want B = %v", mat.Formatted(&tat), mat.Formatted(g2.Cov))
	}
	// McCann at t = 1 is β; at t = ½ W₂(α, μ½) = ½ W₂(α, β) (geodesic).
	w, _ := BuresW2(g1, g2)
	half := McCann(T, g1, g2, 0.5)
	wh, _ := BuresW2(g1, half)
	if math.Abs(wh-w/4) > tol*w {
		t.Errorf("W₂²(α, μ½) = %v, want W₂²/4 = %v", wh, w/4)
	}
}

func TestWasserstein1D(t *testing.T) {
	// Exact rational cases, rounding only.
	const tol = 1e-14
	// Uniform on {0, 1, 2} against uniform on {0.5, 2.5}: quantile
	// functions give masses 1/3 at |0−0.5|, 1/6 at |1−0.5|, 1/6 at |1−2.5|,
	// 1/3 at |2−2.5|.
	x := []float64{2, 0, 1}
	y := []float64{2.5, 0.5}
	w1, err := Wasserstein1DPow(1, x, nil, y, nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := 0.5/3 + 0.5/6 + 1.5/6 + 0.5/3; math.Abs(w1-want) > tol {
		t.Errorf("W₁ = %v, want %v", w1, want)
	}
	w2, _ := Wasserstein1DPow(2, x, nil, y, nil)
	if want := 0.25/3 + 0.25/6 + 2.25/6 + 0.25/3; math.Abs(w2-want) > tol {
		t.Errorf("W₂² = %v, want %v", w2, want)
	}
	// Integer weights equal replicated samples.
	rnd := rand.New(rand.NewPCG(1, 1))
	var xs, ws, xr []float64
	for i := 0; i < 20; i++ {
		v := rnd.NormFloat64()
		k := 1 + rnd.IntN(4)
		xs = append(xs, v)
		ws = append(ws, float64(k))
		for r := 0; r < k; r++ {
			xr = append(xr, v)
		}
	}
	ys := make([]float64, 33)
	for i := range ys {
		ys[i] = 1 + 2*rnd.NormFloat64()
	}
	for _, p := range []float64{1, 2, 3.5} {
		a, _ := Wasserstein1DPow(p, xs, ws, ys, nil)
		b, _ := Wasserstein1DPow(p, xr, nil, ys, nil)
		if math.Abs(a-b) > 1e-12*b {
			t.Errorf("p=%v: weighted %v, replicated %v", p, a, b)
		}
	}
	// W₁ = ∫|F − G| dx, an independent formula.
	w1w, _ := Wasserstein1DPow(1, xs, ws, ys, nil)
	if cdf := otCDFL1(xs, ws, ys); math.Abs(w1w-cdf) > 1e-12*cdf {
		t.Errorf("W₁ = %v, ∫|F−G| = %v", w1w, cdf)
	}
	if _, err := Wasserstein1D(0.5, x, nil, y, nil); err == nil {
		t.Error("p = 0.5 accepted")
	}
}

// cdfL1 returns ∫|F(t) − G(t)| dt for a weighted x and uniform y.
func otCDFL1(x, wx, y []float64) float64 {
	type pt struct{ v, dF, dG float64 }
	var all []pt
	tx := 0.0
	for _, w := range wx {
		tx += w
	}
	for i, v := range x {
		all = append(all, pt{v, wx[i] / tx, 0})
	}
	for _, v := range y {
		all = append(all, pt{v, 0, 1 / float64(len(y))})
	}
	for i := 1; i < len(all); i++ {
		for j := i; j > 0 && all[j].v < all[j-1].v; j-- {
			all[j], all[j-1] = all[j-1], all[j]
		}
	}
	F, G, s := 0.0, 0.0, 0.0
	for i := 0; i < len(all)-1; i++ {
		F += all[i].dF
		G += all[i].dG
		s += math.Abs(F-G) * (all[i+1].v - all[i].v)
	}
	return s
}

func TestAssignmentBruteForce(t *testing.T) {
	// Exhaustive search over all permutations for n ≤ 7, including integer
	// costs with many ties (the hard case for the augmenting row reduction).
	rnd := rand.New(rand.NewPCG(1, 3))
	for trial := 0; trial < 200; trial++ {
		n := 1 + trial%7
		c := make([]float64, n*n)
		for k := range c {
			if trial%2 == 0 {
				c[k] = float64(rnd.IntN(4))
			} else {
				c[k] = rnd.Float64()
			}
		}
		a, err := SolveAssignment(c, n)
		if err != nil {
			t.Fatal(err)
		}
		best := otBruteAssign(c, n)
		if math.Abs(a.Cost-best) > 1e-12 {
			t.Fatalf("trial %d n=%d: cost %v, brute force %v", trial, n, a.Cost, best)
		}
		otCheckAssignment(t, c, n, a)
	}
}

func otBruteAssign(c []float64, n int) float64 {
	perm := make([]int, n)
	for i := range perm {
		perm[i] = i
	}
	best := math.Inf(1)
	var rec func(k int, s float64)
	rec = func(k int, s float64) {
		if k == n {
			best = math.Min(best, s)
			return
		}
		for i := k; i < n; i++ {
			perm[k], perm[i] = perm[i], perm[k]
			rec(k+1, s+c[k*n+perm[k]])
			perm[k], perm[i] = perm[i], perm[k]
		}
	}
	rec(0, 0)
	return best
}

// checkAssignment verifies the LP optimality certificate: a permutation,
// dual feasibility U_i + V_j ≤ C_ij and complementary slackness.
func otCheckAssignment(t *testing.T, c []float64, n int, a Assignment) {
	t.Helper()
	// Rounding in price updates: a few ulps of the largest cost.
	scale := 0.0
	for _, v := range c {
		scale = math.Max(scale, math.Abs(v))
	}
	tol := 1e-12 * math.Max(scale, 1) * float64(n)
	seen := make([]bool, n)
	for i, j := range a.Row {
		if j < 0 || j >= n || seen[j] || a.Col[j] != i {
			t.Fatalf("not a permutation: row %d → %d", i, j)
		}
		seen[j] = true
		if d := c[i*n+j] - a.U[i] - a.V[j]; math.Abs(d) > tol {
			t.Fatalf("slackness fails at (%d,%d): %v", i, j, d)
		}
	}
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			if c[i*n+j]-a.U[i]-a.V[j] < -tol {
				t.Fatalf("dual infeasible at (%d,%d): reduced cost %v", i, j, c[i*n+j]-a.U[i]-a.V[j])
			}
		}
	}
}

func TestAssignmentCertificate(t *testing.T) {
	// Larger instances: optimality certified by the duals. Squared
	// Euclidean costs of point clouds (the OT use) and uniform random costs.
	rnd := rand.New(rand.NewPCG(5, 1))
	for _, n := range []int{50, 300} {
		x, y := otRandCloud(rnd, n, 16, 0), otRandCloud(rnd, n, 16, 0)
		_, a, err := ExactW2(x, y)
		if err != nil {
			t.Fatal(err)
		}
		c := make([]float64, n*n)
		for i := 0; i < n; i++ {
			for j := 0; j < n; j++ {
				c[i*n+j] = sqDist(x.Point(i), y.Point(j))
			}
		}
		otCheckAssignment(t, c, n, a)
		for k := range c {
			c[k] = rnd.Float64()
		}
		a, err = SolveAssignment(c, n)
		if err != nil {
			t.Fatal(err)
		}
		otCheckAssignment(t, c, n, a)
	}
}

func TestExactW2OneDimension(t *testing.T) {
	// On the line the sorted coupling is optimal: ExactW2 must equal the
	// quantile formula.
	rnd := rand.New(rand.NewPCG(2, 9))
	x, y := otRandCloud(rnd, 200, 1, 0), otRandCloud(rnd, 200, 1, 0.7)
	w, _, err := ExactW2(x, y)
	if err != nil {
		t.Fatal(err)
	}
	q, _ := Wasserstein1DPow(2, x.X, nil, y.X, nil)
	if math.Abs(w-q) > 1e-12*q {
		t.Errorf("ExactW2 = %v, quantile formula %v", w, q)
	}
}

func otSq(x float64) float64 { return x * x }

func otRandCloud(rnd *rand.Rand, n, d int, shift float64) Cloud {
	x := make([]float64, n*d)
	for i := range x {
		x[i] = rnd.NormFloat64() + shift
	}
	return Cloud{Dim: d, X: x}
}
