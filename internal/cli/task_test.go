// Copyright ©2026 The rgflow Authors. All rights reserved.

package cli_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"rgflow/internal/cli"
	"rgflow/internal/h5io"
	"rgflow/internal/sweep"
)

// studyYAML is a demo study: width × samples, two replicas, base seed 11.
const studyYAML = `seed: 11
sleep_ms: %d
sweep:
  experiment: demo
  axes:
    - key: width
      values: [2, 3]
    - key: samples
      values: [4, 5]
  replicas: 2
`

func writeStudy(t *testing.T, dir string, sleep int, extra string) string {
	t.Helper()
	p := filepath.Join(dir, "study.yaml")
	if err := os.WriteFile(p, []byte(fmt.Sprintf(studyYAML, sleep)+extra), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func rootAttrs(t *testing.T, path string) map[string]any {
	t.Helper()
	f, err := h5io.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m := map[string]any{}
	for _, name := range []string{sweep.AttrTask, sweep.AttrPoint, sweep.AttrReplica, sweep.AttrTasks} {
		var v int64
		if err := f.Attr("/", name, &v); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		m[name] = v
	}
	var base uint64
	if err := f.Attr("/", sweep.AttrBaseSeed, &base); err != nil {
		t.Fatal(err)
	}
	m[sweep.AttrBaseSeed] = base
	for _, name := range []string{sweep.AttrKeys, sweep.AttrValues} {
		var s string
		if err := f.Attr("/", name, &s); err != nil {
			t.Fatal(err)
		}
		var l []string
		if err := json.Unmarshal([]byte(s), &l); err != nil {
			t.Fatalf("%s = %q: %v", name, s, err)
		}
		m[name] = strings.Join(l, " ")
	}
	return m
}

// --task N runs point N: its values applied exactly as --set overrides, its
// seed derived from (base seed, point, replica), its file task-NNNN.h5 in
// the study directory with its place in the sweep at the root. The same
// run made by hand with --set and --seed writes the same numbers.
func TestTaskIsItsOverrides(t *testing.T) {
	dir := t.TempDir()
	study := writeStudy(t, dir, 0, "")
	out := filepath.Join(dir, "study")
	if code, _, e := runDemoArgs("--config", study, "--task", "5", "--out", out, "--quiet"); code != 0 {
		t.Fatalf("task 5: exit %d\n%s", code, e)
	}
	file := filepath.Join(out, "task-0005.h5")
	got, info := readValues(t, file)
	// Task 5 = point 2, replica 1; point 2 = (width 3, samples 4).
	spec := sweep.Spec{Axes: []sweep.Axis{{Key: "width", Values: []any{2, 3}}, {Key: "samples", Values: []any{4, 5}}}, Replicas: 2}
	p, _ := spec.Point(5)
	if info.Seed != p.Seed(11) || len(got) != 3*4 {
		t.Fatalf("task 5: seed %d (want %d), %d values (want 12)", info.Seed, p.Seed(11), len(got))
	}
	if strings.Contains(info.Config, "sweep") || !strings.Contains(info.Config, "width: 3") || !strings.Contains(info.Config, "samples: 4") ||
		!strings.Contains(info.Config, "out: "+file) {
		t.Errorf("stored configuration:\n%s", info.Config)
	}
	want := map[string]any{sweep.AttrTask: int64(5), sweep.AttrPoint: int64(2), sweep.AttrReplica: int64(1), sweep.AttrTasks: int64(8),
		sweep.AttrBaseSeed: uint64(11), sweep.AttrKeys: "width samples", sweep.AttrValues: "3 4"}
	if a := rootAttrs(t, file); fmt.Sprint(a) != fmt.Sprint(want) {
		t.Errorf("root attributes %v, want %v", a, want)
	}
	byHand := filepath.Join(dir, "hand.h5")
	if code, _, e := runDemoArgs("--set", "width=3", "--set", "samples=4", "--seed", fmt.Sprint(p.Seed(11)), "--out", byHand, "--quiet"); code != 0 {
		t.Fatalf("by hand: %d\n%s", code, e)
	}
	if hand, _ := readValues(t, byHand); !slices.Equal(hand, got) {
		t.Error("task 5 differs from the same run made with --set and --seed")
	}
	// --from repeats the task from its file alone.
	again := filepath.Join(dir, "again.h5")
	if code, _, e := runDemoArgs("--from", file, "--out", again, "--quiet"); code != 0 {
		t.Fatalf("--from task file: %d\n%s", code, e)
	}
	if v, _ := readValues(t, again); !slices.Equal(v, got) {
		t.Error("--from the task's file did not repeat it")
	}
	// The replica of the same point has another seed and other numbers.
	if code, _, e := runDemoArgs("--config", study, "--task", "4", "--out", out, "--quiet"); code != 0 {
		t.Fatalf("task 4: %d\n%s", code, e)
	}
	if v, in := readValues(t, filepath.Join(out, "task-0004.h5")); in.Seed == info.Seed || slices.Equal(v, got) {
		t.Error("replicas 0 and 1 of point 2 share their numbers")
	}
}

// $SLURM_ARRAY_TASK_ID selects the task when the configuration has a
// sweep; without one the run is an ordinary run.
func TestTaskFromSlurmEnvironment(t *testing.T) {
	dir := t.TempDir()
	study := writeStudy(t, dir, 0, "")
	t.Setenv(cli.TaskEnv, "3")
	out := filepath.Join(dir, "study")
	if code, _, e := runDemoArgs("--config", study, "--out", out, "--quiet"); code != 0 {
		t.Fatalf("exit %d\n%s", code, e)
	}
	if a := rootAttrs(t, filepath.Join(out, "task-0003.h5")); a[sweep.AttrTask] != int64(3) {
		t.Errorf("attributes %v", a)
	}
	plain := filepath.Join(dir, "plain.h5")
	if code, _, e := runDemoArgs("--out", plain, "--seed", "1", "--quiet"); code != 0 {
		t.Fatalf("plain run under $%s: %d\n%s", cli.TaskEnv, code, e)
	}
	t.Setenv(cli.TaskEnv, "x")
	if code, _, e := runDemoArgs("--config", study, "--out", out); code != 2 || !strings.Contains(e, "not a task number") {
		t.Errorf("bad $%s: exit %d\n%s", cli.TaskEnv, code, e)
	}
}

// --resume on a task: a missing file starts it, a complete one is skipped
// untouched, a complete one with another configuration is refused.
func TestTaskResumeSkipsComplete(t *testing.T) {
	dir := t.TempDir()
	study := writeStudy(t, dir, 0, "")
	out := filepath.Join(dir, "study")
	args := []string{"--config", study, "--task", "2", "--out", out, "--resume", "--quiet"}
	if code, _, e := runDemoArgs(args...); code != 0 {
		t.Fatalf("fresh task under --resume: %d\n%s", code, e)
	}
	file := filepath.Join(out, "task-0002.h5")
	st1, _ := os.Stat(file)
	_, info1 := readValues(t, file)
	code, _, e := runDemoArgs(args[:len(args)-1]...)
	if code != 0 || !strings.Contains(e, "is complete; nothing to do") {
		t.Fatalf("complete task: exit %d\n%s", code, e)
	}
	st2, _ := os.Stat(file)
	if _, info2 := readValues(t, file); !st2.ModTime().Equal(st1.ModTime()) || info2.Created != info1.Created {
		t.Error("a complete task's file was touched")
	}
	study2 := writeStudy(t, dir, 1, "")
	if code, _, e := runDemoArgs("--config", study2, "--task", "2", "--out", out, "--resume"); code != 2 ||
		!strings.Contains(e, "run with another configuration") || !strings.Contains(e, "sleep_ms: stored 0, now 1") {
		t.Errorf("complete task, other configuration: exit %d\n%s", code, e)
	}
	// Without --resume an existing task file is not overwritten.
	if code, _, e := runDemoArgs("--config", study, "--task", "2", "--out", out); code != 2 || !strings.Contains(e, "the file exists") {
		t.Errorf("existing task file without --resume: exit %d\n%s", code, e)
	}
}

// A task stopped by SIGUSR1 (Slurm's warning signal) exits 3 with a
// checkpoint, and the same command, which always carries --resume in the
// array script, finishes it with the bits of an uninterrupted task.
func TestTaskSignalResume(t *testing.T) {
	dir := t.TempDir()
	study := writeStudy(t, dir, 10, "")
	ref := filepath.Join(dir, "ref")
	if code, _, e := runDemoArgs("--config", study, "--task", "6", "--out", ref, "--resume", "--quiet"); code != 0 {
		t.Fatalf("reference: %d\n%s", code, e)
	}
	want, _ := readValues(t, filepath.Join(ref, "task-0006.h5"))

	out := filepath.Join(dir, "study")
	args := []string{"--config", study, "--task", "6", "--out", out, "--resume", "--log-format", "json"}
	c := startChild(t, args...)
	c.waitFor(t, "progress", 1)
	c.cmd.Process.Signal(syscall.SIGUSR1)
	if code := c.wait(); code != cli.ExitInterrupted {
		t.Fatalf("exit %d after SIGUSR1, want %d\n%s", code, cli.ExitInterrupted, c.stderr.String())
	}
	file := filepath.Join(out, "task-0006.h5")
	got, in := readValues(t, file)
	if in.Status != h5io.StatusInterrupted || len(got) >= len(want) {
		t.Fatalf("interrupted task: status %q, %d of %d values", in.Status, len(got), len(want))
	}
	c = startChild(t, args...)
	if code := c.wait(); code != 0 || !strings.Contains(c.stderr.String(), `"msg":"resuming"`) {
		t.Fatalf("resumed task: exit %d\n%s", code, c.stderr.String())
	}
	got, in = readValues(t, file)
	if in.Status != h5io.StatusComplete || !slices.Equal(got, want) {
		t.Errorf("resumed task: status %q, identical to the uninterrupted one %t", in.Status, slices.Equal(got, want))
	}
	if a := rootAttrs(t, file); a[sweep.AttrTask] != int64(6) || a[sweep.AttrValues] != "3 5" {
		t.Errorf("attributes after resume: %v", a)
	}
}

func TestTaskUsageErrors(t *testing.T) {
	dir := t.TempDir()
	study := writeStudy(t, dir, 0, "")
	out := filepath.Join(dir, "study")
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(text), 0o644)
		return p
	}
	noSweep := write("plain.yaml", "seed: 3\n")
	seed0 := write("seed0.yaml", strings.Replace(fmt.Sprintf(studyYAML, 0), "seed: 11", "seed: 0", 1))
	other := write("other.yaml", strings.Replace(fmt.Sprintf(studyYAML, 0), "experiment: demo", "experiment: phi4", 1))
	badAxis := write("bad.yaml", strings.Replace(fmt.Sprintf(studyYAML, 0), "key: width", "key: seed", 1))
	typo := write("typo.yaml", fmt.Sprintf(studyYAML, 0)+"  replica: 3\n")
	badPoint := write("badpoint.yaml", strings.Replace(fmt.Sprintf(studyYAML, 0), "values: [2, 3]", "values: [2, -1]", 1))
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"out is a file name", []string{"--config", study, "--task", "0", "--out", filepath.Join(dir, "x.h5")}, "out is the study directory"},
		{"task out of range", []string{"--config", study, "--task", "8", "--out", out}, "the sweep has tasks 0…7"},
		{"negative task", []string{"--config", study, "--task", "-1", "--out", out}, "out of range"},
		{"no sweep", []string{"--config", noSweep, "--task", "0", "--out", out}, "has no sweep section"},
		{"seed 0", []string{"--config", seed0, "--task", "0", "--out", out}, "fixed base seed"},
		{"other experiment", []string{"--config", other, "--task", "0", "--out", out}, `sweep.experiment = "phi4": this program is demo`},
		{"sweeping the seed", []string{"--config", badAxis, "--task", "0", "--out", out}, `"seed" cannot be swept`},
		{"typo in the sweep", []string{"--config", typo, "--task", "0", "--out", out}, "replica"},
		{"--set a swept key", []string{"--config", study, "--task", "0", "--out", out, "--set", "width=7"}, "the sweep varies this key"},
		{"--from", []string{"--config", study, "--task", "0", "--out", out, "--from", study}, "exclude each other"},
		{"list with a bad point", []string{"--config", badPoint, "--list-tasks", "--out", out}, "point 2 (width=-1 samples=4): config: invalid setting: width = -1: allowed ≥ 1"},
	} {
		code, o, e := runDemoArgs(c.args...)
		if code != cli.ExitUsage || !strings.Contains(o+e, c.want) {
			t.Errorf("%s: exit %d, want 2 mentioning %q\nstdout: %s\nstderr: %s", c.name, code, c.want, o, e)
		}
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("a refused task created the study directory")
	}
}

