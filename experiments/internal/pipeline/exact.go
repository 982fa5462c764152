// Copyright ©2026 The rgflow Authors. All rights reserved.

package pipeline

import (
	"context"
	"fmt"
	"io"
	"math"
	"sort"

	"rgflow/field"
	"rgflow/generative"
	"rgflow/internal/cli"
	"rgflow/internal/h5io"
	"rgflow/internal/rng"
)

// Exact is the `exact:` section: exact sampling from a generator by its
// importance weights (docs/exact.md).
type Exact struct {
	Enabled bool `mapstructure:"enabled" help:"weigh the fields of every ancestral full-variance generator against exp(−S) (path-space importance weights): ESS/N, var log w, the free energy −log Z/V, and the reweighted (importance-resampled) and independence-Metropolis ensembles, compared with the reference like every generated ensemble"`
}

// Stream labels of the exact stage under rng.StageEvaluate: then the
// method's index, then one of exactResample, exactIMH.
const (
	exactStream   uint64 = 0x6578616374 // "exact"
	exactResample uint64 = 0
	exactIMH      uint64 = 1
)

// Derived ensembles of a weighted method: /generated/<name><suffix>.
const (
	ReweightedSuffix = "_reweighted"
	IMHSuffix        = "_imh"
)

// ExactResult is what the weights of one generator say.
type ExactResult struct {
	Name string
	N    int
	// ESS is Kish's ESS/N; VarLogW the variance of log w.
	ESS, VarLogW float64
	// LogZ ± LogZErr is log Ẑ = log mean w; FreeEnergy ± FreeEnergyErr
	// is −log Ẑ/V; Closed is the closed-form −log Z/V (NaN if unknown).
	LogZ, LogZErr, FreeEnergy, FreeEnergyErr, Closed float64
	// Spread is max_i |log w_i − mean|/|mean|: 0 for constant weights.
	Spread float64
	// Acceptance of the IMH chain over the fields in generation order,
	// and the Γ-method τ_int of its S/V and |M| series.
	Acceptance            float64
	TauIntS, TauIntErrS   float64
	TauIntAbsM, TauIntErr float64
}

// Derived returns the methods of the reweighted and IMH ensembles of a
// weighted method m, for the comparison stage: same process and sampler
// settings, their own evaluation streams (index m.Index + 100, + 200).
func Derived(m *Method) []*Method {
	return []*Method{
		{Name: m.Name + ReweightedSuffix, Proc: m.Proc, Gen: m.Gen, Model: m.Model, Index: m.Index + 100, FullVariance: m.FullVariance,
			Description: "importance resampling of " + m.Name + " by its weights against exp(−S) (systematic resampling, repeats adjacent)"},
		{Name: m.Name + IMHSuffix, Proc: m.Proc, Gen: m.Gen, Model: m.Model, Index: m.Index + 200, FullVariance: m.FullVariance,
			Description: "independence Metropolis–Hastings chain over the fields of " + m.Name + " in generation order, exact for exp(−S)"},
	}
}

// Weighable reports whether m's sampler has importance weights: the
// ancestral method with full variance (its last step has a density).
func Weighable(m *Method) bool {
	return m.FullVariance && m.Gen.Method == generative.Ancestral.String()
}

// ExactStages marks every weighable method of methods for weighing against
// act (Method.Weigh) and returns the exact stages, to follow the generate
// stages, and the derived reweighted and IMH methods of those for which
// derive is true, to be compared. closed returns the closed-form −log Z/V
// of a method's target (NaN if unknown); done receives every result (see
// ExactStage).
func (o *Out) ExactStages(methods []*Method, act field.Action, seed uint64, closed func(*Method) float64, derive func(*Method) bool, done func(*ExactResult)) ([]Stage, []*Method) {
	var stages []Stage
	var derived []*Method
	for _, m := range methods {
		if !Weighable(m) {
			continue
		}
		m.Weigh = act
		d := derive(m)
		stages = append(stages, o.ExactStage(m, act, seed, closed(m), d, done))
		if d {
			derived = append(derived, Derived(m)...)
		}
	}
	return stages, derived
}

