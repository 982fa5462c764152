// Copyright ©2026 The rgflow Authors. All rights reserved.

package fftcore

import (
	"math"
)

// MaxGenericRadix is the largest prime factor done by a direct O(r²)
// butterfly pass; lengths with a larger prime factor use Bluestein's
// algorithm. At r ≈ 40 the direct pass costs about as much per element as
// the three power-of-two transforms of length ≥ 2n inside Bluestein.
const MaxGenericRadix = 41

// Plan is an immutable plan for the complex DFT of length n on vectors.
type Plan struct {
	n      int
	stages []stage
	blue   *bluestein
}

// stage is one Stockham pass of radix r at current length r·mm, with s rows
// per run (the product of the radices of the earlier passes).
type stage struct {
	r, mm, s int
	// tw[p*(r-1)+k-1] = e^{-2πi p k/(r·mm)}; twi is its conjugate.
	tw, twi []complex128
	// roots[m] = e^{-2πi m/r} and its conjugate, for the generic radix.
	roots, rootsi []complex128
}

// New returns a plan for length n ≥ 1.
func New(n int) *Plan {
	if n < 1 {
		panic("fftcore: length must be positive")
	}
	p := &Plan{n: n}
	f := factor(n)
	if len(f) > 0 && f[len(f)-1] > MaxGenericRadix {
		p.blue = newBluestein(n)
		return p
	}
	p.stages = makeStages(n, f)
	return p
}

// Len returns the transform length n.
func (p *Plan) Len() int { return p.n }

// BufRows returns the number of rows each of the two compact scratch
// buffers must hold: the scratch for a transform of c columns has length at
// least BufRows()·c.
func (p *Plan) BufRows() int {
	if p.blue != nil {
		return p.blue.m
	}
	return p.n
}

// Radices returns the radix of each pass, or nil for a Bluestein plan.
func (p *Plan) Radices() []int {
	if p.blue != nil {
		return nil
	}
	r := make([]int, len(p.stages))
	for i, st := range p.stages {
		r[i] = st.r
	}
	return r
}

// factor returns the pass radices of n: eights first, then fours (two
// fours rather than an eight and a two), a two only for n = 2·odd, then
// the odd primes in increasing order.
func factor(n int) []int {
	var f []int
	k := 0
	for n%2 == 0 {
		k++
		n /= 2
	}
	n8, n4, n2 := k/3, 0, 0
	switch k % 3 {
	case 1:
		if n8 > 0 {
			n8, n4 = n8-1, 2
		} else {
			n2 = 1
		}
	case 2:
		n4 = 1
	}
	for range n8 {
		f = append(f, 8)
	}
	for range n4 {
		f = append(f, 4)
	}
	for range n2 {
		f = append(f, 2)
	}
	for q := 3; q*q <= n; q += 2 {
		for n%q == 0 {
			f = append(f, q)
			n /= q
		}
	}
	if n > 1 {
		f = append(f, n)
	}
	// Keep the largest prime last so New can test it; the order of the
	// odd primes is already increasing.
	return f
}

func makeStages(n int, radices []int) []stage {
	st := make([]stage, len(radices))
	cur, s := n, 1
	for i, r := range radices {
		mm := cur / r
		g := stage{r: r, mm: mm, s: s}
		if mm > 1 {
			g.tw = make([]complex128, mm*(r-1))
			g.twi = make([]complex128, mm*(r-1))
			for p := 0; p < mm; p++ {
				for k := 1; k < r; k++ {
					w := expi(-(p*k)%cur, cur)
					g.tw[p*(r-1)+k-1] = w
					g.twi[p*(r-1)+k-1] = conj(w)
				}
			}
		}
		if r != 2 && r != 3 && r != 4 && r != 5 && r != 8 {
			g.roots = make([]complex128, r)
			g.rootsi = make([]complex128, r)
			for m := 0; m < r; m++ {
				g.roots[m] = expi(-m, r)
				g.rootsi[m] = conj(g.roots[m])
			}
		}
		st[i] = g
		cur = mm
		s *= r
	}
	return st
}

