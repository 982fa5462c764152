// Copyright ©2026 The rgflow Authors. All rights reserved.

package erg

import (
	"math"
	"math/rand/v2"
	"testing"

	"rgflow/lattice"
)

// expSchedule has ᾱ_t(ε) = exp(−t(c + ε)) and β = c + ε exactly.
type expSchedule struct{ c float64 }

func (s expSchedule) AlphaBar(t, eps float64) float64 { return math.Exp(-t * (s.c + eps)) }
func (s expSchedule) Beta(t, eps float64) float64     { return s.c + eps }

func testProcess(t *testing.T, l *lattice.Lattice, b Basis) *Process {
	t.Helper()
	var eps []float64
	if b == Periodic {
		eps = l.HalfKHat2()
	} else {
		eps = l.DCTKHat2()
	}
	sig := make([]float64, len(eps))
	for j, e := range eps {
		sig[j] = 1 / (e + 0.5)
	}
	p, err := NewProcess(l, b, expSchedule{0.3}, 10, eps, sig)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestPosteriorIdentities checks the Gaussian posterior against the two
// exact consistency conditions of Bayes' rule for a linear-Gaussian chain:
// E[x_s|x₀] = A x₀ + B E[x_t|x₀] = √ᾱ_s x₀ and
// Var[x_s|x₀] = B² Var[x_t|x₀] + Var = (1−ᾱ_s) σ².
func TestPosteriorIdentities(t *testing.T) {
	p := testProcess(t, lattice.MustNew(6, 5), Periodic)
	const tol = 1e-12
	for j := 0; j < p.Modes(); j++ {
		for _, st := range [][2]float64{{0.1, 0.2}, {0.5, 3}, {0, 1}, {2, 2.0001}} {
			s, tt := st[0], st[1]
			A, B, V := p.Posterior(j, s, tt)
			as := p.Sched.AlphaBar(s, p.Eps[j])
			at := p.Sched.AlphaBar(tt, p.Eps[j])
			if d := A + B*math.Sqrt(at) - math.Sqrt(as); math.Abs(d) > tol {
				t.Fatalf("mode %d (%v,%v): mean identity off by %v", j, s, tt, d)
			}
			sig := p.Sigma2[j]
			if d := B*B*(1-at)*sig + V - (1-as)*sig; math.Abs(d) > tol*sig {
				t.Fatalf("mode %d (%v,%v): variance identity off by %v", j, s, tt, d)
			}
		}
	}
}

// TestNoiseIsWhite draws unit white noise mode by mode and checks in site
// space that every site has unit variance and neighbouring sites are
// uncorrelated. With n·V = 4·10⁵ products per estimate the standard error
// of a unit variance is √(2/nV) ≈ 0.0022 and of a correlation 1/√(nV)
// ≈ 0.0016; we allow 5σ.
func TestNoiseIsWhite(t *testing.T) {
	for _, b := range []Basis{Periodic, Open} {
		for _, dims := range [][]int{{10, 4}, {5, 3, 4}, {9}} {
			l := lattice.MustNew(dims...)
			p := testProcess(t, l, b)
			pl := p.NewPlan()
			rnd := rand.New(rand.NewPCG(1, 1))
			V := l.Volume()
			n := 400000 / V
			xi := make([]complex128, p.Modes())
			x := make([]float64, V)
			var v0, c1 float64
			for s := 0; s < n; s++ {
				p.Noise(xi, rnd)
				pl.ToField(x, xi)
				for i, v := range x {
					v0 += v * v
					c1 += v * x[l.Fwd(l.Dim() - 1)[i]]
				}
			}
			m := float64(n * V)
			v0 /= m
			c1 /= m
			if math.Abs(v0-1) > 5*math.Sqrt(2/m) {
				t.Errorf("%v %v: site variance %v, want 1", b, dims, v0)
			}
			if math.Abs(c1) > 5/math.Sqrt(m) {
				t.Errorf("%v %v: neighbour correlation %v, want 0", b, dims, c1)
			}
		}
	}
}

// TestTransitionSpectrum flows exact Gaussian data of spectrum G₀ and checks
// the per-mode variance at time t against G_t = ᾱG₀ + (1−ᾱ)σ² with a χ²
// test over modes at the 99.9% level (Wilson–Hilferty quantile).
func TestTransitionSpectrum(t *testing.T) {
	for _, b := range []Basis{Periodic, Open} {
		l := lattice.MustNew(8, 6)
		p := testProcess(t, l, b)
		pl := p.NewPlan()
		g0 := make([]float64, p.Modes())
		for j := range g0 {
			g0[j] = 2 / (p.Eps[j] + 1.5) // data unlike the fixed point
		}
		// Exact data: x̃₀ = √G₀ · ξ̃.
		rnd := rand.New(rand.NewPCG(2, 3))
		const n, tt = 3000, 0.4
		x0 := make([]complex128, p.Modes())
		xi := make([]complex128, p.Modes())
		xt := make([]complex128, p.Modes())
		field := make([]float64, l.Volume())
		acc := make([]float64, p.Modes())
		for s := 0; s < n; s++ {
			p.Noise(x0, rnd)
			for j := range x0 {
				x0[j] *= complex(math.Sqrt(g0[j]), 0)
			}
			p.Noise(xi, rnd)
			p.Transition(xt, x0, xi, tt)
			// Round trip through site space, as a flow snapshot would be.
			pl.ToField(field, xt)
			pl.ToModes(xt, field)
			for j, c := range xt {
				acc[j] += (real(c)*real(c) + imag(c)*imag(c)) / p.Norm[j]
			}
		}
		gt := p.Spectrum(nil, g0, tt)
		conj := p.conj
		chi2, dof := 0.0, 0.0
		for j := range acc {
			if b == Periodic && conj[j] >= 0 && conj[j] < j {
				continue // same mode as an earlier entry
			}
			varFactor := 1.0 // complex mode: |c|²/Norm ~ G·Exp(1)
			if b == Open || (b == Periodic && conj[j] == j) {
				varFactor = 2 // real mode: G·χ²₁
			}
			z := (acc[j]/n - gt[j]) / (gt[j] * math.Sqrt(varFactor/n))
			chi2 += z * z
			dof++
		}
		q := dof * math.Pow(1-2/(9*dof)+3.090*math.Sqrt(2/(9*dof)), 3)
		if chi2 > q {
			t.Errorf("%v: χ² = %.1f over %v modes exceeds the 99.9%% quantile %.1f", b, chi2, dof, q)
		}
	}
}

func TestNewProcessErrors(t *testing.T) {
	l := lattice.MustNew(4, 4)
	eps := l.HalfKHat2()
	sig := make([]float64, len(eps))
	for j := range sig {
		sig[j] = 1
	}
	if _, err := NewProcess(l, Periodic, expSchedule{}, 0, eps, sig); err == nil {
		t.Error("T = 0: want error")
	}
	if _, err := NewProcess(l, Periodic, expSchedule{}, 1, eps[:3], sig); err == nil {
		t.Error("short eps: want error")
	}
	sig[2] = 0
	if _, err := NewProcess(l, Periodic, expSchedule{}, 1, eps, sig); err == nil {
		t.Error("σ² = 0: want error")
	}
	if _, err := NewProcess(l, Basis(7), expSchedule{}, 1, eps, sig); err == nil {
		t.Error("unknown basis: want error")
	}
}
