// Copyright ©2026 The rgflow Authors. All rights reserved.

// Package h5iotest writes the small example file that the h5io tests, the
// golden h5dump header under internal/h5io/testdata and the h5py check in
// scripts/checks read. It exercises every feature of the writer: root
// attributes, groups with attributes, dimension scales (fixed and
// extendible), the netCDF dimensions of labelled axes (coordinates copied
// into the group, dimensions without coordinates, fixed and unlimited), an
// extendible chunked deflated field dataset listed in the XDMF sidecar,
// complex and boolean values, and a checkpoint.
package h5iotest

import (
	"math"

	"rgflow/internal/h5io"
)

// Shape of the example lattice and ensemble.
const (
	L1, L2  = 4, 6
	Samples = 3
	Times   = 3
)

// Config is the configuration stored in the example file.
const Config = "lattice:\n  dims: [4, 6]\nmass: 0.5\n"

// Seed is the seed stored in the example file.
const Seed = 42

// Field returns sample n of the example ensemble: φ[n,i,j] = n + i/10 + j/100.
func Field(n int) []float64 {
	f := make([]float64, L1*L2)
	for i := 0; i < L1; i++ {
		for j := 0; j < L2; j++ {
			f[i*L2+j] = float64(n) + float64(i)/10 + float64(j)/100
		}
	}
	return f
}

// KL returns the example flow's relative entropy at flow time t, e^{−t}.
func KL(t float64) float64 { return math.Exp(-t) }

// Shells are the coordinates of the example's shell axis (the scale
// /lattice/shells/khat2, named shell, as the experiments write it).
var Shells = []float64{0, 1, 2, 4}

// Spectrum returns the example spectrum at k̂², 1/(k̂² + M2).
func Spectrum(khat2 float64) float64 { return 1 / (khat2 + M2) }

// M2 is the mass² attribute of the example ensemble.
const M2 = 0.25

// Correlator returns the example correlator at separation r, e^{−r/2}, for
// r = 0…L1/2: an axis without coordinates.
func Correlator(r int) float64 { return math.Exp(-float64(r) / 2) }

// Magnetization returns the mean of Field(n), n + 0.15 + 0.025.
func Magnetization(n int) float64 {
	s := 0.0
	for _, v := range Field(n) {
		s += v
	}
	return s / (L1 * L2)
}

// Write writes the example file at path and closes it with status complete.
func Write(path string) (err error) {
	f, err := h5io.Create(path, h5io.Meta{Experiment: "example", Config: Config, Seed: Seed}, h5io.CreateOptions{Overwrite: true})
	if err != nil {
		return err
	}
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}()
	if err := writeEnsemble(f); err != nil {
		return err
	}
	if err := writeFlow(f); err != nil {
		return err
	}
	sft, err := f.CreateDataset("/generated/gaussian/spectrum_ft", h5io.Spec{
		Dtype: h5io.Complex128, Shape: []int64{2}, Units: "1", Description: "two complex test values",
	})
	if err != nil {
		return err
	}
	if err := sft.Write([]complex128{complex(1, -2), complex(0.5, 3)}); err != nil {
		return err
	}
	if err := f.CreateGroup("/model/exact", map[string]any{"converged": true, "architecture": "exact Gaussian score"}); err != nil {
		return err
	}
	return f.SetStatus(h5io.StatusComplete)
}

