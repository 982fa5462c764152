// Copyright ©2026 The rgflow Authors. All rights reserved.

package wgrad

import (
	"fmt"
	"math"
)

// EntropicJKO2D is the entropic JKO scheme of Peyré ("Entropic
// approximation of Wasserstein gradient flows", SIAM J. Imaging Sci. 8
// (2015) 2323) for F(ρ) = Σ V ρ + β⁻¹ Σ ρ log ρ on a regular 2-D grid of
// N1×N2 points with spacing H (point (i, j) at (X0 + iH, Y0 + jH), masses
// stored row-major, j fastest). Each step solves
//
//	min_{π: π1 = ρ_n} ⟨C, π⟩ + ε Σ π log π + 2τ F(πᵀ1),  C = |x − y|²,
//
// by the alternating KL projections a ← ρ_n/(Kb), b ← prox(Kᵀa)/(Kᵀa)
// with the Gibbs kernel K = e^{−C/ε}, separable on the grid (two 1-D
// kernel products per application), and the closed-form KL proximal map
// of F, prox(q) ∝ (q e^{−σV})^{1/(1+σ/β)}, σ = 2τ/ε. It stops when the
// first marginal error ‖π1 − ρ_n‖₁ is below Tol.
//
// The entropic term ε Σ π log π = ε KL(π‖ρ_n⊗ρ) + ε(H(ρ_n) + H(ρ)) blurs
// the step: it is the JKO step of the entropic cost OT_ε (package
// convention, EntropicGaussianOT) for the free energy with β⁻¹ raised by
// ε/(2τ). The scheme therefore tends to the Fokker–Planck flow only when
// ε ≪ τ/β (and the kernel width √(ε/2) must be resolved by H). The kernel
// is applied in the linear domain: ε must not be so small against H² that
// e^{−H²/ε} underflows. Sums are serial and in a fixed order.
type EntropicJKO2D struct {
	N1, N2         int
	X0, Y0, H      float64
	V              []float64
	Beta, Tau, Eps float64
	// Tol is the ℓ¹ marginal tolerance (default 1e-9); MaxIter caps the
	// iterations of a step (default 100000).
	Tol     float64
	MaxIter int
	// Rho holds the current masses (sum 1).
	Rho []float64

	k1, k2        []float64 // 1-D kernels, N1×N1 and N2×N2
	a, b, kb, tmp []float64
}

// NewEntropicJKO2D returns the scheme on the n1×n2 grid with origin
// (x0, y0) and spacing h, potential values v (row-major, n1·n2), initial
// masses rho0 (non-negative, normalised here), inverse temperature beta,
// step tau and entropic regularisation eps. It returns an error naming the
// setting that is not allowed.
func NewEntropicJKO2D(n1, n2 int, x0, y0, h float64, v, rho0 []float64, beta, tau, eps float64) (*EntropicJKO2D, error) {
	if n1 < 1 || n2 < 1 {
		return nil, fmt.Errorf("wgrad: entropic JKO grid %d×%d: extents must be ≥ 1", n1, n2)
	}
	n := n1 * n2
	if len(v) != n || len(rho0) != n {
		return nil, fmt.Errorf("wgrad: entropic JKO on %d×%d needs %d potential values and masses, got %d and %d", n1, n2, n, len(v), len(rho0))
	}
	for name, x := range map[string]float64{"spacing h": h, "beta": beta, "tau": tau, "eps": eps} {
		if !(x > 0) || math.IsInf(x, 0) {
			return nil, fmt.Errorf("wgrad: entropic JKO %s = %v: must be finite and > 0", name, x)
		}
	}
	if math.Exp(-h*h/eps) == 0 {
		return nil, fmt.Errorf("wgrad: entropic JKO eps = %v is too small for spacing h = %v: the kernel underflows", eps, h)
	}
	tot := 0.0
	for i, r := range rho0 {
		if !(r >= 0) || math.IsInf(r, 0) {
			return nil, fmt.Errorf("wgrad: entropic JKO initial mass %d is %v: must be finite and ≥ 0", i, r)
		}
		tot += r
	}
	if !(tot > 0) {
		return nil, fmt.Errorf("wgrad: entropic JKO initial masses sum to %v", tot)
	}
	j := &EntropicJKO2D{
		N1: n1, N2: n2, X0: x0, Y0: y0, H: h, V: append([]float64(nil), v...),
		Beta: beta, Tau: tau, Eps: eps, Rho: make([]float64, n),
		a: make([]float64, n), b: make([]float64, n), kb: make([]float64, n), tmp: make([]float64, n),
	}
	for i, r := range rho0 {
		j.Rho[i] = r / tot
	}
	j.k1 = jkoKernel(n1, h, eps)
	j.k2 = jkoKernel(n2, h, eps)
	for i := range j.b {
		j.b[i] = 1
	}
	return j, nil
}

