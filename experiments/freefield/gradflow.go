// Copyright ©2026 The rgflow Authors. All rights reserved.

package main

import (
	"context"
	"fmt"
	"math"
	"strings"

	"rgflow/experiments/internal/pipeline"
	"rgflow/field"
	"rgflow/internal/config"
	"rgflow/internal/h5io"
	"rgflow/internal/rng"
	"rgflow/wgrad"
)

// GradFlow configures the Wasserstein gradient flow stage: Langevin
// dynamics toward the free action from a mismatched Gaussian start.
type GradFlow struct {
	Methods   []string `mapstructure:"methods" help:"Langevin discretisations to run, each into /flow/langevin_<method>: euler (Euler–Maruyama), mala (Metropolis-adjusted), fourier, fourier-mala (momentum-space mobility); [] skips the stage"`
	StartM2   float64  `mapstructure:"start_m2" help:"mass² of the free field the flow starts from (exact samples; ≠ field.m2 so that the flow has somewhere to go)"`
	Beta      float64  `mapstructure:"beta" help:"inverse temperature β of the target exp(−βS)"`
	Step      float64  `mapstructure:"step" help:"largest Langevin time step h (stable for h(k̂²_max+m²) < 2; Euler–Maruyama's stationary bias is G/(1 − hΩ_k/2))"`
	Time      float64  `mapstructure:"time" help:"flow time at the last snapshot"`
	Snapshots int      `mapstructure:"snapshots" help:"snapshot times, evenly spaced in [0, time]"`
	Samples   int      `mapstructure:"samples" help:"fields that flow"`
	Store     int      `mapstructure:"store" help:"fields written per snapshot"`
}

func (c GradFlow) check(p *config.Problems, d int, m2 float64) {
	unadjusted := false
	for _, m := range c.Methods {
		meth, err := wgrad.ParseMethod(m)
		if err != nil {
			p.Add("gradflow.methods", m, "allowed euler, mala, fourier, fourier-mala")
		}
		unadjusted = unadjusted || (err == nil && !meth.Metropolised())
	}
	if len(c.Methods) == 0 {
		return
	}
	p.Check(c.StartM2 > 0 && !math.IsInf(c.StartM2, 0), "gradflow.start_m2", c.StartM2, "allowed > 0")
	p.Check(c.Beta > 0 && !math.IsInf(c.Beta, 0), "gradflow.beta", c.Beta, "allowed > 0")
	p.Check(c.Step > 0 && !math.IsInf(c.Step, 0), "gradflow.step", c.Step, "allowed > 0")
	// The fastest mode of the free action relaxes at Ω = 4d + m² (with or
	// without the Fourier mobility, which is normalised to keep it), and
	// Euler–Maruyama multiplies its deviation by 1 − hΩ per step.
	if hmax := 2 / (4*float64(d) + m2); unadjusted && c.Step >= hmax {
		p.Add("gradflow.step", c.Step, fmt.Sprintf("allowed < 2/(4d + m²) = %.4g with euler or fourier (beyond it Euler–Maruyama diverges); mala and fourier-mala take any step", hmax))
	}
	p.Check(c.Time > 0 && !math.IsInf(c.Time, 0), "gradflow.time", c.Time, "allowed > 0")
	p.Check(c.Snapshots >= 2, "gradflow.snapshots", c.Snapshots, "allowed ≥ 2")
	p.Check(c.Samples >= 8, "gradflow.samples", c.Samples, "allowed ≥ 8 (the Gaussian estimates need a few samples per mode)")
	p.Check(c.Store >= 0 && c.Store <= c.Samples, "gradflow.store", c.Store, "allowed 0 … gradflow.samples")
}

// gradFlowResult is what the checks and plots need from one method.
type gradFlowResult struct {
	method              string
	times               []float64
	fe, feEst, feScheme []float64 // F − F_eq: continuous closed form, estimate, the scheme's closed form
	diss, dissEst       []float64
	w2, w2Est, w2Scheme []float64
	specP               []float64 // per snapshot: p-value of the sample spectrum against its reference
	acceptance          float64   // MALA methods
	identityErr         float64   // energy–dissipation identity of the closed forms
	finalP              float64   // p-value of the last snapshot's spectrum against the equilibrium
}

