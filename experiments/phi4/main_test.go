// Copyright ©2026 The rgflow Authors. All rights reserved.

package main

import (
	"bytes"
	"context"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"rgflow/field"
	"rgflow/internal/h5io"
	"rgflow/internal/rng"
	"rgflow/lattice"
)

func runArgs(args ...string) (code int, out, errOut string) {
	var o, e bytes.Buffer
	code = run(context.Background(), args, &o, &e)
	return code, o.String(), e.String()
}

// TestExitCodes drives run over {args → exit code}, as a user would.
func TestExitCodes(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte("field:\n  kapa: 0.3\n"), 0o644)
	for _, c := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"help", []string{"--help"}, 0, "couplings"},
		{"presets in help", []string{"-h"}, 0, "broken32"},
		{"print config", []string{"--quick", "--print-config"}, 0, "kappa:"},
		{"bad flag", []string{"--kappa", "0.3"}, 2, "unknown flag"},
		{"bad couplings", []string{"--set", "field.couplings=lattice"}, 2, "allowed hopping, continuum"},
		{"m2 with hopping", []string{"--set", "field.m2=-1"}, 2, "set field.couplings=continuum"},
		{"negative kappa", []string{"--set", "field.kappa=-0.1"}, 2, "field.kappa"},
		{"continuum without mass", []string{"--set", "field.couplings=continuum", "--set", "field.m2=-5", "--set", "field.g=0"}, 2, "field"},
		{"even ir extent", []string{"--set", "ir.extent=2"}, 2, "allowed 0 (off) or odd"},
		{"typo in file", []string{"--config", bad}, 2, `unknown key "field.kapa"`},
		{"unknown preset", []string{"--preset", "critical64"}, 2, "allowed symmetric, critical, broken"},
		{"bad refine method", []string{"--set", "refine.method=euler"}, 2, "allowed none, mala, fourier-mala"},
		{"scan beyond refine.time", []string{"--set", "refine.scan=[0.5,3]"}, 2, "allowed increasing Langevin times inside (0, refine.time = 2)"},
		{"scan out of order", []string{"--set", "refine.scan=[0.5,0.1]"}, 2, "refine.scan"},
		{"bad bars ensemble", []string{"--set", "bars.ensemble=learned"}, 2, "allowed auto, refined, network"},
		{"refined bars without refinement", []string{"--set", "bars.ensemble=refined", "--set", "refine.method=none"}, 2, "allowed network when refine.method = none"},
		{"bad training target", []string{"--set", "train.target=score"}, 2, "allowed denoising, force"},
		{"windows out of order", []string{"--set", "train.windows=[0.5,0.2]"}, 2, "allowed increasing fractions of T inside (0, 1)"},
		{"window at T", []string{"--set", "train.windows=[1]"}, 2, "train.windows"},
		{"keep zero mode", []string{"--set", "flow.zero_mode=keep"}, 2, "integrate-out"},
	} {
		code, o, e := runArgs(c.args...)
		if code != c.code || !strings.Contains(o+e, c.want) {
			t.Errorf("%s: %v → exit %d, want %d mentioning %q\nstdout: %s\nstderr: %s", c.name, c.args, code, c.code, c.want, o, e)
		}
	}
}

