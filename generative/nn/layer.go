// Copyright ©2026 The rgflow Authors. All rights reserved.

package nn

import (
	"fmt"
	"math"
	"math/rand/v2"

	"rgflow/lattice"
)

// Layer describes one building block of a Network: a convolution, an
// activation, a residual block, a multiscale path, a spectral filter or a
// composition of those. A Layer is a description only; New binds it to a
// lattice, creates its parameters and lays out its memory, so the same
// description may be used several times (each use gets its own parameters).
//
// Every Layer maps a field of some number of channels on a lattice to a field
// of a (possibly different) number of channels on the same lattice, for one
// sample at a time, and may depend on the sample's diffusion time.
type Layer interface {
	bind(b *binder, g *geom, cin int, name string) (node, error)
}

// node is a Layer bound to a lattice inside a Network. Nodes work on one
// sample: x is the input (cin channels × V sites, channel-major), st is the
// sample's saved-state region, in which every node keeps its output for the
// backward pass.
type node interface {
	// outChannels returns the number of output channels.
	outChannels() int
	// forward computes the output into the node's region of st and returns it.
	forward(w *worker, st, x []float32) []float32
	// output returns the output saved in st by forward.
	output(st []float32) []float32
	// backward accumulates the parameter gradients for output gradient dy
	// into w.grad and, if needDx, returns the input gradient (in the node's
	// worker scratch); x is the input forward saw.
	backward(w *worker, st, x, dy []float32, needDx bool) []float32
}

// geom is the lattice a node works on. Convolutions see it as planes of
// Y rows of X sites: X and Y are the last two extents (Y = 1 for d = 1) and
// the leading d−2 axes number the planes.
type geom struct {
	lat    *lattice.Lattice
	dims   []int
	d, V   int
	X, Y   int
	planes int
}

func newGeom(l *lattice.Lattice) *geom {
	g := &geom{lat: l, dims: l.Dims(), d: l.Dim(), V: l.Volume()}
	g.X = g.dims[g.d-1]
	g.Y = 1
	if g.d >= 2 {
		g.Y = g.dims[g.d-2]
	}
	g.planes = g.V / (g.X * g.Y)
	return g
}

// initFn fills a new parameter tensor.
type initFn func(dst []float32, r *rand.Rand)

func uniformInit(bound float64) initFn {
	return func(dst []float32, r *rand.Rand) {
		for i := range dst {
			dst[i] = float32(bound * (2*r.Float64() - 1))
		}
	}
}

func constInit(v float32) initFn {
	return func(dst []float32, _ *rand.Rand) {
		for i := range dst {
			dst[i] = v
		}
	}
}

// heUniform is the uniform initialisation with variance 2/fanIn (He et al.
// 2015), suited to ReLU-like activations such as SiLU.
func heUniform(fanIn int) initFn { return uniformInit(math.Sqrt(6 / float64(fanIn))) }

// binder lays out parameters, per-sample saved state and per-worker scratch
// while a Layer tree is bound.
type binder struct {
	params []tensorInfo
	inits  []initFn
	nparam int
	stLen  int
	scLen  int
	locals []func() any
	embDim int // width of the time embedding; 0 if the network has none
	time   bool
}

func (b *binder) param(name string, shape []int, init initFn) int {
	n := shapeLen(shape)
	for _, p := range b.params {
		if p.name == name {
			panic(fmt.Sprintf("nn: duplicate parameter name %q", name))
		}
	}
	off := b.nparam
	b.params = append(b.params, tensorInfo{name: name, shape: append([]int(nil), shape...), offset: off, n: n})
	b.inits = append(b.inits, init)
	b.nparam += n
	return off
}

// state reserves n floats of per-sample saved state and returns the offset.
func (b *binder) state(n int) int {
	off := b.stLen
	b.stLen += n
	return off
}

// scratch reserves n floats of per-worker scratch and returns the offset.
func (b *binder) scratch(n int) int {
	off := b.scLen
	b.scLen += n
	return off
}

// local registers a per-worker object (an FFT plan, say) and returns its index.
func (b *binder) local(f func() any) int {
	b.locals = append(b.locals, f)
	return len(b.locals) - 1
}

// worker holds what one goroutine needs to run nodes on one sample at a time.
type worker struct {
	theta   []float32 // all parameters (read only during a pass)
	grad    []float32 // gradient accumulator of the current chunk
	scratch []float32
	locals  []any
	t       float64   // the current sample's time
	emb     []float32 // the current sample's time embedding
	demb    []float32 // gradient with respect to emb
}

func (w *worker) sc(off, n int) []float32 { return w.scratch[off : off+n : off+n] }

func stSlice(st []float32, off, n int) []float32 { return st[off : off+n : off+n] }
