// Copyright ©2026 The rgflow Authors. All rights reserved.

package pipeline

import (
	"context"
	"errors"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"rgflow/field"
	"rgflow/generative"
	"rgflow/generative/evaluate"
	"rgflow/internal/h5io"
	"rgflow/internal/rng"
	"rgflow/lattice"
	"rgflow/wgrad"
)

// newOut returns an Out on a fresh file in t's temporary directory.
func newOut(t *testing.T, dims ...int) *Out {
	t.Helper()
	l, err := lattice.New(dims...)
	if err != nil {
		t.Fatal(err)
	}
	sh, err := l.Shells(l.DefaultShellCount())
	if err != nil {
		t.Fatal(err)
	}
	f, err := h5io.Create(filepath.Join(t.TempDir(), "out.h5"), h5io.Meta{Experiment: "pipeline-test"}, h5io.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	o := &Out{F: f, Lat: l, Shells: sh}
	if err := o.WriteLattice(); err != nil {
		t.Fatal(err)
	}
	return o
}

// freeEnsemble returns n exact samples of the free field of mass² m2.
func freeEnsemble(t *testing.T, l *lattice.Lattice, m2 float64, n int, seed uint64, path ...uint64) (*field.Free, *field.Ensemble) {
	t.Helper()
	a, err := field.NewFree(l, m2)
	if err != nil {
		t.Fatal(err)
	}
	e, err := FreeStart(l, m2, n, seed, path...)
	if err != nil {
		t.Fatal(err)
	}
	return a, e
}

// TestSampleGaussianStreams: field i of SampleGaussian is exactly the
// sample a lone sampler draws from the stream (seed, path..., offset+i),
// whatever the number of workers, so an offset continues an ensemble.
func TestSampleGaussianStreams(t *testing.T) {
	l, _ := lattice.New(4, 6)
	a, _ := field.NewFree(l, 0.3)
	smp, err := field.NewFreeSampler(a)
	if err != nil {
		t.Fatal(err)
	}
	const n, seed = 37, 11
	all := field.NewEnsemble(l, n)
	SampleGaussian(all, smp, seed, 0, rng.StageSample, rng.SetRef)
	want := make([]float64, l.Volume())
	for i := 0; i < n; i++ {
		smp.Sample(want, rng.NewRand(seed, rng.StageSample, rng.SetRef, uint64(i)))
		for x, v := range all.Field(i) {
			if v != want[x] {
				t.Fatalf("field %d site %d: %v, want %v from its own stream", i, x, v, want[x])
			}
		}
	}
	tail := field.NewEnsemble(l, n-5)
	SampleGaussian(tail, smp, seed, 5, rng.StageSample, rng.SetRef)
	for i, v := range tail.Data {
		if v != all.Data[5*l.Volume()+i] {
			t.Fatalf("offset 5: value %d differs from the full ensemble's", i)
		}
	}
}

// TestSpectrumTest: on 4², the 16 modes of the half spectrum are 10 distinct
// ones (4 real, 6 complex pairs), χ² vanishes for the closed form itself,
// and a relative error a on every mode gives χ² = a²n Σ 1/r = 8a²n.
func TestSpectrumTest(t *testing.T) {
	l, _ := lattice.New(4, 4)
	st := NewSpectrumTest(l)
	if st.DOF != 10 {
		t.Fatalf("DOF = %d, want 10", st.DOF)
	}
	m := len(l.HalfConjugate())
	want := make([]float64, m)
	for j := range want {
		want[j] = 1 / (1 + float64(j))
	}
	if chi2, p := st.Test(want, want, 100); chi2 != 0 || p != 1 {
		t.Errorf("exact spectrum: χ² = %v, p = %v, want 0 and 1", chi2, p)
	}
	const a, n = 0.1, 50
	v := make([]float64, m)
	for j := range v {
		v[j] = want[j] * (1 + a)
	}
	chi2, p := st.Test(v, want, n)
	if wantChi2 := 8 * a * a * n; math.Abs(chi2-wantChi2) > 1e-12*wantChi2 {
		t.Errorf("χ² = %v, want %v", chi2, wantChi2)
	}
	if !(p > 0 && p < 1) {
		t.Errorf("p = %v, want in (0, 1)", p)
	}
}

// TestFlowStageFree: the flow stage of exact free fields on 4² against the
// closed forms: the KL column is the process's KL of the data spectrum
// and never increases, the analytic spectrum at t = 0 is the data's own,
// the energy–dissipation identity holds to the quadrature, the sample
// spectra agree with the closed form and the Monte Carlo dissipation with
// −dKL/dt; ReadFlow reads back what was written.
func TestFlowStageFree(t *testing.T) {
	o := newOut(t, 4, 4)
	const m2, seed = 0.5, 3
	act, train := freeEnsemble(t, o.Lat, m2, 512, seed, rng.StageSample, rng.SetTrain)
	c := Flow{Regulator: "fermi-dirac", Temperature: 0.2, M02: 1, ZeroMode: "integrate-out", Snapshots: 6, Samples: 256, Store: 2, Coupling: "trajectory"}
	p, err := c.Process(o.Lat)
	if err != nil {
		t.Fatal(err)
	}
	g0, err := generative.FreeSpectrum(p.Eps, m2)
	if err != nil {
		t.Fatal(err)
	}
	res, err := o.FlowStage(c, p, act, train, g0, seed, map[string]any{"description": "test"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	times := c.Times(p)
	if len(res.Times) != len(times) || res.Times[0] != 0 || res.Times[len(times)-1] != p.T {
		t.Fatalf("snapshot times %v, want %v", res.Times, times)
	}
	for i, tt := range res.Times {
		if res.KL[i] != p.KL(g0, tt) {
			t.Errorf("t = %v: KL %v, want the closed form %v", tt, res.KL[i], p.KL(g0, tt))
		}
		if i > 0 && res.KL[i] > res.KL[i-1] {
			t.Errorf("t = %v: KL rose from %v to %v", tt, res.KL[i-1], res.KL[i])
		}
		if res.SpecP[i] < 1e-3 {
			t.Errorf("t = %v: the exact samples' spectrum has p = %v against the closed form", tt, res.SpecP[i])
		}
		if z := math.Abs(res.DissMC[i]-res.Diss[i]) / res.DissMCErr[i]; z > 4 {
			t.Errorf("t = %v: Monte Carlo dissipation %v ± %v, closed form %v (|z| = %.2g)", tt, res.DissMC[i], res.DissMCErr[i], res.Diss[i], z)
		}
	}
	if res.SpecDOF != 10 {
		t.Errorf("spectrum DOF %d, want 10", res.SpecDOF)
	}
	if !(res.IdentityErr <= 1e-6) {
		t.Errorf("energy–dissipation identity error %v, want ≤ 1e-6", res.IdentityErr)
	}
	d, err := o.F.OpenDataset(FlowGroup + "/spectrum_analytic")
	if err != nil {
		t.Fatal(err)
	}
	var sp []float64
	if _, err := d.Read(&sp); err != nil {
		t.Fatal(err)
	}
	k := o.Shells.Len()
	if len(sp) != len(times)*k {
		t.Fatalf("spectrum_analytic has %d values, want %d snapshots × %d shells", len(sp), len(times), k)
	}
	for s, v := range o.Shells.Average(nil, g0, p.Weight) {
		if math.Abs(sp[s]-v) > 1e-14*v {
			t.Errorf("shell %d at t = 0: analytic spectrum %v, want the data's %v", s, sp[s], v)
		}
	}
	back, err := o.ReadFlow(p, g0)
	if err != nil {
		t.Fatal(err)
	}
	for i := range res.Times {
		if back.Times[i] != res.Times[i] || back.KL[i] != res.KL[i] || back.SpecP[i] != res.SpecP[i] || back.DissMC[i] != res.DissMC[i] {
			t.Fatalf("snapshot %d read back differs from the one written", i)
		}
	}
	if back.IdentityErr != res.IdentityErr {
		t.Errorf("identity error read back %v, written %v", back.IdentityErr, res.IdentityErr)
	}
}

// TestCompareIdentical: a generated ensemble identical to the reference
// compares as such — spectrum ratio exactly 1, spectral W₂ and KL 0, the
// verdict a pass — and a failing program check turns the written verdict
// into a failure that names it.
func TestCompareIdentical(t *testing.T) {
	o := newOut(t, 4, 4)
	act, ref := freeEnsemble(t, o.Lat, 0.5, 256, 5, rng.StageSample, rng.SetRef)
	var methods []*Method
	for i, name := range []string{"same", "judged"} {
		if err := o.F.CreateGroup("/generated/"+name, nil); err != nil {
			t.Fatal(err)
		}
		if err := o.WriteFields("/generated/"+name+"/fields", ref, "a copy of the reference"); err != nil {
			t.Fatal(err)
		}
		methods = append(methods, &Method{Name: name, Index: i, Gen: Generate{Method: "ancestral", Steps: 8}})
	}
	cmp := &Comparer{Out: o, Action: act, Seed: 5, Ref: evaluate.Sample{Name: "/ensemble/reference", Fields: ref}}
	got := map[string]*Compared{}
	err := cmp.CompareAll(context.Background(), methods, func(r *Compared) []Check {
		if r.Method.Name == "judged" {
			return []Check{Bar("judged: a failing bar", 2, 1, "value ≤ 1")}
		}
		return nil
	}, func(r *Compared) error {
		got[r.Method.Name] = r
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	c := got["same"].C
	for k, r := range c.Ratio {
		if r != 1 {
			t.Errorf("shell %d: ratio %v, want 1", k, r)
		}
	}
	if c.W2Spectral != 0 || c.KLGauss != 0 {
		t.Errorf("spectral W₂ %v and KL %v, want 0", c.W2Spectral, c.KLGauss)
	}
	if !c.Verdict.Pass {
		t.Errorf("verdict on identical ensembles: %+v", c.Verdict)
	}
	for name, want := range map[string]string{"same": "pass", "judged": "fail: judged: a failing bar"} {
		var v string
		if err := o.F.Attr("/comparison/"+name, "verdict", &v); err != nil {
			t.Fatal(err)
		}
		if v != want {
			t.Errorf("%s: verdict %q, want %q", name, v, want)
		}
	}
}

// TestRunLangevin: the driver stops at every snapshot time in order, and a
// cancelled context stops it before the first snapshot with its error.
func TestRunLangevin(t *testing.T) {
	l, _ := lattice.New(4, 4)
	act, e := freeEnsemble(t, l, 1, 8, 1, rng.StageGradFlow, rng.FlowStart)
	meth, _ := wgrad.ParseMethod("mala")
	lg, err := wgrad.NewLangevin(act, wgrad.LangevinConfig{Beta: 1, Step: 0.05, Method: meth})
	if err != nil {
		t.Fatal(err)
	}
	times := EvenTimes(1, 5)
	if times[0] != 0 || times[4] != 1 {
		t.Fatalf("EvenTimes(1, 5) = %v", times)
	}
	var seen []float64
	err = RunLangevin(context.Background(), lg, e, 2, times, nil, func(i int, tt float64, _ *field.Ensemble) error {
		if i != len(seen) {
			t.Errorf("snapshot %d called as %d", len(seen), i)
		}
		seen = append(seen, tt)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(seen) != len(times) {
		t.Fatalf("snapshots at %v, want %v", seen, times)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err = RunLangevin(ctx, lg, e, 2, times, nil, func(int, float64, *field.Ensemble) error {
		t.Error("snapshot after cancellation")
		return nil
	})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled run: error %v, want context.Canceled", err)
	}
}

// TestEvalSeed: the comparison streams of different methods differ, and
// DenoiseTimes ends at T.
func TestEvalSeed(t *testing.T) {
	if EvalSeed(1, 0) == EvalSeed(1, 1) || EvalSeed(1, 0) == EvalSeed(2, 0) {
		t.Error("comparison seeds coincide")
	}
	l, _ := lattice.New(4, 4)
	p, err := Flow{Regulator: "exp", M02: 1, ZeroMode: "integrate-out"}.Process(l)
	if err != nil {
		t.Fatal(err)
	}
	ts := DenoiseTimes(p, 4)
	if len(ts) != 4 || ts[3] != p.T || ts[0] != p.T/4 {
		t.Errorf("DenoiseTimes = %v, want T/4 … T with T = %v", ts, p.T)
	}
}

// TestChainsOf: the chains partition the ensemble in order, each a view of
// its consecutive configurations.
func TestChainsOf(t *testing.T) {
	l, _ := lattice.New(2, 2)
	e := field.NewEnsemble(l, 6)
	for i := range e.Data {
		e.Data[i] = float64(i)
	}
	cs := ChainsOf(e, 3)
	for c, ch := range cs {
		if ch.Len() != 2 || ch.Field(0)[0] != float64(2*c*l.Volume()) {
			t.Errorf("chain %d: %d configurations starting at %v", c, ch.Len(), ch.Field(0)[0])
		}
	}
}

// TestMirrorTest: magnetisations whose signs alternate within every |M|
// bin are exactly symmetric (χ² = 0, p = 1); all of one sign are not.
func TestMirrorTest(t *testing.T) {
	m := make([]float64, 400)
	for i := range m {
		m[i] = float64(i/2 + 1)
		if i%2 == 1 {
			m[i] = -m[i]
		}
	}
	if r := MirrorTest(m, 1); r.Chi2 != 0 || r.P != 1 || r.DOF != MirrorBins/2 {
		t.Errorf("symmetric M: %+v, want χ² 0, p 1, %d bins", r, MirrorBins/2)
	}
	for i := range m {
		m[i] = math.Abs(m[i])
	}
	if r := MirrorTest(m, 1); !(r.P < 1e-10) {
		t.Errorf("one-signed M: p = %v, want ≈ 0", r.P)
	}
}

// TestPrintChecks: every check is printed and the failed ones are named.
func TestPrintChecks(t *testing.T) {
	var b strings.Builder
	failed := PrintChecks(&b, 12, []Check{Bar("a", 1, 2, "≤ 2"), Bar("b", 3, 2, "≤ 2"), Bar("c", math.NaN(), 2, "≤ 2")})
	if len(failed) != 2 || failed[0] != "b" || failed[1] != "c" {
		t.Errorf("failed %v, want [b c]", failed)
	}
	if n := strings.Count(b.String(), "\n"); n != 3 {
		t.Errorf("%d lines, want 3:\n%s", n, b.String())
	}
}

// TestRefineScan: a row passes when all its checks do, the first-pass time
// is where the trailing run of passing rows begins, and the magnetisation
// kept from t = 0 has correlation 1 and shift 0 at t = 0.
func TestRefineScan(t *testing.T) {
	sc := &RefineScan{Method: "m", Observables: []string{"Chi"}}
	c := &evaluate.Comparison{Ratio: []float64{1, 1.1}, Observables: []evaluate.ObservableZ{{Name: "Chi", Z: 0.5}}}
	m := []float64{1, -2, 3, -4}
	for i, pass := range []bool{false, true, false, true, true} {
		sc.Add(float64(i), 1, c, m, []Check{{Name: "x", Pass: pass}})
	}
	if got := sc.FirstPass(); got != 3 {
		t.Errorf("first pass at %v, want 3", got)
	}
	if sc.MCorr[0] != 1 || sc.MShift[0] != 0 || math.Abs(sc.Shell[0]-0.1) > 1e-15 || sc.Obs[0][0].Z != 0.5 {
		t.Errorf("row 0: corr %v, shift %v, worst shell %v, z %v", sc.MCorr[0], sc.MShift[0], sc.Shell[0], sc.Obs[0][0].Z)
	}
	sc.Add(5, 1, c, m, []Check{{Name: "x", Pass: false}})
	if got := sc.FirstPass(); !math.IsNaN(got) {
		t.Errorf("last row failing: first pass %v, want NaN", got)
	}
}

// TestLangevinStageEquilibrium: the stochastic-quantisation snapshots of
// the free action started at its own equilibrium (m₀² = m²) stay there
// under MALA, which keeps exp(−S) exactly: χ = V⟨M²⟩ = 1/m² within errors
// at every snapshot, and every snapshot is written.
func TestLangevinStageEquilibrium(t *testing.T) {
	o := newOut(t, 4, 4)
	const m2 = 0.5
	act, err := field.NewFree(o.Lat, m2)
	if err != nil {
		t.Fatal(err)
	}
	c := Langevin{Method: "mala", Step: 0.1, Time: 1, Snapshots: 3, Samples: 512, FourierM2: 1}
	last, err := o.LangevinStage(context.Background(), c, act, m2, 9, map[string]any{"description": "test"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	d, err := o.F.OpenDataset("/flow/langevin/chi")
	if err != nil {
		t.Fatal(err)
	}
	var chi []float64
	if _, err := d.Read(&chi); err != nil {
		t.Fatal(err)
	}
	if len(chi) != c.Snapshots {
		t.Fatalf("%d snapshots of χ, want %d", len(chi), c.Snapshots)
	}
	if z := math.Abs(last.Obs.Chi.Value-1/m2) / last.Obs.Chi.Err; z > 4 {
		t.Errorf("χ at the last snapshot %v ± %v, want 1/m² = %v (|z| = %.2g)", last.Obs.Chi.Value, last.Obs.Chi.Err, 1/m2, z)
	}
}

// TestRefineStops: the refinement stops at t = 0, at every scan time and at
// the end, and writes the refined ensemble beside its source with its
// cost share.
func TestRefineStops(t *testing.T) {
	o := newOut(t, 4, 4)
	act, e := freeEnsemble(t, o.Lat, 0.5, 16, 4, rng.StageSample, rng.SetRef)
	if err := o.F.CreateGroup("/generated/src", map[string]any{"samples_per_second": 100.0}); err != nil {
		t.Fatal(err)
	}
	if err := o.WriteFields("/generated/src/fields", e, "source"); err != nil {
		t.Fatal(err)
	}
	c := Refine{Method: "mala", Time: 0.5, Step: 0.1, Scan: []float64{0.1, 0.3}}
	src := &Method{Name: "src"}
	dst := c.Methods([]*Method{src}, "free")[0]
	var stops []float64
	err := o.Refine(context.Background(), c, 1, act, src, dst, 4, nil, func(tt, _ float64, _ *field.Ensemble) error {
		stops = append(stops, tt)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := []float64{0, 0.1, 0.3, 0.5}; len(stops) != len(want) || stops[1] != 0.1 || stops[3] != 0.5 {
		t.Errorf("stops %v, want %v", stops, want)
	}
	if dst.Name != "src_mala" || dst.Index != 16 {
		t.Errorf("refined method %q with stream index %d, want src_mala and 16", dst.Name, dst.Index)
	}
	got, err := o.ReadGenerated(dst.Name)
	if err != nil {
		t.Fatal(err)
	}
	if got.Len() != e.Len() {
		t.Errorf("%d refined fields, want %d", got.Len(), e.Len())
	}
	var rate float64
	if err := o.F.Attr("/generated/"+dst.Name, "samples_per_second", &rate); err != nil || !(rate > 0 && rate < 100) {
		t.Errorf("refined samples per second %v (err %v), want below the source's 100", rate, err)
	}
}
