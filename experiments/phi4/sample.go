// Copyright ©2026 The rgflow Authors. All rights reserved.

package main

import (
	"errors"
	"fmt"
	"math"
	"time"

	"rgflow/field"
	"rgflow/internal/rng"
)

// Ensemble sets: each draws its chains from its own streams.
const (
	setPilot = iota
	setTrain
	setHeld
	setRef
)

var setNames = [...]string{"pilot", "training", "held-out", "reference"}

// setSeed returns the seed of the chains of set k: chain c of set k draws
// from field.ChainStream(setSeed(seed, k), c), so the sets are independent
// and each is bit-identical for any number of cores.
func setSeed(seed uint64, set int) uint64 {
	hi, lo := rng.Derive(seed, rng.StageSample, rng.ChainSetSeed+uint64(set))
	return hi ^ lo
}

// mcResult is one Monte Carlo ensemble with what the file and the cost
// table need.
type mcResult struct {
	Ens *field.Ensemble
	// Chains is the number of independent chains, each of Ens.Len()/Chains
	// consecutive configurations.
	Chains int
	// Updates is the number of measured updates (trajectories + clusters)
	// behind Ens, thermalisation excluded; Seconds their wall-clock time on
	// all cores (thermalisation excluded, measurement included).
	Updates int64
	Seconds float64
	// Acceptance of HMC after thermalisation, mean step size, and cluster
	// sites flipped per cluster update (relative to the volume).
	Acceptance, StepSize, ClusterFraction float64
	Obs                                   field.Observables
	ObsErr                                error
}

// runChains runs n configurations (rounded up to whole chains) of set
// with stride every, after thermalisation, on all cores. It returns the
// first n configurations chain by chain.
func runChains(a *field.Phi4, m MC, seed uint64, set, n, every int) (*mcResult, error) {
	C := min(m.Chains, n)
	per := (n + C - 1) / C
	cfg := m.ChainConfig()
	s := setSeed(seed, set)
	// Thermalise first (timed apart), then measure.
	th, err := field.Run(a, cfg, s, field.RunConfig{Chains: C, Thermalise: m.Thermalise, Configs: 1})
	if err != nil {
		return nil, err
	}
	t0 := time.Now()
	res, err := field.RunFrom(a, cfg, th.Final, field.RunConfig{Configs: per, Every: every})
	if err != nil {
		return nil, err
	}
	el := time.Since(t0).Seconds()
	out := &mcResult{Chains: C, Seconds: el, Updates: int64(C) * int64(per) * int64(every)}
	// Keep whole chains so the Γ-method sees C equal replicas: n is
	// rounded up to C·per.
	out.Ens = res.Ensemble
	if m.GlobalFlip {
		globalFlip(res, seed, set)
	}
	var acc, step, frac float64
	for _, st := range res.Final {
		k := st.Counters
		acc += float64(k.Accepted) / float64(max(k.Trajectories, 1))
		step += st.StepSize
		if k.Clusters > 0 {
			frac += float64(k.ClusterSites) / float64(k.Clusters) / float64(a.Lattice().Volume())
		}
	}
	out.Acceptance, out.StepSize, out.ClusterFraction = acc/float64(C), step/float64(C), frac/float64(C)
	out.Obs, out.ObsErr = field.Summarise(a.Lattice().Volume(), res.Measurements...)
	if out.ObsErr != nil && !errors.Is(out.ObsErr, field.ErrShortSeries) {
		return nil, out.ObsErr
	}
	return out, nil
}

// globalFlip multiplies every kept configuration by an independent random
// sign, drawn for configuration i of chain c from the stream (seed,
// StageSample, ChainSetInit+set, c). This is the exact global Z₂ update φ → −φ
// (the action is even) applied before each measurement: since HMC and the
// cluster updates commute with it in law, inserting it into the chain is
// the same in law as flipping the kept configurations afterwards. It
// connects the two sectors of the broken phase, which no local or cluster
// update does there (clusters span the whole lattice, and an even number
// of whole-lattice flips per update restores the sign).
func globalFlip(res *field.RunResult, seed uint64, set int) {
	per := len(res.Measurements[0])
	for c, ms := range res.Measurements {
		rnd := rng.NewRand(seed, rng.StageSample, rng.ChainSetInit+uint64(set), uint64(c))
		for i := range ms {
			if rnd.Uint64()&1 == 0 {
				continue
			}
			ms[i].M = -ms[i].M
			f := res.Ensemble.Field(c*per + i)
			for k := range f {
				f[k] = -f[k]
			}
		}
	}
}

// tauMax is the largest integrated autocorrelation time among the
// observables the run compares (M, |M|, M², S/V), in updates.
func tauMax(o field.Observables) float64 {
	t := 0.5
	for _, e := range []field.Estimate{o.M, o.AbsM, o.M2, o.ActionDensity} {
		if !math.IsNaN(e.TauInt) {
			t = math.Max(t, e.TauInt)
		}
	}
	return t
}

// stride returns ⌈2τ⌉ updates between kept configurations: consecutive
// kept ones are then nearly independent (their correlation e^{−2τ/τ_exp}
// for a single exponential is below e^{−2} ≈ 0.14, and the Γ-method errors
// account for what remains).
func stride(tau float64) int {
	return max(1, int(math.Ceil(2*tau)))
}

func (r *mcResult) String() string {
	return fmt.Sprintf("%d configs from %d chains, %d updates in %.2f s, acceptance %.3f", r.Ens.Len(), r.Chains, r.Updates, r.Seconds, r.Acceptance)
}
