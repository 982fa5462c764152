// Copyright ©2026 The rgflow Authors. All rights reserved.

package pipeline

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"rgflow/field"
	"rgflow/generative/nn"
	"rgflow/internal/h5io"
	"rgflow/lattice"
)

// Out writes the layout of docs/hdf5-schema.md for one lattice.
type Out struct {
	F      *h5io.File
	Lat    *lattice.Lattice
	Shells *lattice.Shells // the momentum shells every spectrum is averaged over
	// HoppingScale, when positive, is √(2κ) of a φ⁴ run configured in
	// hopping couplings: the fields are ϕ = √(2κ)φ, and WriteStats also
	// writes the magnetisation-like estimates of the hopping field φ.
	HoppingScale float64
}

// hoppingEstimates are the estimates that scale with the field, with the
// power of the field they carry: in the hopping field φ = ϕ/√(2κ) they are
// the ϕ values divided by √(2κ) to that power (U₄, S/V and ξ² do not
// change).
var hoppingEstimates = []struct {
	name  string
	power float64
}{{"magnetization", 1}, {"abs_magnetization", 1}, {"m2", 2}, {"m4", 4}, {"chi", 2}, {"chi_connected", 2}}

// ShellScale is the dimension scale of every shell axis.
const ShellScale = "/lattice/shells/khat2"

// WriteLattice writes /lattice (attributes, coordinate and momentum scales,
// k̂²) and /lattice/shells.
func (o *Out) WriteLattice() error {
	if err := o.F.WriteLattice(o.Lat.Dims(), "periodic"); err != nil {
		return err
	}
	sh := o.Shells
	if err := o.F.CreateScale(ShellScale, "shell", sh.KHat2, "lattice units^-2",
		"weighted mean k̂² of each momentum shell; shell 0 is the zero mode k = 0"); err != nil {
		return err
	}
	shellDims := []string{"shell"}
	shellScales := []string{ShellScale}
	if _, err := o.F.Put("/lattice/shells/khat", h5io.Spec{Units: "lattice units^-1", Description: "weighted mean |k̂| of each shell",
		Dims: shellDims, Scales: shellScales}, sh.KHat); err != nil {
		return err
	}
	if _, err := o.F.Put("/lattice/shells/count", h5io.Spec{Units: "1", Description: "number of modes of the full spectrum in each shell",
		Dims: shellDims, Scales: shellScales}, sh.Count); err != nil {
		return err
	}
	idx := FullGrid(o.Lat, intsToFloats(sh.Index))
	idx64 := make([]int64, len(idx))
	for i, v := range idx {
		idx64[i] = int64(v)
	}
	_, err := o.F.Put("/lattice/shells/index", o.gridSpec(h5io.Int64, "1", "the shell of each mode n = (n₁,…,n_d)"), idx64)
	return err
}

func intsToFloats(a []int) []float64 {
	out := make([]float64, len(a))
	for i, v := range a {
		out[i] = float64(v)
	}
	return out
}

// gridSpec is the Spec of a dataset over the full momentum grid.
func (o *Out) gridSpec(t h5io.Dtype, units, desc string) h5io.Spec {
	d := o.Lat.Dim()
	shape := make([]int64, d)
	dims := make([]string, d)
	scales := make([]string, d)
	for mu := 0; mu < d; mu++ {
		shape[mu] = int64(o.Lat.Extent(mu))
		dims[mu] = fmt.Sprintf("k%d", mu+1)
		scales[mu] = fmt.Sprintf("/lattice/k%d", mu+1)
	}
	return h5io.Spec{Dtype: t, Shape: shape, Units: units, Description: desc, Dims: dims, Scales: scales}
}

// FullGrid expands values on the half spectrum (ordered as
// lattice.HalfKHat2) to the full momentum grid, filling each mode that is
// not stored with its conjugate's value — right for every quantity that is
// even under k → −k (spectra, schedules, shell indices).
func FullGrid(l *lattice.Lattice, half []float64) []float64 {
	out := make([]float64, l.Volume())
	n := make([]int, l.Dim())
	for i := range out {
		l.Coords(n, i)
		j, ok := l.HalfIndex(n)
		if !ok {
			for mu := range n {
				n[mu] = -n[mu]
			}
			j, _ = l.HalfIndex(n)
		}
		out[i] = half[j]
	}
	return out
}

