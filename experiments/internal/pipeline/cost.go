// Copyright ©2026 The rgflow Authors. All rights reserved.

package pipeline

import (
	"math"
	"runtime"
)

// Cost compares the ways of producing independent configurations on this
// machine, in this run: Monte Carlo chains against generation.
type Cost struct {
	Cores                  int
	HMCRate, Tau, HMCIndep float64 // updates/s (all cores), τ_int (updates), independent/s
	Gen                    map[string]float64
	TrainSeconds           float64
	BreakEven              float64 // samples beyond which training + learned generation is cheaper than HMC
	PeakRSS                int64   // bytes (VmHWM)
}

// NewCost returns the cost of the Monte Carlo figures mc against the
// generation rate of every method (the samples_per_second of its
// /generated group), with trainSeconds of training behind the method
// named learned.
func (o *Out) NewCost(mc MCCost, methods []*Method, learned string, trainSeconds float64) (Cost, error) {
	c := Cost{Cores: runtime.GOMAXPROCS(0), HMCRate: mc.Rate, Tau: mc.Tau, Gen: map[string]float64{}, TrainSeconds: trainSeconds}
	c.HMCIndep = c.HMCRate / (2 * c.Tau)
	for _, m := range methods {
		var r float64
		if err := o.F.Attr("/generated/"+m.Name, "samples_per_second", &r); err != nil {
			return c, err
		}
		c.Gen[m.Name] = r
	}
	c.BreakEven = math.Inf(1)
	if g := c.Gen[learned]; g > c.HMCIndep {
		c.BreakEven = c.TrainSeconds / (1/c.HMCIndep - 1/g)
	}
	c.PeakRSS = PeakRSS()
	return c, nil
}

// WriteCost writes c as the attributes of /cost, described by desc.
func (o *Out) WriteCost(c Cost, desc string) error {
	attrs := map[string]any{
		"description":                desc,
		"cores":                      int64(c.Cores),
		"hmc_updates_per_second":     c.HMCRate,
		"hmc_tau_int":                c.Tau,
		"hmc_independent_per_second": c.HMCIndep,
		"hmc_rule":                   "independent samples/s = updates/s ÷ 2τ_int, τ_int the largest Γ-method estimate of M, |M|, M², S/V (pilot run, in updates)",
		"train_seconds":              c.TrainSeconds,
		"break_even_samples":         c.BreakEven,
		"break_even_rule":            "N at which training time + N/(learned samples/s) = N/(HMC independent samples/s); +Inf if generation is slower",
		"peak_rss_bytes":             c.PeakRSS,
	}
	for m, r := range c.Gen {
		attrs[m+"_samples_per_second"] = r
		attrs[m+"_speedup"] = r / c.HMCIndep
		attrs[m+"_seconds_per_sample"] = 1 / r
	}
	return o.F.CreateGroup("/cost", attrs)
}
