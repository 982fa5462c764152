// Copyright ©2026 The rgflow Authors. All rights reserved.

package nn

import (
	"math"
	"math/rand/v2"
	"testing"

	"rgflow/lattice"
)

// Tolerances of the comparison between the float32 network and the float64
// reference path.
//
// The float32 code accumulates dot products of at most K ≈ 500 terms in
// these tests (conv: In·taps ≤ 3·27; weight gradients: batch·V ≤ 3·60; a few
// layers deep). Higham's bound for a length-K dot product in precision u is
// γ_K·Σ|x_i y_i| with γ_K ≈ K·u; with u = 2⁻²⁴ ≈ 6·10⁻⁸ and K = 500 that is
// 3·10⁻⁵ relative to the magnitude of the terms, which through a few layers
// stays below refTol = 2·10⁻⁴ of the largest entry of the reference.
//
// Central differences of the float64 path with step fdStep = 10⁻⁵ have
// truncation error ~h²·|f”'|/6 ≈ 10⁻¹¹ and rounding error ~ε₆₄·|f|/h ≈
// 10⁻¹⁰ for the O(1) functions here, far below refTol.
const (
	refTol = 2e-4
	fdStep = 1e-5
)

type gradCase struct {
	name  string
	dims  []int
	in    int
	body  Layer
	time  TimeConfig
	batch int
}

func newTestNet(t *testing.T, c gradCase, workers int) *Network {
	t.Helper()
	l, err := lattice.New(c.dims...)
	if err != nil {
		t.Fatal(err)
	}
	n, err := New(l, c.in, c.body, Config{Time: c.time, Workers: workers, Rand: rand.New(rand.NewPCG(1, 1))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(n.Close)
	// Give biases, time projections and zero-initialised weights non-zero
	// values so that every path carries gradient.
	r := rand.New(rand.NewPCG(2, 2))
	for i := range n.theta {
		n.theta[i] += float32(0.3 * r.NormFloat64())
	}
	return n
}

func randVec(r *rand.Rand, n int, scale float64) []float32 {
	v := make([]float32, n)
	for i := range v {
		v[i] = float32(scale * r.NormFloat64())
	}
	return v
}

func to64(v []float32) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = float64(x)
	}
	return out
}

