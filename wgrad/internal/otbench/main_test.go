// Copyright ©2026 The rgflow Authors. All rights reserved.

package main

import (
	"io"
	"testing"
)

func TestRunArgs(t *testing.T) {
	// Flag handling only: every case exits before the reference starts.
	for _, tc := range []struct {
		args []string
		code int
	}{
		{[]string{"-h"}, 0},
		{[]string{"-nosuchflag"}, 2},
		{[]string{"-n", "1000,x"}, 2},
		{[]string{"-n", "1"}, 2},
		{[]string{"-workers", "-1"}, 2},
		{[]string{"-rounds", "0"}, 2},
		{[]string{"-eps", "0"}, 2},
		{[]string{"-tol", "-1"}, 2},
	} {
		if got := run(tc.args, io.Discard, io.Discard); got != tc.code {
			t.Errorf("run(%q) = %d, want %d", tc.args, got, tc.code)
		}
	}
}
