// Copyright ©2026 The rgflow Authors. All rights reserved.

package erg

import (
	"fmt"
	"math"
	"sync"

	"rgflow/field"
	"rgflow/internal/parallel"
	"rgflow/internal/rng"
)

// Coupling says how the snapshots of one sample at different times are
// related.
type Coupling int

const (
	// Marginal draws every snapshot from x₀ with its own independent noise,
	// x_t = √ᾱ_t x₀ + √(1−ᾱ_t) σ ξ_t. Each snapshot has the exact marginal
	// law of the process, but snapshots of one sample at two times are not
	// jointly distributed as the process. This is the form denoising
	// training needs.
	Marginal Coupling = iota
	// Trajectory moves each sample along one path of the Markov process:
	// the snapshot at t_{i+1} is the exact Ornstein–Uhlenbeck transition
	// from the snapshot at t_i,
	//
	//	x_{t_{i+1}} = √a x_{t_i} + √(1−a) σ ξ_i,  a = ᾱ_{t_{i+1}}/ᾱ_{t_i},
	//
	// so that the snapshots of one sample are jointly distributed as the
	// flow (Cov(x_s, x_t) = √(ᾱ_t/ᾱ_s) Var(x_s) for s < t). Once a mode
	// has ᾱ = 0 (Litim, Sharp), each later snapshot of it is fresh noise.
	Trajectory
)

var couplingNames = []string{Marginal: "marginal", Trajectory: "trajectory"}

func (c Coupling) String() string { return enumName("Coupling", int(c), couplingNames...) }

// ParseCoupling returns the Coupling called s ("marginal" or "trajectory").
func ParseCoupling(s string) (Coupling, error) {
	c, err := parseEnum("coupling", s, couplingNames, nil)
	return Coupling(c), err
}

// Variables says which field a flow reports.
type Variables int

const (
	// X reports the variance-preserving variables x_t, whose fixed point
	// is N(0, σ²).
	X Variables = iota
	// Phi reports the Polchinski field φ_t = √ᾱ_t x_t, whose covariance
	// for free data is the regulated propagator C_t = ᾱ_t C₀ and which
	// satisfies φ_t = ᾱφ₀ + √(C_t(1−ᾱ)) ξ (for the Polchinski schedule,
	// s = ᾱ).
	Phi
)

func (v Variables) String() string { return enumName("Variables", int(v), "x", "phi") }

// Flow moves an ensemble along a Process and reports it at a list of
// times. Each sample is transformed to mode space once; each snapshot
// costs one inverse transform per sample and one Gaussian draw per mode.
// Nothing of size (snapshots × samples) is ever held: snapshots are
// handed to a callback one at a time.
//
// Sample i draws its noise from its own stream of normals keyed by
// rng.Derive(seed, rng.StageFlow, i) (see the package documentation,
// "Random numbers of a flow"), one buffer per snapshot in snapshot order, so
// results depend on the seed and the sample's index only, never on the
// number of workers.
type Flow struct {
	P *Process
	// Times are the snapshot times, non-decreasing, each in [0, P.T].
	Times    []float64
	Coupling Coupling
	Vars     Variables
	// Workers is the number of goroutines; 0 means GOMAXPROCS.
	Workers int

	// coefficient tables per snapshot: state ← a·state + b·noise (b
	// includes √Norm), output = c·state; for the Periodic basis ab holds
	// a and b interleaved, which the fused update loads in one go.
	a, b, c, ab [][]float64
	// selfConj lists the Periodic basis's real (self-conjugate) modes;
	// mirror lists pairs (j, conj j) of stored modes whose conjugate is
	// stored before them. The update treats every mode as complex and
	// then fixes these few.
	selfConj []int32
	mirror   [][2]int32
	// work holds the storage of finished Runs (*flowWork) for the next.
	work *sync.Pool
}

