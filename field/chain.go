// Copyright ©2026 The rgflow Authors. All rights reserved.

package field

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"rgflow/internal/parallel"
	"rgflow/internal/rng"
)

// ChainConfig configures one Markov chain: an HMC trajectory followed by
// Clusters embedded-Ising cluster updates make one update.
type ChainConfig struct {
	HMC HMCConfig
	// Clusters is the number of Wolff cluster updates after each trajectory
	// (0: HMC only). They need an action of the Free or Phi4 kind.
	Clusters int
}

// Chain is one Markov chain of field configurations with its own random
// stream. Its complete state is a ChainState, from which RestoreChain
// resumes it bit for bit.
type Chain struct {
	act     Action
	cfg     ChainConfig
	hmc     *HMC
	cluster *Cluster
	phi     []float64
	src     *rand.PCG
	rnd     *rand.Rand
	count   ChainCounters
}

// ChainCounters count a chain's work.
type ChainCounters struct {
	Tuning       int64 // trajectories run with step-size adaptation
	Trajectories int64 // trajectories after thermalisation
	Accepted     int64 // accepted among Trajectories
	Clusters     int64 // cluster updates
	ClusterSites int64 // sites flipped by them
}

// ChainState is the complete state of a Chain as plain data, for
// checkpoints: the field, the random stream (PCG MarshalBinary), the step
// size and its adaptation state, and the counters. Restoring it with the
// same action and configuration continues the chain exactly as if it had
// not stopped.
type ChainState struct {
	Field    []float64
	RNG      []byte
	StepSize float64
	// Tuning is the dual-averaging state; zero once tuning has finished.
	Tuning   StepTuning
	Counters ChainCounters
}

// StepTuning is the dual-averaging state of the step-size adaptation.
type StepTuning struct {
	T, HBar, Mu, LogEpsBar float64
}

// ChainStream returns the random source of chain number chain of a run with
// seed: rng.New(seed, rng.StageSample, chain).
func ChainStream(seed uint64, chain int) *rand.PCG {
	return rng.New(seed, rng.StageSample, uint64(chain))
}

// NewChain returns chain number index of a run with the given seed, started
// from the zero field (a cold start for the symmetric phase; thermalise).
func NewChain(a Action, cfg ChainConfig, seed uint64, index int) (*Chain, error) {
	if index < 0 {
		return nil, fmt.Errorf("field: chain index %d: must be ≥ 0", index)
	}
	return newChain(a, cfg, ChainStream(seed, index), make([]float64, a.Lattice().Volume()))
}

