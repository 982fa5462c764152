// Copyright ©2026 The rgflow Authors. All rights reserved.

package lattice

import (
	"fmt"
	"math"
	"math/cmplx"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/mjibson/go-dsp/dsputils"
	dspfft "github.com/mjibson/go-dsp/fft"
)

// bigShapes exercise what the small testShapes cannot: partial tiles of the
// last axis (100 rows), several column chunks on a long axis (1024 rows of
// 11 half-spectrum columns), Bluestein axes (47, 2·43, 101 > the direct
// radix bound), radix-3/5 passes, and d = 5.
var bigShapes = [][]int{
	{100, 6}, {1024, 20}, {47, 9}, {9, 47}, {86, 5}, {3, 101},
	{6, 10, 12}, {17, 16, 3}, {2, 3, 4, 5, 2}, {256}, {243}, {64, 64},
}

func randField(rnd *rand.Rand, n int) []float64 {
	f := make([]float64, n)
	for i := range f {
		f[i] = rnd.NormFloat64()
	}
	return f
}

func randCmplx(rnd *rand.Rand, n int) []complex128 {
	f := make([]complex128, n)
	for i := range f {
		f[i] = complex(rnd.NormFloat64(), rnd.NormFloat64())
	}
	return f
}

// l2 returns the Euclidean norm of a complex vector.
func l2(v []complex128) float64 {
	s := 0.0
	for _, z := range v {
		s += real(z)*real(z) + imag(z)*imag(z)
	}
	return math.Sqrt(s)
}

// TestFFTAgainstGoDSP cross-checks every plan against go-dsp's FFTN, an
// independent implementation (radix-2 and Bluestein, axis by axis).
func TestFFTAgainstGoDSP(t *testing.T) {
	rnd := rand.New(rand.NewPCG(5, 5))
	for _, dims := range bigShapes {
		l := MustNew(dims...)
		V := l.Volume()
		x := randField(rnd, V)
		cx := make([]complex128, V)
		for i, v := range x {
			cx[i] = complex(v, 0)
		}
		ref := dspfft.FFTN(dsputils.MakeMatrix(append([]complex128(nil), cx...), l.Dims()))
		// Errors relative to ‖φ̃‖ = √V ‖φ‖, the scale of the output.
		scale := math.Sqrt(float64(V)) * l2(cx)

		spec := NewFFT(l).Forward(nil, x)
		n := make([]int, l.Dim())
		for j, z := range spec {
			l.HalfMode(n, j)
			if d := cmplx.Abs(z - ref.Value(n)); d > fftTol*scale {
				t.Fatalf("%v: r2c mode %v = %v, go-dsp %v", dims, n, z, ref.Value(n))
			}
		}
		back := NewFFT(l).Inverse(nil, spec)
		xnorm := l2(cx)
		for i := range back {
			if math.Abs(back[i]-x[i]) > fftTol*xnorm {
				t.Fatalf("%v: c2r round trip at %d: %v, want %v", dims, i, back[i], x[i])
			}
		}

		z := randCmplx(rnd, V)
		refc := dspfft.FFTN(dsputils.MakeMatrix(append([]complex128(nil), z...), l.Dims()))
		refi := dspfft.IFFTN(dsputils.MakeMatrix(append([]complex128(nil), z...), l.Dims()))
		p := NewCmplxFFT(l)
		got := p.Forward(nil, z)
		goti := p.Inverse(nil, z)
		scale = math.Sqrt(float64(V)) * l2(z)
		for i := 0; i < V; i++ {
			l.Coords(n, i)
			if d := cmplx.Abs(got[i] - refc.Value(n)); d > fftTol*scale {
				t.Fatalf("%v: complex mode %v = %v, go-dsp %v", dims, n, got[i], refc.Value(n))
			}
			// go-dsp's IFFT carries 1/L per axis, 1/V in all.
			if d := cmplx.Abs(goti[i] - refi.Value(n)); d > fftTol*scale/float64(V) {
				t.Fatalf("%v: complex inverse at %v = %v, go-dsp %v", dims, n, goti[i], refi.Value(n))
			}
		}
	}
}

