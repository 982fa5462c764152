// Copyright ©2026 The rgflow Authors. All rights reserved.

package lattice

// DCT is a reusable plan for the N-d type-II discrete cosine transform on a
// lattice with open (reflecting) boundaries and its inverse. Forward is the
// unnormalised textbook sum along every axis,
//
//	X_n = Σ_x x_x ∏_μ cos(πn_μ(x_μ+½)/L_μ),
//
// and Inverse (a scaled DCT-III) recovers x exactly. The modes have the
// dispersion Lattice.DCTKHat2.
//
// The transform is computed with one real-to-complex FFT (Makhoul's
// method): along every axis the samples are reordered as
// v = (x₀, x₂, x₄, …, x₅, x₃, x₁), so that with V = DFT(v) and
// ω_μ = e^{−iπ/(2L_μ)} the one-dimensional DCT-II is
// X_n = (ω^n V_n + ω^{−n} V_{−n})/2, applied axis by axis to the spectrum.
type DCT struct {
	l   *Lattice
	sh  *dctShape
	fft *FFT
	v   []float64    // the reordered field
	h   []complex128 // its half spectrum
	t   []complex128 // full-volume complex intermediate (d ≥ 2)
}

type dctShape struct {
	// src[μ][j] is the coordinate x_μ that lands at position j of the
	// reordered axis μ.
	src [][]int
	// om[μ][n] = e^{−iπn/(2L_μ)}/2, n < L_μ.
	om [][]complex128
}

// NewDCT returns a DCT-II plan for l.
func NewDCT(l *Lattice) *DCT {
	sh := &dctShape{src: make([][]int, len(l.dims)), om: make([][]complex128, len(l.dims))}
	for mu, L := range l.dims {
		s := make([]int, L)
		for j := 0; j < L; j++ {
			if 2*j < L {
				s[j] = 2 * j
			} else {
				s[j] = 2*(L-1-j) + 1
			}
		}
		sh.src[mu] = s
		om := make([]complex128, L)
		for n := range om {
			w := expi(-n, 4*L)
			om[n] = complex(0.5*real(w), 0.5*imag(w))
		}
		sh.om[mu] = om
	}
	return newDCTFromShape(l, sh, NewFFT(l))
}

func newDCTFromShape(l *Lattice, sh *dctShape, fft *FFT) *DCT {
	p := &DCT{l: l, sh: sh, fft: fft, v: make([]float64, l.volume), h: make([]complex128, l.HalfLen())}
	if len(l.dims) > 1 {
		p.t = make([]complex128, l.volume)
	}
	return p
}

// Clone returns an independent plan for the same lattice.
func (p *DCT) Clone() *DCT { return newDCTFromShape(p.l, p.sh, p.fft.Clone()) }

// Lattice returns the plan's lattice.
func (p *DCT) Lattice() *Lattice { return p.l }

// Len returns the volume.
func (p *DCT) Len() int { return p.l.volume }

func (p *DCT) check(dst, src []float64) []float64 {
	V := p.l.volume
	if len(src) != V {
		panic("lattice: field length mismatch")
	}
	if dst == nil {
		dst = make([]float64, V)
	} else if len(dst) != V {
		panic("lattice: spectrum length mismatch")
	}
	return dst
}

// Forward writes the DCT-II of src into dst and returns it.
func (p *DCT) Forward(dst, src []float64) []float64 {
	dst = p.check(dst, src)
	p.permute(p.v, src, false)
	p.fft.forward(p.h, p.v)
	d := len(p.l.dims)
	if d == 1 {
		p.postLast1(dst)
		return dst
	}
	p.postLast()
	for mu := d - 2; mu >= 1; mu-- {
		p.postMiddle(mu)
	}
	p.postFirst(dst)
	return dst
}

// Inverse writes the inverse DCT-II (a scaled DCT-III) of src into dst and
// returns it.
func (p *DCT) Inverse(dst, src []float64) []float64 {
	dst = p.check(dst, src)
	d := len(p.l.dims)
	if d == 1 {
		p.preLast1(src)
	} else {
		p.preFirst(src)
		for mu := 1; mu <= d-2; mu++ {
			p.preMiddle(mu)
		}
		p.preLast()
	}
	p.fft.inverse(p.v, p.h)
	p.permute(dst, p.v, true)
	return dst
}

