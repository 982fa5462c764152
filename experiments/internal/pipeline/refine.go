// Copyright ©2026 The rgflow Authors. All rights reserved.

package pipeline

import (
	"context"
	"fmt"
	"math"
	"time"

	"rgflow/field"
	"rgflow/internal/cli"
	"rgflow/internal/h5io"
	"rgflow/internal/rng"
	"rgflow/wgrad"
)

// Refinement by the exact Langevin flow (refine.method ≠ none).
//
// At t = 0 the score is known exactly: it is the force −∂S/∂ϕ of the bare
// action. A generated ensemble can therefore be finished by a short
// Metropolis-adjusted Langevin flow (MALA) of the action itself, which
// keeps exp(−S) exactly and, being the W₂ gradient flow of the relative
// entropy, can only bring the generated law closer to it. Over a Langevin
// time of order one it equilibrates the short-distance structure (for φ⁴
// the action density and the local skewness that couples to M) while the
// long-wavelength structure, whose relaxation time grows like L^z near
// criticality, stays where the generator put it. The refined ensembles are
// separate methods, /generated/<method>_<refine.method>, compared with the
// reference by the same routine as every other method.

// Name is the method name of the refinement of base.
func (c Refine) Name(base string) string { return base + "_" + c.Method }

// Methods returns the methods of the refined ensembles of base (none when
// c.Method is none), their streams numbered 16 after their source's;
// action names the action in their descriptions.
func (c Refine) Methods(base []*Method, action string) []*Method {
	if c.Method == "none" {
		return nil
	}
	var out []*Method
	for _, m := range base {
		out = append(out, &Method{Name: c.Name(m.Name), Proc: m.Proc, Gen: m.Gen, Model: m.Model,
			Index: m.Index + 16,
			Description: fmt.Sprintf("%s, then the %s Langevin flow of the %s action for time %g (step %g): the exact score at t = 0",
				m.Name, c.Method, action, c.Time, c.Step)})
	}
	return out
}

// Refine finishes the generated ensemble of src with the Langevin flow c
// of the action act (Fourier mobility of mass² fourierM2) into
// /generated/<dst.Name>. The flow stops at t = 0, at every scan time and at
// c.Time, where scan (nil: nothing) sees the refining fields with MALA's
// acceptance since the previous stop (NaN at t = 0); the steps between are
// c.Step or a little less, to land on each time, so the scan leaves the
// refined ensemble's law unchanged. The refinement's wall-clock time
// excludes scan's, and bar (nil: none) counts the stops.
func (o *Out) Refine(ctx context.Context, c Refine, fourierM2 float64, act field.Action, src, dst *Method, seed uint64, bar *cli.Progress,
	scan func(t, acc float64, e *field.Ensemble) error) error {
	meth, err := wgrad.ParseMethod(c.Method)
	if err != nil {
		return err
	}
	l, err := wgrad.NewLangevin(act, wgrad.LangevinConfig{Beta: 1, Step: c.Step, Method: meth, FourierMass2: fourierM2})
	if err != nil {
		return fmt.Errorf("refine: %w", err)
	}
	e, err := o.ReadGenerated(src.Name)
	if err != nil {
		return err
	}
	var genRate float64
	if err := o.F.Attr("/generated/"+src.Name, "samples_per_second", &genRate); err != nil {
		return err
	}
	times := append(append([]float64{0}, c.Scan...), c.Time)
	var scanSecs float64
	t0 := time.Now()
	var lastAcc, lastProp int64
	err = RunLangevin(ctx, l, e, rng.New(seed, rng.StageGradFlow, rng.FlowRefine+uint64(src.Index)).Uint64(), times, bar,
		func(i int, t float64, e *field.Ensemble) error {
			ts := time.Now()
			acc, prop := l.Acceptance()
			a := math.NaN()
			if prop > lastProp {
				a = float64(acc-lastAcc) / float64(prop-lastProp)
			}
			lastAcc, lastProp = acc, prop
			if scan != nil {
				if err := scan(t, a, e); err != nil {
					return err
				}
			}
			scanSecs += time.Since(ts).Seconds()
			return nil
		})
	if err != nil {
		return err
	}
	secs := time.Since(t0).Seconds() - scanSecs
	acc, prop := l.Acceptance()
	n := float64(e.Len())
	g := "/generated/" + dst.Name
	attrs := map[string]any{
		"source": "/generated/" + src.Name, "refine_method": c.Method, "refine_time": c.Time, "refine_step": c.Step,
		"fourier_m2": fourierM2, "accepted": acc, "proposed": prop,
		"acceptance": float64(acc) / math.Max(float64(prop), 1),
		"model":      dst.Model, "description": dst.Description,
		"refine_seconds": secs,
		// The cost of a refined sample is its generation plus its share
		// of the refinement.
		"samples_per_second": 1 / (1/genRate + secs/n),
	}
	if err := o.F.CreateGroup(g, attrs); err != nil {
		return err
	}
	d, err := o.F.CreateDataset(g+"/fields", h5io.FieldSpec("sample", o.Lat.Dims(), "lattice units", "generated configurations ("+dst.Description+")"))
	if err != nil {
		return err
	}
	if d.Len() != 0 {
		if err := d.Truncate(0); err != nil {
			return err
		}
	}
	return d.Append(e.Data)
}
