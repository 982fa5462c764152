// Copyright ©2026 The rgflow Authors. All rights reserved.

package nn

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"sync/atomic"

	"rgflow/generative/nn/internal/kernel"
	"rgflow/internal/parallel"
	"rgflow/lattice"
)

// TimeConfig configures the time embedding shared by all time-conditioned
// layers of a Network. The diffusion time t of a sample becomes the
// sinusoidal features
//
//	e_j = sin(s·t·ω_j), e_{D/2+j} = cos(s·t·ω_j), ω_j = P^{−j/(D/2)}, j < D/2,
//
// (s = Scale, P = MaxPeriod, D = Dim; Vaswani et al. 2017, Ho et al. 2020),
// and then u = SiLU(W₂·SiLU(W₁·e + b₁) + b₂) ∈ R^Hidden. Each
// time-conditioned layer adds its own linear projection of u as a
// per-channel bias. Parameters: "time.fc1.weight" (Hidden, Dim),
// "time.fc1.bias", "time.fc2.weight" (Hidden, Hidden), "time.fc2.bias".
type TimeConfig struct {
	Dim    int     // number of sinusoidal features, even; 0 for no embedding
	Hidden int     // width of the embedding MLP and of u
	Scale  float64 // multiplies t before the sinusoids; 0 means 1
	// MaxPeriod is the longest period of the sinusoids in units of s·t;
	// 0 means 10000.
	MaxPeriod float64
}

// Config holds the settings of New.
type Config struct {
	Time TimeConfig
	// Workers is the number of goroutines that share a batch; 0 means
	// runtime.GOMAXPROCS(0).
	Workers int
	// Chunks is the number of partial gradient sums a batch is split into
	// (at most the batch size); 0 means 8. Gradients are summed sample by
	// sample inside a chunk and chunk by chunk in order, so results are
	// bit-identical for any Workers, but change with Chunks.
	Chunks int
	// Rand draws the initial parameters. Required.
	Rand *rand.Rand
}

// DefaultChunks is the number of partial gradient sums when Config.Chunks is 0.
const DefaultChunks = 8

const (
	phaseForward = iota
	phasePredict
	phaseBackward
	phaseReduce
)

// Network is a Layer bound to a lattice: the learned score's network. It
// maps a batch of fields x (batch × In × V, batch-major, channel-major, sites
// row-major) and one time per sample to a batch of fields (batch × Out × V).
// Its parameters live in one flat float32 vector (Theta) with named views
// (Params); gradients accumulate in a vector of the same layout (Grad).
//
// A Network is not safe for concurrent use: one goroutine calls its methods,
// which use the Network's own worker goroutines internally.
type Network struct {
	lat     *lattice.Lattice
	in, out int
	V       int
	root    node

	params      []tensorInfo
	theta, grad []float32

	// time embedding
	D, H                   int
	scale, maxPeriod       float64
	w1, b1, w2, b2         int // parameter offsets
	eOff, z1Off, h1Off     int // state offsets: features, pre-activations
	z2Off, uOff            int
	xOff                   int // saved input
	stLen, scLen           int
	workers                []*worker
	pool                   *parallel.Pool
	phaseFns               [phaseReduce + 1]func(w int) // run of each phase, bound once
	nchunks                int
	gradChunks             [][]float32
	arena                  []float32
	batch                  int // batch of the last Forward; 0 if none
	next                   atomic.Int64
	curX, curDst, curDy    []float32
	curDx                  []float32
	curT, tSaved           []float64
	curChunks, curNeedDx   int
	privateSt              [][]float32 // per-worker state for Predict
	embScratch             [][]float32 // per-worker: dz2, dh1
	closed                 bool
	reduceLo, reduceStride int
}

