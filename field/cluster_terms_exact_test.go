// Copyright ©2026 The rgflow Authors. All rights reserved.

package field

import (
	"math"
	"testing"

	"rgflow/lattice"
)

// TestNewClusterCoupling: β must be finite and > 0; 0 is refused.
func TestNewClusterCoupling(t *testing.T) {
	l := lattice.MustNew(4, 4)
	for _, beta := range []float64{0, -1, math.NaN(), math.Inf(1)} {
		if _, err := NewCluster(l, beta); err == nil {
			t.Errorf("β = %v: want error", beta)
		}
	}
	if _, err := NewCluster(l, 1e-300); err != nil {
		t.Errorf("β = 1e-300: %v", err)
	}
}

// TestMeasureTermsTwoPerChain: two configurations per chain are enough to
// estimate the terms of S/V; one is an error.
func TestMeasureTermsTwoPerChain(t *testing.T) {
	l := lattice.MustNew(4)
	a := mustPhi4(t, l, ContinuumParams{M2: 0.5, G: 1})
	e := NewEnsemble(l, 4)
	for i := range e.Data {
		e.Data[i] = float64(i%5) - 2
	}
	if _, err := a.MeasureTerms(e, 2); err != nil {
		t.Errorf("2 chains of 2: %v", err)
	}
	if _, err := a.MeasureTerms(e, 4); err == nil {
		t.Error("4 chains of 1: want error")
	}
}
