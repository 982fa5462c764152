// Copyright ©2026 The rgflow Authors. All rights reserved.

package lpa

import (
	"errors"
	"fmt"
	"math"
	"sort"
)

// LPA is the local potential approximation of the Polchinski equation for
// an O(N)-symmetric scalar in d dimensions, in dimensionless variables
// with η = 0 and radial field r = |φ|:
//
//	∂_t v = d·v − ((d−2)/2) r v′ + v″ + (N−1) v′/r − (v′)².
//
// For N = 1 it is ∂_t v = d v − ((d−2)/2)φv′ + v″ − (v′)². The methods
// work with f = v′, odd in r, which obeys
//
//	∂_t f = F[f] = ((d+2)/2) f − ((d−2)/2) r f′ + f″ + (N−1)(f′/r − f/r²) − 2ff′,
//
// and recover v from f by v(0) = −Nf′(0)/d (the fixed-point equation at
// r = 0) and integration.
type LPA struct {
	D float64 // dimension, 2 < d ≤ 4
	N int     // number of field components, ≥ 1
	// Step is the RK4 step of the shooting integrations (0 means 1/256).
	Step float64
}

// New returns the LPA in d dimensions for O(n), or an error if
// d ∉ (2, 4] or n < 1.
func New(d float64, n int) (LPA, error) {
	if !(d > 2 && d <= 4) {
		return LPA{}, fmt.Errorf("lpa: dimension d = %v: must lie in (2, 4]", d)
	}
	if n < 1 {
		return LPA{}, fmt.Errorf("lpa: field components N = %d: must be ≥ 1", n)
	}
	return LPA{D: d, N: n}, nil
}

// Sector labels the perturbations of a fixed point.
type Sector int

const (
	// Even perturbations δv(r) (O(N) singlets; Z₂-even for N = 1): the
	// thermal sector, λ₁ = 1/ν and the corrections to scaling.
	Even Sector = iota
	// Odd perturbations δv(−φ) = −δv(φ) of the N = 1 theory: the magnetic
	// sector, with the exact eigenvalues (d+2)/2 (δv = φ − v*′, the
	// magnetic field, y_h with η = 0) and (d−2)/2 (δv = v*′, the redundant
	// field shift).
	Odd
)

func (s Sector) String() string {
	switch s {
	case Even:
		return "even"
	case Odd:
		return "odd"
	}
	return fmt.Sprintf("Sector(%d)", int(s))
}

// FixedPoint is a solution f* = v*′ of F[f] = 0 that grows at most like a
// power at large r.
//
// Small r: f = γr + c r³ + …, c = (γ² − γ)/(N+2), a one-parameter family
// (γ = v*″(0)). Large r: F[f] = 0 admits f = r + A r^p + …,
// p = (d−2)/(d+2), again one free parameter; the other solution of the
// linearisation there grows like exp((d+2)r²/4) and is excluded. The
// fixed point is found by shooting from both ends and matching f and f′
// at RMatch (two equations for γ and A): outward from r = 0 with γ, and
// inward from RInf with the asymptotic form. Integrating inward, any
// error in the asymptotic data along the excluded direction decays like
// exp(−(d+2)(RInf² − r²)/4), so the truncation of the large-field
// expansion costs nothing measurable (RInf is chosen so that this factor
// is below e^{−60} at RMatch): that is how the large-field asymptotics are
// handled, not by imposing them at a finite field.
type FixedPoint struct {
	LPA
	// Gamma is v*″(0) = f*′(0).
	Gamma float64
	// A is the amplitude of f* = r + A r^p + … at large r.
	A float64
	// RMatch and RInf are the matching radius and the radius the inward
	// integration starts from.
	RMatch, RInf float64
	// Gaussian is true for the Gaussian fixed point f* ≡ 0.
	Gaussian bool
	// Residual is |Δf| + |Δf′| at RMatch after the Newton iteration.
	Residual float64
}

// suppress is the exponent by which inward integration suppresses the
// excluded solution between RInf and RMatch: exp(−(d+2)(RInf² − RMatch²)/4)
// = e^{−suppress} (exp(−(d−2)…/4) around the Gaussian fixed point).
var suppress = 60.0

// refStep is the default RK4 step of the shooting (LPA.Step = 0).
// The global error is ∝ step⁴ (~10⁻¹² in ν at d = 3 at this step);
// CriticalExponents removes it by Richardson extrapolation from step and
// step/2.
const refStep = 1.0 / 256