// PrintExact prints the table of exact sampling of the results res, in
// the order of methods.
func PrintExact(w io.Writer, methods []*Method, res map[string]*ExactResult) {
	if len(res) == 0 {
		return
	}
	fmt.Fprintf(w, "\nexact sampling (importance weights against exp(−S)):\n")
	fmt.Fprintf(w, "  %-18s %8s %10s %24s %12s %10s %8s\n", "generator", "ESS/N", "var log w", "−log Z/V", "closed form", "IMH acc.", "τ_int S")
	for _, m := range methods {
		r := res[m.Name]
		if r == nil {
			continue
		}
		fmt.Fprintf(w, "  %-18s %8.4f %10.3g %13.7f ± %8.2g %12.7f %10.4f %8.3g\n", r.Name, r.ESS, r.VarLogW, r.FreeEnergy, r.FreeEnergyErr, r.Closed, r.Acceptance, r.TauIntS)
	}
}

// ExactStage returns the stage that reads /generated/<m.Name>/fields and
// log_weights, computes ExactResult (closed is the closed-form −log Z/V,
// NaN if unknown) and writes it to /exact/<m.Name>, and, with derive, the
// reweighted and IMH ensembles as /generated/<m.Name>_reweighted and
// _imh (their source_index into the source's fields; ReadGenerated reads
// them). done receives the result (also on Restore, which writes nothing).
func (o *Out) ExactStage(m *Method, act field.Action, seed uint64, closed float64, derive bool, done func(*ExactResult)) Stage {
	run := func(write bool) error {
		r, resampled, chain, err := o.exact(m, act, seed, closed)
		if err != nil {
			return err
		}
		if write {
			if err := o.writeExact(m, r, resampled, chain, derive); err != nil {
				return err
			}
		}
		if done != nil {
			done(r)
		}
		return nil
	}
	return Stage{Name: "exact " + m.Name,
		Run:     func(context.Context) error { return run(true) },
		Restore: func(context.Context) error { return run(false) }}
}

// exact computes the result and the index sequences of the resampled and
// IMH ensembles.
func (o *Out) exact(m *Method, act field.Action, seed uint64, closed float64) (*ExactResult, []int, *generative.IMH, error) {
	e, err := o.ReadGenerated(m.Name)
	if err != nil {
		return nil, nil, nil, err
	}
	lw := make([]float64, e.Len())
	d, err := o.F.OpenDataset("/generated/" + m.Name + "/log_weights")
	if err != nil {
		return nil, nil, nil, fmt.Errorf("pipeline: exact %s: %w", m.Name, err)
	}
	if _, err := d.Read(lw); err != nil {
		return nil, nil, nil, fmt.Errorf("pipeline: exact %s: %w", m.Name, err)
	}
	w, err := generative.NewWeights(lw)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("pipeline: exact %s: %w", m.Name, err)
	}
	V := e.Lat.Volume()
	r := &ExactResult{Name: m.Name, N: e.Len(), ESS: w.ESS(), VarLogW: w.VarLogW(), Closed: closed}
	r.LogZ, r.LogZErr = w.LogZ()
	r.FreeEnergy, r.FreeEnergyErr = w.FreeEnergy(V)
	mean := 0.0
	for _, v := range lw {
		mean += v / float64(len(lw))
	}
	for _, v := range lw {
		r.Spread = math.Max(r.Spread, math.Abs(v-mean)/math.Abs(mean))
	}
	chain, err := generative.NewIMH(lw, rng.NewRand(seed, rng.StageEvaluate, exactStream, uint64(m.Index), exactIMH))
	if err != nil {
		return nil, nil, nil, err
	}
	r.Acceptance = chain.Acceptance()
	sv, am := make([]float64, e.Len()), make([]float64, e.Len())
	for i := range sv {
		phi := e.Field(i)
		sv[i] = act.Action(phi) / float64(V)
		s := 0.0
		for _, x := range phi {
			s += x
		}
		am[i] = math.Abs(s / float64(V))
	}
	// A chain that rejects long runs may be too short for the window;
	// ErrShortSeries still comes with the maximal-window estimate, which
	// is what there is to report.
	if est, err := chain.Mean(sv); err == nil || err == field.ErrShortSeries {
		r.TauIntS, r.TauIntErrS = est.TauInt, est.TauIntErr
	}
	if est, err := chain.Mean(am); err == nil || err == field.ErrShortSeries {
		r.TauIntAbsM, r.TauIntErr = est.TauInt, est.TauIntErr
	}
	res := Systematic(w.Normalized(nil), rng.NewRand(seed, rng.StageEvaluate, exactStream, uint64(m.Index), exactResample).Float64())
	return r, res, chain, nil
}

