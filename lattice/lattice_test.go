// Copyright ©2026 The rgflow Authors. All rights reserved.

package lattice

import (
	"math"
	"math/cmplx"
	"math/rand/v2"
	"testing"
)

// testShapes covers d = 1…4, odd, prime and unit extents.
var testShapes = [][]int{
	{1}, {2}, {7}, {16},
	{1, 8}, {8, 1}, {4, 6}, {5, 5}, {3, 16},
	{3, 5, 7}, {2, 4, 4}, {1, 3, 1},
	{2, 3, 2, 5}, {3, 3, 3, 3},
}

func TestNewErrors(t *testing.T) {
	for _, dims := range [][]int{nil, {0}, {4, -1}, {1 << 20, 1 << 20}} {
		if _, err := New(dims...); err == nil {
			t.Errorf("New(%v): want error", dims)
		}
	}
}

func TestIndexCoordsRoundTrip(t *testing.T) {
	for _, dims := range testShapes {
		l := MustNew(dims...)
		x := make([]int, l.Dim())
		for i := 0; i < l.Volume(); i++ {
			l.Coords(x, i)
			if j := l.Index(x); j != i {
				t.Fatalf("%v: Index(Coords(%d)) = %d", dims, i, j)
			}
		}
		// Row-major, last axis fastest.
		if l.Dim() > 1 && l.Extent(l.Dim()-1) > 1 {
			l.Coords(x, 1)
			for mu := 0; mu < l.Dim()-1; mu++ {
				if x[mu] != 0 {
					t.Fatalf("%v: site 1 has coordinates %v", dims, x)
				}
			}
			if x[l.Dim()-1] != 1 {
				t.Fatalf("%v: site 1 has coordinates %v", dims, x)
			}
		}
	}
}

func TestNeighbours(t *testing.T) {
	for _, dims := range testShapes {
		l := MustNew(dims...)
		x := make([]int, l.Dim())
		y := make([]int, l.Dim())
		for mu := 0; mu < l.Dim(); mu++ {
			f, b := l.Fwd(mu), l.Bwd(mu)
			for i := 0; i < l.Volume(); i++ {
				l.Coords(x, i)
				copy(y, x)
				y[mu] = (x[mu] + 1) % dims[mu]
				if int(f[i]) != l.Index(y) {
					t.Fatalf("%v: Fwd(%d)[%d] = %d, want %d", dims, mu, i, f[i], l.Index(y))
				}
				if int(b[f[i]]) != i {
					t.Fatalf("%v: Bwd(Fwd) is not the identity at %d", dims, i)
				}
				if got := l.Shift(i, mu, 1); got != int(f[i]) {
					t.Fatalf("%v: Shift(%d,%d,1) = %d, want %d", dims, i, mu, got, f[i])
				}
				if got := l.Shift(i, mu, -3); got != l.Index(append(append([]int(nil), x[:mu]...), append([]int{x[mu] - 3}, x[mu+1:]...)...)) {
					t.Fatalf("%v: Shift(%d,%d,-3) = %d", dims, i, mu, got)
				}
			}
		}
	}
}

func TestKHat2(t *testing.T) {
	// k̂² is the eigenvalue of −Δ on a plane wave: check it by applying the
	// Laplacian built from the neighbour tables.
	for _, dims := range testShapes {
		l := MustNew(dims...)
		V := l.Volume()
		x := make([]int, l.Dim())
		n := make([]int, l.Dim())
		k := make([]float64, l.Dim())
		wave := make([]complex128, V)
		for m := 0; m < V; m++ {
			l.Coords(n, m)
			l.Momentum(k, n)
			for i := range wave {
				l.Coords(x, i)
				ph := 0.0
				for mu := range x {
					ph += k[mu] * float64(x[mu])
				}
				wave[i] = cmplx.Exp(complex(0, ph))
			}
			want := l.KHat2(n)
			for i := range wave {
				lap := complex(0, 0)
				for mu := 0; mu < l.Dim(); mu++ {
					lap += 2*wave[i] - wave[l.Fwd(mu)[i]] - wave[l.Bwd(mu)[i]]
				}
				if cmplx.Abs(lap-complex(want, 0)*wave[i]) > 1e-12 {
					t.Fatalf("%v mode %v: −Δ e^{ikx} ≠ k̂² e^{ikx}", dims, n)
				}
			}
		}
	}
}

func TestHalfSpectrumLayout(t *testing.T) {
	for _, dims := range testShapes {
		l := MustNew(dims...)
		w := l.HalfWeights()
		total := 0.0
		for _, v := range w {
			total += v
		}
		if int(total) != l.Volume() {
			t.Errorf("%v: half weights sum to %v, want V = %d", dims, total, l.Volume())
		}
		n := make([]int, l.Dim())
		for j := 0; j < l.HalfLen(); j++ {
			l.HalfMode(n, j)
			if jj, ok := l.HalfIndex(n); !ok || jj != j {
				t.Fatalf("%v: HalfIndex(HalfMode(%d)) = %d, %v", dims, j, jj, ok)
			}
		}
	}
}