// Stats are the measured statistics of one ensemble: the one observable set
// of field, used for every ensemble the run writes.
type Stats struct {
	N    int
	Meas []field.Measurement
	Obs  field.Observables
	TP   field.TwoPoint
	// Err is the first statistical warning (e.g. field.ErrShortSeries) or nil.
	Err error
}

// Measure measures the ensemble e (one Markov chain per element of chains,
// or independent samples as one chain) with action a (may be nil).
func (o *Out) Measure(a field.Action, chains ...*field.Ensemble) (*Stats, error) {
	s := &Stats{}
	var per [][]field.Measurement
	for _, e := range chains {
		m := field.MeasureEnsemble(nil, a, e)
		per = append(per, m)
		s.Meas = append(s.Meas, m...)
		s.N += e.Len()
	}
	var err error
	s.Obs, err = field.Summarise(o.Lat.Volume(), per...)
	if err != nil {
		s.Err = err
	}
	s.TP, err = field.NewCorrelator(o.Lat).MeasureTwoPoint(o.Shells, chains...)
	if err != nil && s.Err == nil {
		s.Err = err
	}
	if math.IsNaN(s.Obs.Chi.Value) {
		return nil, fmt.Errorf("pipeline: observables of the ensemble are not finite")
	}
	return s, nil
}

// WriteFields writes the fields of e to the extendible dataset at path,
// replacing what a previous, interrupted attempt of the stage left there.
func (o *Out) WriteFields(path string, e *field.Ensemble, desc string) error {
	d, err := o.F.CreateDataset(path, h5io.FieldSpec("sample", o.Lat.Dims(), "lattice units", desc))
	if err != nil {
		return err
	}
	if err := d.Truncate(0); err != nil {
		return err
	}
	return d.Append(e.Data)
}

// ReadFields reads the field dataset at path back into an ensemble.
func (o *Out) ReadFields(path string) (*field.Ensemble, error) {
	d, err := o.F.OpenDataset(path)
	if err != nil {
		return nil, err
	}
	want := append([]int64{-1}, toInt64(o.Lat.Dims())...)
	if err := d.Expect(h5io.Float64, want...); err != nil {
		return nil, err
	}
	var data []float64
	if _, err := d.Read(&data); err != nil {
		return nil, err
	}
	return field.EnsembleOf(o.Lat, data)
}

func toInt64(a []int) []int64 {
	out := make([]int64, len(a))
	for i, v := range a {
		out[i] = int64(v)
	}
	return out
}

