// Copyright ©2026 The rgflow Authors. All rights reserved.

package pipeline

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/stat/distuv"

	"rgflow/erg"
	"rgflow/field"
	"rgflow/internal/h5io"
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

// RunFlow flows in.Data along in.Proc, writes in.Group (layout: /flow in
// docs/hdf5-schema.md) one snapshot at a time and returns the diagnostics.
// It replaces whatever an interrupted earlier attempt left in the group.
func (o *Out) RunFlow(in FlowInput) (*FlowResult, error) {
	p := in.Proc
	fl, err := erg.NewFlow(p, in.Times, in.Coupling, erg.X)
	if err != nil {
		return nil, err
	}
	obs, err := erg.NewSnapshotObserver(p, in.Action, 1)
	if err != nil {
		return nil, err
	}
	obs.Shells = o.Shells
	g := in.Group
	if err := o.F.CreateGroup(g, in.Attrs); err != nil {
		return nil, err
	}
	tds, err := o.F.CreateExtendibleScale(g+"/t", "t", "1", "flow time t = ln(Λ₀/Λ_t) of each snapshot")
	if err != nil {
		return nil, err
	}
	dims := o.Lat.Dims()
	grid := o.gridSpec(h5io.Float64, "1", "per-mode schedule ᾱ_t(k) = K(k̂²/Λ_t²)/K(k̂²/Λ₀²) (the signal fraction each mode keeps)")
	grid.Shape = append([]int64{0}, grid.Shape...)
	grid.Dims = append([]string{"t"}, grid.Dims...)
	grid.Scales = append([]string{g + "/t"}, grid.Scales...)
	grid.Extendible = true
	alpha, err := o.F.CreateDataset(g+"/alpha_bar", grid)
	if err != nil {
		return nil, err
	}
	var snaps *h5io.Dataset
	if in.Store > 0 {
		sp := h5io.FieldSpec("sample", dims, "lattice units", "flowed fields x_t (variance-preserving variables) of the first samples at each snapshot")
		sp.Shape = append([]int64{0}, sp.Shape...)
		sp.Shape[1] = int64(in.Store)
		sp.Dims = append([]string{"t"}, sp.Dims...)
		sp.Scales = append([]string{g + "/t"}, sp.Scales...)
		if snaps, err = o.F.CreateDataset(g+"/snapshots", sp); err != nil {
			return nil, err
		}
	}
	series := func(name, units, desc string) (*h5io.Dataset, error) { return o.TimeSeries(g, name, units, desc) }
	shellSeries := func(name, desc string) (*h5io.Dataset, error) { return o.ShellSeries(g, name, desc) }
	type col struct {
		name, units, desc string
		shell             bool
		ds                *h5io.Dataset
	}
	cols := []*col{
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
		{name: "dissipation_estimate_error", units: "nats", desc: "one standard error of dissipation_estimate"},
		{name: "spectrum_chi2", units: "1", desc: "Σ over distinct modes of ((Ĝ_t − G_t)/σ(Ĝ_t))²: the sample spectrum against the closed form"},
		{name: "spectrum_p_value", units: "1", desc: "p-value of spectrum_chi2 (χ² with one degree of freedom per distinct mode)"},
		{name: "chi", units: "lattice units^2", desc: "χ = V⟨M²⟩ of the flowed fields"},
		{name: "chi_error", units: "lattice units^2", desc: "one standard error of chi"},
		{name: "binder_u4", units: "1", desc: "U₄ of the flowed fields"},
		{name: "binder_u4_error", units: "1", desc: "one standard error of binder_u4"},
		{name: "action_density", units: "1", desc: "⟨S⟩/V of the flowed fields under the bare action"},
		{name: "action_density_error", units: "1", desc: "one standard error of action_density"},
	}
	for _, c := range cols {
		if c.shell {
			c.ds, err = shellSeries(c.name, c.desc)
		} else {
			c.ds, err = series(c.name, c.units, c.desc)
		}
		if err != nil {
			return nil, err
		}
	}
	for _, ds := range append([]*h5io.Dataset{tds, alpha, snaps}, func() []*h5io.Dataset {
		var out []*h5io.Dataset
		for _, c := range cols {
			out = append(out, c.ds)
		}
		return out
	}()...) {
		if ds != nil {
			if err := ds.Truncate(0); err != nil {
				return nil, err
			}
		}
	}

	M := p.Modes()
	conj := o.Lat.HalfConjugate()
	dof := 0
	for j := 0; j < M; j++ {
		if conj[j] < 0 || conj[j] >= j {
			dof++
		}
	}
	res := &FlowResult{SpecDOF: dof}
	plan := p.NewPlan()
	modes := make([]complex128, M)
	fisher := make([]float64, M)
	gt := make([]float64, M)
	ab := make([]float64, M)
	shell := make([]float64, o.Shells.Len())
	var so *erg.SnapshotObservables
	chi2dist := distuv.ChiSquared{K: float64(dof)}
	err = fl.Run(in.Data, in.Seed, func(s int, t float64, e *field.Ensemble) error {
		so = obs.Measure(so, t, e)
		p.Spectrum(gt, in.G0, t)
		chi2 := 0.0
		for j := 0; j < M; j++ {
			if conj[j] >= 0 && conj[j] < j {
				continue
			}
			v := 1.0 // |x̃|²/Norm of a complex mode is G·Exp(1)
			if conj[j] == j {
				v = 2 // a real mode is G·χ²₁
			}
			z := (so.ModeSpectrum[j] - gt[j]) / (gt[j] * math.Sqrt(v/float64(e.Len())))
			chi2 += z * z
		}
		// Monte Carlo dissipation with the Gaussian score of G0.
		var sum, sum2 float64
		for i := 0; i < e.Len(); i++ {
			plan.ToModes(modes, e.Field(i))
			p.FisherTerms(fisher, modes, in.G0, t)
			f := 0.0
			for _, v := range fisher {
				f += v
			}
			sum += f
			sum2 += f * f
		}
		n := float64(e.Len())
		mc := sum / n
		mcErr := math.Sqrt(math.Max(sum2/n-mc*mc, 0) / (n - 1))
		w2e, ente := 0.0, 0.0
		for j, gj := range so.ModeSpectrum {
			ente += p.Weight[j] * 0.5 * math.Log(2*math.Pi*math.E*gj)
			if p.Moves(j) {
				dd := math.Sqrt(gj) - math.Sqrt(p.Sigma2[j])
				w2e += p.Weight[j] * dd * dd
			}
		}
		vals := map[string]float64{
			"kl_analytic": p.KL(in.G0, t), "kl_estimate": so.GaussianKL,
			"w2_analytic": math.Sqrt(p.W2SqToFixedPoint(in.G0, t)), "w2_estimate": math.Sqrt(w2e),
			"entropy_analytic": p.Entropy(in.G0, t), "entropy_estimate": ente,
			"dissipation": p.Dissipation(in.G0, t), "dissipation_estimate": mc, "dissipation_estimate_error": mcErr,
			"spectrum_chi2": chi2, "spectrum_p_value": chi2dist.Survival(chi2),
			"chi": so.Observables.Chi.Value, "chi_error": so.Observables.Chi.Err,
			"binder_u4": so.Observables.Binder.Value, "binder_u4_error": so.Observables.Binder.Err,
			"action_density": so.Observables.ActionDensity.Value, "action_density_error": so.Observables.ActionDensity.Err,
		}
		for _, c := range cols {
			switch c.name {
			case "spectrum":
				err = c.ds.Append(so.ShellSpectrum)
			case "spectrum_analytic":
				err = c.ds.Append(o.Shells.Average(shell, gt, p.Weight))
			default:
				err = c.ds.Append([]float64{vals[c.name]})
			}
			if err != nil {
				return err
			}
		}
		if err := tds.Append([]float64{t}); err != nil {
			return err
		}
		if err := alpha.Append(FullGrid(o.Lat, p.AlphaBar(ab, t))); err != nil {
			return err
		}
		if snaps != nil {
			if err := snaps.Append(e.Data[:in.Store*o.Lat.Volume()]); err != nil {
				return err
			}
		}
		res.Times = append(res.Times, t)
		res.KL = append(res.KL, vals["kl_analytic"])
		res.KLEst = append(res.KLEst, vals["kl_estimate"])
		res.W2 = append(res.W2, vals["w2_analytic"])
		res.W2Est = append(res.W2Est, vals["w2_estimate"])
		res.Entropy = append(res.Entropy, vals["entropy_analytic"])
		res.EntropyEst = append(res.EntropyEst, ente)
		res.Diss = append(res.Diss, vals["dissipation"])
		res.DissMC = append(res.DissMC, mc)
		res.DissMCErr = append(res.DissMCErr, mcErr)
		res.SpecChi2 = append(res.SpecChi2, chi2)
		res.SpecP = append(res.SpecP, vals["spectrum_p_value"])
		res.Obs = append(res.Obs, so.Observables)
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
