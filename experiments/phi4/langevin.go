// Copyright ©2026 The rgflow Authors. All rights reserved.

package main

import (
	"context"
	"fmt"
	"math"

	"rgflow/experiments/internal/pipeline"
	"rgflow/field"
	"rgflow/internal/config"
	"rgflow/internal/h5io"
	"rgflow/internal/rng"
	"rgflow/wgrad"
)

// Stochastic-quantisation snapshots (langevin.method ≠ none).
//
// Beside the Polchinski flow, which carries the data to the Gaussian fixed
// point and is what the learned score is trained on, the run can record the
// other road between the two: the Langevin dynamics of the φ⁴ action itself
// (Parisi–Wu stochastic quantisation; package wgrad), the W₂ gradient flow of
// F = E[S] + E[log ρ], started from the same fixed point N(0, 1/(k̂²+m₀²))
// that generation starts from. Its snapshots, /flow/langevin, show how the
// observables of the bars (⟨|M|⟩, χ, U₄, S/V) and the spectrum approach
// their equilibrium values in Langevin time — the comparison Wang, Aarts and
// Zhou (JHEP 05 (2024) 060) draw between a diffusion model's reverse process
// and stochastic quantisation. They are recorded, not trained on.

// Langevin is the `langevin:` section.
type Langevin struct {
	Method    string  `mapstructure:"method" help:"stochastic-quantisation snapshots of the φ⁴ action (wgrad Langevin, into /flow/langevin): none, euler, mala, fourier, fourier-mala"`
	Step      float64 `mapstructure:"step" help:"largest Langevin time step h (euler and fourier are unadjusted: biased at finite h, unstable at large h; mala and fourier-mala keep exp(−S) exactly at any h, with acceptance falling as h grows: 0.74 at h = 0.02 on the quick 8² lattice)"`
	Time      float64 `mapstructure:"time" help:"Langevin time of the last snapshot"`
	Snapshots int     `mapstructure:"snapshots" help:"snapshot times, evenly spaced in [0, time]"`
	Samples   int     `mapstructure:"samples" help:"fields that flow (independent samples: every snapshot is one ensemble)"`
	FourierM2 float64 `mapstructure:"fourier_m2" help:"M² > 0 of the Fourier mobility (k̂² + M²)/(4d + M²) (fourier methods)"`
}

func (c Langevin) check(p *config.Problems) {
	if c.Method == "none" {
		return
	}
	if _, err := wgrad.ParseMethod(c.Method); err != nil {
		p.Add("langevin.method", c.Method, "allowed none, euler, mala, fourier, fourier-mala")
		return
	}
	p.Check(c.Step > 0 && !math.IsInf(c.Step, 0), "langevin.step", c.Step, "allowed > 0")
	p.Check(c.Time > 0 && !math.IsInf(c.Time, 0), "langevin.time", c.Time, "allowed > 0")
	p.Check(c.Snapshots >= 2, "langevin.snapshots", c.Snapshots, "allowed ≥ 2")
	p.Check(c.Samples >= 32, "langevin.samples", c.Samples, "allowed ≥ 32 (the observables' errors need a few blocks)")
	p.Check(c.FourierM2 > 0 && !math.IsInf(c.FourierM2, 0), "langevin.fourier_m2", c.FourierM2, "allowed > 0")
}

func (c Langevin) times() []float64 {
	t := make([]float64, c.Snapshots)
	for i := range t {
		t[i] = c.Time * float64(i) / float64(c.Snapshots-1)
	}
	return t
}

