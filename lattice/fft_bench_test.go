// Copyright ©2026 The rgflow Authors. All rights reserved.

package lattice

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// The shapes of docs/performance.md ("lattice transforms"); make bench-fft
// compares the same transforms with FFTW and numpy side by side.
var benchShapes = [][]int{{64, 64}, {256, 256}, {1024, 1024}, {32, 32, 32}, {64, 64, 64}}

func shapeName(dims []int) string {
	s := ""
	for i, n := range dims {
		if i > 0 {
			s += "x"
		}
		s += fmt.Sprint(n)
	}
	return s
}

func BenchmarkFFTForward(b *testing.B) {
	for _, dims := range benchShapes {
		b.Run(shapeName(dims), func(b *testing.B) {
			l := MustNew(dims...)
			x := randField(rand.New(rand.NewPCG(1, 1)), l.Volume())
			spec := make([]complex128, l.HalfLen())
			p := NewFFT(l)
			b.SetBytes(int64(8 * l.Volume()))
			for b.Loop() {
				p.Forward(spec, x)
			}
		})
	}
}

func BenchmarkFFTInverse(b *testing.B) {
	for _, dims := range benchShapes {
		b.Run(shapeName(dims), func(b *testing.B) {
			l := MustNew(dims...)
			x := randField(rand.New(rand.NewPCG(1, 1)), l.Volume())
			p := NewFFT(l)
			spec := p.Forward(nil, x)
			b.SetBytes(int64(8 * l.Volume()))
			for b.Loop() {
				p.Inverse(x, spec)
			}
		})
	}
}

func BenchmarkCmplxFFTForward(b *testing.B) {
	for _, dims := range benchShapes {
		b.Run(shapeName(dims), func(b *testing.B) {
			l := MustNew(dims...)
			z := randCmplx(rand.New(rand.NewPCG(1, 1)), l.Volume())
			out := make([]complex128, l.Volume())
			p := NewCmplxFFT(l)
			b.SetBytes(int64(16 * l.Volume()))
			for b.Loop() {
				p.Forward(out, z)
			}
		})
	}
}

func BenchmarkDCTForward(b *testing.B) {
	for _, dims := range [][]int{{64, 64}, {256, 256}, {32, 32, 32}} {
		b.Run(shapeName(dims), func(b *testing.B) {
			l := MustNew(dims...)
			x := randField(rand.New(rand.NewPCG(1, 1)), l.Volume())
			out := make([]float64, l.Volume())
			p := NewDCT(l)
			b.SetBytes(int64(8 * l.Volume()))
			for b.Loop() {
				p.Forward(out, x)
			}
		})
	}
}

func BenchmarkDCTInverse(b *testing.B) {
	for _, dims := range [][]int{{64, 64}, {256, 256}} {
		b.Run(shapeName(dims), func(b *testing.B) {
			l := MustNew(dims...)
			x := randField(rand.New(rand.NewPCG(1, 1)), l.Volume())
			out := make([]float64, l.Volume())
			p := NewDCT(l)
			b.SetBytes(int64(8 * l.Volume()))
			for b.Loop() {
				p.Inverse(out, x)
			}
		})
	}
}

// BenchmarkBatchFFT compares a batch of 64 fields done sequentially with
// the same batch on a BatchFFT using every processor.
func BenchmarkBatchFFT(b *testing.B) {
	for _, dims := range [][]int{{64, 64}, {256, 256}} {
		l := MustNew(dims...)
		const nb = 64
		x := randField(rand.New(rand.NewPCG(1, 1)), nb*l.Volume())
		spec := make([]complex128, nb*l.HalfLen())
		b.Run(shapeName(dims)+"/sequential", func(b *testing.B) {
			p := NewFFT(l)
			for b.Loop() {
				p.ForwardBatch(spec, x)
			}
		})
		b.Run(shapeName(dims)+"/pool", func(b *testing.B) {
			p := NewBatchFFT(l, 0)
			defer p.Close()
			for b.Loop() {
				p.ForwardBatch(spec, x)
			}
		})
	}
}