func (l LPA) step() float64 {
	if l.Step > 0 {
		return l.Step
	}
	return refStep
}

// GaussianFixedPoint returns f* ≡ 0.
func (l LPA) GaussianFixedPoint() *FixedPoint {
	fp := &FixedPoint{LPA: l, Gaussian: true, RMatch: 1.5}
	// Around f* = 0 the excluded solution grows like exp((d−2)r²/4).
	fp.RInf = math.Sqrt(fp.RMatch*fp.RMatch + 4*suppress/(l.D-2))
	for fp.Suppression() < suppress {
		fp.RInf += 0.5
	}
	return fp
}

// state is (f, f′, g, g′): the fixed point and a perturbation.
type state [4]float64

// rhs returns d/dr of the state at radius r for eigenvalue lam.
func (l LPA) rhs(r float64, y state, lam float64, withG bool) state {
	d, n1 := l.D, float64(l.N-1)
	f, fp := y[0], y[1]
	fpp := -(d+2)/2*f + (d-2)/2*r*fp + 2*f*fp
	if n1 != 0 {
		fpp -= n1 * (fp/r - f/(r*r))
	}
	out := state{fp, fpp}
	if withG {
		g, gp := y[2], y[3]
		gpp := (lam-(d+2)/2)*g + (d-2)/2*r*gp + 2*(fp*g+f*gp)
		if n1 != 0 {
			gpp -= n1 * (gp/r - g/(r*r))
		}
		out[2], out[3] = gp, gpp
	}
	return out
}

// integrate takes RK4 steps of size about l.step() from r0 to r1 (either
// direction). visit, if not nil, is called at every step with (r, y).
// It returns the state at r1 and false if the solution left the range of
// floats (|f| > 1e100) before r1.
func (l LPA) integrate(y state, r0, r1, lam float64, withG bool, visit func(r float64, y state)) (state, float64, bool) {
	dir := 1.0
	if r1 < r0 {
		dir = -1
	}
	H := l.step()
	add := func(a state, s float64, b state) state {
		for i := range a {
			a[i] += s * b[i]
		}
		return a
	}
	r := r0
	for dir*(r1-r) > 0 {
		h := H
		if l.N > 1 && dir > 0 {
			// Near r = 0 the solution ∝ r^{1−N} that the series start
			// excludes decays outward at rate (N−1)/r: steps of at most
			// 2r/(N+1) (scaled with H, so that the error stays ∝ H⁴) keep
			// explicit RK4 stable on it.
			h = math.Min(h, 2*r/float64(l.N+1)*H/refStep)
		}
		last := h >= dir*(r1-r)*(1-1e-12)
		if last {
			h = dir * (r1 - r)
		}
		h *= dir
		k1 := l.rhs(r, y, lam, withG)
		k2 := l.rhs(r+h/2, add(y, h/2, k1), lam, withG)
		k3 := l.rhs(r+h/2, add(y, h/2, k2), lam, withG)
		k4 := l.rhs(r+h, add(y, h, k3), lam, withG)
		for j := range y {
			y[j] += h / 6 * (k1[j] + 2*k2[j] + 2*k3[j] + k4[j])
		}
		if last {
			r = r1
		} else {
			r += h
		}
		if !(math.Abs(y[0]) < 1e100) || (withG && !(math.Abs(y[2]) < 1e200)) {
			return y, r, false
		}
		if visit != nil {
			visit(r, y)
		}
	}
	return y, r1, true
}

// r0 is where outward integration starts for N > 1, from the series, to
// avoid the coordinate singularity of (N−1)/r at r = 0: the neglected
// terms are O(r0⁵) = 10⁻¹⁵.
const rStart = 1e-3

// outwardStart returns the state at the start of outward integration
// (r = 0 for N = 1, rStart otherwise) for f*′(0) = gamma and, for the
// perturbation, the sector's regular solution at eigenvalue lam.
func (l LPA) outwardStart(gamma, lam float64, sec Sector) (state, float64) {
	nn := float64(l.N)
	c := (gamma*gamma - gamma) / (nn + 2)
	r := 0.0
	if l.N > 1 {
		r = rStart
	}
	y := state{gamma*r + c*r*r*r, gamma + 3*c*r*r}
	switch sec {
	case Even: // g = r + b r³
		b := (lam - 2 + 4*gamma) / (2 * (nn + 2))
		y[2], y[3] = r+b*r*r*r, 1+3*b*r*r
	case Odd: // g = 1 + b r², N = 1 only
		b := (lam - (l.D+2)/2 + 2*gamma) / 2
		y[2], y[3] = 1+b*r*r, 2*b*r
	}
	return y, r
}

