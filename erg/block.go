// Copyright ©2026 The rgflow Authors. All rights reserved.

package erg

import (
	"fmt"
	"iter"
	"math"

	"rgflow/field"
	"rgflow/lattice"
)

// Blocker coarse-grains fields on a lattice whose extents are all even by
// the scale factor b = 2, onto the lattice of half the extents, in two
// ways.
//
// Block is Kadanoff's block spin: the average over each 2^d block,
// rescaled by ζ = b^{(d−2)/2} (the engineering dimension of the field at
// the Gaussian fixed point),
//
//	φ′_X = ζ 2^{−d} Σ_{y∈{0,1}^d} φ_{2X+y} = 2^{−(d+2)/2} Σ_y φ_{2X+y},
//
// so that a massless free field keeps its long-distance propagator:
// G′(K) → 1/K² as K → 0. Its blocked spectrum is the sum over the 2^d
// fine momenta q_m = (K + 2πm)/2, m ∈ {0,1}^d, that alias to the coarse
// momentum K, weighted by the block form factor |Σ_y e^{iq·y}|² =
// Π_μ 4cos²(q_μ/2):
//
//	G′(K) = ζ² 2^{−3d} Σ_m Π_μ 4cos²(q_{m,μ}/2) G(q_m),
//
// (BlockedSpectrum), which is exact for any translation-invariant G.
//
// Project is the momentum-shell step: keep only the modes the coarse
// lattice can represent, |k_μ| < π/2 (a mode at |k_μ| = π/2 with weight
// ½, as its two images ±π/2 are one coarse mode), sample on the even
// sites and rescale by ζ. In Fourier terms φ̃′(K) = ζ2^{−d} Σ_m w(q_m)
// φ̃(q_m), and
//
//	G′(K) = ζ² 2^{−d} 2^{−j(K)} G(K/2),
//
// with j(K) the number of axes on which K_μ = π (ProjectedSpectrum). For
// the continuum propagator 1/(q² + m²) this is 1/(K² + 4m²) exactly
// inside the band: the sharp-cutoff RG step with mass dimension 2.
//
// A Blocker holds transform scratch: one per goroutine.
type Blocker struct {
	Fine, Coarse *lattice.Lattice
	// Zeta is the field rescaling b^{(d−2)/2}.
	Zeta float64

	sites []int32 // coarse site X → its 2^d fine sites, row after row

	ffine, fcoarse *lattice.FFT
	alias          [][]aliasTerm // per coarse half mode
	mf             []complex128
	mc             []complex128
}

type aliasTerm struct {
	j    int     // fine half-spectrum entry
	conj bool    // the mode is the conjugate of entry j
	w    float64 // filter weight (1 or ½ per Nyquist axis)
}

// NewBlocker returns a b = 2 blocker for fields on l, or an error naming
// an odd extent.
func NewBlocker(l *lattice.Lattice) (*Blocker, error) {
	dims := l.Dims()
	cd := make([]int, len(dims))
	for mu, L := range dims {
		if L%2 != 0 || L < 2 {
			return nil, fmt.Errorf("erg: block spin b = 2 needs even extents: axis %d has L = %d", mu, L)
		}
		cd[mu] = L / 2
	}
	c, err := lattice.New(cd...)
	if err != nil {
		return nil, err
	}
	d := len(dims)
	b := &Blocker{Fine: l, Coarse: c, Zeta: math.Pow(2, float64(d-2)/2)}
	// Block table.
	nb := 1 << d
	b.sites = make([]int32, c.Volume()*nb)
	X := make([]int, d)
	x := make([]int, d)
	for i := 0; i < c.Volume(); i++ {
		c.Coords(X, i)
		for m := 0; m < nb; m++ {
			for mu := range x {
				x[mu] = 2*X[mu] + (m>>(d-1-mu))&1
			}
			b.sites[i*nb+m] = int32(l.Index(x))
		}
	}
	// Alias table for the projection.
	b.ffine = lattice.NewFFT(l)
	b.fcoarse = lattice.NewFFT(c)
	b.mf = make([]complex128, l.HalfLen())
	b.mc = make([]complex128, c.HalfLen())
	b.alias = make([][]aliasTerm, c.HalfLen())
	nc := make([]int, d)
	n := make([]int, d)
	neg := make([]int, d)
	for jc := range b.alias {
		c.HalfMode(nc, jc)
		// Per axis, the fine modes n = n' + m·L/2 (m = 0, 1) that lie in
		// the band |n| ≤ L/4 (folded), with weight ½ on its edge.
		var terms []aliasTerm
		var rec func(mu int, w float64)
		rec = func(mu int, w float64) {
			if mu == d {
				if j, ok := l.HalfIndex(n); ok {
					terms = append(terms, aliasTerm{j: j, w: w})
					return
				}
				for k := range n {
					neg[k] = (dims[k] - n[k]) % dims[k]
				}
				j, _ := l.HalfIndex(neg)
				terms = append(terms, aliasTerm{j: j, conj: true, w: w})
				return
			}
			L := dims[mu]
			for m := 0; m < 2; m++ {
				nn := nc[mu] + m*L/2
				f := lattice.FoldMode(nn, L)
				switch {
				case 4*abs(f) < L:
					n[mu] = nn
					rec(mu+1, w)
				case 4*abs(f) == L:
					n[mu] = nn
					rec(mu+1, w/2)
				}
			}
		}
		rec(0, 1)
		b.alias[jc] = terms
	}
	return b, nil
}

