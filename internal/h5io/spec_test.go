// Copyright ©2026 The rgflow Authors. All rights reserved.

package h5io

import "testing"

// TestSpecRules checks Spec's validation rule by rule, at the edges of
// each allowed range: extents ≥ 0, an extendible dataset has an axis,
// chunk extents ≥ 1 and of the dataset's rank, deflate 0…9, labels on
// every axis or none (the first axis included), no label with /, . or ..,
// none equal to the dataset's own name or repeated, one scale per axis,
// 0…rank lattice axes, and no Bool elements.
func TestSpecRules(t *testing.T) {
	base := func() Spec { return Spec{Dtype: Float64, Shape: []int64{3, 4}} }
	for _, c := range []struct {
		name string
		edit func(*Spec)
		ok   bool
	}{
		{"plain", func(*Spec) {}, true},
		{"empty axis", func(s *Spec) { s.Shape = []int64{0, 4} }, true},
		{"negative extent", func(s *Spec) { s.Shape = []int64{3, -1} }, false},
		{"extendible", func(s *Spec) { s.Extendible = true }, true},
		{"extendible scalar", func(s *Spec) { s.Extendible, s.Shape = true, nil }, false},
		{"chunk of ones", func(s *Spec) { s.Chunk = []int64{1, 1} }, true},
		{"chunk extent 0", func(s *Spec) { s.Chunk = []int64{1, 0} }, false},
		{"chunk rank", func(s *Spec) { s.Chunk = []int64{1} }, false},
		{"deflate 0", func(s *Spec) { s.Deflate = 0 }, true},
		{"deflate 9", func(s *Spec) { s.Deflate = 9 }, true},
		{"deflate 10", func(s *Spec) { s.Deflate = 10 }, false},
		{"deflate -1", func(s *Spec) { s.Deflate = -1 }, false},
		{"labels", func(s *Spec) { s.Dims = []string{"sample", "x"} }, true},
		{"no labels", func(s *Spec) { s.Dims = []string{"", ""} }, true},
		{"label rank", func(s *Spec) { s.Dims = []string{"sample"} }, false},
		{"first axis unlabelled", func(s *Spec) { s.Dims = []string{"", "x"} }, false},
		{"last axis unlabelled", func(s *Spec) { s.Dims = []string{"sample", ""} }, false},
		{"label with /", func(s *Spec) { s.Dims = []string{"a/b", "x"} }, false},
		{"label .", func(s *Spec) { s.Dims = []string{".", "x"} }, false},
		{"label ..", func(s *Spec) { s.Dims = []string{"sample", ".."} }, false},
		{"label is the dataset's name", func(s *Spec) { s.Dims = []string{"sample", "data"} }, false},
		{"repeated label", func(s *Spec) { s.Dims = []string{"x", "x"} }, false},
		{"scales", func(s *Spec) { s.Scales = []string{"/a", "/b"} }, true},
		{"scale rank", func(s *Spec) { s.Scales = []string{"/a"} }, false},
		{"lattice axes 0", func(s *Spec) { s.Lattice = 0 }, true},
		{"lattice axes = rank", func(s *Spec) { s.Lattice = 2 }, true},
		{"lattice axes > rank", func(s *Spec) { s.Lattice = 3 }, false},
		{"lattice axes < 0", func(s *Spec) { s.Lattice = -1 }, false},
		{"bool elements", func(s *Spec) { s.Dtype = Bool }, false},
	} {
		s := base()
		c.edit(&s)
		if err := s.check("/g/data"); (err == nil) != c.ok {
			t.Errorf("%s: %+v: error %v, want ok = %v", c.name, s, err, c.ok)
		}
	}
}
