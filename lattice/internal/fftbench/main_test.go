// Copyright ©2026 The rgflow Authors. All rights reserved.

package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestRun(t *testing.T) {
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"-rounds", "0"}, 2, ""},
		{[]string{"-cases", "("}, 2, ""},
		{[]string{"-nosuchflag"}, 2, ""},
		// One quick round of the smallest case; the references may be
		// missing (no fftw tag in go test, no interpreter at this path),
		// which leaves their columns empty.
		{[]string{"-rounds", "1", "-min", "0.001", "-cases", "^r2c 64x64$", "-python", "/nonexistent/python3"}, 0, "| r2c | 64x64 |"},
	} {
		var out, errb bytes.Buffer
		if code := run(c.args, &out, &errb); code != c.code {
			t.Errorf("run(%q) = %d, want %d; stderr: %s", c.args, code, c.code, errb.String())
			continue
		}
		if !strings.Contains(out.String(), c.want) {
			t.Errorf("run(%q): output lacks %q:\n%s", c.args, c.want, out.String())
		}
	}
}
