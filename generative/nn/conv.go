// Copyright ©2026 The rgflow Authors. All rights reserved.

package nn

import "fmt"

// ConvLayer is a periodic (circularly padded) convolution with a cubic
// kernel of odd extent Kernel along every axis,
//
//	y[o, x] = b[o] + (P·u)[o] + Σ_{δ, i} W[o, δ, i] · x[i, x+δ],
//
// δ ranging over the offsets {−r…r}^d, r = (Kernel−1)/2, with x+δ taken
// modulo the extents (cross-correlation, as in PyTorch's Conv2d with
// padding_mode="circular"). If Time is set, P·u adds a learned per-channel
// projection of the sample's time embedding u.
//
// Parameters: "weight" of shape (Out, Kernel, …, Kernel, In) — offsets δ in
// row-major order, δ_μ = index − r — "bias" (Out) and, with Time, "time"
// (Out, H). Weights start He-uniform, biases and time projections at zero;
// ZeroInit starts the weights at zero too (for the last layer of a residual
// branch, so that a block starts as the identity).
type ConvLayer struct {
	Out      int
	Kernel   int
	Time     bool
	ZeroInit bool
}

// Conv returns a periodic convolution with out output channels and kernel
// extent k.
func Conv(out, k int) ConvLayer { return ConvLayer{Out: out, Kernel: k} }

// TimeConv returns a periodic convolution with out output channels, kernel
// extent k and an additive per-channel time bias.
func TimeConv(out, k int) ConvLayer { return ConvLayer{Out: out, Kernel: k, Time: true} }

// colChannels is the largest channel count on the summed side of a product
// (In for the output and the weight gradient, Out for the input gradient)
// for which the convolution gathers all taps into one matrix (im2col, one
// gemm with K = channels·taps) rather than running one gemm per tap with
// K = channels. A variable so that tests can exercise both paths.
var colChannels = 8

// blockSites is the number of sites (whole rows) per gemm in the per-tap
// products: large planes are cut into row blocks so that the output block
// and the shifted input block of one product stay in the core's L2 cache;
// 512 sites is the fastest block of the benchmark network at 32² and 64²
// (docs/performance.md). A variable so that benchmarks can compare.
var blockSites = 512

func (c ConvLayer) bind(b *binder, g *geom, cin int, name string) (node, error) {
	if c.Out < 1 {
		return nil, fmt.Errorf("nn: %s: output channels %d: must be ≥ 1", name, c.Out)
	}
	if c.Kernel < 1 || c.Kernel%2 == 0 {
		return nil, fmt.Errorf("nn: %s: kernel extent %d: must be odd and ≥ 1", name, c.Kernel)
	}
	for mu, L := range g.dims {
		// Offsets up to ±L are well defined on the torus (several taps may
		// then read the same site); the shifted copies need r ≤ L.
		if c.Kernel/2 > L {
			return nil, fmt.Errorf("nn: %s: kernel extent %d: its radius exceeds lattice extent %d along axis %d", name, c.Kernel, L, mu)
		}
	}
	if c.Time && b.embDim == 0 {
		return nil, fmt.Errorf("nn: %s: time bias needs a time embedding (TimeConfig.Dim > 0)", name)
	}
	n := &convNode{g: g, cin: cin, cout: c.Out, k: c.Kernel, r: c.Kernel / 2, time: c.Time}
	d := g.d
	n.taps = 1
	for range d {
		n.taps *= n.k
	}
	if d >= 2 {
		n.ry = n.r
	}
	shape := []int{c.Out}
	for range d {
		shape = append(shape, n.k)
	}
	shape = append(shape, cin)
	winit := heUniform(cin * n.taps)
	if c.ZeroInit {
		winit = constInit(0)
	}
	n.wOff = b.param(join(name, "weight"), shape, winit)
	n.bOff = b.param(join(name, "bias"), []int{c.Out}, constInit(0))
	if c.Time {
		n.H = b.embDim
		n.pOff = b.param(join(name, "time"), []int{c.Out, n.H}, constInit(0))
		b.time = true
	}
	n.outOff = b.state(c.Out * g.V)
	n.dxOff = b.scratch(cin * g.V)
	n.rowLen = (g.Y + 2*n.ry) * g.X
	n.chanStride = g.planes * n.rowLen
	n.colIn = cin <= colChannels
	n.colOut = c.Out <= colChannels
	if n.k > 1 {
		n.shOff = b.scratch(n.k * max(cin, c.Out) * n.chanStride)
		nc := 0
		if n.colIn {
			nc = cin
		}
		if n.colOut {
			nc = max(nc, c.Out)
		}
		n.colOff = b.scratch(nc * n.taps * g.X * g.Y)
	}
	n.tapTables()
	return n, nil
}

