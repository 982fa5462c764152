// Copyright ©2026 The rgflow Authors. All rights reserved.

package pipeline

import (
	"fmt"
	"maps"
	"math"

	"gonum.org/v1/gonum/stat/distuv"

	"rgflow/erg"
	"rgflow/field"
	"rgflow/internal/cli"
	"rgflow/internal/h5io"
	"rgflow/lattice"
)

// FlowInput is what RunFlow flows and how.
type FlowInput struct {
	Group    string // e.g. /flow/polchinski
	Proc     *erg.Process
	Action   field.Action    // bare action for the action density (may be nil)
	Data     *field.Ensemble // the fields at t = 0
	Times    []float64
	Coupling erg.Coupling
	Store    int // fields written per snapshot
	// G0 is the data spectrum per mode for the closed forms: exact for free
	// fields; for interacting data the measured spectrum, which makes the
	// "analytic" columns those of the data's Gaussian part.
	G0    []float64
	Seed  uint64
	Attrs map[string]any
	// Bar, if not nil, counts the snapshots written.
	Bar *cli.Progress
}

// FlowResult holds the per-snapshot diagnostics of RunFlow.
type FlowResult struct {
	Times []float64
	// Closed forms (of the Gaussian with spectrum G0) and sample
	// estimates, side by side.
	KL, KLEst           []float64
	W2, W2Est           []float64
	Entropy, EntropyEst []float64
	// Dissipation D_t = −dKL/dt (closed form) and its Monte Carlo estimate
	// E Σ_k ½βσ²|∂ log(p/π)|² over the snapshot, with standard error.
	Diss, DissMC, DissMCErr []float64
	// SpecChi2 and SpecDOF: per snapshot, Σ over distinct modes of the
	// squared z-score of the sample spectrum against G_t; SpecP its p-value.
	SpecChi2 []float64
	SpecDOF  int
	SpecP    []float64
	// IdentityErr is the energy–dissipation identity on the snapshot grid
	// (see IdentityError).
	IdentityErr float64
	// Observables along the flow.
	Obs []field.Observables
}

// FlowGroup is the group of the Polchinski flow of the training fields.
const FlowGroup = "/flow/polchinski"

// FlowStage flows the first c.Samples fields of train along p into
// FlowGroup and returns the diagnostics. The group carries the flow's
// settings as attributes, to which attrs add (and which they override):
// at least a description. g0 is the data spectrum of the closed forms (see
// FlowInput.G0).
func (o *Out) FlowStage(c Flow, p *erg.Process, act field.Action, train *field.Ensemble, g0 []float64, seed uint64, attrs map[string]any, bar *cli.Progress) (*FlowResult, error) {
	coupling, err := erg.ParseCoupling(c.Coupling)
	if err != nil {
		return nil, err
	}
	data, err := field.EnsembleOf(o.Lat, train.Data[:c.Samples*o.Lat.Volume()])
	if err != nil {
		return nil, err
	}
	sched := p.Sched.(erg.PolchinskiSchedule)
	a := map[string]any{
		"regulator": c.Regulator, "temperature": c.Temperature,
		"schedule": "Polchinski: ᾱ_t(k) = K((k̂²+μ_IR²)/Λ_t²)/K((k̂²+μ_IR²)/Λ₀²), Λ_t = Λ₀e^{−t}",
		"lambda0":  math.Sqrt(sched.Lambda02), "mu_ir2": sched.MuIR2, "m0_2": c.M02,
		"zero_mode": c.ZeroMode, "basis": "fft", "coupling": c.Coupling, "end_time": p.T,
		"variables": "x_t = φ_t/√ᾱ_t: the variance-preserving form x_t = √ᾱ x₀ + √(1−ᾱ) σ ξ, fixed point N(0, 1/(k̂²+m₀²))",
	}
	maps.Copy(a, attrs)
	return o.RunFlow(FlowInput{Group: FlowGroup, Proc: p, Action: act, Data: data,
		Times: c.Times(p), Coupling: coupling, Store: c.Store, G0: g0, Seed: seed, Attrs: a, Bar: bar})
}

