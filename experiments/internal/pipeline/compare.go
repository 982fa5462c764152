// Copyright ©2026 The rgflow Authors. All rights reserved.

package pipeline

import (
	"context"
	"fmt"
	"log/slog"
	"math"

	"rgflow/erg"
	"rgflow/field"
	"rgflow/generative/evaluate"
	"rgflow/internal/rng"
)

// EvalSeed returns the seed of the comparison of the method with stream
// index index: the stream (seed, StageEvaluate, index) folded to 64 bits.
func EvalSeed(seed uint64, index int) uint64 {
	hi, lo := rng.Derive(seed, rng.StageEvaluate, uint64(index))
	return hi ^ lo
}

// DenoiseTimes returns the n flow times of a denoising-error curve of p:
// T/n, 2T/n, …, T.
func DenoiseTimes(p *erg.Process, n int) []float64 {
	ts := make([]float64, n)
	for i := range ts {
		ts[i] = p.T * float64(i+1) / float64(n)
	}
	return ts
}

// ShellDenoiseTimes returns the n flow times T(i/n)², i = 1 … n, of a
// shell-resolved denoising comparison of p: dense at small t, where the
// flow integrates out the short-wavelength shells quickly, like the
// sampler's grid (generative.PowerTimes with ρ = 2), so that the trapezoid
// rule of evaluate.DenoiseCurve.ShellKL resolves every shell.
func ShellDenoiseTimes(p *erg.Process, n int) []float64 {
	ts := make([]float64, n)
	for i := range ts {
		u := float64(i+1) / float64(n)
		ts[i] = p.T * u * u
	}
	ts[n-1] = p.T
	return ts
}

// Comparer compares the generated ensembles of a run with its reference
// ensemble and writes the comparisons.
type Comparer struct {
	Out    *Out
	Action field.Action
	// Ref is the reference ensemble; its Name is its group in the file.
	Ref  evaluate.Sample
	Seed uint64       // the run's seed
	Log  *slog.Logger // where divergence warnings go (nil: nowhere)
	// Denoise returns the denoising-error curve of a method, or nil (a nil
	// Denoise: no curves).
	Denoise func(m *Method) (*evaluate.DenoiseCurve, error)
	// StepsKey returns the configuration key of a method's sampler steps,
	// named in divergence warnings (nil: generate.steps).
	StepsKey func(m *Method) string
	// Restore recomputes the comparisons without writing them: for a run
	// resumed after its compare stage, whose verdict needs them again.
	Restore bool
}

// Compared is one generated ensemble compared with the reference.
type Compared struct {
	Method *Method
	Gen    *field.Ensemble
	C      *evaluate.Comparison
	Stats  *Stats  // the generated ensemble's statistics
	Checks []Check // the program's own checks, written with the comparison
}

// Compare reads /generated/<m.Name> and compares it with the reference:
// with the comparison's own streams (EvalSeed of m.Index), the method's
// denoising-error curve, a warning added when the reverse sampler diverged
// (Divergence), and the generated ensemble's statistics.
func (c *Comparer) Compare(m *Method) (*Compared, error) {
	gen, err := c.Out.ReadGenerated(m.Name)
	if err != nil {
		return nil, err
	}
	cc := evaluate.CompareConfig{Action: c.Action, Shells: c.Out.Shells, Seed: EvalSeed(c.Seed, m.Index)}
	if c.Denoise != nil {
		if cc.Denoise, err = c.Denoise(m); err != nil {
			return nil, err
		}
	}
	cmp, err := evaluate.Compare(c.Ref, evaluate.Sample{Name: "/generated/" + m.Name, Fields: gen}, cc)
	if err != nil {
		return nil, err
	}
	steps := "generate.steps"
	if c.StepsKey != nil {
		steps = c.StepsKey(m)
	}
	if w := Divergence(cmp.Ratio, m.Gen.Method, m.Gen.Steps, "generate.method", steps); w != "" {
		cmp.Warnings = append(cmp.Warnings, w)
		if c.Log != nil {
			c.Log.Warn(m.Name+": "+w, "method", m.Name)
		}
	}
	st, err := c.Out.Measure(c.Action, gen)
	if err != nil {
		return nil, err
	}
	return &Compared{Method: m, Gen: gen, C: cmp, Stats: st}, nil
}

// CompareAll compares every method's ensemble with the reference in turn
// (Compare), asks judge (nil: none) for the program's checks of each and
// writes /comparison/<name> with them (WriteComparison, unless Restore); then (nil:
// nothing) receives each result once it is written. It stops with ctx's
// error between methods once ctx is done.
func (c *Comparer) CompareAll(ctx context.Context, methods []*Method, judge func(*Compared) []Check, then func(*Compared) error) error {
	for _, m := range methods {
		if err := ctx.Err(); err != nil {
			return err
		}
		r, err := c.Compare(m)
		if err != nil {
			return err
		}
		if judge != nil {
			r.Checks = judge(r)
		}
		if !c.Restore {
			if err := c.Out.WriteComparison(m.Name, c.Ref.Name, r.C, r.Stats, r.Checks); err != nil {
				return err
			}
		}
		if then != nil {
			if err := then(r); err != nil {
				return err
			}
		}
	}
	return nil
}

// Observable returns the z-score of the observable name in c (Z NaN when c
// has none).
func Observable(c *evaluate.Comparison, name string) evaluate.ObservableZ {
	for _, o := range c.Observables {
		if o.Name == name {
			return o
		}
	}
	return evaluate.ObservableZ{Name: name, Z: math.NaN()}
}

// WorstShell is the largest |G/G_ref − 1| over the momentum shells of c.
func WorstShell(c *evaluate.Comparison) float64 {
	worst := 0.0
	for _, r := range c.Ratio {
		worst = math.Max(worst, math.Abs(r-1))
	}
	return worst
}

// DenoiseShellBar returns the check that the gain error of the last
// denoiser of d (against the first, the exact one) costs no shell more
// relative entropy per mode than a Gaussian model with its spectrum off by
// tol on that shell would: the worst shell's equivalent spectral error
// (evaluate.DenoiseCurve.ShellKLLin) ≤ tol, the tolerance of the generated
// G(k) itself. A curve without the shell decomposition fails.
func DenoiseShellBar(name string, d *evaluate.DenoiseCurve, tol float64) Check {
	v, worst := math.NaN(), -1
	if d != nil && d.Shell != nil {
		_, _, delta := d.ShellKLLin(len(d.Names) - 1)
		for k, x := range delta {
			if worst < 0 || x > v {
				v, worst = x, k
			}
		}
	}
	rule := fmt.Sprintf("the score's gain error costs every momentum shell at most the relative entropy of a Gaussian with its spectrum %g%% off there (δ = 2√KL per mode)", 100*tol)
	if worst >= 0 {
		rule += fmt.Sprintf("; worst shell %d (|k̂| = %.3g)", worst, d.Shell.Shells.KHat[worst])
	}
	return Tolerance(name, v, tol, rule)
}