func abs(i int) int {
	if i < 0 {
		return -i
	}
	return i
}

// Block writes the block-spin field of src (a fine field) into dst (a
// coarse field) and returns it.
func (b *Blocker) Block(dst, src []float64) []float64 {
	if len(src) != b.Fine.Volume() {
		panic("erg: fine field length mismatch")
	}
	if dst == nil {
		dst = make([]float64, b.Coarse.Volume())
	} else if len(dst) != b.Coarse.Volume() {
		panic("erg: coarse field length mismatch")
	}
	nb := len(b.sites) / len(dst)
	s := b.Zeta / float64(nb)
	for i := range dst {
		v := 0.0
		for _, x := range b.sites[i*nb : (i+1)*nb] {
			v += src[x]
		}
		dst[i] = s * v
	}
	return dst
}

// Project writes the momentum-shell projection of src onto the coarse
// lattice into dst and returns it.
func (b *Blocker) Project(dst, src []float64) []float64 {
	if len(src) != b.Fine.Volume() {
		panic("erg: fine field length mismatch")
	}
	b.ffine.Forward(b.mf, src)
	s := complex(b.Zeta/float64(int(1)<<b.Fine.Dim()), 0)
	for jc, terms := range b.alias {
		var v complex128
		for _, a := range terms {
			m := b.mf[a.j]
			if a.conj {
				m = complex(real(m), -imag(m))
			}
			v += complex(a.w, 0) * m
		}
		b.mc[jc] = s * v
	}
	return b.fcoarse.Inverse(dst, b.mc)
}

// Coarsening names a coarse-graining map.
type Coarsening int

const (
	// BlockSpin is the block average (Blocker.Block).
	BlockSpin Coarsening = iota
	// MomentumShell is the momentum-shell projection (Blocker.Project).
	MomentumShell
)

func (c Coarsening) String() string {
	return enumName("Coarsening", int(c), "block", "momentum-shell")
}

// apply writes the coarse image of src under c into dst.
func (b *Blocker) apply(dst, src []float64, c Coarsening) []float64 {
	switch c {
	case BlockSpin:
		return b.Block(dst, src)
	case MomentumShell:
		return b.Project(dst, src)
	}
	panic(fmt.Sprintf("erg: unknown coarsening %v", c))
}

func (b *Blocker) checkEnsemble(e *field.Ensemble, c Coarsening) {
	if !e.Lat.Equal(b.Fine) {
		panic("erg: ensemble lattice differs from the blocker's fine lattice")
	}
	if c != BlockSpin && c != MomentumShell {
		panic(fmt.Sprintf("erg: unknown coarsening %v", c))
	}
}

// Coarsen returns the coarse ensemble of e under the map c: sample i of
// the result is the coarse image of sample i of e, so (coarse[i], e[i])
// are (coarse, fine) pairs of multi-scale data.
func (b *Blocker) Coarsen(e *field.Ensemble, c Coarsening) *field.Ensemble {
	b.checkEnsemble(e, c)
	out := field.NewEnsemble(b.Coarse, e.Len())
	for i := 0; i < e.Len(); i++ {
		b.apply(out.Field(i), e.Field(i), c)
	}
	return out
}