// WriteStats writes the observables, estimates, shell spectrum and G(r) of
// an ensemble under group (an /ensemble/<name> or /generated/<method>).
func (o *Out) WriteStats(group string, s *Stats) error {
	N := len(s.Meas)
	m := make([]float64, N)
	sd := make([]float64, N)
	for i, x := range s.Meas {
		m[i], sd[i] = x.M, x.ActionDensity
	}
	sample := h5io.Spec{Dims: []string{"sample"}}
	for _, d := range []struct {
		name, units, desc string
		v                 []float64
	}{
		{"observables/magnetization", "1", "M = V⁻¹ Σ_x ϕ_x per sample", m},
		{"observables/action_density", "1", "S/V per sample under the bare action", sd},
	} {
		sp := sample
		sp.Units, sp.Description = d.units, d.desc
		if _, err := o.F.Put(group+"/"+d.name, sp, d.v); err != nil {
			return err
		}
	}
	for _, e := range []struct {
		name, units, desc string
		est               field.Estimate
	}{
		{"magnetization", "1", "⟨M⟩", s.Obs.M},
		{"abs_magnetization", "1", "⟨|M|⟩", s.Obs.AbsM},
		{"m2", "1", "⟨M²⟩", s.Obs.M2},
		{"m4", "1", "⟨M⁴⟩", s.Obs.M4},
		{"action_density", "1", "⟨S⟩/V", s.Obs.ActionDensity},
		{"chi", "lattice units^2", "χ = V⟨M²⟩", s.Obs.Chi},
		{"chi_connected", "lattice units^2", "V(⟨M²⟩ − ⟨|M|⟩²)", s.Obs.ChiConn},
		{"binder_u4", "1", "U₄ = 1 − ⟨M⁴⟩/(3⟨M²⟩²)", s.Obs.Binder},
		{"xi2", "lattice units", "second-moment correlation length [(G(0)/G(k_min) − 1)/k̂²_min]^½", s.TP.Xi2},
	} {
		if err := o.putEstimate(group+"/estimates/"+e.name, e.units, e.desc, e.est); err != nil {
			return err
		}
		for _, h := range hoppingEstimates {
			if h.name != e.name || o.HoppingScale <= 0 {
				continue
			}
			f := math.Pow(o.HoppingScale, -h.power)
			est := field.Estimate{Value: e.est.Value * f, Err: e.est.Err * f, TauInt: e.est.TauInt}
			desc := e.desc + " of the hopping field φ = ϕ/√(2κ), the parametrisation the run was configured in (the ϕ value divided by √(2κ)^" + strconv.FormatFloat(h.power, 'g', -1, 64) + ")"
			if err := o.putEstimate(group+"/estimates/"+e.name+"_hopping", e.units, desc, est); err != nil {
				return err
			}
		}
	}
	if err := o.putShell(group+"/spectrum", "shell-averaged G(k) = ⟨|φ̃_k|²⟩/V", s.TP.Shell); err != nil {
		return err
	}
	if err := o.putShell(group+"/spectrum_error", "one standard error of spectrum (autocorrelation included)", s.TP.ShellErr); err != nil {
		return err
	}
	if _, err := o.F.Put(group+"/correlator", h5io.Spec{Units: "lattice units^2", Description: "G(r) = ⟨ϕ_x ϕ_{x+r ê₁}⟩ along axis 1, r = 0…⌊L₁/2⌋",
		Dims: []string{"r"}}, s.TP.R); err != nil {
		return err
	}
	_, err := o.F.Put(group+"/correlator_error", h5io.Spec{Units: "lattice units^2", Description: "one standard error of correlator", Dims: []string{"r"}}, s.TP.RErr)
	return err
}

// putEstimate writes one scalar estimate with its error, τ_int and method.
func (o *Out) putEstimate(path, units, desc string, est field.Estimate) error {
	d, err := o.F.Put(path, h5io.Spec{Units: units, Description: desc, Shape: []int64{}}, []float64{est.Value})
	if err != nil {
		return err
	}
	for k, v := range map[string]any{"error": est.Err, "tau_int": est.TauInt, "method": "Γ-method (Wolff 2004), automatic window"} {
		if err := d.SetAttr(k, v); err != nil {
			return err
		}
	}
	return nil
}

func (o *Out) putShell(path, desc string, v []float64) error {
	_, err := o.F.Put(path, h5io.Spec{Units: "lattice units^2", Description: desc, Dims: []string{"shell"}, Scales: []string{ShellScale}}, v)
	return err
}

// WriteParams writes a network's parameters under group/parameters, one
// dataset per tensor: the tensor "1.0.weight" goes to parameters/1.0/weight.
func (o *Out) WriteParams(group string, ps []nn.NamedTensor) error {
	for _, p := range ps {
		path := group + "/parameters/" + paramPath(p.Name)
		shape := toInt64(p.Shape)
		if _, err := o.F.Put(path, h5io.Spec{Dtype: h5io.Float32, Shape: shape, Units: "1",
			Description: "network parameter " + p.Name + " (generative/nn layout, row-major)"}, p.Data); err != nil {
			return err
		}
	}
	return nil
}

// ReadParams reads the parameters written by WriteParams into the tensors
// ps (their names and shapes say what to read) and returns them.
func (o *Out) ReadParams(group string, ps []nn.NamedTensor) ([]nn.NamedTensor, error) {
	out := make([]nn.NamedTensor, len(ps))
	for i, p := range ps {
		d, err := o.F.OpenDataset(group + "/parameters/" + paramPath(p.Name))
		if err != nil {
			return nil, err
		}
		if err := d.Expect(h5io.Float32, toInt64(p.Shape)...); err != nil {
			return nil, err
		}
		var data []float32
		if _, err := d.Read(&data); err != nil {
			return nil, err
		}
		out[i] = nn.NamedTensor{Name: p.Name, Shape: p.Shape, Data: data}
	}
	return out, nil
}

func paramPath(name string) string {
	if i := strings.LastIndexByte(name, '.'); i > 0 {
		return name[:i] + "/" + name[i+1:]
	}
	return name
}
