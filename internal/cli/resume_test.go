// Copyright ©2026 The rgflow Authors. All rights reserved.

package cli_test

import (
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"rgflow/internal/cli"
	"rgflow/internal/h5io"
)

// The command that started a run, plus --resume, continues it, also when
// that command had --quick or --preset; --out names the file as a path,
// whatever its spelling or where the file has moved since.
func TestResumeWithTheSameCommand(t *testing.T) {
	t.Chdir(t.TempDir())
	run := []string{"--set", "samples=40", "--set", "sleep_ms=20"}
	for _, c := range []struct {
		name   string
		start  []string // the command's own flags
		out    func(wd string) string
		moveTo string
	}{
		{"--quick, same --out", []string{"--quick", "--seed", "5"}, func(string) string { return "a/run.h5" }, ""},
		{"--preset, ./ spelling", []string{"--preset", "wide", "--seed", "6"}, func(string) string { return "./a/../a/run.h5" }, ""},
		{"--quick, random seed, absolute", []string{"--quick"}, func(wd string) string { return filepath.Join(wd, "a", "run.h5") }, ""},
		{"--quick, moved file", []string{"--quick", "--seed", "7"}, func(string) string { return "b/moved.h5" }, "b/moved.h5"},
	} {
		t.Run(c.name, func(t *testing.T) {
			os.RemoveAll("a")
			os.RemoveAll("b")
			args := append(append([]string(nil), c.start...), run...)
			ch := startChild(t, append(args, "--out", "a/run.h5")...)
			ch.waitFor(t, "progress", 2)
			ch.cmd.Process.Signal(syscall.SIGINT)
			if code := ch.wait(); code != cli.ExitInterrupted {
				t.Fatalf("exit %d, want %d\n%s", code, cli.ExitInterrupted, ch.stderr.String())
			}
			if c.moveTo != "" {
				os.MkdirAll(filepath.Dir(c.moveTo), 0o755)
				if err := os.Rename("a/run.h5", c.moveTo); err != nil {
					t.Fatal(err)
				}
			}
			wd, _ := os.Getwd()
			out := c.out(wd)
			code, _, e := runDemoArgs(append(args, "--out", out, "--resume", "--quiet")...)
			if code != 0 {
				t.Fatalf("resume with %v --out %s: exit %d\n%s", args, out, code, e)
			}
			got, in := readValues(t, out)
			ref := "ref.h5"
			os.Remove(ref)
			refArgs := append(append([]string(nil), args...), "--out", ref, "--quiet")
			if !slices.Contains(c.start, "--seed") {
				refArgs = append(refArgs, "--seed", strconv.FormatUint(in.Seed, 10))
			}
			if code, _, e := runDemoArgs(refArgs...); code != 0 {
				t.Fatalf("reference: %d\n%s", code, e)
			}
			want, _ := readValues(t, ref)
			if in.Status != h5io.StatusComplete || !slices.Equal(got, want) {
				t.Errorf("resumed: status %q, identical to an uninterrupted run %t", in.Status, slices.Equal(got, want))
			}
		})
	}
	// Another preset than the run's is another configuration.
	ch := startChild(t, "--quick", "--seed", "8", "--set", "samples=40", "--set", "sleep_ms=20", "--out", "c.h5")
	ch.waitFor(t, "progress", 2)
	ch.cmd.Process.Signal(syscall.SIGINT)
	ch.wait()
	code, _, e := runDemoArgs("--preset", "wide", "--seed", "8", "--set", "samples=40", "--set", "sleep_ms=20", "--out", "c.h5", "--resume")
	if code != cli.ExitUsage || !strings.Contains(e, "width: stored 2, now 64") {
		t.Errorf("resume with another preset: exit %d\n%s", code, e)
	}
}

// --from and --resume on a file another experiment wrote say which one.
func TestOtherExperimentsFile(t *testing.T) {
	dir := t.TempDir()
	other := filepath.Join(dir, "other.h5")
	f, err := h5io.Create(other, h5io.Meta{Experiment: "phi4", Config: "seed: 1\nkappa: 0.27\n", Seed: 1}, h5io.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	f.SetStatus(h5io.StatusInterrupted)
	f.Close()
	for _, args := range [][]string{
		{"--from", other, "--out", filepath.Join(dir, "x.h5")},
		{"--resume", "--out", other},
	} {
		code, _, e := runDemoArgs(args...)
		if code != cli.ExitUsage || !strings.Contains(e, "written by phi4, not by demo") {
			t.Errorf("%v: exit %d\n%s", args, code, e)
		}
	}
}
