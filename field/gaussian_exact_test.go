// Copyright ©2026 The rgflow Authors. All rights reserved.

package field

import (
	"math"
	"testing"

	"rgflow/lattice"
)

// TestGaussianSamplerCovarianceRange: covariances must be finite and ≥ 0,
// zero included (a mode held at 0); a negative, NaN or infinite entry, or
// a length other than the half spectrum's, is an error. The massless free
// field has no exact sampler (its zero mode is not normalisable).
func TestGaussianSamplerCovarianceRange(t *testing.T) {
	l := lattice.MustNew(4, 4)
	H := l.HalfLen()
	for _, c := range []struct {
		v  float64
		ok bool
	}{{0, true}, {1, true}, {-1e-300, false}, {math.NaN(), false}, {math.Inf(1), false}} {
		cov := make([]float64, H)
		for j := range cov {
			cov[j] = 1
		}
		cov[3] = c.v
		if _, err := NewGaussianSampler(l, cov); (err == nil) != c.ok {
			t.Errorf("covariance %v: error %v, want ok = %v", c.v, err, c.ok)
		}
	}
	if _, err := NewGaussianSampler(l, make([]float64, H+1)); err == nil {
		t.Error("a covariance per mode plus one: want error")
	}
	a, err := NewFree(l, 0)
	if err != nil {
		t.Skipf("NewFree(l, 0): %v", err)
	}
	if _, err := NewFreeSampler(a); err == nil {
		t.Error("the massless free sampler: want error")
	}
}
