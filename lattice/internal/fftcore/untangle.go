// Copyright ©2026 The rgflow Authors. All rights reserved.

package fftcore

// Untangle applies, for each of count rows and for k = 1…⌊n/2⌋,
//
//	e = scale·(A + conj B),  p = w[k]·(A − conj B),
//	dst[k] = e + p,          dst[n−k] = conj(e − p),
//
// with A = src[k] and B = src[n−k] of the row. Row r of dst starts at
// r·dstride and row r of src at r·sstride; dst may be src (in place). This
// one form separates the transform of a real row from that of its packed
// half-length complex row (w[k] = −i·e^{−2πik/2n}/2, scale ½) and packs a
// half spectrum for the inverse (w[k] = i·e^{2πik/2n}·s, scale s).
// Entry k = 0 (and n) is left to the caller.
func Untangle(dst []complex128, dstride int, src []complex128, sstride int, w []complex128, n, count int, scale float64) {
	if n < 2 || count < 1 {
		return
	}
	h := n / 2
	if len(w) <= h || (count-1)*dstride+n > len(dst) || (count-1)*sstride+n > len(src) {
		panic("fftcore: untangle out of bounds")
	}
	untangle(dst, dstride, src, sstride, w, n, count, scale)
}

func untangleGo(dst []complex128, dstride int, src []complex128, sstride int, w []complex128, n, count int, scale float64) {
	h := n / 2
	for r := 0; r < count; r++ {
		d := dst[r*dstride : r*dstride+n]
		s := src[r*sstride : r*sstride+n]
		for k := 1; k <= h; k++ {
			a, b := s[k], s[n-k]
			sr, si := real(a)+real(b), imag(a)-imag(b)
			dr, di := real(a)-real(b), imag(a)+imag(b)
			er, ei := scale*sr, scale*si
			wr, wi := real(w[k]), imag(w[k])
			pr, pi := wr*dr-wi*di, wr*di+wi*dr
			d[k] = complex(er+pr, ei+pi)
			d[n-k] = complex(er-pr, pi-ei)
		}
	}
}
