// Copyright ©2026 The rgflow Authors. All rights reserved.

package h5io

import (
	"fmt"
	"math"
	"strconv"
)

// Helpers for the parts of docs/hdf5-schema.md that every experiment writes
// the same way.

// Put creates the dataset at path with spec and writes data over it. When
// spec.Dtype is zero it is taken from data's element type, and a nil
// spec.Shape means the 1-D shape (len(data)). In a resumed file an existing
// dataset is overwritten (after the checks of CreateDataset).
func (f *File) Put(path string, spec Spec, data any) (*Dataset, error) {
	b := bufOrPanic("put", path, data)
	if spec.Dtype == 0 {
		spec.Dtype = b.t
	}
	if spec.Shape == nil {
		spec.Shape = []int64{b.n}
	}
	d, err := f.CreateDataset(path, spec)
	if err != nil {
		return nil, err
	}
	return d, d.Write(data)
}

// LatticeScales returns the paths of the coordinate scales /lattice/x1 …
// /lattice/xd, for Spec.Scales of datasets with lattice axes.
func LatticeScales(d int) []string {
	s := make([]string, d)
	for mu := range s {
		s[mu] = "/lattice/x" + strconv.Itoa(mu+1)
	}
	return s
}

// FieldSpec returns the Spec of an extendible field dataset of shape
// (0, L₁, …, L_d) as docs/hdf5-schema.md lays it out: float64, one sample
// per chunk, labelled axes (lead, x1, …, xd) with the lattice coordinate
// scales (WriteLattice must have run; the dataset's group gets copies x1…xd
// of them), listed in the XDMF sidecar.
func FieldSpec(lead string, dims []int, units, description string) Spec {
	shape := []int64{0}
	labels := []string{lead}
	scales := append([]string{""}, LatticeScales(len(dims))...)
	for mu, l := range dims {
		shape = append(shape, int64(l))
		labels = append(labels, "x"+strconv.Itoa(mu+1))
	}
	return Spec{
		Dtype: Float64, Shape: shape, Extendible: true, Units: units, Description: description,
		Dims: labels, Scales: scales, Lattice: len(dims),
	}
}

// WriteLattice writes the group /lattice: attributes dims, volume and
// boundary ("periodic" or "open"), the coordinate scales x1…xd (site
// coordinates 0…L_μ−1), the momentum scales k1…kd (2πn/L periodic, πn/L
// open) and the dispersion khat2 over the full momentum grid, 4Σ_μ
// sin²(k_μ/2), labelled k1…kd.
func (f *File) WriteLattice(dims []int, boundary string) error {
	if boundary != "periodic" && boundary != "open" {
		return fmt.Errorf("h5io: lattice boundary %q: allowed periodic, open", boundary)
	}
	if len(dims) == 0 {
		return fmt.Errorf("h5io: lattice with no extents")
	}
	vol := int64(1)
	d64 := make([]int64, len(dims))
	for mu, l := range dims {
		if l < 1 {
			return fmt.Errorf("h5io: lattice extent L%d = %d: must be ≥ 1", mu+1, l)
		}
		d64[mu] = int64(l)
		vol *= int64(l)
	}
	if err := f.CreateGroup("/lattice", map[string]any{"dims": d64, "volume": vol, "boundary": boundary,
		"description": "the lattice: extents, coordinates, momenta, dispersion"}); err != nil {
		return err
	}
	step := 2 * math.Pi
	if boundary == "open" {
		step = math.Pi
	}
	ks := make([][]float64, len(dims))
	kscales := make([]string, len(dims))
	klabels := make([]string, len(dims))
	for mu, l := range dims {
		name := strconv.Itoa(mu + 1)
		x := make([]float64, l)
		k := make([]float64, l)
		for n := range x {
			x[n] = float64(n)
			k[n] = step * float64(n) / float64(l)
		}
		ks[mu] = k
		if err := f.CreateScale("/lattice/x"+name, "x"+name, x, "lattice units", "site coordinate along axis "+name); err != nil {
			return err
		}
		if err := f.CreateScale("/lattice/k"+name, "k"+name, k, "lattice units^-1", "momentum component k_"+name+" of mode index n_"+name); err != nil {
			return err
		}
		kscales[mu], klabels[mu] = "/lattice/k"+name, "k"+name
	}
	kh := make([]float64, vol)
	idx := make([]int, len(dims))
	for i := range kh {
		s := 0.0
		for mu, n := range idx {
			h := math.Sin(ks[mu][n] / 2)
			s += 4 * h * h
		}
		kh[i] = s
		for mu := len(idx) - 1; mu >= 0; mu-- { // row-major, last axis fastest
			idx[mu]++
			if idx[mu] < dims[mu] {
				break
			}
			idx[mu] = 0
		}
	}
	_, err := f.Put("/lattice/khat2", Spec{
		Shape: d64, Units: "lattice units^-2", Description: "lattice dispersion k̂² = Σ_μ 4 sin²(k_μ/2) of each mode",
		Dims: klabels, Scales: kscales,
	}, kh)
	return err
}
