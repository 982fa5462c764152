// Copyright ©2026 The rgflow Authors. All rights reserved.

package lattice

import (
	"rgflow/lattice/internal/fftcore"
)

// FFT is a reusable plan for the N-d real-to-complex transform on a lattice
// and its inverse. The forward transform is unnormalised,
//
//	φ̃_k = Σ_x e^{−ik·x} φ_x,
//
// and produces the half spectrum of shape Lattice.HalfDims(); Inverse is the
// exact inverse, φ_x = V⁻¹ Σ_k e^{ik·x} φ̃_k.
//
// A plan holds scratch space and must not be used by several goroutines at
// once; Clone gives each goroutine its own.
type FFT struct {
	l  *Lattice
	sh *realShape
	// a and b are the compact scratch of the passes; half holds the
	// intermediate half spectrum of Inverse (d ≥ 2), so that src is left
	// untouched.
	a, b []complex128
	half []complex128
	// pre holds the packed rows of one group (odd L, and the inverse).
	pre []complex128
}

// realShape is the immutable part of an FFT plan, shared by its clones.
type realShape struct {
	L, R, H int // last extent, number of rows V/L, half-row length L/2+1
	// The last axis is transformed as a complex sequence of length n: an
	// even L packs x_{2j} + i x_{2j+1} (n = L/2); an odd L packs two rows
	// as row₁ + i row₂ (n = L).
	odd   bool
	n     int
	row   *fftcore.Plan
	group int // rows (even L) or row pairs (odd L) per kernel call
	// Untangling twiddles (even L), k ≤ n/2: wf[k] = −i·W^k/2 for the
	// forward transform, wi[k] = i·conj(W^k)/V for the inverse, W = e^{−2πi/L}.
	wf, wi []complex128
	// axes are the complex passes along the non-last axes of the half
	// spectrum, innermost first.
	axes   []axisPass
	bufLen int
}

// NewFFT returns a real-to-complex plan for l.
func NewFFT(l *Lattice) *FFT {
	return newFFT(l, planCache{})
}

func newFFT(l *Lattice, pc planCache) *FFT {
	d := len(l.dims)
	L := l.dims[d-1]
	sh := &realShape{L: L, R: l.volume / L, H: L/2 + 1, odd: L%2 == 1}
	if sh.odd {
		sh.n = L
	} else {
		sh.n = L / 2
		sh.wf = make([]complex128, sh.n/2+1)
		sh.wi = make([]complex128, sh.n/2+1)
		s := 1 / float64(l.volume)
		for k := range sh.wf {
			w := expi(-k, L)
			sh.wf[k] = complex(0.5*imag(w), -0.5*real(w))
			sh.wi[k] = complex(s*imag(w), s*real(w))
		}
	}
	sh.row = pc.get(sh.n)
	units := sh.R
	if sh.odd {
		units = (sh.R + 1) / 2
	}
	sh.group = rowGroup(sh.row.BufRows(), units)
	sh.bufLen = sh.row.BufRows() * sh.group
	m := sh.H
	for mu := d - 2; mu >= 0; mu-- {
		n := l.dims[mu]
		outer := l.volume / L * sh.H / (m * n)
		if n > 1 {
			ap := newAxisPass(pc.get(n), outer, n, m)
			sh.axes = append(sh.axes, ap)
			sh.bufLen = max(sh.bufLen, ap.bufLen())
		}
		m *= n
	}
	return newFFTFromShape(l, sh)
}

func newFFTFromShape(l *Lattice, sh *realShape) *FFT {
	p := &FFT{l: l, sh: sh, a: make([]complex128, sh.bufLen), b: make([]complex128, sh.bufLen)}
	p.pre = make([]complex128, sh.n*sh.group)
	if len(sh.axes) > 0 {
		p.half = make([]complex128, l.HalfLen())
	}
	return p
}