// asymptotic exponents at large r: f* ≈ c∞ r with c∞ = 1 (nontrivial) or
// 0 (Gaussian); a perturbation grows like r^q.
func (fp *FixedPoint) powers(lam float64) (p, q float64) {
	d := fp.D
	c := 1.0
	if fp.Gaussian {
		c = 0
	}
	p = (d - 2) / (d + 2)
	q = -(lam - (d+2)/2 + 2*c) / ((d-2)/2 + 2*c)
	return p, q
}

func (fp *FixedPoint) inwardStart(lam float64) state {
	r := fp.RInf
	p, q := fp.powers(lam)
	var y state
	if !fp.Gaussian {
		// f = r + A r^p: the leading large-field behaviour. Its
		// truncation is forgiven by the inward integration (see
		// FixedPoint); with the next terms (pA² r^{2p−1}, …) the start
		// would stop being monotone in A where A r^p is not yet small
		// (near d = 4 and at large N), which is worse.
		y[0] = r + fp.A*math.Pow(r, p)
		y[1] = 1 + p*fp.A*math.Pow(r, p-1)
	}
	y[2] = math.Pow(r, q)
	y[3] = q * math.Pow(r, q-1)
	return y
}

// mismatch returns (Δf, Δf′) at RMatch between the outward solution with
// γ and the inward one with A.
func (l LPA) mismatch(gamma, A, rm, ri float64) (df, dfp float64, ok bool) {
	fp := &FixedPoint{LPA: l, Gamma: gamma, A: A, RMatch: rm, RInf: ri}
	yo, r0 := l.outwardStart(gamma, 0, Even)
	yo, _, ok1 := l.integrate(yo, r0, rm, 0, false, nil)
	yi, _, ok2 := l.integrate(fp.inwardStart(0), ri, rm, 0, false, nil)
	return yo[0] - yi[0], yo[1] - yi[1], ok1 && ok2
}

// blowup integrates outward with f*′(0) = gamma up to rmax and returns
// the radius at which the solution visibly leaves the fixed point's
// family, and to which side: on f* the slope f′ stays between min(γ, 0)
// and ≈ 1 (it rises from γ at r = 0 to 1 at large r), while the excluded
// solution, ∝ exp((d+2)r²/4), drives f′ to +∞ (side +1) or −∞ (side −1).
// It returns (rmax, 0) if neither happens.
func (l LPA) blowup(gamma, rmax float64) (float64, float64) {
	y, r0 := l.outwardStart(gamma, 0, Even)
	rb, side := rmax, 0.0
	lo := math.Min(gamma, 0) - 1
	done := false
	l.integrate(y, r0, rmax, 0, false, func(r float64, y state) {
		if done {
			return
		}
		switch {
		case y[1] > 2:
			rb, side, done = r, 1, true
		case y[1] < lo:
			rb, side, done = r, -1, true
		}
	})
	return rb, side
}

// ErrNoFixedPoint is returned when no nontrivial fixed point is found.
var ErrNoFixedPoint = errors.New("lpa: no Wilson–Fisher fixed point found")

