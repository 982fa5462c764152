// Copyright ©2026 The rgflow Authors. All rights reserved.

package kernel

import (
	"math"
	"math/rand/v2"
	"testing"
)

// ulps returns the distance between a and the float64 value b in units of
// the float32 spacing at b.
func ulps(a float32, b float64) float64 {
	if a == float32(b) {
		return 0
	}
	bf := float32(b)
	spacing := float64(math.Nextafter32(bf, float32(math.Inf(1))) - bf)
	return math.Abs(float64(a)-b) / spacing
}

func TestExp32(t *testing.T) {
	// Cephes documents a peak relative error of about 1 ulp for expf over
	// its domain; allow 2 for the float32 evaluation of the reduction.
	const maxULP = 2
	worst := 0.0
	for x := float32(-87); x <= 88; x = math.Nextafter32(x, 100) + 1e-3 {
		u := ulps(Exp32(x), math.Exp(float64(x)))
		worst = math.Max(worst, u)
		if u > maxULP {
			t.Fatalf("Exp32(%v) = %v, math.Exp = %v: %.2f ulp", x, Exp32(x), math.Exp(float64(x)), u)
		}
	}
	t.Logf("worst error %.2f ulp", worst)
	if Exp32(200) != Exp32(88) || Exp32(-200) != Exp32(-87) {
		t.Error("Exp32 does not clamp its argument")
	}
	if !math.IsNaN(float64(Exp32(float32(math.NaN())))) {
		t.Error("Exp32(NaN) is not NaN")
	}
}

func refSiLU(x float64) (y, dydx float64) {
	s := 1 / (1 + math.Exp(-x))
	return x * s, s * (1 + x*(1-s))
}

// siluTol bounds the error of a SiLU kernel relative to the float64
// reference, in units of float32 ε = 2⁻²³ times max(|value|, 1): Exp32's 2
// ulp plus a few roundings in 1+e, the division and the products.
const siluTol = 8

func checkSiLU(t *testing.T, name string) {
	r := rand.New(rand.NewPCG(1, 1))
	for _, n := range []int{1, 7, 8, 9, 31, 64, 1000} {
		x := make([]float32, n)
		dy := make([]float32, n)
		for i := range x {
			x[i] = float32(20 * r.NormFloat64())
			dy[i] = float32(r.NormFloat64())
		}
		x[0] = -120 // beyond the clamp
		if n > 3 {
			x[1], x[2], x[3] = 0, 95, -1e-30
		}
		y := make([]float32, n)
		dx := make([]float32, n)
		SiLUForward(y, x)
		SiLUBackward(dx, x, dy)
		const eps = 1.0 / (1 << 23)
		for i := range x {
			ry, rd := refSiLU(float64(x[i]))
			rd *= float64(dy[i])
			if e := math.Abs(float64(y[i]) - ry); e > siluTol*eps*math.Max(math.Abs(ry), 1) {
				t.Errorf("%s: SiLU(%v) = %v, reference %v", name, x[i], y[i], ry)
			}
			if e := math.Abs(float64(dx[i]) - rd); e > siluTol*eps*math.Max(math.Abs(rd), 1) {
				t.Errorf("%s: SiLU'(%v)·%v = %v, reference %v", name, x[i], dy[i], dx[i], rd)
			}
		}
		// In place: dx may alias dy.
		d2 := append([]float32(nil), dy...)
		SiLUBackward(d2, x, d2)
		for i := range d2 {
			if d2[i] != dx[i] {
				t.Fatalf("%s: in-place backward differs at %d", name, i)
			}
		}
	}
	nan := float32(math.NaN())
	x := []float32{nan, float32(math.Inf(1)), 1, 2, 3, 4, 5, 6, nan}
	y := make([]float32, len(x))
	SiLUForward(y, x)
	if !math.IsNaN(float64(y[0])) || !math.IsNaN(float64(y[8])) {
		t.Errorf("%s: SiLU(NaN) = %v, %v: NaN must propagate", name, y[0], y[8])
	}
}

func TestSiLUKernels(t *testing.T) {
	saved := UseAVX2
	defer func() { UseAVX2 = saved }()
	UseAVX2 = false
	checkSiLU(t, "go")
	if !saved {
		t.Skip("no AVX2+FMA: assembly kernels not tested")
	}
	UseAVX2 = true
	checkSiLU(t, "avx2")
}

func BenchmarkSiLU(b *testing.B) {
	x := make([]float32, 32768)
	for i := range x {
		x[i] = float32(i%200)*0.05 - 5
	}
	y := make([]float32, len(x))
	for _, asm := range []bool{false, true} {
		name := "go"
		if asm {
			name = "avx2"
		}
		b.Run(name, func(b *testing.B) {
			saved := UseAVX2
			UseAVX2 = asm && saved
			defer func() { UseAVX2 = saved }()
			b.SetBytes(4 * int64(len(x)))
			for range b.N {
				SiLUForward(y, x)
			}
		})
	}
}