// convNode is a bound ConvLayer.
//
// The input is first copied into k shifted copies S[ox][c][plane][row][x],
// one per offset ox along the last axis (circularly shifted by ox), with ry
// periodic halo rows on either side of every plane. For tap δ and output
// plane P, the shifted input x[c, ·+δ] of all channels is then a matrix
// inside S (channel stride chanStride, Y·X contiguous sites), so that
//
//   - with many input channels, the convolution is one gemm per (tap,
//     plane) with K = In, reading S in place;
//   - with few (≤ colChannels), the shifted rows of all taps are gathered
//     into one matrix (im2col) and the convolution is one gemm per plane
//     with K = taps·In.
//
// The gradients use the same two forms: the weight gradient pairs the
// output gradient with the shifted input, the input gradient is the
// correlation of the output gradient with the reflected kernel.
type convNode struct {
	g                *geom
	cin, cout, k, r  int
	ry, taps, H      int
	time             bool
	wOff, bOff, pOff int
	outOff           int
	dxOff, shOff     int
	colOff           int
	colIn, colOut    bool
	rowLen           int
	chanStride       int
	tapOX, tapOY     []int   // tap → offset along the last and second-last axes
	planeFwd         [][]int // tap → plane → source plane at P + δ_outer
	planeBwd         [][]int // tap → plane → source plane at P − δ_outer
}

func (n *convNode) outChannels() int { return n.cout }

func (n *convNode) output(st []float32) []float32 { return stSlice(st, n.outOff, n.cout*n.g.V) }

func (n *convNode) tapTables() {
	g := n.g
	d := g.d
	outer := g.dims[:max(d-2, 0)]
	n.tapOX = make([]int, n.taps)
	n.tapOY = make([]int, n.taps)
	n.planeFwd = make([][]int, n.taps)
	n.planeBwd = make([][]int, n.taps)
	off := make([]int, d)
	pc := make([]int, len(outer))
	for t := 0; t < n.taps; t++ {
		rem := t
		for mu := d - 1; mu >= 0; mu-- {
			off[mu] = rem%n.k - n.r
			rem /= n.k
		}
		n.tapOX[t] = off[d-1]
		if d >= 2 {
			n.tapOY[t] = off[d-2]
		}
		fwd := make([]int, g.planes)
		bwd := make([]int, g.planes)
		for p := 0; p < g.planes; p++ {
			rem := p
			for mu := len(outer) - 1; mu >= 0; mu-- {
				pc[mu] = rem % outer[mu]
				rem /= outer[mu]
			}
			f, b := 0, 0
			for mu := range outer {
				L := outer[mu]
				f = f*L + mod(pc[mu]+off[mu], L)
				b = b*L + mod(pc[mu]-off[mu], L)
			}
			fwd[p], bwd[p] = f, b
		}
		n.planeFwd[t], n.planeBwd[t] = fwd, bwd
	}
}

func mod(a, m int) int {
	a %= m
	if a < 0 {
		a += m
	}
	return a
}

