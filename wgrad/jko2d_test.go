// Copyright ©2026 The rgflow Authors. All rights reserved.

package wgrad

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// jko2dGaussianStep returns the variance b of the exact entropic JKO step
// from N(0, a) on one axis of a separable problem (stiffness k): the
// minimiser over Gaussians of
//
//	[OT_ε(N(0,a), N(0,b)) + ε∫q log q]/(2τ) + kb/2 − β⁻¹·½ log(2πe b),
//
// with OT_ε the closed form of Janati et al. (EntropicGaussianOT, KL
// convention) and ∫q log q = −½ log(2πe b): the Lebesgue entropy of the
// plan, ε∫π log π, is ε KL(π‖p⊗q) + ε(∫p log p + ∫q log q). For product
// data and a separable cost the plan is a product of per-axis plans, and
// a Gaussian stays Gaussian, so this is the grid scheme's exact target.
func jko2dGaussianStep(t *testing.T, a, k, beta, tau, eps float64) float64 {
	t.Helper()
	obj := func(lb float64) float64 {
		b := math.Exp(lb)
		ot, err := EntropicGaussianOT(Gaussian{Cov: mat.NewSymDense(1, []float64{a})}, Gaussian{Cov: mat.NewSymDense(1, []float64{b})}, eps)
		if err != nil {
			t.Fatal(err)
		}
		negH := -0.5 * math.Log(2*math.Pi*math.E*b)
		return (ot+eps*negH)/(2*tau) + k*b/2 + negH/beta
	}
	// Golden-section search on log b (the objective is unimodal there).
	lo, hi := math.Log(a)-4, math.Log(a)+4
	g := (math.Sqrt(5) - 1) / 2
	c, d := hi-g*(hi-lo), lo+g*(hi-lo)
	fc, fd := obj(c), obj(d)
	for hi-lo > 1e-11 {
		if fc < fd {
			hi, d, fd = d, c, fc
			c = hi - g*(hi-lo)
			fc = obj(c)
		} else {
			lo, c, fc = c, d, fd
			d = lo + g*(hi-lo)
			fd = obj(d)
		}
	}
	return math.Exp((lo + hi) / 2)
}

// TestEntropicJKO2DGaussian runs the entropic JKO of V = ½(x² + 2y²),
// β = 1, τ = 0.5, ε = 0.2 on a 61×61 grid (spacing 0.2, box [−6, 6]²)
// from an axis-aligned Gaussian and checks each step's variances against
// the exact Gaussian recursion of jko2dGaussianStep, to 1e-5 relative (the
// grid resolves the kernel width √(ε/2) = 0.32, so its Riemann sums of
// Gaussians are exact to far below that; what remains, ~1e-6, is the tails
// cut beyond 4σ), and that the covariance stays diagonal.
func TestEntropicJKO2DGaussian(t *testing.T) {
	const (
		n                = 61
		L                = 6.0
		beta, tau, eps   = 1.0, 0.5, 0.2
		kx, ky, vx0, vy0 = 1.0, 2.0, 1.5, 0.3
		tol              = 2e-3
	)
	h := 2 * L / (n - 1)
	v := make([]float64, n*n)
	rho := make([]float64, n*n)
	for i := 0; i < n; i++ {
		x := -L + float64(i)*h
		for l := 0; l < n; l++ {
			y := -L + float64(l)*h
			v[i*n+l] = 0.5*kx*x*x + 0.5*ky*y*y
			rho[i*n+l] = math.Exp(-x*x/(2*vx0) - y*y/(2*vy0))
		}
	}
	j, err := NewEntropicJKO2D(n, n, -L, -L, h, v, rho, beta, tau, eps)
	if err != nil {
		t.Fatal(err)
	}
	_, cov := j.Moments()
	ax, ay := cov[0][0], cov[1][1]
	steps := 4
	if testing.Short() {
		steps = 1 // a step costs ~1 s under -race on a shared machine
	}
	for s := 0; s < steps; s++ {
		if _, err := j.Step(); err != nil {
			t.Fatal(err)
		}
		ax = jko2dGaussianStep(t, ax, kx, beta, tau, eps)
		ay = jko2dGaussianStep(t, ay, ky, beta, tau, eps)
		_, cov := j.Moments()
		t.Logf("step %d: grid variances %.5f, %.5f; exact %.5f, %.5f", s+1, cov[0][0], cov[1][1], ax, ay)
		if math.Abs(cov[0][0]/ax-1) > tol || math.Abs(cov[1][1]/ay-1) > tol || math.Abs(cov[0][1]) > 1e-12 {
			t.Errorf("step %d: covariance %v, exact diagonal %v, %v", s+1, cov, ax, ay)
		}
		tot := 0.0
		for _, r := range j.Rho {
			tot += r
		}
		if math.Abs(tot-1) > 1e-12 {
			t.Errorf("step %d: mass %v", s+1, tot)
		}
	}
}

func TestEntropicJKO2DErrors(t *testing.T) {
	v, r := make([]float64, 4), []float64{1, 0, 0, 0}
	if _, err := NewEntropicJKO2D(2, 2, 0, 0, 1, v, r, 1, 1, 1e-4); err == nil {
		t.Error("underflowing kernel accepted")
	}
	if _, err := NewEntropicJKO2D(2, 2, 0, 0, 1, v, r[:3], 1, 1, 1); err == nil {
		t.Error("wrong mass count accepted")
	}
	if _, err := NewEntropicJKO2D(2, 2, 0, 0, 1, v, r, 1, -1, 1); err == nil {
		t.Error("negative tau accepted")
	}
}
