// Copyright ©2026 The rgflow Authors. All rights reserved.

package cli_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"rgflow/internal/cli"
	"rgflow/internal/h5io"
)

// TestMain makes this test binary the demo program when re-executed by the
// signal tests.
func TestMain(m *testing.M) {
	if os.Getenv("CLITEST_DEMO_MAIN") == "1" {
		os.Exit(demoMain(context.Background(), os.Args[1:]))
	}
	os.Exit(m.Run())
}

func runDemoArgs(args ...string) (code int, stdout, stderr string) {
	var o, e bytes.Buffer
	code = cli.Main(context.Background(), args, &o, &e, demo)
	return code, o.String(), e.String()
}

func readValues(t *testing.T, path string) ([]float64, h5io.Info) {
	t.Helper()
	f, err := h5io.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	in, err := f.Info()
	if err != nil {
		t.Fatal(err)
	}
	d, err := f.OpenDataset("/demo/values")
	if err != nil {
		t.Fatal(err)
	}
	var v []float64
	if _, err := d.Read(&v); err != nil {
		t.Fatal(err)
	}
	return v, in
}

func TestExitCodes(t *testing.T) {
	dir := t.TempDir()
	existing := filepath.Join(dir, "existing.h5")
	if code, _, e := runDemoArgs("--out", existing, "--seed", "1", "--quiet"); code != 0 {
		t.Fatalf("setup run: %d\n%s", code, e)
	}
	cfg := filepath.Join(dir, "c.yaml")
	os.WriteFile(cfg, []byte("samples: 3\nwidht: 2\n"), 0o644)
	for _, c := range []struct {
		name string
		args []string
		code int
		want string // in stdout+stderr
	}{
		{"help", []string{"--help"}, 0, "--resume"},
		{"short help", []string{"-h"}, 0, "docs/cli.md"},
		{"version", []string{"--version"}, 0, "revision"},
		{"print config", []string{"--print-config", "--set", "samples=4"}, 0, "samples: 4"},
		{"bad flag", []string{"--nope"}, 2, "unknown flag: --nope"},
		{"positional", []string{"extra"}, 2, `unexpected argument "extra"`},
		{"unknown key", []string{"--set", "sample=3"}, 2, `did you mean "samples"`},
		{"bad value", []string{"--set", "samples=0", "--set", "width=-1"}, 2, "samples = 0: allowed ≥ 1"},
		{"bad type", []string{"--seed", "abc"}, 2, "invalid argument \"abc\""},
		{"file typo", []string{"--config", cfg}, 2, `unknown key "widht"`},
		{"missing config", []string{"--config", filepath.Join(dir, "none.yaml")}, 2, "none.yaml"},
		{"missing --from", []string{"--from", filepath.Join(dir, "none.h5"), "--out", filepath.Join(dir, "x.h5")}, 2, "none.h5"},
		{"from and resume", []string{"--from", existing, "--resume"}, 2, "exclude each other"},
		{"out exists", []string{"--out", existing}, 2, "the file exists"},
		{"resume missing", []string{"--resume", "--out", filepath.Join(dir, "none.h5")}, 2, "no such file"},
		{"resume complete", []string{"--resume", "--out", existing, "--seed", "1"}, 2, "already complete"},
		{"out is a dir", []string{"--out", dir}, 2, "is a directory"},
		{"bad log format", []string{"--out", filepath.Join(dir, "lf.h5"), "--log-format", "xml"}, 2, "--log-format"},
		{"run fails", []string{"--out", filepath.Join(dir, "fail.h5"), "--set", "fail_at=2"}, 1, "failing at row 2"},
		{"run ok", []string{"--out", filepath.Join(dir, "ok.h5"), "--set", "samples=3"}, 0, "complete"},
		{"force overwrite", []string{"--out", existing, "--force", "--seed", "1"}, 0, "complete"},
		{"quick preset", []string{"--quick", "--print-config"}, 0, "samples: 3"},
		{"named preset", []string{"--preset", "wide", "--print-config"}, 0, "width: 64"},
		{"preset then set", []string{"--quick", "--set", "samples=5", "--print-config"}, 0, "samples: 5"},
		{"unknown preset", []string{"--preset", "huge"}, 2, "allowed quick, wide"},
		{"quick and preset", []string{"--quick", "--preset", "wide"}, 2, "exclude each other"},
		{"preset and resume", []string{"--preset", "wide", "--resume", "--out", existing}, 2, "already complete"},
	} {
		code, o, e := runDemoArgs(c.args...)
		if code != c.code || !strings.Contains(o+e, c.want) {
			t.Errorf("%s: %v → exit %d, want %d mentioning %q\nstdout: %s\nstderr: %s", c.name, c.args, code, c.code, c.want, o, e)
		}
	}
	// A failed run leaves a file that says so.
	f, err := h5io.Open(filepath.Join(dir, "fail.h5"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	in, _ := f.Info()
	var msg string
	f.Attr("/", "error", &msg)
	if in.Status != h5io.StatusFailed || !strings.Contains(msg, "failing at row 2") {
		t.Errorf("failed run: status %q, error %q", in.Status, msg)
	}
}

// --help explains every flag and every configuration key.
func TestHelpListsEverything(t *testing.T) {
	_, o, _ := runDemoArgs("--help")
	for _, w := range []string{"--config", "--set", "--out", "--seed", "--from", "--resume", "--force", "--print-config",
		"--quiet", "--log-format", "--plots", "--plot-format", "--checkpoint-every", "--cpuprofile", "--version",
		"samples", "width", "sleep_ms", "fail_at", "RGFLOW_", "Exit status", "docs/cli.md",
		"--preset", "--quick", "Presets", "three narrow rows"} {
		if !strings.Contains(o, w) {
			t.Errorf("help lacks %q:\n%s", w, o)
		}
	}
}

// The file stores the resolved configuration; --from repeats the run from
// it bit for bit; environment settings reach the file.
func TestConfigStoredAndRepeated(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.h5"), filepath.Join(dir, "b.h5")
	t.Setenv("RGFLOW_WIDTH", "3")
	if code, _, e := runDemoArgs("--out", a, "--set", "samples=5", "--quiet"); code != 0 {
		t.Fatalf("run a: %d\n%s", code, e)
	}
	va, ia := readValues(t, a)
	if len(va) != 15 || ia.Seed == 0 || !strings.Contains(ia.Config, "width: 3") || !strings.Contains(ia.Config, fmt.Sprintf("seed: %d", ia.Seed)) {
		t.Fatalf("run a: %d values, seed %d, config\n%s", len(va), ia.Seed, ia.Config)
	}
	os.Unsetenv("RGFLOW_WIDTH")
	if code, _, e := runDemoArgs("--from", a, "--out", b, "--quiet"); code != 0 {
		t.Fatalf("run b: %d\n%s", code, e)
	}
	vb, ib := readValues(t, b)
	if !slices.Equal(va, vb) || ib.Seed != ia.Seed {
		t.Errorf("--from did not repeat the run: seeds %d %d", ia.Seed, ib.Seed)
	}
	if strings.Replace(ib.Config, "b.h5", "a.h5", 1) != ia.Config {
		t.Errorf("configs differ beyond out:\n%s\n---\n%s", ia.Config, ib.Config)
	}
}

// Several runs write separate files at once (go test -race).
func TestConcurrentRuns(t *testing.T) {
	dir := t.TempDir()
	var wg sync.WaitGroup
	codes := make([]int, 4)
	for i := range codes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			codes[i], _, _ = runDemoArgs("--out", filepath.Join(dir, fmt.Sprintf("r%d.h5", i)), "--seed", "5", "--set", "samples=30", "--quiet")
		}()
	}
	wg.Wait()
	ref, _ := readValues(t, filepath.Join(dir, "r0.h5"))
	for i, c := range codes {
		if c != 0 {
			t.Errorf("run %d: exit %d", i, c)
			continue
		}
		v, _ := readValues(t, filepath.Join(dir, fmt.Sprintf("r%d.h5", i)))
		if !slices.Equal(v, ref) {
			t.Errorf("run %d differs from run 0 with the same seed", i)
		}
	}
}

