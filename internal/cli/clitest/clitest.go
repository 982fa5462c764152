// Copyright ©2026 The rgflow Authors. All rights reserved.

// Package clitest holds the part of the test experiments of packages cli
// and sweep that they share: rows of Gaussian numbers drawn from the run's
// seeded stream and appended to an extendible dataset, with a checkpoint
// at every safe point, so that the tests can interrupt, resume and fail a
// run where they choose.
package clitest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"rgflow/internal/cli"
	"rgflow/internal/config"
	"rgflow/internal/h5io"
	"rgflow/internal/rng"
)

// Draw appends c.Samples rows of c.Width normal draws, scaled by sd, to
// the extendible dataset d of the run r. It continues from the run's
// checkpoint, pauses c.SleepMS after each row, saves a checkpoint at the
// safe point after it and fails before row c.FailAt. each, if not nil, is
// called with the index and the values of every row appended; next is the
// first row of this run.
func Draw(ctx context.Context, r *cli.Run, d *h5io.Dataset, c Rows, sd float64, each func(next, i int64, row []float64)) error {
	src := rng.New(r.Seed, rng.StageSample)
	next := int64(0)
	if ck, ok := r.Checkpoint(); ok {
		next = ck.Ints["next"][0]
		if err := src.UnmarshalBinary(ck.Blobs["pcg"]); err != nil {
			return fmt.Errorf("restore the random stream: %w", err)
		}
	}
	rnd := rand.New(src)
	row := make([]float64, c.Width)
	for i := next; i < int64(c.Samples); i++ {
		if i == int64(c.FailAt) {
			return fmt.Errorf("failing at row %d as configured", i)
		}
		for k := range row {
			row[k] = sd * rnd.NormFloat64()
		}
		if err := d.Append(row); err != nil {
			return err
		}
		if each != nil {
			each(next, i, row)
		}
		if c.SleepMS > 0 {
			time.Sleep(time.Duration(c.SleepMS) * time.Millisecond)
		}
		err := r.SafePoint(ctx, func() h5io.Checkpoint {
			st, _ := src.MarshalBinary()
			return h5io.Checkpoint{Step: i + 1, Ints: map[string][]int64{"next": {i + 1}}, Blobs: map[string][]byte{"pcg": st}}
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// Rows are the settings of the rows; a test experiment's configuration
// embeds them with `mapstructure:",squash"`.
type Rows struct {
	Samples int `mapstructure:"samples" help:"rows to write"`
	Width   int `mapstructure:"width" help:"values per row"`
	SleepMS int `mapstructure:"sleep_ms" help:"pause after each row, milliseconds (to give tests time to send signals)"`
	FailAt  int `mapstructure:"fail_at" help:"fail before this row (-1: never)"`
}

// Check adds the problems of the settings to p.
func (c Rows) Check(p *config.Problems) {
	p.Check(c.Samples >= 1, "samples", c.Samples, "allowed ≥ 1")
	p.Check(c.Width >= 1, "width", c.Width, "allowed ≥ 1")
	p.Check(c.SleepMS >= 0, "sleep_ms", c.SleepMS, "allowed ≥ 0")
	p.Check(c.FailAt >= -1, "fail_at", c.FailAt, "allowed -1 (never) or a row index")
}
