// Copyright ©2026 The rgflow Authors. All rights reserved.

package fftcore

import (
	"math"
	"math/cmplx"
	"math/rand/v2"
	"testing"
)

// tol is relative to the norm of the data: the Stockham passes are
// backward stable with error O(ε log n) and the direct radix-r butterfly
// O(ε r); 1e-13 leaves room for r ≤ MaxGenericRadix and Bluestein's three
// transforms at n ≲ 10⁴.
const tol = 1e-13

// naive is the defining sum out_k = Σ_j in_j e^{∓2πijk/n} for column t.
func naive(in []complex128, n, c, t int, inv bool) []complex128 {
	sign := -1.0
	if inv {
		sign = 1
	}
	out := make([]complex128, n)
	for k := 0; k < n; k++ {
		var s complex128
		for j := 0; j < n; j++ {
			s += in[j*c+t] * cmplx.Exp(complex(0, sign*2*math.Pi*float64((j*k)%n)/float64(n)))
		}
		out[k] = s
	}
	return out
}

func testLengths() []int {
	var ns []int
	for n := 1; n <= 70; n++ {
		ns = append(ns, n)
	}
	return append(ns, 81, 96, 97, 100, 125, 128, 243, 256, 512, 1000, 1009, 1024, 2*43, 3*101)
}

func TestTransformAgainstDefiningSum(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 1))
	for _, n := range testLengths() {
		p := New(n)
		for _, c := range []int{1, 3} {
			in := make([]complex128, n*c)
			norm := 0.0
			for i := range in {
				in[i] = complex(rnd.NormFloat64(), rnd.NormFloat64())
				norm += real(in[i] * cmplx.Conj(in[i]))
			}
			norm = math.Sqrt(norm * float64(n))
			for _, inv := range []bool{false, true} {
				want := make([][]complex128, c)
				for col := 0; col < c; col++ {
					want[col] = naive(in, n, c, col, inv)
				}
				a := make([]complex128, p.BufRows()*c)
				b := make([]complex128, p.BufRows()*c)
				check := func(what string, got []complex128, stride int) {
					t.Helper()
					for col := 0; col < c; col++ {
						for k := 0; k < n; k++ {
							if d := cmplx.Abs(got[k*stride+col] - want[col][k]); d > tol*norm {
								t.Fatalf("n=%d c=%d inv=%v %s: out[%d][%d] = %v, want %v (|diff| %.3g)",
									n, c, inv, what, k, col, got[k*stride+col], want[col][k], d)
							}
						}
					}
				}
				// Out of place, strided rows (stride c+2) to contiguous.
				const pad = 2
				sin := make([]complex128, n*(c+pad))
				for j := 0; j < n; j++ {
					copy(sin[j*(c+pad):], in[j*c:(j+1)*c])
				}
				keep := append([]complex128(nil), sin...)
				out := make([]complex128, n*c)
				p.Transform(out, c, 0, sin, c+pad, 0, c, 1, a, b, inv)
				check("strided→compact", out, c)
				for i := range sin {
					if sin[i] != keep[i] {
						t.Fatalf("n=%d: out-of-place Transform modified its input", n)
					}
				}
				// In place on strided rows.
				p.Transform(sin, c+pad, 0, sin, c+pad, 0, c, 1, a, b, inv)
				check("in place", sin, c+pad)
				// Compact.
				ca := make([]complex128, p.BufRows()*c)
				copy(ca, in)
				res := p.TransformCompact(ca, b, c, inv)
				check("compact", res, c)
			}
		}
	}
}

func TestExpi(t *testing.T) {
	for _, n := range []int{1, 2, 3, 7, 8, 12, 1000, 1 << 20} {
		for m := -2 * n; m <= 2*n; m += max(1, n/17) {
			mr := ((m % n) + n) % n
			want := cmplx.Exp(complex(0, 2*math.Pi*float64(mr)/float64(n)))
			// A few ulps: both sides round an angle below 2π.
			if d := cmplx.Abs(expi(m, n) - want); d > 2e-15 {
				t.Fatalf("expi(%d,%d) = %v, want %v", m, n, expi(m, n), want)
			}
		}
	}
}

