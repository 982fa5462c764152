// Copyright ©2026 The rgflow Authors. All rights reserved.

package erg

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"rgflow/field"
	"rgflow/lattice"
)

// blockTol is the tolerance of identities that hold exactly up to the
// round-off of a few FFTs and sums of O(V) terms of O(1).
const blockTol = 1e-12

func TestNewBlockerOddExtent(t *testing.T) {
	for _, tc := range []struct {
		dims []int
		axis int
	}{
		{[]int{5}, 0},
		{[]int{1}, 0},
		{[]int{4, 3}, 1},
		{[]int{7, 8, 8}, 0},
		{[]int{8, 4, 6, 9}, 3},
	} {
		_, err := NewBlocker(lattice.MustNew(tc.dims...))
		if err == nil {
			t.Errorf("%v: no error", tc.dims)
			continue
		}
		want := fmt.Sprintf("axis %d has L = %d", tc.axis, tc.dims[tc.axis])
		if !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "even") {
			t.Errorf("%v: error %q does not say %q", tc.dims, err, want)
		}
	}
	b, err := NewBlocker(lattice.MustNew(6, 4, 2))
	if err != nil {
		t.Fatal(err)
	}
	if got := b.Coarse.Dims(); got[0] != 3 || got[1] != 2 || got[2] != 1 {
		t.Errorf("coarse dims %v, want [3 2 1]", got)
	}
	if z := b.Zeta; math.Abs(z-math.Sqrt2) > 1e-15 {
		t.Errorf("ζ in d = 3: %v, want √2", z)
	}
}

// TestBlockDefinition checks Block against the definition written with
// coordinates and modular arithmetic, and the exact identities it implies:
// a constant c blocks to ζc and the magnetisation sum scales by ζ2^{−d}.
func TestBlockDefinition(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 1))
	for _, dims := range [][]int{{8}, {6, 4}, {4, 6, 2}, {2, 2, 2, 4}} {
		l := lattice.MustNew(dims...)
		b, err := NewBlocker(l)
		if err != nil {
			t.Fatal(err)
		}
		d := l.Dim()
		src := make([]float64, l.Volume())
		for i := range src {
			src[i] = rnd.NormFloat64()
		}
		got := b.Block(nil, src)
		X := make([]int, d)
		x := make([]int, d)
		sumFine, sumCoarse := 0.0, 0.0
		for i := range src {
			sumFine += src[i]
		}
		for I := range got {
			b.Coarse.Coords(X, I)
			want := 0.0
			for y := 0; y < 1<<d; y++ {
				for mu := range x {
					x[mu] = (2*X[mu] + (y>>mu)&1) % dims[mu]
				}
				want += src[l.Index(x)]
			}
			want *= math.Pow(2, float64(d-2)/2) / math.Pow(2, float64(d))
			if math.Abs(got[I]-want) > blockTol {
				t.Errorf("%v: site %v: %v, want %v", dims, X, got[I], want)
			}
			sumCoarse += got[I]
		}
		if want := b.Zeta / float64(int(1)<<d) * sumFine; math.Abs(sumCoarse-want) > blockTol*float64(l.Volume()) {
			t.Errorf("%v: coarse sum %v, want ζ2^−d·fine sum %v", dims, sumCoarse, want)
		}
		for i := range src {
			src[i] = 1.5
		}
		for I, v := range b.Block(got, src) {
			if math.Abs(v-1.5*b.Zeta) > blockTol {
				t.Errorf("%v: constant blocks to %v at %d, want ζ·1.5", dims, v, I)
				break
			}
		}
	}
}