// ReadFlow reads the diagnostics of a finished flow stage back from
// FlowGroup, for a resumed run whose later stages need them; g0 is the
// spectrum the flow's closed forms used.
func (o *Out) ReadFlow(p *erg.Process, g0 []float64) (*FlowResult, error) {
	res := &FlowResult{}
	for _, x := range []struct {
		name string
		dst  *[]float64
	}{
		{"t", &res.Times}, {"kl_analytic", &res.KL}, {"kl_estimate", &res.KLEst}, {"w2_analytic", &res.W2}, {"w2_estimate", &res.W2Est},
		{"entropy_analytic", &res.Entropy}, {"entropy_estimate", &res.EntropyEst},
		{"dissipation", &res.Diss}, {"dissipation_estimate", &res.DissMC}, {"dissipation_estimate_error", &res.DissMCErr},
		{"spectrum_chi2", &res.SpecChi2}, {"spectrum_p_value", &res.SpecP},
	} {
		d, err := o.F.OpenDataset(FlowGroup + "/" + x.name)
		if err != nil {
			return nil, err
		}
		if _, err := d.Read(x.dst); err != nil {
			return nil, err
		}
	}
	res.IdentityErr = IdentityError(p, g0, res.Times, res.KL)
	return res, nil
}

// RunFlow flows in.Data along in.Proc, writes in.Group (layout: /flow in
// docs/hdf5-schema.md) one snapshot at a time and returns the diagnostics.
// It replaces whatever an interrupted earlier attempt left in the group.
func (o *Out) RunFlow(in FlowInput) (*FlowResult, error) {
	p := in.Proc
	fl, err := erg.NewFlow(p, in.Times, in.Coupling, erg.X)
	if err != nil {
		return nil, err
	}
	m, err := o.newFlowMeter(in)
	if err != nil {
		return nil, err
	}
	if err := o.F.CreateGroup(in.Group, in.Attrs); err != nil {
		return nil, err
	}
	tb, err := o.newFlowTable(in.Group, in.Store)
	if err != nil {
		return nil, err
	}
	res := &FlowResult{SpecDOF: m.test.DOF}
	ab := make([]float64, p.Modes())
	shell := make([]float64, o.Shells.Len())
	err = fl.Run(in.Data, in.Seed, func(i int, t float64, e *field.Ensemble) error {
		if in.Bar != nil {
			defer in.Bar.Update(int64(i + 1))
		}
		so, vals := m.measure(t, e)
		for _, c := range tb.cols {
			switch c.name {
			case "spectrum":
				err = c.ds.Append(so.ShellSpectrum)
			case "spectrum_analytic":
				err = c.ds.Append(o.Shells.Average(shell, m.gt, p.Weight))
			default:
				err = c.ds.Append([]float64{vals[c.name]})
			}
			if err != nil {
				return err
			}
		}
		if err := tb.t.Append([]float64{t}); err != nil {
			return err
		}
		if err := tb.alpha.Append(FullGrid(o.Lat, p.AlphaBar(ab, t))); err != nil {
			return err
		}
		if tb.snaps != nil {
			if err := tb.snaps.Append(e.Data[:in.Store*o.Lat.Volume()]); err != nil {
				return err
			}
		}
		res.add(t, vals, so)
		return nil
	})
	if err != nil {
		return nil, err
	}
	res.IdentityErr = IdentityError(p, in.G0, res.Times, res.KL)
	if math.IsNaN(res.IdentityErr) {
		return nil, fmt.Errorf("pipeline: the dissipation along the flow is not finite")
	}
	return res, nil
}