// New binds body to the lattice l for inputs of in channels and returns the
// Network with freshly initialised parameters.
func New(l *lattice.Lattice, in int, body Layer, cfg Config) (*Network, error) {
	if l == nil {
		return nil, errors.New("nn: nil lattice")
	}
	if in < 1 {
		return nil, fmt.Errorf("nn: input channels %d: must be ≥ 1", in)
	}
	if body == nil {
		return nil, errors.New("nn: nil body")
	}
	if cfg.Rand == nil {
		return nil, errors.New("nn: Config.Rand is nil: initial parameters need a seeded source")
	}
	tc := cfg.Time
	if tc.Dim < 0 || tc.Dim%2 != 0 {
		return nil, fmt.Errorf("nn: Time.Dim %d: must be even and ≥ 0", tc.Dim)
	}
	if tc.Dim > 0 && tc.Hidden < 1 {
		return nil, fmt.Errorf("nn: Time.Hidden %d: must be ≥ 1 with Time.Dim = %d", tc.Hidden, tc.Dim)
	}
	if tc.Scale < 0 || math.IsNaN(tc.Scale) || math.IsInf(tc.Scale, 0) {
		return nil, fmt.Errorf("nn: Time.Scale %v: must be finite and ≥ 0", tc.Scale)
	}
	if tc.MaxPeriod < 0 || tc.MaxPeriod == 1 || math.IsNaN(tc.MaxPeriod) || math.IsInf(tc.MaxPeriod, 0) {
		return nil, fmt.Errorf("nn: Time.MaxPeriod %v: must be finite, > 0 and ≠ 1 (0 for the default)", tc.MaxPeriod)
	}
	if cfg.Workers < 0 {
		return nil, fmt.Errorf("nn: Workers %d: must be ≥ 0", cfg.Workers)
	}
	if cfg.Chunks < 0 {
		return nil, fmt.Errorf("nn: Chunks %d: must be ≥ 0", cfg.Chunks)
	}
	n := &Network{lat: l, in: in, V: l.Volume(), D: tc.Dim, scale: tc.Scale, maxPeriod: tc.MaxPeriod}
	if n.scale == 0 {
		n.scale = 1
	}
	if n.maxPeriod == 0 {
		n.maxPeriod = 10000
	}
	b := &binder{}
	n.xOff = b.state(in * n.V)
	if tc.Dim > 0 {
		n.H = tc.Hidden
		b.embDim = n.H
		n.w1 = b.param("time.fc1.weight", []int{n.H, n.D}, heUniform(n.D))
		n.b1 = b.param("time.fc1.bias", []int{n.H}, constInit(0))
		n.w2 = b.param("time.fc2.weight", []int{n.H, n.H}, heUniform(n.H))
		n.b2 = b.param("time.fc2.bias", []int{n.H}, constInit(0))
		n.eOff = b.state(n.D)
		n.z1Off = b.state(n.H)
		n.h1Off = b.state(n.H)
		n.z2Off = b.state(n.H)
		n.uOff = b.state(n.H)
	}
	root, err := body.bind(b, newGeom(l), in, "")
	if err != nil {
		return nil, err
	}
	n.root = root
	n.out = root.outChannels()
	n.params = b.params
	n.theta = make([]float32, b.nparam)
	n.grad = make([]float32, b.nparam)
	for i, p := range b.params {
		b.inits[i](n.theta[p.offset:p.offset+p.n], cfg.Rand)
	}
	n.stLen, n.scLen = b.stLen, b.scLen
	n.nchunks = cfg.Chunks
	if n.nchunks == 0 {
		n.nchunks = DefaultChunks
	}
	nw := cfg.Workers
	if nw == 0 {
		nw = runtime.GOMAXPROCS(0)
	}
	nw = min(nw, n.nchunks)
	n.gradChunks = make([][]float32, n.nchunks)
	for c := range n.gradChunks {
		n.gradChunks[c] = make([]float32, b.nparam)
	}
	n.workers = make([]*worker, nw)
	n.privateSt = make([][]float32, nw)
	n.embScratch = make([][]float32, nw)
	for i := range n.workers {
		w := &worker{theta: n.theta, scratch: make([]float32, n.scLen), demb: make([]float32, n.H)}
		for _, f := range b.locals {
			w.locals = append(w.locals, f())
		}
		n.workers[i] = w
		n.embScratch[i] = make([]float32, 2*n.H)
	}
	n.pool = parallel.NewPool(nw)
	for phase := range n.phaseFns {
		n.phaseFns[phase] = func(w int) { n.run(phase, w) }
	}
	runtime.AddCleanup(n, func(p *parallel.Pool) { p.Close() }, n.pool)
	return n, nil
}