// permute reorders x into v along every axis (v[j] = x[src(j)]), or back
// when inv is set (x[src(j)] = v[j]).
func (p *DCT) permute(out, in []float64, inv bool) {
	l := p.l
	d := len(l.dims)
	L := l.dims[d-1]
	last := p.sh.src[d-1]
	rows := l.volume / L
	var idx [maxDims]int
	if d > maxDims {
		panic("lattice: too many dimensions")
	}
	for r := 0; r < rows; r++ {
		// Source row offset: Σ_μ src[μ][n_μ]·stride_μ over the row's
		// multi-index n, advanced as an odometer.
		off := 0
		for mu := 0; mu < d-1; mu++ {
			off += p.sh.src[mu][idx[mu]] * l.strides[mu]
		}
		vr := r * L
		if inv {
			orow := out[off : off+L]
			irow := in[vr : vr+L]
			for j, s := range last {
				orow[s] = irow[j]
			}
		} else {
			orow := out[vr : vr+L]
			irow := in[off : off+L]
			for j, s := range last {
				orow[j] = irow[s]
			}
		}
		for mu := d - 2; mu >= 0; mu-- {
			idx[mu]++
			if idx[mu] < l.dims[mu] {
				break
			}
			idx[mu] = 0
		}
	}
}

// maxDims bounds d for the fixed-size odometer of permute.
const maxDims = 32

// postLast1 is the one-dimensional DCT from the half spectrum:
// X_k = Re(ω^k V_k), X_{L−k} = −Im(ω^k V_k).
func (p *DCT) postLast1(dst []float64) {
	L := p.l.dims[0]
	om := p.sh.om[0]
	for k := 0; k < len(p.h); k++ {
		z := 2 * om[k] * p.h[k]
		dst[k] = real(z)
		if k > 0 && L-k >= len(p.h) {
			dst[L-k] = -imag(z)
		}
	}
}

// postLast applies the last-axis map to the half spectrum h, writing the
// full-length complex rows of t. For row n' with mirror row −n',
// A = V(n', k), B = V(n', −k) = conj V(−n', k), P = ω^k A/2, Q = ω^{−k} B/2:
// T(n', k) = P + Q and T(n', L−k) = i(P − Q).
func (p *DCT) postLast() {
	l := p.l
	d := len(l.dims)
	L := l.dims[d-1]
	H := L/2 + 1
	om := p.sh.om[d-1]
	rows := l.volume / L
	var idx [maxDims]int
	for r := 0; r < rows; r++ {
		// Mirror row index of −n'.
		mr := 0
		for mu := 0; mu < d-1; mu++ {
			c := idx[mu]
			if c != 0 {
				c = l.dims[mu] - c
			}
			mr = mr*l.dims[mu] + c
		}
		hv := p.h[r*H : (r+1)*H]
		hm := p.h[mr*H : (mr+1)*H]
		tr := p.t[r*L : (r+1)*L]
		tr[0] = hv[0]
		for k := 1; k < H; k++ {
			a := hv[k]
			b := complex(real(hm[k]), -imag(hm[k]))
			w := om[k]
			pp := w * a
			qq := complex(real(w), -imag(w)) * b
			tr[k] = pp + qq
			if L-k != k {
				dd := pp - qq
				tr[L-k] = complex(-imag(dd), real(dd))
			}
		}
		for mu := d - 2; mu >= 0; mu-- {
			idx[mu]++
			if idx[mu] < l.dims[mu] {
				break
			}
			idx[mu] = 0
		}
	}
}

// postMiddle applies the one-dimensional map along axis mu (0 < mu < d−1)
// in place on t, to pairs of hyperplanes n and L−n.
func (p *DCT) postMiddle(mu int) {
	l := p.l
	L, s := l.dims[mu], l.strides[mu]
	om := p.sh.om[mu]
	outer := l.volume / (L * s)
	for o := 0; o < outer; o++ {
		base := o * L * s
		for n := 1; 2*n <= L; n++ {
			w := om[n]
			wc := complex(real(w), -imag(w))
			x := p.t[base+n*s : base+n*s+s]
			y := p.t[base+(L-n)*s : base+(L-n)*s+s]
			if 2*n == L {
				for i, v := range x {
					x[i] = (w + wc) * v
				}
				continue
			}
			for i := range x {
				pp, qq := w*x[i], wc*y[i]
				dd := pp - qq
				x[i] = pp + qq
				y[i] = complex(-imag(dd), real(dd))
			}
		}
	}
}

