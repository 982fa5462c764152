// Copyright ©2026 The rgflow Authors. All rights reserved.

package rng

import (
	"math"
	"testing"
)

func TestDeterministic(t *testing.T) {
	a, b := NewRand(42, 1, 7), NewRand(42, 1, 7)
	for i := 0; i < 100; i++ {
		if a.Uint64() != b.Uint64() {
			t.Fatal("same (seed, path) gave different streams")
		}
	}
}

func TestDistinctStreams(t *testing.T) {
	seen := map[[2]uint64]bool{}
	for seed := uint64(0); seed < 4; seed++ {
		for p := uint64(0); p < 64; p++ {
			for q := uint64(0); q < 4; q++ {
				hi, lo := Derive(seed, p, q)
				if seen[[2]uint64{hi, lo}] {
					t.Fatalf("stream (%d, %d, %d) collides", seed, p, q)
				}
				seen[[2]uint64{hi, lo}] = true
			}
		}
	}
	// Path order matters: (1, 2) and (2, 1) are different streams.
	h1, l1 := Derive(0, 1, 2)
	h2, l2 := Derive(0, 2, 1)
	if h1 == h2 && l1 == l2 {
		t.Error("path components commute")
	}
}

// TestNeighbouringStreamsUncorrelated checks that streams of adjacent chain
// numbers are uncorrelated: the sample correlation of 10⁵ pairs of normals
// has standard error 1/√n ≈ 0.0032, and we allow 5σ.
func TestNeighbouringStreamsUncorrelated(t *testing.T) {
	const n = 100000
	for c := uint64(0); c < 8; c++ {
		a, b := NewRand(1, StageSample, c), NewRand(1, StageSample, c+1)
		s := 0.0
		for i := 0; i < n; i++ {
			s += a.NormFloat64() * b.NormFloat64()
		}
		if r := s / n; math.Abs(r) > 5/math.Sqrt(n) {
			t.Errorf("chains %d and %d: correlation %v", c, c+1, r)
		}
	}
}

func TestCheckpointRoundTrip(t *testing.T) {
	src := New(9, 3)
	for i := 0; i < 17; i++ {
		src.Uint64()
	}
	state, err := src.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	want := src.Uint64()
	restored := New(0)
	if err := restored.UnmarshalBinary(state); err != nil {
		t.Fatal(err)
	}
	if got := restored.Uint64(); got != want {
		t.Errorf("restored stream gave %d, want %d", got, want)
	}
}

func TestTaskSeeds(t *testing.T) {
	seen := map[uint64]bool{}
	for task := 0; task < 1000; task++ {
		s := Task(1, task)
		if seen[s] {
			t.Fatalf("task %d seed collides", task)
		}
		seen[s] = true
	}
	if Task(1, 5) != Task(1, 5) || Task(1, 5) == Task(2, 5) {
		t.Error("task seeds must depend deterministically on base seed and task")
	}
}
