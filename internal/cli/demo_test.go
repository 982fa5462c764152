// Copyright ©2026 The rgflow Authors. All rights reserved.

package cli_test

import (
	"context"
	"os"

	"rgflow/internal/cli"
	"rgflow/internal/cli/clitest"
	"rgflow/internal/config"
	"rgflow/internal/h5io"
)

// demo is a minimal experiment in the shape every rgflow main has: it draws
// rows of Gaussian numbers from a seeded stream, appends them to an
// extendible dataset, reports progress and stops at safe points. The tests
// drive it in-process through cli.Main and, for signals, as a child process
// (this test binary re-executed with CLITEST_DEMO_MAIN=1).
type demoConfig struct {
	config.Run   `mapstructure:",squash"`
	clitest.Rows `mapstructure:",squash"`
}

func (c demoConfig) Validate() error {
	var p config.Problems
	c.Rows.Check(&p)
	return p.Err()
}

var demo = cli.Experiment[demoConfig]{
	Name:    "demo",
	Summary: "write rows of Gaussian numbers (the cli package's test experiment)",
	Defaults: demoConfig{
		Run:  config.Run{Out: "results/demo.h5"},
		Rows: clitest.Rows{Samples: 20, Width: 8, FailAt: -1},
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
	p := r.Progress("sample", int64(cfg.Samples), "rows")
	var sum float64
	err = clitest.Draw(ctx, r, d, cfg.Rows, 1, func(next, i int64, row []float64) {
		if i == next {
			p.Update(next)
		}
		for _, v := range row {
			sum += v
		}
		p.Update(i+1, "mean", sum/float64((i+1-next)*int64(cfg.Width)))
	})
	if err != nil {
		return err
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