// expi returns e^{2πi m/n} accurately, reducing m modulo n and using the
// symmetries of the circle so that the argument of Sincos stays below π/4.
func expi(m, n int) complex128 {
	m %= n
	if m < 0 {
		m += n
	}
	// Work in units of n/8: reduce to an angle in [0, π/4].
	n8 := 8 * m
	oct := n8 / n // octant 0…7
	r := n8 - oct*n
	var x int
	if oct%2 == 0 {
		x = r
	} else {
		x = n - r
	}
	// angle within octant: θ = (π/4)·x/n
	s, c := math.Sincos(math.Pi / 4 * float64(x) / float64(n))
	var re, im float64
	switch oct {
	case 0:
		re, im = c, s
	case 1:
		re, im = s, c
	case 2:
		re, im = -s, c
	case 3:
		re, im = -c, s
	case 4:
		re, im = -c, -s
	case 5:
		re, im = -s, -c
	case 6:
		re, im = s, -c
	case 7:
		re, im = c, -s
	}
	return complex(re, im)
}

func conj(z complex128) complex128 { return complex(real(z), -imag(z)) }

// Transform computes the DFT along the rows of count blocks. Row j of
// block b of in is in[b*ib+j*is : b*ib+j*is+c], and row k of block b of out
// is out[b*ob+k*os : b*ob+k*os+c]. in and out may be the same rows (an
// in-place transform) but must not otherwise overlap. a and b are scratch
// of length ≥ BufRows()·c·count. inv selects the unnormalised inverse
// (sign +).
func (p *Plan) Transform(out []complex128, os, ob int, in []complex128, is, ib int, c, count int, a, b []complex128, inv bool) {
	if p.blue != nil {
		for k := 0; k < count; k++ {
			p.blue.transform(out[k*ob:], os, in[k*ib:], is, c, a, b, inv)
		}
		return
	}
	S := len(p.stages)
	switch S {
	case 0:
		for k := 0; k < count; k++ {
			o, i := out[k*ob:], in[k*ib:]
			if &o[0] != &i[0] || os != is {
				for j := 0; j < p.n; j++ {
					copy(o[j*os:j*os+c], i[j*is:j*is+c])
				}
			}
		}
		return
	case 1:
		p.stages[0].exec(out, os, ob, in, is, ib, c, count, inv)
		return
	}
	nc := p.n * c
	src, srcs, srcb := in, is, ib
	bufs := [2][]complex128{a, b}
	for i := 0; i < S-1; i++ {
		dst := bufs[i%2]
		p.stages[i].exec(dst, c, nc, src, srcs, srcb, c, count, inv)
		src, srcs, srcb = dst, c, nc
	}
	p.stages[S-1].exec(out, os, ob, src, srcs, srcb, c, count, inv)
}

// TransformCompact transforms the compact rows held in a (row j at
// a[j*c:(j+1)*c]) using b as scratch, and returns whichever of a and b
// holds the result. Both must have length ≥ BufRows()·c.
func (p *Plan) TransformCompact(a, b []complex128, c int, inv bool) []complex128 {
	if p.blue != nil {
		p.blue.transform(a, c, a, c, c, a, b, inv)
		return a
	}
	bufs := [2][]complex128{b, a}
	src := a
	nc := p.n * c
	for i := range p.stages {
		dst := bufs[i%2]
		p.stages[i].exec(dst, c, nc, src, c, nc, c, 1, inv)
		src = dst
	}
	return src
}

// exec runs one pass on count blocks, from rows of in (row stride is,
// block stride ib) to rows of out (os, ob), c columns each.
func (st *stage) exec(out []complex128, os, ob int, in []complex128, is, ib int, c, count int, inv bool) {
	s := st.s
	tw := st.tw
	if inv {
		tw = st.twi
	}
	// Butterfly p of a pass reads rows (p + j·mm)·s + q and writes rows
	// (r·p + k)·s + q, q < s. When the q rows are contiguous on both sides
	// they form one run of s·c columns.
	xrow, yrow := s*is, s*os
	if s == 1 || (is == c && os == c) {
		st.pass(out, yrow, ob, in, xrow, ib, tw, s*c, count, inv)
		return
	}
	for q := 0; q < s; q++ {
		st.pass(out[q*os:], yrow, ob, in[q*is:], xrow, ib, tw, c, count, inv)
	}
}