// fillShift writes the k shifted, row-padded copies of the c-channel field
// x into s.
func (n *convNode) fillShift(s, x []float32, c int) {
	g := n.g
	X, Y := g.X, g.Y
	N := X * Y
	ry := n.ry
	for oxi := 0; oxi < n.k; oxi++ {
		// Shift by sh sites along the rows: dst[y, j] = src[y, j+sh mod X].
		sh := oxi - n.r
		for ch := 0; ch < c; ch++ {
			for p := 0; p < g.planes; p++ {
				src := x[(ch*g.planes+p)*N : (ch*g.planes+p+1)*N]
				dst := s[(oxi*c+ch)*n.chanStride+p*n.rowLen : (oxi*c+ch)*n.chanStride+(p+1)*n.rowLen]
				main := dst[ry*X : ry*X+N]
				switch {
				case sh == 0:
					copy(main, src)
				case sh > 0:
					// One flat copy, then the last sh entries of each row wrap
					// to the start of the same row.
					copy(main[:N-sh], src[sh:])
					for y := 0; y < Y; y++ {
						copy(main[y*X+X-sh:y*X+X], src[y*X:y*X+sh])
					}
				default:
					a := -sh
					copy(main[a:], src[:N-a])
					for y := 0; y < Y; y++ {
						copy(main[y*X:y*X+a], src[y*X+X-a:y*X+X])
					}
				}
				if ry > 0 {
					copy(dst[:ry*X], main[N-ry*X:])
					copy(dst[ry*X+N:], main[:ry*X])
				}
			}
		}
	}
}

// shiftBase returns the offset in s of the matrix holding the c-channel
// input shifted by tap t's offset (sign +1) or its negative (sign −1), for
// output plane p.
func (n *convNode) shiftBase(t, p, c, sign int) int {
	oxi := n.tapOX[t]*sign + n.r
	oy := n.tapOY[t] * sign
	src := n.planeFwd[t][p]
	if sign < 0 {
		src = n.planeBwd[t][p]
	}
	return oxi*c*n.chanStride + src*n.rowLen + (n.ry+oy)*n.g.X
}

// gather copies, for output plane p, the shifted rows of all taps into col:
// row (t, ch) when tapMajor (the layout of the weight's (δ, In) axes), row
// (ch, t) otherwise (the layout of its (Out, δ) axes).
func (n *convNode) gather(col, s []float32, p, c, sign int, tapMajor bool) {
	N := n.g.X * n.g.Y
	for t := 0; t < n.taps; t++ {
		base := n.shiftBase(t, p, c, sign)
		for ch := 0; ch < c; ch++ {
			row := t*c + ch
			if !tapMajor {
				row = ch*n.taps + t
			}
			copy(col[row*N:(row+1)*N], s[base+ch*n.chanStride:base+ch*n.chanStride+N])
		}
	}
}

func (n *convNode) forward(w *worker, st, x []float32) []float32 {
	g := n.g
	V := g.V
	N := g.X * g.Y
	y := n.output(st)
	th := w.theta
	for o := 0; o < n.cout; o++ {
		v := th[n.bOff+o]
		if n.time {
			p := th[n.pOff+o*n.H : n.pOff+(o+1)*n.H]
			for h, e := range w.emb {
				v += p[h] * e
			}
		}
		yo := y[o*V : (o+1)*V]
		for i := range yo {
			yo[i] = v
		}
	}
	K := n.taps * n.cin
	W := th[n.wOff : n.wOff+n.cout*K]
	if n.k == 1 {
		gemm(false, false, n.cout, V, n.cin, 1, W, n.cin, x, V, 1, y, V)
		return y
	}
	s := w.sc(n.shOff, n.k*n.cin*n.chanStride)
	n.fillShift(s, x, n.cin)
	if n.colIn {
		col := w.sc(n.colOff, K*N)
		for p := 0; p < g.planes; p++ {
			n.gather(col, s, p, n.cin, 1, true)
			gemm(false, false, n.cout, N, K, 1, W, K, col, N, 1, y[p*N:], V)
		}
		return y
	}
	rb := n.rowBlock()
	for p := 0; p < g.planes; p++ {
		for y0 := 0; y0 < g.Y; y0 += rb {
			o, m := y0*g.X, (min(y0+rb, g.Y)-y0)*g.X
			for t := 0; t < n.taps; t++ {
				gemm(false, false, n.cout, m, n.cin, 1, W[t*n.cin:], K, s[n.shiftBase(t, p, n.cin, 1)+o:], n.chanStride, 1, y[p*N+o:], V)
			}
		}
	}
	return y
}

