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
	w := sh.w
	z := asComplex(src)
	for r0 := 0; r0 < sh.R; r0 += sh.group {
		g := min(sh.group, sh.R-r0)
		sh.row.Transform(dst[r0*H:], 1, H, z[r0*n:], 1, n, 1, g, p.a, p.b, false)
		for r := r0; r < r0+g; r++ {
			out := dst[r*H : (r+1)*H]
			z0 := out[0]
			out[0] = complex(real(z0)+imag(z0), 0)
			out[n] = complex(real(z0)-imag(z0), 0)
			for k := 1; k <= n/2; k++ {
				zk, znk := out[k], out[n-k]
				// e = (Z_k + conj Z_{n−k})/2, o = (Z_k − conj Z_{n−k})/(2i).
				er, ei := 0.5*(real(zk)+real(znk)), 0.5*(imag(zk)-imag(znk))
				or, oi := 0.5*(imag(zk)+imag(znk)), -0.5*(real(zk)-real(znk))
				wr, wi := real(w[k]), imag(w[k])
				pr, pi := wr*or-wi*oi, wr*oi+wi*or
				out[k] = complex(er+pr, ei+pi)
				out[n-k] = complex(er-pr, pi-ei)
			}
		}
	}
}

func (p *FFT) rowsInverseEven(dst []float64, src []complex128) {
	sh := p.sh
	H, n := sh.H, sh.n
	w := sh.w
	s := 1 / float64(p.l.volume)
	z := asComplex(dst)
	for r0 := 0; r0 < sh.R; r0 += sh.group {
		g := min(sh.group, sh.R-r0)
		for t := 0; t < g; t++ {
			in := src[(r0+t)*H : (r0+t+1)*H]
			a := p.pre[t*n : (t+1)*n]
			x0, xn := real(in[0]), real(in[n])
			a[0] = complex(s*(x0+xn), s*(x0-xn))
			for k := 1; k <= n/2; k++ {
				xk, xnk := in[k], in[n-k]
				// e = (X_k + conj X_{n−k})/V, o = (X_k − conj X_{n−k}) conj(W^k)/V.
				er, ei := s*(real(xk)+real(xnk)), s*(imag(xk)-imag(xnk))
				dr, di := s*(real(xk)-real(xnk)), s*(imag(xk)+imag(xnk))
				wr, wi := real(w[k]), -imag(w[k])
				or, oi := dr*wr-di*wi, dr*wi+di*wr
				// Z_k = e + i o, Z_{n−k} = conj e + i conj o.
				a[k] = complex(er-oi, ei+or)
				a[n-k] = complex(er+oi, or-ei)
			}
		}
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