// TestFFTInverseNonHermitian pins down the documented meaning of Inverse on
// a half spectrum that is not the transform of a real field: Re of the
// naive inverse DFT of the full spectrum built from stored entries and the
// conjugates of their mirrors.
func TestFFTInverseNonHermitian(t *testing.T) {
	rnd := rand.New(rand.NewPCG(6, 6))
	for _, dims := range testShapes {
		l := MustNew(dims...)
		V := l.Volume()
		half := randCmplx(rnd, l.HalfLen())
		keep := append([]complex128(nil), half...)
		full := make([]complex128, V)
		n := make([]int, l.Dim())
		m := make([]int, l.Dim())
		for i := range full {
			l.Coords(n, i)
			if j, ok := l.HalfIndex(n); ok {
				full[i] = half[j]
				continue
			}
			for mu := range n {
				m[mu] = -n[mu]
			}
			j, _ := l.HalfIndex(m)
			full[i] = cmplx.Conj(half[j])
		}
		want := naiveDFT(l, full, +1)
		got := NewFFT(l).Inverse(nil, half)
		hnorm := l2(half)
		for i := range got {
			w := real(want[i]) / float64(V)
			if math.Abs(got[i]-w) > fftTol*hnorm {
				t.Fatalf("%v: Inverse at %d = %v, want Re(naive)/V = %v", dims, i, got[i], w)
			}
		}
		for j := range half {
			if half[j] != keep[j] {
				t.Fatalf("%v: Inverse modified its source", dims)
			}
		}
	}
}

// separableDCT is the DCT-II by its defining sum applied axis by axis,
// O(V·ΣL), for shapes too large for the O(V²) sum.
func separableDCT(l *Lattice, x []float64) []float64 {
	out := append([]float64(nil), x...)
	for mu, L := range l.dims {
		s := l.strides[mu]
		tmp := make([]float64, L)
		cos := make([]float64, L*L)
		for n := 0; n < L; n++ {
			for j := 0; j < L; j++ {
				cos[n*L+j] = math.Cos(math.Pi * float64(n) * (float64(j) + 0.5) / float64(L))
			}
		}
		for base := 0; base < l.volume; base++ {
			if (base/s)%L != 0 {
				continue
			}
			for n := 0; n < L; n++ {
				v := 0.0
				for j := 0; j < L; j++ {
					v += out[base+j*s] * cos[n*L+j]
				}
				tmp[n] = v
			}
			for n := 0; n < L; n++ {
				out[base+n*s] = tmp[n]
			}
		}
	}
	return out
}

func TestDCTLargerShapes(t *testing.T) {
	rnd := rand.New(rand.NewPCG(7, 7))
	for _, dims := range append(bigShapes, []int{1, 7}, []int{7, 1}, []int{5, 1, 4}) {
		l := MustNew(dims...)
		x := randField(rnd, l.Volume())
		want := separableDCT(l, x)
		p := NewDCT(l)
		keep := append([]float64(nil), x...)
		got := p.Forward(nil, x)
		// ‖X‖ ≤ √V ‖x‖ (each axis scales by at most √L_μ).
		scale := math.Sqrt(float64(l.Volume())) * norm2(x)
		for i := range got {
			if math.Abs(got[i]-want[i]) > fftTol*scale {
				t.Fatalf("%v: DCT mode %d = %v, want %v", dims, i, got[i], want[i])
			}
		}
		back := p.Inverse(nil, got)
		xnorm := norm2(x)
		for i := range back {
			if math.Abs(back[i]-x[i]) > fftTol*xnorm {
				t.Fatalf("%v: DCT round trip at %d: %v, want %v", dims, i, back[i], x[i])
			}
		}
		for i := range x {
			if x[i] != keep[i] {
				t.Fatalf("%v: DCT.Forward modified its source", dims)
			}
		}
		fwd := append([]float64(nil), got...)
		p.Inverse(back, got)
		for i := range got {
			if got[i] != fwd[i] {
				t.Fatalf("%v: DCT.Inverse modified its source", dims)
			}
		}
	}
}

