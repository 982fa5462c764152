// Copyright ©2026 The rgflow Authors. All rights reserved.

// Package toy is a tiny experiment for the tests of the sweep command: it
// draws rows of Gaussian numbers of variance 1/m2 from a seeded stream,
// stops at safe points like every rgflow experiment, and writes datasets
// whose shapes do and do not depend on the swept keys. Its tests run it as
// a child process (the test binary re-executed), exactly as `sweep local`
// runs a real experiment.
package toy

import (
	"context"
	"fmt"
	"io"
	"math"

	"rgflow/internal/cli"
	"rgflow/internal/cli/clitest"
	"rgflow/internal/config"
	"rgflow/internal/h5io"
)

// Config is the toy's configuration.
type Config struct {
	config.Run   `mapstructure:",squash"`
	clitest.Rows `mapstructure:",squash"`
	M2           float64 `mapstructure:"m2" help:"the rows have variance 1/m2"`
	Label        string  `mapstructure:"label" help:"a string setting, recorded as an attribute"`
	Dims         []int   `mapstructure:"dims" help:"shape of the /toy/grid dataset (a list-valued key)"`
}

// Validate reports every problem at once.
func (c Config) Validate() error {
	var p config.Problems
	c.Rows.Check(&p)
	p.Check(c.M2 > 0, "m2", c.M2, "allowed > 0")
	p.Check(len(c.Dims) >= 1, "dims", c.Dims, "at least one extent")
	return p.Err()
}

// Experiment is the toy as a cli experiment.
var Experiment = cli.Experiment[Config]{
	Name:    "toy",
	Summary: "rows of Gaussian numbers (the sweep command's test experiment)",
	Defaults: Config{
		Run:  config.Run{Out: "results/toy.h5"},
		Rows: clitest.Rows{Samples: 6, Width: 3, FailAt: -1}, M2: 1, Label: "a", Dims: []int{2, 2},
	},
	Run: run,
	Presets: []cli.Preset[Config]{
		{Name: "quick", Summary: "two rows", Apply: func(c *Config) { c.Samples = 2 }},
	},
}

// Main runs the toy with the command-line arguments args.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return cli.Main(ctx, args, stdout, stderr, Experiment)
}

func run(ctx context.Context, r *cli.Run, cfg Config) error {
	rows, err := r.File.CreateDataset("/toy/values", h5io.Spec{
		Dtype: h5io.Float64, Shape: []int64{0, int64(cfg.Width)}, Extendible: true,
		Units: "1", Description: "Gaussian draws of variance 1/m2", Dims: []string{"sample", "component"},
	})
	if err != nil {
		return err
	}
	err = clitest.Draw(ctx, r, rows, cfg.Rows, 1/math.Sqrt(cfg.M2), func(_, i int64, _ []float64) {
		r.Log.Info("row", "step", i+1)
	})
	if err != nil {
		return fmt.Errorf("toy: %w", err)
	}
	var v []float64
	if _, err := rows.Read(&v); err != nil {
		return err
	}
	var sum float64
	for _, x := range v {
		sum += x * x
	}
	n := float64(cfg.Samples * cfg.Width)
	est, err := r.File.Put("/toy/estimates/variance", h5io.Spec{Dtype: h5io.Float64, Shape: []int64{},
		Units: "1", Description: "mean of the squared draws (estimates 1/m2)"}, []float64{sum / n})
	if err != nil {
		return err
	}
	// The standard error of a mean of n squared Gaussians: Var(x²) = 2σ⁴.
	if err := est.SetAttr("error", sum/n*math.Sqrt(2/n)); err != nil {
		return err
	}
	if _, err := r.File.Put("/toy/count", h5io.Spec{Dtype: h5io.Int64, Shape: []int64{},
		Units: "1", Description: "number of draws"}, []int64{int64(n)}); err != nil {
		return err
	}
	shape := make([]int64, len(cfg.Dims))
	size := 1
	for i, d := range cfg.Dims {
		shape[i] = int64(d)
		size *= d
	}
	grid := make([]float64, size)
	for i := range grid {
		grid[i] = float64(i) * cfg.M2
	}
	if _, err := r.File.Put("/toy/grid", h5io.Spec{Dtype: h5io.Float64, Shape: shape,
		Units: "1", Description: "index times m2, shaped by dims"}, grid); err != nil {
		return err
	}
	// Two coordinates: k is the same in every task, time scales with m2
	// (so it differs between the tasks of a sweep over m2).
	k := []float64{0, 1, 2}
	tm := []float64{0, cfg.M2}
	if err := r.File.CreateScale("/toy/k", "k", k, "1", "a coordinate every task has alike"); err != nil {
		return err
	}
	if err := r.File.CreateScale("/toy/time", "time", tm, "1", "a coordinate that scales with m2: 0, m2"); err != nil {
		return err
	}
	if _, err := r.File.Put("/toy/spectrum", h5io.Spec{Dtype: h5io.Float64, Shape: []int64{3}, Units: "1",
		Description: "k + m2, over the coordinate k", Dims: []string{"k"}, Scales: []string{"/toy/k"}},
		[]float64{cfg.M2, 1 + cfg.M2, 2 + cfg.M2}); err != nil {
		return err
	}
	if _, err := r.File.Put("/toy/decay", h5io.Spec{Dtype: h5io.Float64, Shape: []int64{2}, Units: "1",
		Description: "exp(-time), over the coordinate time", Dims: []string{"time"}, Scales: []string{"/toy/time"}},
		[]float64{1, math.Exp(-cfg.M2)}); err != nil {
		return err
	}
	return r.File.SetAttr("/toy", "label", cfg.Label)
}
