// Copyright ©2026 The rgflow Authors. All rights reserved.

package erg

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/integrate/quad"
	"gonum.org/v1/gonum/mat"

	"rgflow/field"
	"rgflow/lattice"
)

// monotoneCases returns processes covering every regulator, both zero-mode
// families, both bases and several reference masses.
func monotoneCases(t *testing.T) []namedProcess {
	var out []namedProcess
	for _, dims := range [][]int{{8, 8}, {4, 4, 4}} {
		l := lattice.MustNew(dims...)
		for _, r := range testRegulators() {
			for _, m02 := range []float64{0, 0.5} {
				out = append(out, namedProcess{r.Name() + "/keep", mustPolchinski(t, l, PolchinskiParams{Regulator: r, Mass2: m02})})
				if m02 > 0 {
					out = append(out, namedProcess{r.Name() + "/integrate-out", mustPolchinski(t, l, PolchinskiParams{Regulator: r, Mass2: m02, ZeroMode: IntegrateOutZeroMode})})
					out = append(out, namedProcess{r.Name() + "/integrate-out/dct", mustPolchinski(t, l, PolchinskiParams{Regulator: r, Mass2: m02, ZeroMode: IntegrateOutZeroMode, Basis: Open})})
				}
			}
		}
		p, err := NewChemicalPotentialFlow(l, ChemicalPotentialParams{Temp: 0.5, Mass2: 0.4})
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, namedProcess{"chemical-potential", p})
	}
	return out
}

// dataSpectra returns data spectra unlike the fixed point: free fields of
// several masses and a rough non-monotone spectrum.
func dataSpectra(p *Process) [][]float64 {
	var out [][]float64
	for _, m2 := range []float64{0.05, 0.5, 4} {
		g := make([]float64, p.Modes())
		for j, e := range p.Eps {
			g[j] = 1 / (e + m2)
		}
		out = append(out, g)
	}
	// A rough spectrum, equal on conjugate pairs (G(k) = G(−k) for a real
	// field).
	rnd := rand.New(rand.NewPCG(4, 4))
	g := make([]float64, p.Modes())
	for j := range g {
		g[j] = p.Sigma2[j] * math.Exp(2*rnd.NormFloat64())
		if p.Basis == Periodic && p.conj[j] >= 0 && p.conj[j] < j {
			g[j] = g[p.conj[j]]
		}
	}
	return append(out, g)
}

// TestKLNeverIncreases is numerical demonstration (2): along the flow of
// Gaussian data, KL(p_t‖π) and W₂(p_t, π) never increase, for every
// regulator (smooth, Litim, sharp), both zero-mode families, both bases,
// several reference masses and several data spectra. For flows that reach
// the fixed point, KL_T obeys the closed-form bound
// KL ≤ ¼Σ w (r−1)²/min(r,1) with r−1 = ᾱ_T(r₀−1).
func TestKLNeverIncreases(t *testing.T) {
	const grid = 100
	// Round-off of a sum of ~500 terms of size KL₀ (and an absolute 10⁻¹⁴
	// for data that sit at the fixed point, KL ≡ 0).
	const slack = 1e-12
	for _, c := range monotoneCases(t) {
		p := c.p
		for _, g0 := range dataSpectra(p) {
			kl0 := p.KL(g0, 0)
			prevKL, prevW := kl0, p.W2SqToFixedPoint(g0, 0)
			for i := 1; i <= grid; i++ {
				tt := p.T * float64(i) / grid
				kl := p.KL(g0, tt)
				w := p.W2SqToFixedPoint(g0, tt)
				if kl > prevKL+slack*kl0+1e-14 {
					t.Fatalf("%s: KL rises from %v to %v at t = %v", c.name, prevKL, kl, tt)
				}
				if w > prevW*(1+slack)+1e-14 {
					t.Fatalf("%s: W₂² rises from %v to %v at t = %v", c.name, prevW, w, tt)
				}
				prevKL, prevW = kl, w
			}
			if p.MaxAlphaBar(p.T) <= DefaultTol {
				bound := 0.0
				for j, e := range p.Eps {
					a := p.Sched.AlphaBar(p.T, e)
					r0 := g0[j] / p.Sigma2[j]
					d := a * (r0 - 1)
					bound += p.Weight[j] * d * d / math.Min(1+d, 1)
				}
				bound /= 4
				// r − 1 − ln r ≤ (r−1)²/(2 min(r,1)) for r > 0.
				if kl := p.KL(g0, p.T); kl > bound*(1+1e-9)+1e-14 {
					t.Errorf("%s: KL_T = %v above the bound %v", c.name, kl, bound)
				}
			}
		}
	}
}

