// Copyright ©2026 The rgflow Authors. All rights reserved.

package nn

import (
	"math"
	"math/rand/v2"
	"testing"

	"rgflow/lattice"
)

func TestAdamHandStep(t *testing.T) {
	params := []NamedTensor{{Name: "w", Shape: []int{2}, Data: []float32{1, -2}}}
	a, err := NewAdam(params, AdamConfig{Schedule: Schedule{LR: 0.01}})
	if err != nil {
		t.Fatal(err)
	}
	theta := params[0].Data
	// Worked by hand (β₁ = 0.9, β₂ = 0.999, ε = 10⁻⁸, lr = 0.01):
	// step 1, g = (0.5, −0.1): m = (0.05, −0.01), v = (2.5e−4, 1e−5),
	//   m̂ = g, v̂ = g², θ −= lr·g/(|g|+ε) → (0.9900000002, −1.990000001);
	// step 2, g = (−0.3, 0.2): m = (0.015, 0.011), v = (3.3975e−4, 4.999e−5),
	//   m̂ = m/0.19, v̂ = v/0.001999 → θ = (0.98808501989, −1.99366103604).
	want := [][]float64{{0.9900000002, -1.990000001}, {0.98808501989, -1.99366103604}}
	grads := [][]float32{{0.5, -0.1}, {-0.3, 0.2}}
	for s := range grads {
		if lr := a.Update(theta, grads[s]); lr != 0.01 {
			t.Errorf("step %d: learning rate %v, want 0.01", s+1, lr)
		}
		for i := range theta {
			// θ is stored in float32: half an ulp at |θ| < 2 is 2⁻²⁴·2.
			if d := math.Abs(float64(theta[i]) - want[s][i]); d > 1.2e-7 {
				t.Errorf("step %d: θ[%d] = %.9f, want %.9f", s+1, i, theta[i], want[s][i])
			}
		}
	}
	if a.Steps() != 2 {
		t.Errorf("Steps = %d, want 2", a.Steps())
	}
}

func TestSchedule(t *testing.T) {
	s := Schedule{LR: 1, MinLR: 0.1, Warmup: 4, Total: 14}
	for _, c := range []struct {
		step int
		want float64
	}{
		{1, 0.25}, {2, 0.5}, {4, 1},
		{9, 0.1 + 0.45*(1+math.Cos(math.Pi*0.5))}, // half way through the decay
		{14, 0.1}, {100, 0.1},
	} {
		if got := s.At(c.step); math.Abs(got-c.want) > 1e-15 {
			t.Errorf("At(%d) = %v, want %v", c.step, got, c.want)
		}
	}
	if got := (Schedule{LR: 2}).At(1000); got != 2 {
		t.Errorf("constant schedule: At(1000) = %v", got)
	}
	for _, bad := range []Schedule{{}, {LR: -1}, {LR: 1, MinLR: 2}, {LR: 1, Warmup: -1}, {LR: 1, Warmup: 5, Total: 5}, {LR: math.Inf(1)}} {
		if _, err := NewAdam(nil, AdamConfig{Schedule: bad}); err == nil {
			t.Errorf("NewAdam accepted schedule %+v", bad)
		}
	}
}

func TestClipGradNorm(t *testing.T) {
	g := []float32{3, 4}
	if n := ClipGradNorm(g, 1); n != 5 {
		t.Errorf("norm = %v, want 5", n)
	}
	if math.Abs(float64(g[0])-0.6) > 1e-7 || math.Abs(float64(g[1])-0.8) > 1e-7 {
		t.Errorf("clipped gradient %v, want (0.6, 0.8)", g)
	}
	g = []float32{0.3, 0.4}
	ClipGradNorm(g, 1)
	if g[0] != 0.3 || g[1] != 0.4 {
		t.Errorf("a gradient below the threshold was changed: %v", g)
	}
	g = []float32{1, float32(math.NaN())}
	if n := ClipGradNorm(g, 1); !math.IsNaN(n) {
		t.Errorf("norm of a NaN gradient = %v, want NaN", n)
	}
}

