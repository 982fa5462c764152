// Copyright ©2026 The rgflow Authors. All rights reserved.

package wgrad

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// Gaussian is a normal distribution N(Mean, Cov) on R^d.
type Gaussian struct {
	Mean []float64
	Cov  *mat.SymDense
}

// dim checks that g is well formed and returns its dimension.
func (g Gaussian) dim() int {
	if g.Cov == nil {
		panic("wgrad: Gaussian without covariance")
	}
	d := g.Cov.SymmetricDim()
	if g.Mean != nil && len(g.Mean) != d {
		panic("wgrad: Gaussian mean and covariance dimensions differ")
	}
	return d
}

// sqrtSym returns the principal square root of the symmetric positive
// semi-definite matrix a, clamping eigenvalues that rounding made slightly
// negative to zero. It returns an error if an eigenvalue is clearly negative
// or the decomposition fails.
func sqrtSym(a mat.Symmetric) (*mat.SymDense, error) {
	return powSym(a, 0.5)
}

// powSym returns a^p for symmetric positive semi-definite a (p may be
// negative only for positive definite a).
func powSym(a mat.Symmetric, p float64) (*mat.SymDense, error) {
	var eig mat.EigenSym
	if !eig.Factorize(a, true) {
		return nil, fmt.Errorf("wgrad: symmetric eigendecomposition failed")
	}
	vals := eig.Values(nil)
	var vecs mat.Dense
	eig.VectorsTo(&vecs)
	scale := math.Max(floats.Max(vals), 0)
	// Eigenvalues down to −n·ε·λ_max are rounding noise of a PSD matrix.
	noise := float64(len(vals)) * 1e-13 * math.Max(scale, 1e-300)
	for i, v := range vals {
		switch {
		case v < -noise:
			return nil, fmt.Errorf("wgrad: matrix is not positive semi-definite (eigenvalue %v)", v)
		case v <= 0 && p < 0:
			return nil, fmt.Errorf("wgrad: matrix is singular (eigenvalue %v), cannot take power %v", v, p)
		case v < 0:
			v = 0
		}
		vals[i] = math.Pow(v, p)
	}
	n := len(vals)
	out := mat.NewSymDense(n, nil)
	for i := 0; i < n; i++ {
		for j := i; j < n; j++ {
			s := 0.0
			for k := 0; k < n; k++ {
				s += vecs.At(i, k) * vals[k] * vecs.At(j, k)
			}
			out.SetSym(i, j, s)
		}
	}
	return out, nil
}

// BuresW2 returns W₂²(N(m₁, A), N(m₂, B)), the squared 2-Wasserstein
// distance between two Gaussians,
//
//	W₂² = |m₁ − m₂|² + tr A + tr B − 2 tr (A^{1/2} B A^{1/2})^{1/2},
//
// the Bures–Wasserstein (Fréchet) formula. Nil means are zero. It is meant
// for small dimensions: it costs two symmetric eigendecompositions.
func BuresW2(g1, g2 Gaussian) (float64, error) {
	d := g1.dim()
	if g2.dim() != d {
		panic("wgrad: Gaussian dimensions differ")
	}
	m := meanDist2(g1, g2, d)
	ra, err := sqrtSym(g1.Cov)
	if err != nil {
		return 0, err
	}
	var mid mat.Dense
	mid.Mul(ra, g2.Cov)
	mid.Mul(&mid, ra)
	cross, err := sqrtSym(symmetrise(&mid))
	if err != nil {
		return 0, err
	}
	w := m + mat.Trace(g1.Cov) + mat.Trace(g2.Cov) - 2*mat.Trace(cross)
	return math.Max(w, 0), nil
}

// symmetrise returns (m + mᵀ)/2 as a SymDense.
func symmetrise(m *mat.Dense) *mat.SymDense {
	n, _ := m.Dims()
	s := mat.NewSymDense(n, nil)
	for i := 0; i < n; i++ {
		for j := i; j < n; j++ {
			s.SetSym(i, j, 0.5*(m.At(i, j)+m.At(j, i)))
		}
	}
	return s
}

// BuresMap returns the optimal transport map x ↦ m₂ + T(x − m₁) from
// N(m₁, A) to N(m₂, B) through its matrix
//
//	T = A^{−1/2} (A^{1/2} B A^{1/2})^{1/2} A^{−1/2},
//
// which needs A positive definite.
func BuresMap(g1, g2 Gaussian) (*mat.SymDense, error) {
	d := g1.dim()
	if g2.dim() != d {
		panic("wgrad: Gaussian dimensions differ")
	}
	ra, err := sqrtSym(g1.Cov)
	if err != nil {
		return nil, err
	}
	ria, err := powSym(g1.Cov, -0.5)
	if err != nil {
		return nil, err
	}
	var mid mat.Dense
	mid.Mul(ra, g2.Cov)
	mid.Mul(&mid, ra)
	cross, err := sqrtSym(symmetrise(&mid))
	if err != nil {
		return nil, err
	}
	mid.Mul(ria, cross)
	mid.Mul(&mid, ria)
	return symmetrise(&mid), nil
}