// add appends one snapshot's diagnostics.
func (res *FlowResult) add(t float64, vals map[string]float64, so *erg.SnapshotObservables) {
	res.Times = append(res.Times, t)
	res.KL = append(res.KL, vals["kl_analytic"])
	res.KLEst = append(res.KLEst, vals["kl_estimate"])
	res.W2 = append(res.W2, vals["w2_analytic"])
	res.W2Est = append(res.W2Est, vals["w2_estimate"])
	res.Entropy = append(res.Entropy, vals["entropy_analytic"])
	res.EntropyEst = append(res.EntropyEst, vals["entropy_estimate"])
	res.Diss = append(res.Diss, vals["dissipation"])
	res.DissMC = append(res.DissMC, vals["dissipation_estimate"])
	res.DissMCErr = append(res.DissMCErr, vals["dissipation_estimate_error"])
	res.SpecChi2 = append(res.SpecChi2, vals["spectrum_chi2"])
	res.SpecP = append(res.SpecP, vals["spectrum_p_value"])
	res.Obs = append(res.Obs, so.Observables)
}

// flowColumn is one per-snapshot dataset of a flow group: a scalar series
// along t, or a shell-averaged spectrum per t.
type flowColumn struct {
	name, units, desc string
	shell             bool
	ds                *h5io.Dataset
}

// flowColumns are the per-snapshot datasets RunFlow writes, in order.
var flowColumns = []flowColumn{
	{name: "spectrum", desc: "shell-averaged sample spectrum Ĝ_t(k) of the flowed fields", shell: true},
	{name: "spectrum_analytic", desc: "shell-averaged G_t = ᾱG₀ + (1−ᾱ)σ² of the data's Gaussian part", shell: true},
	{name: "kl_analytic", units: "nats", desc: "KL(p_t ‖ fixed point) = ½Σ_k(r−1−ln r), r = G_t/σ² (closed form)"},
	{name: "kl_estimate", units: "nats", desc: "KL of the Gaussian with the sample spectrum to the fixed point (a lower bound on the snapshot's KL)"},
	{name: "w2_analytic", units: "lattice units", desc: "W₂(p_t, fixed point) = [Σ_k(√G_t − σ)²]^½ (closed form)"},
	{name: "w2_estimate", units: "lattice units", desc: "W₂ between the Gaussian with the sample spectrum and the fixed point"},
	{name: "entropy_analytic", units: "nats", desc: "differential entropy ½Σ_k ln(2πe G_t) per sample (closed form)"},
	{name: "entropy_estimate", units: "nats", desc: "differential entropy of the Gaussian with the sample spectrum"},
	{name: "dissipation", units: "nats", desc: "D_t = Σ_k ½β_k(r−1)²/r = −dKL/dt (closed form; the W₂ gradient-flow dissipation)"},
	{name: "dissipation_estimate", units: "nats", desc: "Monte Carlo E Σ_k ½β_kσ_k²|∂_k log(p_t/π)|² over the snapshot with the Gaussian score"},
	{name: "dissipation_estimate_error", units: "nats", desc: "one standard error of dissipation_estimate under the closed-form law of the snapshot (the exact variance of the quadratic form)"},
	{name: "spectrum_chi2", units: "1", desc: "Σ over distinct modes of ((Ĝ_t − G_t)/σ(Ĝ_t))²: the sample spectrum against the closed form"},
	{name: "spectrum_p_value", units: "1", desc: "p-value of spectrum_chi2 (χ² with one degree of freedom per distinct mode)"},
	{name: "chi", units: "lattice units^2", desc: "χ = V⟨M²⟩ of the flowed fields"},
	{name: "chi_error", units: "lattice units^2", desc: "one standard error of chi"},
	{name: "binder_u4", units: "1", desc: "U₄ of the flowed fields"},
	{name: "binder_u4_error", units: "1", desc: "one standard error of binder_u4"},
	{name: "action_density", units: "1", desc: "⟨S⟩/V of the flowed fields under the bare action"},
	{name: "action_density_error", units: "1", desc: "one standard error of action_density"},
}