// Non-terminal output is structured slog records; JSON parses line by line.
func TestJSONLogs(t *testing.T) {
	out := filepath.Join(t.TempDir(), "j.h5")
	code, _, e := runDemoArgs("--out", out, "--log-format", "json", "--set", "samples=10")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, e)
	}
	var msgs []string
	number := func(rec map[string]any, k string) bool { _, ok := rec[k].(float64); return ok }
	for _, line := range strings.Split(strings.TrimSpace(e), "\n") {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("not JSON: %q", line)
		}
		msgs = append(msgs, rec["msg"].(string))
		final := rec["final"] == true
		if rec["msg"] == "progress" && (rec["stage"] != "sample" || !number(rec, "rate_per_s") || rec["unit"] != "rows" || rec["step"].(float64) > 0 && (rec["mean"] == nil || !final && !number(rec, "eta_s"))) {
			t.Errorf("progress record lacks stage, numeric rate_per_s and eta_s, unit or figures: %v", rec)
		}
		if final && (!number(rec, "elapsed_s") || rec["step"] != rec["total"]) {
			t.Errorf("final progress record: %v", rec)
		}
		if rec["msg"] == "complete" && !number(rec, "elapsed_s") {
			t.Errorf("complete record: %v", rec)
		}
	}
	if n := strings.Count(e, `"final":true`); n != 1 {
		t.Errorf("%d final progress records for one bar", n)
	}
	if n := strings.Count(e, `"msg":"stage done"`); n != 0 {
		t.Errorf("%d stage done records from a progress bar (stages log their own)", n)
	}
	for _, w := range []string{"starting", "progress", "complete"} {
		if !slices.Contains(msgs, w) {
			t.Errorf("no %q record in %v", w, msgs)
		}
	}
}