func jkoKernel(n int, h, eps float64) []float64 {
	k := make([]float64, n*n)
	for i := 0; i < n; i++ {
		for l := 0; l < n; l++ {
			d := float64(i-l) * h
			k[i*n+l] = math.Exp(-d * d / eps)
		}
	}
	return k
}

// applyK writes K u into dst (K symmetric and separable).
func (j *EntropicJKO2D) applyK(dst, u []float64) {
	n1, n2 := j.N1, j.N2
	// Along the second axis: tmp[i][l] = Σ_m k2[l][m] u[i][m].
	for i := 0; i < n1; i++ {
		row := u[i*n2 : (i+1)*n2]
		out := j.tmp[i*n2 : (i+1)*n2]
		for l := 0; l < n2; l++ {
			kr := j.k2[l*n2 : (l+1)*n2]
			s := 0.0
			for m, x := range row {
				s += kr[m] * x
			}
			out[l] = s
		}
	}
	// Along the first axis: dst[i][l] = Σ_m k1[i][m] tmp[m][l].
	clear(dst)
	for i := 0; i < n1; i++ {
		out := dst[i*n2 : (i+1)*n2]
		for m := 0; m < n1; m++ {
			k := j.k1[i*n1+m]
			if k == 0 {
				continue
			}
			src := j.tmp[m*n2 : (m+1)*n2]
			for l, x := range src {
				out[l] += k * x
			}
		}
	}
}

// Step takes one entropic JKO step and returns the number of iterations.
// On error Rho is unchanged.
func (j *EntropicJKO2D) Step() (int, error) {
	tol := j.Tol
	if tol <= 0 {
		tol = 1e-9
	}
	maxIter := j.MaxIter
	if maxIter <= 0 {
		maxIter = 100000
	}
	sigma := 2 * j.Tau / j.Eps
	expo := 1 / (1 + sigma/j.Beta)
	p := j.Rho
	next := make([]float64, len(p))
	for it := 1; it <= maxIter; it++ {
		// a ← p / (K b).
		j.applyK(j.kb, j.b)
		for i, x := range p {
			if x == 0 {
				j.a[i] = 0
			} else {
				j.a[i] = x / j.kb[i]
			}
		}
		// b ← prox(Kᵀa) / (Kᵀa).
		j.applyK(j.kb, j.a)
		for i, q := range j.kb {
			if q > 0 {
				r := math.Exp(expo * (math.Log(q) - sigma*j.V[i]))
				next[i] = r
				j.b[i] = r / q
			} else {
				next[i], j.b[i] = 0, 0
			}
		}
		// Error of the first marginal of π = diag(a) K diag(b).
		j.applyK(j.kb, j.b)
		err := 0.0
		for i, x := range p {
			err += math.Abs(j.a[i]*j.kb[i] - x)
		}
		if math.IsNaN(err) {
			return it, fmt.Errorf("wgrad: entropic JKO iteration produced NaN (eps too small for the grid?)")
		}
		if err < tol {
			tot := 0.0
			for _, x := range next {
				tot += x
			}
			for i := range next {
				// Second marginal b ⊙ Kᵀa, normalised.
				j.Rho[i] = next[i] / tot
			}
			return it, nil
		}
	}
	return maxIter, fmt.Errorf("wgrad: entropic JKO step did not reach marginal error %v in %d iterations", tol, maxIter)
}

// Moments returns the mean and covariance of the current masses.
func (j *EntropicJKO2D) Moments() (mean [2]float64, cov [2][2]float64) {
	for i := 0; i < j.N1; i++ {
		x := j.X0 + float64(i)*j.H
		for l := 0; l < j.N2; l++ {
			y := j.Y0 + float64(l)*j.H
			r := j.Rho[i*j.N2+l]
			mean[0] += r * x
			mean[1] += r * y
			cov[0][0] += r * x * x
			cov[0][1] += r * x * y
			cov[1][1] += r * y * y
		}
	}
	cov[0][0] -= mean[0] * mean[0]
	cov[0][1] -= mean[0] * mean[1]
	cov[1][1] -= mean[1] * mean[1]
	cov[1][0] = cov[0][1]
	return mean, cov
}

// FreeEnergy returns Σ Vρ + β⁻¹ Σ ρ log(ρ/H²), the free energy of the
// density ρ/H² of the current masses.
func (j *EntropicJKO2D) FreeEnergy() float64 {
	s := 0.0
	for i, r := range j.Rho {
		s += r * j.V[i]
		if r > 0 {
			s += r * math.Log(r/(j.H*j.H)) / j.Beta
		}
	}
	return s
}
