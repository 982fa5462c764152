// Copyright ©2026 The rgflow Authors. All rights reserved.

package lattice

import (
	"math"

	"gonum.org/v1/gonum/dsp/fourier"
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
	l   *Lattice
	c   *CmplxFFT
	buf []complex128
}

// NewFFT returns a real-to-complex plan for l.
func NewFFT(l *Lattice) *FFT {
	return &FFT{l: l, c: NewCmplxFFT(l), buf: make([]complex128, l.volume)}
}

// Clone returns an independent plan for the same lattice.
func (p *FFT) Clone() *FFT { return NewFFT(p.l) }

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
	for i, v := range src {
		p.buf[i] = complex(v, 0)
	}
	p.c.Forward(p.buf, p.buf)
	d := len(p.l.dims)
	L := p.l.dims[d-1]
	h := L/2 + 1
	rows := p.l.volume / L
	for r := 0; r < rows; r++ {
		copy(dst[r*h:(r+1)*h], p.buf[r*L:r*L+h])
	}
	return dst
}

// Inverse writes into dst the real field whose half spectrum is src and
// returns dst; src is not modified. Only the Hermitian part of src is
// represented: entries that must be real (self-conjugate modes) have their
// imaginary parts ignored. If dst is nil a new slice is allocated.
func (p *FFT) Inverse(dst []float64, src []complex128) []float64 {
	if len(src) != p.Len() {
		panic("lattice: spectrum length mismatch")
	}
	if dst == nil {
		dst = make([]float64, p.l.volume)
	} else if len(dst) != p.l.volume {
		panic("lattice: field length mismatch")
	}
	// Rebuild the full spectrum from Hermitian symmetry.
	l := p.l
	d := len(l.dims)
	n := make([]int, d)
	m := make([]int, d)
	for i := 0; i < l.volume; i++ {
		l.Coords(n, i)
		if j, ok := l.HalfIndex(n); ok {
			p.buf[i] = src[j]
			continue
		}
		for mu := range n {
			m[mu] = -n[mu]
		}
		j, _ := l.HalfIndex(m)
		v := src[j]
		p.buf[i] = complex(real(v), -imag(v))
	}
	p.c.Inverse(p.buf, p.buf)
	for i := range dst {
		dst[i] = real(p.buf[i])
	}
	return dst
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
		p.Forward(dst[b*H:(b+1)*H], src[b*V:(b+1)*V])
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
		p.Inverse(dst[b*V:(b+1)*V], src[b*H:(b+1)*H])
	}
	return dst
}

// CmplxFFT is a reusable plan for the N-d complex transform on a lattice,
// unnormalised forward (sign −) with an exact inverse (sign +, factor 1/V).
// dst and src may be the same slice.
type CmplxFFT struct {
	l     *Lattice
	lines []*fourier.CmplxFFT
	line  []complex128
}

// NewCmplxFFT returns a complex plan for l.
func NewCmplxFFT(l *Lattice) *CmplxFFT {
	p := &CmplxFFT{l: l, lines: make([]*fourier.CmplxFFT, len(l.dims))}
	maxL := 0
	for mu, L := range l.dims {
		p.lines[mu] = fourier.NewCmplxFFT(L)
		maxL = max(maxL, L)
	}
	p.line = make([]complex128, maxL)
	return p
}

// Clone returns an independent plan for the same lattice.
func (p *CmplxFFT) Clone() *CmplxFFT { return NewCmplxFFT(p.l) }

// Len returns the volume.
func (p *CmplxFFT) Len() int { return p.l.volume }

// Forward writes the unnormalised transform of src into dst and returns it.
func (p *CmplxFFT) Forward(dst, src []complex128) []complex128 {
	return p.transform(dst, src, false)
}

// Inverse writes the exact inverse transform of src into dst and returns it.
func (p *CmplxFFT) Inverse(dst, src []complex128) []complex128 {
	dst = p.transform(dst, src, true)
	s := complex(1/float64(p.l.volume), 0)
	for i := range dst {
		dst[i] *= s
	}
	return dst
}