// writeEnsemble writes the lattice, the shell coordinates and the example
// ensemble: its fields (saving a checkpoint after the second sample), its
// spectrum, correlator and magnetization.
func writeEnsemble(f *h5io.File) error {
	if err := f.WriteLattice([]int{L1, L2}, "periodic"); err != nil {
		return err
	}
	if err := f.CreateScale("/lattice/shells/khat2", "shell", Shells, "lattice units^-2", "k̂² of each momentum shell"); err != nil {
		return err
	}
	if err := f.CreateGroup("/ensemble/free", map[string]any{"description": "free field, exact sampler", "m2": M2}); err != nil {
		return err
	}
	spec := h5io.FieldSpec("sample", []int{L1, L2}, "lattice units", "field configurations phi(x), one per sample")
	spec.Deflate = 4
	fields, err := f.CreateDataset("/ensemble/free/fields", spec)
	if err != nil {
		return err
	}
	for n := 0; n < Samples; n++ {
		if err := fields.Append(Field(n)); err != nil {
			return err
		}
		if n == 1 {
			if err := f.SaveCheckpoint(h5io.Checkpoint{
				Step:   2,
				Blobs:  map[string][]byte{"pcg": []byte("example-state")},
				Floats: map[string][]float64{"chain": {1.5, -2.5}},
				Ints:   map[string][]int64{"accepted": {7}},
			}); err != nil {
				return err
			}
		}
	}
	// Axes of one label share one netCDF dimension per group: the shell
	// axis gets a copy of /lattice/shells/khat2 as /ensemble/free/shell, the
	// correlator's r axis a dimension without coordinates, and the
	// observables' sample axis its own dimension in their subgroup.
	sp := make([]float64, len(Shells))
	for i, k := range Shells {
		sp[i] = Spectrum(k)
	}
	if _, err := f.Put("/ensemble/free/spectrum", h5io.Spec{Units: "lattice units^2", Description: "spectrum 1/(k̂² + m²) per shell",
		Dims: []string{"shell"}, Scales: []string{"/lattice/shells/khat2"}}, sp); err != nil {
		return err
	}
	g := make([]float64, L1/2+1)
	for r := range g {
		g[r] = Correlator(r)
	}
	if _, err := f.Put("/ensemble/free/correlator", h5io.Spec{Units: "lattice units^2", Description: "G(r) = exp(-r/2)",
		Dims: []string{"r"}}, g); err != nil {
		return err
	}
	m := make([]float64, Samples)
	for n := range m {
		m[n] = Magnetization(n)
	}
	if _, err := f.Put("/ensemble/free/observables/magnetization", h5io.Spec{Units: "1", Description: "mean of each sample",
		Dims: []string{"sample"}}, m); err != nil {
		return err
	}
	return nil
}

// writeFlow writes the example flow: the relative entropy along the
// extendible scale t, appended one time at a time.
func writeFlow(f *h5io.File) error {
	t, err := f.CreateExtendibleScale("/flow/polchinski/t", "t", "1", "RG time t = ln(Lambda0/Lambda)")
	if err != nil {
		return err
	}
	kl, err := f.CreateDataset("/flow/polchinski/kl", h5io.Spec{
		Dtype: h5io.Float64, Shape: []int64{0}, Extendible: true, Units: "nats",
		Description: "KL(p_t || fixed point), analytic", Dims: []string{"t"}, Scales: []string{"/flow/polchinski/t"},
	})
	if err != nil {
		return err
	}
	for k := 0; k < Times; k++ {
		tk := 0.5 * float64(k)
		if err := t.Append([]float64{tk}); err != nil {
			return err
		}
		if err := kl.Append([]float64{KL(tk)}); err != nil {
			return err
		}
	}
	return nil
}

// WriteMerged writes n copies of the example file, dir/task<i>.h5, and
// dir/merged.h5 whose /ensemble/free/fields is a virtual dataset of shape
// (n, Samples, L1, L2) over them and whose /task1/lattice is an external
// link to task 1's /lattice.
func WriteMerged(dir string, n int) (err error) {
	var srcs []string
	for i := 0; i < n; i++ {
		name := "task" + string(rune('0'+i)) + ".h5"
		if err := Write(dir + "/" + name); err != nil {
			return err
		}
		srcs = append(srcs, name)
	}
	f, err := h5io.Create(dir+"/merged.h5", h5io.Meta{Experiment: "example-merge", Config: Config, Seed: Seed}, h5io.CreateOptions{Overwrite: true})
	if err != nil {
		return err
	}
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}()
	if _, err := f.StackVirtual("/ensemble/free/fields", h5io.Float64, []int64{Samples, L1, L2}, "/ensemble/free/fields", srcs); err != nil {
		return err
	}
	if err := f.ExternalLink("/task1/lattice", srcs[1], "/lattice"); err != nil {
		return err
	}
	return f.SetStatus(h5io.StatusComplete)
}
