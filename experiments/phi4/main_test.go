// Copyright ©2026 The rgflow Authors. All rights reserved.

package main

import (
	"math"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"rgflow/experiments/internal/pipeline"
	"rgflow/experiments/internal/progtest"
	"rgflow/field"
	"rgflow/internal/h5io"
	"rgflow/internal/rng"
	"rgflow/lattice"
)

// program is phi4 as a function of its command line.
var program = progtest.Of(experiment())

// TestExitCodes drives the program over {args → exit code}, as a user would.
func TestExitCodes(t *testing.T) {
	conv := progtest.Conventions{Help: "couplings", Preset: "broken32", Printed: "kappa:", Flag: []string{"--kappa", "0.3"},
		Typo: "field:\n  kapa: 0.3\n", TypoKey: "field.kapa", Unknown: "critical64", Presets: "symmetric, critical, broken"}
	program.ExitCodes(t, append(conv.Cases(t), []progtest.Case{
		{Name: "bad couplings", Args: []string{"--set", "field.couplings=lattice"}, Code: 2, Want: "allowed hopping, continuum"},
		{Name: "m2 with hopping", Args: []string{"--set", "field.m2=-1"}, Code: 2, Want: "set field.couplings=continuum"},
		{Name: "negative kappa", Args: []string{"--set", "field.kappa=-0.1"}, Code: 2, Want: "field.kappa"},
		{Name: "continuum without mass", Args: []string{"--set", "field.couplings=continuum", "--set", "field.m2=-5", "--set", "field.g=0"}, Code: 2, Want: "field"},
		{Name: "even ir extent", Args: []string{"--set", "ir.extent=2"}, Code: 2, Want: "allowed 0 (off) or odd"},
		{Name: "bad refine method", Args: []string{"--set", "refine.method=euler"}, Code: 2, Want: "allowed none, mala, fourier-mala"},
		{Name: "scan beyond refine.time", Args: []string{"--set", "refine.scan=[0.5,3]"}, Code: 2, Want: "allowed increasing Langevin times inside (0, refine.time = 2)"},
		{Name: "scan out of order", Args: []string{"--set", "refine.scan=[0.5,0.1]"}, Code: 2, Want: "refine.scan"},
		{Name: "bad bars ensemble", Args: []string{"--set", "bars.ensemble=learned"}, Code: 2, Want: "allowed auto, refined, network, reweighted, imh"},
		{Name: "reweighted bars without weights", Args: []string{"--set", "bars.ensemble=reweighted", "--set", "generate.method=heun-sde"}, Code: 2, Want: "allowed with exact.enabled = true and generate.method = ancestral only"},
		{Name: "imh bars without exact", Args: []string{"--set", "bars.ensemble=imh", "--set", "exact.enabled=false"}, Code: 2, Want: "bars.ensemble"},
		{Name: "refined bars without refinement", Args: []string{"--set", "bars.ensemble=refined", "--set", "refine.method=none"}, Code: 2, Want: "allowed network when refine.method = none"},
		{Name: "bad training target", Args: []string{"--set", "train.target=score"}, Code: 2, Want: "allowed denoising, force"},
		{Name: "windows out of order", Args: []string{"--set", "train.windows=[0.5,0.2]"}, Code: 2, Want: "allowed increasing fractions of T inside (0, 1)"},
		{Name: "window at T", Args: []string{"--set", "train.windows=[1]"}, Code: 2, Want: "train.windows"},
		{Name: "odd ti grid", Args: []string{"--set", "ti.points=5"}, Code: 2, Want: "allowed 0 (off) or even ≥ 2"},
		{Name: "keep zero mode", Args: []string{"--set", "flow.zero_mode=keep"}, Code: 2, Want: "integrate-out"},
	}...))
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
			if p.Name == c.preset {
				p.Apply(&cfg)
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
	code, o, e := program.Run("--quick", "--out", out, "--seed", "7", "--quiet", "--plots",
		"--set", "langevin.method=mala", "--set", "langevin.samples=64", "--set", "langevin.time=10",
		"--set", "train.target=force", "--set", "train.windows=[0.5]")
	if code != 0 {
		t.Fatalf("quick run: exit %d\nstdout: %s\nstderr: %s", code, o, e)
	}
	progtest.Contains(t, o, "acceptance bars", "learned: |z| Binder", "gaussian", "cost on", "independent configurations/s", "stage", "S/V by term", "½m²M²", "refinement scan of learned_mala", "judged on learned_mala")
	progtest.Plots(t, out, "spectra", "spectrum_ratio", "m_histogram", "binder", "flow_chi", "flow_binder", "flow_action", "flow_kl", "training", "denoise_mse", "fields", "refine_scan_learned_mala", "refine_scan_gaussian_mala", "log_weights")
	progtest.CheckH5py(t, out)
	progtest.CheckSchema(t, out)
	progtest.CheckXDMF(t, out)
	// make phi4-validate's reader: its exit status is the file's
	// checks_passed, and it names the judged ensemble.
	f, err := h5io.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	var passed bool
	err = f.Attr("/", "checks_passed", &passed)
	if err != nil {
		t.Fatal(err)
	}
	// The quick run is given in hopping couplings: the file gives ⟨|M|⟩ and
	// χ of φ = ϕ/√(2κ) beside those of ϕ, and the summary names both.
	progtest.Contains(t, o, "continuum-normalised ϕ = √(2κ)φ", "⟨|M|⟩ of φ")
	var h, a, ah, x, xh float64
	for _, r := range []struct {
		path string
		dst  *float64
	}{{"/ensemble/phi4_reference", &h}, {"/ensemble/phi4_reference/estimates/abs_magnetization", &a}, {"/ensemble/phi4_reference/estimates/abs_magnetization_hopping", &ah},
		{"/ensemble/phi4_reference/estimates/chi", &x}, {"/ensemble/phi4_reference/estimates/chi_hopping", &xh}} {
		if r.dst == &h {
			err = f.Attr(r.path, "hopping_scale", r.dst)
		} else {
			var v []float64
			var d *h5io.Dataset
			if d, err = f.OpenDataset(r.path); err == nil {
				_, err = d.Read(&v)
				*r.dst = v[0]
			}
		}
		if err != nil {
			t.Fatalf("%s: %v", r.path, err)
		}
	}
	f.Close()
	if math.Abs(ah-a/h) > 1e-12*a || math.Abs(xh-x/(h*h)) > 1e-12*x {
		t.Errorf("hopping-field estimates ⟨|M|⟩ %v, χ %v; want the ϕ values %v, %v over √(2κ) = %v (squared for χ)", ah, xh, a, x, h)
	}
	res, err := exec.Command(progtest.Python(t), "../../scripts/checks/phi4_bars.py", out, "quick").CombinedOutput()
	if (err == nil) != passed || !strings.Contains(string(res), "learned_mala (judged)") {
		t.Errorf("phi4_bars.py: exit error %v with checks_passed %v\n%s", err, passed, res)
	}
	progtest.CheckCF(t, out)
}

// TestBarsOnTheReweightedEnsemble judges the quick run on the learned
// generator's importance-resampled ensemble: the verdict names it, its
// bars carry the ESS/N bar, and the mirror test of its repeated fields
// is deflated by their 2τ_int.
func TestBarsOnTheReweightedEnsemble(t *testing.T) {
	out := filepath.Join(t.TempDir(), "rw.h5")
	code, o, e := program.Run("--quick", "--out", out, "--seed", "3", "--quiet", "--plots=false", "--set", "bars.ensemble=reweighted")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, e)
	}
	progtest.Contains(t, o, "judged on learned_reweighted", "learned: ESS/N", "the Gaussian generator's")
	f, err := h5io.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var judged string
	if err := f.Attr("/", "checks_judged", &judged); err != nil || judged != "/comparison/learned_reweighted" {
		t.Errorf("checks_judged %q (%v), want /comparison/learned_reweighted", judged, err)
	}
	var ess float64
	if err := f.Attr("/exact/learned", "ess_fraction", &ess); err != nil {
		t.Fatal(err)
	}
	d, err := f.OpenDataset("/comparison/learned_reweighted/checks/value")
	if err != nil {
		t.Fatal(err)
	}
	var vals []float64
	if _, err := d.Read(&vals); err != nil {
		t.Fatal(err)
	}
	if vals[len(vals)-1] != ess {
		t.Errorf("last check of learned_reweighted %v, want the ESS/N %v", vals[len(vals)-1], ess)
	}
}