func newChain(a Action, cfg ChainConfig, src *rand.PCG, phi []float64) (*Chain, error) {
	if cfg.Clusters < 0 {
		return nil, fmt.Errorf("field: cluster updates per trajectory %d: must be ≥ 0", cfg.Clusters)
	}
	h, err := NewHMC(a, cfg.HMC)
	if err != nil {
		return nil, err
	}
	c := &Chain{act: a, cfg: cfg, hmc: h, phi: phi, src: src, rnd: rand.New(src)}
	if cfg.Clusters > 0 {
		if c.cluster, err = ClusterFor(a); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// RestoreChain resumes a chain from st with action a and configuration cfg,
// which must be those the chain was created with.
func RestoreChain(a Action, cfg ChainConfig, st ChainState) (*Chain, error) {
	if len(st.Field) != a.Lattice().Volume() {
		return nil, fmt.Errorf("field: checkpoint field has %d sites, lattice %s has %d", len(st.Field), a.Lattice(), a.Lattice().Volume())
	}
	src := new(rand.PCG)
	if err := src.UnmarshalBinary(st.RNG); err != nil {
		return nil, fmt.Errorf("field: checkpoint random state: %w", err)
	}
	c, err := newChain(a, cfg, src, append([]float64(nil), st.Field...))
	if err != nil {
		return nil, err
	}
	if !(st.StepSize > 0) || math.IsInf(st.StepSize, 0) {
		return nil, fmt.Errorf("field: checkpoint step size %v: must be finite and > 0", st.StepSize)
	}
	c.hmc.eps = st.StepSize
	c.hmc.tune.reset(st.StepSize, c.hmc.cfg.TargetAccept)
	if st.Tuning.T > 0 {
		c.hmc.tune.t, c.hmc.tune.hbar = st.Tuning.T, st.Tuning.HBar
		c.hmc.tune.mu, c.hmc.tune.logEpsBar = st.Tuning.Mu, st.Tuning.LogEpsBar
	}
	c.count = st.Counters
	return c, nil
}

// Checkpoint returns the chain's complete state; the field is copied.
func (c *Chain) Checkpoint() ChainState {
	b, err := c.src.MarshalBinary()
	if err != nil {
		panic("field: PCG MarshalBinary: " + err.Error()) // cannot fail for *rand.PCG
	}
	st := ChainState{
		Field:    append([]float64(nil), c.phi...),
		RNG:      b,
		StepSize: c.hmc.eps,
		Counters: c.count,
	}
	if t := c.hmc.tune; t.t > 0 {
		st.Tuning = StepTuning{T: t.t, HBar: t.hbar, Mu: t.mu, LogEpsBar: t.logEpsBar}
	}
	return st
}

// Field returns the current configuration (shared storage: copy it to keep
// it).
func (c *Chain) Field() []float64 { return c.phi }

// HMC returns the chain's HMC sampler.
func (c *Chain) HMC() *HMC { return c.hmc }

// Counters returns the chain's work counters.
func (c *Chain) Counters() ChainCounters { return c.count }

// Acceptance returns the fraction of accepted trajectories after
// thermalisation (NaN before any).
func (c *Chain) Acceptance() float64 {
	return float64(c.count.Accepted) / float64(c.count.Trajectories)
}

// Update performs one trajectory and the configured cluster updates. With
// tune set the trajectory also adapts the step size (thermalisation only).
func (c *Chain) Update(tune bool) {
	if tune {
		c.hmc.TuneTrajectory(c.phi, c.rnd)
		c.count.Tuning++
	} else {
		ok, _ := c.hmc.Trajectory(c.phi, c.rnd)
		c.count.Trajectories++
		if ok {
			c.count.Accepted++
		}
	}
	for i := 0; i < c.cfg.Clusters; i++ {
		c.count.ClusterSites += int64(c.cluster.Update(c.phi, c.rnd))
		c.count.Clusters++
	}
}

// Thermalise runs n updates with step-size tuning and then fixes the step.
func (c *Chain) Thermalise(n int) {
	for i := 0; i < n; i++ {
		c.Update(true)
	}
	c.hmc.FinishTuning()
}

// RunConfig sets the size of a multi-chain run.
type RunConfig struct {
	Chains     int // independent chains (≥ 1)
	Thermalise int // tuned updates per chain before the first configuration
	Configs    int // configurations kept per chain (≥ 1)
	Every      int // updates between kept configurations (default 1)
	Workers    int // goroutines (default GOMAXPROCS); results do not depend on it
}

// RunResult holds the output of Run.
type RunResult struct {
	// Ensemble holds the configurations chain-major: configuration i of
	// chain c is Field(c*Configs + i).
	Ensemble *Ensemble
	// Measurements holds the history of each chain, ready for Summarise.
	Measurements [][]Measurement
	// Final is the state of each chain at the end, for resuming.
	Final []ChainState
}

// Chain returns the configurations of chain c as an ensemble sharing
// storage with r.Ensemble.
func (r *RunResult) Chain(c int) *Ensemble {
	n := len(r.Measurements[c])
	V := r.Ensemble.Lat.Volume()
	return &Ensemble{Lat: r.Ensemble.Lat, Data: r.Ensemble.Data[c*n*V : (c+1)*n*V]}
}

// Run samples a with rc.Chains independent chains on rc.Workers goroutines.
// Chain c draws from ChainStream(seed, c), so the result is bit-identical
// whatever the number of workers or cores. a must be safe for concurrent
// use (Free and Phi4 are: Action and Force only read).
func Run(a Action, cfg ChainConfig, seed uint64, rc RunConfig) (*RunResult, error) {
	if rc.Chains < 1 {
		return nil, fmt.Errorf("field: chains = %d: must be ≥ 1", rc.Chains)
	}
	chains := make([]*Chain, rc.Chains)
	for i := range chains {
		c, err := NewChain(a, cfg, seed, i)
		if err != nil {
			return nil, err
		}
		chains[i] = c
	}
	return runChains(a, chains, rc)
}

// RunFrom continues the chains whose states are given (RunResult.Final of
// an earlier run, or checkpoints) exactly where they stopped: rc.Chains is
// ignored, rc.Thermalise further tuned updates are run first (usually 0).
// Together with Run it splits one long run into pieces that give the same
// configurations as the unbroken run.
func RunFrom(a Action, cfg ChainConfig, states []ChainState, rc RunConfig) (*RunResult, error) {
	if len(states) == 0 {
		return nil, errors.New("field: no chain states to continue")
	}
	chains := make([]*Chain, len(states))
	for i, st := range states {
		c, err := RestoreChain(a, cfg, st)
		if err != nil {
			return nil, fmt.Errorf("field: chain %d: %w", i, err)
		}
		chains[i] = c
	}
	return runChains(a, chains, rc)
}

func runChains(a Action, chains []*Chain, rc RunConfig) (*RunResult, error) {
	if rc.Configs < 1 {
		return nil, fmt.Errorf("field: configurations per chain = %d: must be ≥ 1", rc.Configs)
	}
	if rc.Thermalise < 0 {
		return nil, fmt.Errorf("field: thermalisation updates = %d: must be ≥ 0", rc.Thermalise)
	}
	if rc.Every == 0 {
		rc.Every = 1
	}
	if rc.Every < 1 {
		return nil, fmt.Errorf("field: updates between configurations = %d: must be ≥ 1", rc.Every)
	}
	workers := parallel.Workers(rc.Workers, len(chains))
	res := &RunResult{
		Ensemble:     NewEnsemble(a.Lattice(), len(chains)*rc.Configs),
		Measurements: make([][]Measurement, len(chains)),
		Final:        make([]ChainState, len(chains)),
	}
	parallel.For(workers, len(chains), func(_, ci int) {
		c := chains[ci]
		if rc.Thermalise > 0 {
			c.Thermalise(rc.Thermalise)
		}
		ms := make([]Measurement, rc.Configs)
		for i := 0; i < rc.Configs; i++ {
			for k := 0; k < rc.Every; k++ {
				c.Update(false)
			}
			copy(res.Ensemble.Field(ci*rc.Configs+i), c.phi)
			ms[i] = Measure(a, c.phi)
		}
		res.Measurements[ci] = ms
		res.Final[ci] = c.Checkpoint()
	})
	return res, nil
}
