// Copyright ©2026 The rgflow Authors. All rights reserved.

package pipeline

import (
	"context"
	"fmt"
	"maps"

	"rgflow/field"
	"rgflow/internal/cli"
	"rgflow/internal/h5io"
	"rgflow/internal/rng"
	"rgflow/wgrad"
)

// Stochastic-quantisation snapshots (langevin.method ≠ none).
//
// Beside the Polchinski flow, which carries the data to the Gaussian fixed
// point and is what the learned score is trained on, the run can record the
// other road between the two: the Langevin dynamics of the action itself
// (Parisi–Wu stochastic quantisation; package wgrad), the W₂ gradient flow of
// F = E[S] + E[log ρ], started from the same fixed point N(0, 1/(k̂²+m₀²))
// that generation starts from. Its snapshots, /flow/langevin, show how the
// observables of the bars (⟨|M|⟩, χ, U₄, S/V) and the spectrum approach
// their equilibrium values in Langevin time — the comparison Wang, Aarts and
// Zhou (JHEP 05 (2024) 060) draw between a diffusion model's reverse process
// and stochastic quantisation. They are recorded, not trained on.

// LangevinStage runs the Langevin flow c of the action act from exact
// samples of the fixed point N(0, 1/(k̂²+m02)) and writes the observables
// of every snapshot to /flow/langevin, counting them on bar (nil: none).
// extra are attributes of the group (at least a schedule and a
// description). It returns the statistics of the last snapshot.
func (o *Out) LangevinStage(ctx context.Context, c Langevin, act field.Action, m02 float64, seed uint64, extra map[string]any, bar *cli.Progress) (*Stats, error) {
	meth, err := wgrad.ParseMethod(c.Method)
	if err != nil {
		return nil, err
	}
	l, err := wgrad.NewLangevin(act, wgrad.LangevinConfig{Beta: 1, Step: c.Step, Method: meth, FourierMass2: c.FourierM2})
	if err != nil {
		return nil, fmt.Errorf("langevin: %w", err)
	}
	e, err := FreeStart(o.Lat, m02, c.Samples, seed, rng.StageGradFlow, rng.FlowStart)
	if err != nil {
		return nil, err
	}
	times := EvenTimes(c.Time, c.Snapshots)
	var absM, absMErr, chi, chiErr, u4, u4Err, sd, sdErr, spec []float64
	var last *Stats
	err = RunLangevin(ctx, l, e, rng.New(seed, rng.StageGradFlow, rng.FlowRun).Uint64(), times, bar, func(i int, t float64, e *field.Ensemble) error {
		st, err := o.Measure(act, e)
		if err != nil {
			return err
		}
		ob := st.Obs
		absM, absMErr = append(absM, ob.AbsM.Value), append(absMErr, ob.AbsM.Err)
		chi, chiErr = append(chi, ob.Chi.Value), append(chiErr, ob.Chi.Err)
		u4, u4Err = append(u4, ob.Binder.Value), append(u4Err, ob.Binder.Err)
		sd, sdErr = append(sd, ob.ActionDensity.Value), append(sdErr, ob.ActionDensity.Err)
		spec = append(spec, st.TP.Shell...)
		last = st
		return nil
	})
	if err != nil {
		return nil, err
	}
	g := "/flow/langevin"
	acc, prop := l.Acceptance()
	attrs := map[string]any{
		"method": c.Method, "step": c.Step, "beta": 1.0, "fourier_m2": c.FourierM2, "n_samples": int64(c.Samples),
		"start":    fmt.Sprintf("the Gaussian fixed point N(0, 1/(k̂²+m₀²)), m₀² = flow.m0_2 = %g, where generation starts", m02),
		"accepted": acc, "proposed": prop,
	}
	maps.Copy(attrs, extra)
	if err := o.F.CreateGroup(g, attrs); err != nil {
		return nil, err
	}
	if err := o.F.CreateScale(g+"/t", "t", times, "1", "Langevin time of each snapshot"); err != nil {
		return nil, err
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
		if _, err := o.F.Put(g+"/"+d.name, h5io.Spec{Units: d.units, Description: d.desc, Dims: []string{"t"}, Scales: []string{g + "/t"}}, d.v); err != nil {
			return nil, err
		}
	}
	ns := len(spec) / len(times)
	_, err = o.F.Put(g+"/spectrum", h5io.Spec{Shape: []int64{int64(len(times)), int64(ns)}, Units: "lattice units^2",
		Description: "shell-averaged G(k) at each snapshot", Dims: []string{"t", "shell"}, Scales: []string{g + "/t", ShellScale}}, spec)
	if err != nil {
		return nil, err
	}
	return last, nil
}