// TestMirrorTauOfDerivedEnsembles: a generator's fields are independent;
// the derived ensembles' repeats deflate the mirror χ² by 2τ_int(M²) ≥ 1.
func TestMirrorTauOfDerivedEnsembles(t *testing.T) {
	for _, c := range []struct {
		name      string
		tau, want float64
	}{{"learned", 3.5, 1}, {"learned_reweighted", 3.5, 7}, {"gaussian_imh", 2, 4}, {"learned_imh", 0.3, 1}} {
		var st pipeline.Stats
		st.Obs.M2.TauInt = c.tau
		if got := mirrorTau(&pipeline.Compared{Method: &pipeline.Method{Name: c.name}, Stats: &st}); got != c.want {
			t.Errorf("%s with τ_int(M²) = %v: 2τ = %v, want %v", c.name, c.tau, got, c.want)
		}
	}
}

// TestResumeAfterTheVerdictStages stops the quick run after each stage
// that feeds the verdict (pipeline.StopAfter, the boundary a signal would
// stop it at), resumes it, and checks that the resumed run reports the
// uninterrupted run's verdict: root status and checks_passed, and the
// summary's line on the bars. The quick run at seed 1 fails bars, so a
// resumed run that lost the compare stage's checks fails here.
func TestResumeAfterTheVerdictStages(t *testing.T) {
	dir := t.TempDir()
	common := []string{"--quick", "--seed", "1", "--quiet"}
	full := filepath.Join(dir, "full.h5")
	code, fullOut, e := program.Run(append(common, "--out", full)...)
	if code != 0 {
		t.Fatalf("uninterrupted run: exit %d\n%s", code, e)
	}
	if _, passed := progtest.Verdict(t, full); passed || progtest.LastLine(fullOut, "acceptance bar") == "" {
		t.Fatalf("the uninterrupted run passed every bar (%q): the test needs one that fails", progtest.LastLine(fullOut, "acceptance bar"))
	}
	for _, st := range []string{"refine learned", "free energy", "compare", "report"} {
		program.ResumeAfter(t, common, dir, st, full, fullOut, "acceptance bar")
	}
}
