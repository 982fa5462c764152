// Copyright ©2026 The rgflow Authors. All rights reserved.

package config_test

import (
	"fmt"

	"rgflow/internal/config"
)

// Flow is an experiment's configuration: one struct, defaults declared
// once, a Validate that reports every problem.
type Flow struct {
	config.Run `mapstructure:",squash"`
	Dims       []int   `mapstructure:"dims" help:"lattice extents"`
	Mass       float64 `mapstructure:"mass" help:"bare mass m"`
}

func (c Flow) Validate() error {
	var p config.Problems
	p.Check(len(c.Dims) > 0, "dims", c.Dims, "at least one extent")
	p.Check(c.Mass > 0, "mass", c.Mass, "allowed > 0")
	return p.Err()
}

func ExampleLoad() {
	defaults := Flow{Run: config.Run{Out: "results/flow.h5", Seed: 1}, Dims: []int{16, 16}, Mass: 0.5}

	res, err := config.Load(defaults, config.Sources{Sets: []string{"dims=[8, 8, 8]"}, Environ: []string{}})
	fmt.Println(res.Config.Dims, res.Config.Mass, err)

	_, err = config.Load(defaults, config.Sources{Sets: []string{"mass=-1", "dims=[]"}, Environ: []string{}})
	fmt.Println(err)

	y, _ := config.YAML(res.Config)
	fmt.Print(y)
	// Output:
	// [8 8 8] 0.5 <nil>
	// config: 2 invalid settings:
	//   dims = []: at least one extent
	//   mass = -1: allowed > 0
	// # HDF5 file to write; the .xmf sidecar and PNG plots go beside it
	// out: results/flow.h5
	// # run seed; 0 draws one at random at start and records it in the file
	// seed: 1
	// # lattice extents
	// dims: [8, 8, 8]
	// # bare mass m
	// mass: 0.5
}