// trainRun runs steps of a small training loop from a fresh network and
// returns the network, optimiser and average.
func trainRun(t *testing.T, steps int, resumeFrom func(n *Network, a *Adam, e *EMA)) (*Network, *Adam, *EMA) {
	t.Helper()
	l := lattice.MustNew(8, 8)
	body := ScoreNet{Channels: 1, Width: 3, Kernel: 3, Blocks: 1, Levels: 2, Spectral: true, Knots: []float64{0, 1}}
	n, err := New(l, 1, body, Config{Time: TimeConfig{Dim: 4, Hidden: 4}, Workers: 2, Rand: rand.New(rand.NewPCG(1, 1))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(n.Close)
	a, err := NewAdam(n.Params(), AdamConfig{Schedule: Schedule{LR: 1e-2, Warmup: 3, Total: 20}, WeightDecay: 0.01})
	if err != nil {
		t.Fatal(err)
	}
	e, err := NewEMA(n.Params(), 0.9, true)
	if err != nil {
		t.Fatal(err)
	}
	if resumeFrom != nil {
		resumeFrom(n, a, e)
	}
	const B = 4
	V := l.Volume()
	x := make([]float32, B*V)
	target := make([]float32, B*V)
	ts := make([]float64, B)
	y := make([]float32, B*V)
	dy := make([]float32, B*V)
	for s := a.Steps(); s < steps; s++ {
		// Data depend on the step number only, as a training loop's
		// streams derived from (seed, step) would.
		r := rand.New(rand.NewPCG(100, uint64(s)))
		for i := range x {
			x[i] = float32(r.NormFloat64())
			target[i] = 0.5 * x[i]
		}
		for i := range ts {
			ts[i] = r.Float64()
		}
		n.Forward(y, x, ts)
		MSE(dy, y, target)
		n.ZeroGrad()
		n.Backward(nil, dy)
		ClipGradNorm(n.Grad(), 0.5)
		a.Update(n.Theta(), n.Grad())
		e.Update(n.Theta())
	}
	return n, a, e
}

func deepCopy(ts []NamedTensor) []NamedTensor {
	out := make([]NamedTensor, len(ts))
	for i, t := range ts {
		out[i] = NamedTensor{Name: t.Name, Shape: append([]int(nil), t.Shape...), Data: append([]float32(nil), t.Data...)}
	}
	return out
}

// TestResume checks that saving parameters, Adam state and EMA state after
// k steps and restoring them into fresh objects continues training bit for
// bit.
func TestResume(t *testing.T) {
	const k, total = 7, 15
	full, fa, fe := trainRun(t, total, nil)
	half, ha, he := trainRun(t, k, nil)
	params := deepCopy(half.Params())
	step, adam := ha.State()
	adam = deepCopy(adam)
	updates, ema := he.State()
	ema = deepCopy(ema)
	resumed, ra, re := trainRun(t, total, func(n *Network, a *Adam, e *EMA) {
		if err := n.SetParams(params); err != nil {
			t.Fatal(err)
		}
		if err := a.SetState(step, adam); err != nil {
			t.Fatal(err)
		}
		if err := e.SetState(updates, ema); err != nil {
			t.Fatal(err)
		}
	})
	if ra.Steps() != fa.Steps() || re.Updates() != fe.Updates() {
		t.Fatalf("resumed counts (%d, %d), uninterrupted (%d, %d)", ra.Steps(), re.Updates(), fa.Steps(), fe.Updates())
	}
	_, fst := fa.State()
	_, rst := ra.State()
	for _, c := range []struct {
		name string
		a, b []float32
	}{
		{"parameters", resumed.Theta(), full.Theta()},
		{"average", re.Theta(), fe.Theta()},
		{"adam first moment", rst[0].Data, fst[0].Data},
	} {
		for i := range c.a {
			if c.a[i] != c.b[i] {
				t.Fatalf("%s differ at %d after resume: %v vs %v", c.name, i, c.a[i], c.b[i])
			}
		}
	}
	// A state for another layout is refused.
	if err := ra.SetState(1, adam[1:]); err == nil {
		t.Error("Adam.SetState accepted a state with a missing tensor")
	}
	if err := re.SetState(1, ema[:1]); err == nil {
		t.Error("EMA.SetState accepted a state with missing tensors")
	}
}

func TestEMA(t *testing.T) {
	theta := []float32{1, 2}
	e, err := NewEMA([]NamedTensor{{Name: "w", Shape: []int{2}, Data: theta}}, 0.5, false)
	if err != nil {
		t.Fatal(err)
	}
	e.Update([]float32{3, 0}) // (0.5·1 + 0.5·3, 0.5·2 + 0) = (2, 1)
	e.Update([]float32{0, 1}) // (1, 1)
	if got := e.Theta(); got[0] != 1 || got[1] != 1 {
		t.Errorf("average %v, want (1, 1)", got)
	}
	w, _ := NewEMA([]NamedTensor{{Name: "w", Shape: []int{1}, Data: []float32{0}}}, 0.999, true)
	w.Update([]float32{1}) // warm-up decay min(0.999, 2/11)
	if got, want := float64(w.Theta()[0]), 1-2.0/11; math.Abs(got-want) > 1e-7 {
		t.Errorf("warm-up average %v, want %v", got, want)
	}
	if _, err := NewEMA(nil, 1, false); err == nil {
		t.Error("NewEMA accepted decay 1")
	}
}

// TestFitConvStencil trains a single 3×3 convolution to reproduce the
// lattice Laplacian, y = Σ_μ (x_{x+μ̂} + x_{x−μ̂}) − 4x, on white-noise
// inputs. The map is exactly representable and white noise makes the least
// squares problem perfectly conditioned (the normal matrix is V·I), so the
// weights must reach the stencil (1 at the four neighbours, −4 at the
// centre, 0 at the corners, bias 0).
func TestFitConvStencil(t *testing.T) {
	l := lattice.MustNew(8, 8)
	n, err := New(l, 1, Conv(1, 3), Config{Workers: 1, Rand: rand.New(rand.NewPCG(1, 1))})
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	const B, steps = 4, 1000
	a, err := NewAdam(n.Params(), AdamConfig{Schedule: Schedule{LR: 0.1, Warmup: 20, Total: steps}})
	if err != nil {
		t.Fatal(err)
	}
	V := l.Volume()
	x := make([]float32, B*V)
	target := make([]float32, B*V)
	y := make([]float32, B*V)
	dy := make([]float32, B*V)
	ts := make([]float64, B)
	r := rand.New(rand.NewPCG(4, 4))
	var loss float64
	for range steps {
		for i := range x {
			x[i] = float32(r.NormFloat64())
		}
		for b := 0; b < B; b++ {
			for i := 0; i < V; i++ {
				v := -4 * x[b*V+i]
				for mu := 0; mu < 2; mu++ {
					v += x[b*V+int(l.Fwd(mu)[i])] + x[b*V+int(l.Bwd(mu)[i])]
				}
				target[b*V+i] = v
			}
		}
		n.Forward(y, x, ts)
		loss, _ = MSE(dy, y, target)
		n.ZeroGrad()
		n.Backward(nil, dy)
		a.Update(n.Theta(), n.Grad())
	}
	want := []float64{0, 1, 0, 1, -4, 1, 0, 1, 0, 0} // weight (1,3,3,1), bias
	// Final loss and weight error: Adam's steps shrink with the cosine
	// decay; 10⁻³ is three orders below the stencil entries.
	const tol = 1e-3
	worst := 0.0
	for i, v := range n.Theta() {
		worst = math.Max(worst, math.Abs(float64(v)-want[i]))
		if math.Abs(float64(v)-want[i]) > tol {
			t.Errorf("θ[%d] = %v, want %v (final loss %g)", i, v, want[i], loss)
		}
	}
	t.Logf("max |θ − stencil| = %.2g, final loss %.2g", worst, loss)
}

// TestFitSpectralPropagator trains a spectral layer with knots at t = 0, 1
// to apply the time-dependent filter g(k, t) = (1−t)/(k̂²+m²) + t·k̂²/(1+k̂²)
// to white noise. The filter is a function of k̂² and linear in t, so with
// dispersion shells it is exactly representable by the gain table
// G[s, 0] = 1/(k̂²_s+m²), G[s, 1] = k̂²_s/(1+k̂²_s), which the layer must
// reach.
func TestFitSpectralPropagator(t *testing.T) {
	l := lattice.MustNew(8, 6)
	const m2 = 0.5
	n, err := New(l, 1, Spectral([]float64{0, 1}, 0), Config{Workers: 2, Rand: rand.New(rand.NewPCG(1, 1))})
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	sh := DispersionShells(l)
	fft := lattice.NewFFT(l)
	k2 := l.HalfKHat2()
	const B, steps = 8, 600
	a, err := NewAdam(n.Params(), AdamConfig{Schedule: Schedule{LR: 0.05, Warmup: 20, Total: steps}})
	if err != nil {
		t.Fatal(err)
	}
	V := l.Volume()
	x := make([]float32, B*V)
	target := make([]float32, B*V)
	y := make([]float32, B*V)
	dy := make([]float32, B*V)
	ts := make([]float64, B)
	f := make([]float64, V)
	spec := make([]complex128, l.HalfLen())
	r := rand.New(rand.NewPCG(8, 8))
	for range steps {
		for b := 0; b < B; b++ {
			ts[b] = r.Float64()
			for i := range f {
				f[i] = r.NormFloat64()
				x[b*V+i] = float32(f[i])
			}
			fft.Forward(spec, f)
			for j := range spec {
				spec[j] *= complex((1-ts[b])/(k2[j]+m2)+ts[b]*k2[j]/(1+k2[j]), 0)
			}
			fft.Inverse(f, spec)
			for i, v := range f {
				target[b*V+i] = float32(v)
			}
		}
		n.Forward(y, x, ts)
		MSE(dy, y, target)
		n.ZeroGrad()
		n.Backward(nil, dy)
		a.Update(n.Theta(), n.Grad())
	}
	G := n.Theta()
	// Shells with few modes (down to 1) see few samples per step, but the
	// target is noise-free, so every gain converges; 10⁻³ relative to the
	// largest gain 1/m² = 2.
	const tol = 2e-3
	worst := 0.0
	for s := 0; s < sh.Len(); s++ {
		w0, w1 := 1/(sh.KHat2[s]+m2), sh.KHat2[s]/(1+sh.KHat2[s])
		worst = math.Max(worst, math.Max(math.Abs(float64(G[2*s])-w0), math.Abs(float64(G[2*s+1])-w1)))
		if math.Abs(float64(G[2*s])-w0) > tol || math.Abs(float64(G[2*s+1])-w1) > tol {
			t.Errorf("shell %d (k̂² = %.4f): gains (%.5f, %.5f), want (%.5f, %.5f)", s, sh.KHat2[s], G[2*s], G[2*s+1], w0, w1)
		}
	}
	t.Logf("%d shells, max gain error %.2g", sh.Len(), worst)
}
