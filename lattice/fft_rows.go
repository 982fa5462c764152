// Copyright ©2026 The rgflow Authors. All rights reserved.

package lattice

import (
	"unsafe"

	"rgflow/lattice/internal/fftcore"
)

// The real transform along the last axis.
//
// Even L: the row x is packed as z_j = x_{2j} + i x_{2j+1}, j < n = L/2, and
// with Z = DFT_n(z), E_k = (Z_k + conj Z_{n−k})/2 and
// O_k = (Z_k − conj Z_{n−k})/(2i) (the transforms of the even and odd
// samples),
//
//	X_k = E_k + W^k O_k,   conj X_{n−k} = E_k − W^k O_k,   W = e^{−2πi/L}.
//
// Backwards, with the 1/V of the inverse folded in,
// Z_k = E_k + i O_k = s(X_k + conj X_{n−k}) + i s conj(W^k)(X_k − conj X_{n−k})
// and Z_{n−k} = conj(E_k − i O_k). Both directions are fftcore.Untangle.
//
// Odd L: two rows a, b are packed as z = a + i b, and with Z = DFT_L(z),
// A_k = (Z_k + conj Z_{L−k})/2 and B_k = (Z_k − conj Z_{L−k})/(2i).
//
// The inverses run these relations backwards. They use only the real parts
// of the self-conjugate entries X_0 (and X_{L/2}), which makes the result
// the real part of the inverse of the full spectrum (see FFT.Inverse).

func expi(m, n int) complex128 { return fftcore.Expi(m, n) }

// asComplex views an even-length real slice as complex128 pairs
// (x_{2j}, x_{2j+1}): the packing of an even row is free.
func asComplex(x []float64) []complex128 {
	if len(x) == 0 {
		return nil
	}
	return unsafe.Slice((*complex128)(unsafe.Pointer(unsafe.SliceData(x))), len(x)/2)
}

func (p *FFT) rowsForwardEven(dst []complex128, src []float64) {
	sh := p.sh
	H, n := sh.H, sh.n
	z := asComplex(src)
	for r0 := 0; r0 < sh.R; r0 += sh.group {
		g := min(sh.group, sh.R-r0)
		sh.row.Transform(dst[r0*H:], 1, H, z[r0*n:], 1, n, 1, g, p.a, p.b, false)
		// X_0 = E_0 + O_0 and X_n = E_0 − O_0 with E_0 = Re Z_0, O_0 = Im Z_0;
		// the pairs (k, n−k) in Untangle.
		for r := r0; r < r0+g; r++ {
			out := dst[r*H : (r+1)*H]
			z0 := out[0]
			out[0] = complex(real(z0)+imag(z0), 0)
			out[n] = complex(real(z0)-imag(z0), 0)
		}
		fftcore.Untangle(dst[r0*H:], H, dst[r0*H:], H, sh.wf, n, g, 0.5)
	}
}

func (p *FFT) rowsInverseEven(dst []float64, src []complex128) {
	sh := p.sh
	H, n := sh.H, sh.n
	s := 1 / float64(p.l.volume)
	z := asComplex(dst)
	for r0 := 0; r0 < sh.R; r0 += sh.group {
		g := min(sh.group, sh.R-r0)
		// Z_0 = E_0 + i O_0 from the real parts of X_0 and X_n only; the
		// pairs (k, n−k) in Untangle. The 1/V of the inverse goes in here.
		for t := 0; t < g; t++ {
			in := src[(r0+t)*H : (r0+t+1)*H]
			x0, xn := real(in[0]), real(in[n])
			p.pre[t*n] = complex(s*(x0+xn), s*(x0-xn))
		}
		fftcore.Untangle(p.pre, n, src[r0*H:], H, sh.wi, n, g, s)
		sh.row.Transform(z[r0*n:], 1, n, p.pre, 1, n, 1, g, p.a, p.b, true)
	}
}

func (p *FFT) rowsForwardOdd(dst []complex128, src []float64) {
	sh := p.sh
	L, H, R := sh.L, sh.H, sh.R
	pairs := (R + 1) / 2
	for q0 := 0; q0 < pairs; q0 += sh.group {
		g := min(sh.group, pairs-q0)
		for t := 0; t < g; t++ {
			r := 2 * (q0 + t)
			a := p.pre[t*L : (t+1)*L]
			ra := src[r*L : (r+1)*L]
			if r+1 < R {
				rb := src[(r+1)*L : (r+2)*L]
				for j := range a {
					a[j] = complex(ra[j], rb[j])
				}
			} else {
				for j := range a {
					a[j] = complex(ra[j], 0)
				}
			}
		}
		sh.row.Transform(p.pre, 1, L, p.pre, 1, L, 1, g, p.a, p.b, false)
		for t := 0; t < g; t++ {
			r := 2 * (q0 + t)
			z := p.pre[t*L : (t+1)*L]
			oa := dst[r*H : (r+1)*H]
			var ob []complex128
			if r+1 < R {
				ob = dst[(r+1)*H : (r+2)*H]
			}
			for k := 0; k < H; k++ {
				zk, znk := z[k], z[(L-k)%L]
				// A = (Z_k + conj Z_{L−k})/2, B = (Z_k − conj Z_{L−k})/(2i).
				oa[k] = complex(0.5*(real(zk)+real(znk)), 0.5*(imag(zk)-imag(znk)))
				if ob != nil {
					ob[k] = complex(0.5*(imag(zk)+imag(znk)), -0.5*(real(zk)-real(znk)))
				}
			}
		}
	}
}

func (p *FFT) rowsInverseOdd(dst []float64, src []complex128) {
	sh := p.sh
	L, H, R := sh.L, sh.H, sh.R
	s := 1 / float64(p.l.volume)
	pairs := (R + 1) / 2
	for q0 := 0; q0 < pairs; q0 += sh.group {
		g := min(sh.group, pairs-q0)
		for t := 0; t < g; t++ {
			r := 2 * (q0 + t)
			a := p.pre[t*L : (t+1)*L]
			ia := src[r*H : (r+1)*H]
			var ib []complex128
			if r+1 < R {
				ib = src[(r+1)*H : (r+2)*H]
			}
			var b0 float64
			if ib != nil {
				b0 = real(ib[0])
			}
			a[0] = complex(s*real(ia[0]), s*b0)
			for k := 1; k < H; k++ {
				xa := ia[k]
				var xb complex128
				if ib != nil {
					xb = ib[k]
				}
				// Z_k = A + iB, Z_{L−k} = conj A + i conj B.
				a[k] = complex(s*(real(xa)-imag(xb)), s*(imag(xa)+real(xb)))
				a[L-k] = complex(s*(real(xa)+imag(xb)), s*(real(xb)-imag(xa)))
			}
		}
		sh.row.Transform(p.pre, 1, L, p.pre, 1, L, 1, g, p.a, p.b, true)
		for t := 0; t < g; t++ {
			r := 2 * (q0 + t)
			z := p.pre[t*L : (t+1)*L]
			ra := dst[r*L : (r+1)*L]
			if r+1 < R {
				rb := dst[(r+1)*L : (r+2)*L]
				for j, v := range z {
					ra[j], rb[j] = real(v), imag(v)
				}
			} else {
				for j, v := range z {
					ra[j] = real(v)
				}
			}
		}
	}
}
