// Copyright ©2026 The rgflow Authors. All rights reserved.

package wgrad

import (
	"errors"
	"fmt"
	"math"
)

// Potential1D is an external potential V on the line with its first two
// derivatives. The zero value is V = 0 (the heat equation).
type Potential1D struct {
	V, DV, D2V func(x float64) float64
}

// HarmonicPotential returns V = k x²/2.
func HarmonicPotential(k float64) Potential1D {
	return Potential1D{
		V:   func(x float64) float64 { return 0.5 * k * x * x },
		DV:  func(x float64) float64 { return k * x },
		D2V: func(float64) float64 { return k },
	}
}

func (p Potential1D) eval(x float64) (v, dv, d2v float64) {
	if p.V == nil {
		return 0, 0, 0
	}
	return p.V(x), p.DV(x), p.D2V(x)
}

// JKO1D is the Jordan–Kinderlehrer–Otto scheme for the free energy
//
//	F(ρ) = ∫ V ρ dx + β⁻¹ ∫ ρ log ρ dx
//
// on the line, whose W₂ gradient flow is the Fokker–Planck equation
// ∂_tρ = ∂_x(ρ V′) + β⁻¹ ∂²_xρ. Each step solves
//
//	ρ_{n+1} = argmin_ρ F(ρ) + W₂²(ρ, ρ_n)/(2τ).
//
// # Discretisation
//
// The state is a Lagrangian grid: N+1 increasing points x₀ < … < x_N
// bounding N cells of equal mass 1/N, the density uniform on each cell.
// The quantile function is then piecewise linear in the mass coordinate
// and, with d = x − y,
//
//	W₂²(x, y) = (1/3N) Σ_i (d_i² + d_i d_{i+1} + d_{i+1}²)
//
// exactly (W2Quantile); the entropy is −(1/N) Σ_i log(N(x_{i+1} − x_i)),
// exactly (as is the porous-medium energy, a power of the cell widths), and ∫Vρ is Simpson's rule on each cell (exact for quadratic
// V). In these coordinates W₂² is a positive definite quadratic form and
// the entropy a sum of −log of differences (the porous-medium energy of
// negative powers), so the step's objective is
// convex whenever V is, and strictly convex for any V with τ·max(−V″) < 1
// (the quadratic form's smallest curvature then dominates V's negative
// one). The objective's Hessian is tridiagonal: each step is solved by
// damped Newton (Thomas algorithm, backtracking that keeps the cells
// ordered), converged on the Newton decrement, O(N) per iteration.
//
// The scheme is first order in τ. The discrete gradient flow is
// ẋ = −A⁻¹∇F(x) with A the metric of W₂² above, and its dissipation
// ∇Fᵀ A⁻¹ ∇F (Dissipation) is the Fisher-information-like
// ∫ρ|∂_x(V′ + β⁻¹ log ρ)|².
type JKO1D struct {
	Pot  Potential1D
	Beta float64
	Tau  float64
	// PorousM, when non-zero (it must then be > 1), replaces the entropy
	// by the porous-medium energy β⁻¹∫ρ^m/(m − 1): the flow is then
	// ∂_tρ = ∂_x(ρV′) + β⁻¹∂²_x(ρ^m), whose solutions from compact data
	// keep compact support (Barenblatt profiles for V = 0). Set it before
	// the first Step.
	PorousM float64
	// Tol is the Newton tolerance on the decrement ½gᵀH⁻¹g (default
	// 1e-20 times (1 + |objective|), about the rounding floor: Newton
	// converges quadratically); MaxIter caps Newton iterations per
	// step (default 100).
	Tol     float64
	MaxIter int
	// X is the current grid; Step replaces it.
	X []float64

	prev, g, d, o, p, trial, cp, dp []float64
}

// ErrNotConvex is returned when a JKO step meets a Hessian that is not
// positive definite (a non-convex V with too large a step τ).
var ErrNotConvex = errors.New("wgrad: JKO step objective is not convex here (reduce tau)")