// On a terminal: a progress bar with rate and ETA, and plots by default.
func TestTerminalBarAndPlots(t *testing.T) {
	out := filepath.Join(t.TempDir(), "t.h5")
	var o, e bytes.Buffer
	code := cli.MainTerminal(context.Background(), []string{"--out", out, "--set", "samples=40", "--set", "sleep_ms=5"}, &o, &e, demo)
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, e.String())
	}
	s := e.String()
	for _, w := range []string{"\r\x1b[K", "sample", "rows/s", "ETA", "40/40", "█"} {
		if !strings.Contains(s, w) {
			t.Errorf("terminal output lacks %q:\n%q", w, s)
		}
	}
	png1 := strings.TrimSuffix(out, ".h5") + "_values.png"
	fh, err := os.Open(png1)
	if err != nil {
		t.Fatalf("plot not written: %v", err)
	}
	defer fh.Close()
	img, err := png.Decode(fh)
	if err != nil || img.Bounds().Dx() < 100 {
		t.Errorf("plot %s: %v", png1, err)
	}
}

// A batch run (no terminal) writes its plots too, as PNG and SVG by
// default; --plot-format picks the formats, --plots=false writes none, and
// a format that does not exist is a usage error naming the allowed ones.
func TestBatchPlots(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		args []string
		want []string
		none []string
	}{
		{nil, []string{".png", ".svg"}, []string{".pdf"}},
		{[]string{"--plot-format", "pdf"}, []string{".pdf"}, []string{".png", ".svg"}},
		{[]string{"--plots=false"}, nil, []string{".png", ".svg", ".pdf"}},
	} {
		out := filepath.Join(t.TempDir(), "b.h5")
		code, _, e := runDemoArgs(append([]string{"--out", out, "--set", "samples=10", "--quiet"}, c.args...)...)
		if code != 0 {
			t.Fatalf("%v: exit %d\n%s", c.args, code, e)
		}
		stem := strings.TrimSuffix(out, ".h5") + "_values"
		for _, x := range c.want {
			if fi, err := os.Stat(stem + x); err != nil || fi.Size() < 1000 {
				t.Errorf("%v: plot %s%s: %v", c.args, stem, x, err)
			}
		}
		for _, x := range c.none {
			if _, err := os.Stat(stem + x); err == nil {
				t.Errorf("%v: plot %s%s written", c.args, stem, x)
			}
		}
	}
	code, _, e := runDemoArgs("--out", filepath.Join(dir, "c.h5"), "--plot-format", "png+gif")
	if code != 2 || !strings.Contains(e, "allowed png, svg, pdf, eps") {
		t.Errorf("--plot-format png+gif: exit %d\n%s", code, e)
	}
}

