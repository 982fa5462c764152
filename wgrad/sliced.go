// Copyright ©2026 The rgflow Authors. All rights reserved.

package wgrad

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"rgflow/field"
	"rgflow/internal/rng"
)

// Sliced holds the directions of a sliced Wasserstein distance
//
//	SW₂²(α, β) = (1/K) Σ_k W₂²(θ_k#α, θ_k#β),
//
// the mean over K unit vectors θ_k of the exact 1-D W₂² between the
// projections ⟨θ_k, x⟩ of the two measures. With directions uniform on the
// sphere it estimates E_θ W₂²(θ#α, θ#β) ≤ W₂²/d; with an orthonormal basis
// in which both covariances are diagonal (the Fourier basis for
// translation-invariant Gaussian fields), d·SW₂² is W₂² itself.
//
// A Sliced is read-only after construction and may be shared between
// goroutines.
type Sliced struct {
	dim  int
	dirs []float64 // K × dim, row-major
}

// NewSliced returns k directions in R^dim drawn uniformly on the unit sphere
// from the stream rng.New(seed, rng.StageEvaluate, rng.EvalSliced): the
// same seed gives the same directions on every machine.
func NewSliced(dim, k int, seed uint64) (*Sliced, error) {
	if dim <= 0 || k <= 0 {
		return nil, fmt.Errorf("wgrad: sliced distance with %d directions in dimension %d: both must be positive", k, dim)
	}
	rnd := rng.NewRand(seed, rng.StageEvaluate, rng.EvalSliced)
	return &Sliced{dim: dim, dirs: SliceDirections(nil, dim, k, rnd)}, nil
}

// SlicedOf returns a sliced distance over the given directions, k × dim
// values row-major, each normalised here to unit length. It returns an error
// if a direction is zero or not finite.
func SlicedOf(dim int, dirs []float64) (*Sliced, error) {
	if dim <= 0 || len(dirs) == 0 || len(dirs)%dim != 0 {
		return nil, fmt.Errorf("wgrad: %d direction values are not a positive number of vectors in dimension %d", len(dirs), dim)
	}
	d := slices.Clone(dirs)
	for k := 0; k < len(d)/dim; k++ {
		v := d[k*dim : (k+1)*dim]
		n := 0.0
		for _, x := range v {
			n += x * x
		}
		if !(n > 0) || math.IsInf(n, 0) {
			return nil, fmt.Errorf("wgrad: slice direction %d has squared norm %v", k, n)
		}
		n = math.Sqrt(n)
		for i := range v {
			v[i] /= n
		}
	}
	return &Sliced{dim: dim, dirs: d}, nil
}

// SliceDirections appends to dst k directions in R^dim uniform on the unit
// sphere, each a vector of dim standard normals from rnd divided by its
// norm, and returns the extended slice. It is NewSliced's generator, for
// callers that manage their own random streams.
func SliceDirections(dst []float64, dim, k int, rnd *rand.Rand) []float64 {
	for ; k > 0; k-- {
		o := len(dst)
		n := 0.0
		for i := 0; i < dim; i++ {
			x := rnd.NormFloat64()
			dst = append(dst, x)
			n += x * x
		}
		n = math.Sqrt(n)
		for i := o; i < len(dst); i++ {
			dst[i] /= n
		}
	}
	return dst
}

// Dim returns the dimension of the space.
func (s *Sliced) Dim() int { return s.dim }

// Len returns the number of directions.
func (s *Sliced) Len() int { return len(s.dirs) / s.dim }

// Direction returns direction k, sharing storage with s; do not modify it.
func (s *Sliced) Direction(k int) []float64 { return s.dirs[k*s.dim : (k+1)*s.dim : (k+1)*s.dim] }

// Project writes the projections of the n points of c on every direction
// into dst, direction-major: dst[k*n+i] = ⟨θ_k, x_i⟩, and returns it. If dst
// is nil or too short a new slice is allocated.
func (s *Sliced) Project(dst []float64, c Cloud) []float64 {
	if c.Dim != s.dim {
		panic("wgrad: cloud dimension differs from the slice directions'")
	}
	n, K := c.Len(), s.Len()
	if cap(dst) < n*K {
		dst = make([]float64, n*K)
	}
	dst = dst[:n*K]
	for i := 0; i < n; i++ {
		x := c.Point(i)
		for k := 0; k < K; k++ {
			th := s.Direction(k)
			v := 0.0
			for a, t := range th {
				v += t * x[a]
			}
			dst[k*n+i] = v
		}
	}
	return dst
}

// W2Sq returns SW₂² between the clouds x and y, whose sizes may differ and
// whose weights are honoured. perDir, if not nil, must have length Len and
// receives W₂² along each direction.
func (s *Sliced) W2Sq(perDir []float64, x, y Cloud) (float64, error) {
	if x.Dim != s.dim || y.Dim != s.dim {
		panic("wgrad: cloud dimension differs from the slice directions'")
	}
	if perDir != nil && len(perDir) != s.Len() {
		panic("wgrad: per-direction destination length mismatch")
	}
	n, m := x.Len(), y.Len()
	if n == 0 || m == 0 {
		return 0, fmt.Errorf("wgrad: sliced distance of an empty cloud")
	}
	uniform := x.W == nil && y.W == nil
	var ax, ay []float64
	if !uniform {
		var err error
		if ax, err = x.weights("x"); err != nil {
			return 0, err
		}
		if ay, err = y.weights("y"); err != nil {
			return 0, err
		}
	}
	px, py := s.Project(nil, x), s.Project(nil, y)
	K := s.Len()
	tot := 0.0
	for k := 0; k < K; k++ {
		xs, ys := px[k*n:(k+1)*n], py[k*m:(k+1)*m]
		for _, v := range xs {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return 0, fmt.Errorf("wgrad: sliced distance: a point of x is not finite")
			}
		}
		for _, v := range ys {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return 0, fmt.Errorf("wgrad: sliced distance: a point of y is not finite")
			}
		}
		var w float64
		if uniform {
			slices.Sort(xs)
			slices.Sort(ys)
			w = SortedW2Sq(xs, ys)
		} else {
			xs, wx, err := sortedMeasure("x", xs, ax)
			if err != nil {
				return 0, err
			}
			ys, wy, err := sortedMeasure("y", ys, ay)
			if err != nil {
				return 0, err
			}
			w = quantileCost(2, xs, wx, ys, wy)
		}
		if perDir != nil {
			perDir[k] = w
		}
		tot += w
	}
	return tot / float64(K), nil
}

// EnsembleCloud returns the ensemble as a uniform cloud in R^V, sharing its
// storage.
func EnsembleCloud(e *field.Ensemble) Cloud {
	return Cloud{Dim: e.Lat.Volume(), X: e.Data}
}