// WilsonFisher returns the Wilson–Fisher fixed point: the nontrivial
// solution with one even relevant direction besides λ = d. It locates γ
// by the blow-up radius of outward shooting over a scan of γ ∈ (−2.5, 0)
// (Morris's spike plot: the radius diverges only at fixed points), then
// solves the two-sided matching by Newton's method. For 2 < d < 3 the
// scan also meets multicritical fixed points; the Wilson–Fisher one is
// the spike closest to γ = 0, which is where it bifurcates from the
// Gaussian fixed point at d = 4.
func (l LPA) WilsonFisher() (*FixedPoint, error) {
	if l.D >= 4 {
		return nil, fmt.Errorf("%w: at d = %v it coincides with the Gaussian fixed point", ErrNoFixedPoint, l.D)
	}
	rmax := 4 + 3*fieldScale(l)
	// Scan γ on a grid refined toward 0, where the WF spike sits near d = 4.
	var gs []float64
	for g := -1e-4; g > -2.5; g *= 1.05 {
		gs = append(gs, g)
	}
	side := make([]float64, len(gs))
	for i, g := range gs {
		_, side[i] = l.blowup(g, rmax)
	}
	// Every change of the side to which outward shooting leaves is a
	// candidate: the fixed point itself, or the edge of the Gaussian fixed
	// point's basin (where the solution follows f ≈ 0 and departs on its
	// own unstable direction). Bisect each, nearest to γ = 0 first, and
	// keep the first that the two-sided matching turns into a solution.
	var lastErr error = ErrNoFixedPoint
	for i := 1; i < len(gs); i++ {
		if side[i] == side[i-1] || side[i] == 0 || side[i-1] == 0 {
			continue
		}
		lo, hi := gs[i], gs[i-1] // lo < hi
		slo := side[i]
		for k := 0; k < 200 && hi-lo > 1e-14*math.Max(1, math.Abs(lo)); k++ {
			mid := 0.5 * (lo + hi)
			_, s := l.blowup(mid, 2*rmax)
			if s == slo {
				lo = mid
			} else {
				hi = mid
			}
		}
		gamma := 0.5 * (lo + hi)
		rb, _ := l.blowup(gamma, 2*rmax)
		fp, err := l.refine(gamma, rb)
		if err != nil {
			lastErr = err
			continue
		}
		// At a fixed point the bisection already has γ to ~10⁻¹⁴ and the
		// matching only polishes it; a side change at the edge of the
		// Gaussian fixed point's basin sends Newton elsewhere.
		if math.Abs(fp.Gamma-gamma) > 1e-6*math.Max(1, math.Abs(gamma)) {
			lastErr = fmt.Errorf("%w: matching moved γ from %v to %v: the side change was not at a fixed point", ErrNoFixedPoint, gamma, fp.Gamma)
			continue
		}
		if math.Abs(fp.Gamma) < 1e-9 {
			lastErr = fmt.Errorf("%w: matching converged to the Gaussian fixed point (γ = %v, A = %v)", ErrNoFixedPoint, fp.Gamma, fp.A)
			continue
		}
		return fp, nil
	}
	return nil, lastErr
}

// fieldScale is the field scale of the nontrivial region of a fixed
// point: it grows like √(N+2) with N and like 1/√(4−d) near four
// dimensions (where v* is shallow, v* ≈ γφ²/2 + O(ε)φ⁴ with γ = O(ε)).
func fieldScale(l LPA) float64 {
	return math.Sqrt(float64(l.N+2)/3) * math.Max(1, 1/math.Sqrt(4*(4-l.D)))
}

// refine solves the two-sided matching from the shooting estimate gamma,
// whose outward solution stays close to f* up to radius rb.
func (l LPA) refine(gamma, rb float64) (*FixedPoint, error) {
	// Inward integration amplifies errors wherever the coefficient
	// a(r) = ((d−2)/2) r + 2f − (N−1)/r of δf′ is negative (for N > 1
	// near the origin, while f ≲ 0): match outside the last such radius of
	// the outward solution, and well inside its blow-up radius rb.
	ra := 0.0
	{
		d, n1 := l.D, float64(l.N-1)
		y, r0 := l.outwardStart(gamma, 0, Even)
		l.integrate(y, r0, rb, 0, false, func(r float64, y state) {
			if (d-2)/2*r+2*y[0]-n1/r <= 0 {
				ra = r
			}
		})
	}
	rm := math.Max(math.Max(1, 0.6*rb), ra+1)
	if rm > rb-0.5 {
		return nil, fmt.Errorf("%w: no stable matching radius at γ = %v (a(r) ≤ 0 up to %v, blow-up at %v)", ErrNoFixedPoint, gamma, ra, rb)
	}
	// Start inward where the large-field expansion holds: fields scale
	// like √N, and like 1/√(4−d) near four dimensions.
	ri := math.Max(math.Sqrt(rm*rm+suppress*4/(l.D+2)), 6*fieldScale(l))
	// A so that the inward solution meets the outward one's f at rm
	// (γ from the bisection is already accurate).
	p := (l.D - 2) / (l.D + 2)
	y, r0 := l.outwardStart(gamma, 0, Even)
	y, _, _ = l.integrate(y, r0, rm, 0, false, nil)
	fOut := y[0]
	df := func(A float64) (float64, bool) {
		fp := &FixedPoint{LPA: l, A: A, RMatch: rm, RInf: ri}
		yi, _, ok := l.integrate(fp.inwardStart(0), ri, rm, 0, false, nil)
		return fOut - yi[0], ok
	}
	// Bracket around the estimate from f ≈ r + A r^p at rm, widening
	// geometrically on both sides, then refine by regula falsi.
	A0 := (fOut - rm) / math.Pow(rm, p)
	d0, ok0 := df(A0)
	A, found := A0, ok0 && d0 == 0
	for k := 0; k < 60 && !found; k++ {
		step := 0.01 * (math.Abs(A0) + 1) * math.Pow(1.6, float64(k))
		for _, s := range []float64{1, -1} {
			a := A0 + s*step
			da, ok := df(a)
			if !ok || !ok0 || (da < 0) == (d0 < 0) {
				continue
			}
			prev := A0 + s*step/1.6
			if k == 0 {
				prev = A0
			}
			dp, _ := df(prev)
			A, found = illinois(df, prev, a, dp, da, 1e-13), true
			break
		}
	}
	if !found {
		return nil, fmt.Errorf("%w: no large-field amplitude A matches the shooting at γ = %v", ErrNoFixedPoint, gamma)
	}
	return l.refineFrom(gamma, A, rm, ri, 0)
}

