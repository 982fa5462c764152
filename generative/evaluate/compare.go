// Copyright ©2026 The rgflow Authors. All rights reserved.

package evaluate

import (
	"fmt"
	"math"
	"slices"

	"rgflow/field"
	"rgflow/internal/rng"
	"rgflow/lattice"
	"rgflow/wgrad"
)

// The streams of evaluation under rng.StageEvaluate (rng.EvalSliced is
// wgrad.NewSliced's).
const (
	compareStream uint64 = 0 // Compare: the slice directions, then the null splits
	denoiseStream uint64 = 1 // DenoiseMSE: then the time's index
)

// Sample is an ensemble to compare and how it was produced.
type Sample struct {
	Name   string
	Fields *field.Ensemble
	// Chains splits Fields into this many consecutive, equally long
	// Markov chains for the autocorrelation-aware (Γ-method) errors; 0 or
	// 1 means one chain. Independent samples are a chain with τ_int = ½.
	Chains int
}

// CompareConfig holds the settings of Compare.
type CompareConfig struct {
	// Action is the reference theory's action, for the action density and
	// its W₂; nil leaves them out.
	Action field.Action
	// Shells bins the half spectrum for the spectrum ratio; nil means
	// Lattice.Shells(DefaultShellCount()).
	Shells *lattice.Shells
	// HistBins is the number of bins of the M histogram; 0 means 30.
	HistBins int
	// Slices is the number of random directions of the sliced W₂ on
	// fields; 0 means 64.
	Slices int
	// Splits is the number of random splits of the reference into two
	// halves of whole blocks, and Blocks the number of blocks, for the null
	// yardsticks; 0 means 8 and 16.
	Splits, Blocks int
	// Seed seeds the slices and splits.
	Seed uint64
	// Denoise, if not nil, is attached to the comparison and judged (see
	// DenoiseCurve).
	Denoise    *DenoiseCurve
	Thresholds Thresholds
}

// ObservableZ compares one observable between the two ensembles.
type ObservableZ struct {
	Name                        string
	Ref, RefErr, Gen, GenErr, Z float64
	RefTauInt, GenTauInt        float64
}

// Comparison is everything Compare measures, as plain data for the
// experiments to print and write (/comparison in the HDF5 layout).
//
// Distances come with null yardsticks: the same statistic between two
// halves of the reference (random splits into whole blocks, RMS over
// splits), rescaled to the sample sizes compared (W₂ ∝ √(1/n + 1/m), KL ∝
// 1/n + 1/m for finite samples of one law). A distance near its yardstick
// is what sampling noise alone gives.
type Comparison struct {
	Reference, Generated string
	NRef, NGen           int

	// Spectrum per momentum shell: G(k) = ⟨|φ̃_k|²⟩/V averaged over each
	// shell, with Γ-method errors, and the ratio generated/reference.
	ShellKHat                                    []float64
	RefShell, RefShellErr, GenShell, GenShellErr []float64
	Ratio, RatioErr                              []float64
	SpectrumChi2                                 float64
	SpectrumDOF                                  int

	Observables []ObservableZ

	// Magnetisation histogram: bin edges and densities with errors
	// (autocorrelation included), the two-sample χ², and the ± symmetry
	// ⟨sign M⟩ of each ensemble.
	HistEdges                                       []float64
	RefHist, RefHistErr, GenHist, GenHistErr        []float64
	HistChi2                                        float64
	HistDOF                                         int
	RefSign, RefSignErr, GenSign, GenSignErr, SignZ float64

	// W₂ distances (not squared) and their null yardsticks: between the
	// Gaussian parts (per-mode spectra, closed form), exact 1-D on M and on
	// the action density (NaN without an action), and sliced over random
	// directions in field space.
	W2Spectral, W2SpectralNull float64
	W2M, W2MNull               float64
	W2Action, W2ActionNull     float64
	SlicedW2, SlicedW2Null     float64
	// KLGauss is KL(generated ‖ reference) of their Gaussian parts,
	// ½ Σ_k (r − 1 − ln r), r = G_gen/G_ref over all V modes.
	KLGauss, KLGaussNull float64

	Denoise *DenoiseCurve

	Verdict  Verdict
	Warnings []string
}

// perConfig holds what Compare needs of every configuration.
type perConfig struct {
	m, s  []float64   // magnetisation, action density
	power [][]float64 // |φ̃_k|²/V per half-spectrum mode
	proj  [][]float64 // projections on the slice directions
}

