// Copyright ©2026 The rgflow Authors. All rights reserved.

package cli_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"time"

	"rgflow/internal/cli"
	"rgflow/internal/config"
	"rgflow/internal/h5io"
	"rgflow/internal/rng"
)

// demo is a minimal experiment in the shape every rgflow main has: it draws
// rows of Gaussian numbers from a seeded stream, appends them to an
// extendible dataset, reports progress and stops at safe points. The tests
// drive it in-process through cli.Main and, for signals, as a child process
// (this test binary re-executed with CLITEST_DEMO_MAIN=1).
type demoConfig struct {
	config.Run `mapstructure:",squash"`
	Samples    int `mapstructure:"samples" help:"rows to write"`
	Width      int `mapstructure:"width" help:"values per row"`
	SleepMS    int `mapstructure:"sleep_ms" help:"pause after each row, milliseconds (to give tests time to send signals)"`
	FailAt     int `mapstructure:"fail_at" help:"fail before this row (-1: never)"`
}

func (c demoConfig) Validate() error {
	var p config.Problems
	p.Check(c.Samples >= 1, "samples", c.Samples, "allowed ≥ 1")
	p.Check(c.Width >= 1, "width", c.Width, "allowed ≥ 1")
	p.Check(c.SleepMS >= 0, "sleep_ms", c.SleepMS, "allowed ≥ 0")
	p.Check(c.FailAt >= -1, "fail_at", c.FailAt, "allowed -1 (never) or a row index")
	return p.Err()
}

var demo = cli.Experiment[demoConfig]{
	Name:    "demo",
	Summary: "write rows of Gaussian numbers (the cli package's test experiment)",
	Defaults: demoConfig{
		Run:     config.Run{Out: "results/demo.h5"},
		Samples: 20, Width: 8, FailAt: -1,
	},
	Run: runDemo,
	Presets: []cli.Preset[demoConfig]{
		{Name: "quick", Summary: "three narrow rows", Apply: func(c *demoConfig) { c.Samples, c.Width = 3, 2 }},
		{Name: "wide", Summary: "wide rows", Apply: func(c *demoConfig) { c.Width = 64 }},
	},
}

func runDemo(ctx context.Context, r *cli.Run, cfg demoConfig) error {
	d, err := r.File.CreateDataset("/demo/values", h5io.Spec{
		Dtype: h5io.Float64, Shape: []int64{0, int64(cfg.Width)}, Extendible: true,
		Units: "1", Description: "standard normal draws", Dims: []string{"sample", "component"},
	})
	if err != nil {
		return err
	}
	src := rng.New(r.Seed, rng.StageSample)
	next := int64(0)
	if c, ok := r.Checkpoint(); ok {
		next = c.Ints["next"][0]
		if err := src.UnmarshalBinary(c.Blobs["pcg"]); err != nil {
			return fmt.Errorf("demo: restore the random stream: %w", err)
		}
	}
	rnd := rand.New(src)
	p := r.Progress("sample", int64(cfg.Samples), "rows")
	p.Update(next)
	row := make([]float64, cfg.Width)
	var sum float64
	for i := next; i < int64(cfg.Samples); i++ {
		if i == int64(cfg.FailAt) {
			return fmt.Errorf("demo: failing at row %d as configured", i)
		}
		for k := range row {
			row[k] = rnd.NormFloat64()
			sum += row[k]
		}
		if err := d.Append(row); err != nil {
			return err
		}
		p.Update(i+1, "mean", sum/float64((i+1-next)*int64(cfg.Width)))
		if cfg.SleepMS > 0 {
			time.Sleep(time.Duration(cfg.SleepMS) * time.Millisecond)
		}
		err := r.SafePoint(ctx, func() h5io.Checkpoint {
			st, _ := src.MarshalBinary()
			return h5io.Checkpoint{Step: i + 1, Ints: map[string][]int64{"next": {i + 1}}, Blobs: map[string][]byte{"pcg": st}}
		})
		if err != nil {
			return err
		}
	}
	p.Done()
	if r.Plots {
		var v []float64
		shape, err := d.Read(&v)
		if err != nil {
			return err
		}
		x := make([]float64, shape[0])
		y := make([]float64, shape[0])
		for i := range x {
			x[i], y[i] = float64(i), v[i*cfg.Width]
		}
		lp := cli.LinePlot{Title: "demo", XLabel: "sample", YLabel: "component 0", Series: []cli.Series{{Name: "draws", X: x, Y: y, Points: true}}}
		if err := lp.Save(r.PlotPath("values")); err != nil {
			return err
		}
	}
	return nil
}

func demoMain(ctx context.Context, args []string) int {
	return cli.Main(ctx, args, os.Stdout, os.Stderr, demo)
}