// rowBlock returns the rows per block of the per-tap products.
func (n *convNode) rowBlock() int {
	if blockSites <= 0 {
		return n.g.Y
	}
	return max(1, min(n.g.Y, blockSites/n.g.X))
}

func (n *convNode) backward(w *worker, st, x, dy []float32, needDx bool) []float32 {
	g := n.g
	V := g.V
	N := g.X * g.Y
	th, gr := w.theta, w.grad
	for o := 0; o < n.cout; o++ {
		var s float64
		for _, v := range dy[o*V : (o+1)*V] {
			s += float64(v)
		}
		sf := float32(s)
		gr[n.bOff+o] += sf
		if n.time {
			p := th[n.pOff+o*n.H : n.pOff+(o+1)*n.H]
			gp := gr[n.pOff+o*n.H : n.pOff+(o+1)*n.H]
			for h, e := range w.emb {
				gp[h] += sf * e
				w.demb[h] += p[h] * sf
			}
		}
	}
	K := n.taps * n.cin
	W := th[n.wOff : n.wOff+n.cout*K]
	dW := gr[n.wOff : n.wOff+n.cout*K]
	if n.k == 1 {
		gemm(false, true, n.cout, n.cin, V, 1, dy, V, x, V, 1, dW, n.cin)
		if !needDx {
			return nil
		}
		dx := w.sc(n.dxOff, n.cin*V)
		gemm(true, false, n.cin, V, n.cout, 1, W, n.cin, dy, V, 0, dx, V)
		return dx
	}
	s := w.sc(n.shOff, n.k*max(n.cin, n.cout)*n.chanStride)
	n.fillShift(s, x, n.cin)
	if n.colIn {
		col := w.sc(n.colOff, K*N)
		for p := 0; p < g.planes; p++ {
			n.gather(col, s, p, n.cin, 1, true)
			gemm(false, true, n.cout, K, N, 1, dy[p*N:], V, col, N, 1, dW, K)
		}
	} else {
		rb := n.rowBlock()
		for p := 0; p < g.planes; p++ {
			for y0 := 0; y0 < g.Y; y0 += rb {
				o, m := y0*g.X, (min(y0+rb, g.Y)-y0)*g.X
				for t := 0; t < n.taps; t++ {
					gemm(false, true, n.cout, n.cin, m, 1, dy[p*N+o:], V, s[n.shiftBase(t, p, n.cin, 1)+o:], n.chanStride, 1, dW[t*n.cin:], K)
				}
			}
		}
	}
	if !needDx {
		return nil
	}
	// The adjoint of a periodic correlation is the correlation with the
	// reflected kernel: dx[i, x] = Σ_{o, δ} W[o, δ, i] · dy[o, x−δ].
	n.fillShift(s, dy, n.cout)
	dx := w.sc(n.dxOff, n.cin*V)
	if n.colOut {
		KT := n.cout * n.taps
		col := w.sc(n.colOff, KT*N)
		for p := 0; p < g.planes; p++ {
			n.gather(col, s, p, n.cout, -1, false)
			// W viewed as the (Out·taps) × In matrix.
			gemm(true, false, n.cin, N, KT, 1, W, n.cin, col, N, 0, dx[p*N:], V)
		}
		return dx
	}
	rb := n.rowBlock()
	for p := 0; p < g.planes; p++ {
		for y0 := 0; y0 < g.Y; y0 += rb {
			o, m := y0*g.X, (min(y0+rb, g.Y)-y0)*g.X
			for t := 0; t < n.taps; t++ {
				beta := float32(1)
				if t == 0 {
					beta = 0
				}
				gemm(true, false, n.cin, m, n.cout, 1, W[t*n.cin:], K, s[n.shiftBase(t, p, n.cout, -1)+o:], n.chanStride, beta, dx[p*N+o:], V)
			}
		}
	}
	return dx
}