// --list-tasks prints the table of sweep.Spec.Table and exits 0; the
// sweep's preset is the starting point of every task.
func TestListTasksAndPreset(t *testing.T) {
	dir := t.TempDir()
	study := writeStudy(t, dir, 0, "  preset: wide\n")
	code, o, e := runDemoArgs("--config", study, "--list-tasks", "--out", filepath.Join(dir, "s"))
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, e)
	}
	lines := strings.Split(strings.TrimSpace(o), "\n")
	if len(lines) != 10 || !strings.Contains(lines[0], "8 tasks (4 points × 2 replicas), base seed 11") ||
		!strings.Contains(lines[1], "width") || !strings.HasSuffix(lines[9], "task-0007.h5") {
		t.Errorf("table:\n%s", o)
	}
	// The preset (width 64) is overridden by the swept width, and keeps
	// the keys the sweep does not touch.
	yaml := filepath.Join(dir, "p.yaml")
	os.WriteFile(yaml, []byte("seed: 5\nsweep:\n  experiment: demo\n  preset: quick\n  axes: [{key: width, values: [5, 6]}]\n"), 0o644)
	code, o, e = runDemoArgs("--config", yaml, "--task", "1", "--out", filepath.Join(dir, "s"), "--print-config")
	if code != 0 || !strings.Contains(o, "width: 6") || !strings.Contains(o, "samples: 3") || !strings.Contains(o, "s/task-0001.h5") {
		t.Errorf("--print-config of a task: exit %d\n%s\n%s", code, o, e)
	}
	if code, _, e := runDemoArgs("--config", yaml, "--task", "1", "--out", filepath.Join(dir, "s"), "--preset", "wide"); code != 2 || !strings.Contains(e, "sweep says sweep.preset = quick") {
		t.Errorf("conflicting presets: exit %d\n%s", code, e)
	}
}

