// Copyright ©2026 The rgflow Authors. All rights reserved.

package main

import (
	"math"

	"rgflow/internal/cli"
	"rgflow/internal/config"
)

// Config is the configuration of lpa.
type Config struct {
	config.Run `mapstructure:",squash"`

	LPA struct {
		D     float64 `mapstructure:"d" help:"dimension d, 2 < d < 4 (the Wilson–Fisher point exists below 4)"`
		N     int     `mapstructure:"n" help:"number of field components N of the O(N) model whose potential, eigenfunctions and flow are written (N = 1: Ising)"`
		NList []int   `mapstructure:"n_list" help:"the N values of the exponents table (n is added when missing)"`
		LMin  float64 `mapstructure:"lmin" help:"eigenvalues are searched down to this value (more negative: more irrelevant directions)"`
		Step  float64 `mapstructure:"step" help:"RK4 step of the shooting integrations (0 = 1/256)"`
		// Richardson: see the help.
		Richardson bool `mapstructure:"richardson" help:"solve at step h and h/2 and extrapolate the eigenvalues (removes the O(h⁴) error; twice the work)"`
	} `mapstructure:"lpa"`

	Profile struct {
		Points         int     `mapstructure:"points" help:"radii r = |φ| at which the fixed-point potential and the eigenfunctions are sampled"`
		RMax           float64 `mapstructure:"r_max" help:"largest radius sampled (0 = the matching radius of the shooting + 2)"`
		Eigenfunctions int     `mapstructure:"eigenfunctions" help:"even eigenfunctions written (the leading ones: relevant first)"`
	} `mapstructure:"profile"`

	Flow struct {
		Enabled   bool    `mapstructure:"enabled" help:"run the time-dependent LPA flow from bare φ⁴ on both sides of criticality"`
		G         float64 `mapstructure:"g" help:"bare quartic coupling g of v₀ = aφ²/2 + gφ⁴/4 (> 0)"`
		Delta     float64 `mapstructure:"delta" help:"distance |a − a_c| of the two flows from the critical bare mass a_c"`
		Tol       float64 `mapstructure:"tol" help:"bisection tolerance on a_c (well below delta)"`
		R         float64 `mapstructure:"r" help:"radial grid extent R of the flow (f = v′ on [0, R])"`
		Intervals int     `mapstructure:"intervals" help:"radial grid intervals M (Δ = R/M)"`
		TMax      float64 `mapstructure:"t_max" help:"longest RG time of a flow (it stops earlier once its phase is clear)"`
		Every     float64 `mapstructure:"every" help:"RG-time interval between recorded snapshots"`
		RCompare  float64 `mapstructure:"r_compare" help:"distance to the fixed point is max |f − f*| over r ≤ r_compare"`
	} `mapstructure:"flow"`
}

func defaults() Config {
	var c Config
	c.Out = "results/lpa.h5"
	c.LPA.D, c.LPA.N = 3, 1
	c.LPA.NList = []int{1, 2, 3, 4}
	c.LPA.LMin = -3.5
	c.LPA.Richardson = true
	c.Profile.Points = 201
	c.Profile.Eigenfunctions = 3
	c.Flow.Enabled = true
	c.Flow.G = 0.5
	c.Flow.Delta = 1e-6
	c.Flow.Tol = 1e-13
	c.Flow.R, c.Flow.Intervals = 10, 100
	c.Flow.TMax, c.Flow.Every = 25, 0.05
	c.Flow.RCompare = 3
	return c
}

// experiment is lpa as a program of package cli: its defaults, presets and
// run.
func experiment() cli.Experiment[Config] {
	return cli.Experiment[Config]{
		Name:     "lpa",
		Summary:  "the Wilson–Fisher fixed point of the Polchinski RG in the local potential approximation: exponents, potential, eigenfunctions and flows",
		Doc:      doc,
		Defaults: defaults(),
		Run:      runLPA,
		Presets:  presets,
	}
}

