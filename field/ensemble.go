// Copyright ©2026 The rgflow Authors. All rights reserved.

package field

import (
	"fmt"

	"rgflow/lattice"
)

// Ensemble is a set of N field configurations on one lattice, stored one
// after another: configuration i occupies Data[i*V:(i+1)*V].
type Ensemble struct {
	Lat  *lattice.Lattice
	Data []float64
}

// NewEnsemble returns an ensemble of n zero fields on l.
func NewEnsemble(l *lattice.Lattice, n int) *Ensemble {
	return &Ensemble{Lat: l, Data: make([]float64, n*l.Volume())}
}

// EnsembleOf wraps data, whose length must be a multiple of the volume.
func EnsembleOf(l *lattice.Lattice, data []float64) (*Ensemble, error) {
	if len(data)%l.Volume() != 0 {
		return nil, fmt.Errorf("field: %d values are not a whole number of %s fields", len(data), l)
	}
	return &Ensemble{Lat: l, Data: data}, nil
}

// Len returns the number of configurations.
func (e *Ensemble) Len() int { return len(e.Data) / e.Lat.Volume() }

// Field returns configuration i, sharing storage with the ensemble.
func (e *Ensemble) Field(i int) []float64 {
	V := e.Lat.Volume()
	return e.Data[i*V : (i+1)*V : (i+1)*V]
}
