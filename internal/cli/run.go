// Copyright ©2026 The rgflow Authors. All rights reserved.

package cli

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"rgflow/internal/h5io"
)

// Run is what an experiment gets from Main: the open HDF5 file, the logger,
// the seed and the means to report progress, checkpoint and plot.
type Run struct {
	File  *h5io.File   // the run's file, created or resumed; Main closes it
	Log   *slog.Logger // structured log (stderr)
	Seed  uint64       // the run seed (drawn at random when configured as 0)
	Out   string       // the HDF5 file name
	Plots bool         // write plots (PlotPath, LinePlot)
	// PlotFormat is --plot-format: the formats of every plot joined by +.
	PlotFormat string
	Stdout     io.Writer // where the run prints its results (the summary table); progress and logs go to stderr
	Resumed    bool      // a checkpoint was restored: continue from Checkpoint()

	term     *logger
	ckEvery  time.Duration
	mu       sync.Mutex
	lastCk   time.Time
	restored h5io.Checkpoint
	bars     []*Progress
}

// Checkpoint returns the checkpoint restored by --resume; ok is false for a
// fresh run (or a resumed file that had none: start from the beginning).
func (r *Run) Checkpoint() (c h5io.Checkpoint, ok bool) {
	return r.restored, r.Resumed
}

// SafePoint marks a place where the experiment's state is consistent: every
// row it has produced is appended, and state() returns everything needed to
// continue from here. When the run has been asked to stop (ctx cancelled by
// a signal or by the caller), or when --checkpoint-every has elapsed since
// the last save, SafePoint saves state() and flushes the file. It returns an
// error wrapping ErrInterrupted (or the context's error) when the run must
// stop, a saving error if any, and nil otherwise.
func (r *Run) SafePoint(ctx context.Context, state func() h5io.Checkpoint) error {
	stopping := ctx.Err() != nil
	r.mu.Lock()
	due := time.Since(r.lastCk) >= r.ckEvery
	r.mu.Unlock()
	if !stopping && !due {
		return nil
	}
	c := state()
	if err := r.File.SaveCheckpoint(c); err != nil {
		return err
	}
	r.mu.Lock()
	r.lastCk = time.Now()
	r.mu.Unlock()
	r.Log.Info("checkpoint saved", "step", c.Step)
	if stopping {
		return fmt.Errorf("stopped at step %d: %w", c.Step, context.Cause(ctx))
	}
	return nil
}

// PlotPath returns the path of the plot name beside the HDF5 file, its
// extension the formats of --plot-format: results/run.h5 and "spectrum"
// give results/run_spectrum.png+svg, which LinePlot.Save and SaveFigure
// write as results/run_spectrum.png and results/run_spectrum.svg.
func (r *Run) PlotPath(name string) string {
	f := r.PlotFormat
	if f == "" {
		f = "png"
	}
	return strings.TrimSuffix(r.Out, filepath.Ext(r.Out)) + "_" + name + "." + f
}

// Progress starts reporting a stage of total steps counted in unit
// ("samples", "steps", "epochs"). On a terminal it draws a bar with rate
// and ETA; otherwise it logs a progress record every tenth of the stage or
// every minute, whichever comes first, and one at the end.
func (r *Run) Progress(stage string, total int64, unit string) *Progress {
	p := &Progress{log: r.term, stage: stage, total: total, unit: unit, start: time.Now()}
	r.mu.Lock()
	r.bars = append(r.bars, p)
	r.mu.Unlock()
	return p
}

func (r *Run) endProgress() {
	r.mu.Lock()
	bars := r.bars
	r.bars = nil
	r.mu.Unlock()
	for _, p := range bars {
		p.stop()
	}
}