// TestEnergyDissipation is numerical demonstration (3): the identity
// dKL/dt = −D_t, with D_t = E Σ ½βσ²|∂ log(p/π)|², holds to the accuracy
// of the time grid. On a grid of step h the midpoint rule
// (KL(t+h) − KL(t))/h + D(t + h/2) is O(h²), so its maximum over the grid
// must fall by 4 when h halves (observed order 2), for smooth schedules.
// For Litim, whose D has kinks where modes reach the cutoff, the
// integrated identity KL(0) − KL(T) = ∫D dt is checked instead.
func TestEnergyDissipation(t *testing.T) {
	l := lattice.MustNew(8, 6)
	cases := []namedProcess{
		{"exp", mustPolchinski(t, l, PolchinskiParams{Regulator: Exponential{}, Mass2: 0.5, ZeroMode: IntegrateOutZeroMode})},
		{"exp/keep", mustPolchinski(t, l, PolchinskiParams{Regulator: Exponential{}, Mass2: 0.5})},
		{"fermi-dirac", mustPolchinski(t, l, PolchinskiParams{Regulator: FermiDirac{T: 0.3}, Mass2: 0.5, ZeroMode: IntegrateOutZeroMode})},
	}
	cp, err := NewChemicalPotentialFlow(l, ChemicalPotentialParams{Temp: 0.5, Mass2: 0.5})
	if err != nil {
		t.Fatal(err)
	}
	cases = append(cases, namedProcess{"chemical-potential", cp})
	for _, c := range cases {
		p := c.p
		g0 := dataSpectra(p)[0]
		var errs []float64
		ns := []int{50, 100, 200, 400}
		for _, n := range ns {
			h := p.T / float64(n)
			e, dmax := 0.0, 0.0
			for i := 0; i < n; i++ {
				t0 := float64(i) * h
				d := p.Dissipation(g0, t0+h/2)
				dmax = math.Max(dmax, d)
				e = math.Max(e, math.Abs((p.KL(g0, t0+h)-p.KL(g0, t0))/h+d))
			}
			errs = append(errs, e/dmax)
		}
		for i := 1; i < len(errs); i++ {
			order := math.Log2(errs[i-1] / errs[i])
			t.Logf("%s: n=%d relative error %.3e, observed order %.3f", c.name, ns[i], errs[i], order)
			// Asymptotic order 2; the O(h⁴) term shifts the observed
			// order by a few per cent at n = 100 here.
			if i >= len(errs)-2 && math.Abs(order-2) > 0.05 {
				t.Errorf("%s: observed order %.3f at n=%d, want 2", c.name, order, ns[i])
			}
		}
	}
	// Litim: integrated identity, trapezoid rule on a fine grid against
	// the exact drop. D is continuous with kinks, so the error is O(h²)
	// per kink; at n = 20000 it is below 10⁻⁶ of the drop.
	p := mustPolchinski(t, l, PolchinskiParams{Regulator: Litim{}, Mass2: 0.5, ZeroMode: IntegrateOutZeroMode})
	g0 := dataSpectra(p)[1]
	const n = 20000
	h := p.T / n
	integral := 0.0
	for i := 0; i <= n; i++ {
		w := 1.0
		if i == 0 || i == n {
			w = 0.5
		}
		integral += w * h * p.Dissipation(g0, float64(i)*h)
	}
	drop := p.KL(g0, 0) - p.KL(g0, p.T)
	if math.Abs(integral-drop) > 1e-6*drop {
		t.Errorf("litim: ∫D dt = %v, KL drop = %v", integral, drop)
	}
}