// Clone returns an independent plan for the same lattice. It shares the
// immutable tables of p and allocates only its own scratch.
func (p *FFT) Clone() *FFT { return newFFTFromShape(p.l, p.sh) }

// Lattice returns the plan's lattice.
func (p *FFT) Lattice() *Lattice { return p.l }

// Len returns the length of the half spectrum, l.HalfLen().
func (p *FFT) Len() int { return p.l.HalfLen() }

// Forward writes the half spectrum of the real field src into dst and
// returns dst. If dst is nil a new slice is allocated. It panics if len(src)
// is not the volume or len(dst) is not Len().
func (p *FFT) Forward(dst []complex128, src []float64) []complex128 {
	if len(src) != p.l.volume {
		panic("lattice: field length mismatch")
	}
	if dst == nil {
		dst = make([]complex128, p.Len())
	} else if len(dst) != p.Len() {
		panic("lattice: spectrum length mismatch")
	}
	p.forward(dst, src)
	return dst
}

func (p *FFT) forward(dst []complex128, src []float64) {
	if p.sh.odd {
		p.rowsForwardOdd(dst, src)
	} else {
		p.rowsForwardEven(dst, src)
	}
	for i := range p.sh.axes {
		p.sh.axes[i].run(dst, dst, p.a, p.b, false)
	}
}

// Inverse writes into dst the real field whose half spectrum is src and
// returns dst; src is not modified. Only the Hermitian part of src is
// represented: entries that must be real (self-conjugate modes) have their
// imaginary parts ignored. If dst is nil a new slice is allocated.
//
// Precisely, the result is Re(φ) where φ is the inverse transform of the
// full spectrum that takes stored entries where the half spectrum holds
// them and conj(src at −k) elsewhere.
func (p *FFT) Inverse(dst []float64, src []complex128) []float64 {
	if len(src) != p.Len() {
		panic("lattice: spectrum length mismatch")
	}
	if dst == nil {
		dst = make([]float64, p.l.volume)
	} else if len(dst) != p.l.volume {
		panic("lattice: field length mismatch")
	}
	p.inverse(dst, src)
	return dst
}

func (p *FFT) inverse(dst []float64, src []complex128) {
	u := src
	if len(p.sh.axes) > 0 {
		u = p.half
		for i := range p.sh.axes {
			in := u
			if i == 0 {
				in = src
			}
			p.sh.axes[i].run(u, in, p.a, p.b, true)
		}
	}
	if p.sh.odd {
		p.rowsInverseOdd(dst, u)
	} else {
		p.rowsInverseEven(dst, u)
	}
}

// ForwardBatch transforms len(src)/V fields stored one after another in src
// into their half spectra, stored one after another in dst, and returns dst.
func (p *FFT) ForwardBatch(dst []complex128, src []float64) []complex128 {
	V, H := p.l.volume, p.Len()
	if len(src)%V != 0 {
		panic("lattice: batch length is not a multiple of the volume")
	}
	n := len(src) / V
	if dst == nil {
		dst = make([]complex128, n*H)
	} else if len(dst) != n*H {
		panic("lattice: batch spectrum length mismatch")
	}
	for b := 0; b < n; b++ {
		p.forward(dst[b*H:(b+1)*H], src[b*V:(b+1)*V])
	}
	return dst
}

// InverseBatch is the inverse of ForwardBatch.
func (p *FFT) InverseBatch(dst []float64, src []complex128) []float64 {
	V, H := p.l.volume, p.Len()
	if len(src)%H != 0 {
		panic("lattice: batch length is not a multiple of the spectrum length")
	}
	n := len(src) / H
	if dst == nil {
		dst = make([]float64, n*V)
	} else if len(dst) != n*V {
		panic("lattice: batch field length mismatch")
	}
	for b := 0; b < n; b++ {
		p.inverse(dst[b*V:(b+1)*V], src[b*H:(b+1)*H])
	}
	return dst
}