// gradFlowStage runs every configured Langevin method from one exact start
// ensemble and writes /flow/langevin_<method>.
func (s *state) gradFlowStage(ctx context.Context) error {
	c := s.cfg.GradFlow
	start, err := pipeline.FreeStart(s.lat, c.StartM2, c.Samples, s.r.Seed, rng.StageSample, rng.SetStart)
	if err != nil {
		return err
	}
	// The field sampler draws exp(−S) of the start action, β = 1.
	v0 := wgrad.FreeSpectrum(s.lat, c.StartM2, 1)
	times := pipeline.EvenTimes(c.Time, c.Snapshots)
	s.grad = s.grad[:0]
	for mi, name := range c.Methods {
		if err := ctx.Err(); err != nil {
			return err
		}
		meth, _ := wgrad.ParseMethod(name) // validated
		l, err := wgrad.NewLangevin(s.act, wgrad.LangevinConfig{Beta: c.Beta, Step: c.Step, Method: meth, FourierMass2: s.cfg.Field.M2})
		if err != nil {
			return fmt.Errorf("gradflow %s: %w", name, err)
		}
		gl, err := wgrad.NewGaussianLangevin(l, v0)
		if err != nil {
			return err
		}
		var scheme [][]float64
		if !meth.Metropolised() {
			if scheme, err = gl.SchemeVariances(times); err != nil {
				return err
			}
		}
		e := field.NewEnsemble(s.lat, c.Samples)
		copy(e.Data, start.Data)
		res, err := s.runLangevin(ctx, name, l, gl, e, times, scheme, rng.New(s.r.Seed, rng.StageGradFlow, uint64(mi)).Uint64())
		if err != nil {
			return fmt.Errorf("gradflow %s: %w", name, err)
		}
		s.grad = append(s.grad, res)
	}
	return nil
}

// gradColumn is one per-snapshot dataset of /flow/langevin_<method>.
type gradColumn struct {
	name, units, desc string
	shell             bool
}

var (
	// gradColumns are the datasets of every method.
	gradColumns = []gradColumn{
		{"spectrum", "", "shell-averaged sample spectrum v̂_t(k) of the flowing fields", true},
		{"spectrum_analytic", "", "shell-averaged v_t(k) = G + (v₀ − G)e^{−2Ω_k t} of the continuous-time flow (closed form)", true},
		{"free_energy_analytic", "nats", "F(ρ_t) − F(π) = β⁻¹KL(ρ_t‖π), continuous time (closed form)", false},
		{"free_energy_estimate", "nats", "F − F_eq of the Gaussian with the sample spectrum (bias-corrected; wgrad.GaussianLangevin.Estimate)", false},
		{"dissipation_analytic", "nats", "−dF/dt = E⟨∇δF/δρ, 𝕄⁻¹∇δF/δρ⟩, continuous time (closed form)", false},
		{"dissipation_estimate", "nats", "−dF/dt of the Gaussian with the sample spectrum (bias-corrected)", false},
		{"w2_analytic", "lattice units", "W₂(ρ_t, π) = [Σ_k(√v_k − √G_k)²]^½, continuous time (closed form)", false},
		{"w2_estimate", "lattice units", "W₂ between the Gaussian with the sample spectrum and π (bias-corrected W₂², then ^½ of its positive part)", false},
		{"spectrum_p_value", "1", "p-value of Σ_modes z² of the sample spectrum against spectrum_reference (χ², one degree of freedom per distinct mode)", false},
	}
	// schemeColumns are the closed forms of an unadjusted scheme's own
	// recursion.
	schemeColumns = []gradColumn{
		{"spectrum_scheme", "", "shell-averaged variance of the Euler–Maruyama recursion v' = (1 − hΩ)²v + 2ha/β, exactly what the discrete flow samples (closed form)", true},
		{"free_energy_scheme", "nats", "F − F_eq of the Euler–Maruyama recursion's law (closed form)", false},
		{"w2_scheme", "lattice units", "W₂ to π of the Euler–Maruyama recursion's law (closed form)", false},
	}
)

// gradTable is the extendible datasets of /flow/langevin_<method>.
type gradTable struct {
	t, snaps *h5io.Dataset // snaps is nil when no fields are stored
	cols     []gradColumn
	ds       map[string]*h5io.Dataset
}