// IMHRate is the effective samples per second of an IMH chain of n
// steps over proposals generated at rate per second: rate/2τ_int (τ_int of
// S/V, 2τ_int at least 1), and never more than rate × distinct/n, the
// rate of its distinct fields. A chain that almost never accepts sits on a
// few fields, where the Γ-method's window, fed long constant runs, can
// return a small τ_int; the distinct fields bound what it can have.
func IMHRate(rate, tauInt float64, distinct, n int) float64 {
	return math.Min(rate/math.Max(2*tauInt, 1), rate*float64(distinct)/float64(n))
}

// Systematic returns the indices of systematic resampling (Kitagawa 1996)
// of len(p) draws from the normalised weights p with the one uniform u in
// [0, 1): index i appears ⌊Np_i⌋ or ⌈Np_i⌉ times, in increasing order, so
// repeats are adjacent.
func Systematic(p []float64, u float64) []int {
	n := len(p)
	out := make([]int, 0, n)
	c := 0.0
	i := 0
	for k := 0; k < n; k++ {
		x := (float64(k) + u) / float64(n)
		for i < n-1 && c+p[i] <= x {
			c += p[i]
			i++
		}
		out = append(out, i)
	}
	return out
}

// writeExact writes /exact/<name> and the two derived ensembles.
func (o *Out) writeExact(m *Method, r *ExactResult, resampled []int, chain *generative.IMH, derive bool) error {
	attrs := map[string]any{
		"description":                "exact sampling from " + m.Name + " by its path-space importance weights (docs/exact.md)",
		"n":                          int64(r.N),
		"ess_fraction":               r.ESS,
		"var_log_w":                  r.VarLogW,
		"log_z":                      r.LogZ,
		"log_z_error":                r.LogZErr,
		"free_energy":                r.FreeEnergy,
		"free_energy_error":          r.FreeEnergyErr,
		"free_energy_closed_form":    r.Closed,
		"log_w_spread":               r.Spread,
		"imh_acceptance":             r.Acceptance,
		"imh_tau_int_action_density": r.TauIntS, "imh_tau_int_action_density_error": r.TauIntErrS,
		"imh_tau_int_abs_m": r.TauIntAbsM, "imh_tau_int_abs_m_error": r.TauIntErr,
		"distinct_resampled": int64(distinct(resampled)),
	}
	if err := o.F.CreateGroup("/exact/"+m.Name, attrs); err != nil {
		return err
	}
	if !derive {
		return nil
	}
	var rate float64
	if err := o.F.Attr("/generated/"+m.Name, "samples_per_second", &rate); err != nil {
		return err
	}
	for _, x := range []struct {
		suffix, desc string
		idx          []int
		rate         float64
	}{
		{ReweightedSuffix, "importance resampling of /generated/" + m.Name + " by its weights (systematic; repeats adjacent)", resampled, rate * r.ESS},
		{IMHSuffix, "independence Metropolis–Hastings chain over /generated/" + m.Name + " (generation order)", chain.Index, IMHRate(rate, r.TauIntS, distinct(chain.Index), len(chain.Index))},
	} {
		g := "/generated/" + m.Name + x.suffix
		if err := o.F.CreateGroup(g, map[string]any{"description": x.desc, "source": "/generated/" + m.Name,
			"n_distinct": int64(distinct(x.idx)), "model": m.Model, "sampler": "exact",
			"samples_per_second": x.rate, "samples_per_second_rule": "effective samples/s: the source's generation rate × ESS/N (reweighted), or ÷ 2τ_int of S/V along the chain (IMH, at least 1) and at most × its distinct fields / N"}); err != nil {
			return err
		}
		idx := make([]int64, len(x.idx))
		for k, i := range x.idx {
			idx[k] = int64(i)
		}
		if _, err := o.F.Put(g+"/source_index", h5io.Spec{Units: "1", Dims: []string{"draw"},
			Description: "the ensemble: index into /generated/" + m.Name + "/fields of each of its fields (read with pipeline.Out.ReadGenerated)"}, idx); err != nil {
			return err
		}
	}
	return nil
}

