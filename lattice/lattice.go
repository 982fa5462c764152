// Copyright ©2026 The rgflow Authors. All rights reserved.

package lattice

import (
	"fmt"
	"math"
)

// MaxVolume bounds the number of sites of a Lattice so that site indices fit
// in the int32 neighbour tables.
const MaxVolume = math.MaxInt32

// Lattice is a d-dimensional periodic hypercubic lattice Z_{L₁}×…×Z_{L_d}
// with unit spacing. Sites are indexed row-major, the last axis fastest.
//
// A Lattice is immutable after construction and safe for concurrent use.
type Lattice struct {
	dims    []int
	strides []int
	volume  int

	fwd [][]int32 // fwd[μ][i] is the index of i+μ̂
	bwd [][]int32 // bwd[μ][i] is the index of i−μ̂
}

// New returns the periodic lattice with the given extents, one per axis.
// It returns an error naming the offending extent when an extent is less
// than 1, when no extent is given, or when the volume exceeds MaxVolume.
func New(dims ...int) (*Lattice, error) {
	if len(dims) == 0 {
		return nil, fmt.Errorf("lattice: no extents given: need at least one extent (d ≥ 1)")
	}
	vol := 1
	for mu, n := range dims {
		if n < 1 {
			return nil, fmt.Errorf("lattice: extent L%d = %d: extents must be ≥ 1", mu+1, n)
		}
		if vol > MaxVolume/n {
			return nil, fmt.Errorf("lattice: volume of %v exceeds %d sites", dims, MaxVolume)
		}
		vol *= n
	}
	l := &Lattice{
		dims:    append([]int(nil), dims...),
		strides: make([]int, len(dims)),
		volume:  vol,
	}
	s := 1
	for mu := len(dims) - 1; mu >= 0; mu-- {
		l.strides[mu] = s
		s *= dims[mu]
	}
	l.buildNeighbours()
	return l, nil
}

// MustNew is like New but panics on error. It is meant for tests, examples and
// extents fixed in code.
func MustNew(dims ...int) *Lattice {
	l, err := New(dims...)
	if err != nil {
		panic(err)
	}
	return l
}

// Dim returns the number of dimensions d.
func (l *Lattice) Dim() int { return len(l.dims) }

// Dims returns a copy of the extents (L₁, …, L_d).
func (l *Lattice) Dims() []int { return append([]int(nil), l.dims...) }

// Extent returns L_μ for the zero-based axis mu.
func (l *Lattice) Extent(mu int) int { return l.dims[mu] }

// Stride returns the index distance between neighbouring sites along axis mu.
func (l *Lattice) Stride(mu int) int { return l.strides[mu] }

// Volume returns the number of sites V = ∏ L_μ.
func (l *Lattice) Volume() int { return l.volume }

// Equal reports whether l and m have the same extents.
func (l *Lattice) Equal(m *Lattice) bool {
	if l == m {
		return true
	}
	if l == nil || m == nil || len(l.dims) != len(m.dims) {
		return false
	}
	for mu := range l.dims {
		if l.dims[mu] != m.dims[mu] {
			return false
		}
	}
	return true
}

// String returns the extents in the form "32x32".
func (l *Lattice) String() string {
	s := ""
	for mu, n := range l.dims {
		if mu > 0 {
			s += "x"
		}
		s += fmt.Sprint(n)
	}
	return s
}

// Index returns the site index of the coordinates x, each reduced modulo its
// extent, so that negative and out-of-range coordinates wrap around the torus.
// It panics if len(x) != d.
func (l *Lattice) Index(x []int) int {
	if len(x) != len(l.dims) {
		panic("lattice: coordinate length mismatch")
	}
	i := 0
	for mu, n := range l.dims {
		c := x[mu] % n
		if c < 0 {
			c += n
		}
		i += c * l.strides[mu]
	}
	return i
}

// Coords writes the coordinates of site i into dst and returns it. If dst is
// nil a new slice is allocated; otherwise its length must be d.
func (l *Lattice) Coords(dst []int, i int) []int {
	if i < 0 || i >= l.volume {
		panic("lattice: site index out of range")
	}
	if dst == nil {
		dst = make([]int, len(l.dims))
	} else if len(dst) != len(l.dims) {
		panic("lattice: coordinate length mismatch")
	}
	for mu := len(l.dims) - 1; mu >= 0; mu-- {
		n := l.dims[mu]
		dst[mu] = i % n
		i /= n
	}
	return dst
}

// Fwd returns the forward neighbour table along axis mu: Fwd(mu)[i] is the
// index of the site i+μ̂. The returned slice is shared and must not be
// modified.
func (l *Lattice) Fwd(mu int) []int32 { return l.fwd[mu] }

// Bwd returns the backward neighbour table along axis mu: Bwd(mu)[i] is the
// index of the site i−μ̂. The returned slice is shared and must not be
// modified.
func (l *Lattice) Bwd(mu int) []int32 { return l.bwd[mu] }

// Shift returns the index of the site reached from i by n steps along axis mu
// (n may be negative).
func (l *Lattice) Shift(i, mu, n int) int {
	L := l.dims[mu]
	s := l.strides[mu]
	c := (i / s) % L
	nc := (c + n) % L
	if nc < 0 {
		nc += L
	}
	return i + (nc-c)*s
}

func (l *Lattice) buildNeighbours() {
	d := len(l.dims)
	l.fwd = make([][]int32, d)
	l.bwd = make([][]int32, d)
	for mu := 0; mu < d; mu++ {
		f := make([]int32, l.volume)
		b := make([]int32, l.volume)
		L, s := l.dims[mu], l.strides[mu]
		for i := 0; i < l.volume; i++ {
			c := (i / s) % L
			switch {
			case L == 1:
				f[i], b[i] = int32(i), int32(i)
			case c == L-1:
				f[i], b[i] = int32(i-(L-1)*s), int32(i-s)
			case c == 0:
				f[i], b[i] = int32(i+s), int32(i+(L-1)*s)
			default:
				f[i], b[i] = int32(i+s), int32(i-s)
			}
		}
		l.fwd[mu], l.bwd[mu] = f, b
	}
}
