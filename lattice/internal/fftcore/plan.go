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

// factor returns the pass radices of n: fours first, then a two, then the
// odd primes in increasing order.
func factor(n int) []int {
	var f []int
	for n%4 == 0 {
		f = append(f, 4)
		n /= 4
	}
	if n%2 == 0 {
		f = append(f, 2)
		n /= 2
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
		if r != 2 && r != 3 && r != 4 && r != 5 {
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

// Transform computes the DFT along the rows of in into the rows of out.
// Row j of in is in[j*is : j*is+c] and row k of out is out[k*os : k*os+c];
// in and out may be the same rows (an in-place transform) but must not
// otherwise overlap. a and b are scratch of length ≥ BufRows()·c. inv
// selects the unnormalised inverse (sign +).
func (p *Plan) Transform(out []complex128, os int, in []complex128, is int, c int, a, b []complex128, inv bool) {
	if p.blue != nil {
		p.blue.transform(out, os, in, is, c, a, b, inv)
		return
	}
	S := len(p.stages)
	switch S {
	case 0:
		if &out[0] != &in[0] || os != is {
			for j := 0; j < p.n; j++ {
				copy(out[j*os:j*os+c], in[j*is:j*is+c])
			}
		}
		return
	case 1:
		p.stages[0].exec(out, os, in, is, c, inv)
		return
	}
	src, srcs := in, is
	bufs := [2][]complex128{a, b}
	for i := 0; i < S-1; i++ {
		dst := bufs[i%2]
		p.stages[i].exec(dst, c, src, srcs, c, inv)
		src, srcs = dst, c
	}
	p.stages[S-1].exec(out, os, src, srcs, c, inv)
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
	for i := range p.stages {
		dst := bufs[i%2]
		p.stages[i].exec(dst, c, src, c, c, inv)
		src = dst
	}
	return src
}

// exec runs one pass from rows of in (stride is) to rows of out (stride
// os), c columns each.
func (st *stage) exec(out []complex128, os int, in []complex128, is int, c int, inv bool) {
	r, mm, s := st.r, st.mm, st.s
	tw := st.tw
	if inv {
		tw = st.twi
	}
	merged := s == 1 || (is == c && os == c)
	run, nq := s*c, 1
	if !merged {
		run, nq = c, s
	}
	xs := mm * s * is // distance between input rows j and j+1 of a butterfly
	ys := s * os      // distance between output rows k and k+1
	for q := 0; q < nq; q++ {
		for p := 0; p < mm; p++ {
			xo := p*s*is + q*is
			yo := r*p*s*os + q*os
			x := in[xo:]
			y := out[yo:]
			if p == 0 {
				switch r {
				case 2:
					k2n(y, ys, x, xs, run)
				case 3:
					k3n(y, ys, x, xs, run, inv)
				case 4:
					k4n(y, ys, x, xs, run, inv)
				case 5:
					k5n(y, ys, x, xs, run, inv)
				default:
					st.kgen(y, ys, x, xs, run, nil, inv)
				}
				continue
			}
			w := tw[p*(r-1) : (p+1)*(r-1)]
			switch r {
			case 2:
				k2(y, ys, x, xs, run, w[0])
			case 3:
				k3(y, ys, x, xs, run, w[0], w[1], inv)
			case 4:
				k4(y, ys, x, xs, run, w[0], w[1], w[2], inv)
			case 5:
				k5(y, ys, x, xs, run, w[0], w[1], w[2], w[3], inv)
			default:
				st.kgen(y, ys, x, xs, run, w, inv)
			}
		}
	}
}

// Expi returns e^{2πi m/n}, accurate to an ulp or two for any integer m.
func Expi(m, n int) complex128 { return expi(m, n) }