// pass dispatches one pass to the kernel of its radix.
func (st *stage) pass(y []complex128, yrow, yblk int, x []complex128, xrow, xblk int, tw []complex128, run, count int, inv bool) {
	switch st.r {
	case 2:
		pass2(y, yrow, yblk, x, xrow, xblk, tw, st.mm, run, count)
	case 4:
		pass4(y, yrow, yblk, x, xrow, xblk, tw, st.mm, run, count, inv)
	case 8:
		pass8(y, yrow, yblk, x, xrow, xblk, tw, st.mm, run, count, inv)
	case 3:
		pass3(y, yrow, yblk, x, xrow, xblk, tw, st.mm, run, count, inv)
	case 5:
		pass5(y, yrow, yblk, x, xrow, xblk, tw, st.mm, run, count, inv)
	default:
		for b := 0; b < count; b++ {
			yb, xb := y[b*yblk:], x[b*xblk:]
			for p := 0; p < st.mm; p++ {
				var w []complex128
				if p > 0 {
					w = tw[p*(st.r-1) : (p+1)*(st.r-1)]
				}
				st.kgen(yb[st.r*p*yrow:], yrow, xb[p*xrow:], st.mm*xrow, run, w, inv)
			}
		}
	}
}

// pass3Go is the portable radix-3 pass, laid out as pass4Go.
func pass3Go(y []complex128, yrow, yblk int, x []complex128, xrow, xblk int, tw []complex128, mm, run, count int, inv bool) {
	for b := 0; b < count; b++ {
		yb, xb := y[b*yblk:], x[b*xblk:]
		k3n(yb, yrow, xb, mm*xrow, run, inv)
		for p := 1; p < mm; p++ {
			k3(yb[3*p*yrow:], yrow, xb[p*xrow:], mm*xrow, run, tw[2*p], tw[2*p+1], inv)
		}
	}
}

// pass5Go is the portable radix-5 pass, laid out as pass4Go.
func pass5Go(y []complex128, yrow, yblk int, x []complex128, xrow, xblk int, tw []complex128, mm, run, count int, inv bool) {
	for b := 0; b < count; b++ {
		yb, xb := y[b*yblk:], x[b*xblk:]
		k5n(yb, yrow, xb, mm*xrow, run, inv)
		for p := 1; p < mm; p++ {
			w := tw[4*p : 4*p+4]
			k5(yb[5*p*yrow:], yrow, xb[p*xrow:], mm*xrow, run, w[0], w[1], w[2], w[3], inv)
		}
	}
}

// pass4Go is the portable radix-4 pass: for every block and every p < mm,
// the butterfly reads rows x[(p+j·mm)·xrow : +run] and writes rows
// y[(4p+k)·yrow : +run], output k ≥ 1 multiplied by tw[3p+k−1]. The
// entries for p = 0 must be 1: some kernels skip them, others read them.
func pass4Go(y []complex128, yrow, yblk int, x []complex128, xrow, xblk int, tw []complex128, mm, run, count int, inv bool) {
	for b := 0; b < count; b++ {
		yb, xb := y[b*yblk:], x[b*xblk:]
		k4n(yb, yrow, xb, mm*xrow, run, inv)
		for p := 1; p < mm; p++ {
			w := tw[3*p : 3*p+3]
			k4(yb[4*p*yrow:], yrow, xb[p*xrow:], mm*xrow, run, w[0], w[1], w[2], inv)
		}
	}
}

// pass8Go is the portable radix-8 pass, laid out as pass4Go.
func pass8Go(y []complex128, yrow, yblk int, x []complex128, xrow, xblk int, tw []complex128, mm, run, count int, inv bool) {
	for b := 0; b < count; b++ {
		yb, xb := y[b*yblk:], x[b*xblk:]
		k8(yb, yrow, xb, mm*xrow, run, nil, inv)
		for p := 1; p < mm; p++ {
			k8(yb[8*p*yrow:], yrow, xb[p*xrow:], mm*xrow, run, tw[7*p:7*p+7], inv)
		}
	}
}

// pass2Go is the portable radix-2 pass, laid out as pass4Go.
func pass2Go(y []complex128, yrow, yblk int, x []complex128, xrow, xblk int, tw []complex128, mm, run, count int) {
	for b := 0; b < count; b++ {
		yb, xb := y[b*yblk:], x[b*xblk:]
		k2n(yb, yrow, xb, mm*xrow, run)
		for p := 1; p < mm; p++ {
			k2(yb[2*p*yrow:], yrow, xb[p*xrow:], mm*xrow, run, tw[p])
		}
	}
}

// Expi returns e^{2πi m/n}, accurate to an ulp or two for any integer m.
func Expi(m, n int) complex128 { return expi(m, n) }
