// Copyright ©2026 The rgflow Authors. All rights reserved.

package pipeline

import (
	"context"
	"fmt"
	"maps"
	"time"

	"rgflow/internal/cli"
	"rgflow/internal/h5io"
)

// Stage is one step of a run: sample, flow, train, generate, compare, ….
type Stage struct {
	Name string
	// Run does the stage's work, writing its datasets. A stage that can run
	// long calls Runner.SafePoint with its own state; on --resume after an
	// interruption inside the stage, Run is called again and finds that
	// state in Runner.Restored.
	Run func(ctx context.Context) error
	// Restore rebuilds the in-memory results a completed stage hands to
	// later ones, when a resumed run skips it: by recomputing what is cheap
	// and deterministic, or by reading it back from the file. Nil when later
	// stages need nothing from it.
	Restore func(ctx context.Context) error
}

// Runner executes stages in order with a checkpoint at every stage
// boundary, and inside stages where they ask for one. The checkpoint holds
// the index of the stage to run next (int "stage"), the wall-clock time of
// every finished stage, and the current stage's own state under its keys.
type Runner struct {
	R      *cli.Run
	Stages []Stage

	// Times is the wall-clock duration of each stage, by stage index
	// (restored stages keep the time they took in the original run).
	Times []time.Duration

	cur      int
	restored h5io.Checkpoint
	resumed  bool
}

// NewRunner returns a runner of stages for r.
func NewRunner(r *cli.Run, stages ...Stage) *Runner {
	return &Runner{R: r, Stages: stages, Times: make([]time.Duration, len(stages))}
}

// SetStages sets the stages to run (for stages that need the runner itself).
func (p *Runner) SetStages(stages ...Stage) {
	p.Stages = stages
	p.Times = make([]time.Duration, len(stages))
}

// Restored returns the state the current stage saved at its last safe
// point before an interruption; ok is false when the stage starts afresh.
func (p *Runner) Restored() (h5io.Checkpoint, bool) {
	return p.restored, p.resumed
}

// Execute runs the stages, resuming after the last completed one when the
// run was resumed from a checkpoint.
func (p *Runner) Execute(ctx context.Context) error {
	start := 0
	if c, ok := p.R.Checkpoint(); ok {
		if s := c.Ints["stage"]; len(s) == 1 && s[0] >= 0 && int(s[0]) <= len(p.Stages) {
			start = int(s[0])
		} else {
			return fmt.Errorf("pipeline: the checkpoint has no valid stage index")
		}
		for i, t := range c.Floats["stage_seconds"] {
			if i < len(p.Times) {
				p.Times[i] = time.Duration(t * float64(time.Second))
			}
		}
		p.restored, p.resumed = c, true
	}
	for i := 0; i < start; i++ {
		if r := p.Stages[i].Restore; r != nil {
			p.cur = i
			if err := r(ctx); err != nil {
				return fmt.Errorf("%s (restoring): %w", p.Stages[i].Name, err)
			}
		}
	}
	for i := start; i < len(p.Stages); i++ {
		p.cur = i
		if i != start {
			p.restored, p.resumed = h5io.Checkpoint{}, false
		}
		t0 := time.Now()
		prev := p.Times[i]
		if err := p.Stages[i].Run(ctx); err != nil {
			return fmt.Errorf("%s: %w", p.Stages[i].Name, err)
		}
		p.Times[i] = prev + time.Since(t0)
		p.R.Log.Info("stage done", "stage", p.Stages[i].Name, "seconds", p.Times[i].Seconds())
		// Always checkpoint a finished stage: it is cheap and it is what
		// --resume after a kill returns to.
		if err := p.R.File.SaveCheckpoint(p.state(i+1, nil)); err != nil {
			return err
		}
		if err := p.R.SafePoint(ctx, func() h5io.Checkpoint { return p.state(i+1, nil) }); err != nil {
			return err
		}
		if StopAfter != "" && StopAfter == p.Stages[i].Name {
			return fmt.Errorf("%w after stage %s (pipeline.StopAfter)", cli.ErrInterrupted, StopAfter)
		}
	}
	return nil
}

// StopAfter, when it names a stage, makes every Runner stop after that
// stage's checkpoint as if interrupted there: how the programs' tests
// resume from each stage boundary deterministically.
var StopAfter string

// SafePoint is Run.SafePoint inside the current stage: state fills the
// stage's own keys of the checkpoint.
func (p *Runner) SafePoint(ctx context.Context, state func(c *h5io.Checkpoint)) error {
	return p.R.SafePoint(ctx, func() h5io.Checkpoint { return p.state(p.cur, state) })
}

func (p *Runner) state(next int, fill func(c *h5io.Checkpoint)) h5io.Checkpoint {
	secs := make([]float64, len(p.Times))
	for i, t := range p.Times {
		secs[i] = t.Seconds()
	}
	c := h5io.Checkpoint{
		Step:   int64(next),
		Blobs:  map[string][]byte{},
		Floats: map[string][]float64{"stage_seconds": secs},
		Ints:   map[string][]int64{"stage": {int64(next)}},
	}
	if fill != nil {
		var s h5io.Checkpoint
		fill(&s)
		maps.Copy(c.Blobs, s.Blobs)
		maps.Copy(c.Floats, s.Floats)
		maps.Copy(c.Ints, s.Ints)
	}
	return c
}

// WriteTimes records the stage times under /timing, one f8 attribute per
// stage (seconds), and returns them as rows for a summary.
func (p *Runner) WriteTimes() error {
	attrs := map[string]any{"description": "wall-clock seconds of each stage of the run (resumed runs add the time of every part)", "units": "s"}
	for i, s := range p.Stages {
		attrs[s.Name] = p.Times[i].Seconds()
	}
	return p.R.File.CreateGroup("/timing", attrs)
}
