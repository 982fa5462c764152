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
	case *pickNode:
		return append([]float64(nil), x[n.lo:n.lo+n.n]...)
	case *siluNode:
		y := make([]float64, len(x))
		for i, v := range x {
			y[i] = refSiLU(v)
		}
		return y
	case *convNode:
		return refConv(n, th, x, u)
	case *coarseNode:
		return refCoarse(n, th, x, t, u)
	case *spectralNode:
		return refSpectral(n, th, x, t)
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

// refCoarse block-averages, applies the inner node on the coarse lattice
// and copies back, finding blocks from coordinates.
func refCoarse(n *coarseNode, th, x []float64, t float64, u []float64) []float64 {
	g := n.fineGeom
	cl := n.coarseLat
	d := g.d
	xc := make([]float64, n.cin*n.Vc)
	c := make([]int, d)
	for ch := 0; ch < n.cin; ch++ {
		for i := 0; i < n.V; i++ {
			g.lat.Coords(c, i)
			for mu := range c {
				c[mu] /= 2
			}
			xc[ch*n.Vc+cl.Index(c)] += x[ch*n.V+i] / math.Pow(2, float64(d))
		}
	}
	f := refNode(n.inner, th, xc, t, u)
	y := make([]float64, n.cout*n.V)
	for ch := 0; ch < n.cout; ch++ {
		for i := 0; i < n.V; i++ {
			g.lat.Coords(c, i)
			for mu := range c {
				c[mu] /= 2
			}
			y[ch*n.V+i] = f[ch*n.Vc+cl.Index(c)]
		}
	}
	return y
}

// refSpectral applies the gains by direct O(V²) Fourier sums over the full
// spectrum, finding each mode's shell through the half spectrum.
func refSpectral(n *spectralNode, th, x []float64, t float64) []float64 {
	l := n.lat
	V, d := l.Volume(), l.Dim()
	dims := l.Dims()
	// gain per shell for channel c at time t, by its definition
	gain := func(c, sh int) float64 {
		G := func(j int) float64 { return th[n.gOff+(c*n.S+sh)*n.m+j] }
		if n.form != nil {
			g, _ := n.form(t, sh, G(0))
			return g
		}
		k := n.knots
		switch {
		case len(k) <= 1 || t <= k[0]:
			return G(0)
		case t >= k[len(k)-1]:
			return G(len(k) - 1)
		}
		j := 0
		for t > k[j+1] {
			j++
		}
		w := (t - k[j]) / (k[j+1] - k[j])
		return (1-w)*G(j) + w*G(j+1)
	}
	modeShell := make([]int, V)
	nv := make([]int, d)
	for i := 0; i < V; i++ {
		l.Coords(nv, i)
		h, ok := l.HalfIndex(nv)
		if !ok {
			for mu := range nv {
				nv[mu] = -nv[mu]
			}
			h, _ = l.HalfIndex(nv)
		}
		modeShell[i] = n.shell[h]
	}
	phase := func(k, x int) float64 { // k·x
		kc := make([]int, d)
		xc := make([]int, d)
		l.Coords(kc, k)
		l.Coords(xc, x)
		p := 0.0
		for mu := 0; mu < d; mu++ {
			p += 2 * math.Pi * float64(kc[mu]*xc[mu]%dims[mu]) / float64(dims[mu])
		}
		return p
	}
	ph := make([]float64, V*V)
	for k := 0; k < V; k++ {
		for s := 0; s < V; s++ {
			ph[k*V+s] = phase(k, s)
		}
	}
	y := make([]float64, n.c*V)
	for c := 0; c < n.c; c++ {
		xs := x[c*V : (c+1)*V]
		for k := 0; k < V; k++ {
			var re, im float64
			for s := 0; s < V; s++ {
				sn, cs := math.Sincos(ph[k*V+s])
				re += xs[s] * cs
				im -= xs[s] * sn
			}
			g := gain(c, modeShell[k])
			re, im = g*re, g*im
			for s := 0; s < V; s++ {
				sn, cs := math.Sincos(ph[k*V+s])
				y[c*V+s] += (re*cs - im*sn) / float64(V)
			}
		}
	}
	return y
}