// CmplxFFT is a reusable plan for the N-d complex transform on a lattice,
// unnormalised forward (sign −) with an exact inverse (sign +, factor 1/V).
// dst and src may be the same slice.
type CmplxFFT struct {
	l    *Lattice
	sh   *cmplxShape
	a, b []complex128
}

type cmplxShape struct {
	L, R  int
	row   *fftcore.Plan // nil when L = 1
	group int
	// axes are the passes along the non-last axes, innermost first.
	axes   []axisPass
	bufLen int
}

// NewCmplxFFT returns a complex plan for l.
func NewCmplxFFT(l *Lattice) *CmplxFFT {
	pc := planCache{}
	d := len(l.dims)
	L := l.dims[d-1]
	sh := &cmplxShape{L: L, R: l.volume / L}
	if L > 1 {
		sh.row = pc.get(L)
		sh.group = rowGroup(sh.row.BufRows(), sh.R)
		sh.bufLen = sh.row.BufRows() * sh.group
	}
	m := L
	for mu := d - 2; mu >= 0; mu-- {
		n := l.dims[mu]
		if n > 1 {
			ap := newAxisPass(pc.get(n), l.volume/(m*n), n, m)
			sh.axes = append(sh.axes, ap)
			sh.bufLen = max(sh.bufLen, ap.bufLen())
		}
		m *= n
	}
	return newCmplxFromShape(l, sh)
}

func newCmplxFromShape(l *Lattice, sh *cmplxShape) *CmplxFFT {
	return &CmplxFFT{l: l, sh: sh, a: make([]complex128, sh.bufLen), b: make([]complex128, sh.bufLen)}
}

// Clone returns an independent plan for the same lattice.
func (p *CmplxFFT) Clone() *CmplxFFT { return newCmplxFromShape(p.l, p.sh) }

// Lattice returns the plan's lattice.
func (p *CmplxFFT) Lattice() *Lattice { return p.l }

// Len returns the volume.
func (p *CmplxFFT) Len() int { return p.l.volume }

// Forward writes the unnormalised transform of src into dst and returns it.
func (p *CmplxFFT) Forward(dst, src []complex128) []complex128 {
	return p.transform(dst, src, false)
}

// Inverse writes the exact inverse transform of src into dst and returns it.
func (p *CmplxFFT) Inverse(dst, src []complex128) []complex128 {
	return p.transform(dst, src, true)
}

func (p *CmplxFFT) transform(dst, src []complex128, inv bool) []complex128 {
	V := p.l.volume
	if len(src) != V {
		panic("lattice: field length mismatch")
	}
	if dst == nil {
		dst = make([]complex128, V)
	} else if len(dst) != V {
		panic("lattice: spectrum length mismatch")
	}
	scale := 1.0
	if inv {
		scale = 1 / float64(V)
	}
	in := src
	if p.sh.row != nil {
		p.rows(dst, src, inv, scale)
		in, scale = dst, 1
	}
	for i := range p.sh.axes {
		p.sh.axes[i].run(dst, in, p.a, p.b, inv)
		in = dst
	}
	if scale != 1 || &in[0] != &dst[0] {
		for i, v := range in {
			dst[i] = complex(scale*real(v), scale*imag(v))
		}
	}
	return dst
}

// rows transforms along the last axis, a group of rows per kernel call,
// and scales the result.
func (p *CmplxFFT) rows(dst, src []complex128, inv bool, scale float64) {
	sh := p.sh
	L := sh.L
	for r0 := 0; r0 < sh.R; r0 += sh.group {
		g := min(sh.group, sh.R-r0)
		sh.row.Transform(dst[r0*L:], 1, L, src[r0*L:], 1, L, 1, g, p.a, p.b, inv)
		if scale != 1 {
			blk := dst[r0*L : (r0+g)*L]
			for i, v := range blk {
				blk[i] = complex(scale*real(v), scale*imag(v))
			}
		}
	}
}