func dot64(a, b []float64) float64 {
	s := 0.0
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

// maxAbsDiff returns max|a−b| and max|b|.
func maxAbsDiff(a []float32, b []float64) (diff, scale float64) {
	for i := range b {
		diff = math.Max(diff, math.Abs(float64(a[i])-b[i]))
		scale = math.Max(scale, math.Abs(b[i]))
	}
	return diff, scale
}

// checkGradients compares forward output, parameter gradients and input
// gradients of the float32 network with the float64 reference path, for the
// scalar loss ⟨r, y⟩ with a fixed random r.
func checkGradients(t *testing.T, c gradCase) {
	t.Helper()
	n := newTestNet(t, c, 2)
	r := rand.New(rand.NewPCG(3, 3))
	x := randVec(r, c.batch*c.in*n.V, 1)
	ts := make([]float64, c.batch)
	for i := range ts {
		ts[i] = r.Float64()
	}
	y := n.Forward(nil, x, ts)
	proj := randVec(r, len(y), 1)
	n.ZeroGrad()
	dx := n.Backward(make([]float32, len(x)), proj)

	th64, x64, p64 := to64(n.theta), to64(x), to64(proj)
	yref := refNet(n, th64, x64, ts)
	if d, s := maxAbsDiff(y, yref); d > refTol*s {
		t.Errorf("%s: forward: max |y32 − y64| = %.3g, max |y64| = %.3g", c.name, d, s)
	}
	loss := func(th, xx []float64) float64 { return dot64(p64, refNet(n, th, xx, ts)) }

	for _, p := range n.params {
		fd := make([]float64, p.n)
		for i := range fd {
			j := p.offset + i
			old := th64[j]
			th64[j] = old + fdStep
			lp := loss(th64, x64)
			th64[j] = old - fdStep
			lm := loss(th64, x64)
			th64[j] = old
			fd[i] = (lp - lm) / (2 * fdStep)
		}
		g := n.grad[p.offset : p.offset+p.n]
		if d, s := maxAbsDiff(g, fd); d > refTol*s || s == 0 {
			t.Errorf("%s: ∂/∂%s: max |g32 − fd64| = %.3g, max |fd64| = %.3g", c.name, p.name, d, s)
		}
	}
	fd := make([]float64, len(x64))
	for i := range fd {
		old := x64[i]
		x64[i] = old + fdStep
		lp := loss(th64, x64)
		x64[i] = old - fdStep
		lm := loss(th64, x64)
		x64[i] = old
		fd[i] = (lp - lm) / (2 * fdStep)
	}
	if d, s := maxAbsDiff(dx, fd); d > refTol*s || s == 0 {
		t.Errorf("%s: ∂/∂x: max |g32 − fd64| = %.3g, max |fd64| = %.3g", c.name, d, s)
	}
}

var testTime = TimeConfig{Dim: 4, Hidden: 3, Scale: 2}

func TestConvGradients(t *testing.T) {
	for _, c := range []gradCase{
		{name: "1d k3", dims: []int{7}, in: 2, body: Conv(3, 3), batch: 3},
		{name: "1d k5 time", dims: []int{6}, in: 1, body: TimeConv(2, 5), time: testTime, batch: 2},
		{name: "2d k3", dims: []int{5, 6}, in: 2, body: Conv(3, 3), batch: 3},
		{name: "2d k3 time", dims: []int{4, 5}, in: 3, body: TimeConv(2, 3), time: testTime, batch: 3},
		{name: "2d k1", dims: []int{3, 4}, in: 3, body: Conv(2, 1), batch: 2},
		{name: "2d k5", dims: []int{5, 6}, in: 1, body: Conv(2, 5), batch: 2},
		{name: "3d k3 time", dims: []int{3, 4, 5}, in: 2, body: TimeConv(2, 3), time: testTime, batch: 2},
		{name: "4d k3", dims: []int{3, 3, 3, 4}, in: 1, body: Conv(2, 3), batch: 2},
		{name: "2d k5 wider than the lattice", dims: []int{2, 3}, in: 2, body: Conv(2, 5), batch: 2},
		{name: "2d k3 on 1×1", dims: []int{1, 1}, in: 2, body: Conv(2, 3), batch: 2},
	} {
		checkGradients(t, c)
	}
}

func TestCompositeGradients(t *testing.T) {
	block := Residual(Seq(SiLU(), TimeConv(3, 3), SiLU(), ConvLayer{Out: 3, Kernel: 3, ZeroInit: true}))
	for _, c := range []gradCase{
		{name: "silu", dims: []int{4, 5}, in: 2, body: SiLU(), batch: 2},
		{name: "seq", dims: []int{5, 4}, in: 1, body: Seq(TimeConv(3, 3), SiLU(), Conv(1, 3)), time: testTime, batch: 3},
		{name: "residual", dims: []int{5, 6}, in: 1, body: Seq(Conv(3, 3), block, block, SiLU(), Conv(1, 3)), time: testTime, batch: 3},
		{name: "sum", dims: []int{4, 6}, in: 2, body: Sum(Identity(), Conv(2, 3), Seq(SiLU(), Conv(2, 1))), batch: 2},
		{name: "pick", dims: []int{4, 5}, in: 3, body: Sum(Pick(1, 2), Seq(Pick(0, 2), Conv(1, 3)), Conv(1, 1)), batch: 2},
	} {
		checkGradients(t, c)
	}
}

// TestConvPaths runs the convolution gradient checks with both product
// forms (one gemm per tap, and im2col) for every channel count.
func TestConvPaths(t *testing.T) {
	saved := colChannels
	defer func() { colChannels = saved }()
	for _, cc := range []int{0, 1 << 20} {
		colChannels = cc
		for _, c := range []gradCase{
			{name: "2d k3", dims: []int{5, 6}, in: 2, body: Conv(3, 3), batch: 2},
			{name: "3d k3", dims: []int{3, 4, 5}, in: 2, body: Conv(1, 3), batch: 2},
			{name: "1d k5", dims: []int{6}, in: 3, body: Conv(2, 5), batch: 2},
		} {
			c.name += map[bool]string{true: " im2col", false: " per-tap"}[cc > 0]
			checkGradients(t, c)
		}
	}
}

// testForm is a smooth gain form, g = sin(θ·(s + 1) + t) (θ s-dependent so
// that a wrong shell index shows).
func testForm(t float64, s int, th float64) (float64, float64) {
	a := float64(s + 1)
	return math.Sin(th*a + t), a * math.Cos(th*a+t)
}

func TestSpectralGradients(t *testing.T) {
	knots := []float64{0.1, 0.4, 0.6, 0.9}
	l := lattice.MustNew(6, 4)
	coarse, err := l.Shells(3)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []gradCase{
		{name: "spectral 2d dispersion shells", dims: []int{5, 4}, in: 2, body: Spectral(knots, 0.5), batch: 4},
		{name: "spectral 2d binned shells", dims: []int{6, 4}, in: 1, body: SpectralLayer{Shells: coarse, Knots: knots}, batch: 3},
		{name: "spectral 1d constant in t", dims: []int{7}, in: 1, body: Spectral(nil, 1), batch: 2},
		{name: "spectral 3d one knot", dims: []int{2, 3, 4}, in: 1, body: Spectral([]float64{0.5}, 1), batch: 2},
		{name: "spectral + conv", dims: []int{4, 5}, in: 1, body: Sum(Spectral(knots, 0), Seq(TimeConv(2, 3), SiLU(), Conv(1, 3))), time: testTime, batch: 3},
		{name: "spectral with a gain form", dims: []int{5, 4}, in: 2, body: SpectralLayer{Init: 0.3, Form: testForm}, batch: 4},
	} {
		checkGradients(t, c)
	}
}

func TestCoarseGradients(t *testing.T) {
	for _, c := range []gradCase{
		{name: "coarse 1d", dims: []int{8}, in: 2, body: Coarse(Conv(2, 3)), batch: 2},
		{name: "coarse 2d", dims: []int{6, 8}, in: 1, body: Seq(Conv(2, 3), Residual(Coarse(Seq(SiLU(), TimeConv(2, 3)))), Conv(1, 1)), time: testTime, batch: 3},
		{name: "coarse 3d", dims: []int{6, 6, 4}, in: 1, body: Coarse(Seq(Conv(2, 3), SiLU())), batch: 2},
		{name: "two levels", dims: []int{12, 8}, in: 1, body: Residual(Coarse(Seq(Conv(1, 3), Residual(Coarse(Seq(SiLU(), Conv(1, 1))))))), batch: 2},
		{name: "coarse spectral", dims: []int{8, 4}, in: 1, body: Residual(Coarse(Spectral([]float64{0, 1}, 0.3))), batch: 2},
		{name: "score net with an extra input", dims: []int{4, 8}, in: 2, body: ScoreNet{Channels: 1, Extra: 1, Width: 2, Kernel: 3, Blocks: 1, Levels: 2, Spectral: true, Knots: []float64{0, 0.5, 1}}, time: testTime, batch: 2},
		{name: "score net", dims: []int{4, 8}, in: 1, body: ScoreNet{Channels: 1, Width: 2, Kernel: 3, Blocks: 1, Levels: 2, Spectral: true, Knots: []float64{0, 0.5, 1}}, time: testTime, batch: 2},
	} {
		checkGradients(t, c)
	}
}
