// Copyright ©2026 The rgflow Authors. All rights reserved.

package cli_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"rgflow/internal/h5io"
)

// A forced run writes beside the old file and replaces it only when
// complete: killing it leaves the old file whole, and --resume with the same
// command finishes the new run and then replaces the old file.
func TestForceKeepsOldFileUntilComplete(t *testing.T) {
	t.Setenv("HDF5_USE_FILE_LOCKING", "FALSE")
	dir := t.TempDir()
	out, ref := filepath.Join(dir, "run.h5"), filepath.Join(dir, "ref.h5")
	if code, _, e := runDemoArgs("--out", out, "--seed", "1", "--set", "samples=10", "--quiet"); code != 0 {
		t.Fatalf("first run: %d\n%s", code, e)
	}
	old, _ := readValues(t, out)
	args := []string{"--seed", "2", "--set", "samples=60", "--set", "sleep_ms=10", "--checkpoint-every", "30ms"}
	if code, _, e := runDemoArgs(append(args, "--out", ref, "--quiet")...); code != 0 {
		t.Fatalf("reference run: %d\n%s", code, e)
	}
	want, _ := readValues(t, ref)

	c := startChild(t, append(args, "--out", out, "--force", "--log-format", "json")...)
	c.waitFor(t, "checkpoint saved", 2)
	c.cmd.Process.Signal(syscall.SIGKILL)
	c.wait()
	got, in := readValues(t, out)
	if in.Status != h5io.StatusComplete || !slices.Equal(got, old) {
		t.Fatalf("a killed --force run touched the old file: status %q, identical %t", in.Status, slices.Equal(got, old))
	}
	if _, err := os.Stat(h5io.PartialPath(out)); err != nil {
		t.Fatalf("the killed forced run left no partial file: %v", err)
	}

	if code, _, e := runDemoArgs(append(args, "--out", out, "--force", "--resume", "--quiet")...); code != 0 {
		t.Fatalf("resume of the forced run: %d\n%s", code, e)
	}
	got, in = readValues(t, out)
	if in.Status != h5io.StatusComplete || !slices.Equal(got, want) {
		t.Errorf("after resume: status %q, identical to the reference %t", in.Status, slices.Equal(got, want))
	}
	for _, p := range []string{h5io.PartialPath(out), h5io.LockPath(out)} {
		if _, err := os.Stat(p); err == nil {
			t.Errorf("%s left behind", p)
		}
	}
}

// With HDF5's file locking off (as the Slurm scripts run), a second writer
// of a file that a run is writing is refused by rgflow's own lock, with a
// message naming the holder, and touches nothing: the first run completes
// with the data of an undisturbed run.
func TestSecondWriterRefused(t *testing.T) {
	t.Setenv("HDF5_USE_FILE_LOCKING", "FALSE")
	dir := t.TempDir()
	out, ref := filepath.Join(dir, "run.h5"), filepath.Join(dir, "ref.h5")
	args := []string{"--seed", "3", "--set", "samples=100", "--set", "sleep_ms=20"}
	if code, _, e := runDemoArgs(append(args, "--out", ref, "--quiet")...); code != 0 {
		t.Fatalf("reference run: %d\n%s", code, e)
	}
	want, _ := readValues(t, ref)

	a := startChild(t, append(args, "--out", out, "--log-format", "json")...)
	a.waitFor(t, "progress", 1)
	holder := fmt.Sprintf("pid %d", a.cmd.Process.Pid)
	for _, extra := range [][]string{{"--force"}, {"--resume"}, {"--force", "--resume"}} {
		b := startChild(t, append(append(args, "--out", out, "--log-format", "json"), extra...)...)
		code := b.wait()
		if code == 0 || !strings.Contains(b.stderr.String(), holder) || !strings.Contains(b.stderr.String(), "being written") {
			t.Errorf("second writer %v: exit %d, want a refusal naming %s\n%s", extra, code, holder, b.stderr.String())
		}
	}
	if code := a.wait(); code != 0 {
		t.Fatalf("first run: exit %d\n%s", code, a.stderr.String())
	}
	got, in := readValues(t, out)
	if in.Status != h5io.StatusComplete || !slices.Equal(got, want) {
		t.Errorf("first run's file: status %q, identical to the reference %t", in.Status, slices.Equal(got, want))
	}
	if st := h5pyStatus(t, out); st != "" && st != "complete 100" {
		t.Errorf("h5py sees %q", st)
	}
}

// --version names a real release and revision also in a binary that no
// Makefile stamped (this test binary, like go run's).
func TestVersionIsReal(t *testing.T) {
	code, o, _ := runDemoArgs("--version")
	if code != 0 || strings.Contains(o, "0.0.0-dev") {
		t.Errorf("--version: exit %d, %q", code, o)
	}
	if _, err := exec.LookPath("git"); err == nil && exec.Command("git", "rev-parse", "HEAD").Run() == nil && strings.Contains(o, "revision unknown") {
		t.Errorf("--version in a git checkout: %q", o)
	}
}
