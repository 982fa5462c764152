// Copyright ©2026 The rgflow Authors. All rights reserved.

package config_test

import (
	"reflect"
	"strings"
	"testing"

	"rgflow/internal/config"
)

type study struct {
	Experiment string `mapstructure:"experiment"`
	Axes       []struct {
		Key    string `mapstructure:"key"`
		Values []any  `mapstructure:"values"`
	} `mapstructure:"axes"`
	Replicas int `mapstructure:"replicas"`
}

// A section that belongs to another reader is neither checked nor decoded
// by Load, whatever its contents, and Section reads it with its own keys.
func TestSections(t *testing.T) {
	yml := write(t, "s.yaml", `mass: 0.75
sweep:
  experiment: freefield
  axes:
    - key: mass
      values: [0.25, 1]
    - key: lattice.dims
      values: [[8, 8], [16, 16]]
  replicas: 2
`)
	toml := write(t, "s.toml", "samples = 7\n[sweep]\nreplicas = 3\n")
	got := load(t, config.Sources{Files: []string{yml, toml}, Sections: []string{"sweep"}, Environ: []string{}})
	want := defaults()
	want.Mass, want.Samples = 0.75, 7
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Load with a sweep section: got %+v, want %+v", got, want)
	}
	// Without naming the section, it is an unknown key as before.
	if _, err := config.Load(defaults(), config.Sources{Files: []string{yml}, Environ: []string{}}); err == nil || !strings.Contains(err.Error(), `unknown key "sweep.`) {
		t.Errorf("sweep not declared a section: err %v", err)
	}

	var s study
	found, err := config.Section([]string{yml, toml}, "sweep", &s)
	if err != nil || !found {
		t.Fatalf("Section: found %v, err %v", found, err)
	}
	if s.Experiment != "freefield" || s.Replicas != 3 || len(s.Axes) != 2 ||
		!reflect.DeepEqual(s.Axes[0].Values, []any{0.25, 1}) ||
		!reflect.DeepEqual(s.Axes[1].Values, []any{[]any{8, 8}, []any{16, 16}}) {
		t.Errorf("Section decoded %+v", s)
	}

	var none study
	if found, err := config.Section([]string{toml[:0] + write(t, "n.yaml", "mass: 1\n")}, "sweep", &none); found || err != nil {
		t.Errorf("file without the section: found %v, err %v", found, err)
	}
	typo := write(t, "t.yaml", "sweep:\n  replica: 2\n")
	if _, err := config.Section([]string{typo}, "sweep", &none); err == nil || !strings.Contains(err.Error(), "replica") {
		t.Errorf("unknown key in a section: err %v", err)
	}
	scalar := write(t, "x.yaml", "sweep: 3\n")
	if _, err := config.Section([]string{scalar}, "sweep", &none); err == nil || !strings.Contains(err.Error(), "section of keys") {
		t.Errorf("a scalar section: err %v", err)
	}
}
