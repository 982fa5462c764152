// Copyright ©2026 The rgflow Authors. All rights reserved.

package pipeline

import (
	"context"
	"fmt"
	"time"

	"rgflow/erg"
	"rgflow/field"
	"rgflow/generative"
	"rgflow/internal/h5io"
	"rgflow/internal/rng"
)

// Method is one way of generating fields: a process run backwards with a
// score.
type Method struct {
	Name  string // /generated/<name>: inverse_rg_exact, gaussian, learned, ddpm, …
	Proc  *erg.Process
	Score generative.Score
	Gen   Generate
	// Model is the /model/<name> path of a learned score ("" for exact
	// scores); Description says what the score is.
	Model, Description string
	// Index labels the method's random streams.
	Index int
	// FullVariance: see Generate.Sampler.
	FullVariance bool
	// Weigh, if not nil, makes the generate stage also write the log
	// importance weight of every field against exp(−S) of Weigh to
	// /generated/<name>/log_weights (generative.Sampler.GenerateWeighted;
	// the fields are the same as without it). It needs FullVariance.
	Weigh field.Action
	// Start is the spectrum the sampler starts from at T (nil: the fixed
	// point σ²; see generative.Sampler.Start).
	Start []float64
}

// GenerateStage returns the stage that generates meth.Gen.Samples fields
// with meth in batches, appending them to /generated/<name>/fields with a
// checkpoint after every batch. Batch k draws from the stream
// (seed, StageGenerate, Index, k), so a resumed run writes the same fields.
func (o *Out) GenerateStage(run *Runner, meth *Method, seed uint64) Stage {
	return Stage{Name: "generate " + meth.Name, Run: func(ctx context.Context) error {
		return o.generate(ctx, run, meth, seed)
	}}
}

func (o *Out) generate(ctx context.Context, run *Runner, meth *Method, seed uint64) error {
	g := "/generated/" + meth.Name
	smp, err := meth.Gen.Sampler(meth.Proc, meth.Score, meth.FullVariance)
	if err != nil {
		return err
	}
	smp.Start = meth.Start
	if err := o.F.CreateGroup(g, nil); err != nil {
		return err
	}
	attrs := map[string]any{
		"sampler": smp.Method.String(), "steps": int64(meth.Gen.Steps), "rho": meth.Gen.Rho,
		"full_variance": smp.FullVariance, "model": meth.Model, "description": meth.Description,
		"score_evaluations_per_sample": int64(smp.Evals()),
		"start":                        startName(meth.Start),
	}
	for k, v := range attrs {
		if err := o.F.SetAttr(g, k, v); err != nil {
			return err
		}
	}
	d, err := o.F.CreateDataset(g+"/fields", h5io.FieldSpec("sample", o.Lat.Dims(), "lattice units", "generated configurations ("+meth.Description+")"))
	if err != nil {
		return err
	}
	var lw *h5io.Dataset
	if meth.Weigh != nil {
		if lw, err = o.F.CreateDataset(g+"/log_weights", logWeightSpec); err != nil {
			return err
		}
	}
	done, batch, prev := 0, 0, 0.0
	if c, ok := run.Restored(); ok && len(c.Ints["gen_done"]) == 1 {
		done, batch = int(c.Ints["gen_done"][0]), int(c.Ints["gen_batch"][0])
		if s := c.Floats["gen_seconds"]; len(s) == 1 {
			prev = s[0]
		}
	}
	if int64(done) != d.Len() {
		// A fresh stage, or a kill after the last checkpoint: the file
		// holds exactly the batches the checkpoint counts (h5io rolled it
		// back), or none.
		if err := d.Truncate(int64(done)); err != nil {
			return err
		}
	}
	if lw != nil && int64(done) != lw.Len() {
		if err := lw.Truncate(int64(done)); err != nil {
			return err
		}
	}
	N, B := meth.Gen.Samples, meth.Gen.Batch
	bar := run.R.Progress("generate "+meth.Name, int64(N), "samples")
	bar.Update(int64(done))
	t0 := time.Now()
	secs := func() float64 { return prev + time.Since(t0).Seconds() }
	for done < N {
		n := min(B, N-done)
		e, w, err := generateBatch(smp, meth.Weigh, n, seed, rng.StageGenerate, uint64(meth.Index), uint64(batch))
		if err != nil {
			return err
		}
		if err := d.Append(e.Data); err != nil {
			return err
		}
		if lw != nil {
			if err := lw.Append(w); err != nil {
				return err
			}
		}
		done += n
		batch++
		bar.Update(int64(done))
		err = run.SafePoint(ctx, func(c *h5io.Checkpoint) {
			c.Ints = map[string][]int64{"gen_done": {int64(done)}, "gen_batch": {int64(batch)}}
			c.Floats = map[string][]float64{"gen_seconds": {secs()}}
		})
		if err != nil {
			return err
		}
	}
	bar.Done()
	s := secs()
	if err := o.F.SetAttr(g, "generate_seconds", s); err != nil {
		return err
	}
	return o.F.SetAttr(g, "samples_per_second", float64(N)/s)
}

func startName(s []float64) string {
	if s == nil {
		return "fixed point σ²"
	}
	return "the data's G_T"
}

// logWeightSpec is the layout of /generated/<name>/log_weights.
var logWeightSpec = h5io.Spec{Dtype: h5io.Float64, Shape: []int64{0}, Extendible: true, Units: "1", Dims: []string{"sample"},
	Description: "log importance weight log w = −S(φ) + Σ log f − log q of each generated field against exp(−S): the sampler's path density q against the forward chain's transitions f (docs/exact.md); E[w] = Z"}

// generateBatch draws one batch of n fields, with their log-weights
// against exp(−S) of a when a is not nil.
func generateBatch(smp *generative.Sampler, a field.Action, n int, seed uint64, path ...uint64) (*field.Ensemble, []float64, error) {
	if a == nil {
		e, err := smp.Generate(n, n, seed, path...)
		return e, nil, err
	}
	return smp.GenerateWeighted(a, n, n, seed, path...)
}

// ReadGenerated reads the fields of /generated/<name>; an ensemble
// derived by exact sampling (ReweightedSuffix, IMHSuffix) is read through
// its source_index from its source's fields.
func (o *Out) ReadGenerated(name string) (*field.Ensemble, error) {
	if e, ok, err := o.readDerived(name); ok || err != nil {
		return e, err
	}
	e, err := o.ReadFields("/generated/" + name + "/fields")
	if err != nil {
		return nil, fmt.Errorf("pipeline: generated ensemble %s: %w", name, err)
	}
	return e, nil
}
