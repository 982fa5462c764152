// Copyright ©2026 The rgflow Authors. All rights reserved.

package field

import (
	"slices"
	"testing"

	"rgflow/lattice"
)

// TestRunCounters checks the work counters of a run against its
// configuration: per chain Thermalise tuned trajectories, Configs·Every
// trajectories after them, Clusters cluster updates after each of both,
// at least one site per cluster update (the seed site, which has ϕ ≠ 0
// almost surely) and 0 ≤ accepted ≤ trajectories, with an acceptance
// near the tuning target of 0.8 (above 0.3 over 48 trajectories).
func TestRunCounters(t *testing.T) {
	l := lattice.MustNew(4, 4)
	a := mustPhi4(t, l, ContinuumParams{M2: -0.5, G: 1})
	cfg := ChainConfig{HMC: HMCConfig{Integrator: Omelyan}, Clusters: 2}
	rc := RunConfig{Chains: 1, Thermalise: 40, Configs: 16, Every: 3, Workers: 1}
	res, err := Run(a, cfg, 5, rc)
	if err != nil {
		t.Fatal(err)
	}
	if n := res.Ensemble.Len(); n != 16 {
		t.Errorf("%d configurations, want 16", n)
	}
	c := res.Final[0].Counters
	if c.Tuning != 40 || c.Trajectories != 48 || c.Clusters != 2*(40+48) {
		t.Errorf("counters %+v: want 40 tuning, 48 trajectories, 176 cluster updates", c)
	}
	if c.ClusterSites < c.Clusters || c.ClusterSites > c.Clusters*16 {
		t.Errorf("%d sites flipped by %d cluster updates of 16 sites", c.ClusterSites, c.Clusters)
	}
	if c.Accepted < 0 || c.Accepted > c.Trajectories || float64(c.Accepted) < 0.3*float64(c.Trajectories) {
		t.Errorf("%d of %d trajectories accepted", c.Accepted, c.Trajectories)
	}
	// The edges of the configuration: one chain, one configuration, no
	// cluster updates are allowed; a step of 0 in a checkpoint is not.
	if _, err := Run(a, ChainConfig{}, 5, RunConfig{Chains: 1, Configs: 1}); err != nil {
		t.Errorf("one chain, one configuration, no clusters: %v", err)
	}
	if _, err := NewChain(a, ChainConfig{Clusters: -1}, 5, 0); err == nil {
		t.Error("−1 cluster updates accepted")
	}
	// An action of another kind has no cluster update, and needs none
	// with 0 cluster updates.
	if _, err := NewChain(otherAction{a}, ChainConfig{}, 5, 0); err != nil {
		t.Errorf("an action without cluster updates, 0 cluster updates: %v", err)
	}
	st := res.Final[0]
	st.StepSize = 0
	if _, err := RestoreChain(a, cfg, st); err == nil {
		t.Error("a checkpoint with step size 0 restored")
	}
}

// otherAction is an action of a kind without a cluster update.
type otherAction struct{ *Phi4 }

// TestCheckpointDuringTuning: a chain checkpointed in the middle of its
// step-size tuning and restored tunes on exactly as the uninterrupted
// chain does (the dual-averaging state travels with the checkpoint), and
// one checkpointed before any tuning starts it afresh (from the initial
// step 0.05, whose dual-averaging centre log(10ε) is not 0).
func TestCheckpointDuringTuning(t *testing.T) {
	l := lattice.MustNew(4, 4)
	a := mustPhi4(t, l, ContinuumParams{M2: -0.5, G: 1})
	cfg := ChainConfig{HMC: HMCConfig{Integrator: Omelyan, StepSize: 0.05}}
	for _, stop := range []int{0, 5} {
		ref, err := NewChain(a, cfg, 9, 0)
		if err != nil {
			t.Fatal(err)
		}
		c, err := NewChain(a, cfg, 9, 0)
		if err != nil {
			t.Fatal(err)
		}
		for range stop {
			ref.Update(true)
			c.Update(true)
		}
		r, err := RestoreChain(a, cfg, c.Checkpoint())
		if err != nil {
			t.Fatal(err)
		}
		for range 10 {
			ref.Update(true)
			r.Update(true)
		}
		ref.HMC().FinishTuning()
		r.HMC().FinishTuning()
		if !slices.Equal(r.Field(), ref.Field()) || r.HMC().StepSize() != ref.HMC().StepSize() {
			t.Errorf("checkpoint after %d tuned trajectories: step %v, uninterrupted %v", stop, r.HMC().StepSize(), ref.HMC().StepSize())
		}
		for range 8 {
			r.Update(false)
		}
		if c := r.Counters(); r.Acceptance() != float64(c.Accepted)/8 || c.Trajectories != 8 {
			t.Errorf("acceptance %v with counters %+v, want accepted/8", r.Acceptance(), c)
		}
	}
}