// McCann returns the displacement (McCann) interpolant at time t ∈ [0, 1]
// between N(m₁, A) and N(m₂, B), the W₂ geodesic: the law of
// (1−t)x + t(m₂ + T(x − m₁)) for x ~ N(m₁, A), that is
// N((1−t)m₁ + t m₂, M A M) with M = (1−t)I + tT. T is BuresMap(g1, g2).
func McCann(T *mat.SymDense, g1, g2 Gaussian, t float64) Gaussian {
	d := g1.dim()
	var M mat.Dense
	M.Scale(t, T)
	for i := 0; i < d; i++ {
		M.Set(i, i, M.At(i, i)+1-t)
	}
	var c mat.Dense
	c.Mul(&M, g1.Cov)
	c.Mul(&c, M.T())
	mean := make([]float64, d)
	for i := range mean {
		var a, b float64
		if g1.Mean != nil {
			a = g1.Mean[i]
		}
		if g2.Mean != nil {
			b = g2.Mean[i]
		}
		mean[i] = (1-t)*a + t*b
	}
	return Gaussian{Mean: mean, Cov: symmetrise(&c)}
}

// SpectralW2 returns W₂² between two centred translation-invariant Gaussian
// fields on one lattice, whose covariance operators have eigenvalues c1[j]
// and c2[j] on the half-spectrum modes (lattice.HalfKHat2 order),
//
//	W₂² = Σ_k (√C₁(k) − √C₂(k))²,
//
// summed over all V modes: weights[j] is lattice.HalfWeights, the number of
// modes entry j stands for. The distance is that of R^V with the Euclidean
// norm Σ_x φ_x² (see the package documentation); both covariance operators
// commute, so the Bures formula reduces to this sum.
func SpectralW2(c1, c2, weights []float64) float64 {
	if len(c1) != len(c2) || len(c1) != len(weights) {
		panic("wgrad: spectrum length mismatch")
	}
	s := 0.0
	for j, w := range weights {
		d := math.Sqrt(c1[j]) - math.Sqrt(c2[j])
		s += w * d * d
	}
	return s
}

// EntropicGaussianOT returns OT_ε(α, β) = min_π ⟨|x−y|², π⟩ + ε KL(π ‖ α⊗β)
// between α = N(a, A) and β = N(b, B) in closed form (Janati, Muzellec,
// Peyré and Cuturi, "Entropic optimal transport between unbalanced Gaussian
// measures has a closed form", NeurIPS 2020, Theorem 1, balanced case; also
// Mallasto et al. 2021). With σ² = ε/2 and D = (4 A^{1/2} B A^{1/2} + σ⁴ I)^{1/2},
//
//	OT_ε = |a − b|² + tr A + tr B − tr D + d σ² (1 − log 2σ²) + σ² log det(D + σ² I).
//
// It tends to BuresW2 as ε → 0 and to E|x − y|² = |a−b|² + tr A + tr B as
// ε → ∞.
func EntropicGaussianOT(g1, g2 Gaussian, eps float64) (float64, error) {
	if !(eps > 0) || math.IsInf(eps, 0) {
		return 0, fmt.Errorf("wgrad: entropic regularisation eps = %v: must be finite and > 0", eps)
	}
	d := g1.dim()
	if g2.dim() != d {
		panic("wgrad: Gaussian dimensions differ")
	}
	s2 := eps / 2
	m := meanDist2(g1, g2, d)
	ra, err := sqrtSym(g1.Cov)
	if err != nil {
		return 0, err
	}
	var mid mat.Dense
	mid.Mul(ra, g2.Cov)
	mid.Mul(&mid, ra)
	mid.Scale(4, &mid)
	for i := 0; i < d; i++ {
		mid.Set(i, i, mid.At(i, i)+s2*s2)
	}
	D, err := sqrtSym(symmetrise(&mid))
	if err != nil {
		return 0, err
	}
	// log det(D + σ²I) from D's eigenvalues, all ≥ σ² > 0.
	var eig mat.EigenSym
	if !eig.Factorize(D, false) {
		return 0, fmt.Errorf("wgrad: symmetric eigendecomposition failed")
	}
	logdet := 0.0
	for _, v := range eig.Values(nil) {
		logdet += math.Log(v + s2)
	}
	fd := float64(d)
	return m + mat.Trace(g1.Cov) + mat.Trace(g2.Cov) - mat.Trace(D) +
		fd*s2*(1-math.Log(2*s2)) + s2*logdet, nil
}

// meanDist2 returns |m₁ − m₂|² over the first d components (nil means are
// zero).
func meanDist2(g1, g2 Gaussian, d int) float64 {
	m := 0.0
	for i := 0; i < d; i++ {
		var a, b float64
		if g1.Mean != nil {
			a = g1.Mean[i]
		}
		if g2.Mean != nil {
			b = g2.Mean[i]
		}
		m += (a - b) * (a - b)
	}
	return m
}