// postFirst applies the map along axis 0, where t is Hermitian in n₀:
// X(n) = Re(ω^n T(n)), X(L−n) = −Im(ω^n T(n)).
func (p *DCT) postFirst(dst []float64) {
	l := p.l
	L, s := l.dims[0], l.strides[0]
	om := p.sh.om[0]
	for n := 0; 2*n <= L; n++ {
		w := 2 * om[n]
		x := p.t[n*s : n*s+s]
		lo := dst[n*s : n*s+s]
		if n == 0 || 2*n == L {
			for i, v := range x {
				lo[i] = real(w * v)
			}
			continue
		}
		hi := dst[(L-n)*s : (L-n)*s+s]
		for i, v := range x {
			z := w * v
			lo[i] = real(z)
			hi[i] = -imag(z)
		}
	}
}

// The inverse maps: V_n = ω^{−n}(X_n − i X_{L−n}) with X_L = 0, and for the
// partner V_{L−n} = ω^n(X_n + i X_{L−n}).

func (p *DCT) preLast1(src []float64) {
	L := p.l.dims[0]
	om := p.sh.om[0]
	for k := range p.h {
		x := src[k]
		var y float64
		if k > 0 {
			y = src[L-k]
		}
		w := 2 * om[k]
		p.h[k] = complex(real(w), -imag(w)) * complex(x, -y)
	}
}

func (p *DCT) preFirst(src []float64) {
	l := p.l
	L, s := l.dims[0], l.strides[0]
	om := p.sh.om[0]
	for n := 0; 2*n <= L; n++ {
		x := src[n*s : n*s+s]
		tx := p.t[n*s : n*s+s]
		if n == 0 {
			for i, v := range x {
				tx[i] = complex(v, 0)
			}
			continue
		}
		w := 2 * om[n]
		wc := complex(real(w), -imag(w))
		y := src[(L-n)*s : (L-n)*s+s]
		ty := p.t[(L-n)*s : (L-n)*s+s]
		if 2*n == L {
			for i, v := range x {
				tx[i] = wc * complex(v, -v)
			}
			continue
		}
		for i := range x {
			tx[i] = wc * complex(x[i], -y[i])
			ty[i] = w * complex(x[i], y[i])
		}
	}
}

func (p *DCT) preMiddle(mu int) {
	l := p.l
	L, s := l.dims[mu], l.strides[mu]
	om := p.sh.om[mu]
	outer := l.volume / (L * s)
	for o := 0; o < outer; o++ {
		base := o * L * s
		for n := 1; 2*n <= L; n++ {
			w := 2 * om[n]
			wc := complex(real(w), -imag(w))
			x := p.t[base+n*s : base+n*s+s]
			y := p.t[base+(L-n)*s : base+(L-n)*s+s]
			if 2*n == L {
				for i, v := range x {
					x[i] = wc * (v + complex(imag(v), -real(v)))
				}
				continue
			}
			for i := range x {
				a, b := x[i], y[i]
				ib := complex(-imag(b), real(b))
				x[i] = wc * (a - ib)
				y[i] = w * (a + ib)
			}
		}
	}
}

func (p *DCT) preLast() {
	l := p.l
	d := len(l.dims)
	L := l.dims[d-1]
	H := L/2 + 1
	om := p.sh.om[d-1]
	rows := l.volume / L
	for r := 0; r < rows; r++ {
		tr := p.t[r*L : (r+1)*L]
		hv := p.h[r*H : (r+1)*H]
		hv[0] = tr[0]
		for k := 1; k < H; k++ {
			w := 2 * om[k]
			wc := complex(real(w), -imag(w))
			b := tr[L-k]
			hv[k] = wc * (tr[k] - complex(-imag(b), real(b)))
		}
	}
}