// Close stops the Network's worker goroutines. A Network that becomes
// unreachable is closed automatically; Close makes it prompt. The Network
// must not be used afterwards.
func (n *Network) Close() {
	n.closed = true
	n.pool.Close()
}

// Lattice returns the lattice the network is bound to.
func (n *Network) Lattice() *lattice.Lattice { return n.lat }

// In returns the number of input channels.
func (n *Network) In() int { return n.in }

// Out returns the number of output channels.
func (n *Network) Out() int { return n.out }

// Workers returns the number of goroutines sharing a batch.
func (n *Network) Workers() int { return len(n.workers) }

// NumParams returns the number of scalar parameters.
func (n *Network) NumParams() int { return len(n.theta) }

// Theta returns the flat parameter vector. It aliases the network's
// parameters: writing to it changes the network.
func (n *Network) Theta() []float32 { return n.theta }

// Grad returns the flat gradient accumulator, laid out like Theta.
func (n *Network) Grad() []float32 { return n.grad }

// ZeroGrad sets the gradient accumulator to zero.
func (n *Network) ZeroGrad() { clear(n.grad) }

// Params returns the parameters as named tensors whose Data alias Theta.
func (n *Network) Params() []NamedTensor { return views(n.params, n.theta, "") }

// Grads returns the gradient as named tensors whose Data alias Grad, with
// the same names as Params.
func (n *Network) Grads() []NamedTensor { return views(n.params, n.grad, "") }

// SetParams copies the parameters from ts, matched by name. Every parameter
// must be present with its shape and nothing else may be; on error the
// network is unchanged.
func (n *Network) SetParams(ts []NamedTensor) error { return load(n.params, n.theta, "", ts) }

// CheckFinite returns a *NonFiniteError naming the first parameter or
// gradient tensor holding a NaN or ±Inf, or nil.
func (n *Network) CheckFinite() error {
	if err := CheckFinite(n.Params()); err != nil {
		return err
	}
	return CheckFinite(views(n.params, n.grad, "grad/"))
}

func (n *Network) checkBatch(x []float32, t []float64) int {
	if n.closed {
		panic("nn: network is closed")
	}
	B := len(t)
	if B == 0 {
		panic("nn: empty batch")
	}
	if len(x) != B*n.in*n.V {
		panic(fmt.Sprintf("nn: input length %d, want batch %d × %d channels × %d sites", len(x), B, n.in, n.V))
	}
	return B
}

func (n *Network) dispatch(phase, B int) {
	n.curChunks = min(n.nchunks, B)
	n.next.Store(0)
	n.pool.Run(n.phaseFns[phase])
}

// Forward evaluates the network on the batch x (len(t) samples × In × V)
// at times t, writes the output into dst (len(t) × Out × V) and returns dst,
// allocating it if nil. It keeps what Backward needs (including a copy of x).
func (n *Network) Forward(dst, x []float32, t []float64) []float32 {
	B := n.checkBatch(x, t)
	dst = n.outBuf(dst, B)
	if need := B * n.stLen; cap(n.arena) < need {
		n.arena = make([]float32, need)
	}
	n.arena = n.arena[:B*n.stLen]
	n.batch = B
	// Backward needs the times again; the caller may reuse t meanwhile.
	n.tSaved = append(n.tSaved[:0], t...)
	n.curX, n.curDst, n.curT = x, dst, n.tSaved
	n.dispatch(phaseForward, B)
	n.curX, n.curDst = nil, nil
	return dst
}