func (p *CmplxFFT) transform(dst, src []complex128, inverse bool) []complex128 {
	V := p.l.volume
	if len(src) != V {
		panic("lattice: field length mismatch")
	}
	if dst == nil {
		dst = make([]complex128, V)
	} else if len(dst) != V {
		panic("lattice: spectrum length mismatch")
	}
	copy(dst, src)
	for mu, L := range p.l.dims {
		if L == 1 {
			continue
		}
		s := p.l.strides[mu]
		line := p.line[:L]
		for base := 0; base < V; base++ {
			if (base/s)%L != 0 {
				continue
			}
			for c := 0; c < L; c++ {
				line[c] = dst[base+c*s]
			}
			if inverse {
				p.lines[mu].Sequence(line, line)
			} else {
				p.lines[mu].Coefficients(line, line)
			}
			for c := 0; c < L; c++ {
				dst[base+c*s] = line[c]
			}
		}
	}
	return dst
}

// DCT is a reusable plan for the N-d type-II discrete cosine transform on a
// lattice with open (reflecting) boundaries and its inverse. Forward is the
// unnormalised textbook sum along every axis,
//
//	X_n = Σ_x x_x ∏_μ cos(πn_μ(x_μ+½)/L_μ),
//
// and Inverse (a scaled DCT-III) recovers x exactly. The modes have the
// dispersion Lattice.DCTKHat2.
type DCT struct {
	l    *Lattice
	cos  [][]float64 // cos[μ][n*L+x]
	line []float64
	out  []float64
}

// NewDCT returns a DCT-II plan for l.
func NewDCT(l *Lattice) *DCT {
	p := &DCT{l: l, cos: make([][]float64, len(l.dims))}
	maxL := 0
	for mu, L := range l.dims {
		t := make([]float64, L*L)
		for n := 0; n < L; n++ {
			for x := 0; x < L; x++ {
				t[n*L+x] = math.Cos(math.Pi * float64(n) * (float64(x) + 0.5) / float64(L))
			}
		}
		p.cos[mu] = t
		maxL = max(maxL, L)
	}
	p.line = make([]float64, maxL)
	p.out = make([]float64, maxL)
	return p
}

// Clone returns an independent plan for the same lattice.
func (p *DCT) Clone() *DCT { return NewDCT(p.l) }

// Len returns the volume.
func (p *DCT) Len() int { return p.l.volume }

// Forward writes the DCT-II of src into dst and returns it.
func (p *DCT) Forward(dst, src []float64) []float64 { return p.transform(dst, src, false) }

// Inverse writes the inverse DCT-II (a scaled DCT-III) of src into dst and
// returns it.
func (p *DCT) Inverse(dst, src []float64) []float64 { return p.transform(dst, src, true) }

func (p *DCT) transform(dst, src []float64, inverse bool) []float64 {
	V := p.l.volume
	if len(src) != V {
		panic("lattice: field length mismatch")
	}
	if dst == nil {
		dst = make([]float64, V)
	} else if len(dst) != V {
		panic("lattice: spectrum length mismatch")
	}
	copy(dst, src)
	for mu, L := range p.l.dims {
		s := p.l.strides[mu]
		line, out, t := p.line[:L], p.out[:L], p.cos[mu]
		for base := 0; base < V; base++ {
			if (base/s)%L != 0 {
				continue
			}
			for c := 0; c < L; c++ {
				line[c] = dst[base+c*s]
			}
			if inverse {
				for x := 0; x < L; x++ {
					v := 0.5 * line[0]
					for n := 1; n < L; n++ {
						v += line[n] * t[n*L+x]
					}
					out[x] = 2 * v / float64(L)
				}
			} else {
				for n := 0; n < L; n++ {
					v := 0.0
					for x := 0; x < L; x++ {
						v += line[x] * t[n*L+x]
					}
					out[n] = v
				}
			}
			for c := 0; c < L; c++ {
				dst[base+c*s] = out[c]
			}
		}
	}
	return dst
}
