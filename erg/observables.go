// Copyright ©2026 The rgflow Authors. All rights reserved.

package erg

import (
	"rgflow/field"
	"rgflow/lattice"
)

// SnapshotObserver measures flow snapshots with the field package's
// observables: per configuration M, |M|, M², M⁴ and the action density
// under the bare action (field.Measure), ensemble estimates χ, χ_conn,
// U₄ with errors (field.Summarise, treating the snapshot as independent
// samples, which a flow of independent data is), and the spectrum in the
// process's basis, per mode and averaged over momentum shells of the mode
// energies. Observables are those of the fields as the flow reports them
// (x or φ variables).
//
// An observer holds scratch space: one per goroutine.
type SnapshotObserver struct {
	P *Process
	// Action is the bare action whose density is measured (nil: none).
	Action field.Action
	// Shells bin the process's modes by mode energy (Eps, weighted by
	// Weight), the zero mode in a shell of its own.
	Shells *lattice.Shells
}

// SnapshotObservables are the observables of one snapshot.
type SnapshotObservables struct {
	Time         float64
	Measurements []field.Measurement
	Observables  field.Observables
	// ObsErr is the error field.Summarise returned (nil, or
	// field.ErrShortSeries and kin when the errors are unreliable).
	ObsErr error
	// ModeSpectrum is the sample spectrum Ĝ_k per mode (covariance
	// eigenvalues, see Process.EstimateSpectrum).
	ModeSpectrum []float64
	// ShellSpectrum is ModeSpectrum averaged over each shell.
	ShellSpectrum []float64
	// GaussianKL is KL of the Gaussian with the sample spectrum to the
	// fixed point (Process.KLOfSpectrum): the Gaussian part of the
	// snapshot's relative entropy, a lower bound on it.
	GaussianKL float64
}

// NewSnapshotObserver returns an observer of p's snapshots with nbins
// shells (0 means the lattice's DefaultShellCount) and bare action a (may
// be nil).
func NewSnapshotObserver(p *Process, a field.Action, nbins int) (*SnapshotObserver, error) {
	if nbins == 0 {
		nbins = p.Lat.DefaultShellCount()
	}
	sh, err := lattice.NewShells(p.Eps, p.Weight, nbins)
	if err != nil {
		return nil, err
	}
	if a != nil && !a.Lattice().Equal(p.Lat) {
		panic("erg: action lattice differs from the process lattice")
	}
	return &SnapshotObserver{P: p, Action: a, Shells: sh}, nil
}

// Measure measures the snapshot e at time t into dst (allocated when nil,
// its slices reused) and returns it.
func (o *SnapshotObserver) Measure(dst *SnapshotObservables, t float64, e *field.Ensemble) *SnapshotObservables {
	if dst == nil {
		dst = &SnapshotObservables{}
	}
	dst.Time = t
	dst.Measurements = field.MeasureEnsemble(dst.Measurements, o.Action, e)
	dst.Observables, dst.ObsErr = field.Summarise(e.Lat.Volume(), dst.Measurements)
	if len(dst.ModeSpectrum) != o.P.Modes() {
		dst.ModeSpectrum = make([]float64, o.P.Modes())
	}
	o.P.EstimateSpectrum(dst.ModeSpectrum, e)
	if len(dst.ShellSpectrum) != o.Shells.Len() {
		dst.ShellSpectrum = make([]float64, o.Shells.Len())
	}
	o.Shells.Average(dst.ShellSpectrum, dst.ModeSpectrum, o.P.Weight)
	dst.GaussianKL = o.P.KLOfSpectrum(dst.ModeSpectrum)
	return dst
}
