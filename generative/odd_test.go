// Copyright ©2026 The rgflow Authors. All rights reserved.

package generative

import (
	"math/cmplx"
	"testing"

	"rgflow/field"
	"rgflow/internal/rng"
	"rgflow/lattice"
)

// randomModes returns n complex standard normal coefficients.
func randomModes(n int, stream uint64) []complex128 {
	rnd := rng.NewRand(2, 99, stream)
	x := make([]complex128, n)
	for i := range x {
		x[i] = complex(rnd.NormFloat64(), rnd.NormFloat64())
	}
	return x
}

// evenPlus is a denoiser with an even part: D(x) = G(x) + Re(x)².
type evenPlus struct{ Score }

func (e evenPlus) Denoise(dst, xt []complex128, t []float64) []complex128 {
	dst = e.Score.Denoise(dst, xt, t)
	for i, v := range xt {
		dst[i] += complex(real(v)*real(v), 0)
	}
	return dst
}

// TestOdd checks the two properties that define the odd part: it is odd,
// Odd(D)(−x) = −Odd(D)(x) (exactly: both are halves of the same
// difference), and it leaves an odd denoiser unchanged — the exact
// denoiser of Gaussian data, a linear map, to rounding. It also checks
// that the even part of a denoiser is what is removed.
func TestOdd(t *testing.T) {
	p := polchinskiProcess(t, lattice.MustNew(6, 6))
	gs, err := NewGaussian(p, freeData(t, p, 0.5))
	if err != nil {
		t.Fatal(err)
	}
	M := p.Modes()
	x := randomModes(3*M, 0)
	neg := make([]complex128, len(x))
	for i, v := range x {
		neg[i] = -v
	}
	ts := []float64{0.1 * p.T, 0.5 * p.T, p.T}

	want := gs.Denoise(nil, x, ts)
	got := Odd(gs).Denoise(nil, x, ts)
	for i := range want {
		if cmplx.Abs(got[i]-want[i]) > 1e-12*(1+cmplx.Abs(want[i])) {
			t.Fatalf("odd part of the Gaussian denoiser differs at %d: %v, want %v", i, got[i], want[i])
		}
	}

	ev := Odd(evenPlus{gs})
	a := append([]complex128(nil), ev.Denoise(nil, x, ts)...)
	b := ev.Denoise(nil, neg, ts)
	for i := range a {
		if a[i] != -b[i] {
			t.Fatalf("odd part is not odd at %d: %v at x, %v at −x", i, a[i], b[i])
		}
		if cmplx.Abs(a[i]-want[i]) > 1e-12*(1+cmplx.Abs(want[i])) {
			t.Fatalf("odd part of G + even differs from G at %d: %v, want %v", i, a[i], want[i])
		}
	}
	// In place (dst aliasing xt).
	y := append([]complex128(nil), x...)
	ev.Denoise(y, y, ts)
	for i := range y {
		if y[i] != a[i] {
			t.Fatalf("in place: %v at %d, want %v", y[i], i, a[i])
		}
	}

	if _, ok := Odd(gs).(PosteriorVariancer); !ok {
		t.Error("Odd of a Gaussian is not a PosteriorVariancer")
	}
	if _, ok := Odd(evenPlus{gs}).(PosteriorVariancer); ok {
		t.Error("Odd of a score without posterior variances claims them")
	}
}

// TestMirrored: the mirrored ensemble is the fields, then their negatives.
func TestMirrored(t *testing.T) {
	l := lattice.MustNew(3, 2)
	e := field.NewEnsemble(l, 2)
	for i := range e.Data {
		e.Data[i] = float64(i + 1)
	}
	m := Mirrored(e)
	if m.Len() != 4 || m.Lat != l {
		t.Fatalf("%d fields on %v, want 4 on %v", m.Len(), m.Lat, l)
	}
	for i, v := range e.Data {
		if m.Data[i] != v || m.Data[len(e.Data)+i] != -v {
			t.Fatalf("site %d: %v and %v, want %v and %v", i, m.Data[i], m.Data[len(e.Data)+i], v, -v)
		}
	}
}
