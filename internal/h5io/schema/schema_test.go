// Copyright ©2026 The rgflow Authors. All rights reserved.

package schema

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"rgflow/internal/h5io"
)

// TestPage reads docs/hdf5-schema.md: its blocks parse, and every name in
// them appears in backticks in the page's text.
func TestPage(t *testing.T) {
	s, err := Load(filepath.Join("..", "..", "..", "docs", "hdf5-schema.md"))
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Rules) < 100 {
		t.Errorf("%d rules: the page's schema blocks were not all read", len(s.Rules))
	}
	for _, n := range s.Unmentioned() {
		t.Errorf("docs/hdf5-schema.md: %s is in a schema block but not in the text", n)
	}
	if len(s.Units) == 0 {
		t.Fatal("docs/hdf5-schema.md: no units block")
	}
	// Every unit a file may hold parses in UDUNITS (the CF rule), as
	// udunits2 says: it prints the unit's definition, or "Don't recognize".
	udunits, err := exec.LookPath("udunits2")
	if err != nil {
		t.Skipf("UDUNITS check of %q: no udunits2 (Debian: udunits-bin)", s.Units)
	}
	for _, u := range s.Units {
		out, err := exec.Command(udunits, "-H", u, "-W", "").CombinedOutput()
		if err != nil || strings.Contains(string(out), "recognize") {
			t.Errorf("units %q: udunits2 does not parse it: %v %s", u, err, out)
		}
	}
}

const page = "The group `g` holds `v`, `w`, `extra` and `k1`; attributes `a`, `b`, `c`, `<word>` with `units`, `description`, `copy_of`.\n" +
	"```schema\n" +
	"/@{schema_version,rgflow_version,revision,created,experiment,config,seed,status,hdf5_version,Conventions}\n" +
	"/**@{units,description,copy_of} ?\n" +
	"/**@{CLASS,NAME,REFERENCE_LIST,DIMENSION_LIST,DIMENSION_LABELS} ?\n" +
	"/g/{v,w}          # w is required\n" +
	"/g@{a,b}\n" +
	"/g/extra ?\n" +
	"/g/<word>/@c ?\n" +
	"```\n" +
	"```units\n1\n```\n"

// TestCheck checks a small file against a small page: what the page does
// not describe and what it requires that the file lacks are named with
// their paths; optional rules, ** rules and the dimensions of labelled axes
// (netCDF dimensions without a variable, coordinate copies) pass.
func TestCheck(t *testing.T) {
	s, err := Parse([]byte(page))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "s.h5")
	f, err := h5io.Create(path, h5io.Meta{Experiment: "test", Config: "x: 1\n", Seed: 1}, h5io.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(f.CreateGroup("/g", map[string]any{"a": 1.0, "z": 2.0}))
	_, err = f.Put("/g/v", h5io.Spec{Dtype: h5io.Float64, Shape: []int64{2}, Dims: []string{"n"}, Units: "s"}, []float64{1, 2})
	must(err)
	must(f.CreateScale("/h/k1", "k1", []float64{0, 1}, "1", ""))
	_, err = f.Put("/g/u", h5io.Spec{Dtype: h5io.Float64, Shape: []int64{2}, Dims: []string{"k1"}, Scales: []string{"/h/k1"}}, []float64{1, 2})
	must(err)
	must(f.Close())
	f, err = h5io.Open(path)
	must(err)
	defer f.Close()
	probs, err := s.Check(f)
	must(err)
	var got []string
	for _, p := range probs {
		got = append(got, p.Error())
	}
	want := []string{
		"/g/w: required by the schema (line 6), missing",
		"attribute /g/v@units = \"s\" (<nil>): not one of the page's units [\"1\"]",
		"attribute /g@b: required by the schema (line 7), missing",
		"attribute /g@z: not in the schema",
		"dataset /g/u: not in the schema",
		"dataset /h/k1: not in the schema",
		"group /h: not in the schema",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestParseErrors: a malformed page is an error naming the line.
func TestParseErrors(t *testing.T) {
	for _, c := range []struct{ page, want string }{
		{"no blocks here\n", "no schema block"},
		{"```schema\n/a\n", "not closed"},
		{"```schema\na/b\n```\n", "line 2"},
		{"```schema\n/a/<b\n```\n", "unclosed"},
		{"```schema\n/a@\n```\n", "empty attribute"},
	} {
		if _, err := Parse([]byte(c.page)); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Parse(%q) = %v, want an error mentioning %q", c.page, err, c.want)
		}
	}
}
