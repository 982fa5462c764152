// Copyright ©2026 The rgflow Authors. All rights reserved.

package field

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"rgflow/lattice"
)

// TestHMCConfigEdges checks the HMC configuration at the edges of its
// ranges: the default step is τ/10; a trajectory of length τ takes
// ⌈τ/ε⌉ steps, exactly τ/ε when that is an integer (10 for ε = 0.1, not
// 11), 4 for ε = 0.3; a jitter of 1 (a step that may vanish), a target
// acceptance of 1 and a Fourier mass² of 0 are refused; SetStepSize
// takes a positive step and panics on 0 (a programming error).
func TestHMCConfigEdges(t *testing.T) {
	a := mustPhi4(t, lattice.MustNew(4, 4), ContinuumParams{M2: -0.5, G: 1})
	h, err := NewHMC(a, HMCConfig{TrajLength: 2})
	if err != nil {
		t.Fatal(err)
	}
	if eps := h.StepSize(); eps != 0.2 {
		t.Errorf("default step at τ = 2: %v, want τ/10 = 0.2", eps)
	}
	for _, c := range []struct {
		eps   float64
		steps int
	}{{0.1, 10}, {0.3, 4}, {0.25, 4}, {2, 1}} {
		h, err := NewHMC(a, HMCConfig{StepSize: c.eps})
		if err != nil {
			t.Fatal(err)
		}
		if n := h.Steps(); n != c.steps {
			t.Errorf("τ = 1, ε = %v: %d steps, want %d", c.eps, n, c.steps)
		}
	}
	h.SetStepSize(0.05)
	if h.StepSize() != 0.05 {
		t.Errorf("SetStepSize(0.05): step %v", h.StepSize())
	}
	func() {
		defer func() {
			if recover() == nil {
				t.Error("SetStepSize(0) did not panic")
			}
		}()
		h.SetStepSize(0)
	}()
	for _, c := range []HMCConfig{{Jitter: 1}, {TargetAccept: 1}, {FourierAccel: true, FourierMass2: 0}} {
		if _, err := NewHMC(a, c); err == nil {
			t.Errorf("%+v accepted", c)
		}
	}
}

// TestTrajectoryByDefinition replays HMC trajectories step by step from
// the same random stream: fresh momenta, ⌈τ/ε⌉ steps of the jittered step
// ε' = jτ/n with j uniform in [1 − J, 1 + J), and acceptance when
// u < e^{−ΔH} (u drawn every time); every field and ΔH must agree bit for
// bit with Trajectory's, at τ = 2 and J = 0.3 (where j·τ and j/τ differ).
func TestTrajectoryByDefinition(t *testing.T) {
	a := mustPhi4(t, lattice.MustNew(4, 4), ContinuumParams{M2: -0.5, G: 1})
	cfg := HMCConfig{TrajLength: 2, StepSize: 0.3, Jitter: 0.3}
	h, err := NewHMC(a, cfg)
	if err != nil {
		t.Fatal(err)
	}
	ref, err := NewHMC(a, cfg)
	if err != nil {
		t.Fatal(err)
	}
	rnd := rand.New(rand.NewPCG(21, 22))
	rr := rand.New(rand.NewPCG(21, 22))
	phi := make([]float64, 16)
	for i := range phi {
		phi[i] = 0.3 * float64(i%5-2)
	}
	want := slices.Clone(phi)
	accepted := 0
	for it := range 20 {
		ok, dH := h.Trajectory(phi, rnd)
		ref.RefreshMomentum(rr)
		old := slices.Clone(want)
		h0 := ref.Hamiltonian(want, ref.p)
		n := 7 // ⌈2/0.3⌉
		j := 1 + 0.3*(2*rr.Float64()-1)
		ref.Integrate(want, n, j*2/float64(n))
		wdH := ref.Hamiltonian(want, ref.p) - h0
		u := rr.Float64()
		wok := wdH <= 0 || u < math.Exp(-wdH)
		if !wok {
			copy(want, old)
		}
		if ok != wok || dH != wdH || !slices.Equal(phi, want) {
			t.Fatalf("trajectory %d (%d steps) differs from its definition: accepted %v (want %v), ΔH %v (want %v)", it, h.Steps(), ok, wok, dH, wdH)
		}
		if ok {
			accepted++
		}
	}
	if accepted == 0 || accepted == 20 {
		t.Errorf("%d of 20 trajectories accepted: the comparison needs both outcomes", accepted)
	}
}

// TestDualAveraging checks the step-size adaptation against Hoffman and
// Gelman's dual averaging (J. Mach. Learn. Res. 15 (2014) 1593, Algorithm
// 5, with their γ = 0.05, t₀ = 10, κ = 0.75 and centre μ = log(10ε₀)):
// from ε₀ = 0.05 and target 0.8, three updates with acceptance 0.6, 0.9,
// 0.75.
func TestDualAveraging(t *testing.T) {
	var d dualAveraging
	d.reset(0.05, 0.8)
	mu, hbar, lbar := math.Log(0.5), 0.0, math.Log(0.05)
	for i, alpha := range []float64{0.6, 0.9, 0.75} {
		m := float64(i + 1)
		hbar = (1-1/(m+10))*hbar + (0.8-alpha)/(m+10)
		logEps := mu - math.Sqrt(m)/0.05*hbar
		eta := math.Pow(m, -0.75)
		lbar = eta*logEps + (1-eta)*lbar
		if got := d.update(alpha); math.Abs(got/math.Exp(logEps)-1) > 1e-14 || math.Abs(d.logEpsBar-lbar) > 1e-14 {
			t.Errorf("update %d: ε = %v, log ε̄ = %v; want %v, %v", i+1, got, d.logEpsBar, math.Exp(logEps), lbar)
		}
	}
}