// naiveDFT is the O(V²) defining sum φ̃_k = Σ_x e^{−ik·x} φ_x.
func naiveDFT(l *Lattice, f []complex128, sign float64) []complex128 {
	V := l.Volume()
	out := make([]complex128, V)
	x := make([]int, l.Dim())
	n := make([]int, l.Dim())
	for m := 0; m < V; m++ {
		l.Coords(n, m)
		var s complex128
		for i := 0; i < V; i++ {
			l.Coords(x, i)
			ph := 0.0
			for mu, L := range l.dims {
				ph += 2 * math.Pi * float64(n[mu]*x[mu]) / float64(L)
			}
			s += f[i] * cmplx.Exp(complex(0, sign*ph))
		}
		out[m] = s
	}
	return out
}

// fftTol is relative to the field's norm; the transforms are backward stable
// with error O(ε log V).
const fftTol = 1e-12

func TestFFTAgainstNaiveDFT(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 1))
	for _, dims := range testShapes {
		l := MustNew(dims...)
		V := l.Volume()
		src := make([]float64, V)
		csrc := make([]complex128, V)
		norm := 0.0
		for i := range src {
			src[i] = rnd.NormFloat64()
			csrc[i] = complex(src[i], 0)
			norm += src[i] * src[i]
		}
		norm = math.Sqrt(norm * float64(V))
		want := naiveDFT(l, csrc, -1)

		got := NewFFT(l).Forward(nil, src)
		n := make([]int, l.Dim())
		for j := range got {
			l.HalfMode(n, j)
			w := want[l.Index(n)]
			if cmplx.Abs(got[j]-w) > fftTol*norm {
				t.Fatalf("%v: r2c mode %v = %v, want %v", dims, n, got[j], w)
			}
		}
		back := NewFFT(l).Inverse(nil, got)
		for i := range back {
			if math.Abs(back[i]-src[i]) > fftTol*norm {
				t.Fatalf("%v: c2r round trip at %d: %v, want %v", dims, i, back[i], src[i])
			}
		}

		// Complex transform of a complex field.
		for i := range csrc {
			csrc[i] = complex(rnd.NormFloat64(), rnd.NormFloat64())
		}
		want = naiveDFT(l, csrc, -1)
		cp := NewCmplxFFT(l)
		cgot := cp.Forward(nil, csrc)
		for m := range cgot {
			if cmplx.Abs(cgot[m]-want[m]) > fftTol*norm*2 {
				t.Fatalf("%v: complex mode %d = %v, want %v", dims, m, cgot[m], want[m])
			}
		}
		cback := cp.Inverse(nil, cgot)
		for i := range cback {
			if cmplx.Abs(cback[i]-csrc[i]) > fftTol*norm*2 {
				t.Fatalf("%v: complex round trip at %d", dims, i)
			}
		}
	}
}

func TestParsevalAndHermitian(t *testing.T) {
	rnd := rand.New(rand.NewPCG(2, 2))
	for _, dims := range testShapes {
		l := MustNew(dims...)
		src := make([]float64, l.Volume())
		sum := 0.0
		for i := range src {
			src[i] = rnd.NormFloat64()
			sum += src[i] * src[i]
		}
		spec := NewFFT(l).Forward(nil, src)
		w := l.HalfWeights()
		ksum := 0.0
		n := make([]int, l.Dim())
		for j, c := range spec {
			ksum += w[j] * real(c*cmplx.Conj(c))
			// Self-conjugate modes are real.
			l.HalfMode(n, j)
			selfConj := true
			for mu, L := range l.dims {
				if (2*n[mu])%L != 0 {
					selfConj = false
				}
			}
			if selfConj && math.Abs(imag(c)) > fftTol*math.Sqrt(sum)*float64(l.Volume()) {
				t.Errorf("%v: self-conjugate mode %v has imaginary part %v", dims, n, imag(c))
			}
		}
		ksum /= float64(l.Volume())
		if math.Abs(ksum-sum) > 1e-12*sum {
			t.Errorf("%v: Parseval: Σ|φ̃|²/V = %v, Σφ² = %v", dims, ksum, sum)
		}
	}
}

func TestDCTAgainstDefiningSum(t *testing.T) {
	rnd := rand.New(rand.NewPCG(3, 3))
	for _, dims := range testShapes {
		l := MustNew(dims...)
		V := l.Volume()
		src := make([]float64, V)
		for i := range src {
			src[i] = rnd.NormFloat64()
		}
		x := make([]int, l.Dim())
		n := make([]int, l.Dim())
		want := make([]float64, V)
		for m := 0; m < V; m++ {
			l.Coords(n, m)
			for i := 0; i < V; i++ {
				l.Coords(x, i)
				c := 1.0
				for mu, L := range l.dims {
					c *= math.Cos(math.Pi * float64(n[mu]) * (float64(x[mu]) + 0.5) / float64(L))
				}
				want[m] += c * src[i]
			}
		}
		p := NewDCT(l)
		got := p.Forward(nil, src)
		for m := range got {
			if math.Abs(got[m]-want[m]) > fftTol*float64(V)*4 {
				t.Fatalf("%v: DCT mode %d = %v, want %v", dims, m, got[m], want[m])
			}
		}
		back := p.Inverse(nil, got)
		for i := range back {
			if math.Abs(back[i]-src[i]) > fftTol*float64(V)*4 {
				t.Fatalf("%v: DCT round trip at %d: %v, want %v", dims, i, back[i], src[i])
			}
		}
	}
}

