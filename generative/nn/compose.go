// Copyright ©2026 The rgflow Authors. All rights reserved.

package nn

import (
	"fmt"
	"strconv"
)

// SeqLayer applies its layers one after another.
type SeqLayer []Layer

// Seq returns the composition applying layers in order.
func Seq(layers ...Layer) SeqLayer { return SeqLayer(layers) }

func (s SeqLayer) bind(b *binder, g *geom, cin int, name string) (node, error) {
	if len(s) == 0 {
		return nil, fmt.Errorf("nn: %s: empty sequence", name)
	}
	n := &seqNode{}
	c := cin
	for i, l := range s {
		if l == nil {
			return nil, fmt.Errorf("nn: %s.%d: nil layer", name, i)
		}
		ch, err := l.bind(b, g, c, join(name, strconv.Itoa(i)))
		if err != nil {
			return nil, err
		}
		n.children = append(n.children, ch)
		c = ch.outChannels()
	}
	return n, nil
}

func join(prefix, name string) string {
	if prefix == "" {
		return name
	}
	return prefix + "." + name
}

type seqNode struct{ children []node }

func (n *seqNode) outChannels() int { return n.children[len(n.children)-1].outChannels() }

func (n *seqNode) output(st []float32) []float32 { return n.children[len(n.children)-1].output(st) }

func (n *seqNode) forward(w *worker, st, x []float32) []float32 {
	for _, c := range n.children {
		x = c.forward(w, st, x)
	}
	return x
}

func (n *seqNode) backward(w *worker, st, x, dy []float32, needDx bool) []float32 {
	for i := len(n.children) - 1; i >= 0; i-- {
		in := x
		if i > 0 {
			in = n.children[i-1].output(st)
		}
		dy = n.children[i].backward(w, st, in, dy, needDx || i > 0)
	}
	return dy
}

// ResidualLayer is the residual connection y = x + F(x) around an inner
// layer F that keeps the number of channels.
type ResidualLayer struct{ Inner Layer }

// Residual returns x ↦ x + inner(x).
func Residual(inner Layer) ResidualLayer { return ResidualLayer{Inner: inner} }

func (r ResidualLayer) bind(b *binder, g *geom, cin int, name string) (node, error) {
	if r.Inner == nil {
		return nil, fmt.Errorf("nn: %s: nil inner layer", name)
	}
	in, err := r.Inner.bind(b, g, cin, name)
	if err != nil {
		return nil, err
	}
	if in.outChannels() != cin {
		return nil, fmt.Errorf("nn: %s: residual branch maps %d channels to %d", name, cin, in.outChannels())
	}
	n := &residualNode{inner: in, n: cin * g.V}
	n.outOff = b.state(n.n)
	n.dxOff = b.scratch(n.n)
	return n, nil
}

type residualNode struct {
	inner         node
	n             int
	outOff, dxOff int
}

func (n *residualNode) outChannels() int { return n.inner.outChannels() }

func (n *residualNode) output(st []float32) []float32 { return stSlice(st, n.outOff, n.n) }

func (n *residualNode) forward(w *worker, st, x []float32) []float32 {
	f := n.inner.forward(w, st, x)
	y := n.output(st)
	for i := range y {
		y[i] = x[i] + f[i]
	}
	return y
}

func (n *residualNode) backward(w *worker, st, x, dy []float32, needDx bool) []float32 {
	df := n.inner.backward(w, st, x, dy, needDx)
	if !needDx {
		return nil
	}
	dx := w.sc(n.dxOff, n.n)
	for i := range dx {
		dx[i] = dy[i] + df[i]
	}
	return dx
}

// SumLayer applies several layers to the same input and adds their
// outputs, which must have equal channel counts: y = Σ_j F_j(x).
type SumLayer []Layer

// Sum returns x ↦ Σ_j layers[j](x).
func Sum(layers ...Layer) SumLayer { return SumLayer(layers) }

