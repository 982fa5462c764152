// Copyright ©2026 The rgflow Authors. All rights reserved.

package pipeline

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"rgflow/field"
	"rgflow/internal/cli"
	"rgflow/internal/rng"
)

// Monte Carlo ensembles: independent Markov chains of an interacting
// action, thinned by the measured autocorrelation time. A program numbers
// its ensembles (its chain sets); set k draws its chains from the streams
// of ChainSetSeed + k and its global flips from ChainSetInit + k.

// ChainsOf splits e into n equally long consecutive chains.
func ChainsOf(e *field.Ensemble, n int) []*field.Ensemble {
	V := e.Lat.Volume()
	per := e.Len() / n
	out := make([]*field.Ensemble, n)
	for c := range out {
		out[c] = &field.Ensemble{Lat: e.Lat, Data: e.Data[c*per*V : (c+1)*per*V]}
	}
	return out
}

// chainSetSeed returns the seed of the chains of set k: chain c of set k draws
// from field.ChainStream(chainSetSeed(seed, k), c), so the sets are independent
// and each is bit-identical for any number of cores.
func chainSetSeed(seed uint64, set int) uint64 {
	hi, lo := rng.Derive(seed, rng.StageSample, rng.ChainSetSeed+uint64(set))
	return hi ^ lo
}