var presets = []cli.Preset[Config]{
	{Name: "quick", Summary: "N ∈ {1, 3}, no Richardson step, a coarse flow: every stage in a second or two (tests, CI)", Apply: func(c *Config) {
		c.LPA.NList = []int{1, 3}
		c.LPA.LMin = -3.5
		c.LPA.Step = 1.0 / 128
		c.LPA.Richardson = false
		c.Profile.Points = 61
		c.Profile.Eigenfunctions = 2
		c.Flow.Delta, c.Flow.Tol = 1e-6, 1e-11
		c.Flow.R, c.Flow.Intervals = 8, 40
		c.Flow.TMax, c.Flow.Every = 15, 0.1
	}},
	{Name: "large-n", Summary: "the exponents table for N = 1, 2, 3, 4, 10, 100, toward the exact N → ∞ limit ν = 1/(d−2), ω = 4 − d", Apply: func(c *Config) {
		c.LPA.NList = []int{1, 2, 3, 4, 10, 100}
	}},
}

// Validate reports every problem of c at once.
func (c Config) Validate() error {
	var p config.Problems
	p.Check(c.LPA.D > 2 && c.LPA.D < 4, "lpa.d", c.LPA.D, "allowed 2 < d < 4")
	p.Check(c.LPA.N >= 1, "lpa.n", c.LPA.N, "allowed ≥ 1")
	for _, n := range c.LPA.NList {
		p.Check(n >= 1, "lpa.n_list", c.LPA.NList, "allowed: every N ≥ 1")
	}
	p.Check(c.LPA.LMin < -0.5 && c.LPA.LMin > -20, "lpa.lmin", c.LPA.LMin, "allowed −20 < lmin < −0.5 (ω = −λ₂ must lie above it)")
	p.Check(c.LPA.Step >= 0 && c.LPA.Step <= 0.05, "lpa.step", c.LPA.Step, "allowed 0 (default 1/256) … 0.05")
	p.Check(c.Profile.Points >= 2, "profile.points", c.Profile.Points, "allowed ≥ 2")
	p.Check(c.Profile.RMax >= 0 && !math.IsInf(c.Profile.RMax, 0), "profile.r_max", c.Profile.RMax, "allowed 0 (automatic) or > 0")
	p.Check(c.Profile.Eigenfunctions >= 0, "profile.eigenfunctions", c.Profile.Eigenfunctions, "allowed ≥ 0")
	if c.Flow.Enabled {
		p.Check(c.Flow.G > 0 && !math.IsInf(c.Flow.G, 0), "flow.g", c.Flow.G, "allowed > 0")
		p.Check(c.Flow.Delta > 0 && c.Flow.Delta < 0.1, "flow.delta", c.Flow.Delta, "allowed 0 < delta < 0.1")
		p.Check(c.Flow.Tol > 0 && c.Flow.Tol < c.Flow.Delta/10, "flow.tol", c.Flow.Tol, "allowed 0 < tol < delta/10")
		p.Check(c.Flow.R > 0 && !math.IsInf(c.Flow.R, 0), "flow.r", c.Flow.R, "allowed > 0")
		p.Check(c.Flow.Intervals >= 8, "flow.intervals", c.Flow.Intervals, "allowed ≥ 8")
		p.Check(c.Flow.TMax > 0 && c.Flow.TMax <= 200, "flow.t_max", c.Flow.TMax, "allowed 0 < t_max ≤ 200")
		p.Check(c.Flow.Every > 0 && c.Flow.Every <= c.Flow.TMax, "flow.every", c.Flow.Every, "allowed 0 < every ≤ t_max")
		p.Check(c.Flow.RCompare > 0 && c.Flow.RCompare <= c.Flow.R, "flow.r_compare", c.Flow.RCompare, "allowed 0 < r_compare ≤ flow.r")
	}
	return p.Err()
}