// flowTable is the extendible datasets of a flow group: the scale t, the
// schedule ᾱ_t on the full momentum grid, the stored fields (nil when
// none are stored) and the columns.
type flowTable struct {
	t, alpha, snaps *h5io.Dataset
	cols            []*flowColumn
}

// newFlowTable creates (or opens) the datasets of group g, storing store
// fields per snapshot, and empties them.
func (o *Out) newFlowTable(g string, store int) (*flowTable, error) {
	var tb flowTable
	var err error
	if tb.t, err = o.F.CreateExtendibleScale(g+"/t", "t", "1", "flow time t = ln(Λ₀/Λ_t) of each snapshot"); err != nil {
		return nil, err
	}
	grid := o.gridSpec(h5io.Float64, "1", "per-mode schedule ᾱ_t(k) = K(k̂²/Λ_t²)/K(k̂²/Λ₀²) (the signal fraction each mode keeps)")
	grid.Shape = append([]int64{0}, grid.Shape...)
	grid.Dims = append([]string{"t"}, grid.Dims...)
	grid.Scales = append([]string{g + "/t"}, grid.Scales...)
	grid.Extendible = true
	if tb.alpha, err = o.F.CreateDataset(g+"/alpha_bar", grid); err != nil {
		return nil, err
	}
	all := []*h5io.Dataset{tb.t, tb.alpha}
	if store > 0 {
		sp := h5io.FieldSpec("sample", o.Lat.Dims(), "lattice units", "flowed fields x_t (variance-preserving variables) of the first samples at each snapshot")
		sp.Shape = append([]int64{0}, sp.Shape...)
		sp.Shape[1] = int64(store)
		sp.Dims = append([]string{"t"}, sp.Dims...)
		sp.Scales = append([]string{g + "/t"}, sp.Scales...)
		if tb.snaps, err = o.F.CreateDataset(g+"/snapshots", sp); err != nil {
			return nil, err
		}
		all = append(all, tb.snaps)
	}
	for _, c := range flowColumns {
		c := c
		if c.shell {
			c.ds, err = o.ShellSeries(g, c.name, c.desc)
		} else {
			c.ds, err = o.TimeSeries(g, c.name, c.units, c.desc)
		}
		if err != nil {
			return nil, err
		}
		tb.cols = append(tb.cols, &c)
		all = append(all, c.ds)
	}
	// A rerun after an interruption replaces what the earlier attempt left.
	for _, ds := range all {
		if err := ds.Truncate(0); err != nil {
			return nil, err
		}
	}
	return &tb, nil
}

// flowMeter measures the diagnostics of one flow snapshot: the observables
// and spectrum of the flowed fields, the closed forms of the Gaussian with
// spectrum G0 and the Monte Carlo dissipation.
type flowMeter struct {
	p      *erg.Process
	g0     []float64
	obs    *erg.SnapshotObserver
	so     *erg.SnapshotObservables
	test   SpectrumTest
	plan   *erg.Plan
	modes  []complex128
	fisher []float64
	gt     []float64 // the closed-form spectrum G_t of the last snapshot
}

func (o *Out) newFlowMeter(in FlowInput) (*flowMeter, error) {
	p := in.Proc
	obs, err := erg.NewSnapshotObserver(p, in.Action, 1)
	if err != nil {
		return nil, err
	}
	obs.Shells = o.Shells
	M := p.Modes()
	return &flowMeter{p: p, g0: in.G0, obs: obs, test: NewSpectrumTest(o.Lat), plan: p.NewPlan(),
		modes: make([]complex128, M), fisher: make([]float64, M), gt: make([]float64, M)}, nil
}

