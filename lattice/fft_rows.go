// Copyright ©2026 The rgflow Authors. All rights reserved.

package lattice

import "rgflow/lattice/internal/fftcore"

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

func (p *FFT) rowsForwardEven(dst []complex128, src []float64) {
	sh := p.sh
	L, H, n := sh.L, sh.H, sh.n
	w := sh.w
	for r0 := 0; r0 < sh.R; r0 += sh.tile {
		tt := min(sh.tile, sh.R-r0)
		a := p.a[:n*tt]
		for t := 0; t < tt; t++ {
			row := src[(r0+t)*L : (r0+t+1)*L]
			for j := 0; j < n; j++ {
				a[j*tt+t] = complex(row[2*j], row[2*j+1])
			}
		}
		res := sh.row.TransformCompact(p.a, p.b, tt, false)
		for t := 0; t < tt; t++ {
			out := dst[(r0+t)*H : (r0+t+1)*H]
			z0 := res[t]
			out[0] = complex(real(z0)+imag(z0), 0)
			out[n] = complex(real(z0)-imag(z0), 0)
			for k := 1; k <= n/2; k++ {
				zk, znk := res[k*tt+t], res[(n-k)*tt+t]
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
	L, H, n := sh.L, sh.H, sh.n
	w := sh.w
	s := 1 / float64(p.l.volume)
	for r0 := 0; r0 < sh.R; r0 += sh.tile {
		tt := min(sh.tile, sh.R-r0)
		a := p.a[:n*tt]
		for t := 0; t < tt; t++ {
			in := src[(r0+t)*H : (r0+t+1)*H]
			x0, xn := real(in[0]), real(in[n])
			a[t] = complex(s*(x0+xn), s*(x0-xn))
			for k := 1; k <= n/2; k++ {
				xk, xnk := in[k], in[n-k]
				// e = (X_k + conj X_{n−k})/V, o = (X_k − conj X_{n−k}) conj(W^k)/V.
				er, ei := s*(real(xk)+real(xnk)), s*(imag(xk)-imag(xnk))
				dr, di := s*(real(xk)-real(xnk)), s*(imag(xk)+imag(xnk))
				wr, wi := real(w[k]), -imag(w[k])
				or, oi := dr*wr-di*wi, dr*wi+di*wr
				// Z_k = e + i o, Z_{n−k} = conj e + i conj o.
				a[k*tt+t] = complex(er-oi, ei+or)
				a[(n-k)*tt+t] = complex(er+oi, or-ei)
			}
		}
		res := sh.row.TransformCompact(p.a, p.b, tt, true)
		for t := 0; t < tt; t++ {
			row := dst[(r0+t)*L : (r0+t+1)*L]
			for j := 0; j < n; j++ {
				z := res[j*tt+t]
				row[2*j], row[2*j+1] = real(z), imag(z)
			}
		}
	}
}

func (p *FFT) rowsForwardOdd(dst []complex128, src []float64) {
	sh := p.sh
	L, H, R := sh.L, sh.H, sh.R
	pairs := (R + 1) / 2
	for q0 := 0; q0 < pairs; q0 += sh.tile {
		tt := min(sh.tile, pairs-q0)
		a := p.a[:L*tt]
		for t := 0; t < tt; t++ {
			r := 2 * (q0 + t)
			ra := src[r*L : (r+1)*L]
			if r+1 < R {
				rb := src[(r+1)*L : (r+2)*L]
				for j := 0; j < L; j++ {
					a[j*tt+t] = complex(ra[j], rb[j])
				}
			} else {
				for j := 0; j < L; j++ {
					a[j*tt+t] = complex(ra[j], 0)
				}
			}
		}
		res := sh.row.TransformCompact(p.a, p.b, tt, false)
		for t := 0; t < tt; t++ {
			r := 2 * (q0 + t)
			oa := dst[r*H : (r+1)*H]
			var ob []complex128
			if r+1 < R {
				ob = dst[(r+1)*H : (r+2)*H]
			}
			for k := 0; k < H; k++ {
				zk, znk := res[k*tt+t], res[((L-k)%L)*tt+t]
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
	for q0 := 0; q0 < pairs; q0 += sh.tile {
		tt := min(sh.tile, pairs-q0)
		a := p.a[:L*tt]
		for t := 0; t < tt; t++ {
			r := 2 * (q0 + t)
			ia := src[r*H : (r+1)*H]
			var ib []complex128
			if r+1 < R {
				ib = src[(r+1)*H : (r+2)*H]
			}
			var b0 float64
			if ib != nil {
				b0 = real(ib[0])
			}
			a[t] = complex(s*real(ia[0]), s*b0)
			for k := 1; k < H; k++ {
				xa := ia[k]
				var xb complex128
				if ib != nil {
					xb = ib[k]
				}
				// Z_k = A + iB, Z_{L−k} = conj A + i conj B.
				a[k*tt+t] = complex(s*(real(xa)-imag(xb)), s*(imag(xa)+real(xb)))
				a[(L-k)*tt+t] = complex(s*(real(xa)+imag(xb)), s*(real(xb)-imag(xa)))
			}
		}
		res := sh.row.TransformCompact(p.a, p.b, tt, true)
		for t := 0; t < tt; t++ {
			r := 2 * (q0 + t)
			ra := dst[r*L : (r+1)*L]
			if r+1 < R {
				rb := dst[(r+1)*L : (r+2)*L]
				for j := 0; j < L; j++ {
					z := res[j*tt+t]
					ra[j], rb[j] = real(z), imag(z)
				}
			} else {
				for j := 0; j < L; j++ {
					ra[j] = real(res[j*tt+t])
				}
			}
		}
	}
}
