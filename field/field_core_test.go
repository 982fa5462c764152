// Copyright ©2026 The rgflow Authors. All rights reserved.

package field

import (
	"math"
	"math/rand/v2"
	"testing"

	"rgflow/field/internal/stencil"
	"rgflow/lattice"
)

func TestForceIsMinusGradient(t *testing.T) {
	// Central differences have error O(h²·S'''); h = 1e-5 gives ~1e-9 here.
	const h, tol = 1e-5, 1e-6
	rnd := rand.New(rand.NewPCG(1, 2))
	// Extents of 2 (whose backward neighbour is the forward one) take the
	// neighbour-table path in every position.
	for _, dims := range [][]int{{9}, {4, 5}, {3, 3, 4}, {2, 5}, {5, 2}, {2, 3, 4}, {3, 2, 3}, {3, 3, 2}} {
		l := lattice.MustNew(dims...)
		for _, a := range []Action{
			mustFree(t, l, 0.3),
			mustPhi4(t, l, ContinuumParams{M2: -0.7, G: 1.3}),
		} {
			phi := make([]float64, l.Volume())
			for i := range phi {
				phi[i] = rnd.NormFloat64()
			}
			f := a.Force(nil, phi)
			for i := range phi {
				old := phi[i]
				phi[i] = old + h
				sp := a.Action(phi)
				phi[i] = old - h
				sm := a.Action(phi)
				phi[i] = old
				if fd := -(sp - sm) / (2 * h); math.Abs(fd-f[i]) > tol*math.Max(1, math.Abs(f[i])) {
					t.Fatalf("%v %T site %d: force %v, −dS/dφ %v", dims, a, i, f[i], fd)
				}
			}
		}
	}
}

func TestConvertersRoundTrip(t *testing.T) {
	for _, d := range []int{1, 2, 3, 4} {
		for _, h := range []HoppingParams{{0.1, 0}, {0.25, 0.02}, {0.2705, 0.5}, {0.6, 3}} {
			c, err := h.Continuum(d)
			if err != nil {
				t.Fatal(err)
			}
			back, err := c.Hopping(d)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(back.Kappa-h.Kappa) > 1e-13*h.Kappa || math.Abs(back.Lambda-h.Lambda) > 1e-12*math.Max(1, h.Lambda) {
				t.Errorf("d=%d %+v → %+v → %+v", d, h, c, back)
			}
		}
	}
	if _, err := (ContinuumParams{M2: -5, G: 0}).Hopping(2); err == nil {
		t.Error("g = 0 with m² < −2d: want error")
	}
	if _, err := (HoppingParams{Kappa: 0, Lambda: 1}).Continuum(2); err == nil {
		t.Error("κ = 0: want error")
	}
}

// TestHoppingFormAgrees evaluates the hopping-form action directly and checks
// it equals the continuum-like action at ϕ = √(2κ)φ.
func TestHoppingFormAgrees(t *testing.T) {
	l := lattice.MustNew(4, 6)
	h := HoppingParams{Kappa: 0.27, Lambda: 0.9}
	a, err := NewPhi4Hopping(l, h)
	if err != nil {
		t.Fatal(err)
	}
	rnd := rand.New(rand.NewPCG(3, 4))
	phi := make([]float64, l.Volume())
	for i := range phi {
		phi[i] = rnd.NormFloat64()
	}
	want := 0.0
	for i, v := range phi {
		for mu := 0; mu < l.Dim(); mu++ {
			want -= 2 * h.Kappa * v * phi[l.Fwd(mu)[i]]
		}
		want += (1-2*h.Lambda)*v*v + h.Lambda*v*v*v*v
	}
	s := a.HoppingScale()
	cont := make([]float64, len(phi))
	for i, v := range phi {
		cont[i] = s * v
	}
	if got := a.Action(cont); math.Abs(got-want) > 1e-12*math.Abs(want) {
		t.Errorf("continuum action %v, hopping action %v", got, want)
	}
}

func TestLambdaZeroIsFree(t *testing.T) {
	l := lattice.MustNew(5, 4)
	free := mustFree(t, l, 0.5)
	p := mustPhi4(t, l, ContinuumParams{M2: 0.5, G: 0})
	rnd := rand.New(rand.NewPCG(5, 6))
	phi := make([]float64, l.Volume())
	for i := range phi {
		phi[i] = rnd.NormFloat64()
	}
	if a, b := free.Action(phi), p.Action(phi); a != b {
		t.Errorf("free %v, φ⁴ at g=0 %v", a, b)
	}
}

// TestFreeActionIsQuadraticForm checks S = ½ V⁻¹ Σ_k (k̂²+m²)|φ̃_k|², the
// diagonal form that defines C(k) = 1/(k̂²+m²).
func TestFreeActionIsQuadraticForm(t *testing.T) {
	l := lattice.MustNew(6, 5, 3)
	a := mustFree(t, l, 0.2)
	rnd := rand.New(rand.NewPCG(7, 8))
	phi := make([]float64, l.Volume())
	for i := range phi {
		phi[i] = rnd.NormFloat64()
	}
	spec := lattice.NewFFT(l).Forward(nil, phi)
	k2, w := l.HalfKHat2(), l.HalfWeights()
	s := 0.0
	for j, c := range spec {
		s += w[j] * (k2[j] + a.M2) * (real(c)*real(c) + imag(c)*imag(c))
	}
	s *= 0.5 / float64(l.Volume())
	if got := a.Action(phi); math.Abs(got-s) > 1e-12*s {
		t.Errorf("S = %v, spectral form %v", got, s)
	}
}