// measure returns the snapshot's observables and its diagnostics by column
// name.
func (m *flowMeter) measure(t float64, e *field.Ensemble) (*erg.SnapshotObservables, map[string]float64) {
	p, g0 := m.p, m.g0
	m.so = m.obs.Measure(m.so, t, e)
	so := m.so
	p.Spectrum(m.gt, g0, t)
	chi2, pval := m.test.Test(so.ModeSpectrum, m.gt, e.Len())
	// Monte Carlo dissipation with the Gaussian score of G0.
	var sum float64
	for i := 0; i < e.Len(); i++ {
		m.plan.ToModes(m.modes, e.Field(i))
		p.FisherTerms(m.fisher, m.modes, g0, t)
		f := 0.0
		for _, v := range m.fisher {
			f += v
		}
		sum += f
	}
	n := float64(e.Len())
	mc := sum / n
	// The standard error of mc under the closed-form law of the snapshot
	// (spectrum G_t), not the sample's: the terms are a quadratic form of
	// Gaussian modes, whose sample variance is small exactly when the
	// sample mean is, which made the |z| of the check heavy-tailed.
	for j := range m.modes {
		m.modes[j] = complex(math.Sqrt(m.gt[j]*p.Norm[j]), 0)
	}
	mcErr := math.Sqrt(m.test.QuadVar(p.FisherTerms(m.fisher, m.modes, g0, t)) / n)
	w2e, ente := 0.0, 0.0
	for j, gj := range so.ModeSpectrum {
		ente += p.Weight[j] * 0.5 * math.Log(2*math.Pi*math.E*gj)
		if p.Moves(j) {
			dd := math.Sqrt(gj) - math.Sqrt(p.Sigma2[j])
			w2e += p.Weight[j] * dd * dd
		}
	}
	return so, map[string]float64{
		"kl_analytic": p.KL(g0, t), "kl_estimate": so.GaussianKL,
		"w2_analytic": math.Sqrt(p.W2SqToFixedPoint(g0, t)), "w2_estimate": math.Sqrt(w2e),
		"entropy_analytic": p.Entropy(g0, t), "entropy_estimate": ente,
		"dissipation": p.Dissipation(g0, t), "dissipation_estimate": mc, "dissipation_estimate_error": mcErr,
		"spectrum_chi2": chi2, "spectrum_p_value": pval,
		"chi": so.Observables.Chi.Value, "chi_error": so.Observables.Chi.Err,
		"binder_u4": so.Observables.Binder.Value, "binder_u4_error": so.Observables.Binder.Err,
		"action_density": so.Observables.ActionDensity.Value, "action_density_error": so.Observables.ActionDensity.Err,
	}
}

// SpectrumTest is the χ² test of a sample spectrum against a closed form
// over the distinct modes of the half spectrum (a mode stored with its
// conjugate counts once).
type SpectrumTest struct {
	// DOF is the number of distinct modes: the degrees of freedom of χ².
	DOF  int
	conj []int
	dist distuv.ChiSquared
}

// NewSpectrumTest returns the test on the modes of l.
func NewSpectrumTest(l *lattice.Lattice) SpectrumTest {
	conj := l.HalfConjugate()
	dof := 0
	for j := range conj {
		if conj[j] < 0 || conj[j] >= j {
			dof++
		}
	}
	return SpectrumTest{DOF: dof, conj: conj, dist: distuv.ChiSquared{K: float64(dof)}}
}

// Test returns Σ z² over the distinct modes of the sample spectrum v of n
// independent fields against want, and its p-value. |φ̃_k|²/V of a complex
// mode is G·Exp(1) and of a real mode G·χ²₁, so z = (v − want)/(want·√(r/n))
// with r = 1 and 2.
func (s SpectrumTest) Test(v, want []float64, n int) (chi2, p float64) {
	for j := range v {
		if s.conj[j] >= 0 && s.conj[j] < j {
			continue
		}
		r := 1.0
		if s.conj[j] == j {
			r = 2
		}
		z := (v[j] - want[j]) / (want[j] * math.Sqrt(r/float64(n)))
		chi2 += z * z
	}
	return chi2, s.dist.Survival(chi2)
}