// TestPresetsCouplings checks the preset couplings against the published
// values they cite, through the exact map between the parametrisations.
func TestPresetsCouplings(t *testing.T) {
	// Tolerance of the printed hopping values (5 significant digits).
	const tol = 1e-4
	for _, c := range []struct {
		preset               string
		kappa, lambda, m2, g float64
		dims                 []int
	}{
		// Albergo, Kanwar, Shanahan, PRD 100 (2019) 034515, Table I, E1:
		// m² = −4, λ = 6.975 in their normalisation (ours with ϕ = √2φ).
		{"symmetric", 0.26773, 0.5, -4, 6.975, []int{16, 16}},
		{"critical", 0.342, 0.5, -4, 0.5 / (0.342 * 0.342), []int{16, 16}},
		// Wang, Aarts, Zhou, JHEP 05 (2024) 060: κ = 0.5, λ = 0.022, 32².
		{"broken32", 0.5, 0.022, (1-2*0.022)/0.5 - 4, 0.022 / 0.25, []int{32, 32}},
	} {
		cfg := defaults()
		for _, p := range presets {
			if p.name == c.preset {
				p.apply(&cfg)
			}
		}
		if err := cfg.Validate(); err != nil {
			t.Fatalf("%s: %v", c.preset, err)
		}
		a, err := cfg.Field.action(cfg)
		if err != nil {
			t.Fatal(err)
		}
		h, k := a.Hopping, a.Continuum
		if math.Abs(h.Kappa-c.kappa) > tol || math.Abs(h.Lambda-c.lambda) > tol || math.Abs(k.M2-c.m2) > tol || math.Abs(k.G-c.g) > tol {
			t.Errorf("%s: κ, λ, m², g = %v %v %v %v, want %v %v %v %v", c.preset, h.Kappa, h.Lambda, k.M2, k.G, c.kappa, c.lambda, c.m2, c.g)
		}
		if !equalInts(cfg.Lattice.Dims, c.dims) || 1<<(cfg.Network.Levels-1) != c.dims[0] {
			t.Errorf("%s: dims %v, levels %d", c.preset, cfg.Lattice.Dims, cfg.Network.Levels)
		}
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestMirrorTest checks the mirror χ² against its law: for symmetric data
// the p-value is uniform (its mean over replicas ≈ ½), and an asymmetry of
// 10% between the sectors of 8000 samples is detected at p < 10⁻⁶.
func TestMirrorTest(t *testing.T) {
	rnd := rng.NewRand(1, 99, 0)
	draw := func(n int, pPlus float64) []float64 {
		m := make([]float64, n)
		for i := range m {
			v := 0.5 + 0.1*rnd.NormFloat64()
			if rnd.Float64() > pPlus {
				v = -v
			}
			m[i] = v
		}
		return m
	}
	const reps = 200
	mean := 0.0
	for r := 0; r < reps; r++ {
		mean += mirrorTest(draw(2000, 0.5), 1).P / reps
	}
	// The mean of 200 uniform p-values has standard deviation 0.02; the
	// χ² approximation of binomial counts (≥ 5 per pair) shifts it by less.
	if math.Abs(mean-0.5) > 0.08 {
		t.Errorf("mean p-value of symmetric samples %.3f, want ≈ 0.5", mean)
	}
	if p := mirrorTest(draw(8000, 0.55), 1).P; p > 1e-6 {
		t.Errorf("10%% sector imbalance: p = %g, want < 1e-6", p)
	}
	// A broken-phase-like law, |M| = 4.8 ± 0.03 (the broken preset): every
	// bin still takes part (equal-count bins), and the imbalance is still
	// found.
	narrow := func(n int, pPlus float64) []float64 {
		m := draw(n, pPlus)
		for i, v := range m {
			m[i] = math.Copysign(4.8+0.3*(math.Abs(v)-0.5), v)
		}
		return m
	}
	if r := mirrorTest(narrow(4000, 0.5), 1); r.DOF != mirrorBins/2 {
		t.Errorf("narrow |M|: %d bins in the test, want %d", r.DOF, mirrorBins/2)
	}
	if p := mirrorTest(narrow(8000, 0.55), 1).P; p > 1e-6 {
		t.Errorf("narrow |M|, 10%% sector imbalance: p = %g, want < 1e-6", p)
	}
}

// TestGlobalFlip: the global flip changes the sign of M and of the fields
// and nothing else, and about half of the configurations.
func TestGlobalFlip(t *testing.T) {
	l := lattice.MustNew(4, 4)
	a, _ := field.NewPhi4Hopping(l, field.HoppingParams{Kappa: brokenKappa, Lambda: brokenLambda})
	res, err := field.Run(a, field.ChainConfig{}, 5, field.RunConfig{Chains: 2, Thermalise: 50, Configs: 200})
	if err != nil {
		t.Fatal(err)
	}
	before := append([]float64(nil), res.Ensemble.Data...)
	ms := [][]field.Measurement{append([]field.Measurement(nil), res.Measurements[0]...), append([]field.Measurement(nil), res.Measurements[1]...)}
	globalFlip(res, 5, setRef)
	V := l.Volume()
	flipped := 0
	for c := range ms {
		for i, m := range ms[c] {
			k := c*200 + i
			s := res.Measurements[c][i].M / m.M
			if math.Abs(math.Abs(s)-1) > 1e-15 {
				t.Fatalf("config %d: M %v → %v", k, m.M, res.Measurements[c][i].M)
			}
			for x := 0; x < V; x++ {
				if res.Ensemble.Data[k*V+x] != s*before[k*V+x] {
					t.Fatalf("config %d: field not multiplied by %v", k, s)
				}
			}
			if s < 0 {
				flipped++
			}
		}
	}
	// Binomial(400, ½): mean 200, standard deviation 10; 5σ band.
	if flipped < 150 || flipped > 250 {
		t.Errorf("%d of 400 configurations flipped", flipped)
	}
}

// TestQuickRunReadByH5py runs the quick configuration end to end (every
// stage) and checks the file with Debian's h5py as an external tool would.
func TestQuickRunReadByH5py(t *testing.T) {
	out := filepath.Join(t.TempDir(), "quick.h5")
	code, o, e := runArgs("--quick", "--out", out, "--seed", "7", "--quiet", "--plots",
		"--set", "langevin.method=mala", "--set", "langevin.samples=64", "--set", "langevin.time=10",
		"--set", "train.target=force", "--set", "train.windows=[0.5]")
	if code != 0 {
		t.Fatalf("quick run: exit %d\nstdout: %s\nstderr: %s", code, o, e)
	}
	for _, want := range []string{"acceptance bars", "learned: |z| Binder", "gaussian", "cost on", "independent configurations/s", "stage", "S/V by term", "½m²M²", "refinement scan of learned_mala", "judged on learned_mala"} {
		if !strings.Contains(o, want) {
			t.Errorf("summary lacks %q:\n%s", want, o)
		}
	}
	for _, png := range []string{"spectra", "spectrum_ratio", "m_histogram", "binder", "flow_chi", "flow_binder", "flow_action", "flow_kl", "training", "denoise_mse", "fields", "refine_scan_learned_mala", "refine_scan_gaussian_mala"} {
		if _, err := os.Stat(strings.TrimSuffix(out, ".h5") + "_" + png + ".png"); err != nil {
			t.Errorf("plot %s: %v", png, err)
		}
	}
	py := os.Getenv("PYTHON")
	if py == "" {
		py = "/usr/bin/python3"
	}
	if err := exec.Command(py, "-c", "import h5py").Run(); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s cannot import h5py (make deps installs python3-h5py): %v", py, err)
		}
		t.Skipf("%s cannot import h5py (install python3-h5py, e.g. make deps): %v", py, err)
	}
	res, err := exec.Command(py, "testdata/check_h5py.py", out).CombinedOutput()
	if err != nil {
		t.Fatalf("h5py check: %v\n%s", err, res)
	}
	t.Logf("%s", res)
	// make phi4-validate's reader: its exit status is the file's
	// checks_passed, and it names the judged ensemble.
	f, err := h5io.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	var passed bool
	err = f.Attr("/", "checks_passed", &passed)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	res, err = exec.Command(py, "../../scripts/checks/phi4_bars.py", out, "quick").CombinedOutput()
	if (err == nil) != passed || !strings.Contains(string(res), "learned_mala (judged)") {
		t.Errorf("phi4_bars.py: exit error %v with checks_passed %v\n%s", err, passed, res)
	}
}