// A task killed outright (node failure, scancel) resumes from its last
// checkpoint under the same command and ends with the bits of an
// uninterrupted task.
func TestTaskKilledResumes(t *testing.T) {
	dir := t.TempDir()
	study := writeStudy(t, dir, 10, "")
	ref := filepath.Join(dir, "ref")
	if code, _, e := runDemoArgs("--config", study, "--task", "7", "--out", ref, "--quiet"); code != 0 {
		t.Fatalf("reference: %d\n%s", code, e)
	}
	want, _ := readValues(t, filepath.Join(ref, "task-0007.h5"))
	out := filepath.Join(dir, "study")
	args := []string{"--config", study, "--task", "7", "--out", out, "--resume", "--checkpoint-every", "5ms", "--log-format", "json"}
	c := startChild(t, args...)
	c.waitFor(t, "checkpoint saved", 2)
	c.cmd.Process.Signal(syscall.SIGKILL)
	c.wait()
	file := filepath.Join(out, "task-0007.h5")
	got, in := readValues(t, file)
	if in.Status != h5io.StatusRunning || len(got) >= len(want) {
		t.Fatalf("killed task: status %q, %d of %d values", in.Status, len(got), len(want))
	}
	if code, _, e := runDemoArgs(args...); code != 0 || !strings.Contains(e, `"has_checkpoint":true`) {
		t.Fatalf("resumed killed task: exit %d\n%s", code, e)
	}
	if got, in = readValues(t, file); in.Status != h5io.StatusComplete || !slices.Equal(got, want) {
		t.Errorf("resumed killed task: status %q, identical %t", in.Status, slices.Equal(got, want))
	}
}