// QuadVar returns the variance of Σ_j mean_j |φ̃_j|²/G_j over the modes
// of one Gaussian field of spectrum G: mean_j is the term's mean. A
// distinct complex mode's |φ̃|²/G is Exp(1) (variance 1) and a real
// mode's χ²₁ (variance 2); a mode stored with its conjugate carries the
// same variable twice, so the two terms add before squaring.
func (s SpectrumTest) QuadVar(mean []float64) float64 {
	sum := make([]float64, len(mean))
	for j, v := range mean {
		c := j
		if s.conj[j] >= 0 && s.conj[j] < j {
			c = s.conj[j]
		}
		sum[c] += v
	}
	v := 0.0
	for j, x := range sum {
		r := 1.0
		if s.conj[j] == j {
			r = 2
		}
		v += r * x * x
	}
	return v
}

// IdentityPanels is the number of Simpson panels per snapshot interval in
// IdentityError: with quadrature error O(h⁴), 32 panels make it ~10⁶ times
// smaller than one panel's, so what remains is the identity itself.
const IdentityPanels = 32

// TimeSeries creates (or opens) the extendible dataset <g>/<name> of one
// value per flow time, along the scale <g>/t.
func (o *Out) TimeSeries(g, name, units, desc string) (*h5io.Dataset, error) {
	return o.F.CreateDataset(g+"/"+name, h5io.Spec{Dtype: h5io.Float64, Shape: []int64{0}, Extendible: true,
		Units: units, Description: desc, Dims: []string{"t"}, Scales: []string{g + "/t"}})
}

// ShellSeries creates (or opens) the extendible dataset <g>/<name> of a
// shell-averaged spectrum per flow time, dims (t, shell).
func (o *Out) ShellSeries(g, name, desc string) (*h5io.Dataset, error) {
	return o.F.CreateDataset(g+"/"+name, h5io.Spec{Dtype: h5io.Float64, Shape: []int64{0, int64(o.Shells.Len())}, Extendible: true,
		Units: "lattice units^2", Description: desc, Dims: []string{"t", "shell"}, Scales: []string{g + "/t", ShellScale}})
}

// KLScale is the scale relative to which changes of the KL along a flow are
// judged: KL₀, but never less than one nat. When the data already sit at the
// fixed point (KL₀ = 0, e.g. field.m2 equal to the flow's m₀²) the KL stays
// at zero and relative errors would divide round-off by zero; below one nat
// the checks become absolute, in nats.
func KLScale(kl0 float64) float64 { return math.Max(kl0, 1) }

// IdentityError returns max over snapshot intervals of
// |∫_{t_i}^{t_{i+1}} D dt − (KL_i − KL_{i+1})| / KLScale(KL_0): the energy–dissipation
// identity dKL/dt = −D_t of the flow (the statement that it is the W₂
// gradient flow of KL), with D integrated by composite Simpson's rule.
func IdentityError(p *erg.Process, g0, times, kl []float64) float64 {
	worst := 0.0
	scale := KLScale(kl[0])
	d := func(t float64) float64 { return p.Dissipation(g0, t) }
	for i := 0; i+1 < len(times); i++ {
		if times[i+1] == times[i] {
			continue
		}
		integral := Simpson(d, times[i], times[i+1], IdentityPanels)
		worst = math.Max(worst, math.Abs(integral-(kl[i]-kl[i+1]))/scale)
	}
	return worst
}

// Simpson returns ∫_a^b f by composite Simpson's rule on n panels (n is
// rounded up to even).
func Simpson(f func(float64) float64, a, b float64, n int) float64 {
	n += n % 2
	h := (b - a) / float64(n)
	sum := f(a) + f(b)
	for k := 1; k < n; k++ {
		w := 2.0
		if k%2 == 1 {
			w = 4
		}
		sum += w * f(a+float64(k)*h)
	}
	return sum * h / 3
}