// --cpuprofile writes a gzipped pprof profile; a path that cannot be
// created is a usage error before any output file exists.
func TestCPUProfile(t *testing.T) {
	dir := t.TempDir()
	prof := filepath.Join(dir, "cpu.pprof")
	if code, _, e := runDemoArgs("--out", filepath.Join(dir, "a.h5"), "--plots=false", "--cpuprofile", prof); code != 0 {
		t.Fatalf("exit %d\n%s", code, e)
	}
	b, err := os.ReadFile(prof)
	if err != nil || len(b) < 2 || b[0] != 0x1f || b[1] != 0x8b {
		t.Errorf("profile %s: %d bytes, err %v: want a gzipped pprof file", prof, len(b), err)
	}
	out := filepath.Join(dir, "b.h5")
	code, _, e := runDemoArgs("--out", out, "--cpuprofile", filepath.Join(dir, "missing", "cpu.pprof"))
	if code != 2 || !strings.Contains(e, "--cpuprofile") {
		t.Errorf("unwritable profile: exit %d\n%s", code, e)
	}
	if _, err := os.Stat(out); err == nil {
		t.Errorf("unwritable profile: %s was created", out)
	}
}

// child starts the demo as a separate process.
type child struct {
	cmd    *exec.Cmd
	lines  chan string
	stderr bytes.Buffer
	mu     sync.Mutex
}

func startChild(t *testing.T, args ...string) *child {
	t.Helper()
	c := &child{cmd: exec.Command(os.Args[0], args...), lines: make(chan string, 1024)}
	c.cmd.Env = append(os.Environ(), "CLITEST_DEMO_MAIN=1")
	pipe, err := c.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := c.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		sc := bufio.NewScanner(pipe)
		for sc.Scan() {
			c.mu.Lock()
			c.stderr.WriteString(sc.Text() + "\n")
			c.mu.Unlock()
			select {
			case c.lines <- sc.Text():
			default:
			}
		}
		close(c.lines)
	}()
	return c
}

// waitFor waits until n log lines contain s.
func (c *child) waitFor(t *testing.T, s string, n int) {
	t.Helper()
	timeout := time.After(60 * time.Second)
	for n > 0 {
		select {
		case l, ok := <-c.lines:
			if !ok {
				t.Fatalf("child exited before logging %q", s)
			}
			if strings.Contains(l, s) {
				n--
			}
		case <-timeout:
			t.Fatalf("child did not log %q in time", s)
		}
	}
}

func (c *child) wait() int {
	c.cmd.Wait()
	for range c.lines {
	}
	return c.cmd.ProcessState.ExitCode()
}

func python() string {
	if p := os.Getenv("PYTHON"); p != "" {
		return p
	}
	return "/usr/bin/python3"
}

// h5pyStatus opens the file with Debian's h5py and returns its status and
// the number of rows of /demo/values.
func h5pyStatus(t *testing.T, path string) string {
	t.Helper()
	if err := exec.Command(python(), "-c", "import h5py").Run(); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("h5py is not importable by %s: %v", python(), err)
		}
		t.Logf("h5py not available (%v): checking with the Go reader only", err)
		return ""
	}
	out, err := exec.Command(python(), "-c", `
import sys, h5py
with h5py.File(sys.argv[1], "r") as f:
    print(f.attrs["status"], f["demo/values"].shape[0])
`, path).CombinedOutput()
	if err != nil {
		t.Fatalf("h5py cannot open %s: %v\n%s", path, err, out)
	}
	return strings.TrimSpace(string(out))
}

// A run killed with SIGKILL leaves a file that h5py opens, whose status is
// not complete and whose rows are a prefix of the uninterrupted run's;
// --resume then completes it with exactly the uninterrupted run's data.
func TestKillLeavesReadableFile(t *testing.T) {
	dir := t.TempDir()
	ref := filepath.Join(dir, "ref.h5")
	args := []string{"--seed", "11", "--set", "samples=60", "--set", "sleep_ms=10", "--checkpoint-every", "30ms"}
	if code, _, e := runDemoArgs(append(args, "--out", ref, "--quiet")...); code != 0 {
		t.Fatalf("reference run: %d\n%s", code, e)
	}
	want, _ := readValues(t, ref)

	out := filepath.Join(dir, "killed.h5")
	c := startChild(t, append(args, "--out", out, "--log-format", "json")...)
	c.waitFor(t, "checkpoint saved", 3)
	c.cmd.Process.Signal(syscall.SIGKILL)
	c.wait()

	st := h5pyStatus(t, out)
	if st != "" && !strings.HasPrefix(st, "running ") {
		t.Errorf("h5py sees %q, want status running", st)
	}
	got, in := readValues(t, out)
	if in.Status == h5io.StatusComplete || len(got) == 0 || len(got) >= len(want) || !slices.Equal(got, want[:len(got)]) {
		t.Fatalf("killed file: status %q, %d of %d values, prefix %t", in.Status, len(got), len(want), slices.Equal(got, want[:min(len(got), len(want))]))
	}
	t.Logf("killed after %d of %d rows (h5py: %s)", len(got)/8, len(want)/8, st)

	if code, _, e := runDemoArgs(append(args, "--out", out, "--resume", "--quiet")...); code != 0 {
		t.Fatalf("resume: %d\n%s", code, e)
	}
	got, in = readValues(t, out)
	if in.Status != h5io.StatusComplete || !slices.Equal(got, want) {
		t.Errorf("resumed after SIGKILL: status %q, identical %t", in.Status, slices.Equal(got, want))
	}
}