// MCResult is one Monte Carlo ensemble with what the file and the cost
// table need.
type MCResult struct {
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

// RunChains runs n configurations (rounded up to whole chains) of set
// with stride every, after thermalisation, on all cores. It returns the
// first n configurations chain by chain.
func RunChains(a *field.Phi4, m MC, seed uint64, set, n, every int) (*MCResult, error) {
	C := min(m.Chains, n)
	per := (n + C - 1) / C
	cfg := m.ChainConfig()
	s := chainSetSeed(seed, set)
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
	out := &MCResult{Chains: C, Seconds: el, Updates: int64(C) * int64(per) * int64(every)}
	// Keep whole chains so the Γ-method sees C equal replicas: n is
	// rounded up to C·per.
	out.Ens = res.Ensemble
	if m.GlobalFlip {
		GlobalFlip(res, seed, set)
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

// GlobalFlip multiplies every kept configuration by an independent random
// sign, drawn for configuration i of chain c from the stream (seed,
// StageSample, ChainSetInit+set, c). This is the exact global Z₂ update φ → −φ
// (the action is even) applied before each measurement: since HMC and the
// cluster updates commute with it in law, inserting it into the chain is
// the same in law as flipping the kept configurations afterwards. It
// connects the two sectors of the broken phase, which no local or cluster
// update does there (clusters span the whole lattice, and an even number
// of whole-lattice flips per update restores the sign).
func GlobalFlip(res *field.RunResult, seed uint64, set int) {
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

// TauMax is the largest integrated autocorrelation time among the
// observables the run compares (M, |M|, M², S/V), in updates.
func TauMax(o field.Observables) float64 {
	t := 0.5
	for _, e := range []field.Estimate{o.M, o.AbsM, o.M2, o.ActionDensity} {
		if !math.IsNaN(e.TauInt) {
			t = math.Max(t, e.TauInt)
		}
	}
	return t
}

// Stride returns ⌈2τ⌉ updates between kept configurations: consecutive
// kept ones are then nearly independent (their correlation e^{−2τ/τ_exp}
// for a single exponential is below e^{−2} ≈ 0.14, and the Γ-method errors
// account for what remains).
func Stride(tau float64) int {
	return max(1, int(math.Ceil(2*tau)))
}

func (r *MCResult) String() string {
	return fmt.Sprintf("%d configs from %d chains, %d updates in %.2f s, acceptance %.3f", r.Ens.Len(), r.Chains, r.Updates, r.Seconds, r.Acceptance)
}

// MCCost are the Monte Carlo figures of a run's cost table.
type MCCost struct {
	Tau        float64 // largest τ_int of the pilot run, in updates
	Every      int     // updates between kept configurations
	Rate       float64 // updates per second on all cores (reference chains)
	Acceptance float64
}

// MCEnsemble is one Monte Carlo ensemble of a run: what MCStage draws and
// what it (or ReadMC) fills in.
type MCEnsemble struct {
	Set         int    // the chain set: labels the ensemble's streams
	Name        string // for logs and progress
	N           int    // configurations
	Group, Desc string // its group in the file, and what it is for

	Ens    *field.Ensemble
	Chains int
	Stats  *Stats // MCStage: every ensemble's; ReadMC: the reference's
}

// MCRun is what MCStage draws and how.
type MCRun struct {
	Action *field.Phi4
	MC     MC
	// Pilot is the chain set of the pilot run that measures τ_int when
	// MC.Every is 0.
	Pilot int
	// Ensembles are drawn in order; the last is the reference, whose
	// chains give the cost figures.
	Ensembles []*MCEnsemble
	// Attrs returns the attributes every ensemble's group starts from
	// (the action's couplings); Fields describes the fields.
	Attrs  func() map[string]any
	Fields string
}

// MCStage draws every ensemble of mc by independent Markov chains, thinned
// by MC.Every or, when it is 0, by Stride of the pilot run's τ_int, and
// writes each to its group: attributes, fields and statistics.
func (o *Out) MCStage(ctx context.Context, r *cli.Run, mc MCRun) (MCCost, error) {
	m, log := mc.MC, r.Log
	var cost MCCost
	cost.Every = m.Every
	if m.Every == 0 {
		bar := r.Progress("sample pilot", 1, "runs")
		pilot, err := RunChains(mc.Action, m, r.Seed, mc.Pilot, m.Chains*m.Pilot, 1)
		bar.Done()
		if err != nil {
			return cost, err
		}
		cost.Tau = TauMax(pilot.Obs)
		cost.Every = Stride(cost.Tau)
		log.Info("pilot run", "tau_int", cost.Tau, "every", cost.Every, "acceptance", pilot.Acceptance)
		if pilot.ObsErr != nil {
			log.Warn("pilot run too short for its autocorrelation time: τ_int is a lower estimate; raise mc.pilot", "err", pilot.ObsErr)
		}
	}
	for k, e := range mc.Ensembles {
		if err := ctx.Err(); err != nil {
			return cost, err
		}
		bar := r.Progress("sample "+e.Name, int64(e.N), "configurations")
		res, err := RunChains(mc.Action, m, r.Seed, e.Set, e.N, cost.Every)
		bar.Done()
		if err != nil {
			return cost, err
		}
		e.Ens, e.Chains = res.Ens, res.Chains
		if k == len(mc.Ensembles)-1 {
			cost.Rate = float64(res.Updates) / res.Seconds
			cost.Acceptance = res.Acceptance
			if m.Every != 0 {
				// No pilot run: τ_int per update from the thinned chains.
				cost.Tau = TauMax(res.Obs) * float64(cost.Every)
			}
		}
		if err := o.writeMC(mc, e, res, cost); err != nil {
			return cost, err
		}
		if e.Stats.Err != nil {
			log.Warn("statistics of "+e.Name, "err", e.Stats.Err)
		}
	}
	return cost, nil
}

// writeMC writes the group of one drawn ensemble and measures it.
func (o *Out) writeMC(mc MCRun, e *MCEnsemble, res *MCResult, cost MCCost) error {
	m := mc.MC
	attrs := mc.Attrs()
	for k, v := range map[string]any{
		"description": e.Desc, "sampler": "HMC (" + m.Integrator + ") + Wolff embedded-Ising clusters",
		"n_samples": int64(res.Ens.Len()), "n_chains": int64(res.Chains), "n_thermalization": int64(m.Thermalise),
		"stride": int64(cost.Every), "clusters_per_trajectory": int64(m.Clusters), "trajectory_length": m.TrajLength,
		"acceptance": res.Acceptance, "step_size": res.StepSize, "cluster_fraction": res.ClusterFraction,
		"updates": res.Updates, "seconds": res.Seconds, "updates_per_second": float64(res.Updates) / res.Seconds,
		"tau_int_pilot": cost.Tau,
		"layout":        "chain-major: configuration i of chain c is sample c·(n_samples/n_chains) + i",
	} {
		attrs[k] = v
	}
	if err := o.F.CreateGroup(e.Group, attrs); err != nil {
		return err
	}
	if err := o.WriteFields(e.Group+"/fields", res.Ens, mc.Fields); err != nil {
		return err
	}
	var err error
	if e.Stats, err = o.Measure(mc.Action, ChainsOf(res.Ens, res.Chains)...); err != nil {
		return err
	}
	return o.WriteStats(e.Group, e.Stats)
}

// ReadMC reads the ensembles MCStage wrote back for a resumed run, with the
// reference's (the last ensemble's) chains, statistics and cost figures.
func (o *Out) ReadMC(a *field.Phi4, ens []*MCEnsemble) (MCCost, error) {
	var cost MCCost
	var err error
	for _, e := range ens {
		if e.Ens, err = o.ReadFields(e.Group + "/fields"); err != nil {
			return cost, err
		}
	}
	ref := ens[len(ens)-1]
	var chains, every int64
	for _, x := range []struct {
		name string
		dst  any
	}{{"n_chains", &chains}, {"stride", &every}, {"tau_int_pilot", &cost.Tau}, {"updates_per_second", &cost.Rate}, {"acceptance", &cost.Acceptance}} {
		if err := o.F.Attr(ref.Group, x.name, x.dst); err != nil {
			return cost, err
		}
	}
	ref.Chains, cost.Every = int(chains), int(every)
	ref.Stats, err = o.Measure(a, ChainsOf(ref.Ens, ref.Chains)...)
	return cost, err
}
