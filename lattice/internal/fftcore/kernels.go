// Copyright ©2026 The rgflow Authors. All rights reserved.

package fftcore

import "math"

// Butterfly kernels. Each applies one radix-r DIF butterfly to every column
// t < n of r input rows x[j*xs+t] and writes r output rows y[k*ys+t],
// output k multiplied by the twiddle w_k (k ≥ 1). The "n" variants have no
// twiddles (p = 0). Every column loads all its inputs before storing, so
// the output rows may coincide with the input rows.

// mulNegI returns −i·z.
func mulNegI(z complex128) complex128 { return complex(imag(z), -real(z)) }

// mulI returns i·z.
func mulI(z complex128) complex128 { return complex(-imag(z), real(z)) }

func k2n(y []complex128, ys int, x []complex128, xs int, n int) {
	x0, x1 := x[:n], x[xs:xs+n]
	y0, y1 := y[:n], y[ys:ys+n]
	for t := range x0 {
		a, b := x0[t], x1[t]
		y0[t] = a + b
		y1[t] = a - b
	}
}

func k2(y []complex128, ys int, x []complex128, xs int, n int, w complex128) {
	x0, x1 := x[:n], x[xs:xs+n]
	y0, y1 := y[:n], y[ys:ys+n]
	wr, wi := real(w), imag(w)
	for t := range x0 {
		a, b := x0[t], x1[t]
		y0[t] = a + b
		d := a - b
		y1[t] = complex(real(d)*wr-imag(d)*wi, real(d)*wi+imag(d)*wr)
	}
}

func k4n(y []complex128, ys int, x []complex128, xs int, n int, inv bool) {
	x0, x1, x2, x3 := x[:n], x[xs:xs+n], x[2*xs:2*xs+n], x[3*xs:3*xs+n]
	y0, y1, y2, y3 := y[:n], y[ys:ys+n], y[2*ys:2*ys+n], y[3*ys:3*ys+n]
	if inv {
		// The inverse butterfly is the forward one with outputs 1 and 3
		// exchanged.
		y1, y3 = y3, y1
	}
	for t := range x0 {
		a, b, c, d := x0[t], x1[t], x2[t], x3[t]
		apc, amc := a+c, a-c
		bpd, jbmd := b+d, mulNegI(b-d)
		y0[t] = apc + bpd
		y1[t] = amc + jbmd
		y2[t] = apc - bpd
		y3[t] = amc - jbmd
	}
}

func k4(y []complex128, ys int, x []complex128, xs int, n int, w1, w2, w3 complex128, inv bool) {
	x0, x1, x2, x3 := x[:n], x[xs:xs+n], x[2*xs:2*xs+n], x[3*xs:3*xs+n]
	y0, y1, y2, y3 := y[:n], y[ys:ys+n], y[2*ys:2*ys+n], y[3*ys:3*ys+n]
	if inv {
		y1, y3 = y3, y1
		w1, w3 = w3, w1
	}
	w1r, w1i := real(w1), imag(w1)
	w2r, w2i := real(w2), imag(w2)
	w3r, w3i := real(w3), imag(w3)
	for t := range x0 {
		a, b, c, d := x0[t], x1[t], x2[t], x3[t]
		apc, amc := a+c, a-c
		bpd, jbmd := b+d, mulNegI(b-d)
		y0[t] = apc + bpd
		u := amc + jbmd
		v := apc - bpd
		z := amc - jbmd
		y1[t] = complex(real(u)*w1r-imag(u)*w1i, real(u)*w1i+imag(u)*w1r)
		y2[t] = complex(real(v)*w2r-imag(v)*w2i, real(v)*w2i+imag(v)*w2r)
		y3[t] = complex(real(z)*w3r-imag(z)*w3i, real(z)*w3i+imag(z)*w3r)
	}
}

// sin60 = sin(π/3) = √3/2.
const sin60 = 0.86602540378443864676372317075293618347140262690519

func k3n(y []complex128, ys int, x []complex128, xs int, n int, inv bool) {
	k3(y, ys, x, xs, n, 1, 1, inv)
}

func k3(y []complex128, ys int, x []complex128, xs int, n int, w1, w2 complex128, inv bool) {
	x0, x1, x2 := x[:n], x[xs:xs+n], x[2*xs:2*xs+n]
	y0, y1, y2 := y[:n], y[ys:ys+n], y[2*ys:2*ys+n]
	s := sin60
	if inv {
		s = -s
	}
	for t := range x0 {
		a, b, c := x0[t], x1[t], x2[t]
		bpc := b + c
		m := a - 0.5*bpc
		d := mulNegI(complex(s*real(b-c), s*imag(b-c)))
		y0[t] = a + bpc
		y1[t] = (m + d) * w1
		y2[t] = (m - d) * w2
	}
}

// Radix-5 constants: cos and sin of 2π/5 and 4π/5.
var (
	c51 = math.Cos(2 * math.Pi / 5)
	c52 = math.Cos(4 * math.Pi / 5)
	s51 = math.Sin(2 * math.Pi / 5)
	s52 = math.Sin(4 * math.Pi / 5)
)

func k5n(y []complex128, ys int, x []complex128, xs int, n int, inv bool) {
	k5(y, ys, x, xs, n, 1, 1, 1, 1, inv)
}

