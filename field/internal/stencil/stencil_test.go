// Copyright ©2026 The rgflow Authors. All rights reserved.

package stencil

import (
	"math"
	"math/rand/v2"
	"testing"
)

// naive2D is the textbook stencil with % indexing, the reference.
func naive2D(dst, phi []float64, lx, ly int, diag, g float64) {
	for x := 0; x < lx; x++ {
		for y := 0; y < ly; y++ {
			v := phi[x*ly+y]
			dst[x*ly+y] = diag*v - g*v*v*v +
				phi[((x+1)%lx)*ly+y] + phi[((x+lx-1)%lx)*ly+y] +
				phi[x*ly+(y+1)%ly] + phi[x*ly+(y+ly-1)%ly]
		}
	}
}

func naive3D(dst, phi []float64, lx, ly, lz int, diag, g float64) {
	at := func(x, y, z int) float64 { return phi[((x+lx)%lx*ly+(y+ly)%ly)*lz+(z+lz)%lz] }
	for x := 0; x < lx; x++ {
		for y := 0; y < ly; y++ {
			for z := 0; z < lz; z++ {
				v := at(x, y, z)
				dst[(x*ly+y)*lz+z] = diag*v - g*v*v*v + at(x+1, y, z) + at(x-1, y, z) +
					at(x, y+1, z) + at(x, y-1, z) + at(x, y, z+1) + at(x, y, z-1)
			}
		}
	}
}

// kernelTol bounds the difference between fused (FMA, assembly) and unfused
// (Go) evaluation of the same sum: a few ulp of the largest term.
const kernelTol = 1e-13

func TestKernelsAgree(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 1))
	const diag, g = -4.3, 1.7
	for _, asm := range []bool{false, true} {
		prev := SetASM(asm)
		for _, s := range [][]int{{3, 3}, {4, 5}, {5, 6}, {3, 10}, {4, 11}, {7, 9}, {16, 13}, {33, 64}, {3, 3, 3}, {4, 5, 6}, {8, 7, 13}} {
			V := 1
			for _, L := range s {
				V *= L
			}
			phi := make([]float64, V)
			for i := range phi {
				phi[i] = 2 * rnd.NormFloat64()
			}
			got, want := make([]float64, V), make([]float64, V)
			for i := range got {
				got[i] = math.NaN() // the kernel must overwrite every site
			}
			if len(s) == 2 {
				Force2D(got, phi, s[0], s[1], diag, g)
				naive2D(want, phi, s[0], s[1], diag, g)
			} else {
				Force3D(got, phi, s[0], s[1], s[2], diag, g)
				naive3D(want, phi, s[0], s[1], s[2], diag, g)
			}
			for i := range got {
				if d := math.Abs(got[i] - want[i]); !(d <= kernelTol*math.Max(1, math.Abs(want[i])+g*math.Abs(phi[i]*phi[i]*phi[i]))) {
					t.Fatalf("asm=%v %v site %d: %v, naive %v", asm, s, i, got[i], want[i])
				}
			}
		}
		SetASM(prev)
	}
	if !HasASM() {
		t.Log("assembly kernel not available on this CPU/build: only the Go path was tested")
	}
}

// TestInteriorAccumulate checks the accumulating form of Interior
// (assembly and Go) against the plain sum.
func TestInteriorAccumulate(t *testing.T) {
	rnd := rand.New(rand.NewPCG(2, 2))
	const diag, g = -6.5, 0.8
	for _, n := range []int{1, 3, 4, 7, 8, 12, 13, 29} {
		c := make([]float64, n+2)
		a, b, base := make([]float64, n), make([]float64, n), make([]float64, n)
		for i := range c {
			c[i] = rnd.NormFloat64()
		}
		for i := range a {
			a[i], b[i], base[i] = rnd.NormFloat64(), rnd.NormFloat64(), rnd.NormFloat64()
		}
		for _, asm := range []bool{false, true} {
			prev := SetASM(asm)
			o := append([]float64(nil), base...)
			Interior(o, c, a, b, diag, g, true)
			SetASM(prev)
			for i := range o {
				v := c[i+1]
				want := base[i] + diag*v - g*v*v*v + c[i] + c[i+2] + a[i] + b[i]
				if math.Abs(o[i]-want) > kernelTol*math.Max(1, math.Abs(want)) {
					t.Fatalf("n=%d asm=%v i=%d: %v, want %v", n, asm, i, o[i], want)
				}
			}
		}
	}
}
