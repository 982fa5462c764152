// Copyright ©2026 The rgflow Authors. All rights reserved.

package main

import (
	"fmt"
	"math"

	"rgflow/erg"
	"rgflow/field"
	"rgflow/generative"
	"rgflow/lattice"
)

// The infrared block of modes gets a score model of its own.
//
// The last steps of the inverse RG restore the lowest modes: the zero mode
// x̃(0) = V·M — the magnetisation, which alone carries ⟨|M|⟩, χ, U₄ and the
// sectors of the broken phase — and the few modes next to it, where the
// near-critical non-Gaussianity lives. In the lattice network's loss each
// of them is one mode among V, and each reaches the network as a plane
// wave of amplitude ~1/√V in the whitened field: measured on 16², a
// network trained on the lattice stays at the Gaussian baseline for
// κ = 0.27, λ = 0.022 (held-out loss 1.006, U₄ = −0.01 against 0.53), and
// learns the zero mode only in part for κ = 0.342, λ = 0.5 (its zero-mode
// denoising error at t/T = 0.8 is 20% above that of the 1-D Bayes denoiser
// of the training magnetisations).
//
// The forward process acts on each mode separately, so the block B of
// modes with |n_μ| ≤ r in every direction has a forward process of its own.
// It lives on the n^d lattice (n = 2r + 1, odd, so no mode of B is a Nyquist
// mode), whose Fourier modes are labelled by the same n: mode n of the
// small lattice is mode n of the large one, with the large lattice's
// energy ε = k̂²(n), reference variance σ²(n) and schedule, and
// coefficients scaled by c = √(n^d/V) so that covariance eigenvalues
// (spectra) are the same on both. A score network on the small lattice —
// for r = 0 a time-conditioned MLP on the magnetisation alone — is trained
// by the same denoising score matching on the projections of the training
// fields onto B (and their mirror images), with the same Gaussian baseline
// (the measured spectrum on B) and the same preconditioning. During
// generation the lattice network's denoiser is used for every mode outside
// B, and the block model's for the modes of B:
//
//	x̂₀(n ∈ B) = D_B(c·x̃_t|_B, t)(n) / c.
//
// What it leaves out is the information the modes outside B carry about
// those in B (and vice versa: the lattice network still sees all of x_t).

// irBlock maps the modes of the small lattice to those of the large one.
type irBlock struct {
	Small *lattice.Lattice
	Proc  *erg.Process // the block's forward process on Small
	// Big[j] is the large process's mode of small mode j.
	Big []int
	// C is the coefficient scale c = √(n^d/V): x_small = c·x_big.
	C float64
}

// newIRBlock returns the block of modes |n_μ| ≤ r of p.
func newIRBlock(p *erg.Process, r int) (*irBlock, error) {
	l := p.Lat
	n := 2*r + 1
	dims := make([]int, l.Dim())
	for mu := range dims {
		if l.Extent(mu) <= 2*r {
			return nil, fmt.Errorf("phi4: ir.extent %d needs every lattice extent > %d (have %v)", n, 2*r, l.Dims())
		}
		dims[mu] = n
	}
	sl, err := lattice.New(dims...)
	if err != nil {
		return nil, err
	}
	b := &irBlock{Small: sl, Big: make([]int, sl.HalfLen()), C: math.Sqrt(float64(sl.Volume()) / float64(l.Volume()))}
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
			return nil, fmt.Errorf("phi4: IR mode %v is not in the stored half of %v", lab, l)
		}
		b.Big[j] = J
		eps[j], s2[j] = p.Eps[J], p.Sigma2[J]
	}
	b.Proc, err = erg.NewProcess(sl, erg.Periodic, p.Sched, p.T, eps, s2)
	return b, err
}

// project returns the projections of the fields of e onto the block, as
// fields of the small lattice.
func (b *irBlock) project(p *erg.Process, e *field.Ensemble) *field.Ensemble {
	big, small := p.NewPlan(), b.Proc.NewPlan()
	mb := make([]complex128, p.Modes())
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

// baseline returns the block's Gaussian baseline: the lattice baseline's
// spectrum on the block.
func (b *irBlock) baseline(g *generative.Gaussian) (*generative.Gaussian, error) {
	g0 := make([]float64, len(b.Big))
	for j, J := range b.Big {
		g0[j] = g.G0[J]
	}
	return generative.NewGaussian(b.Proc, g0)
}

// withIR is a lattice denoiser whose modes in the IR block are replaced by
// the block model's estimates.
type withIR struct {
	generative.Score                  // the lattice denoiser (every mode)
	IR               generative.Score // the block's denoiser
	Block            *irBlock
	M                int // modes of the lattice process
	xt, x0           []complex128
}

func (w *withIR) Denoise(dst, xt []complex128, t []float64) []complex128 {
	B, m := len(t), len(w.Block.Big)
	if cap(w.xt) < B*m {
		w.xt, w.x0 = make([]complex128, B*m), make([]complex128, B*m)
	}
	zt, z0 := w.xt[:B*m], w.x0[:B*m]
	c := complex(w.Block.C, 0)
	for b := 0; b < B; b++ {
		for j, J := range w.Block.Big {
			zt[b*m+j] = c * xt[b*w.M+J]
		}
	}
	dst = w.Score.Denoise(dst, xt, t) // may alias xt: zt was copied first
	z0 = w.IR.Denoise(z0, zt, t)
	for b := 0; b < B; b++ {
		for j, J := range w.Block.Big {
			dst[b*w.M+J] = z0[b*m+j] / c
		}
	}
	return dst
}

// PosteriorVar is the lattice baseline's (the block's baseline has the
// same spectrum and schedule on its modes).
func (w *withIR) PosteriorVar(j int, t float64) float64 {
	return w.Score.(generative.PosteriorVariancer).PosteriorVar(j, t)
}
