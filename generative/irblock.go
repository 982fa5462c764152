// Copyright ©2026 The rgflow Authors. All rights reserved.

package generative

import (
	"fmt"
	"math"

	"rgflow/erg"
	"rgflow/field"
	"rgflow/lattice"
)

// IRBlock is the block of the lowest modes of a periodic process, |n_μ| ≤ r
// in every direction, as a forward process of its own, so that a separate
// score model can restore them.
//
// The last steps of the inverse RG restore the lowest modes: the zero mode
// x̃(0) = V·M — the magnetisation, which alone carries ⟨|M|⟩, χ, U₄ and the
// sectors of a broken phase — and the few modes next to it, where the
// non-Gaussianity of a near-critical field lives. In the loss of a network
// on the whole lattice each of them is one mode among V and reaches the
// network as a plane wave of amplitude ~1/√V in the whitened field, so such
// a network can learn them poorly. The forward process acts on each mode
// separately, so the block has a forward process of its own.
//
// It lives on the n^d lattice Small (n = 2r + 1, odd, so no mode of the
// block is a Nyquist mode), whose Fourier modes are labelled by the same
// n: mode n of the small lattice is mode n of the large one, with the large
// process's energy ε = k̂²(n), reference variance σ²(n) and schedule, and
// coefficients scaled by C = √(n^d/V) so that covariance eigenvalues
// (spectra) are the same on both. A score model on the small lattice (for
// r = 0 a time-conditioned MLP on the magnetisation alone) is trained by
// denoising score matching on the projections of the training fields onto
// the block (Project), with the block's part of the Gaussian baseline
// (Baseline); WithIR composes it with a lattice denoiser.
type IRBlock struct {
	Large *Process // the lattice process the block is part of
	Small *lattice.Lattice
	Proc  *Process // the block's forward process on Small
	// Big[j] is the mode of Large of mode j of Proc.
	Big []int
	// C is the coefficient scale √(n^d/V): x_small = C·x_large.
	C float64
}

// NewIRBlock returns the block of modes |n_μ| ≤ r of p. p must have the
// Periodic basis and every lattice extent must exceed 2r.
func NewIRBlock(p *Process, r int) (*IRBlock, error) {
	l := p.Lat
	n := 2*r + 1
	if p.Basis != erg.Periodic {
		return nil, fmt.Errorf("generative: IR block of a %v process: needs the periodic basis", p.Basis)
	}
	if r < 0 {
		return nil, fmt.Errorf("generative: IR block of radius %d", r)
	}
	dims := make([]int, l.Dim())
	for mu := range dims {
		if l.Extent(mu) <= 2*r {
			return nil, fmt.Errorf("generative: IR block of extent %d needs every lattice extent > %d (have %v)", n, 2*r, l.Dims())
		}
		dims[mu] = n
	}
	sl, err := lattice.New(dims...)
	if err != nil {
		return nil, err
	}
	b := &IRBlock{Large: p, Small: sl, Big: make([]int, sl.HalfLen()), C: math.Sqrt(float64(sl.Volume()) / float64(l.Volume()))}
	eps := make([]float64, sl.HalfLen())
	s2 := make([]float64, sl.HalfLen())
	lab := make([]int, l.Dim())
	for j := range b.Big {
		sl.HalfMode(lab, j)
		for mu := range lab {
			lab[mu] = lattice.FoldMode(lab[mu], n)
		}
		J, ok := l.HalfIndex(lab)
		if !ok {
			return nil, fmt.Errorf("generative: IR mode %v is not in the stored half of %v", lab, l)
		}
		b.Big[j] = J
		eps[j], s2[j] = p.Eps[J], p.Sigma2[J]
	}
	b.Proc, err = erg.NewProcess(sl, erg.Periodic, p.Sched, p.T, eps, s2)
	return b, err
}

// Project returns the projections of the fields of e, fields of the large
// lattice, onto the block, as fields of the small lattice.
func (b *IRBlock) Project(e *field.Ensemble) *field.Ensemble {
	big, small := b.Large.NewPlan(), b.Proc.NewPlan()
	mb := make([]complex128, b.Large.Modes())
	ms := make([]complex128, b.Proc.Modes())
	out := field.NewEnsemble(b.Small, e.Len())
	for i := 0; i < e.Len(); i++ {
		big.ToModes(mb, e.Field(i))
		for j, J := range b.Big {
			ms[j] = complex(b.C, 0) * mb[J]
		}
		small.ToField(out.Field(i), ms)
	}
	return out
}

// Baseline returns the block's Gaussian baseline: the spectrum of g, a
// Gaussian score of the large process, on the modes of the block.
func (b *IRBlock) Baseline(g *Gaussian) (*Gaussian, error) {
	g0 := make([]float64, len(b.Big))
	for j, J := range b.Big {
		g0[j] = g.G0[J]
	}
	return NewGaussian(b.Proc, g0)
}

// WithIR returns the denoiser of the large process that takes the
// estimates of the modes of the block from ir, a denoiser of b.Proc, and
// those of every other mode from s:
//
//	x̂₀(n ∈ block) = D_ir(C·x̃_t|_block, t)(n) / C.
//
// What it leaves out is the information the modes outside the block carry
// about those in it (s still sees all of x_t). Its Denoise allows dst to
// alias xt when s does; it keeps buffers between calls, so it is not safe
// for concurrent use. When s is a PosteriorVariancer the result is one too,
// with the posterior variances of s (the block's baseline has the same
// spectrum and schedule on its modes).
func WithIR(s, ir Score, b *IRBlock) Score {
	w := &withIR{Score: s, ir: ir, b: b, m: b.Large.Modes()}
	if pv, ok := s.(PosteriorVariancer); ok {
		return &withIRVar{withIR: w, pv: pv}
	}
	return w
}

type withIR struct {
	Score  // the lattice denoiser (every mode)
	ir     Score
	b      *IRBlock
	m      int // modes of the large process
	xt, x0 []complex128
}

func (w *withIR) Denoise(dst, xt []complex128, t []float64) []complex128 {
	B, m := len(t), len(w.b.Big)
	if cap(w.xt) < B*m {
		w.xt, w.x0 = make([]complex128, B*m), make([]complex128, B*m)
	}
	zt, z0 := w.xt[:B*m], w.x0[:B*m]
	c := complex(w.b.C, 0)
	for b := 0; b < B; b++ {
		for j, J := range w.b.Big {
			zt[b*m+j] = c * xt[b*w.m+J]
		}
	}
	dst = w.Score.Denoise(dst, xt, t) // may alias xt: zt was copied first
	z0 = w.ir.Denoise(z0, zt, t)
	for b := 0; b < B; b++ {
		for j, J := range w.b.Big {
			dst[b*w.m+J] = z0[b*m+j] / c
		}
	}
	return dst
}

// withIRVar is a withIR that forwards the posterior variances of the
// lattice denoiser.
type withIRVar struct {
	*withIR
	pv PosteriorVariancer
}

func (w *withIRVar) PosteriorVar(j int, t float64) float64 { return w.pv.PosteriorVar(j, t) }