// NewFlow returns a flow of p reported at times. It returns an error if a
// time is outside [0, p.T] or the times decrease.
func NewFlow(p *Process, times []float64, c Coupling, v Variables) (*Flow, error) {
	if len(times) == 0 {
		return nil, fmt.Errorf("erg: flow needs at least one snapshot time")
	}
	for i, t := range times {
		if !(t >= 0 && t <= p.T) {
			return nil, fmt.Errorf("erg: snapshot time %d is %v: must lie in [0, T = %v]", i, t, p.T)
		}
		if i > 0 && t < times[i-1] {
			return nil, fmt.Errorf("erg: snapshot times decrease at %d (%v after %v)", i, t, times[i-1])
		}
	}
	if c != Marginal && c != Trajectory {
		return nil, fmt.Errorf("erg: coupling %v: allowed marginal, trajectory", c)
	}
	if v != X && v != Phi {
		return nil, fmt.Errorf("erg: variables %v: allowed x, phi", v)
	}
	f := &Flow{P: p, Times: append([]float64(nil), times...), Coupling: c, Vars: v, work: new(sync.Pool)}
	n := p.Modes()
	prev := make([]float64, n)
	for j := range prev {
		prev[j] = 1
	}
	cur := make([]float64, n)
	f.a = make([][]float64, len(times))
	f.b = make([][]float64, len(times))
	f.c = make([][]float64, len(times))
	for i, t := range times {
		p.AlphaBar(cur, t)
		a := make([]float64, n)
		b := make([]float64, n)
		cc := make([]float64, n)
		for j, ab := range cur {
			r := ab
			if c == Trajectory {
				switch {
				case prev[j] > 0:
					r = math.Min(ab/prev[j], 1)
				default:
					r = 0
				}
			}
			a[j] = math.Sqrt(r)
			b[j] = math.Sqrt((1 - r) * p.Sigma2[j] * p.Norm[j])
			if !p.isRealMode(j) {
				b[j] *= math.Sqrt2 / 2
			}
			cc[j] = 1
			if v == Phi {
				cc[j] = math.Sqrt(ab)
			}
		}
		f.a[i], f.b[i], f.c[i] = a, b, cc
		if p.Basis == Periodic {
			ab := make([]float64, 2*n)
			for j := range a {
				ab[2*j], ab[2*j+1] = a[j], b[j]
			}
			f.ab = append(f.ab, ab)
		}
		copy(prev, cur)
	}
	if p.Basis == Periodic {
		for j, c := range p.conj {
			switch {
			case c == j:
				f.selfConj = append(f.selfConj, int32(j))
			case c >= 0 && c < j:
				f.mirror = append(f.mirror, [2]int32{int32(j), int32(c)})
			}
		}
	}
	return f, nil
}

// isRealMode reports whether stored mode j has a real coefficient for real
// fields (every DCT mode; self-conjugate Fourier modes).
func (p *Process) isRealMode(j int) bool {
	return p.Basis == Open || p.conj[j] == j
}

// Snapshot receives snapshot number i (time t) of the whole ensemble. The
// ensemble's storage is reused for the next snapshot: copy what must
// outlive the call. A non-nil error stops the flow and is returned by Run.
type Snapshot func(i int, t float64, e *field.Ensemble) error

// Run flows the ensemble e (the data at t = 0) and calls fn once per
// snapshot time, in order. e is not modified.
func (f *Flow) Run(e *field.Ensemble, seed uint64, fn Snapshot) error {
	p := f.P
	if !e.Lat.Equal(p.Lat) {
		panic("erg: ensemble lattice differs from the process lattice")
	}
	N, V, H := e.Len(), p.Lat.Volume(), p.Modes()
	if N == 0 {
		return nil
	}
	W := parallel.Workers(f.Workers, N)
	wk := f.getWork(N, W)
	defer f.putWork(wk)
	modes, out, rnds, plans, scratch, noise := wk.modes, wk.out, wk.rnds, wk.plans, wk.scratch, wk.noise
	parallel.For(W, N, func(w, i int) {
		rnds[i] = rng.NewNormals(rng.Derive(seed, rng.StageFlow, uint64(i)))
		plans[w].ToModes(modes[i*H:(i+1)*H], e.Field(i))
	})
	for s, t := range f.Times {
		parallel.For(W, N, func(w, i int) {
			x := modes[i*H : (i+1)*H]
			sc := scratch[w]
			xi := noise[w]
			var src []complex128
			if f.Coupling == Trajectory {
				f.advance(x, x, s, &rnds[i], xi)
				src = x
				if f.Vars == Phi {
					src = f.scale(sc, x, s)
				}
			} else {
				f.advance(sc, x, s, &rnds[i], xi)
				src = f.scale(sc, sc, s)
			}
			plans[w].ToField(out.Data[i*V:(i+1)*V], src)
		})
		if err := fn(s, t, out); err != nil {
			return err
		}
	}
	return nil
}

// flowWork is the storage of one Run: the samples' mode-space states and
// generators, the reported ensemble, and per worker a transform plan and
// scratch. Runs keep it in Flow.work for the next Run, so that a flow run
// again and again does not allocate and clear several ensembles' worth of
// memory each time.
type flowWork struct {
	modes   []complex128
	out     *field.Ensemble
	rnds    []rng.Normals
	plans   []*Plan
	scratch [][]complex128
	noise   [][]float64
}

