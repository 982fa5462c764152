// Copyright ©2026 The rgflow Authors. All rights reserved.

package cli_test

import (
	"bytes"
	"context"
	"math"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"

	"rgflow/internal/cli"
	"rgflow/internal/config"
)

type latConfig struct {
	config.Run `mapstructure:",squash"`
	Lattice    struct {
		Dims []int `mapstructure:"dims" help:"lattice extents"`
	} `mapstructure:"lattice"`
	Samples int `mapstructure:"samples" help:"fields kept in memory"`
}

func latExperiment(hook bool) cli.Experiment[latConfig] {
	var d latConfig
	d.Out, d.Lattice.Dims, d.Samples = "lat.h5", []int{8, 8}, 1000
	exp := cli.Experiment[latConfig]{
		Name: "lat", Summary: "a lattice experiment that does nothing", Defaults: d,
		Run: func(context.Context, *cli.Run, latConfig) error { return nil },
	}
	if hook {
		exp.Memory = func(c latConfig) int64 {
			v := 1.0
			for _, L := range c.Lattice.Dims {
				v *= float64(L)
			}
			return int64(math.Min(v*8*float64(c.Samples), math.MaxInt64))
		}
	}
	return exp
}

// Impossible sizes are refused before anything is written, with the
// estimate and the largest lattice that fits; sizes that fit run.
func TestImpossibleSizesRefused(t *testing.T) {
	old := debug.SetMemoryLimit(1 << 30)
	defer debug.SetMemoryLimit(old)
	dir := t.TempDir()
	for _, c := range []struct {
		name string
		hook bool
		dims string
		code int
		want []string
	}{
		{"floor, 1-D", false, "[1000000000]", 2, []string{"22.4 GiB", "1.0 GiB is available", "largest lattice.dims of dimension 1 that fits is [44739242]"}},
		{"hook, 3-D", true, "[1000,1000,1000]", 2, []string{"7450.6 GiB", "largest lattice.dims of dimension 3 that fits is [51,51,51]"}},
		{"hook, fits", true, "[32,32]", 0, nil},
		{"floor, fits", false, "[64,64,64]", 0, nil},
	} {
		out := filepath.Join(dir, strings.NewReplacer(",", "_", " ", "_").Replace(c.name)+".h5")
		var o, e bytes.Buffer
		code := cli.Main(context.Background(), []string{"--out", out, "--set", "lattice.dims=" + c.dims, "--quiet"}, &o, &e, latExperiment(c.hook))
		if code != c.code {
			t.Errorf("%s: exit %d, want %d\n%s", c.name, code, c.code, e.String())
		}
		for _, w := range c.want {
			if !strings.Contains(e.String(), w) {
				t.Errorf("%s: message lacks %q:\n%s", c.name, w, e.String())
			}
		}
		if _, err := os.Stat(out); (err == nil) != (c.code == 0) {
			t.Errorf("%s: file written %t", c.name, err == nil)
		}
	}
}
