// Copyright ©2026 The rgflow Authors. All rights reserved.

package config_test

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"rgflow/internal/config"
)

type lattice struct {
	Dims []int `mapstructure:"dims" help:"lattice extents L1 … Ld"`
}

type testConfig struct {
	config.Run `mapstructure:",squash"`
	Lattice    lattice `mapstructure:"lattice"`
	Mass       float64 `mapstructure:"mass" help:"bare mass m (lattice units)"`
	KeepZero   bool    `mapstructure:"keep_zero_mode" help:"keep the k = 0 mode"`
	Samples    int     `mapstructure:"samples" help:"number of samples"`
	Scheme     string  `mapstructure:"scheme" help:"flow scheme"`
}

func (c testConfig) Validate() error {
	var p config.Problems
	for _, d := range c.Lattice.Dims {
		if d < 1 {
			p.Add("lattice.dims", c.Lattice.Dims, "every extent must be ≥ 1")
			break
		}
	}
	p.Check(c.Mass >= 0, "mass", c.Mass, "allowed ≥ 0")
	p.Check(!(c.Mass == 0 && c.KeepZero), "mass", c.Mass, "must be > 0 when keep_zero_mode is true (the zero mode has infinite variance)")
	p.Check(c.Samples >= 1, "samples", c.Samples, "allowed ≥ 1")
	p.Check(c.Scheme == "polchinski" || c.Scheme == "ddpm", "scheme", c.Scheme, "one of polchinski, ddpm")
	return p.Err()
}

func defaults() testConfig {
	return testConfig{
		Run:     config.Run{Out: "results/test.h5", Seed: 1},
		Lattice: lattice{Dims: []int{16, 16}},
		Mass:    0.5, KeepZero: true, Samples: 100, Scheme: "polchinski",
	}
}

func write(t *testing.T, name, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func load(t *testing.T, src config.Sources) testConfig {
	t.Helper()
	if src.Environ == nil {
		src.Environ = []string{}
	}
	res, err := config.Load(defaults(), src)
	if err != nil {
		t.Fatal(err)
	}
	return res.Config
}

func TestDefaults(t *testing.T) {
	if got := load(t, config.Sources{}); !reflect.DeepEqual(got, defaults()) {
		t.Errorf("got %+v, want the defaults %+v", got, defaults())
	}
}

// defaults < file < env < --set, one layer at a time.
func TestPrecedence(t *testing.T) {
	yml := write(t, "a.yaml", "mass: 0.25\nlattice:\n  dims: [8, 8]\n")
	toml := write(t, "b.toml", "samples = 7\n[lattice]\ndims = [4, 4, 4]\n")

	got := load(t, config.Sources{Files: []string{yml}})
	if got.Mass != 0.25 || !reflect.DeepEqual(got.Lattice.Dims, []int{8, 8}) || got.Samples != 100 {
		t.Errorf("yaml file: %+v", got)
	}
	got = load(t, config.Sources{Files: []string{yml, toml}})
	if got.Mass != 0.25 || !reflect.DeepEqual(got.Lattice.Dims, []int{4, 4, 4}) || got.Samples != 7 {
		t.Errorf("yaml then toml: %+v", got)
	}

	// The environment reaches keys the file does not mention (the viper
	// AutomaticEnv + Unmarshal trap), nested keys included.
	t.Setenv("RGFLOW_SAMPLES", "42")
	t.Setenv("RGFLOW_LATTICE_DIMS", "6,10")
	t.Setenv("RGFLOW_MASS", "0.125")
	got = load(t, config.Sources{Files: []string{yml}})
	if got.Samples != 42 || !reflect.DeepEqual(got.Lattice.Dims, []int{6, 10}) || got.Mass != 0.125 {
		t.Errorf("env over file: %+v", got)
	}

	got = load(t, config.Sources{Files: []string{yml}, Sets: []string{"mass=2", "lattice.dims=[3, 5]", "out=x.h5", "seed=18446744073709551615"}})
	if got.Mass != 2 || !reflect.DeepEqual(got.Lattice.Dims, []int{3, 5}) || got.Out != "x.h5" || got.Seed != 1<<64-1 || got.Samples != 42 {
		t.Errorf("--set over env: %+v", got)
	}

	// A stored configuration sits below files.
	base := []byte("mass: 9\nscheme: ddpm\n")
	t.Setenv("RGFLOW_MASS", "")
	os.Unsetenv("RGFLOW_MASS")
	got = load(t, config.Sources{Base: base, Files: []string{write(t, "c.yaml", "mass: 3\n")}})
	if got.Mass != 3 || got.Scheme != "ddpm" {
		t.Errorf("base below file: %+v", got)
	}
}

func TestUnknownKeys(t *testing.T) {
	for _, c := range []struct {
		name string
		src  config.Sources
		want []string
	}{
		{"file typo", config.Sources{Files: []string{write(t, "a.yaml", "mas: 1\n")}}, []string{`unknown key "mas"`, `did you mean "mass"`, "a.yaml"}},
		{"nested typo", config.Sources{Files: []string{write(t, "b.yaml", "lattice:\n  dim: [4]\n")}}, []string{`unknown key "lattice.dim"`, `"lattice.dims"`}},
		{"toml typo", config.Sources{Files: []string{write(t, "c.toml", "sample = 3\n")}}, []string{`unknown key "sample"`, `"samples"`}},
		{"set typo", config.Sources{Sets: []string{"keep_zero=false"}}, []string{"--set keep_zero", `did you mean "keep_zero_mode"`}},
		{"set without value", config.Sources{Sets: []string{"mass"}}, []string{`--set "mass": want key=value`}},
		{"bad format", config.Sources{Files: []string{write(t, "d.json", "{}")}}, []string{"d.json", "allowed: .yaml, .yml, .toml"}},
		{"missing file", config.Sources{Files: []string{"/nonexistent/x.yaml"}}, []string{"/nonexistent/x.yaml", "no such file"}},
		{"bad type", config.Sources{Sets: []string{"samples=many"}}, []string{"samples", "many"}},
		{"non-integral", config.Sources{Sets: []string{"samples=2.5"}}, []string{"samples", "2.5 is not an integer"}},
		{"negative unsigned", config.Sources{Sets: []string{"seed=-1"}}, []string{"seed", "negative"}},
	} {
		c.src.Environ = []string{}
		_, err := config.Load(defaults(), c.src)
		if err == nil {
			t.Errorf("%s: no error", c.name)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %q does not mention %q", c.name, err, w)
			}
		}
	}
}