// TestFreeSamplerSpectrum checks ⟨|φ̃_k|²⟩/V = C(k) mode by mode with a χ²
// test. Each |φ̃_k|²/(V C) is Exp(1) (complex modes) or χ²₁ (self-conjugate),
// so the per-mode mean over n samples has a known variance; the sum of
// squared z-scores over the independent modes (one of each conjugate pair
// stored in the half spectrum) is ≈ χ² with one degree of freedom per mode.
// The threshold is the 99.9% quantile (Wilson–Hilferty), so this fixed-seed
// test would fail by chance with probability 10⁻³.
func TestFreeSamplerSpectrum(t *testing.T) {
	l := lattice.MustNew(8, 6)
	a := mustFree(t, l, 0.25)
	s, err := NewFreeSampler(a)
	if err != nil {
		t.Fatal(err)
	}
	const n = 4000
	rnd := rand.New(rand.NewPCG(11, 12))
	plan := lattice.NewFFT(l)
	acc := make([]float64, l.HalfLen())
	phi := make([]float64, l.Volume())
	spec := make([]complex128, l.HalfLen())
	for i := 0; i < n; i++ {
		s.Sample(phi, rnd)
		plan.Forward(spec, phi)
		for j, c := range spec {
			acc[j] += (real(c)*real(c) + imag(c)*imag(c)) / float64(l.Volume())
		}
	}
	k2 := l.HalfKHat2()
	conj := l.HalfConjugate()
	mode := make([]int, l.Dim())
	chi2, dof := 0.0, 0.0
	for j := range acc {
		if conj[j] >= 0 && conj[j] < j {
			continue // the conjugate of an entry already counted: same data
		}
		dof++
		c := a.Covariance(k2[j])
		mean := acc[j] / n
		l.HalfMode(mode, j)
		variance := c * c // Exp(1)·C
		if selfConjugate(l, mode) {
			variance = 2 * c * c // χ²₁·C
		}
		z := (mean - c) / math.Sqrt(variance/n)
		chi2 += z * z
	}
	// Wilson–Hilferty 99.9% quantile of χ²_dof (z₀.₉₉₉ = 3.090).
	q := dof * math.Pow(1-2/(9*dof)+3.090*math.Sqrt(2/(9*dof)), 3)
	if chi2 > q {
		t.Errorf("χ² = %.1f over %v modes exceeds the 99.9%% quantile %.1f", chi2, dof, q)
	}
	if _, err := NewFreeSampler(mustFree(t, l, 0)); err == nil {
		t.Error("massless exact sampler: want error")
	}
}

func selfConjugate(l *lattice.Lattice, n []int) bool {
	for mu, v := range n {
		if (2*v)%l.Extent(mu) != 0 {
			return false
		}
	}
	return true
}

func mustFree(t *testing.T, l *lattice.Lattice, m2 float64) *Free {
	t.Helper()
	a, err := NewFree(l, m2)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func mustPhi4(t *testing.T, l *lattice.Lattice, c ContinuumParams) *Phi4 {
	t.Helper()
	a, err := NewPhi4(l, c)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// TestForceKernelsMatchTables checks the specialised 2-d and 3-d force
// kernels (assembly and pure Go) against the generic neighbour-table path.
func TestForceKernelsMatchTables(t *testing.T) {
	rnd := rand.New(rand.NewPCG(13, 14))
	for _, dims := range [][]int{{3, 3}, {8, 6}, {17, 32}, {3, 4, 5}, {6, 6, 6}} {
		l := lattice.MustNew(dims...)
		a := mustPhi4(t, l, ContinuumParams{M2: -0.9, G: 1.3})
		phi := randomField(l.Volume(), rnd)
		want := make([]float64, l.Volume())
		forceTable(l, want, phi, -(2*float64(l.Dim()) + a.Continuum.M2), a.Continuum.G)
		for _, asm := range []bool{false, true} {
			prev := stencil.SetASM(asm)
			got := a.Force(nil, phi)
			stencil.SetASM(prev)
			for i := range got {
				if math.Abs(got[i]-want[i]) > 1e-12*math.Max(1, math.Abs(want[i])) {
					t.Fatalf("%v asm=%v site %d: kernel %v, tables %v", dims, asm, i, got[i], want[i])
				}
			}
		}
	}
}

// TestActionForceAllocs: action and force allocate nothing with a
// destination.
func TestActionForceAllocs(t *testing.T) {
	for _, dims := range [][]int{{16, 16}, {6, 6, 6}, {5, 2}} {
		l := lattice.MustNew(dims...)
		a := mustPhi4(t, l, ContinuumParams{M2: -0.5, G: 1})
		phi := make([]float64, l.Volume())
		f := make([]float64, l.Volume())
		if n := testing.AllocsPerRun(10, func() { a.Force(f, phi); a.Action(phi) }); n != 0 {
			t.Errorf("%v: %v allocations per action+force", dims, n)
		}
	}
}
