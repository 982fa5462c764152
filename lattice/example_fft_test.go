// Copyright ©2026 The rgflow Authors. All rights reserved.

package lattice_test

import (
	"fmt"
	"math"

	"rgflow/lattice"
)

// round drops digits below 10⁻³ and the sign of zero, so that the output
// does not depend on rounding in the last bits.
func round(x float64) float64 { return math.Round(x*1e3)/1e3 + 0 }

func ExampleFFT() {
	// A unit point source at x = (1, 0) on a 4×4 lattice has the spectrum
	// φ̃_k = e^{−ik·x} = e^{−2πi n₁/4}.
	l := lattice.MustNew(4, 4)
	phi := make([]float64, l.Volume())
	phi[l.Index([]int{1, 0})] = 1
	p := lattice.NewFFT(l)
	spec := p.Forward(nil, phi) // shape l.HalfDims() = [4 3]
	for _, n := range [][]int{{0, 0}, {1, 0}, {2, 1}} {
		j, _ := l.HalfIndex(n)
		fmt.Printf("n=%v: %g%+gi\n", n, round(real(spec[j])), round(imag(spec[j])))
	}
	back := p.Inverse(nil, spec)
	fmt.Println("back at (1,0):", round(back[l.Index([]int{1, 0})]))
	// Output:
	// n=[0 0]: 1+0i
	// n=[1 0]: 0-1i
	// n=[2 1]: -1+0i
	// back at (1,0): 1
}

func ExampleDCT() {
	// The DCT-II of a unit vector at x = 0 is X_n = cos(πn/(2L)).
	l := lattice.MustNew(4)
	p := lattice.NewDCT(l)
	X := p.Forward(nil, []float64{1, 0, 0, 0})
	fmt.Println(round(X[0]), round(X[1]), round(X[2]), round(X[3]))
	x := p.Inverse(nil, X)
	fmt.Println(round(x[0]), round(x[1]), round(x[2]), round(x[3]))
	// Output:
	// 1 0.924 0.707 0.383
	// 1 0 0 0
}

func ExampleBatchFFT() {
	// Three constant fields φ = 1, 2, 3 on 8×8: only the zero mode,
	// φ̃₀ = V·φ, is non-zero.
	l := lattice.MustNew(8, 8)
	b := lattice.NewBatchFFT(l, 0)
	defer b.Close()
	V, H := l.Volume(), l.HalfLen()
	fields := make([]float64, 3*V)
	for f := 0; f < 3; f++ {
		for i := 0; i < V; i++ {
			fields[f*V+i] = float64(f + 1)
		}
	}
	spec := b.ForwardBatch(nil, fields)
	for f := 0; f < 3; f++ {
		fmt.Println(round(real(spec[f*H])), round(real(spec[f*H+1])))
	}
	// Output:
	// 64 0
	// 128 0
	// 192 0
}