// naiveProject is the momentum-shell projection written as its
// definition with an O(V²) DFT over the full spectrum: multiply each
// mode by w(k) = Π_μ w(k_μ), w = 1 for |k_μ| < π/2, ½ at |k_μ| = π/2
// and 0 beyond, transform back, keep the even sites and multiply by ζ.
func naiveProject(l *lattice.Lattice, src []float64) []float64 {
	dims := l.Dims()
	d := l.Dim()
	V := l.Volume()
	x := make([]int, d)
	n := make([]int, d)
	filtered := make([]float64, V)
	for ik := 0; ik < V; ik++ {
		l.Coords(n, ik)
		w := 1.0
		for mu, nm := range n {
			f := 4 * abs(lattice.FoldMode(nm, dims[mu]))
			switch {
			case f == dims[mu]:
				w /= 2
			case f > dims[mu]:
				w = 0
			}
		}
		if w == 0 {
			continue
		}
		var ft complex128
		for i := 0; i < V; i++ {
			l.Coords(x, i)
			ph := 0.0
			for mu := range x {
				ph += 2 * math.Pi * float64(n[mu]*x[mu]) / float64(dims[mu])
			}
			ft += complex(src[i]*math.Cos(ph), -src[i]*math.Sin(ph))
		}
		for i := 0; i < V; i++ {
			l.Coords(x, i)
			ph := 0.0
			for mu := range x {
				ph += 2 * math.Pi * float64(n[mu]*x[mu]) / float64(dims[mu])
			}
			filtered[i] += w * real(ft*complex(math.Cos(ph), math.Sin(ph))) / float64(V)
		}
	}
	c := make([]int, d)
	for mu := range c {
		c[mu] = dims[mu] / 2
	}
	cl := lattice.MustNew(c...)
	out := make([]float64, cl.Volume())
	zeta := math.Pow(2, float64(d-2)/2)
	X := make([]int, d)
	for I := range out {
		cl.Coords(X, I)
		for mu := range x {
			x[mu] = 2 * X[mu]
		}
		out[I] = zeta * filtered[l.Index(x)]
	}
	return out
}

// TestProjectDefinition checks Project (alias tables over the half
// spectrum) against the direct DFT definition, on extents with and
// without a band edge at |k| = π/2 (L divisible by 4 or not), and the two
// exact limits: a band-limited field is only subsampled, and a field
// made of modes outside the band projects to zero.
func TestProjectDefinition(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 2))
	for _, dims := range [][]int{{8}, {6}, {8, 6}, {6, 10}, {4, 4, 4}, {6, 2, 4}} {
		l := lattice.MustNew(dims...)
		b, err := NewBlocker(l)
		if err != nil {
			t.Fatal(err)
		}
		src := make([]float64, l.Volume())
		for i := range src {
			src[i] = rnd.NormFloat64()
		}
		got := b.Project(nil, src)
		want := naiveProject(l, src)
		for I := range got {
			if math.Abs(got[I]-want[I]) > blockTol {
				t.Errorf("%v: coarse site %d: %v, want %v", dims, I, got[I], want[I])
				break
			}
		}
	}

	// Plane waves on 16×12: in band |k_μ| < π/2 the projection is ζ times
	// the wave on the even sites; beyond the band it is zero. On the edge
	// k₁ = π/2 the wave's two modes keep weight ½: with k₂ ≠ 0 they go to
	// the two members of a conjugate pair of coarse modes (½ζ times the
	// subsampled wave); with k₂ = 0 both go to the one real coarse mode
	// K = (π, 0), where only ½ζ cos θ (−1)^X survives.
	l := lattice.MustNew(16, 12)
	b, _ := NewBlocker(l)
	for _, tc := range []struct {
		n     [2]int
		theta float64
		scale float64 // times ζ × the wave sampled on even sites
		edge  bool    // a real coarse mode: only the cos θ part survives
	}{
		{[2]int{1, 2}, 0.3, 1, false},
		{[2]int{3, -2}, 1.1, 1, false},
		{[2]int{0, 0}, 0, 1, false},
		{[2]int{5, 1}, 0.7, 0, false},   // |k₁| = 5π/8 > π/2
		{[2]int{2, 6}, 0.7, 0, false},   // k₂ = π
		{[2]int{4, 1}, 0.4, 0.5, false}, // k₁ = π/2
		{[2]int{4, 0}, 0.4, 0.5, true},  // k = (π/2, 0)
		{[2]int{4, 6}, 0.4, 0, false},   // k₂ = π beyond the band
	} {
		src := make([]float64, l.Volume())
		x := make([]int, 2)
		for i := range src {
			l.Coords(x, i)
			src[i] = math.Cos(2*math.Pi*(float64(tc.n[0]*x[0])/16+float64(tc.n[1]*x[1])/12) + tc.theta)
		}
		got := b.Project(nil, src)
		X := make([]int, 2)
		for I := range got {
			b.Coarse.Coords(X, I)
			ph := 2*math.Pi*(float64(tc.n[0]*2*X[0])/16+float64(tc.n[1]*2*X[1])/12) + tc.theta
			var want float64
			if tc.edge {
				// ½(e^{iθ}+e^{−iθ}) of the pair ±π/2 on axis 0: the
				// sin θ part has no coarse mode to go to.
				want = tc.scale * b.Zeta * math.Cos(ph-tc.theta) * math.Cos(tc.theta)
			} else {
				want = tc.scale * b.Zeta * math.Cos(ph)
			}
			if math.Abs(got[I]-want) > blockTol {
				t.Errorf("wave %v θ=%v: coarse %v: %v, want %v", tc.n, tc.theta, X, got[I], want)
				break
			}
		}
	}
}

