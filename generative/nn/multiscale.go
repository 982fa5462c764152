// Copyright ©2026 The rgflow Authors. All rights reserved.

package nn

import (
	"fmt"

	"rgflow/lattice"
)

// CoarseLayer runs Inner on the block-spin coarse lattice: y = U(F(D(x))),
// where D averages every block of 2^d sites (the block-spin transformation
// with scale factor 2, on the torus: block X holds the sites 2X + δ,
// δ ∈ {0,1}^d) and U copies each coarse site back to its block (nearest
// neighbour upsampling; U is 2^d times the adjoint of D, and D·U is the
// identity). Every extent must be even. Wrapped in Residual, it is one level
// of a U-Net whose downsampling is the RG blocking:
//
//	Residual(Coarse(Seq(blocks…)))  : x + U(F(D(x)))
//
// D and U commute with translations by even vectors only (a shift by 2a on
// the fine lattice is a shift by a on the coarse one), so a network holding
// a CoarseLayer is equivariant under even translations, not under odd ones.
type CoarseLayer struct{ Inner Layer }

// Coarse returns x ↦ U(inner(D(x))).
func Coarse(inner Layer) CoarseLayer { return CoarseLayer{Inner: inner} }

func (c CoarseLayer) bind(b *binder, g *geom, cin int, name string) (node, error) {
	if c.Inner == nil {
		return nil, fmt.Errorf("nn: %s: nil inner layer", name)
	}
	cd := make([]int, g.d)
	for mu, L := range g.dims {
		if L%2 != 0 {
			return nil, fmt.Errorf("nn: %s: lattice extent %d along axis %d is odd: blocking by 2 needs even extents", name, L, mu)
		}
		cd[mu] = L / 2
	}
	cl, err := lattice.New(cd...)
	if err != nil {
		return nil, fmt.Errorf("nn: %s: coarse lattice: %v", name, err)
	}
	cg := newGeom(cl)
	n := &coarseNode{cin: cin, V: g.V, Vc: cg.V, scale: 1 / float32(int(1)<<g.d), fineGeom: g, coarseLat: cl}
	n.block = make([]int32, g.V)
	x := make([]int, g.d)
	for i := range n.block {
		g.lat.Coords(x, i)
		for mu := range x {
			x[mu] /= 2
		}
		n.block[i] = int32(cl.Index(x))
	}
	n.downOff = b.state(cin * cg.V)
	inner, err := c.Inner.bind(b, cg, cin, join(name, "coarse"))
	if err != nil {
		return nil, err
	}
	n.inner = inner
	n.cout = inner.outChannels()
	n.outOff = b.state(n.cout * g.V)
	n.dupOff = b.scratch(n.cout * cg.V)
	n.dxOff = b.scratch(cin * g.V)
	return n, nil
}

type coarseNode struct {
	inner         node
	cin, cout     int
	V, Vc         int
	scale         float32 // 2^−d
	block         []int32 // fine site → coarse site
	fineGeom      *geom
	coarseLat     *lattice.Lattice
	downOff       int
	outOff        int
	dupOff, dxOff int
}

func (n *coarseNode) outChannels() int { return n.cout }

func (n *coarseNode) output(st []float32) []float32 { return stSlice(st, n.outOff, n.cout*n.V) }

func (n *coarseNode) forward(w *worker, st, x []float32) []float32 {
	xc := stSlice(st, n.downOff, n.cin*n.Vc)
	clear(xc)
	for c := 0; c < n.cin; c++ {
		dst := xc[c*n.Vc : (c+1)*n.Vc]
		for i, v := range x[c*n.V : (c+1)*n.V] {
			dst[n.block[i]] += v
		}
		for i := range dst {
			dst[i] *= n.scale
		}
	}
	f := n.inner.forward(w, st, xc)
	y := n.output(st)
	for c := 0; c < n.cout; c++ {
		src := f[c*n.Vc : (c+1)*n.Vc]
		for i, dst := 0, y[c*n.V:(c+1)*n.V]; i < len(dst); i++ {
			dst[i] = src[n.block[i]]
		}
	}
	return y
}

func (n *coarseNode) backward(w *worker, st, x, dy []float32, needDx bool) []float32 {
	// Adjoint of U: sum over each block.
	du := w.sc(n.dupOff, n.cout*n.Vc)
	clear(du)
	for c := 0; c < n.cout; c++ {
		dst := du[c*n.Vc : (c+1)*n.Vc]
		for i, v := range dy[c*n.V : (c+1)*n.V] {
			dst[n.block[i]] += v
		}
	}
	xc := stSlice(st, n.downOff, n.cin*n.Vc)
	dxc := n.inner.backward(w, st, xc, du, needDx)
	if !needDx {
		return nil
	}
	// Adjoint of D: spread each coarse gradient over its block, times 2^−d.
	dx := w.sc(n.dxOff, n.cin*n.V)
	for c := 0; c < n.cin; c++ {
		src := dxc[c*n.Vc : (c+1)*n.Vc]
		for i, dst := 0, dx[c*n.V:(c+1)*n.V]; i < len(dst); i++ {
			dst[i] = src[n.block[i]] * n.scale
		}
	}
	return dx
}
