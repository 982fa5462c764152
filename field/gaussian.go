// Copyright ©2026 The rgflow Authors. All rights reserved.

package field

import (
	"fmt"
	"math"
	"math/rand/v2"

	"rgflow/lattice"
)

// GaussianSampler draws exact, independent samples of a translation-invariant
// Gaussian field with covariance C(k): ⟨φ̃_k φ̃*_k⟩ = V·C(k).
//
// Each sample costs one real FFT and its inverse: white noise η_x ~ N(0, 1)
// is transformed, multiplied by √C(k) and transformed back. A sampler holds
// scratch space; use one per goroutine (Clone).
type GaussianSampler struct {
	lat   *lattice.Lattice
	plan  *lattice.FFT
	amp   []float64 // √C(k) per half-spectrum mode
	noise []float64
	spec  []complex128
}

// NewGaussianSampler returns a sampler whose covariance on each
// half-spectrum mode (ordered as lattice.HalfKHat2) is cov[j]. Every entry
// must be finite and ≥ 0.
func NewGaussianSampler(l *lattice.Lattice, cov []float64) (*GaussianSampler, error) {
	if len(cov) != l.HalfLen() {
		return nil, fmt.Errorf("field: %d covariance entries for a half spectrum of %d modes", len(cov), l.HalfLen())
	}
	amp := make([]float64, len(cov))
	for j, c := range cov {
		if !(c >= 0) || math.IsInf(c, 0) {
			return nil, fmt.Errorf("field: covariance of mode %d is %v: must be finite and ≥ 0", j, c)
		}
		amp[j] = math.Sqrt(c)
	}
	return &GaussianSampler{
		lat:   l,
		plan:  lattice.NewFFT(l),
		amp:   amp,
		noise: make([]float64, l.Volume()),
		spec:  make([]complex128, l.HalfLen()),
	}, nil
}

// NewFreeSampler returns the exact sampler of the free action a. It fails for
// the massless theory, whose zero mode has infinite variance.
func NewFreeSampler(a *Free) (*GaussianSampler, error) {
	if a.M2 <= 0 {
		return nil, fmt.Errorf("field: exact free sampler needs m2 > 0 (got %v): the zero mode of the massless field is not normalisable", a.M2)
	}
	k2 := a.lat.HalfKHat2()
	cov := make([]float64, len(k2))
	for j, v := range k2 {
		cov[j] = a.Covariance(v)
	}
	return NewGaussianSampler(a.lat, cov)
}

// Clone returns an independent sampler with the same covariance.
func (s *GaussianSampler) Clone() *GaussianSampler {
	return &GaussianSampler{
		lat:   s.lat,
		plan:  s.plan.Clone(),
		amp:   s.amp,
		noise: make([]float64, len(s.noise)),
		spec:  make([]complex128, len(s.spec)),
	}
}

// Lattice returns the sampler's lattice.
func (s *GaussianSampler) Lattice() *lattice.Lattice { return s.lat }

// Sample writes one sample into dst and returns it. If dst is nil a new
// slice is allocated.
func (s *GaussianSampler) Sample(dst []float64, rnd *rand.Rand) []float64 {
	for i := range s.noise {
		s.noise[i] = rnd.NormFloat64()
	}
	s.plan.Forward(s.spec, s.noise)
	for j, a := range s.amp {
		s.spec[j] *= complex(a, 0)
	}
	return s.plan.Inverse(dst, s.spec)
}