// siteCov returns the fine-lattice covariance C(x, 0) of a translation-
// invariant field of spectrum g(k̂²), by the direct sum
// V⁻¹ Σ_k cos(k·x) g(k̂²(k)).
func siteCov(l *lattice.Lattice, g func(float64) float64) []float64 {
	V := l.Volume()
	dims := l.Dims()
	x := make([]int, l.Dim())
	n := make([]int, l.Dim())
	c := make([]float64, V)
	for ik := 0; ik < V; ik++ {
		l.Coords(n, ik)
		gk := g(l.KHat2(n))
		for i := range c {
			l.Coords(x, i)
			ph := 0.0
			for mu := range x {
				ph += 2 * math.Pi * float64(n[mu]*x[mu]) / float64(dims[mu])
			}
			c[i] += math.Cos(ph) * gk / float64(V)
		}
	}
	return c
}

// TestCoarseSpectraExact checks BlockedSpectrum and ProjectedSpectrum
// without sampling: the coarse covariance B C Bᵀ, with B the matrix of
// the map itself (its action on unit fields) and C the fine covariance
// from the direct Fourier sum, must equal the inverse transform of the
// closed-form coarse spectrum.
func TestCoarseSpectraExact(t *testing.T) {
	for _, dims := range [][]int{{12}, {8, 6}, {4, 6, 4}} {
		for _, m2 := range []float64{0.05, 1.3} {
			g := func(k2 float64) float64 { return 1 / (k2 + m2) }
			l := lattice.MustNew(dims...)
			b, err := NewBlocker(l)
			if err != nil {
				t.Fatal(err)
			}
			V, Vc := l.Volume(), b.Coarse.Volume()
			cf := siteCov(l, g)
			x := make([]int, l.Dim())
			y := make([]int, l.Dim())
			diff := make([]int, l.Dim())
			cov := func(i, j int) float64 {
				l.Coords(x, i)
				l.Coords(y, j)
				for mu := range x {
					diff[mu] = (x[mu] - y[mu] + dims[mu]) % dims[mu]
				}
				return cf[l.Index(diff)]
			}
			for _, c := range []Coarsening{BlockSpin, MomentumShell} {
				// Columns of B: B[:, i] is the image of the unit field at i.
				B := make([][]float64, V)
				unit := make([]float64, V)
				for i := range B {
					unit[i] = 1
					B[i] = b.apply(nil, unit, c)
					unit[i] = 0
				}
				// Coarse covariance with the coarse site 0: Σ_ij B[X,i] C_ij B[0,j].
				got := make([]float64, Vc)
				for i := 0; i < V; i++ {
					for j := 0; j < V; j++ {
						if B[j][0] == 0 {
							continue
						}
						cij := cov(i, j) * B[j][0]
						for X := range got {
							got[X] += B[i][X] * cij
						}
					}
				}
				var spec []float64
				if c == BlockSpin {
					spec = b.BlockedSpectrum(nil, g)
				} else {
					spec = b.ProjectedSpectrum(nil, g)
				}
				ms := make([]complex128, len(spec))
				for j, s := range spec {
					ms[j] = complex(s, 0)
				}
				want := lattice.NewFFT(b.Coarse).Inverse(nil, ms)
				for X := range got {
					if math.Abs(got[X]-want[X]) > blockTol*(1+math.Abs(want[X])) {
						t.Errorf("%v m²=%v %v: coarse covariance at %d: %v, closed form %v", dims, m2, c, X, got[X], want[X])
						break
					}
				}
			}
		}
	}
}