func k5(y []complex128, ys int, x []complex128, xs int, n int, w1, w2, w3, w4 complex128, inv bool) {
	x0, x1, x2, x3, x4 := x[:n], x[xs:xs+n], x[2*xs:2*xs+n], x[3*xs:3*xs+n], x[4*xs:4*xs+n]
	y0, y1, y2, y3, y4 := y[:n], y[ys:ys+n], y[2*ys:2*ys+n], y[3*ys:3*ys+n], y[4*ys:4*ys+n]
	s1, s2 := s51, s52
	if inv {
		s1, s2 = -s1, -s2
	}
	for t := range x0 {
		a, b, c, d, e := x0[t], x1[t], x2[t], x3[t], x4[t]
		t1, t2 := b+e, b-e
		t3, t4 := c+d, c-d
		y0[t] = a + t1 + t3
		m1 := a + complex(c51*real(t1)+c52*real(t3), c51*imag(t1)+c52*imag(t3))
		m2 := a + complex(c52*real(t1)+c51*real(t3), c52*imag(t1)+c51*imag(t3))
		n1 := mulNegI(complex(s1*real(t2)+s2*real(t4), s1*imag(t2)+s2*imag(t4)))
		n2 := mulNegI(complex(s2*real(t2)-s1*real(t4), s2*imag(t2)-s1*imag(t4)))
		y1[t] = (m1 + n1) * w1
		y4[t] = (m1 - n1) * w4
		y2[t] = (m2 + n2) * w2
		y3[t] = (m2 - n2) * w3
	}
}

// kgen is the direct butterfly of a prime radix r ≤ MaxGenericRadix:
// output k is Σ_j x_j ω^{jk} times w[k-1] (w nil for no twiddles).
func (st *stage) kgen(y []complex128, ys int, x []complex128, xs int, n int, w []complex128, inv bool) {
	r := st.r
	roots := st.roots
	if inv {
		roots = st.rootsi
	}
	h := (r - 1) / 2
	var sum, dif [MaxGenericRadix/2 + 1]complex128
	for t := 0; t < n; t++ {
		a0 := x[t]
		y0 := a0
		// s_j = x_j + x_{r−j}, d_j = x_j − x_{r−j}; then
		// y_k = a0 + Σ_j Re(ω^{jk}) s_j + i Σ_j Im(ω^{jk}) d_j and
		// y_{r−k} is the same with the second sum negated.
		for j := 1; j <= h; j++ {
			xj, xr := x[j*xs+t], x[(r-j)*xs+t]
			sum[j], dif[j] = xj+xr, xj-xr
			y0 += sum[j]
		}
		y[t] = y0
		for k := 1; k <= h; k++ {
			var re, im complex128
			jk := 0
			for j := 1; j <= h; j++ {
				jk += k
				if jk >= r {
					jk -= r
				}
				om := roots[jk]
				re += complex(real(om)*real(sum[j]), real(om)*imag(sum[j]))
				im += complex(imag(om)*real(dif[j]), imag(om)*imag(dif[j]))
			}
			ik := mulI(im)
			yk, yr := a0+re+ik, a0+re-ik
			if w != nil {
				yk *= w[k-1]
				yr *= w[r-k-1]
			}
			y[k*ys+t] = yk
			y[(r-k)*ys+t] = yr
		}
	}
}

// rsqrt2 = 1/√2.
const rsqrt2 = 0.70710678118654752440084436210484903928483593768847

// k8 is the radix-8 DIF butterfly: a radix-2 step between rows j and
// j+4 with the internal twiddles ω₈^j on the differences, then radix-4
// butterflies on the sums (outputs 0, 2, 4, 6) and on the differences
// (outputs 1, 3, 5, 7). w holds the twiddles of outputs 1…7, nil for none.
func k8(y []complex128, ys int, x []complex128, xs int, n int, w []complex128, inv bool) {
	x0, x1, x2, x3 := x[:n], x[xs:xs+n], x[2*xs:2*xs+n], x[3*xs:3*xs+n]
	x4, x5, x6, x7 := x[4*xs:4*xs+n], x[5*xs:5*xs+n], x[6*xs:6*xs+n], x[7*xs:7*xs+n]
	y0, y1, y2, y3 := y[:n], y[ys:ys+n], y[2*ys:2*ys+n], y[3*ys:3*ys+n]
	y4, y5, y6, y7 := y[4*ys:4*ys+n], y[5*ys:5*ys+n], y[6*ys:6*ys+n], y[7*ys:7*ys+n]
	// rot(z) is −i·z forward and +i·z inverse.
	rot := mulNegI
	if inv {
		rot = mulI
	}
	var tw [8]complex128
	for k := range tw {
		tw[k] = 1
	}
	if w != nil {
		copy(tw[1:], w[:7])
	}
	for t := range x0 {
		a0, d0 := x0[t]+x4[t], x0[t]-x4[t]
		a1, d1 := x1[t]+x5[t], x1[t]-x5[t]
		a2, d2 := x2[t]+x6[t], x2[t]-x6[t]
		a3, d3 := x3[t]+x7[t], x3[t]-x7[t]
		// ω₈d = (d + rot d)/√2, ω₈²d = rot d, ω₈³d = (rot d − d)/√2.
		r1 := rot(d1)
		d1 = complex(rsqrt2*(real(d1)+real(r1)), rsqrt2*(imag(d1)+imag(r1)))
		d2 = rot(d2)
		r3 := rot(d3)
		d3 = complex(rsqrt2*(real(r3)-real(d3)), rsqrt2*(imag(r3)-imag(d3)))
		apc, amc, bpd, bmd := a0+a2, a0-a2, a1+a3, rot(a1-a3)
		y0[t] = (apc + bpd) * tw[0]
		y4[t] = (apc - bpd) * tw[4]
		y2[t] = (amc + bmd) * tw[2]
		y6[t] = (amc - bmd) * tw[6]
		apc, amc, bpd, bmd = d0+d2, d0-d2, d1+d3, rot(d1-d3)
		y1[t] = (apc + bpd) * tw[1]
		y5[t] = (apc - bpd) * tw[5]
		y3[t] = (amc + bmd) * tw[3]
		y7[t] = (amc - bmd) * tw[7]
	}
}