// refineFrom runs Newton's method on the matching at rm with inward start
// at ri, from (gamma, A).
func (l LPA) refineFrom(gamma, A, rm, ri float64, depth int) (*FixedPoint, error) {
	// Damped Newton on (γ, A) with a finite-difference Jacobian: a full
	// step that makes a shooting diverge or raises the residual is halved.
	d0, d1, ok := l.mismatch(gamma, A, rm, ri)
	if !ok {
		return nil, fmt.Errorf("%w: shooting diverged at γ = %v, A = %v", ErrNoFixedPoint, gamma, A)
	}
	res := math.Abs(d0) + math.Abs(d1)
	for it := 0; it < 60 && res >= 1e-13; it++ {
		hg := 1e-7 * math.Max(1e-3, math.Abs(gamma))
		ha := 1e-7 * math.Max(1, math.Abs(A))
		g0, g1, _ := l.mismatch(gamma+hg, A, rm, ri)
		a0, a1, _ := l.mismatch(gamma, A+ha, rm, ri)
		j00, j10 := (g0-d0)/hg, (g1-d1)/hg
		j01, j11 := (a0-d0)/ha, (a1-d1)/ha
		det := j00*j11 - j01*j10
		if det == 0 || math.IsNaN(det) {
			return nil, fmt.Errorf("%w: singular matching Jacobian", ErrNoFixedPoint)
		}
		dg := (j11*d0 - j01*d1) / det
		da := (-j10*d0 + j00*d1) / det
		improved := false
		for lam := 1.0; lam > 1e-4; lam /= 2 {
			n0, n1, ok := l.mismatch(gamma-lam*dg, A-lam*da, rm, ri)
			if nr := math.Abs(n0) + math.Abs(n1); ok && nr < res {
				gamma, A, d0, d1, res = gamma-lam*dg, A-lam*da, n0, n1, nr
				improved = true
				break
			}
		}
		if !improved {
			break
		}
	}
	if res > 1e-10 {
		return nil, fmt.Errorf("%w: matching residual %v after Newton", ErrNoFixedPoint, res)
	}
	fp := &FixedPoint{LPA: l, Gamma: gamma, A: A, RMatch: rm, RInf: ri, Residual: res}
	if e := fp.Suppression(); e < suppress {
		// The excluded solution is not suppressed enough between RInf and
		// RMatch (f* ≪ r there, as near d = 4): start further out.
		if depth > 20 {
			return nil, fmt.Errorf("%w: cannot reach suppression e^{-%v} (got e^{-%.3g} at RInf = %v)", ErrNoFixedPoint, suppress, e, ri)
		}
		return l.refineFrom(gamma, A, rm, math.Sqrt(ri*ri+4*(suppress-e+5)/(l.D+2)), depth+1)
	}
	return fp, nil
}

