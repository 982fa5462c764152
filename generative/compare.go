// Copyright ©2026 The rgflow Authors. All rights reserved.

package generative

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"

	"gonum.org/v1/gonum/stat/distuv"

	"rgflow/field"
	"rgflow/internal/rng"
	"rgflow/lattice"
	"rgflow/wgrad"
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

// Thresholds are the pass rules of a Verdict.
type Thresholds struct {
	// Confidence of the χ² tests (spectrum, M histogram); 0 means 0.999.
	Confidence float64
	// ZMax bounds |z| of every observable; 0 means 4.
	ZMax float64
	// W2Factor: a W₂ passes if ≤ W2Factor × its null yardstick; 0 means 3.
	W2Factor float64
	// KLFactor: the Gaussian-part KL passes if ≤ KLFactor × its null
	// yardstick; 0 means 3.
	KLFactor float64
}

func (t *Thresholds) defaults() {
	if t.Confidence == 0 {
		t.Confidence = 0.999
	}
	if t.ZMax == 0 {
		t.ZMax = 4
	}
	if t.W2Factor == 0 {
		t.W2Factor = 3
	}
	if t.KLFactor == 0 {
		t.KLFactor = 3
	}
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

// Check is one named pass/fail rule of a Verdict.
type Check struct {
	Name      string
	Value     float64
	Threshold float64
	Pass      bool
	// Rule says how Value is compared with Threshold.
	Rule string
}

// Verdict is the outcome of a comparison: every check and whether all
// passed.
type Verdict struct {
	Pass   bool
	Checks []Check
}

// String formats the verdict as one line per check,
// "pass|FAIL  name  value (threshold)  rule", and a last line with the
// outcome.
func (v Verdict) String() string {
	var b strings.Builder
	w := 0
	for _, c := range v.Checks {
		w = max(w, len(c.Name))
	}
	for _, c := range v.Checks {
		mark := "pass"
		if !c.Pass {
			mark = "FAIL"
		}
		fmt.Fprintf(&b, "%s  %-*s  %-11.4g %-22s %s\n", mark, w, c.Name, c.Value, fmt.Sprintf("(threshold %.4g)", c.Threshold), c.Rule)
	}
	if v.Pass {
		fmt.Fprintf(&b, "verdict: pass (%d checks)", len(v.Checks))
	} else {
		n := 0
		for _, c := range v.Checks {
			if !c.Pass {
				n++
			}
		}
		fmt.Fprintf(&b, "verdict: FAIL (%d of %d checks failed)", n, len(v.Checks))
	}
	return b.String()
}

func (v *Verdict) add(name, rule string, value, threshold float64, pass bool) {
	v.Checks = append(v.Checks, Check{Name: name, Value: value, Threshold: threshold, Pass: pass, Rule: rule})
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
		return nil, fmt.Errorf("generative: compare %s on %v with %s on %v", gen.Name, gen.Fields.Lat, ref.Name, l)
	}
	th := cfg.Thresholds
	th.defaults()
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
	nr, ng := ref.Fields.Len(), gen.Fields.Len()
	if nr < 2*cfg.Blocks || ng < 2 {
		return nil, fmt.Errorf("generative: compare %d reference and %d generated fields: need ≥ %d and ≥ 2", nr, ng, 2*cfg.Blocks)
	}
	shells := cfg.Shells
	if shells == nil {
		var err error
		if shells, err = l.Shells(l.DefaultShellCount()); err != nil {
			return nil, err
		}
	}
	c := &Comparison{Reference: ref.Name, Generated: gen.Name, NRef: nr, NGen: ng, Denoise: cfg.Denoise}
	warn := func(what string, err error) {
		if err != nil {
			c.Warnings = append(c.Warnings, fmt.Sprintf("%s: %v", what, err))
		}
	}

	// Slice directions: unit vectors in R^V, wgrad's generator on this
	// comparison's own stream.
	V := l.Volume()
	rnd := rng.NewRand(cfg.Seed, rng.StageEvaluate, 0)
	flat := wgrad.SliceDirections(nil, V, cfg.Slices, rnd)
	dirs := make([][]float64, cfg.Slices)
	for k := range dirs {
		dirs[k] = flat[k*V : (k+1)*V : (k+1)*V]
	}
	corr := field.NewCorrelator(l)
	pr := measureAll(ref.Fields, cfg.Action, corr, dirs)
	pg := measureAll(gen.Fields, cfg.Action, corr, dirs)

	// Spectrum per shell.
	tpr, err := corr.MeasureTwoPoint(shells, splitEnsemble(ref.Fields, ref.Chains)...)
	warn("reference two-point function", err)
	tpg, err := corr.MeasureTwoPoint(shells, splitEnsemble(gen.Fields, gen.Chains)...)
	warn("generated two-point function", err)
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

	// Observables.
	mr := field.MeasureEnsemble(nil, cfg.Action, ref.Fields)
	mg := field.MeasureEnsemble(nil, cfg.Action, gen.Fields)
	or, err := field.Summarise(V, chains(mr, ref.Chains)...)
	warn("reference observables", err)
	og, err := field.Summarise(V, chains(mg, gen.Chains)...)
	warn("generated observables", err)
	type pair struct {
		name string
		r, g field.Estimate
	}
	obs := []pair{{"M", or.M, og.M}, {"AbsM", or.AbsM, og.AbsM}, {"Chi", or.Chi, og.Chi}, {"ChiConn", or.ChiConn, og.ChiConn}, {"Binder", or.Binder, og.Binder}}
	if cfg.Action != nil {
		obs = append(obs, pair{"ActionDensity", or.ActionDensity, og.ActionDensity})
	}
	for _, o := range obs {
		c.Observables = append(c.Observables, ObservableZ{
			Name: o.name, Ref: o.r.Value, RefErr: o.r.Err, Gen: o.g.Value, GenErr: o.g.Err,
			Z: zscore(o.g.Value-o.r.Value, o.r.Err, o.g.Err), RefTauInt: o.r.TauInt, GenTauInt: o.g.TauInt,
		})
	}

	// M histogram and sign symmetry.
	c.histogram(pr.m, pg.m, cfg.HistBins, math.Max(2*or.M2.TauInt, 1), math.Max(2*og.M2.TauInt, 1))
	sr, err := signMean(pr.m, ref.Chains)
	warn("reference ⟨sign M⟩", err)
	sg, err := signMean(pg.m, gen.Chains)
	warn("generated ⟨sign M⟩", err)
	c.RefSign, c.RefSignErr, c.GenSign, c.GenSignErr = sr.Value, sr.Err, sg.Value, sg.Err
	c.SignZ = zscore(sg.Value-sr.Value, sr.Err, sg.Err)

	// Distances and their null yardsticks.
	weights := l.HalfWeights()
	all := func(n int) []int {
		idx := make([]int, n)
		for i := range idx {
			idx[i] = i
		}
		return idx
	}
	d := distances(pr, all(nr), pg, all(ng), weights, cfg.Action != nil)
	c.W2Spectral, c.W2M, c.W2Action, c.SlicedW2, c.KLGauss = d.spec, d.m, d.s, d.sliced, d.kl
	null := nullDistances(pr, weights, cfg.Splits, cfg.Blocks, cfg.Action != nil, rnd)
	// Half-samples of sizes a, b against the compared sizes nr, ng.
	a, b := float64(nr/2), float64(nr-nr/2)
	scale := (1/float64(nr) + 1/float64(ng)) / (1/a + 1/b)
	sq := math.Sqrt(scale)
	c.W2SpectralNull, c.W2MNull, c.W2ActionNull, c.SlicedW2Null = null.spec*sq, null.m*sq, null.s*sq, null.sliced*sq
	c.KLGaussNull = null.kl * scale

	c.judge(th)
	return c, nil
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
	pool := append(append([]float64(nil), mr...), mg...)
	slices.Sort(pool)
	lo := pool[int(0.001*float64(len(pool)-1))]
	hi := pool[int(0.999*float64(len(pool)-1))]
	if !(hi > lo) {
		lo, hi = pool[0]-1, pool[len(pool)-1]+1
	}
	w := (hi - lo) / float64(bins)
	c.HistEdges = make([]float64, bins+1)
	for i := range c.HistEdges {
		c.HistEdges[i] = lo + float64(i)*w
	}
	count := func(m []float64) []float64 {
		h := make([]float64, bins)
		for _, v := range m {
			if v < lo || v > hi {
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
		v := pp * (1 - pp) * (tauR/nr + tauG/ng)
		c.HistChi2 += (pr - pg) * (pr - pg) / v
		c.HistDOF++
	}
	if c.HistDOF > 0 {
		c.HistDOF-- // both histograms are normalised
	}
}

type dist struct{ spec, m, s, sliced, kl float64 }

// distances computes every distance between the configurations ia of a and
// ib of b.
func distances(a *perConfig, ia []int, b *perConfig, ib []int, weights []float64, action bool) dist {
	var d dist
	ga, gb := meanPower(a, ia), meanPower(b, ib)
	d.spec = math.Sqrt(spectralW2Sq(ga, gb, weights))
	d.kl = gaussKL(gb, ga, weights)
	pick := func(x []float64, idx []int) []float64 {
		out := make([]float64, len(idx))
		for k, i := range idx {
			out[k] = x[i]
		}
		return out
	}
	d.m = math.Sqrt(w2SqSorted(sortedCopy(pick(a.m, ia)), sortedCopy(pick(b.m, ib))))
	d.s = math.NaN()
	if action {
		d.s = math.Sqrt(w2SqSorted(sortedCopy(pick(a.s, ia)), sortedCopy(pick(b.s, ib))))
	}
	K := len(a.proj[0])
	xa, xb := make([]float64, len(ia)), make([]float64, len(ib))
	for k := 0; k < K; k++ {
		for n, i := range ia {
			xa[n] = a.proj[i][k]
		}
		for n, i := range ib {
			xb[n] = b.proj[i][k]
		}
		d.sliced += w2SqSorted(sortedCopy(xa), sortedCopy(xb))
	}
	d.sliced = math.Sqrt(d.sliced / float64(K))
	return d
}

func meanPower(p *perConfig, idx []int) []float64 {
	g := make([]float64, len(p.power[0]))
	for _, i := range idx {
		for j, v := range p.power[i] {
			g[j] += v
		}
	}
	for j := range g {
		g[j] /= float64(len(idx))
	}
	return g
}

// nullDistances returns the RMS over random splits of the reference into
// halves of whole blocks of the distances between the halves.
func nullDistances(p *perConfig, weights []float64, splits, blocks int, action bool, rnd *rand.Rand) dist {
	n := len(p.m)
	L := n / blocks
	var acc dist
	for s := 0; s < splits; s++ {
		perm := rnd.Perm(blocks)
		var ia, ib []int
		for k, blk := range perm {
			hi := (blk + 1) * L
			if blk == blocks-1 {
				hi = n
			}
			for i := blk * L; i < hi; i++ {
				if k < blocks/2 {
					ia = append(ia, i)
				} else {
					ib = append(ib, i)
				}
			}
		}
		d := distances(p, ia, p, ib, weights, action)
		acc.spec += d.spec * d.spec
		acc.m += d.m * d.m
		acc.s += d.s * d.s
		acc.sliced += d.sliced * d.sliced
		acc.kl += d.kl * d.kl
	}
	f := float64(splits)
	return dist{
		spec: math.Sqrt(acc.spec / f), m: math.Sqrt(acc.m / f), s: math.Sqrt(acc.s / f),
		sliced: math.Sqrt(acc.sliced / f), kl: math.Sqrt(acc.kl / f),
	}
}

// spectralW2Sq is W₂² between centred translation-invariant Gaussian fields
// with half-spectrum covariances c1, c2 (wgrad.SpectralW2, the one
// implementation).
func spectralW2Sq(c1, c2, weights []float64) float64 { return wgrad.SpectralW2(c1, c2, weights) }

// w2SqSorted returns W₂² between the empirical measures of the sorted
// samples x and y, sizes may differ (wgrad.SortedW2Sq, the one
// implementation).
func w2SqSorted(x, y []float64) float64 { return wgrad.SortedW2Sq(x, y) }

// gaussKL is KL(N(0, p) ‖ N(0, q)) for half-spectrum covariances p, q:
// ½ Σ_k w_k (r − 1 − ln r), r = p/q.
func gaussKL(p, q, weights []float64) float64 {
	s := 0.0
	for j, w := range weights {
		if !(q[j] > 0) || !(p[j] > 0) {
			continue
		}
		r := p[j] / q[j]
		s += w * (r - 1 - math.Log(r))
	}
	return s / 2
}

func sortedCopy(x []float64) []float64 {
	y := append([]float64(nil), x...)
	slices.Sort(y)
	return y
}

// judge fills the verdict.
func (c *Comparison) judge(th Thresholds) {
	v := &c.Verdict
	q := func(dof int) float64 { return distuv.ChiSquared{K: float64(dof)}.Quantile(th.Confidence) }
	if c.SpectrumDOF > 0 {
		t := q(c.SpectrumDOF)
		v.add("spectrum_ratio_chi2", fmt.Sprintf("χ² of (ratio − 1)/error over %d shells ≤ χ²_%d quantile at %g", c.SpectrumDOF, c.SpectrumDOF, th.Confidence), c.SpectrumChi2, t, c.SpectrumChi2 <= t)
	}
	for _, o := range c.Observables {
		v.add("z_"+o.Name, "|z| ≤ ZMax", math.Abs(o.Z), th.ZMax, math.Abs(o.Z) <= th.ZMax)
	}
	if c.HistDOF > 0 {
		t := q(c.HistDOF)
		v.add("m_histogram_chi2", fmt.Sprintf("two-sample χ² over %d bins ≤ χ² quantile at %g", c.HistDOF+1, th.Confidence), c.HistChi2, t, c.HistChi2 <= t)
	}
	v.add("m_sign_symmetry_z", "|z| of ⟨sign M⟩_gen − ⟨sign M⟩_ref ≤ ZMax", math.Abs(c.SignZ), th.ZMax, math.Abs(c.SignZ) <= th.ZMax)
	w2 := func(name string, d, null float64) {
		if math.IsNaN(d) {
			return
		}
		t := th.W2Factor * null
		v.add(name, "distance ≤ W2Factor × null yardstick", d, t, d <= t)
	}
	w2("w2_spectral", c.W2Spectral, c.W2SpectralNull)
	w2("w2_m", c.W2M, c.W2MNull)
	w2("w2_action", c.W2Action, c.W2ActionNull)
	w2("sliced_w2", c.SlicedW2, c.SlicedW2Null)
	t := th.KLFactor * c.KLGaussNull
	v.add("kl_gauss", "KL ≤ KLFactor × null yardstick", c.KLGauss, t, c.KLGauss <= t)
	if d := c.Denoise; d != nil && len(d.Names) > 1 {
		for s := 1; s < len(d.Names); s++ {
			m, e := d.MeanDiff(s)
			v.add("denoise_"+d.Names[s]+"_vs_"+d.Names[0], fmt.Sprintf("time-averaged MSE difference ≤ ZMax × its error (%s no worse than %s)", d.Names[s], d.Names[0]), m, th.ZMax*e, m <= th.ZMax*e)
		}
	}
	v.Pass = true
	for _, ch := range v.Checks {
		v.Pass = v.Pass && ch.Pass
	}
}