// Compare compares a generated ensemble with its reference: the one
// routine every experiment uses to judge a generated ensemble, whatever
// produced it. See Comparison for what it measures and Thresholds for the
// verdict's rules. Both ensembles must live on the same lattice.
func Compare(ref, gen Sample, cfg CompareConfig) (*Comparison, error) {
	l := ref.Fields.Lat
	if !gen.Fields.Lat.Equal(l) {
		return nil, fmt.Errorf("evaluate: compare %s on %v with %s on %v", gen.Name, gen.Fields.Lat, ref.Name, l)
	}
	th := cfg.Thresholds
	th.defaults()
	cfg.defaults()
	nr, ng := ref.Fields.Len(), gen.Fields.Len()
	if nr < 2*cfg.Blocks || ng < 2 {
		return nil, fmt.Errorf("evaluate: compare %d reference and %d generated fields: need ≥ %d and ≥ 2", nr, ng, 2*cfg.Blocks)
	}
	shells := cfg.Shells
	if shells == nil {
		var err error
		if shells, err = l.Shells(l.DefaultShellCount()); err != nil {
			return nil, err
		}
	}
	c := &Comparison{Reference: ref.Name, Generated: gen.Name, NRef: nr, NGen: ng, Denoise: cfg.Denoise}

	// Slice directions: unit vectors in R^V, wgrad's generator on this
	// comparison's own stream, which then draws the null splits.
	V := l.Volume()
	rnd := rng.NewRand(cfg.Seed, rng.StageEvaluate, compareStream)
	flat := wgrad.SliceDirections(nil, V, cfg.Slices, rnd)
	dirs := make([][]float64, cfg.Slices)
	for k := range dirs {
		dirs[k] = flat[k*V : (k+1)*V : (k+1)*V]
	}
	corr := field.NewCorrelator(l)
	pr := measureAll(ref.Fields, cfg.Action, corr, dirs)
	pg := measureAll(gen.Fields, cfg.Action, corr, dirs)

	c.spectrum(corr, shells, ref, gen)
	or, og := c.observables(V, cfg.Action, ref, gen)
	c.warnNonFinite(ref.Name, ref.Fields)
	c.warnNonFinite(gen.Name, gen.Fields)
	c.histogram(pr.m, pg.m, cfg.HistBins, math.Max(2*or.M2.TauInt, 1), math.Max(2*og.M2.TauInt, 1))
	c.sign(pr.m, ref.Chains, pg.m, gen.Chains)
	c.fillDistances(pr, pg, l.HalfWeights(), cfg, rnd)
	c.judge(th)
	return c, nil
}

func (cfg *CompareConfig) defaults() {
	if cfg.HistBins == 0 {
		cfg.HistBins = 30
	}
	if cfg.Slices == 0 {
		cfg.Slices = 64
	}
	if cfg.Splits == 0 {
		cfg.Splits = 8
	}
	if cfg.Blocks == 0 {
		cfg.Blocks = 16
	}
}

// warnNonFinite records how many configurations of e hold a NaN or ±Inf:
// a diverged sampler, whose statistics are then NaN and fail every check.
func (c *Comparison) warnNonFinite(name string, e *field.Ensemble) {
	n := 0
	for i := 0; i < e.Len(); i++ {
		for _, v := range e.Field(i) {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				n++
				break
			}
		}
	}
	if n > 0 {
		c.Warnings = append(c.Warnings, fmt.Sprintf("%s: %d of %d configurations are not finite (NaN or ±Inf): a diverged sampler", name, n, e.Len()))
	}
}

// warn records a non-fatal error of the measurement what.
func (c *Comparison) warn(what string, err error) {
	if err != nil {
		c.Warnings = append(c.Warnings, fmt.Sprintf("%s: %v", what, err))
	}
}