// langevinStage runs the Langevin flow of the action from the fixed point
// and writes the observables of every snapshot to /flow/langevin.
func (s *state) langevinStage(ctx context.Context) error {
	c := s.cfg.Langevin
	meth, err := wgrad.ParseMethod(c.Method)
	if err != nil {
		return err
	}
	l, err := wgrad.NewLangevin(s.act, wgrad.LangevinConfig{Beta: 1, Step: c.Step, Method: meth, FourierMass2: c.FourierM2})
	if err != nil {
		return fmt.Errorf("langevin: %w", err)
	}
	fp, err := field.NewFree(s.lat, s.cfg.Flow.M02)
	if err != nil {
		return err
	}
	smp, err := field.NewFreeSampler(fp)
	if err != nil {
		return err
	}
	e := field.NewEnsemble(s.lat, c.Samples)
	pipeline.SampleGaussian(e, smp, s.r.Seed, 0, rng.StageGradFlow, rng.FlowStart)
	times := c.times()
	var absM, absMErr, chi, chiErr, u4, u4Err, sd, sdErr, spec []float64
	bar := s.r.Progress("langevin", int64(len(times)), "snapshots")
	err = l.Run(e, rng.New(s.r.Seed, rng.StageGradFlow, rng.FlowRun).Uint64(), times, func(i int, t float64, e *field.Ensemble) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		st, err := s.out.Measure(s.act, e)
		if err != nil {
			return err
		}
		o := st.Obs
		absM, absMErr = append(absM, o.AbsM.Value), append(absMErr, o.AbsM.Err)
		chi, chiErr = append(chi, o.Chi.Value), append(chiErr, o.Chi.Err)
		u4, u4Err = append(u4, o.Binder.Value), append(u4Err, o.Binder.Err)
		sd, sdErr = append(sd, o.ActionDensity.Value), append(sdErr, o.ActionDensity.Err)
		spec = append(spec, st.TP.Shell...)
		bar.Add(1)
		return nil
	})
	bar.Done()
	if err != nil {
		return err
	}
	g := "/flow/langevin"
	acc, prop := l.Acceptance()
	attrs := map[string]any{
		"method": c.Method, "step": c.Step, "beta": 1.0, "fourier_m2": c.FourierM2, "n_samples": int64(c.Samples),
		"start":       fmt.Sprintf("the Gaussian fixed point N(0, 1/(k̂²+m₀²)), m₀² = flow.m0_2 = %g, where generation starts", s.cfg.Flow.M02),
		"schedule":    "Langevin dynamics dϕ = −𝕄⁻¹∂S/∂ϕ dt + √2 𝕄^{−1/2}dW of the φ⁴ action (𝕄 = 1, or the Fourier mobility): stochastic quantisation, the W₂ gradient flow of F = E[S] + E[log ρ]",
		"description": "stochastic-quantisation snapshots: observables of the Langevin flow from the fixed point to the φ⁴ equilibrium (compare with /ensemble/phi4_reference/estimates)",
		"accepted":    acc, "proposed": prop,
	}
	if err := s.out.F.CreateGroup(g, attrs); err != nil {
		return err
	}
	if err := s.out.F.CreateScale(g+"/t", "t", times, "1", "Langevin time of each snapshot"); err != nil {
		return err
	}
	for _, d := range []struct {
		name, units, desc string
		v                 []float64
	}{
		{"abs_magnetization", "1", "⟨|M|⟩ at each snapshot", absM},
		{"abs_magnetization_error", "1", "its standard error", absMErr},
		{"chi", "lattice units^2", "χ = V⟨M²⟩ at each snapshot", chi},
		{"chi_error", "lattice units^2", "its standard error", chiErr},
		{"binder_u4", "1", "U₄ at each snapshot", u4},
		{"binder_u4_error", "1", "its standard error", u4Err},
		{"action_density", "1", "⟨S⟩/V at each snapshot", sd},
		{"action_density_error", "1", "its standard error", sdErr},
	} {
		if _, err := s.out.F.Put(g+"/"+d.name, h5io.Spec{Units: d.units, Description: d.desc, Dims: []string{"t"}, Scales: []string{g + "/t"}}, d.v); err != nil {
			return err
		}
	}
	ns := len(spec) / len(times)
	_, err = s.out.F.Put(g+"/spectrum", h5io.Spec{Shape: []int64{int64(len(times)), int64(ns)}, Units: "lattice units^2",
		Description: "shell-averaged G(k) at each snapshot", Dims: []string{"t", "shell"}, Scales: []string{g + "/t", pipeline.ShellScale}}, spec)
	if err != nil {
		return err
	}
	s.r.Log.Info("langevin snapshots", "method", c.Method, "t_end", c.Time, "chi", chi[len(chi)-1], "binder", u4[len(u4)-1], "reference_chi", s.refStats.Obs.Chi.Value)
	return nil
}
