// Copyright ©2026 The rgflow Authors. All rights reserved.

package progtest

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"rgflow/internal/cli"
	"rgflow/internal/config"
	"rgflow/internal/h5io"
)

// toyConfig is the configuration of the toy experiment of these tests.
type toyConfig struct {
	config.Run `mapstructure:",squash"`
	N          int `mapstructure:"n" help:"values to write"`
}

func (c toyConfig) Validate() error {
	var p config.Problems
	p.Check(c.N >= 1, "n", c.N, "allowed ≥ 1")
	return p.Err()
}

// toy writes N values to /toy/values, prints "done" and, with --plots,
// touches the plot "values".
var toy = Of(cli.Experiment[toyConfig]{
	Name: "toy", Summary: "writes a few numbers",
	Defaults: toyConfig{Run: config.Run{Out: "results/toy.h5"}, N: 3},
	Presets:  []cli.Preset[toyConfig]{{Name: "quick", Summary: "one value", Apply: func(c *toyConfig) { c.N = 1 }}},
	Run: func(ctx context.Context, r *cli.Run, cfg toyConfig) error {
		v := make([]float64, cfg.N)
		if _, err := r.File.Put("/toy/values", h5io.Spec{Units: "1", Description: "numbers", Dims: []string{"value"}}, v); err != nil {
			return err
		}
		if r.Plots {
			if err := (cli.LinePlot{Title: "values", Series: []cli.Series{{Name: "v", X: []float64{0, 1}, Y: []float64{1, 2}}}}).Save(r.PlotPath("values")); err != nil {
				return err
			}
		}
		r.Stdout.Write([]byte("done\n"))
		return nil
	},
})

// recorder is a testing.TB that keeps the failures reported to it.
type recorder struct {
	testing.TB
	errs []string
}

func (r *recorder) Errorf(format string, args ...any) { r.errs = append(r.errs, format) }

func TestExitCodes(t *testing.T) {
	conv := Conventions{Help: "values to write", Preset: "--quick", Printed: "n: 1", Flag: []string{"--n", "3"},
		Typo: "nn: 3\n", TypoKey: "nn", Unknown: "slow", Presets: "quick"}
	cases := append(conv.Cases(t), Case{Name: "bad value", Args: []string{"--set", "n=0"}, Code: 2, Want: "allowed ≥ 1"})
	toy.ExitCodes(t, cases)

	// A case that does not hold is reported, one failure per case.
	r := &recorder{TB: t}
	toy.ExitCodes(r, []Case{cases[0], {"wrong code", []string{"--help"}, 2, "values to write"}, {"wrong text", []string{"--help"}, 0, "no such text"}})
	if len(r.errs) != 2 {
		t.Errorf("%d failures reported for 2 wrong cases", len(r.errs))
	}
}

func TestRun(t *testing.T) {
	out := filepath.Join(t.TempDir(), "toy.h5")
	code, o, e := toy.Run("--out", out, "--quiet", "--plots")
	if code != 0 {
		t.Fatalf("exit %d\nstdout: %s\nstderr: %s", code, o, e)
	}
	Contains(t, o, "done")
	Plots(t, out, "values")

	r := &recorder{TB: t}
	Contains(r, o, "done", "absent")
	Plots(r, out, "values", "absent")
	if len(r.errs) != 2 || !strings.Contains(r.errs[0], "summary lacks") || !strings.Contains(r.errs[1], "plot") {
		t.Errorf("failures reported for a missing text and plot: %q", r.errs)
	}
	CheckH5py(t, out)
}