// NewJKO1D returns the JKO scheme from the grid x0 (at least 2 strictly
// increasing points) with potential pot, inverse temperature beta and
// step tau. It returns an error naming the setting that is not allowed.
func NewJKO1D(x0 []float64, pot Potential1D, beta, tau float64) (*JKO1D, error) {
	if len(x0) < 2 {
		return nil, fmt.Errorf("wgrad: JKO grid has %d points: need at least 2 (one cell)", len(x0))
	}
	for i := 1; i < len(x0); i++ {
		if !(x0[i] > x0[i-1]) || math.IsInf(x0[i], 0) || math.IsInf(x0[i-1], 0) {
			return nil, fmt.Errorf("wgrad: JKO grid points %d and %d (%v, %v) are not finite and strictly increasing", i-1, i, x0[i-1], x0[i])
		}
	}
	if !(beta > 0) || math.IsInf(beta, 0) {
		return nil, fmt.Errorf("wgrad: JKO inverse temperature beta = %v: must be finite and > 0", beta)
	}
	if !(tau > 0) {
		return nil, fmt.Errorf("wgrad: JKO step tau = %v: must be > 0 (+Inf minimises F itself)", tau)
	}
	if (pot.V == nil) != (pot.DV == nil) || (pot.V == nil) != (pot.D2V == nil) {
		return nil, fmt.Errorf("wgrad: JKO potential needs V, DV and D2V together (or none for V = 0)")
	}
	n := len(x0)
	j := &JKO1D{Pot: pot, Beta: beta, Tau: tau, X: append([]float64(nil), x0...)}
	for _, s := range []*[]float64{&j.prev, &j.g, &j.d, &j.o, &j.p, &j.trial, &j.cp, &j.dp} {
		*s = make([]float64, n)
	}
	return j, nil
}

// GridFromQuantile returns the n+1 points q((i + ½)/(n + 1)), i = 0…n: a
// Lagrangian grid for the density of quantile function q, its tails
// beyond mass 1/(2(n+1)) on either side cut off.
func GridFromQuantile(n int, q func(m float64) float64) []float64 {
	x := make([]float64, n+1)
	for i := range x {
		x[i] = q((float64(i) + 0.5) / float64(n+1))
	}
	return x
}

// W2Quantile returns W₂² between the densities of two Lagrangian grids of
// the same length (equal-mass cells, uniform density on each): the exact
// L² distance of their piecewise-linear quantile functions.
func W2Quantile(x, y []float64) float64 {
	if len(x) != len(y) || len(x) < 2 {
		panic("wgrad: Lagrangian grid length mismatch")
	}
	n := len(x) - 1
	s := 0.0
	for i := 0; i < n; i++ {
		a, b := x[i]-y[i], x[i+1]-y[i+1]
		s += a*a + a*b + b*b
	}
	return s / (3 * float64(n))
}

// Moments returns the mean and variance of the grid's density.
func (j *JKO1D) Moments() (mean, variance float64) {
	x := j.X
	c := 1 / float64(len(x)-1)
	var m1, m2 float64
	for i := 0; i+1 < len(x); i++ {
		a, b := x[i], x[i+1]
		m1 += c * (a + b) / 2
		m2 += c * (a*a + a*b + b*b) / 3
	}
	return m1, m2 - m1*m1
}

// Density writes the cell midpoints and densities of the grid into mid
// and rho (allocated when nil; length N) and returns them.
func (j *JKO1D) Density(mid, rho []float64) ([]float64, []float64) {
	n := len(j.X) - 1
	if mid == nil {
		mid = make([]float64, n)
	}
	if rho == nil {
		rho = make([]float64, n)
	}
	for i := 0; i < n; i++ {
		mid[i] = (j.X[i] + j.X[i+1]) / 2
		rho[i] = 1 / (float64(n) * (j.X[i+1] - j.X[i]))
	}
	return mid, rho
}

// FreeEnergy returns F of the current grid.
func (j *JKO1D) FreeEnergy() float64 { return j.objective(j.X, 0) }