// Suppression returns the exponent E by which inward integration from RInf
// to RMatch suppresses the excluded solution of the linearisation,
// E = ∫ a(r) dr with a = ((d−2)/2) r + 2f* − (N−1)/r the coefficient of
// δf′ (the excluded solution grows like exp ∫a outward).
func (fp *FixedPoint) Suppression() float64 {
	d, n1 := fp.D, float64(fp.N-1)
	a := func(r, f float64) float64 { return (d-2)/2*r + 2*f - n1/r }
	if fp.Gaussian {
		rm, ri := fp.RMatch, fp.RInf
		return (d-2)/4*(ri*ri-rm*rm) - n1*math.Log(ri/rm)
	}
	e := 0.0
	prevR := fp.RInf
	y := fp.inwardStart(0)
	prevA := a(prevR, y[0])
	fp.integrate(y, fp.RInf, fp.RMatch, 0, false, func(r float64, y state) {
		ar := a(r, y[0])
		e += 0.5 * (ar + prevA) * (prevR - r)
		prevR, prevA = r, ar
	})
	return e
}

// wronskian returns the sine of the angle between the outward and inward
// perturbation vectors (g, g′) at RMatch: zero exactly at eigenvalues.
func (fp *FixedPoint) wronskian(lam float64, sec Sector) float64 {
	yo, r0 := fp.outwardStart(fp.Gamma, lam, sec)
	yo, _, _ = fp.integrate(yo, r0, fp.RMatch, lam, true, nil)
	yi, _, _ := fp.integrate(fp.inwardStart(lam), fp.RInf, fp.RMatch, lam, true, nil)
	w := yo[2]*yi[3] - yo[3]*yi[2]
	return w / (math.Hypot(yo[2], yo[3]) * math.Hypot(yi[2], yi[3]))
}

// Eigenvalues returns the eigenvalues λ of the linearised flow
// ∂_t δf = L δf around the fixed point in sector sec that lie in
// (lmin, lmax), in decreasing order, each to ~10⁻¹³. An eigenvalue λ > 0
// is relevant, λ < 0 irrelevant. In the even sector the f-form loses the
// constant perturbation δv = 1, whose eigenvalue is exactly d; it is not
// returned. The odd sector exists for N = 1 only.
//
// Eigenvalues are the zeros of the matching Wronskian of the regular
// solution from r = 0 and the power-law solution from RInf; the scan
// step 0.01 resolves eigenvalues closer than that only by luck (their
// spacing is ≥ (d−2)/2 at the Gaussian fixed point).
func (fp *FixedPoint) Eigenvalues(sec Sector, lmin, lmax float64) ([]float64, error) {
	if sec == Odd && fp.N != 1 {
		return nil, fmt.Errorf("lpa: the odd sector exists for N = 1 only (N = %d)", fp.N)
	}
	// The spacing of eigenvalues is ≈ d − 2 in the even sector and
	// (d − 2)/2… in the odd one near the Gaussian fixed point, larger at
	// the Wilson–Fisher point: a step of (d−2)/10 resolves them.
	step := (fp.D - 2) / 10
	var out []float64
	prevL := lmax
	prevW := fp.wronskian(prevL, sec)
	for lam := lmax - step; lam > lmin-step/2; lam -= step {
		w := fp.wronskian(lam, sec)
		if w == 0 {
			out = append(out, lam)
		} else if (w < 0) != (prevW < 0) && prevW != 0 {
			out = append(out, fp.solveEigen(lam, prevL, w, prevW, sec))
		}
		prevL, prevW = lam, w
	}
	sort.Sort(sort.Reverse(sort.Float64Slice(out)))
	return out, nil
}

// illinois returns the zero of f in [a, b] (fa, fb of opposite signs) by
// the Illinois variant of regula falsi, to relative tolerance tol. A
// failed evaluation (ok = false) ends the search at the current estimate.
func illinois(f func(float64) (float64, bool), a, b, fa, fb, tol float64) float64 {
	side := 0
	c := a
	for i := 0; i < 200; i++ {
		c = (a*fb - b*fa) / (fb - fa)
		if math.Abs(b-a) < tol*math.Max(1, math.Abs(c)) {
			break
		}
		fc, ok := f(c)
		if !ok || fc == 0 {
			break
		}
		if (fc < 0) == (fb < 0) {
			b, fb = c, fc
			if side == -1 {
				fa /= 2
			}
			side = -1
		} else {
			a, fa = c, fc
			if side == 1 {
				fb /= 2
			}
			side = 1
		}
	}
	return c
}

// solveEigen finds the zero of the Wronskian in [a, b] (wa, wb of opposite
// signs) by the Illinois variant of regula falsi, to 10⁻¹⁴.
func (fp *FixedPoint) solveEigen(a, b, wa, wb float64, sec Sector) float64 {
	return illinois(func(l float64) (float64, bool) { return fp.wronskian(l, sec), true }, a, b, wa, wb, 1e-14)
}