// spectrum fills the shell spectra, their ratio and its χ².
func (c *Comparison) spectrum(corr *field.Correlator, shells *lattice.Shells, ref, gen Sample) {
	tpr, err := corr.MeasureTwoPoint(shells, splitEnsemble(ref.Fields, ref.Chains)...)
	c.warn("reference two-point function", err)
	tpg, err := corr.MeasureTwoPoint(shells, splitEnsemble(gen.Fields, gen.Chains)...)
	c.warn("generated two-point function", err)
	c.ShellKHat = append([]float64(nil), shells.KHat...)
	c.RefShell, c.RefShellErr = tpr.Shell, tpr.ShellErr
	c.GenShell, c.GenShellErr = tpg.Shell, tpg.ShellErr
	c.Ratio = make([]float64, shells.Len())
	c.RatioErr = make([]float64, shells.Len())
	for s := range c.Ratio {
		r := tpg.Shell[s] / tpr.Shell[s]
		c.Ratio[s] = r
		c.RatioErr[s] = math.Abs(r) * math.Hypot(tpg.ShellErr[s]/tpg.Shell[s], tpr.ShellErr[s]/tpr.Shell[s])
		if c.RatioErr[s] > 0 {
			z := (r - 1) / c.RatioErr[s]
			c.SpectrumChi2 += z * z
			c.SpectrumDOF++
		}
	}
}

// observables fills the z-scores of the observables and returns both
// ensembles' summaries.
func (c *Comparison) observables(V int, a field.Action, ref, gen Sample) (or, og field.Observables) {
	mr := field.MeasureEnsemble(nil, a, ref.Fields)
	mg := field.MeasureEnsemble(nil, a, gen.Fields)
	var err error
	or, err = field.Summarise(V, chains(mr, ref.Chains)...)
	c.warn("reference observables", err)
	og, err = field.Summarise(V, chains(mg, gen.Chains)...)
	c.warn("generated observables", err)
	type pair struct {
		name string
		r, g field.Estimate
	}
	obs := []pair{{"M", or.M, og.M}, {"AbsM", or.AbsM, og.AbsM}, {"Chi", or.Chi, og.Chi}, {"ChiConn", or.ChiConn, og.ChiConn}, {"Binder", or.Binder, og.Binder}}
	if a != nil {
		obs = append(obs, pair{"ActionDensity", or.ActionDensity, og.ActionDensity})
	}
	for _, o := range obs {
		c.Observables = append(c.Observables, ObservableZ{
			Name: o.name, Ref: o.r.Value, RefErr: o.r.Err, Gen: o.g.Value, GenErr: o.g.Err,
			Z: zscore(o.g.Value-o.r.Value, o.r.Err, o.g.Err), RefTauInt: o.r.TauInt, GenTauInt: o.g.TauInt,
		})
	}
	return or, og
}

// sign fills ⟨sign M⟩ of both ensembles and the z-score of their difference.
func (c *Comparison) sign(mr []float64, refChains int, mg []float64, genChains int) {
	sr, err := signMean(mr, refChains)
	c.warn("reference ⟨sign M⟩", err)
	sg, err := signMean(mg, genChains)
	c.warn("generated ⟨sign M⟩", err)
	c.RefSign, c.RefSignErr, c.GenSign, c.GenSignErr = sr.Value, sr.Err, sg.Value, sg.Err
	c.SignZ = zscore(sg.Value-sr.Value, sr.Err, sg.Err)
}

// splitEnsemble splits e into n consecutive, equally long chains.
func splitEnsemble(e *field.Ensemble, n int) []*field.Ensemble {
	if n <= 1 {
		return []*field.Ensemble{e}
	}
	V := e.Lat.Volume()
	L := e.Len() / n
	out := make([]*field.Ensemble, n)
	for i := range out {
		out[i] = &field.Ensemble{Lat: e.Lat, Data: e.Data[i*L*V : (i+1)*L*V : (i+1)*L*V]}
	}
	return out
}

// chains splits a history into n consecutive, equally long chains.
func chains(m []field.Measurement, n int) [][]field.Measurement {
	if n <= 1 {
		return [][]field.Measurement{m}
	}
	L := len(m) / n
	out := make([][]field.Measurement, n)
	for i := range out {
		out[i] = m[i*L : (i+1)*L]
	}
	return out
}

func zscore(d, e1, e2 float64) float64 {
	s := math.Hypot(e1, e2)
	if s == 0 {
		if d == 0 {
			return 0
		}
		return math.Inf(int(math.Copysign(1, d)))
	}
	return d / s
}

