// Copyright ©2026 The rgflow Authors. All rights reserved.

package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"rgflow/experiments/internal/progtest"
	"rgflow/internal/h5io"
)

func TestMain(m *testing.M) {
	// The signal test re-executes this binary as the freefield program.
	if os.Getenv("FREEFIELD_TEST_MAIN") == "1" {
		os.Exit(program(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// program is freefield as a function of its command line.
var program = progtest.Of(experiment())

// TestExitCodes drives the program over {args → exit code}, as a user would.
func TestExitCodes(t *testing.T) {
	conv := progtest.Conventions{Help: "baseline_samples", Preset: "--quick", Printed: "dims:", Flag: []string{"--regulator", "litim"},
		Typo: "flow:\n  regulater: litim\n", TypoKey: "flow.regulater", Unknown: "d4", Presets: "quick, d1, d3"}
	program.ExitCodes(t, append(conv.Cases(t), []progtest.Case{
		{Name: "bad regulator", Args: []string{"--set", "flow.regulator=gauss"}, Code: 2, Want: "allowed fermi-dirac, exp, litim, sharp"},
		{Name: "force target without an action", Args: []string{"--set", "train.target=force"}, Code: 2, Want: "allowed denoising here"},
		{Name: "several problems", Args: []string{"--set", "field.m2=-1", "--set", "lattice.dims=[31,31]", "--set", "flow.zero_mode=keep"}, Code: 2, Want: "field.m2"},
		{Name: "levels vs extent", Args: []string{"--set", "lattice.dims=[31,31]"}, Code: 2, Want: "divisible by 2^(levels−1)"},
		{Name: "missing file", Args: []string{"--config", filepath.Join(t.TempDir(), "none.yaml")}, Code: 2, Want: "none.yaml"},
		{Name: "bad gradflow method", Args: []string{"--quick", "--set", "gradflow.methods=[mala,heun]"}, Code: 2, Want: "allowed euler, mala, fourier, fourier-mala"},
		{Name: "bad gradflow step", Args: []string{"--quick", "--set", "gradflow.step=0"}, Code: 2, Want: "gradflow.step"},
		{Name: "unstable euler step", Args: []string{"--quick", "--set", "gradflow.step=0.3"}, Code: 2, Want: "allowed < 2/(4d + m²) = 0.2424"},
	}...))
}

// TestQuickRunReadByH5py runs the quick configuration end to end and checks
// the file with Debian's h5py as an external tool would (layout, scales,
// closed forms), then checks the summary names every acceptance check.
func TestQuickRunReadByH5py(t *testing.T) {
	out := filepath.Join(t.TempDir(), "quick.h5")
	code, o, e := program.Run("--quick", "--out", out, "--seed", "7", "--quiet", "--plots")
	if code != 0 {
		t.Fatalf("quick run: exit %d\nstdout: %s\nstderr: %s", code, o, e)
	}
	progtest.Contains(t, o, "acceptance checks", "flow: energy–dissipation identity", "gradflow mala: final spectrum vs equilibrium", "gradflow euler: smallest spectrum p-value", "gradflow mala: acceptance", "learned: worst shell", "inverse_rg_exact", "ddpm", "stage")
	progtest.Plots(t, out, "spectra", "spectrum_ratio", "flow_kl", "flow_w2", "flow_dissipation", "gradflow_free_energy", "gradflow_w2", "training", "denoise_mse", "fields", "log_weights")
	progtest.CheckH5py(t, out)
	progtest.CheckSchema(t, out)
	progtest.CheckXDMF(t, out)
	progtest.CheckCF(t, out)
}

// TestInterruptAndResume interrupts a run with SIGINT during training,
// resumes it with --resume, and checks that every dataset equals, bit for
// bit, that of an uninterrupted run with the same seed.
func TestInterruptAndResume(t *testing.T) {
	dir := t.TempDir()
	// Long enough training that the signal lands inside it.
	common := []string{"--quick", "--seed", "11", "--log-format", "json", "--set", "train.steps=1500", "--set", "train.min_steps=1500", "--set", "train.eval_every=50"}
	full := filepath.Join(dir, "full.h5")
	code, o, e := program.Run(append(common, "--out", full)...)
	if code != 0 {
		t.Fatalf("uninterrupted run: exit %d\n%s\n%s", code, o, e)
	}
	checkProgressReachesTotals(t, e)

	part := filepath.Join(dir, "part.h5")
	cmd := exec.Command(os.Args[0], append(common, "--out", part)...)
	cmd.Env = append(os.Environ(), "FREEFIELD_TEST_MAIN=1")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout = io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(stderr)
	sent := false
	var log strings.Builder
	for sc.Scan() {
		line := sc.Text()
		log.WriteString(line + "\n")
		// The first progress record of the training stage: training runs.
		if !sent && strings.Contains(line, `"stage":"train learned"`) && strings.Contains(line, `"msg":"progress"`) {
			cmd.Process.Signal(syscall.SIGINT)
			sent = true
		}
	}
	err = cmd.Wait()
	code = cmd.ProcessState.ExitCode()
	if !sent || code != 3 {
		t.Fatalf("interrupted run: signal sent %v, exit %d (%v), want 3\n%s", sent, code, err, log.String())
	}
	f, err := h5io.Open(part)
	if err != nil {
		t.Fatal(err)
	}
	in, _ := f.Info()
	f.Close()
	if in.Status != h5io.StatusInterrupted {
		t.Fatalf("interrupted file has status %q", in.Status)
	}
	// --resume takes the configuration stored in the file.
	if code, o, e := program.Run("--out", part, "--resume", "--quiet"); code != 0 {
		t.Fatalf("resumed run: exit %d\n%s\n%s", code, o, e)
	}
	compareFiles(t, full, part)
}

// checkProgressReachesTotals checks the JSON log of a completed run: every
// stage's bar ends with a final progress record whose step is its total
// (the flow's bar once ended at 0 of its snapshots), and the flow has one.
func checkProgressReachesTotals(t *testing.T, log string) {
	t.Helper()
	finals := map[string]bool{}
	for _, line := range strings.Split(strings.TrimSpace(log), "\n") {
		var rec map[string]any
		if json.Unmarshal([]byte(line), &rec) != nil || rec["msg"] != "progress" || rec["final"] != true {
			continue
		}
		stage, _ := rec["stage"].(string)
		finals[stage] = true
		if rec["step"] != rec["total"] {
			t.Errorf("stage %q ended its progress at %v of %v", stage, rec["step"], rec["total"])
		}
	}
	if !finals["flow"] {
		t.Errorf("no final progress record of the flow stage among %v", finals)
	}
}

// compareFiles checks that every dataset of a is in b with identical bits
// (the checkpoint group aside).
func compareFiles(t *testing.T, a, b string) {
	t.Helper()
	fa, err := h5io.Open(a)
	if err != nil {
		t.Fatal(err)
	}
	defer fa.Close()
	fb, err := h5io.Open(b)
	if err != nil {
		t.Fatal(err)
	}
	defer fb.Close()
	da, _ := fa.Datasets()
	db, _ := fb.Datasets()
	if !slices.Equal(filterCk(da), filterCk(db)) {
		t.Fatalf("dataset lists differ:\n%v\n%v", filterCk(da), filterCk(db))
	}
	n := 0
	for _, p := range filterCk(da) {
		x, y := readAny(t, fa, p), readAny(t, fb, p)
		if x != y {
			t.Errorf("dataset %s differs between the uninterrupted and the resumed run", p)
		}
		n++
	}
	if n < 50 {
		t.Errorf("compared only %d datasets", n)
	}
}

func filterCk(ps []string) []string {
	var out []string
	for _, p := range ps {
		if !strings.HasPrefix(p, "/checkpoint") {
			out = append(out, p)
		}
	}
	return out
}

// readAny returns the dataset's values as a string of its exact bits.
func readAny(t *testing.T, f *h5io.File, p string) string {
	d, err := f.OpenDataset(p)
	if err != nil {
		t.Fatal(err)
	}
	switch d.Dtype() {
	case h5io.Float64:
		var v []float64
		if _, err := d.Read(&v); err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		for _, x := range v {
			fmt.Fprintf(&b, "%x,", x)
		}
		return b.String()
	case h5io.Float32:
		var v []float32
		if _, err := d.Read(&v); err != nil {
			t.Fatal(err)
		}
		return fmt.Sprintf("%x", v)
	case h5io.Int64:
		var v []int64
		if _, err := d.Read(&v); err != nil {
			t.Fatal(err)
		}
		return fmt.Sprint(v)
	}
	t.Fatalf("dataset %s: unexpected type %v", p, d.Dtype())
	return ""
}

// TestDivergenceWarning: Heun's SDE step at 4 steps blows the quick
// lattice's higher shells up (to ~10⁵× the reference's power); the
// comparison records a warning naming the settings to change, and the
// default sampler (ancestral) gets none.
func TestDivergenceWarning(t *testing.T) {
	for _, c := range []struct {
		args []string
		warn bool
	}{
		{[]string{"--set", "generate.method=heun-sde", "--set", "generate.steps=4"}, true},
		{nil, false},
	} {
		out := filepath.Join(t.TempDir(), "div.h5")
		code, o, e := program.Run(append([]string{"--quick", "--out", out, "--seed", "7", "--quiet"}, c.args...)...)
		if code != 0 {
			t.Fatalf("%v: exit %d\n%s\n%s", c.args, code, o, e)
		}
		f, err := h5io.Open(out)
		if err != nil {
			t.Fatal(err)
		}
		var w string
		err = f.Attr("/comparison/inverse_rg_exact", "warnings", &w)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		got := strings.Contains(w, "the reverse sampler diverged")
		if got != c.warn {
			t.Errorf("%v: warnings %q, want a divergence warning: %v", c.args, w, c.warn)
		}
		if c.warn && !strings.Contains(w, "generate.method = heun-sde, generate.steps = 4") {
			t.Errorf("warning %q does not name the settings", w)
		}
	}
}

// TestResumeAtEveryStageBoundary stops a run after each of its stages
// (pipeline.StopAfter, the boundary a signal would stop it at), resumes it
// with --resume, and checks that the resumed file equals an uninterrupted
// run's: every dataset bit for bit, and the root's status and verdict.
// The quick run at seed 3 fails an acceptance check, so a resumed run
// that lost the compare stage's checks (and reported all passed) fails
// here.
func TestResumeAtEveryStageBoundary(t *testing.T) {
	dir := t.TempDir()
	common := []string{"--quick", "--seed", "3", "--quiet"}
	full := filepath.Join(dir, "full.h5")
	code, fullOut, e := program.Run(append(common, "--out", full)...)
	if code != 0 {
		t.Fatalf("uninterrupted run: exit %d\n%s", code, e)
	}
	if _, passed := progtest.Verdict(t, full); passed {
		t.Fatalf("the uninterrupted run passed every check: the test needs one that fails")
	}
	stages := []string{"sample", "flow", "gradflow", "train learned", "train ddpm",
		"generate inverse_rg_exact", "generate learned", "generate ddpm", "compare", "report"}
	for _, st := range stages {
		part := program.ResumeAfter(t, common, dir, st, full, fullOut, "acceptance check")
		compareFiles(t, full, part)
	}
}