func norm2(x []float64) float64 {
	s := 0.0
	for _, v := range x {
		s += v * v
	}
	return math.Sqrt(s)
}

func TestCmplxFFTInPlace(t *testing.T) {
	rnd := rand.New(rand.NewPCG(8, 8))
	for _, dims := range append(testShapes, bigShapes...) {
		l := MustNew(dims...)
		z := randCmplx(rnd, l.Volume())
		p := NewCmplxFFT(l)
		want := p.Forward(nil, z)
		wanti := p.Inverse(nil, z)
		got := append([]complex128(nil), z...)
		p.Forward(got, got)
		goti := append([]complex128(nil), z...)
		p.Inverse(goti, goti)
		for i := range got {
			if got[i] != want[i] || goti[i] != wanti[i] {
				t.Fatalf("%v: in-place result differs from out-of-place at %d", dims, i)
			}
		}
	}
}

func TestBatch(t *testing.T) {
	rnd := rand.New(rand.NewPCG(9, 9))
	for _, dims := range [][]int{{7}, {4, 6}, {3, 5, 7}} {
		l := MustNew(dims...)
		const nb = 3
		V, H := l.Volume(), l.HalfLen()
		x := randField(rnd, nb*V)
		p := NewFFT(l)
		spec := p.ForwardBatch(nil, x)
		back := p.InverseBatch(nil, spec)
		for b := 0; b < nb; b++ {
			one := p.Forward(nil, x[b*V:(b+1)*V])
			for j := range one {
				if one[j] != spec[b*H+j] {
					t.Fatalf("%v: batch %d spectrum differs at %d", dims, b, j)
				}
			}
			oneBack := p.Inverse(nil, one)
			for i := range oneBack {
				if oneBack[i] != back[b*V+i] {
					t.Fatalf("%v: batch %d inverse differs at %d", dims, b, i)
				}
			}
		}
	}
}

// TestNoAllocs proves the steady state of every transform allocates
// nothing.
func TestNoAllocs(t *testing.T) {
	for _, dims := range [][]int{{16, 16}, {4, 6, 5}, {47}, {9, 47}, {2, 3, 2, 5}} {
		l := MustNew(dims...)
		rnd := rand.New(rand.NewPCG(10, 10))
		V, H := l.Volume(), l.HalfLen()
		x := randField(rnd, V)
		xs := make([]float64, V)
		spec := make([]complex128, H)
		fft := NewFFT(l)
		cp := NewCmplxFFT(l)
		dct := NewDCT(l)
		z := randCmplx(rnd, V)
		zs := make([]complex128, V)
		xb := randField(rnd, 2*V)
		sb := make([]complex128, 2*H)
		cases := []struct {
			name string
			f    func()
		}{
			{"FFT.Forward", func() { fft.Forward(spec, x) }},
			{"FFT.Inverse", func() { fft.Inverse(xs, spec) }},
			{"FFT.ForwardBatch", func() { fft.ForwardBatch(sb, xb) }},
			{"FFT.InverseBatch", func() { fft.InverseBatch(xb, sb) }},
			{"CmplxFFT.Forward", func() { cp.Forward(zs, z) }},
			{"CmplxFFT.Inverse", func() { cp.Inverse(zs, z) }},
			{"CmplxFFT.Forward in place", func() { cp.Forward(zs, zs) }},
			{"DCT.Forward", func() { dct.Forward(xs, x) }},
			{"DCT.Inverse", func() { dct.Inverse(x, xs) }},
		}
		for _, c := range cases {
			if a := testing.AllocsPerRun(10, c.f); a != 0 {
				t.Errorf("%v: %s allocates %v times per call", dims, c.name, a)
			}
		}
	}
}