// Predict is Forward without keeping anything for Backward: its memory does
// not grow with the batch. It invalidates the state of the last Forward.
func (n *Network) Predict(dst, x []float32, t []float64) []float32 {
	B := n.checkBatch(x, t)
	dst = n.outBuf(dst, B)
	for i, s := range n.privateSt {
		if s == nil {
			n.privateSt[i] = make([]float32, n.stLen)
		}
	}
	n.batch = 0
	n.curX, n.curDst, n.curT = x, dst, t
	n.dispatch(phasePredict, B)
	n.curX, n.curDst, n.curT = nil, nil, nil
	return dst
}

func (n *Network) outBuf(dst []float32, B int) []float32 {
	if dst == nil {
		return make([]float32, B*n.out*n.V)
	}
	if len(dst) != B*n.out*n.V {
		panic(fmt.Sprintf("nn: output length %d, want batch %d × %d channels × %d sites", len(dst), B, n.out, n.V))
	}
	return dst
}

// Backward back-propagates the output gradient dy (∂loss/∂output, laid out
// like Forward's output) through the last Forward, adds the parameter
// gradient to Grad and, if dx is not nil, writes ∂loss/∂x into dx and
// returns it.
func (n *Network) Backward(dx, dy []float32) []float32 {
	if n.closed {
		panic("nn: network is closed")
	}
	B := n.batch
	if B == 0 {
		panic("nn: Backward without a preceding Forward")
	}
	if len(dy) != B*n.out*n.V {
		panic(fmt.Sprintf("nn: output gradient length %d, want batch %d × %d channels × %d sites", len(dy), B, n.out, n.V))
	}
	if dx != nil && len(dx) != B*n.in*n.V {
		panic(fmt.Sprintf("nn: input gradient length %d, want batch %d × %d channels × %d sites", len(dx), B, n.in, n.V))
	}
	n.curDy, n.curDx = dy, dx
	n.curNeedDx = 0
	if dx != nil {
		n.curNeedDx = 1
	}
	n.dispatch(phaseBackward, B)
	n.reduceStride = (len(n.theta) + len(n.workers) - 1) / len(n.workers)
	n.pool.Run(n.phaseFns[phaseReduce])
	n.curDy, n.curDx = nil, nil
	return dx
}

// run does worker wid's share of a phase; the pool calls it on every
// worker through phaseFns, bound once so that dispatching allocates nothing.
func (n *Network) run(phase, wid int) {
	w := n.workers[wid]
	if phase == phaseReduce {
		lo := wid * n.reduceStride
		hi := min(lo+n.reduceStride, len(n.theta))
		if lo >= hi {
			return
		}
		g := n.grad[lo:hi]
		for c := 0; c < n.curChunks; c++ {
			gc := n.gradChunks[c][lo:hi]
			for i := range g {
				g[i] += gc[i]
			}
		}
		return
	}
	B := len(n.curT)
	inN, outN := n.in*n.V, n.out*n.V
	for {
		c := int(n.next.Add(1) - 1)
		if c >= n.curChunks {
			return
		}
		lo, hi := c*B/n.curChunks, (c+1)*B/n.curChunks
		if phase == phaseBackward {
			w.grad = n.gradChunks[c]
			clear(w.grad)
		}
		for s := lo; s < hi; s++ {
			var st []float32
			if phase == phasePredict {
				st = n.privateSt[wid]
			} else {
				st = n.arena[s*n.stLen : (s+1)*n.stLen]
			}
			w.t = n.curT[s]
			switch phase {
			case phaseForward, phasePredict:
				x := n.curX[s*inN : (s+1)*inN]
				if phase == phaseForward {
					xs := stSlice(st, n.xOff, inN)
					copy(xs, x)
					x = xs
				}
				n.embed(w, st)
				y := n.root.forward(w, st, x)
				copy(n.curDst[s*outN:(s+1)*outN], y)
			case phaseBackward:
				if n.D > 0 {
					w.emb = stSlice(st, n.uOff, n.H)
					clear(w.demb)
				}
				x := stSlice(st, n.xOff, inN)
				dx := n.root.backward(w, st, x, n.curDy[s*outN:(s+1)*outN], n.curNeedDx == 1)
				if n.curNeedDx == 1 {
					copy(n.curDx[s*inN:(s+1)*inN], dx)
				}
				if n.D > 0 {
					n.embedBackward(w, st, n.embScratch[wid])
				}
			}
		}
	}
}

