// Copyright ©2026 The rgflow Authors. All rights reserved.

package config_test

import (
	"strings"
	"testing"

	"rgflow/internal/config"
)

// Values of the wrong type are errors naming the key, the value and where
// it came from; nothing is converted behind the user's back.
func TestStrictTypes(t *testing.T) {
	file := write(t, "c.yaml", "mass: yes\n")
	for _, c := range []struct {
		name string
		src  config.Sources
		env  map[string]string
		want []string
	}{
		{"bool for a number", config.Sources{Sets: []string{"mass=true"}}, nil, []string{"'mass'", "true", "from --set mass=true"}},
		{"scalar for a list", config.Sources{Sets: []string{"lattice.dims=8"}}, nil, []string{"lattice.dims", "a list is expected", "[8]", "from --set lattice.dims=8"}},
		{"negative seed", config.Sources{Sets: []string{"seed=-1"}}, nil, []string{"'seed'", "negative", "from --set seed=-1"}},
		{"bool from a file", config.Sources{Files: []string{file}}, nil, []string{"'mass'", "from file " + file}},
		{"number from the environment", config.Sources{}, map[string]string{"RGFLOW_SAMPLES": "many"}, []string{"'samples'", `"many"`, "from environment variable RGFLOW_SAMPLES"}},
		{"bool from the environment", config.Sources{}, map[string]string{"RGFLOW_MASS": "true"}, []string{"'mass'", "from environment variable RGFLOW_MASS"}},
		{"negative seed from the environment", config.Sources{}, map[string]string{"RGFLOW_SEED": "-1"}, []string{"'seed'", "negative", "RGFLOW_SEED"}},
		{"number for a bool", config.Sources{Sets: []string{"keep_zero_mode=1"}}, nil, []string{"'keep_zero_mode'", "from --set"}},
	} {
		for k, v := range c.env {
			t.Setenv(k, v)
		}
		c.src.Environ = []string{}
		_, err := config.Load(defaults(), c.src)
		for _, w := range c.want {
			if err == nil || !strings.Contains(err.Error(), w) {
				t.Errorf("%s: %v, want an error mentioning %q", c.name, err, w)
				break
			}
		}
		for k := range c.env {
			t.Setenv(k, "")
		}
	}
	// What is still accepted: lists from the environment, numbers for a
	// string key, integers for a float key.
	t.Setenv("RGFLOW_LATTICE_DIMS", "8,4")
	t.Setenv("RGFLOW_KEEP_ZERO_MODE", "false")
	res, err := config.Load(defaults(), config.Sources{Sets: []string{"out=2024", "mass=1"}, Environ: []string{}})
	if err != nil {
		t.Fatal(err)
	}
	if c := res.Config; len(c.Lattice.Dims) != 2 || c.Lattice.Dims[0] != 8 || c.KeepZero || c.Mass != 1 || c.Out != "2024" {
		t.Errorf("accepted forms: %+v", c)
	}
}

// An unknown RGFLOW_ variable is a warning that names the nearest key's
// variable.
func TestUnknownEnvSuggests(t *testing.T) {
	res, err := config.Load(defaults(), config.Sources{Environ: []string{"RGFLOW_LATICE_DIMS=8,8", "RGFLOW_ZZZZZZZZZZZZ=1"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Warnings) != 2 || !strings.Contains(res.Warnings[0], "did you mean RGFLOW_LATTICE_DIMS?") || strings.Contains(res.Warnings[1], "did you mean") {
		t.Errorf("warnings: %q", res.Warnings)
	}
}
