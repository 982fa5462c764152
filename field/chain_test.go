// Copyright ©2026 The rgflow Authors. All rights reserved.

package field

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"rgflow/lattice"
)

// TestCheckpointResume stops a chain mid-thermalisation and mid-run,
// restores it from its plain-data state, and requires the continuation to
// equal the uninterrupted chain bit for bit.
func TestCheckpointResume(t *testing.T) {
	l := lattice.MustNew(6, 6)
	a := mustPhi4(t, l, ContinuumParams{M2: -1, G: 1})
	cfg := ChainConfig{HMC: HMCConfig{Integrator: Omelyan, FourierAccel: true, FourierMass2: 1}, Clusters: 2}
	ref, err := NewChain(a, cfg, 7, 3)
	if err != nil {
		t.Fatal(err)
	}
	run := func(c *Chain, from, to int) {
		for i := from; i < to; i++ {
			c.Update(i < 20)
			if i == 19 {
				c.HMC().FinishTuning()
			}
		}
	}
	run(ref, 0, 60)
	for _, stop := range []int{10, 40} {
		c, err := NewChain(a, cfg, 7, 3)
		if err != nil {
			t.Fatal(err)
		}
		run(c, 0, stop)
		st := c.Checkpoint()
		c.Update(false) // the original goes on; the checkpoint must not alias it
		r, err := RestoreChain(a, cfg, st)
		if err != nil {
			t.Fatal(err)
		}
		run(r, stop, 60)
		if !slices.Equal(r.Field(), ref.Field()) || r.HMC().StepSize() != ref.HMC().StepSize() || r.Counters() != ref.Counters() {
			t.Errorf("resumed at %d: state differs from the uninterrupted chain", stop)
		}
	}
	if _, err := RestoreChain(a, cfg, ChainState{Field: make([]float64, 5)}); err == nil {
		t.Error("wrong field length: want error")
	}
}

// TestRunDeterministic: the same seed gives bit-identical ensembles with 1,
// 2 and 3 workers.
func TestRunDeterministic(t *testing.T) {
	l := lattice.MustNew(5, 4)
	a := mustPhi4(t, l, ContinuumParams{M2: -0.5, G: 1})
	cfg := ChainConfig{HMC: HMCConfig{Integrator: Leapfrog}, Clusters: 1}
	var first *RunResult
	for _, w := range []int{1, 2, 3} {
		r, err := Run(a, cfg, 99, RunConfig{Chains: 5, Thermalise: 10, Configs: 7, Every: 2, Workers: w})
		if err != nil {
			t.Fatal(err)
		}
		if first == nil {
			first = r
			continue
		}
		if !slices.Equal(r.Ensemble.Data, first.Ensemble.Data) {
			t.Errorf("%d workers: ensemble differs from 1 worker", w)
		}
		for c := range r.Measurements {
			if !slices.Equal(r.Measurements[c], first.Measurements[c]) {
				t.Errorf("%d workers: chain %d measurements differ", w, c)
			}
		}
	}
	// A run split in two with RunFrom gives the same configurations.
	half, err := Run(a, cfg, 99, RunConfig{Chains: 5, Thermalise: 10, Configs: 3, Every: 2})
	if err != nil {
		t.Fatal(err)
	}
	rest, err := RunFrom(a, cfg, half.Final, RunConfig{Configs: 4, Every: 2})
	if err != nil {
		t.Fatal(err)
	}
	for c := 0; c < 5; c++ {
		joined := append(append([]float64(nil), half.Chain(c).Data...), rest.Chain(c).Data...)
		if !slices.Equal(joined, first.Chain(c).Data) {
			t.Errorf("chain %d: Run + RunFrom differs from one Run", c)
		}
	}
	// Chains are distinct streams.
	if slices.Equal(first.Chain(0).Data, first.Chain(1).Data) {
		t.Error("chains 0 and 1 are identical")
	}
}

// metropolisPhi4 is an independent reference sampler: single-site
// Metropolis sweeps of the continuum-form φ⁴ action written out directly
// (ΔS of a local change, no use of the package's Action or Force).
func metropolisPhi4(l *lattice.Lattice, m2, g float64, therm, n, sweepsPer int, rnd *rand.Rand) []Measurement {
	V := l.Volume()
	d := l.Dim()
	phi := make([]float64, V)
	const width = 1.5 // proposal half-width: acceptance ≈ 0.5 here
	local := func(v, nbsum float64) float64 {
		return (float64(d)+0.5*m2)*v*v + 0.25*g*v*v*v*v - v*nbsum
	}
	sweep := func() {
		for x := 0; x < V; x++ {
			nb := 0.0
			for mu := 0; mu < d; mu++ {
				nb += phi[l.Shift(x, mu, 1)] + phi[l.Shift(x, mu, -1)]
			}
			old := phi[x]
			nw := old + width*(2*rnd.Float64()-1)
			if dS := local(nw, nb) - local(old, nb); dS <= 0 || rnd.Float64() < math.Exp(-dS) {
				phi[x] = nw
			}
		}
	}
	for i := 0; i < therm; i++ {
		sweep()
	}
	out := make([]Measurement, n)
	for i := range out {
		for k := 0; k < sweepsPer; k++ {
			sweep()
		}
		m := 0.0
		for _, v := range phi {
			m += v
		}
		m /= float64(V)
		out[i] = Measurement{M: m, AbsM: math.Abs(m), M2: m * m, M4: m * m * m * m}
	}
	return out
}

// TestPhi4AgainstMetropolis compares HMC with cluster updates (Run, several
// chains) on interacting φ⁴ near its transition with an independent
// single-site Metropolis sampler: ⟨M²⟩, ⟨|M|⟩ and U₄ agree within the
// combined Γ-method errors (|z| < nSigma).
func TestPhi4AgainstMetropolis(t *testing.T) {
	l := lattice.MustNew(6, 6)
	c := ContinuumParams{M2: -1.2, G: 1.5}
	a := mustPhi4(t, l, c)
	n := 6000
	if testing.Short() {
		n = 3000
	}
	r, err := Run(a, ChainConfig{HMC: HMCConfig{Integrator: Omelyan}, Clusters: 1}, 5,
		RunConfig{Chains: 4, Thermalise: 200, Configs: n / 4})
	if err != nil {
		t.Fatal(err)
	}
	hmc, err := Summarise(l.Volume(), r.Measurements...)
	if err != nil {
		t.Fatal(err)
	}
	ref, err := Summarise(l.Volume(), metropolisPhi4(l, c.M2, c.G, 500, 2*n, 2, rand.New(rand.NewPCG(43, 1))))
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []struct {
		name     string
		got, ref Estimate
	}{{"⟨M²⟩", hmc.M2, ref.M2}, {"⟨|M|⟩", hmc.AbsM, ref.AbsM}, {"U₄", hmc.Binder, ref.Binder}} {
		t.Logf("%s: HMC+cluster %v, Metropolis %v", q.name, q.got, q.ref)
		if z := (q.got.Value - q.ref.Value) / math.Hypot(q.got.Err, q.ref.Err); math.Abs(z) > nSigma {
			t.Errorf("%s: HMC+cluster %v, Metropolis %v (z = %.2f)", q.name, q.got, q.ref, z)
		}
	}
}