// Dissipation returns ∇Fᵀ A⁻¹ ∇F of the current grid: −dF/dt of the
// discrete gradient flow through it.
func (j *JKO1D) Dissipation() float64 {
	j.assemble(j.X, 0, false) // gradient of F in g
	// Metric A: per cell 1/(3N) on the diagonal, 1/(6N) off it.
	n := len(j.X) - 1
	c := 1 / float64(n)
	clear(j.d)
	clear(j.o)
	for i := 0; i < n; i++ {
		j.d[i] += c / 3
		j.d[i+1] += c / 3
		j.o[i] = c / 6
	}
	if err := j.solve(j.p, j.g); err != nil {
		panic("wgrad: W₂ metric not positive definite") // A is always SPD
	}
	s := 0.0
	for i, v := range j.g {
		s += v * j.p[i]
	}
	return s
}

// Step takes one JKO step from X and returns the number of Newton
// iterations. On error X is left at the start of the step.
func (j *JKO1D) Step() (int, error) {
	if j.PorousM != 0 && !(j.PorousM > 1) || math.IsInf(j.PorousM, 0) {
		return 0, fmt.Errorf("wgrad: JKO porous-medium exponent PorousM = %v: must be 0 (entropy) or finite and > 1", j.PorousM)
	}
	copy(j.prev, j.X)
	invTau := 1 / j.Tau
	maxIter := j.MaxIter
	if maxIter <= 0 {
		maxIter = 100
	}
	x := j.X
	phi := j.objective(x, invTau)
	prevDec := math.Inf(1)
	for it := 1; it <= maxIter; it++ {
		j.assemble(x, invTau, true)
		for i := range j.g {
			j.cp[i] = -j.g[i]
		}
		if err := j.solve(j.p, j.cp); err != nil {
			copy(j.X, j.prev)
			return it, err
		}
		dec := 0.0 // gᵀH⁻¹g
		for i, v := range j.g {
			dec -= v * j.p[i]
		}
		tol := j.Tol
		if tol <= 0 {
			tol = 1e-20 * (1 + math.Abs(phi))
		}
		if dec/2 <= tol || (it > 1 && dec >= prevDec && dec/2 <= 1e-10*(1+math.Abs(phi))) {
			// Converged, or stalled at the rounding floor.
			return it, nil
		}
		prevDec = dec
		alpha := 1.0
		if dec/2 <= 1e-10*(1+math.Abs(phi)) {
			// Quadratic-convergence region: the decrease is below the
			// objective's rounding, so Armijo cannot judge it; take the
			// full Newton step if it keeps the cells ordered.
			ordered := true
			for i := range x {
				j.trial[i] = x[i] + j.p[i]
			}
			for i := 1; i < len(x); i++ {
				if !(j.trial[i] > j.trial[i-1]) {
					ordered = false
					break
				}
			}
			if ordered {
				copy(x, j.trial)
				phi = j.objective(x, invTau)
				continue
			}
		}
		// Backtracking: keep the cells ordered, then Armijo.
		for k := 0; ; k++ {
			if k == 60 {
				// No decrease at any representable step: rounding floor.
				return it, nil
			}
			ok := true
			for i := range x {
				j.trial[i] = x[i] + alpha*j.p[i]
			}
			for i := 1; i < len(x); i++ {
				if !(j.trial[i] > j.trial[i-1]) {
					ok = false
					break
				}
			}
			if ok {
				if f := j.objective(j.trial, invTau); f <= phi-1e-4*alpha*dec {
					phi = f
					break
				}
			}
			alpha /= 2
		}
		copy(x, j.trial)
	}
	copy(j.X, j.prev)
	return maxIter, fmt.Errorf("wgrad: JKO step did not converge in %d Newton iterations", maxIter)
}