// Exponents are the critical exponents of a fixed point.
type Exponents struct {
	// Nu = 1/λ₁, λ₁ the largest even eigenvalue below d.
	Nu float64
	// Omega = −λ₂, Omega2 = −λ₃: the leading corrections to scaling.
	Omega, Omega2 float64
	// Even are the even-sector eigenvalues found (λ = d excluded),
	// decreasing; Odd the odd ones (N = 1 only).
	Even, Odd []float64
	// StepErr is an estimate of the integration error of the eigenvalues
	// (the largest change made by Richardson extrapolation; 0 when not
	// extrapolated).
	StepErr float64
}

// Exponents returns ν, ω, ω₂ and the eigenvalues above lmin in both
// sectors at the fixed point's integration step.
func (fp *FixedPoint) Exponents(lmin float64) (Exponents, error) {
	even, err := fp.Eigenvalues(Even, lmin, fp.D-1e-3)
	if err != nil {
		return Exponents{}, err
	}
	if len(even) < 3 {
		return Exponents{}, fmt.Errorf("lpa: found %d even eigenvalues above %v, need 3: lower lmin", len(even), lmin)
	}
	e := Exponents{Nu: 1 / even[0], Omega: -even[1], Omega2: -even[2], Even: even}
	if fp.N == 1 {
		e.Odd, err = fp.Eigenvalues(Odd, lmin, (fp.D+2)/2+0.25)
		if err != nil {
			return Exponents{}, err
		}
	}
	return e, nil
}

// CriticalExponents solves for the Wilson–Fisher fixed point and its
// spectrum above lmin at the integration step h = l.Step and at h/2, and
// combines them by Richardson extrapolation, λ = (16λ_{h/2} − λ_h)/15, which
// removes the O(h⁴) error of RK4. StepErr is the largest correction made.
func (l LPA) CriticalExponents(lmin float64) (Exponents, *FixedPoint, error) {
	coarse := l
	coarse.Step = l.step()
	fine := l
	fine.Step = coarse.Step / 2
	var out [2]Exponents
	var fp *FixedPoint
	for i, ll := range []LPA{coarse, fine} {
		f, err := ll.WilsonFisher()
		if err != nil {
			return Exponents{}, nil, err
		}
		out[i], err = f.Exponents(lmin)
		if err != nil {
			return Exponents{}, nil, err
		}
		fp = f
	}
	ex := func(a, b []float64) ([]float64, float64, error) {
		if len(a) != len(b) {
			return nil, 0, fmt.Errorf("lpa: %d eigenvalues at step h, %d at h/2: lower or raise lmin", len(a), len(b))
		}
		r := make([]float64, len(a))
		worst := 0.0
		for i := range a {
			r[i] = (16*b[i] - a[i]) / 15
			worst = math.Max(worst, math.Abs(r[i]-b[i]))
		}
		return r, worst, nil
	}
	even, e1, err := ex(out[0].Even, out[1].Even)
	if err != nil {
		return Exponents{}, nil, err
	}
	odd, e2, err := ex(out[0].Odd, out[1].Odd)
	if err != nil {
		return Exponents{}, nil, err
	}
	return Exponents{Nu: 1 / even[0], Omega: -even[1], Omega2: -even[2], Even: even, Odd: odd, StepErr: math.Max(e1, e2)}, fp, nil
}

// Profile samples the fixed point at the radii r (each in [0, RInf]):
// v*(r) and f*(r) = v*′(r). v* follows from f* and f*′ through the
// fixed-point equation itself,
//
//	d·v* = ((d−2)/2) r f* − f*′ − (N−1) f*/r + f*²,
//
// (v*(0) = −Nγ/d), so it carries the accuracy of the shooting; between
// integration steps values are cubic Hermite interpolants of the values
// and their known derivatives (error ~h⁴/384 · fourth derivative).
func (fp *FixedPoint) Profile(r []float64) (v, f []float64) {
	v = make([]float64, len(r))
	f = make([]float64, len(r))
	if fp.Gaussian {
		return v, f
	}
	grid, ys := fp.sample(0, nil)
	d, n1 := fp.D, float64(fp.N-1)
	vg := make([]float64, len(grid))
	fg := make([]float64, len(grid))
	fpg := make([]float64, len(grid))
	for i, x := range grid {
		y := ys[i]
		o := 0.0
		if x > 0 {
			o = n1 * y[0] / x
		} else {
			o = n1 * y[1]
		}
		vg[i] = ((d-2)/2*x*y[0] - y[1] - o + y[0]*y[0]) / d
		fg[i], fpg[i] = y[0], y[1]
	}
	hermite(v, r, grid, vg, fg)
	hermite(f, r, grid, fg, fpg)
	return v, f
}