// TestBlockedSpectrumLimits checks exact limits of the closed forms:
// blocking maps χ to χ/4 (the zero mode is the magnetisation, M′ = ζM,
// V′ = V/2^d) for every mass, so m′² = 4m² at small mass; the massless
// propagator keeps its long-distance form, K̂²G′(K) → 1 as K → 0, the
// defining property of ζ = 2^{(d−2)/2}.
func TestBlockedSpectrumLimits(t *testing.T) {
	for _, d := range []int{1, 2, 3, 4} {
		dims := make([]int, d)
		for mu := range dims {
			dims[mu] = 64
		}
		if d == 4 {
			dims = []int{64, 2, 2, 2}
		}
		b, err := NewBlocker(lattice.MustNew(dims...))
		if err != nil {
			t.Fatal(err)
		}
		const m2 = 0.37
		g := func(k2 float64) float64 { return 1 / (k2 + m2) }
		if got := b.BlockedSpectrum(nil, g)[0]; math.Abs(got-g(0)/4) > 1e-15 {
			t.Errorf("d=%d: blocked G′(0) = %v, want G(0)/4 = %v", d, got, g(0)/4)
		}
		if got := b.ProjectedSpectrum(nil, g)[0]; math.Abs(got-g(0)/4) > 1e-15 {
			t.Errorf("d=%d: projected G′(0) = %v, want G(0)/4 = %v", d, got, g(0)/4)
		}
		// Massless: the first coarse mode along the last axis, K = 2π/32.
		massless := func(k2 float64) float64 { return 1 / k2 }
		j := 1
		K := 2 * math.Pi / float64(b.Coarse.Extent(d-1))
		khat2 := 4 * math.Pow(math.Sin(K/2), 2)
		got := b.BlockedSpectrum(nil, massless)[j] * khat2
		// The corrections are O(K²) with coefficient of order one.
		if math.Abs(got-1) > K*K {
			t.Errorf("d=%d: K̂²G′ at K = %.3f: %v, want 1 + O(K²) (|K²| = %.2g)", d, K, got, K*K)
		}
	}
}

// TestCoarseSpectraSampled is the χ² test of the brief: blocked and
// projected exact free-field samples (field.NewFreeSampler) have the
// closed-form coarse spectra. Each independent coarse mode contributes
// (Ĝ − G′)/(G′√(r/n)) with r = 1 for complex and 2 for real modes; the
// sum must lie inside the two-sided 1 − 2·10⁻⁴ band of χ² (fixed seeds).
func TestCoarseSpectraSampled(t *testing.T) {
	n := 400
	if testing.Short() {
		n = 200
	}
	for _, tc := range []struct {
		dims []int
		m2   float64
	}{
		{[]int{16, 12}, 0.3},
		{[]int{8, 8, 4}, 0.1},
	} {
		l := lattice.MustNew(tc.dims...)
		free, err := field.NewFree(l, tc.m2)
		if err != nil {
			t.Fatal(err)
		}
		s, err := field.NewFreeSampler(free)
		if err != nil {
			t.Fatal(err)
		}
		e := field.NewEnsemble(l, n)
		rnd := rand.New(rand.NewPCG(5, uint64(l.Volume())))
		for i := 0; i < n; i++ {
			s.Sample(e.Field(i), rnd)
		}
		b, err := NewBlocker(l)
		if err != nil {
			t.Fatal(err)
		}
		g := func(k2 float64) float64 { return 1 / (k2 + tc.m2) }
		for _, c := range []Coarsening{BlockSpin, MomentumShell} {
			var want []float64
			if c == BlockSpin {
				want = b.BlockedSpectrum(nil, g)
			} else {
				want = b.ProjectedSpectrum(nil, g)
			}
			ghat := make([]float64, b.Coarse.HalfLen())
			ft := lattice.NewFFT(b.Coarse)
			m := make([]complex128, ft.Len())
			npairs := 0
			for coarse, fine := range b.Pairs(e, c) {
				if &fine[0] != &e.Field(npairs)[0] {
					t.Fatalf("pair %d: fine is not sample %d", npairs, npairs)
				}
				npairs++
				ft.Forward(m, coarse)
				for j, v := range m {
					ghat[j] += (real(v)*real(v) + imag(v)*imag(v)) / float64(b.Coarse.Volume()*n)
				}
			}
			if npairs != n {
				t.Fatalf("%d pairs, want %d", npairs, n)
			}
			conj := b.Coarse.HalfConjugate()
			chi2, dof := 0.0, 0.0
			for j := range ghat {
				if conj[j] >= 0 && conj[j] < j {
					continue
				}
				r := 1.0
				if conj[j] == j {
					r = 2
				}
				z := (ghat[j] - want[j]) / (want[j] * math.Sqrt(r/float64(n)))
				chi2 += z * z
				dof++
			}
			hi, lo := chi2Quantile(dof, zPerTest), chi2Quantile(dof, -zPerTest)
			if chi2 > hi || chi2 < lo {
				t.Errorf("%v %v: χ² = %.1f over %v modes, want in [%.1f, %.1f]", tc.dims, c, chi2, dof, lo, hi)
			}
		}
	}
}