func (s SumLayer) bind(b *binder, g *geom, cin int, name string) (node, error) {
	if len(s) == 0 {
		return nil, fmt.Errorf("nn: %s: empty sum", name)
	}
	n := &sumNode{}
	for i, l := range s {
		if l == nil {
			return nil, fmt.Errorf("nn: %s.%d: nil layer", name, i)
		}
		ch, err := l.bind(b, g, cin, join(name, strconv.Itoa(i)))
		if err != nil {
			return nil, err
		}
		if i > 0 && ch.outChannels() != n.children[0].outChannels() {
			return nil, fmt.Errorf("nn: %s: terms have %d and %d channels", name, n.children[0].outChannels(), ch.outChannels())
		}
		n.children = append(n.children, ch)
	}
	n.c = n.children[0].outChannels()
	n.nout = n.c * g.V
	n.nin = cin * g.V
	n.outOff = b.state(n.nout)
	n.dxOff = b.scratch(n.nin)
	return n, nil
}

type sumNode struct {
	children      []node
	c, nin, nout  int
	outOff, dxOff int
}

func (n *sumNode) outChannels() int { return n.c }

func (n *sumNode) output(st []float32) []float32 { return stSlice(st, n.outOff, n.nout) }

func (n *sumNode) forward(w *worker, st, x []float32) []float32 {
	y := n.output(st)
	copy(y, n.children[0].forward(w, st, x))
	for _, c := range n.children[1:] {
		f := c.forward(w, st, x)
		for i := range y {
			y[i] += f[i]
		}
	}
	return y
}

func (n *sumNode) backward(w *worker, st, x, dy []float32, needDx bool) []float32 {
	var dx []float32
	if needDx {
		dx = w.sc(n.dxOff, n.nin)
	}
	for j, c := range n.children {
		d := c.backward(w, st, x, dy, needDx)
		if !needDx {
			continue
		}
		if j == 0 {
			copy(dx, d)
			continue
		}
		for i := range dx {
			dx[i] += d[i]
		}
	}
	return dx
}

// IdentityLayer passes its input through unchanged.
type IdentityLayer struct{}

// Identity returns x ↦ x.
func Identity() IdentityLayer { return IdentityLayer{} }

func (IdentityLayer) bind(b *binder, g *geom, cin int, name string) (node, error) {
	n := &identityNode{c: cin, n: cin * g.V}
	n.outOff = b.state(n.n)
	return n, nil
}

type identityNode struct {
	c, n   int
	outOff int
}

func (n *identityNode) outChannels() int { return n.c }

func (n *identityNode) output(st []float32) []float32 { return stSlice(st, n.outOff, n.n) }

func (n *identityNode) forward(w *worker, st, x []float32) []float32 {
	y := n.output(st)
	copy(y, x)
	return y
}

func (n *identityNode) backward(w *worker, st, x, dy []float32, needDx bool) []float32 {
	if !needDx {
		return nil
	}
	return dy
}

// PickLayer passes channels [Lo, Hi) of its input through and drops the
// others: y = x[Lo:Hi]. It lets a path of a Sum see only some of the
// network's input channels (the spectral path of a ScoreNet with Extra
// input channels sees the field alone).
type PickLayer struct{ Lo, Hi int }

// Pick returns x ↦ channels [lo, hi) of x.
func Pick(lo, hi int) PickLayer { return PickLayer{Lo: lo, Hi: hi} }

func (p PickLayer) bind(b *binder, g *geom, cin int, name string) (node, error) {
	if p.Lo < 0 || p.Hi <= p.Lo || p.Hi > cin {
		return nil, fmt.Errorf("nn: %s: Pick(%d, %d) of %d input channels: need 0 ≤ lo < hi ≤ %d", name, p.Lo, p.Hi, cin, cin)
	}
	n := &pickNode{lo: p.Lo * g.V, c: p.Hi - p.Lo, n: (p.Hi - p.Lo) * g.V, nin: cin * g.V}
	n.outOff = b.state(n.n)
	n.dxOff = b.scratch(n.nin)
	return n, nil
}

type pickNode struct {
	lo, c, n, nin int
	outOff, dxOff int
}

func (n *pickNode) outChannels() int { return n.c }

func (n *pickNode) output(st []float32) []float32 { return stSlice(st, n.outOff, n.n) }

func (n *pickNode) forward(w *worker, st, x []float32) []float32 {
	y := n.output(st)
	copy(y, x[n.lo:n.lo+n.n])
	return y
}

func (n *pickNode) backward(w *worker, st, x, dy []float32, needDx bool) []float32 {
	if !needDx {
		return nil
	}
	dx := w.sc(n.dxOff, n.nin)
	clear(dx)
	copy(dx[n.lo:n.lo+n.n], dy)
	return dx
}
