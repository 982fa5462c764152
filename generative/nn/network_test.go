// Copyright ©2026 The rgflow Authors. All rights reserved.

package nn

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"rgflow/lattice"
)

// roll returns the batch x (B × C × V) translated by a: y(x + a) = x(x).
func roll(l *lattice.Lattice, x []float32, a []int) []float32 {
	V := l.Volume()
	y := make([]float32, len(x))
	c := make([]int, l.Dim())
	for f := 0; f < len(x)/V; f++ {
		for i := 0; i < V; i++ {
			l.Coords(c, i)
			for mu := range c {
				c[mu] = (c[mu] + a[mu]) % l.Extent(mu)
			}
			y[f*V+l.Index(c)] = x[f*V+i]
		}
	}
	return y
}

func perturbed(t *testing.T, l *lattice.Lattice, in int, body Layer, tc TimeConfig, workers int) *Network {
	t.Helper()
	n, err := New(l, in, body, Config{Time: tc, Workers: workers, Rand: rand.New(rand.NewPCG(1, 1))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(n.Close)
	r := rand.New(rand.NewPCG(2, 2))
	for i := range n.theta {
		n.theta[i] += float32(0.2 * r.NormFloat64())
	}
	return n
}

func TestEquivariance(t *testing.T) {
	knots := []float64{0, 0.5, 1}
	convStack := Seq(TimeConv(4, 3), Residual(Seq(SiLU(), TimeConv(4, 3), SiLU(), Conv(4, 3))), SiLU(), Conv(2, 1), Conv(1, 5))
	multi2 := ScoreNet{Channels: 1, Width: 3, Kernel: 3, Blocks: 1, Levels: 2}
	multi3 := ScoreNet{Channels: 1, Width: 3, Kernel: 3, Blocks: 1, Levels: 3}
	tc := TimeConfig{Dim: 8, Hidden: 8, Scale: 10}
	// equivTol: the convolutions are translation-equivariant term by term,
	// but OpenBLAS may sum a dot product in a different order for different
	// output columns (its edge and small-matrix kernels), which changes
	// results by a few float32 roundings; observed: 0 in 2-d and 3-d, one
	// rounding for 1-d planes of 11 sites. 2⁻¹⁹ relative to the largest
	// output allows 32 roundings; an indexing error moves outputs by O(1).
	//
	// The spectral path adds the float64 FFT of a translated field, which
	// differs from the translated transform by ~10⁻¹⁵ relative, invisible
	// after conversion to float32 except as one more rounding.
	const equivTol = 1.0 / (1 << 19)
	for _, c := range []struct {
		name   string
		dims   []int
		body   Layer
		shifts [][]int
	}{
		{"conv+residual 2d", []int{8, 6}, convStack, [][]int{{1, 0}, {0, 1}, {3, 5}, {7, 1}}},
		{"conv+residual 3d", []int{4, 6, 5}, convStack, [][]int{{1, 2, 3}, {3, 5, 1}}},
		{"conv+residual 1d", []int{11}, convStack, [][]int{{1}, {6}}},
		{"spectral+conv", []int{8, 6}, Sum(Spectral(knots, 0.7), convStack), [][]int{{1, 0}, {3, 5}}},
		// One coarse level: even translations.
		{"2 levels, even shifts", []int{8, 12}, multi2, [][]int{{2, 0}, {0, 2}, {4, 6}, {6, 10}}},
		// Two nested coarse levels: multiples of 4.
		{"3 levels, shifts by 4", []int{8, 12}, multi3, [][]int{{4, 0}, {0, 4}, {4, 8}}},
	} {
		l := lattice.MustNew(c.dims...)
		n := perturbed(t, l, 1, c.body, tc, 2)
		for _, a := range c.shifts {
			if d, s := equivError(l, n, a); d > equivTol*s {
				t.Errorf("%s: shift %v: max |N(Tx) − T N(x)| = %g (max |y| = %g)", c.name, a, d, s)
			}
		}
	}
	// The blocking breaks the other translations; check that the test
	// above would see it.
	for _, c := range []struct {
		name string
		body Layer
		a    []int
	}{
		{"2 levels, odd shift", multi2, []int{1, 0}},
		{"3 levels, shift by 2", multi3, []int{0, 2}},
	} {
		l := lattice.MustNew(8, 12)
		n := perturbed(t, l, 1, c.body, tc, 1)
		if d, s := equivError(l, n, c.a); d < 1e-2*s {
			t.Errorf("%s: max |N(Tx) − T N(x)| = %g (max |y| = %g): the blocking should break this translation", c.name, d, s)
		}
	}
}

// equivError returns max |N(T_a x) − T_a N(x)| and max |N(x)| over a random
// batch.
func equivError(l *lattice.Lattice, n *Network, a []int) (diff, scale float64) {
	r := rand.New(rand.NewPCG(5, 5))
	const B = 3
	x := randVec(r, B*l.Volume(), 1)
	ts := []float64{0.1, 0.5, 0.9}
	want := roll(l, n.Forward(nil, x, ts), a)
	ys := n.Forward(nil, roll(l, x, a), ts)
	for i := range want {
		diff = math.Max(diff, math.Abs(float64(ys[i]-want[i])))
		scale = math.Max(scale, math.Abs(float64(want[i])))
	}
	return diff, scale
}

// TestWorkers checks that outputs and gradients are bit-identical for any
// number of workers (they depend on the chunking only).
func TestWorkers(t *testing.T) {
	l := lattice.MustNew(8, 8)
	body := ScoreNet{Channels: 1, Width: 4, Kernel: 3, Blocks: 1, Levels: 2, Spectral: true, Knots: []float64{0, 1}, SpectralInit: 0.5}
	tc := TimeConfig{Dim: 8, Hidden: 8}
	r := rand.New(rand.NewPCG(7, 7))
	const B = 11
	x := randVec(r, B*l.Volume(), 1)
	dy := randVec(r, B*l.Volume(), 1)
	ts := make([]float64, B)
	for i := range ts {
		ts[i] = r.Float64()
	}
	var y0, g0, dx0 []float32
	for _, w := range []int{1, 2, 3, 8} {
		n := perturbed(t, l, 1, body, tc, w)
		tcopy := append([]float64(nil), ts...)
		y := n.Forward(nil, x, tcopy)
		clear(tcopy) // Backward must not depend on the caller's times slice
		n.ZeroGrad()
		dx := n.Backward(make([]float32, len(x)), dy)
		p := n.Predict(nil, x, ts)
		for i := range y {
			if p[i] != y[i] {
				t.Fatalf("workers=%d: Predict differs from Forward at %d", w, i)
			}
		}
		if y0 == nil {
			y0, g0, dx0 = y, append([]float32(nil), n.Grad()...), dx
			continue
		}
		for _, c := range []struct {
			name string
			a, b []float32
		}{{"output", y, y0}, {"gradient", n.Grad(), g0}, {"input gradient", dx, dx0}} {
			for i := range c.a {
				if c.a[i] != c.b[i] {
					t.Fatalf("workers=%d: %s differs from 1 worker at %d: %v vs %v", w, c.name, i, c.a[i], c.b[i])
				}
			}
		}
	}
}

func TestParamsRoundTrip(t *testing.T) {
	l := lattice.MustNew(8, 4)
	body := ScoreNet{Channels: 1, Width: 3, Kernel: 3, Blocks: 1, Levels: 2, Spectral: true, Knots: []float64{0, 1}}
	tc := TimeConfig{Dim: 4, Hidden: 5}
	a := perturbed(t, l, 1, body, tc, 1)
	b, err := New(l, 1, body, Config{Time: tc, Rand: rand.New(rand.NewPCG(9, 9))})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	// Save: deep copies of the named tensors, as a file would hold them.
	var saved []NamedTensor
	for _, p := range a.Params() {
		saved = append(saved, NamedTensor{Name: p.Name, Shape: append([]int(nil), p.Shape...), Data: append([]float32(nil), p.Data...)})
	}
	if err := b.SetParams(saved); err != nil {
		t.Fatal(err)
	}
	x := randVec(rand.New(rand.NewPCG(3, 4)), 2*l.Volume(), 1)
	ts := []float64{0.2, 0.7}
	ya, yb := a.Predict(nil, x, ts), b.Predict(nil, x, ts)
	for i := range ya {
		if ya[i] != yb[i] {
			t.Fatalf("loaded network differs at %d: %v vs %v", i, yb[i], ya[i])
		}
	}
	// Mismatched sets are refused and leave the network unchanged.
	before := append([]float32(nil), b.Theta()...)
	bad := map[string][]NamedTensor{
		"missing":     saved[1:],
		"extra":       append(append([]NamedTensor(nil), saved...), NamedTensor{Name: "x", Shape: []int{1}, Data: []float32{0}}),
		"wrong shape": append([]NamedTensor{{Name: saved[0].Name, Shape: []int{len(saved[0].Data)}, Data: saved[0].Data}}, saved[1:]...),
		"short data":  append([]NamedTensor{{Name: saved[0].Name, Shape: saved[0].Shape, Data: saved[0].Data[1:]}}, saved[1:]...),
		"duplicate":   append(append([]NamedTensor(nil), saved...), saved[0]),
	}
	for name, ts := range bad {
		if err := b.SetParams(ts); err == nil {
			t.Errorf("SetParams accepted a set with a %s tensor", name)
		}
	}
	for i, v := range b.Theta() {
		if v != before[i] {
			t.Fatal("a refused SetParams changed the parameters")
		}
	}
	// Names are unique and cover Theta exactly.
	seen := map[string]bool{}
	total := 0
	for _, p := range a.Params() {
		if seen[p.Name] {
			t.Errorf("duplicate parameter name %q", p.Name)
		}
		seen[p.Name] = true
		total += len(p.Data)
	}
	if total != a.NumParams() {
		t.Errorf("named tensors hold %d values, Theta %d", total, a.NumParams())
	}
}

func TestCheckFinite(t *testing.T) {
	l := lattice.MustNew(4, 4)
	n := perturbed(t, l, 1, Conv(2, 3), TimeConfig{}, 1)
	if err := n.CheckFinite(); err != nil {
		t.Fatal(err)
	}
	n.Grad()[5] = float32(math.Inf(1))
	var nf *NonFiniteError
	if err := n.CheckFinite(); !errors.As(err, &nf) || nf.Tensor != "grad/weight" || nf.Index != 5 {
		t.Errorf("CheckFinite = %v, want +Inf at grad/weight[5]", err)
	}
	n.Theta()[0] = float32(math.NaN())
	if err := n.CheckFinite(); !errors.As(err, &nf) || nf.Tensor != "weight" || nf.Index != 0 {
		t.Errorf("CheckFinite = %v, want NaN at weight[0]", err)
	}
	if Finite([]float32{1, float32(math.NaN())}) || !Finite([]float32{1, 2}) {
		t.Error("Finite is wrong")
	}
}

// TestZeroAllocs checks that a training step allocates nothing in steady
// state.
func TestZeroAllocs(t *testing.T) {
	l := lattice.MustNew(8, 8)
	body := ScoreNet{Channels: 1, Width: 4, Kernel: 3, Blocks: 1, Levels: 2, Spectral: true, Knots: []float64{0, 1}}
	n := perturbed(t, l, 1, body, TimeConfig{Dim: 4, Hidden: 4}, 2)
	r := rand.New(rand.NewPCG(1, 2))
	const B = 6
	x := randVec(r, B*l.Volume(), 1)
	target := randVec(r, B*l.Volume(), 1)
	ts := []float64{0.1, 0.2, 0.3, 0.4, 0.5, 0.6}
	opt, err := NewAdam(n.Params(), AdamConfig{Schedule: Schedule{LR: 1e-3, Warmup: 2, Total: 100}})
	if err != nil {
		t.Fatal(err)
	}
	ema, err := NewEMA(n.Params(), 0.99, true)
	if err != nil {
		t.Fatal(err)
	}
	y := make([]float32, len(x))
	dy := make([]float32, len(x))
	step := func() {
		n.Forward(y, x, ts)
		MSE(dy, y, target)
		n.ZeroGrad()
		n.Backward(nil, dy)
		ClipGradNorm(n.Grad(), 1)
		opt.Update(n.Theta(), n.Grad())
		ema.Update(n.Theta())
		n.Predict(y, x, ts)
	}
	step()
	if a := testing.AllocsPerRun(5, step); a != 0 {
		t.Errorf("a training step allocates %v times", a)
	}
}