func measureAll(e *field.Ensemble, a field.Action, corr *field.Correlator, dirs [][]float64) *perConfig {
	n, V := e.Len(), e.Lat.Volume()
	p := &perConfig{m: make([]float64, n), s: make([]float64, n), power: make([][]float64, n), proj: make([][]float64, n)}
	for i := 0; i < n; i++ {
		phi := e.Field(i)
		mm := field.Measure(a, phi)
		p.m[i], p.s[i] = mm.M, mm.ActionDensity
		p.power[i] = corr.Spectrum(nil, phi)
		pj := make([]float64, len(dirs))
		for k, d := range dirs {
			s := 0.0
			for x := 0; x < V; x++ {
				s += d[x] * phi[x]
			}
			pj[k] = s
		}
		p.proj[i] = pj
	}
	return p
}

// signMean returns ⟨sign M⟩ with its Γ-method error.
func signMean(m []float64, nchains int) (field.Estimate, error) {
	if nchains < 1 {
		nchains = 1
	}
	L := len(m) / nchains
	reps := make([][][]float64, nchains)
	for r := range reps {
		s := make([]float64, L)
		for i := range s {
			s[i] = math.Copysign(1, m[r*L+i])
			if m[r*L+i] == 0 {
				s[i] = 0
			}
		}
		reps[r] = [][]float64{s}
	}
	return field.Gamma(nil, field.DefaultS, reps...)
}

// histogram fills the M histogram and its two-sample χ². The bins span the
// pooled 0.1%–99.9% quantiles; tauR and tauG (2τ_int, ≥ 1) inflate the
// count variances for autocorrelation. Bins where either expected count is
// below 5 are left out of the χ².
func (c *Comparison) histogram(mr, mg []float64, bins int, tauR, tauG float64) {
	// The edges come from the finite values only: a diverged sampler's NaN
	// or ±Inf magnetisations fall outside every bin (and are reported by
	// warnNonFinite), so the densities of the finite ones stay defined.
	pool := make([]float64, 0, len(mr)+len(mg))
	for _, v := range slices.Concat(mr, mg) {
		if !math.IsNaN(v) && !math.IsInf(v, 0) {
			pool = append(pool, v)
		}
	}
	lo, hi := -1.0, 1.0
	if len(pool) > 0 {
		slices.Sort(pool)
		lo, hi = pool[int(0.001*float64(len(pool)-1))], pool[int(0.999*float64(len(pool)-1))]
		if !(hi > lo) {
			lo, hi = pool[0]-1, pool[len(pool)-1]+1
		}
	}
	w := (hi - lo) / float64(bins)
	c.HistEdges = make([]float64, bins+1)
	for i := range c.HistEdges {
		c.HistEdges[i] = lo + float64(i)*w
	}
	count := func(m []float64) []float64 {
		h := make([]float64, bins)
		for _, v := range m {
			if !(v >= lo && v <= hi) { // NaN too
				continue
			}
			b := min(int((v-lo)/w), bins-1)
			h[b]++
		}
		return h
	}
	hr, hg := count(mr), count(mg)
	nr, ng := float64(len(mr)), float64(len(mg))
	c.RefHist, c.RefHistErr = make([]float64, bins), make([]float64, bins)
	c.GenHist, c.GenHistErr = make([]float64, bins), make([]float64, bins)
	c.HistChi2, c.HistDOF = 0, 0
	for b := 0; b < bins; b++ {
		pr, pg := hr[b]/nr, hg[b]/ng
		vr := pr * (1 - pr) * tauR / nr
		vg := pg * (1 - pg) * tauG / ng
		c.RefHist[b], c.RefHistErr[b] = pr/w, math.Sqrt(vr)/w
		c.GenHist[b], c.GenHistErr[b] = pg/w, math.Sqrt(vg)/w
		// Expected counts under the pooled law.
		pp := (hr[b] + hg[b]) / (nr + ng)
		if pp*nr/tauR < 5 || pp*ng/tauG < 5 {
			continue
		}
		// Pearson's two-sample χ²: over all bins it is χ² with one
		// degree of freedom fewer than bins (both histograms are
		// normalised); over a subset S of them it is χ²_{|S|−1} plus
		// (1 − P(S)) χ²₁, which χ²_{|S|} bounds. (The 0.2% of values
		// outside the edges add at most 0.002 χ²₁ to the first.)
		v := pp * (tauR/nr + tauG/ng)
		c.HistChi2 += (pr - pg) * (pr - pg) / v
		c.HistDOF++
	}
	if c.HistDOF == bins {
		c.HistDOF--
	}
}