// TestDissipationMonteCarlo estimates D_t from flowed samples with the
// exact Gaussian score (FisherTerms) and compares it with the closed form:
// the expectation in the energy–dissipation identity is over the flowed
// ensemble. The error bar is the sample standard error of the per-sample
// sum; we allow 4σ.
func TestDissipationMonteCarlo(t *testing.T) {
	l := lattice.MustNew(8, 6)
	p := mustPolchinski(t, l, PolchinskiParams{Regulator: Exponential{}, Mass2: 0.5, ZeroMode: IntegrateOutZeroMode})
	g0 := dataSpectra(p)[0]
	const n = 1500
	data := gaussianData(p, g0, n, rand.New(rand.NewPCG(9, 9)))
	times := []float64{0.05 * p.T, 0.2 * p.T, 0.5 * p.T}
	f, err := NewFlow(p, times, Marginal, X)
	if err != nil {
		t.Fatal(err)
	}
	pl := p.NewPlan()
	m := make([]complex128, p.Modes())
	terms := make([]float64, p.Modes())
	err = f.Run(data, 3, func(i int, tt float64, e *field.Ensemble) error {
		var s, s2 float64
		for k := 0; k < e.Len(); k++ {
			pl.ToModes(m, e.Field(k))
			p.FisherTerms(terms, m, g0, tt)
			v := 0.0
			for _, x := range terms {
				v += x
			}
			s += v
			s2 += v * v
		}
		mean := s / n
		se := math.Sqrt((s2/n - mean*mean) / n)
		want := p.Dissipation(g0, tt)
		if math.Abs(mean-want) > 4*se {
			t.Errorf("t=%v: Monte Carlo D = %v ± %v, closed form %v", tt, mean, se, want)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// siteCovariance returns the V×V site-space covariance of the Gaussian
// field with covariance eigenvalue g[j] on each mode of p, built from the
// basis functions themselves: C = Σ_modes Norm·g·f fᵀ with f the field of
// a unit mode coefficient (and of a unit imaginary one for complex
// modes, each carrying half the variance).
func siteCovariance(p *Process, g []float64) *mat.SymDense {
	V := p.Lat.Volume()
	C := mat.NewSymDense(V, nil)
	pl := p.NewPlan()
	m := make([]complex128, p.Modes())
	f := make([]float64, V)
	add := func(w float64) {
		for x := 0; x < V; x++ {
			for y := x; y < V; y++ {
				C.SetSym(x, y, C.At(x, y)+w*f[x]*f[y])
			}
		}
	}
	for j := range g {
		if p.Basis == Periodic && p.conj[j] >= 0 && p.conj[j] < j {
			continue
		}
		clear(m)
		if p.isRealMode(j) {
			m[j] = 1
			pl.ToField(f, m)
			add(p.Norm[j] * g[j])
			continue
		}
		// A complex mode and its conjugate: real and imaginary parts each
		// have variance Norm·g/2 per coefficient.
		for _, u := range []complex128{1, 1i} {
			clear(m)
			m[j] = u
			if c := p.conj[j]; c > j {
				m[c] = complex(real(u), -imag(u))
			}
			pl.ToField(f, m)
			// ToField adds the unstored conjugate itself, so f is the
			// field of the pair (u e^{ikx} + ū e^{−ikx})/V either way.
			add(p.Norm[j] * g[j] / 2)
		}
	}
	return C
}

func symEig(t *testing.T, a *mat.SymDense) ([]float64, *mat.Dense) {
	t.Helper()
	var es mat.EigenSym
	if !es.Factorize(a, true) {
		t.Fatal("eigendecomposition failed")
	}
	var v mat.Dense
	es.VectorsTo(&v)
	return es.Values(nil), &v
}

func symSqrt(t *testing.T, a *mat.SymDense) *mat.SymDense {
	vals, vecs := symEig(t, a)
	n := len(vals)
	out := mat.NewSymDense(n, nil)
	for i := 0; i < n; i++ {
		for j := i; j < n; j++ {
			s := 0.0
			for k, l := range vals {
				s += vecs.At(i, k) * math.Sqrt(math.Max(l, 0)) * vecs.At(j, k)
			}
			out.SetSym(i, j, s)
		}
	}
	return out
}

// TestClosedFormsAgainstMatrices checks KL, entropy and W₂ of the mode
// sums against the general Gaussian formulas evaluated on the V×V
// site-space covariance matrices (no mode basis involved):
// KL = ½[tr(Σπ⁻¹Σ) − V + ln det Σπ − ln det Σ], S = ½ ln det(2πeΣ),
// W₂² = tr(A + B − 2(A^½ B A^½)^½).
func TestClosedFormsAgainstMatrices(t *testing.T) {
	const tol = 1e-9
	for _, b := range []Basis{Periodic, Open} {
		for _, dims := range [][]int{{4, 3}, {5, 4}, {3, 2, 2}} {
			l := lattice.MustNew(dims...)
			p := mustPolchinski(t, l, PolchinskiParams{Regulator: FermiDirac{T: 0.4}, Mass2: 0.6, ZeroMode: IntegrateOutZeroMode, Basis: b})
			g0 := dataSpectra(p)[3]
			s, tt := 0.3, 1.1
			gs := p.Spectrum(nil, g0, s)
			gt := p.Spectrum(nil, g0, tt)
			A := siteCovariance(p, gs)
			B := siteCovariance(p, gt)
			Pi := siteCovariance(p, p.Sigma2)
			V := float64(l.Volume())

			var chPi, chA mat.Cholesky
			if !chPi.Factorize(Pi) || !chA.Factorize(A) {
				t.Fatal("covariance not positive definite")
			}
			var PiInvA mat.Dense
			if err := chPi.SolveTo(&PiInvA, A); err != nil {
				t.Fatal(err)
			}
			klM := 0.5 * (mat.Trace(&PiInvA) - V + chPi.LogDet() - chA.LogDet())
			if kl := p.KL(g0, s); math.Abs(kl-klM) > tol*math.Max(1, klM) {
				t.Errorf("%v %v: KL = %v, matrix formula %v", b, dims, kl, klM)
			}
			entM := 0.5 * (V*math.Log(2*math.Pi*math.E) + chA.LogDet())
			if ent := p.Entropy(g0, s); math.Abs(ent-entM) > tol*math.Max(1, math.Abs(entM)) {
				t.Errorf("%v %v: entropy = %v, matrix formula %v", b, dims, ent, entM)
			}
			w2 := func(X, Y *mat.SymDense) float64 {
				rx := symSqrt(t, X)
				var m mat.Dense
				m.Mul(rx, Y)
				m.Mul(&m, rx)
				ms := mat.NewSymDense(X.SymmetricDim(), nil)
				for i := 0; i < ms.SymmetricDim(); i++ {
					for j := i; j < ms.SymmetricDim(); j++ {
						ms.SetSym(i, j, 0.5*(m.At(i, j)+m.At(j, i)))
					}
				}
				return mat.Trace(X) + mat.Trace(Y) - 2*mat.Trace(symSqrt(t, ms))
			}
			if got, want := p.W2SqBetween(g0, s, tt), w2(A, B); math.Abs(got-want) > 1e-8*math.Max(1, want) {
				t.Errorf("%v %v: W₂²(p_s, p_t) = %v, matrix formula %v", b, dims, got, want)
			}
			if got, want := p.W2SqToFixedPoint(g0, tt), w2(B, Pi); math.Abs(got-want) > 1e-8*math.Max(1, want) {
				t.Errorf("%v %v: W₂²(p_t, π) = %v, matrix formula %v", b, dims, got, want)
			}
		}
	}
}

// TestFreeMonotone checks the lattice form of the free-field monotone:
// in d = 1 the Riemann sum converges to the Brillouin-zone integral
// (1/2π)∫θ(Λ² − k̂²) ln((k̂²+m²)/(Λ²+m²)) dk computed by Gauss–Legendre
// quadrature (the integrand vanishes linearly at the cutoff, so the sum
// is accurate to O(1/L²)); in d = 2 it rises monotonically to 0 as Λ
// falls, with the slope dM/dΛ² = −N(Λ)/(V(Λ²+m²)) between crossings.
func TestFreeMonotone(t *testing.T) {
	const m2 = 0.3
	l1 := lattice.MustNew(4096)
	for _, lam2 := range []float64{0.5, 1.7, 3.2} {
		kc := 2 * math.Asin(math.Sqrt(lam2)/2)
		f := func(k float64) float64 {
			s := 2 * math.Sin(k/2)
			return math.Log((s*s + m2) / (lam2 + m2))
		}
		want := quad.Fixed(f, -kc, kc, 200, quad.Legendre{}, 0) / (2 * math.Pi)
		got := FreeMonotone(l1, m2, lam2)
		// Sum-vs-integral error ~ |f′(k_c)|·h²: below 10⁻⁶ here.
		if math.Abs(got-want) > 1e-6 {
			t.Errorf("Λ² = %v: lattice sum %v, integral %v", lam2, got, want)
		}
	}
	l := lattice.MustNew(16, 16)
	k2 := l.HalfKHat2()
	w := l.HalfWeights()
	prev := math.Inf(-1)
	for lam2 := 8.5; lam2 > 0; lam2 -= 0.01 {
		mv := FreeMonotone(l, m2, lam2)
		if mv <= prev-1e-15 || mv > 0 {
			t.Fatalf("Λ² = %v: M = %v after %v: must rise toward 0", lam2, mv, prev)
		}
		prev = mv
		// Slope by central difference, away from crossings.
		const h = 1e-6
		cross := false
		nBelow := 0.0
		for j, v := range k2 {
			if math.Abs(v-lam2) < 2*h {
				cross = true
			}
			if v < lam2 {
				nBelow += w[j]
			}
		}
		if cross {
			continue
		}
		fd := (FreeMonotone(l, m2, lam2+h) - FreeMonotone(l, m2, lam2-h)) / (2 * h)
		want := -nBelow / (float64(l.Volume()) * (lam2 + m2))
		if math.Abs(fd-want) > 1e-6 {
			t.Errorf("Λ² = %v: dM/dΛ² = %v, want %v", lam2, fd, want)
		}
	}
	// Only the zero mode is left below Λ² = 10⁻⁹: M = ln(m²/(Λ²+m²))/V.
	if mv, want := FreeMonotone(l, m2, 1e-9), math.Log1p(-1e-9/(1e-9+m2))/256; math.Abs(mv-want) > 1e-20 {
		t.Errorf("M(Λ² = 1e-9) = %v, want %v", mv, want)
	}
}
