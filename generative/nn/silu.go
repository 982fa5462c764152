// Copyright ©2026 The rgflow Authors. All rights reserved.

package nn

import "rgflow/generative/nn/internal/kernel"

// SiLULayer is the sigmoid-weighted linear unit y = x·σ(x),
// σ(x) = 1/(1+e^{−x}) (Elfwing et al. 2018; "swish"), applied site by site.
type SiLULayer struct{}

// SiLU returns the SiLU activation.
func SiLU() SiLULayer { return SiLULayer{} }

func (SiLULayer) bind(b *binder, g *geom, cin int, name string) (node, error) {
	n := &siluNode{c: cin, V: g.V}
	n.outOff = b.state(cin * g.V)
	n.dxOff = b.scratch(cin * g.V)
	return n, nil
}

type siluNode struct {
	c, V          int
	outOff, dxOff int
}

func (n *siluNode) outChannels() int { return n.c }

func (n *siluNode) output(st []float32) []float32 { return stSlice(st, n.outOff, n.c*n.V) }

func (n *siluNode) forward(w *worker, st, x []float32) []float32 {
	y := n.output(st)
	kernel.SiLUForward(y, x)
	return y
}

func (n *siluNode) backward(w *worker, st, x, dy []float32, needDx bool) []float32 {
	if !needDx {
		return nil
	}
	dx := w.sc(n.dxOff, n.c*n.V)
	kernel.SiLUBackward(dx, x, dy)
	return dx
}