// TestConcurrentClones runs clones of one plan on several goroutines; under
// -race it also checks that clones share no mutable state.
func TestConcurrentClones(t *testing.T) {
	l := MustNew(12, 10, 9)
	rnd := rand.New(rand.NewPCG(11, 11))
	const workers = 4
	fields := make([][]float64, workers)
	for w := range fields {
		fields[w] = randField(rnd, l.Volume())
	}
	fft, cp, dct := NewFFT(l), NewCmplxFFT(l), NewDCT(l)
	type result struct {
		spec []complex128
		back []float64
		cz   []complex128
		dct  []float64
	}
	want := make([]result, workers)
	for w := range want {
		cz := make([]complex128, l.Volume())
		for i, v := range fields[w] {
			cz[i] = complex(v, -v)
		}
		spec := fft.Forward(nil, fields[w])
		want[w] = result{spec, fft.Inverse(nil, spec), cp.Forward(nil, cz), dct.Forward(nil, fields[w])}
	}
	var wg sync.WaitGroup
	errs := make([]error, workers)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int, f *FFT, c *CmplxFFT, d *DCT) {
			defer wg.Done()
			cz := make([]complex128, l.Volume())
			spec := make([]complex128, l.HalfLen())
			back := make([]float64, l.Volume())
			dd := make([]float64, l.Volume())
			for rep := 0; rep < 5; rep++ {
				for i, v := range fields[w] {
					cz[i] = complex(v, -v)
				}
				f.Forward(spec, fields[w])
				f.Inverse(back, spec)
				c.Forward(cz, cz)
				d.Forward(dd, fields[w])
				for i := range spec {
					if spec[i] != want[w].spec[i] {
						errs[w] = fmt.Errorf("worker %d: spectrum differs at %d", w, i)
						return
					}
				}
				for i := range back {
					if back[i] != want[w].back[i] || cz[i] != want[w].cz[i] || dd[i] != want[w].dct[i] {
						errs[w] = fmt.Errorf("worker %d: result differs at %d", w, i)
						return
					}
				}
			}
		}(w, fft.Clone(), cp.Clone(), dct.Clone())
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
}

func TestBatchFFT(t *testing.T) {
	rnd := rand.New(rand.NewPCG(12, 12))
	for _, dims := range [][]int{{7}, {16, 16}, {3, 5, 7}} {
		l := MustNew(dims...)
		V, H := l.Volume(), l.HalfLen()
		seq := NewFFT(l)
		for _, workers := range []int{1, 2, 3} {
			b := NewBatchFFT(l, workers)
			for _, nb := range []int{0, 1, 5} {
				x := randField(rnd, nb*V)
				want := seq.ForwardBatch(nil, x)
				got := b.ForwardBatch(nil, x)
				for j := range want {
					if got[j] != want[j] {
						t.Fatalf("%v workers=%d n=%d: spectrum differs at %d", dims, workers, nb, j)
					}
				}
				keep := append([]complex128(nil), got...)
				wantBack := seq.InverseBatch(nil, got)
				back := b.InverseBatch(nil, got)
				for i := range wantBack {
					if back[i] != wantBack[i] {
						t.Fatalf("%v workers=%d n=%d: inverse differs at %d", dims, workers, nb, i)
					}
				}
				for j := range got {
					if got[j] != keep[j] {
						t.Fatalf("%v: InverseBatch modified its source", dims)
					}
				}
			}
			x := randField(rnd, 4*V)
			spec := make([]complex128, 4*H)
			if a := testing.AllocsPerRun(10, func() { b.ForwardBatch(spec, x) }); a != 0 {
				t.Errorf("%v workers=%d: ForwardBatch allocates %v times per call", dims, workers, a)
			}
			if a := testing.AllocsPerRun(10, func() { b.InverseBatch(x, spec) }); a != 0 {
				t.Errorf("%v workers=%d: InverseBatch allocates %v times per call", dims, workers, a)
			}
			b.Close()
		}
	}
}