// getWork returns storage for a Run of n samples on W workers, from the
// pool when it holds storage of that shape.
func (f *Flow) getWork(n, W int) *flowWork {
	if f.work != nil {
		if wk, ok := f.work.Get().(*flowWork); ok && wk.out.Len() == n && len(wk.plans) == W {
			return wk
		}
	}
	p := f.P
	H := p.Modes()
	wk := &flowWork{
		modes:   make([]complex128, n*H),
		out:     field.NewEnsemble(p.Lat, n),
		rnds:    make([]rng.Normals, n),
		plans:   make([]*Plan, W),
		scratch: make([][]complex128, W),
		noise:   make([][]float64, W),
	}
	for w := range W {
		wk.plans[w] = p.NewPlan()
		wk.scratch[w] = make([]complex128, H)
		wk.noise[w] = make([]float64, f.noiseLen())
	}
	return wk
}

func (f *Flow) putWork(wk *flowWork) {
	if f.work != nil {
		f.work.Put(wk)
	}
}

// noiseLen returns the number of standard normals a sample draws per
// snapshot: one per mode for the Open basis, two per stored mode (real
// and imaginary part) for the Periodic one, whether or not the mode uses
// them, rounded up to whole blocks of the generator (eight normals). Drawing the
// few unused ones (real and mirrored modes, ~3% at 64²) keeps the update
// one straight loop over modes.
func (f *Flow) noiseLen() int {
	n := f.P.Modes()
	if f.P.Basis == Periodic {
		n *= 2
	}
	return (n + rng.NormalBlock - 1) &^ (rng.NormalBlock - 1)
}

// advance draws the noise of snapshot s from g and writes a·x + b·ξ into
// dst (which may alias x): step(dst, x, s, ξ) after g.Fill(ξ) with
// len(xi) = noiseLen() normals, bit for bit, the Periodic update fused with
// the draw where the CPU allows (rng.Normals.StepNoise). xi is scratch.
func (f *Flow) advance(dst, x []complex128, s int, g *rng.Normals, xi []float64) {
	if f.P.Basis == Open {
		g.Fill(xi)
		f.step(dst, x, s, xi)
		return
	}
	a, b := f.a[s], f.b[s]
	n := len(a)
	g.StepNoise(dst[:n], x[:n], a, b[:n], f.ab[s], xi)
	f.fixModes(dst)
}

// step writes a·x + b·ξ for snapshot s into dst (which may alias x). For
// the Open basis mode j takes ξ = xi[j]; for the Periodic basis mode j
// takes xi[2j] + i·xi[2j+1], except that a self-conjugate mode takes the
// real part alone and a mode whose conjugate is stored before it is that
// mode's conjugate.
func (f *Flow) step(dst, x []complex128, s int, xi []float64) {
	a, b := f.a[s], f.b[s]
	if f.P.Basis == Open {
		dst, x, xi, b := dst[:len(a)], x[:len(a)], xi[:len(a)], b[:len(a)]
		for j := range dst {
			dst[j] = complex(a[j]*real(x[j])+b[j]*xi[j], 0)
		}
		return
	}
	n := len(a)
	rng.StepComplex(dst[:n], x[:n], xi[:2*n], a, b[:n])
	f.fixModes(dst)
}

// fixModes makes the updated Periodic modes dst a half spectrum of a real
// field: the real part alone of a self-conjugate mode, the conjugate of
// its partner for a mode whose partner is stored before it.
func (f *Flow) fixModes(dst []complex128) {
	for _, j := range f.selfConj {
		dst[j] = complex(real(dst[j]), 0)
	}
	for _, m := range f.mirror {
		v := dst[m[1]]
		dst[m[0]] = complex(real(v), -imag(v))
	}
}

// scale writes the reported variables of the state x into dst (which may
// alias x) and returns dst: x itself for X, √ᾱ_t·x for Phi.
func (f *Flow) scale(dst, x []complex128, s int) []complex128 {
	if f.Vars != Phi {
		return x
	}
	for j, c := range f.c[s] {
		dst[j] = x[j] * complex(c, 0)
	}
	return dst
}

// Collect runs the flow and returns every snapshot as its own ensemble: a
// convenience for small runs and tests (it holds snapshots × samples
// fields).
func (f *Flow) Collect(e *field.Ensemble, seed uint64) ([]*field.Ensemble, error) {
	out := make([]*field.Ensemble, len(f.Times))
	err := f.Run(e, seed, func(i int, _ float64, s *field.Ensemble) error {
		out[i] = &field.Ensemble{Lat: s.Lat, Data: append([]float64(nil), s.Data...)}
		return nil
	})
	return out, err
}