// TestPassesAgainstPortable checks the dispatched radix-2 and radix-4
// passes (the assembly kernels where the CPU has them) against the
// portable Go passes, bit for bit up to the rounding of fused
// multiply-adds, over strides, blocks, run lengths (odd ones exercise the
// single-column tails) and both directions.
func TestPassesAgainstPortable(t *testing.T) {
	if !HasAsm() {
		t.Skip("no assembly kernels on this CPU or build")
	}
	// An FMA rounds once where the Go kernel rounds twice: a few ulps of
	// the largest magnitude involved.
	const kernTol = 1e-14
	rnd := rand.New(rand.NewPCG(2, 2))
	for _, r := range []int{2, 3, 4, 5, 8} {
		for _, mm := range []int{1, 2, 3, 4, 8} {
			for _, run := range []int{1, 2, 3, 5, 8} {
				for _, count := range []int{1, 3} {
					for _, inv := range []bool{false, true} {
						for _, unit := range []bool{false, true} {
							xrow, yrow := run+1, run+2
							if unit {
								xrow, yrow = run, run
							}
							xblk := r*mm*xrow + 1
							yblk := r*mm*yrow + 3
							x := make([]complex128, count*xblk)
							for i := range x {
								x[i] = complex(rnd.NormFloat64(), rnd.NormFloat64())
							}
							tw := make([]complex128, (r-1)*mm)
							// Plans store unit twiddles for p = 0, which the
							// paired single-column kernel reads.
							for i := range tw {
								tw[i] = 1
								if i >= r-1 {
									tw[i] = expi(rnd.IntN(1000), 1000)
								}
							}
							got := make([]complex128, count*yblk)
							want := make([]complex128, count*yblk)
							switch r {
							case 3:
								pass3(got, yrow, yblk, x, xrow, xblk, tw, mm, run, count, inv)
								pass3Go(want, yrow, yblk, x, xrow, xblk, tw, mm, run, count, inv)
							case 5:
								pass5(got, yrow, yblk, x, xrow, xblk, tw, mm, run, count, inv)
								pass5Go(want, yrow, yblk, x, xrow, xblk, tw, mm, run, count, inv)
							case 8:
								pass8(got, yrow, yblk, x, xrow, xblk, tw, mm, run, count, inv)
								pass8Go(want, yrow, yblk, x, xrow, xblk, tw, mm, run, count, inv)
							case 4:
								pass4(got, yrow, yblk, x, xrow, xblk, tw, mm, run, count, inv)
								pass4Go(want, yrow, yblk, x, xrow, xblk, tw, mm, run, count, inv)
							default:
								if inv {
									continue
								}
								pass2(got, yrow, yblk, x, xrow, xblk, tw, mm, run, count)
								pass2Go(want, yrow, yblk, x, xrow, xblk, tw, mm, run, count)
							}
							for i := range got {
								if cmplx.Abs(got[i]-want[i]) > kernTol*8 {
									t.Fatalf("radix %d mm=%d run=%d count=%d inv=%v unit=%v: y[%d] = %v, portable %v",
										r, mm, run, count, inv, unit, i, got[i], want[i])
								}
							}
						}
					}
				}
			}
		}
	}
}

func TestUntangleAgainstPortable(t *testing.T) {
	if !HasAsm() {
		t.Skip("no assembly kernels on this CPU or build")
	}
	const kernTol = 1e-14 // FMA rounding, as in TestPassesAgainstPortable
	rnd := rand.New(rand.NewPCG(3, 3))
	for n := 2; n <= 40; n++ {
		for _, count := range []int{1, 3} {
			for _, inPlace := range []bool{false, true} {
				ds, ss := n+3, n+1
				if inPlace {
					ss = ds
				}
				src := make([]complex128, count*ss)
				for i := range src {
					src[i] = complex(rnd.NormFloat64(), rnd.NormFloat64())
				}
				w := make([]complex128, n/2+1)
				for i := range w {
					w[i] = complex(rnd.NormFloat64(), rnd.NormFloat64())
				}
				scale := rnd.Float64()
				got := make([]complex128, count*ds)
				want := make([]complex128, count*ds)
				if inPlace {
					copy(got, src)
					copy(want, src)
					Untangle(got, ds, got, ds, w, n, count, scale)
					untangleGo(want, ds, want, ds, w, n, count, scale)
				} else {
					Untangle(got, ds, src, ss, w, n, count, scale)
					untangleGo(want, ds, src, ss, w, n, count, scale)
				}
				for i := range got {
					if cmplx.Abs(got[i]-want[i]) > kernTol*8 {
						t.Fatalf("n=%d count=%d inPlace=%v: dst[%d] = %v, portable %v", n, count, inPlace, i, got[i], want[i])
					}
				}
			}
		}
	}
}