// TestPyramid checks the multi-scale hierarchy: level ℓ is Coarsen of
// level ℓ−1, the pairs agree with Coarsen, and an extent that turns odd
// on the way down is an error naming the level.
func TestPyramid(t *testing.T) {
	l := lattice.MustNew(8, 12)
	e := field.NewEnsemble(l, 3)
	rnd := rand.New(rand.NewPCG(3, 3))
	for i := range e.Data {
		e.Data[i] = rnd.NormFloat64()
	}
	for _, c := range []Coarsening{BlockSpin, MomentumShell} {
		p, err := Pyramid(e, c, 2)
		if err != nil {
			t.Fatal(err)
		}
		if len(p) != 3 || p[0] != e {
			t.Fatalf("%v: %d levels", c, len(p))
		}
		if got := p[2].Lat.Dims(); got[0] != 2 || got[1] != 3 {
			t.Errorf("%v: level 2 dims %v, want [2 3]", c, got)
		}
		b, _ := NewBlocker(p[1].Lat)
		want := b.Coarsen(p[1], c)
		for i, v := range p[2].Data {
			if v != want.Data[i] {
				t.Fatalf("%v: level 2 differs from Coarsen(level 1)", c)
			}
		}
		b0, _ := NewBlocker(l)
		i := 0
		for coarse := range b0.Pairs(e, c) {
			for X, v := range coarse {
				if v != p[1].Field(i)[X] {
					t.Fatalf("%v: pair %d differs from level 1", c, i)
				}
			}
			i++
			if i == 2 {
				break // early exit must be honoured
			}
		}
		if i != 2 {
			t.Errorf("%v: iterator ran %d times after break", c, i)
		}
		_, err = Pyramid(e, c, 3)
		if err == nil || !strings.Contains(err.Error(), "level 3") || !strings.Contains(err.Error(), "L = 3") {
			t.Errorf("%v: 3 levels of 8×12: error %v, want one naming level 3 and L = 3", c, err)
		}
	}
	if _, err := Pyramid(e, Coarsening(7), 1); err == nil {
		t.Error("unknown coarsening: no error")
	}
	if _, err := Pyramid(e, BlockSpin, -1); err == nil {
		t.Error("negative levels: no error")
	}
}

func ExampleBlocker() {
	l := lattice.MustNew(8, 8)
	b, err := NewBlocker(l)
	if err != nil {
		fmt.Println(err)
		return
	}
	// The blocked free-field spectrum at K = 0 is χ/4: the mass doubles.
	g := b.BlockedSpectrum(nil, func(k2 float64) float64 { return 1 / (k2 + 0.25) })
	fmt.Printf("coarse %v, ζ = %.0f, G′(0) = %.0f\n", b.Coarse, b.Zeta, g[0])
	_, err = NewBlocker(lattice.MustNew(8, 7))
	fmt.Println(err)
	// Output:
	// coarse 4x4, ζ = 1, G′(0) = 1
	// erg: block spin b = 2 needs even extents: axis 1 has L = 7
}

func ExamplePyramid() {
	// Multi-scale data: an exact free-field ensemble on 16×16 and its
	// block-spin images on 8×8 and 4×4; neighbouring levels are
	// (coarse, fine) pairs, sample by sample.
	l := lattice.MustNew(16, 16)
	free, _ := field.NewFree(l, 0.5)
	s, _ := field.NewFreeSampler(free)
	e := field.NewEnsemble(l, 4)
	rnd := rand.New(rand.NewPCG(1, 1))
	for i := 0; i < e.Len(); i++ {
		s.Sample(e.Field(i), rnd)
	}
	levels, err := Pyramid(e, BlockSpin, 2)
	if err != nil {
		fmt.Println(err)
		return
	}
	for k, lev := range levels {
		fmt.Printf("level %d: %d samples on %v\n", k, lev.Len(), lev.Lat)
	}
	_, err = Pyramid(e, BlockSpin, 5)
	fmt.Println(err)
	// Output:
	// level 0: 4 samples on 16x16
	// level 1: 4 samples on 8x8
	// level 2: 4 samples on 4x4
	// erg: pyramid level 5 needs even extents on level 4 (1x1): axis 0 has L = 1
}