// readDerived reads the derived ensemble /generated/<name> through its
// source_index; ok is false if name is not a derived ensemble.
func (o *Out) readDerived(name string) (e *field.Ensemble, ok bool, err error) {
	g := "/generated/" + name
	if has, err := o.F.Exists(g + "/source_index"); err != nil || !has {
		return nil, false, err
	}
	var src string
	if err := o.F.Attr(g, "source", &src); err != nil {
		return nil, true, err
	}
	d, err := o.F.OpenDataset(g + "/source_index")
	if err != nil {
		return nil, true, err
	}
	idx := make([]int64, d.Len())
	if _, err := d.Read(idx); err != nil {
		return nil, true, err
	}
	s, err := o.ReadFields(src + "/fields")
	if err != nil {
		return nil, true, fmt.Errorf("pipeline: derived ensemble %s: %w", name, err)
	}
	V := s.Lat.Volume()
	e = field.NewEnsemble(s.Lat, len(idx))
	for k, i := range idx {
		if i < 0 || int(i) >= s.Len() {
			return nil, true, fmt.Errorf("pipeline: derived ensemble %s: source index %d of field %d outside the %d fields of %s", name, i, k, s.Len(), src)
		}
		copy(e.Data[k*V:(k+1)*V], s.Field(int(i)))
	}
	return e, true, nil
}

// distinct returns the number of distinct values of idx.
func distinct(idx []int) int {
	s := append([]int(nil), idx...)
	sort.Ints(s)
	n := 0
	for k, v := range s {
		if k == 0 || v != s[k-1] {
			n++
		}
	}
	return n
}

// LogWeightPlot draws, for every method whose log_weights are in the file,
// the histogram of log w − max log w (40 bins down to the smallest), the
// picture of how heavy-tailed the weights are: a narrow spike at 0 for
// constant weights, a spread of many units where ESS/N is small. Nothing
// is drawn when no method was weighed.
func (o *Out) LogWeightPlot(path string, methods []*Method) error {
	lp := cli.LinePlot{Title: "importance weights against exp(−S)", XLabel: "log w − max log w (nats)", YLabel: "fields per bin", LogY: true}
	for _, m := range methods {
		d, err := o.F.OpenDataset("/generated/" + m.Name + "/log_weights")
		if err != nil {
			continue
		}
		var lw []float64
		if _, err := d.Read(&lw); err != nil {
			return err
		}
		hi, lo := math.Inf(-1), math.Inf(1)
		for _, v := range lw {
			hi, lo = math.Max(hi, v), math.Min(lo, v)
		}
		if !(hi > lo) {
			lo = hi - 1 // constant weights: one bin at 0
		}
		const bins = 40
		edges := make([]float64, bins+1)
		for b := range edges {
			edges[b] = (lo - hi) * (1 - float64(b)/bins)
		}
		count := make([]float64, bins)
		for _, v := range lw {
			b := min(int((v-lo)/(hi-lo)*bins), bins-1)
			count[b]++
		}
		var x, y []float64
		for b, c := range count {
			if c > 0 {
				x = append(x, (edges[b]+edges[b+1])/2)
				y = append(y, c)
			}
		}
		lp.Series = append(lp.Series, cli.Series{Name: m.Name, X: x, Y: y, Points: true})
	}
	if len(lp.Series) == 0 {
		return nil
	}
	return lp.Save(path)
}