func TestUnknownEnvWarns(t *testing.T) {
	res, err := config.Load(defaults(), config.Sources{Environ: []string{"RGFLOW_MAS=1", "RGFLOW_MASS=1", "HOME=/root"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0], "RGFLOW_MAS ") {
		t.Errorf("warnings %q", res.Warnings)
	}
}

// Validate reports every problem at once, each with key, value and rule.
func TestValidationReportsAll(t *testing.T) {
	_, err := config.Load(defaults(), config.Sources{Environ: []string{},
		Sets: []string{"lattice.dims=[16, 0]", "mass=0", "samples=0", "scheme=wilson"}})
	if !config.IsInvalid(err) {
		t.Fatalf("error %v is not *Invalid", err)
	}
	msg := err.Error()
	for _, w := range []string{
		"4 invalid settings",
		"lattice.dims = [16, 0]: every extent must be ≥ 1",
		"mass = 0: must be > 0 when keep_zero_mode is true",
		"samples = 0: allowed ≥ 1",
		`scheme = "wilson": one of polchinski, ddpm`,
	} {
		if !strings.Contains(msg, w) {
			t.Errorf("validation error\n%s\ndoes not contain %q", msg, w)
		}
	}
}

// The rendered YAML reads back to the same configuration, and carries the
// help text as comments.
func TestYAMLRoundTrip(t *testing.T) {
	cfg := defaults()
	cfg.Lattice.Dims = []int{3, 4, 5}
	cfg.Mass = 0.1
	cfg.Seed = 1<<64 - 2
	y, err := config.YAML(cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"# bare mass m (lattice units)\nmass: 0.1\n", "dims: [3, 4, 5]", "out: results/test.h5"} {
		if !strings.Contains(y, w) {
			t.Errorf("YAML\n%s\nlacks %q", y, w)
		}
	}
	back := load(t, config.Sources{Base: []byte(y)})
	if !reflect.DeepEqual(back, cfg) {
		t.Errorf("round trip: got %+v, want %+v", back, cfg)
	}
}

func TestKeys(t *testing.T) {
	var names []string
	for _, k := range config.Keys(defaults()) {
		names = append(names, k.Name+"="+k.Env)
	}
	want := []string{"out=RGFLOW_OUT", "seed=RGFLOW_SEED", "lattice.dims=RGFLOW_LATTICE_DIMS", "mass=RGFLOW_MASS",
		"keep_zero_mode=RGFLOW_KEEP_ZERO_MODE", "samples=RGFLOW_SAMPLES", "scheme=RGFLOW_SCHEME"}
	if !reflect.DeepEqual(names, want) {
		t.Errorf("keys %v, want %v", names, want)
	}
}