// cellInternal returns the internal energy of a cell of width del and
// mass c, ∫_cell U(ρ) dx = del·U(c/del), and its first two derivatives in
// del: U = β⁻¹ρ log ρ, or β⁻¹ρ^m/(m − 1) for the porous-medium exponent m.
func (j *JKO1D) cellInternal(del, c float64) (u, du, d2u float64) {
	ib := 1 / j.Beta
	if m := j.PorousM; m != 0 {
		cm := ib * math.Pow(c, m)
		p := math.Pow(del, -m)
		return cm * p * del / (m - 1), -cm * p, m * cm * p / del
	}
	return ib * c * math.Log(c/del), -ib * c / del, ib * c / (del * del)
}

// objective returns F(x) + invTau·W₂²(x, prev)/2.
func (j *JKO1D) objective(x []float64, invTau float64) float64 {
	n := len(x) - 1
	c := 1 / float64(n)
	s := 0.0
	for i := 0; i < n; i++ {
		a, b := x[i], x[i+1]
		va, _, _ := j.Pot.eval(a)
		vm, _, _ := j.Pot.eval((a + b) / 2)
		vb, _, _ := j.Pot.eval(b)
		u, _, _ := j.cellInternal(b-a, c)
		s += c*(va+4*vm+vb)/6 + u
		if invTau != 0 {
			da, db := a-j.prev[i], b-j.prev[i+1]
			s += invTau * c / 6 * (da*da + da*db + db*db)
		}
	}
	return s
}

// assemble writes the gradient of the objective at x into g and, if hess,
// its tridiagonal Hessian into d (diagonal) and o (off-diagonal).
func (j *JKO1D) assemble(x []float64, invTau float64, hess bool) {
	n := len(x) - 1
	c := 1 / float64(n)
	clear(j.g)
	if hess {
		clear(j.d)
		clear(j.o)
	}
	for i := 0; i < n; i++ {
		a, b := x[i], x[i+1]
		_, dva, d2va := j.Pot.eval(a)
		_, dvm, d2vm := j.Pot.eval((a + b) / 2)
		_, dvb, d2vb := j.Pot.eval(b)
		_, u1, u2 := j.cellInternal(b-a, c)
		ga := c/6*(dva+2*dvm) - u1
		gb := c/6*(dvb+2*dvm) + u1
		haa := c/6*(d2va+d2vm) + u2
		hbb := c/6*(d2vb+d2vm) + u2
		hab := c/6*d2vm - u2
		if invTau != 0 {
			da, db := a-j.prev[i], b-j.prev[i+1]
			ga += invTau * c / 6 * (2*da + db)
			gb += invTau * c / 6 * (2*db + da)
			haa += invTau * c / 3
			hbb += invTau * c / 3
			hab += invTau * c / 6
		}
		j.g[i] += ga
		j.g[i+1] += gb
		if hess {
			j.d[i] += haa
			j.d[i+1] += hbb
			j.o[i] = hab
		}
	}
}

// solve solves the symmetric tridiagonal system (d, o) p = r by the
// Thomas algorithm, reporting ErrNotConvex on a non-positive pivot.
func (j *JKO1D) solve(p, r []float64) error {
	n := len(j.d)
	cp, dp := j.cp, j.dp
	// r may alias cp: copy it into dp first.
	copy(dp, r)
	piv := j.d[0]
	if !(piv > 0) {
		return ErrNotConvex
	}
	cp[0] = j.o[0] / piv
	dp[0] = dp[0] / piv
	for i := 1; i < n; i++ {
		piv = j.d[i] - j.o[i-1]*cp[i-1]
		if !(piv > 0) {
			return ErrNotConvex
		}
		if i < n-1 {
			cp[i] = j.o[i] / piv
		}
		dp[i] = (dp[i] - j.o[i-1]*dp[i-1]) / piv
	}
	p[n-1] = dp[n-1]
	for i := n - 2; i >= 0; i-- {
		p[i] = dp[i] - cp[i]*p[i+1]
	}
	return nil
}

// Minimise replaces X by the minimiser of F itself (the equilibrium of
// the discrete flow; it exists when V confines) and returns the Newton
// iteration count.
func (j *JKO1D) Minimise() (int, error) {
	tau := j.Tau
	j.Tau = math.Inf(1)
	defer func() { j.Tau = tau }()
	return j.Step()
}
