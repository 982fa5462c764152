// Copyright ©2026 The rgflow Authors. All rights reserved.

package main

import (
	"bytes"
	"strings"
	"testing"
)

// TestRun drives the benchmark program over {args → exit code} on tiny
// lattices: it must print one row per lattice and coupling, and reject
// bad arguments with exit 2.
func TestRun(t *testing.T) {
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"-sizes", "8x8,4x4x2", "-n", "3", "-snapshots", "2", "-rounds", "1"}, 0, "4x4x2      trajectory"},
		{[]string{"-sizes", "8x8", "-n", "2", "-snapshots", "2", "-rounds", "2", "-workers", "2"}, 0, "CPU time of the process"},
		{[]string{"-sizes", "8y8"}, 2, "extents ≥ 2"},
		{[]string{"-n", "0"}, 2, "must be ≥ 1"},
		{[]string{"-bogus"}, 2, "flag provided but not defined"},
	} {
		var o, e bytes.Buffer
		code := run(c.args, &o, &e)
		if code != c.code || !strings.Contains(o.String()+e.String(), c.want) {
			t.Errorf("%v: exit %d, want %d mentioning %q\n%s%s", c.args, code, c.code, c.want, o.String(), e.String())
		}
	}
}