// SIGINT (and SIGTERM, SIGUSR1) stop the run at a safe point with a
// checkpoint and exit 3; --resume finishes it with the same bits as an
// uninterrupted run.
func TestSignalThenResume(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGUSR1} {
		t.Run(sig.String(), func(t *testing.T) {
			dir := t.TempDir()
			ref := filepath.Join(dir, "ref.h5")
			args := []string{"--seed", "23", "--set", "samples=50", "--set", "sleep_ms=10"}
			if code, _, e := runDemoArgs(append(args, "--out", ref, "--quiet")...); code != 0 {
				t.Fatalf("reference run: %d\n%s", code, e)
			}
			want, _ := readValues(t, ref)

			out := filepath.Join(dir, "int.h5")
			c := startChild(t, append(args, "--out", out)...)
			c.waitFor(t, "progress", 2)
			c.cmd.Process.Signal(sig)
			if code := c.wait(); code != cli.ExitInterrupted {
				t.Fatalf("exit %d after %v, want %d\n%s", code, sig, cli.ExitInterrupted, c.stderr.String())
			}
			got, in := readValues(t, out)
			if in.Status != h5io.StatusInterrupted || len(got) >= len(want) || !slices.Equal(got, want[:len(got)]) {
				t.Fatalf("interrupted file: status %q, %d of %d values", in.Status, len(got), len(want))
			}
			if st := h5pyStatus(t, out); st != "" && !strings.HasPrefix(st, "interrupted ") {
				t.Errorf("h5py sees %q", st)
			}
			// Resuming with different settings is refused.
			if code, _, e := runDemoArgs(append(args, "--out", out, "--resume", "--set", "width=2")...); code != 2 || !strings.Contains(e, "width: stored 8, now 2") {
				t.Errorf("resume with other settings: exit %d\n%s", code, e)
			}
			if code, _, e := runDemoArgs(append(args, "--out", out, "--resume", "--quiet")...); code != 0 {
				t.Fatalf("resume: %d\n%s", code, e)
			}
			got, in = readValues(t, out)
			if in.Status != h5io.StatusComplete || !slices.Equal(got, want) {
				t.Errorf("resumed: status %q, %d values, identical %t", in.Status, len(got), slices.Equal(got, want))
			}
		})
	}
}

// A second SIGINT ends a run that has not reached its safe point yet, at
// once, with the signal's default action; the file stays readable and says
// running.
func TestSecondSignalExitsAtOnce(t *testing.T) {
	out := filepath.Join(t.TempDir(), "s.h5")
	c := startChild(t, "--out", out, "--seed", "1", "--set", "samples=5", "--set", "sleep_ms=30000")
	c.waitFor(t, "starting", 1)
	time.Sleep(100 * time.Millisecond)
	c.cmd.Process.Signal(syscall.SIGINT)
	c.waitFor(t, "signal received", 1)
	start := time.Now()
	c.cmd.Process.Signal(syscall.SIGINT)
	c.wait()
	ws := c.cmd.ProcessState.Sys().(syscall.WaitStatus)
	if !ws.Signaled() || ws.Signal() != syscall.SIGINT || time.Since(start) > 10*time.Second {
		t.Fatalf("after a second SIGINT: %v after %v\n%s", c.cmd.ProcessState, time.Since(start), c.stderr.String())
	}
	f, err := h5io.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if in, _ := f.Info(); in.Status != h5io.StatusRunning {
		t.Errorf("status %q, want running", in.Status)
	}
}