// newGradTable creates (or opens) group g with its datasets, the scheme's
// columns when scheme is true, and empties them.
func (s *state) newGradTable(g string, attrs map[string]any, scheme bool) (*gradTable, error) {
	o, c := s.out, s.cfg.GradFlow
	if err := o.F.CreateGroup(g, attrs); err != nil {
		return nil, err
	}
	tds, err := o.F.CreateExtendibleScale(g+"/t", "t", "1", "Langevin time of each snapshot")
	if err != nil {
		return nil, err
	}
	tb := &gradTable{t: tds, cols: gradColumns, ds: map[string]*h5io.Dataset{}}
	if scheme {
		tb.cols = append(append([]gradColumn(nil), gradColumns...), schemeColumns...)
	}
	all := []*h5io.Dataset{tds}
	for _, cl := range tb.cols {
		var d *h5io.Dataset
		if cl.shell {
			d, err = o.ShellSeries(g, cl.name, cl.desc)
		} else {
			d, err = o.TimeSeries(g, cl.name, cl.units, cl.desc)
		}
		if err != nil {
			return nil, err
		}
		tb.ds[cl.name] = d
		all = append(all, d)
	}
	if c.Store > 0 {
		sp := h5io.FieldSpec("sample", o.Lat.Dims(), "lattice units", "the first flowing fields at each snapshot")
		sp.Shape = append([]int64{0}, sp.Shape...)
		sp.Shape[1] = int64(c.Store)
		sp.Dims = append([]string{"t"}, sp.Dims...)
		sp.Scales = append([]string{g + "/t"}, sp.Scales...)
		if tb.snaps, err = o.F.CreateDataset(g+"/snapshots", sp); err != nil {
			return nil, err
		}
		all = append(all, tb.snaps)
	}
	// A rerun after an interruption replaces what the earlier attempt left.
	for _, d := range all {
		if err := d.Truncate(0); err != nil {
			return nil, err
		}
	}
	return tb, nil
}

// gradRow is one snapshot of a Langevin flow: its spectra per mode and
// its scalar columns by name.
type gradRow struct {
	t                      float64
	spectrum, vt, schemeVt []float64
	vals                   map[string]float64
}

// append writes row to the table, with the first store fields of e.
func (tb *gradTable) append(o *pipeline.Out, row gradRow, e *field.Ensemble, store int) error {
	shell := make([]float64, o.Shells.Len())
	wt := o.Lat.HalfWeights()
	for _, cl := range tb.cols {
		var err error
		switch cl.name {
		case "spectrum":
			err = tb.ds[cl.name].Append(o.Shells.Average(shell, row.spectrum, wt))
		case "spectrum_analytic":
			err = tb.ds[cl.name].Append(o.Shells.Average(shell, row.vt, wt))
		case "spectrum_scheme":
			err = tb.ds[cl.name].Append(o.Shells.Average(shell, row.schemeVt, wt))
		default:
			err = tb.ds[cl.name].Append([]float64{row.vals[cl.name]})
		}
		if err != nil {
			return err
		}
	}
	if err := tb.t.Append([]float64{row.t}); err != nil {
		return err
	}
	if tb.snaps != nil {
		return tb.snaps.Append(e.Data[:store*o.Lat.Volume()])
	}
	return nil
}

// add appends a snapshot's values to the result.
func (res *gradFlowResult) add(row gradRow) {
	v := row.vals
	res.times = append(res.times, row.t)
	res.fe = append(res.fe, v["free_energy_analytic"])
	res.feEst = append(res.feEst, v["free_energy_estimate"])
	res.diss = append(res.diss, v["dissipation_analytic"])
	res.dissEst = append(res.dissEst, v["dissipation_estimate"])
	res.w2 = append(res.w2, v["w2_analytic"])
	res.w2Est = append(res.w2Est, v["w2_estimate"])
	res.specP = append(res.specP, v["spectrum_p_value"])
	if row.schemeVt != nil {
		res.feScheme = append(res.feScheme, v["free_energy_scheme"])
		res.w2Scheme = append(res.w2Scheme, v["w2_scheme"])
	}
}

