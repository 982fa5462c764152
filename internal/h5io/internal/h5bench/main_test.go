// Copyright ©2026 The rgflow Authors. All rights reserved.

package main

import (
	"bytes"
	"os"
	"os/exec"
	"strings"
	"testing"
)

func TestRunArgs(t *testing.T) {
	for _, c := range []struct {
		args []string
		code int
	}{
		{[]string{"-h"}, 0},
		{[]string{"-bogus"}, 2},
		{[]string{"-rounds", "0"}, 2},
		{[]string{"-n", "0"}, 2},
	} {
		var o, e bytes.Buffer
		if code := run(c.args, &o, &e); code != c.code {
			t.Errorf("run(%q) = %d, want %d\n%s", c.args, code, c.code, e.String())
		}
	}
}

// TestRunTiny runs one round of the four cases on tiny fields, with the
// h5py side when Debian's python3-h5py is there.
func TestRunTiny(t *testing.T) {
	const python = "/usr/bin/python3"
	if exec.Command(python, "-c", "import h5py").Run() != nil {
		t.Skip("no h5py for " + python)
	}
	script := "../../../../scripts/bench_h5py.py"
	if _, err := os.Stat(script); err != nil {
		t.Skip(err)
	}
	var o, e bytes.Buffer
	if code := run([]string{"-rounds", "1", "-n", "2", "-l", "4", "-python", python, "-script", script}, &o, &e); code != 0 {
		t.Fatalf("exit %d\n%s", code, e.String())
	}
	for _, want := range []string{"raw      fixed", "deflate  append", "h5py/go"} {
		if !strings.Contains(o.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, o.String())
		}
	}
}