func TestShells(t *testing.T) {
	l := MustNew(16, 16)
	s, err := l.Shells(8)
	if err != nil {
		t.Fatal(err)
	}
	if s.Count[0] != 1 || s.KHat2[0] != 0 {
		t.Errorf("zero shell: count %v, k̂² %v; want 1, 0", s.Count[0], s.KHat2[0])
	}
	total := 0.0
	for sh := range s.Count {
		total += s.Count[sh]
		if s.Count[sh] <= 0 {
			t.Errorf("shell %d is empty", sh)
		}
		if sh > 0 && (s.KHat[sh] < s.Lo[sh] || s.KHat[sh] > s.Hi[sh]) {
			t.Errorf("shell %d: mean |k̂| %v outside [%v, %v]", sh, s.KHat[sh], s.Lo[sh], s.Hi[sh])
		}
	}
	if int(total) != l.Volume() {
		t.Errorf("shell counts sum to %v, want %d", total, l.Volume())
	}
	// Averaging k̂² itself reproduces the shell means.
	w := l.HalfWeights()
	avg := s.Average(nil, l.HalfKHat2(), w)
	for sh := range avg {
		if math.Abs(avg[sh]-s.KHat2[sh]) > 1e-12 {
			t.Errorf("shell %d: Average(k̂²) = %v, want %v", sh, avg[sh], s.KHat2[sh])
		}
	}
	if _, err := l.Shells(0); err == nil {
		t.Error("Shells(0): want error")
	}
}

func TestDCTKHat2IsNeumannSpectrum(t *testing.T) {
	// The DCT-II basis vectors are eigenvectors of the 1-D Laplacian with
	// reflecting ends (φ_{−1} = φ_0, φ_L = φ_{L−1}).
	l := MustNew(7)
	k2 := l.DCTKHat2()
	for n := 0; n < 7; n++ {
		v := make([]float64, 7)
		for x := range v {
			v[x] = math.Cos(math.Pi * float64(n) * (float64(x) + 0.5) / 7)
		}
		for x := range v {
			left, right := v[max(x-1, 0)], v[min(x+1, 6)]
			lap := 2*v[x] - left - right
			if math.Abs(lap-k2[n]*v[x]) > 1e-12 {
				t.Fatalf("mode %d site %d: −Δv = %v, k̂² v = %v", n, x, lap, k2[n]*v[x])
			}
		}
	}
}

func TestHalfConjugate(t *testing.T) {
	for _, dims := range testShapes {
		l := MustNew(dims...)
		conj := l.HalfConjugate()
		rnd := rand.New(rand.NewPCG(4, 4))
		src := make([]float64, l.Volume())
		for i := range src {
			src[i] = rnd.NormFloat64()
		}
		spec := NewFFT(l).Forward(nil, src)
		w := l.HalfWeights()
		for j, c := range conj {
			switch {
			case c == j:
				if w[j] != 1 {
					t.Errorf("%v: self-conjugate entry %d has weight %v", dims, j, w[j])
				}
				if math.Abs(imag(spec[j])) > 1e-9 {
					t.Errorf("%v: self-conjugate entry %d not real: %v", dims, j, spec[j])
				}
			case c >= 0:
				if conj[c] != j {
					t.Errorf("%v: conjugate pairing not symmetric at %d", dims, j)
				}
				if cmplx.Abs(spec[c]-cmplx.Conj(spec[j])) > 1e-9 {
					t.Errorf("%v: entries %d and %d are not conjugate", dims, j, c)
				}
			default:
				if w[j] != 2 {
					t.Errorf("%v: entry %d without stored conjugate has weight %v", dims, j, w[j])
				}
			}
		}
	}
}

func TestDCTNormsAreWhiteNoiseVariance(t *testing.T) {
	// Σ_x basis² per mode, computed directly from the DCT of unit vectors:
	// the variance of X_n for unit white noise is Σ_x (∂X_n/∂x_x)².
	for _, dims := range [][]int{{5}, {4, 3}, {2, 3, 4}} {
		l := MustNew(dims...)
		V := l.Volume()
		p := NewDCT(l)
		want := make([]float64, V)
		e := make([]float64, V)
		for i := 0; i < V; i++ {
			clear(e)
			e[i] = 1
			col := p.Forward(nil, e)
			for n, v := range col {
				want[n] += v * v
			}
		}
		got := l.DCTNorms()
		for n := range got {
			if math.Abs(got[n]-want[n]) > 1e-12*want[n] {
				t.Errorf("%v mode %d: DCTNorms %v, Σ basis² %v", dims, n, got[n], want[n])
			}
		}
	}
}