// runLangevin runs the Langevin flow l of e through times and writes
// /flow/langevin_<name>: the sample estimates beside the closed forms of
// gl, and those of the scheme's recursion (scheme, nil for MALA).
func (s *state) runLangevin(ctx context.Context, name string, l *wgrad.Langevin, gl *wgrad.GaussianLangevin, e *field.Ensemble, times []float64, scheme [][]float64, seed uint64) (*gradFlowResult, error) {
	c := s.cfg.GradFlow
	o := s.out
	g := "/flow/langevin_" + name
	attrs := map[string]any{
		"method": name, "beta": c.Beta, "step": c.Step, "start_m2": c.StartM2, "m2": s.cfg.Field.M2,
		"schedule":           "Langevin dynamics dφ = −𝕄⁻¹∂S/∂φ dt + √(2/β)𝕄^{−1/2}dW (𝕄 = 1, or the Fourier mobility), the W₂ gradient flow of F = E[S] + β⁻¹E[log ρ]",
		"description":        "Wasserstein gradient flow of the free energy toward the free action from exact samples of mass² start_m2",
		"spectrum_reference": "the continuous-time closed form: a diagnostic only (MALA's transient has no closed form; rejections slow it)",
	}
	if scheme != nil {
		attrs["spectrum_reference"] = "the exact Euler–Maruyama recursion (the discrete scheme's own law, bias included)"
	}
	tb, err := s.newGradTable(g, attrs, scheme != nil)
	if err != nil {
		return nil, err
	}
	test := pipeline.NewSpectrumTest(s.lat)
	res := &gradFlowResult{method: name}
	bar := s.r.Progress("gradflow "+name, int64(len(times)), "snapshots")
	defer bar.Done()
	err = pipeline.RunLangevin(ctx, l, e, seed, times, bar, func(i int, t float64, e *field.Ensemble) error {
		est := gl.Estimate(e)
		row := gradRow{t: t, spectrum: est.Spectrum, vt: gl.Variance(nil, t)}
		want := row.vt
		if scheme != nil {
			row.schemeVt = scheme[i]
			want = scheme[i]
		}
		_, p := test.Test(est.Spectrum, want, e.Len())
		row.vals = map[string]float64{
			"free_energy_analytic": gl.FreeEnergy(t), "free_energy_estimate": est.FreeEnergy,
			"dissipation_analytic": gl.Dissipation(t), "dissipation_estimate": est.Dissipation,
			"w2_analytic": math.Sqrt(gl.W2SqToEquilibrium(t)), "w2_estimate": math.Sqrt(math.Max(est.W2Sq, 0)),
			"spectrum_p_value": p,
		}
		if scheme != nil {
			row.vals["free_energy_scheme"] = gl.FreeEnergyOfSpectrum(scheme[i])
			row.vals["w2_scheme"] = math.Sqrt(gl.W2SqOfSpectrum(scheme[i]))
		}
		if err := tb.append(o, row, e, c.Store); err != nil {
			return err
		}
		res.add(row)
		if i == len(times)-1 {
			_, res.finalP = test.Test(est.Spectrum, gl.Equilibrium(nil), e.Len())
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if acc, prop := l.Acceptance(); prop > 0 {
		res.acceptance = float64(acc) / float64(prop)
	}
	res.identityErr = gradIdentityError(gl, res.times, res.fe)
	for k, v := range map[string]float64{"acceptance": res.acceptance, "identity_error": res.identityErr, "final_equilibrium_p_value": res.finalP} {
		if err := o.F.SetAttr(g, k, v); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// readGradFlow reads the results of a finished gradflow stage back from the
// file, for a resumed run that skips it.
func (s *state) readGradFlow(ctx context.Context) error {
	s.grad = s.grad[:0]
	for _, name := range s.cfg.GradFlow.Methods {
		g := "/flow/langevin_" + name + "/"
		res := &gradFlowResult{method: name}
		type col struct {
			name string
			dst  *[]float64
		}
		cols := []col{
			{"t", &res.times}, {"free_energy_analytic", &res.fe}, {"free_energy_estimate", &res.feEst},
			{"dissipation_analytic", &res.diss}, {"dissipation_estimate", &res.dissEst},
			{"w2_analytic", &res.w2}, {"w2_estimate", &res.w2Est}, {"spectrum_p_value", &res.specP},
		}
		if m, _ := wgrad.ParseMethod(name); !m.Metropolised() {
			cols = append(cols, col{"free_energy_scheme", &res.feScheme}, col{"w2_scheme", &res.w2Scheme})
		}
		for _, c := range cols {
			d, err := s.out.F.OpenDataset(g + c.name)
			if err != nil {
				return err
			}
			if _, err := d.Read(c.dst); err != nil {
				return err
			}
		}
		for k, dst := range map[string]*float64{"acceptance": &res.acceptance, "identity_error": &res.identityErr, "final_equilibrium_p_value": &res.finalP} {
			if err := s.out.F.Attr(strings.TrimSuffix(g, "/"), k, dst); err != nil {
				return err
			}
		}
		s.grad = append(s.grad, res)
	}
	return nil
}

// gradIdentityError returns the energy–dissipation identity of the
// continuous-time closed forms on the snapshot grid, max over intervals of
// |∫D dt − (F_i − F_{i+1})| / max(F₀, 1 nat), with D integrated by
// composite Simpson's rule. D has terms e^{−2Ω_k t} with Ω_k up to
// 4d + m², far faster than the snapshot spacing, so each interval gets
// enough panels that 2Ω_max h ≤ 1/20 (Simpson's error per panel then
// ~(1/20)⁴/180 of the term): what remains is the identity itself.
func gradIdentityError(gl *wgrad.GaussianLangevin, times, fe []float64) float64 {
	worst, scale := 0.0, pipeline.KLScale(fe[0])
	omax := 0.0
	for _, o := range gl.Rates(nil) {
		omax = math.Max(omax, o)
	}
	for i := 0; i+1 < len(times); i++ {
		a, b := times[i], times[i+1]
		n := max(pipeline.IdentityPanels, int(math.Ceil((b-a)*2*omax*20)))
		integral := pipeline.Simpson(gl.Dissipation, a, b, n)
		worst = math.Max(worst, math.Abs(integral-(fe[i]-fe[i+1]))/scale)
	}
	return worst
}
