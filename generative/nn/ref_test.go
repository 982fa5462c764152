// Copyright ©2026 The rgflow Authors. All rights reserved.

package nn

import (
	"fmt"
	"math"
)

// This file is the float64 reference path of the gradient tests: an
// independent, deliberately naive float64 implementation of every layer's
// forward map (direct sums over sites and offsets with explicit modular
// indexing, the math package's exp, a direct O(V²) Fourier sum instead of an
// FFT). It shares no arithmetic with the float32 code, only the parameter
// layout. Gradients of the float32 code are compared with central finite
// differences of this path.

// refNet evaluates the network n in float64 with parameters theta on the
// batch x at times t.
func refNet(n *Network, theta []float64, x []float64, t []float64) []float64 {
	inN := n.in * n.V
	var out []float64
	for s := range t {
		var u []float64
		if n.D > 0 {
			u = refEmbed(n, theta, t[s])
		}
		y := refNode(n.root, theta, x[s*inN:(s+1)*inN], t[s], u)
		out = append(out, y...)
	}
	return out
}

func refEmbed(n *Network, th []float64, t float64) []float64 {
	half := n.D / 2
	e := make([]float64, n.D)
	for j := 0; j < half; j++ {
		om := math.Pow(n.maxPeriod, -float64(j)/float64(half))
		e[j] = math.Sin(n.scale * t * om)
		e[half+j] = math.Cos(n.scale * t * om)
	}
	lin := func(W, b int, in []float64) []float64 {
		out := make([]float64, n.H)
		for i := range out {
			v := th[b+i]
			for j := range in {
				v += th[W+i*len(in)+j] * in[j]
			}
			out[i] = refSiLU(v)
		}
		return out
	}
	return lin(n.w2, n.b2, lin(n.w1, n.b1, e))
}

func refSiLU(v float64) float64 { return v / (1 + math.Exp(-v)) }

// refShift returns the site index of site i moved by off on the lattice dims.
func refShift(dims []int, i int, off []int) int {
	d := len(dims)
	c := make([]int, d)
	for mu := d - 1; mu >= 0; mu-- {
		c[mu] = i % dims[mu]
		i /= dims[mu]
	}
	j := 0
	for mu := 0; mu < d; mu++ {
		v := ((c[mu]+off[mu])%dims[mu] + dims[mu]) % dims[mu]
		j = j*dims[mu] + v
	}
	return j
}

func refNode(nd node, th, x []float64, t float64, u []float64) []float64 {
	switch n := nd.(type) {
	case *seqNode:
		for _, c := range n.children {
			x = refNode(c, th, x, t, u)
		}
		return x
	case *residualNode:
		f := refNode(n.inner, th, x, t, u)
		y := make([]float64, len(x))
		for i := range y {
			y[i] = x[i] + f[i]
		}
		return y
	case *sumNode:
		var y []float64
		for _, c := range n.children {
			f := refNode(c, th, x, t, u)
			if y == nil {
				y = f
				continue
			}
			for i := range y {
				y[i] += f[i]
			}
		}
		return y
	case *identityNode:
		return append([]float64(nil), x...)
	case *siluNode:
		y := make([]float64, len(x))
		for i, v := range x {
			y[i] = refSiLU(v)
		}
		return y
	case *convNode:
		return refConv(n, th, x, u)
	}
	panic(fmt.Sprintf("refNode: no reference for %T", nd))
}

func refConv(n *convNode, th, x, u []float64) []float64 {
	g := n.g
	V, d := g.V, g.d
	y := make([]float64, n.cout*V)
	off := make([]int, d)
	for o := 0; o < n.cout; o++ {
		bias := th[n.bOff+o]
		if n.time {
			for h := 0; h < n.H; h++ {
				bias += th[n.pOff+o*n.H+h] * u[h]
			}
		}
		for site := 0; site < V; site++ {
			v := bias
			for t := 0; t < n.taps; t++ {
				rem := t
				for mu := d - 1; mu >= 0; mu-- {
					off[mu] = rem%n.k - n.r
					rem /= n.k
				}
				src := refShift(g.dims, site, off)
				for i := 0; i < n.cin; i++ {
					v += th[n.wOff+(o*n.taps+t)*n.cin+i] * x[i*V+src]
				}
			}
			y[o*V+site] = v
		}
	}
	return y
}