// embed computes the time embedding of sample time w.t into st and points
// w.emb at it.
func (n *Network) embed(w *worker, st []float32) {
	if n.D == 0 {
		return
	}
	e := stSlice(st, n.eOff, n.D)
	half := n.D / 2
	st64 := n.scale * w.t
	for j := 0; j < half; j++ {
		om := math.Pow(n.maxPeriod, -float64(j)/float64(half))
		s, c := math.Sincos(st64 * om)
		e[j], e[half+j] = float32(s), float32(c)
	}
	th := n.theta
	z1, h1 := stSlice(st, n.z1Off, n.H), stSlice(st, n.h1Off, n.H)
	z2, u := stSlice(st, n.z2Off, n.H), stSlice(st, n.uOff, n.H)
	affine(z1, th[n.w1:n.w1+n.H*n.D], th[n.b1:n.b1+n.H], e)
	kernel.SiLUForward(h1, z1)
	affine(z2, th[n.w2:n.w2+n.H*n.H], th[n.b2:n.b2+n.H], h1)
	kernel.SiLUForward(u, z2)
	w.emb = u
}

// affine writes y = W·x + b, W row-major (len(y) × len(x)).
func affine(y, W, b, x []float32) {
	m := len(x)
	for i := range y {
		v := b[i]
		row := W[i*m : (i+1)*m]
		for j, xv := range x {
			v += row[j] * xv
		}
		y[i] = v
	}
}

// embedBackward back-propagates w.demb through the embedding MLP.
func (n *Network) embedBackward(w *worker, st, sc []float32) {
	th, gr := n.theta, w.grad
	e := stSlice(st, n.eOff, n.D)
	z1, h1 := stSlice(st, n.z1Off, n.H), stSlice(st, n.h1Off, n.H)
	z2 := stSlice(st, n.z2Off, n.H)
	dz2, dh1 := sc[:n.H], sc[n.H:2*n.H]
	kernel.SiLUBackward(dz2, z2, w.demb)
	affineBackward(gr[n.w2:n.w2+n.H*n.H], gr[n.b2:n.b2+n.H], dh1, th[n.w2:n.w2+n.H*n.H], h1, dz2)
	kernel.SiLUBackward(dh1, z1, dh1)
	affineBackward(gr[n.w1:n.w1+n.H*n.D], gr[n.b1:n.b1+n.H], nil, th[n.w1:n.w1+n.H*n.D], e, dh1)
}

// affineBackward accumulates the gradients of y = W·x + b for output
// gradient dy: dW += dy⊗x, db += dy and, if dx is not nil, dx = Wᵀ·dy.
func affineBackward(dW, db, dx, W, x, dy []float32) {
	m := len(x)
	if dx != nil {
		clear(dx)
	}
	for i, g := range dy {
		db[i] += g
		row := dW[i*m : (i+1)*m]
		for j, xv := range x {
			row[j] += g * xv
		}
		if dx != nil {
			wr := W[i*m : (i+1)*m]
			for j := range dx {
				dx[j] += wr[j] * g
			}
		}
	}
}