// Eigenfunction samples at the radii r the perturbation of eigenvalue lam
// in sector sec: δf = δv′, normalised by δf′(0) = 1 (even) or
// δf(0) = 1 (odd), and δv from the linearised fixed-point equation,
//
//	(d − λ) δv = ((d−2)/2) r δf − δf′ − (N−1) δf/r + 2f* δf.
func (fp *FixedPoint) Eigenfunction(sec Sector, lam float64, r []float64) (dv, df []float64) {
	grid, ys := fp.sample(lam, &sec)
	d, n1 := fp.D, float64(fp.N-1)
	vg := make([]float64, len(grid))
	fg := make([]float64, len(grid))
	fpg := make([]float64, len(grid))
	for i, x := range grid {
		y := ys[i]
		o := 0.0
		if x > 0 {
			o = n1 * y[2] / x
		} else {
			o = n1 * y[3]
		}
		vg[i] = ((d-2)/2*x*y[2] - y[3] - o + 2*y[0]*y[2]) / (d - lam)
		fg[i], fpg[i] = y[2], y[3]
	}
	dv = make([]float64, len(r))
	df = make([]float64, len(r))
	hermite(dv, r, grid, vg, fg)
	hermite(df, r, grid, fg, fpg)
	return dv, df
}

// hermite writes into dst the cubic Hermite interpolant at x of the
// samples val with derivatives der on grid (increasing); NaN outside.
func hermite(dst, x, grid, val, der []float64) {
	for k, xv := range x {
		i := sort.SearchFloat64s(grid, xv)
		switch {
		case i < len(grid) && grid[i] == xv:
			dst[k] = val[i]
		case i == 0 || i >= len(grid):
			dst[k] = math.NaN()
		default:
			h := grid[i] - grid[i-1]
			s := (xv - grid[i-1]) / h
			s2, s3 := s*s, s*s*s
			dst[k] = (2*s3-3*s2+1)*val[i-1] + (s3-2*s2+s)*h*der[i-1] +
				(-2*s3+3*s2)*val[i] + (s3-s2)*h*der[i]
		}
	}
}

// sample returns a grid on [0, RInf] and the state on it: the fixed point
// (f, f′) and, with sec != nil, the perturbation (g, g′) of eigenvalue
// lam, the inward part scaled to meet the outward one at RMatch.
func (fp *FixedPoint) sample(lam float64, sec *Sector) ([]float64, []state) {
	withG := sec != nil
	s := Even
	if withG {
		s = *sec
	}
	var ro, ri []float64
	var yo, yi []state
	y0, r0 := fp.outwardStart(fp.Gamma, lam, s)
	if r0 > 0 {
		// N > 1: the series value at r = 0 itself.
		z, _ := fp.outwardStart(fp.Gamma, lam, s)
		z[0], z[2] = 0, 0
		if s == Odd {
			z[2] = 1
		}
		ro, yo = append(ro, 0), append(yo, z)
	}
	ro, yo = append(ro, r0), append(yo, y0)
	end, _, _ := fp.integrate(y0, r0, fp.RMatch, lam, withG, func(r float64, y state) {
		ro, yo = append(ro, r), append(yo, y)
	})
	st := fp.inwardStart(lam)
	ri, yi = append(ri, fp.RInf), append(yi, st)
	endI, _, _ := fp.integrate(st, fp.RInf, fp.RMatch, lam, withG, func(r float64, y state) {
		ri, yi = append(ri, r), append(yi, y)
	})
	scale := 1.0
	if withG && endI[2] != 0 {
		scale = end[2] / endI[2]
	}
	// Inward samples run from RInf down to RMatch: reverse them and drop
	// the duplicate matching point.
	for i := len(ri) - 2; i >= 0; i-- {
		y := yi[i]
		y[2] *= scale
		y[3] *= scale
		ro, yo = append(ro, ri[i]), append(yo, y)
	}
	return ro, yo
}