// Pairs yields the (coarse, fine) pairs of multi-scale data of the
// ensemble e under the map c, one sample at a time, without storing the
// coarse ensemble: fine shares storage with e, and coarse is one buffer
// that the next iteration overwrites (copy it to keep it). The iterator
// uses b's scratch, so b must not be used elsewhere while it runs.
func (b *Blocker) Pairs(e *field.Ensemble, c Coarsening) iter.Seq2[[]float64, []float64] {
	b.checkEnsemble(e, c)
	return func(yield func(coarse, fine []float64) bool) {
		buf := make([]float64, b.Coarse.Volume())
		for i := 0; i < e.Len(); i++ {
			fine := e.Field(i)
			if !yield(b.apply(buf, fine, c), fine) {
				return
			}
		}
	}
}

// Pyramid returns the multi-scale hierarchy of e under the map c:
// levels+1 ensembles, level 0 being e itself and level ℓ the ℓ-fold b = 2
// coarsening of it, sample by sample (extents L/2^ℓ, so every extent must
// stay even down to level levels−1). Neighbouring levels are (coarse,
// fine) pairs. It returns an error naming the level and axis when an
// extent is odd.
func Pyramid(e *field.Ensemble, c Coarsening, levels int) ([]*field.Ensemble, error) {
	if levels < 0 {
		return nil, fmt.Errorf("erg: pyramid needs levels ≥ 0, got %d", levels)
	}
	if c != BlockSpin && c != MomentumShell {
		return nil, fmt.Errorf("erg: unknown coarsening %v", c)
	}
	out := []*field.Ensemble{e}
	for lev := 1; lev <= levels; lev++ {
		lat := out[lev-1].Lat
		for mu, L := range lat.Dims() {
			if L%2 != 0 {
				return nil, fmt.Errorf("erg: pyramid level %d needs even extents on level %d (%v): axis %d has L = %d", lev, lev-1, lat, mu, L)
			}
		}
		b, err := NewBlocker(lat)
		if err != nil {
			return nil, err
		}
		out = append(out, b.Coarsen(out[lev-1], c))
	}
	return out, nil
}

// BlockedSpectrum writes into dst, for every coarse half-spectrum mode,
// the spectrum G′(K) of block spins of a fine field whose spectrum is
// g(k̂²) (a function of the fine dispersion), and returns it:
// G′(K) = ζ² 2^{−3d} Σ_m Π_μ 4cos²(q_{m,μ}/2) g(k̂²(q_m)).
func (b *Blocker) BlockedSpectrum(dst []float64, g func(khat2 float64) float64) []float64 {
	c := b.Coarse
	if dst == nil {
		dst = make([]float64, c.HalfLen())
	}
	d := c.Dim()
	nc := make([]int, d)
	pref := b.Zeta * b.Zeta / math.Pow(2, 3*float64(d))
	for jc := range dst {
		c.HalfMode(nc, jc)
		sum := 0.0
		for m := 0; m < 1<<d; m++ {
			form, k2 := 1.0, 0.0
			for mu := 0; mu < d; mu++ {
				Lc := c.Extent(mu)
				q := (2*math.Pi*float64(nc[mu])/float64(Lc) + 2*math.Pi*float64((m>>(d-1-mu))&1)) / 2
				cq := math.Cos(q / 2)
				form *= 4 * cq * cq
				sq := math.Sin(q / 2)
				k2 += 4 * sq * sq
			}
			sum += form * g(k2)
		}
		dst[jc] = pref * sum
	}
	return dst
}

// ProjectedSpectrum writes into dst, for every coarse half-spectrum mode,
// the spectrum G′(K) = ζ² 2^{−d} 2^{−j(K)} g(k̂²(K/2)) of the
// momentum-shell projection of a fine field of spectrum g(k̂²), and
// returns it.
func (b *Blocker) ProjectedSpectrum(dst []float64, g func(khat2 float64) float64) []float64 {
	c := b.Coarse
	if dst == nil {
		dst = make([]float64, c.HalfLen())
	}
	d := c.Dim()
	nc := make([]int, d)
	pref := b.Zeta * b.Zeta / math.Pow(2, float64(d))
	for jc := range dst {
		c.HalfMode(nc, jc)
		k2, w := 0.0, 1.0
		for mu := 0; mu < d; mu++ {
			Lc := c.Extent(mu)
			f := lattice.FoldMode(nc[mu], Lc)
			if 2*abs(f) == Lc {
				w /= 2
			}
			sq := math.Sin(math.Pi * float64(f) / float64(Lc) / 2)
			k2 += 4 * sq * sq
		}
		dst[jc] = pref * w * g(k2)
	}
	return dst
}
