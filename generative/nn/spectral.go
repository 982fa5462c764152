// Copyright ©2026 The rgflow Authors. All rights reserved.

package nn

import (
	"fmt"
	"math"
	"sort"

	"rgflow/lattice"
)

// SpectralLayer multiplies every channel's Fourier modes by a learned real
// gain that depends on the mode's momentum shell and on the time,
//
//	ỹ_c(k) = g_c(s(k), t) · x̃_c(k),
//
// with the lattice package's transform (lattice.FFT, O(V log V)). The gain
// g_c(s, t) is piecewise linear in t through the table G[c, s, j] at the
// times Knots[j] (constant beyond the first and last knot; constant in t
// with one knot or none). A translation-invariant Gaussian score is such a
// per-mode linear map, −x̃_t(k)/G_t(k), so with shells that resolve k̂²
// (DispersionShells) and knots at the times a model is trained on, this
// layer represents the Gaussian part exactly and the convolutions need
// only learn the rest.
//
// Because g depends on k only through the shell, g(−k) = g(k) and the
// layer is a real, symmetric operator: a periodic convolution with an even
// kernel, equivariant under every lattice translation.
//
// Parameter: "gain" of shape (C, shells, knots), all entries starting at
// Init.
//
// With Form set, the gain is instead a given function of the time, the
// shell and one parameter θ per channel and shell, g = Form(t, s, θ):
// parameter "gain" of shape (C, shells, 1), starting at Init. A physical
// form (the exact Gaussian denoiser's gain as a function of a learned
// spectrum, generative.GaussianForm) puts the whole time dependence in the
// form, so that every training time informs the one parameter of a shell.
type SpectralLayer struct {
	// Shells bins the half spectrum of the layer's lattice (built by
	// Lattice.Shells or DispersionShells for that lattice). nil means
	// DispersionShells of the lattice the layer is bound to.
	Shells *lattice.Shells
	// Knots are strictly increasing times.
	Knots []float64
	// Init is the initial gain (with Form, the initial θ).
	Init float64
	// Form, if not nil, is the gain as a function of the time, the shell
	// and the shell's parameter, with its derivative in the parameter.
	Form GainForm
}

// GainForm returns the gain g and ∂g/∂θ of shell s at time t for the
// parameter θ (see SpectralLayer.Form). It must be safe for concurrent use.
type GainForm func(t float64, s int, theta float64) (g, dg float64)

// Spectral returns a SpectralLayer with one shell per distinct k̂², gains
// interpolated between knots and starting at init.
func Spectral(knots []float64, init float64) SpectralLayer {
	return SpectralLayer{Knots: knots, Init: init}
}

func (s SpectralLayer) bind(b *binder, g *geom, cin int, name string) (node, error) {
	sh := s.Shells
	if sh == nil {
		sh = DispersionShells(g.lat)
	}
	H := g.lat.HalfLen()
	if len(sh.Index) != H {
		return nil, fmt.Errorf("nn: %s: shells cover %d modes, the half spectrum of %v has %d", name, len(sh.Index), g.lat, H)
	}
	for i := 1; i < len(s.Knots); i++ {
		if !(s.Knots[i] > s.Knots[i-1]) {
			return nil, fmt.Errorf("nn: %s: knots %v: must be strictly increasing", name, s.Knots)
		}
	}
	for _, t := range s.Knots {
		if math.IsNaN(t) || math.IsInf(t, 0) {
			return nil, fmt.Errorf("nn: %s: knot %v: must be finite", name, t)
		}
	}
	if math.IsNaN(s.Init) || math.IsInf(s.Init, 0) {
		return nil, fmt.Errorf("nn: %s: initial gain %v: must be finite", name, s.Init)
	}
	n := &spectralNode{c: cin, V: g.V, H: H, lat: g.lat, S: sh.Len(), knots: append([]float64(nil), s.Knots...), form: s.Form}
	n.m = max(len(s.Knots), 1)
	if s.Form != nil {
		n.knots, n.m = nil, 1
	}
	n.shell = append([]int(nil), sh.Index...)
	n.weight = g.lat.HalfWeights()
	n.gOff = b.param(join(name, "gain"), []int{cin, n.S, n.m}, constInit(float32(s.Init)))
	n.outOff = b.state(cin * g.V)
	n.dxOff = b.scratch(cin * g.V)
	lat := g.lat
	plan := lattice.NewFFT(lat)
	n.local = b.local(func() any {
		return &spectralScratch{
			fft:  plan.Clone(),
			f:    make([]float64, lat.Volume()),
			X:    make([]complex128, H),
			DY:   make([]complex128, H),
			gain: make([]float64, n.S),
			dg:   make([]float64, n.S),
			acc:  make([]float64, n.S),
		}
	})
	return n, nil
}

type spectralNode struct {
	c, V, H, S, m int
	lat           *lattice.Lattice
	knots         []float64
	form          GainForm
	shell         []int     // half-spectrum mode → shell
	weight        []float64 // half-spectrum mode → number of modes it stands for
	gOff          int
	outOff, dxOff int
	local         int
}

type spectralScratch struct {
	fft           *lattice.FFT
	f             []float64
	X, DY         []complex128
	gain, dg, acc []float64
}

func (n *spectralNode) outChannels() int { return n.c }

func (n *spectralNode) output(st []float32) []float32 { return stSlice(st, n.outOff, n.c*n.V) }

// interp returns the knot index j and weight w of time t: the gain is
// (1−w)·G[j] + w·G[j+1] (w = 0 and j+1 unused at or beyond the ends).
func (n *spectralNode) interp(t float64) (int, float64) {
	k := n.knots
	if len(k) <= 1 || t <= k[0] {
		return 0, 0
	}
	if t >= k[len(k)-1] {
		return len(k) - 1, 0
	}
	j := sort.SearchFloat64s(k, t) - 1 // k[j] < t ≤ k[j+1]
	return j, (t - k[j]) / (k[j+1] - k[j])
}

// gains fills s.gain with channel c's gain per shell at knot j, weight wt
// (with a Form: at time t, and s.dg with the derivatives).
func (n *spectralNode) gains(s *spectralScratch, th []float32, c, j int, wt, t float64) {
	G := th[n.gOff+c*n.S*n.m : n.gOff+(c+1)*n.S*n.m]
	if n.form != nil {
		for sh := range s.gain {
			s.gain[sh], s.dg[sh] = n.form(t, sh, float64(G[sh]))
		}
		return
	}
	for sh := range s.gain {
		g := float64(G[sh*n.m+j])
		if wt != 0 {
			g += wt * (float64(G[sh*n.m+j+1]) - g)
		}
		s.gain[sh] = g
	}
}

// transform writes the half spectrum of the float32 field src into spec.
func (s *spectralScratch) transform(spec []complex128, src []float32) {
	for i, v := range src {
		s.f[i] = float64(v)
	}
	s.fft.Forward(spec, s.f)
}

// apply multiplies spec by the gains of s.gain and writes the inverse
// transform into dst.
func (n *spectralNode) apply(s *spectralScratch, dst []float32, spec []complex128) {
	for j, sh := range n.shell {
		spec[j] *= complex(s.gain[sh], 0)
	}
	s.fft.Inverse(s.f, spec)
	for i, v := range s.f {
		dst[i] = float32(v)
	}
}

func (n *spectralNode) forward(w *worker, st, x []float32) []float32 {
	s := w.locals[n.local].(*spectralScratch)
	y := n.output(st)
	j, wt := n.interp(w.t)
	for c := 0; c < n.c; c++ {
		n.gains(s, w.theta, c, j, wt, w.t)
		s.transform(s.X, x[c*n.V:(c+1)*n.V])
		n.apply(s, y[c*n.V:(c+1)*n.V], s.X)
	}
	return y
}

func (n *spectralNode) backward(w *worker, st, x, dy []float32, needDx bool) []float32 {
	s := w.locals[n.local].(*spectralScratch)
	j, wt := n.interp(w.t)
	var dx []float32
	if needDx {
		dx = w.sc(n.dxOff, n.c*n.V)
	}
	// ∂L/∂g(k) = Re(x̃(k)·conj(d̃y(k)))/V for each of the V modes k (the
	// half spectrum stands for them with weights 1 or 2), summed over the
	// modes of each shell and shared between the two knots around t.
	invV := 1 / float64(n.V)
	gr := w.grad
	for c := 0; c < n.c; c++ {
		s.transform(s.X, x[c*n.V:(c+1)*n.V])
		s.transform(s.DY, dy[c*n.V:(c+1)*n.V])
		clear(s.acc)
		for m, sh := range n.shell {
			xv, dv := s.X[m], s.DY[m]
			s.acc[sh] += n.weight[m] * (real(xv)*real(dv) + imag(xv)*imag(dv))
		}
		G := gr[n.gOff+c*n.S*n.m : n.gOff+(c+1)*n.S*n.m]
		if n.form != nil {
			n.gains(s, w.theta, c, j, wt, w.t)
			for sh, a := range s.acc {
				G[sh] += float32(a * invV * s.dg[sh])
			}
			if needDx {
				n.apply(s, dx[c*n.V:(c+1)*n.V], s.DY)
			}
			continue
		}
		for sh, a := range s.acc {
			a *= invV
			G[sh*n.m+j] += float32((1 - wt) * a)
			if wt != 0 {
				G[sh*n.m+j+1] += float32(wt * a)
			}
		}
		if needDx {
			// The operator is symmetric: dx = F⁻¹[gain · F dy].
			n.gains(s, w.theta, c, j, wt, w.t)
			n.apply(s, dx[c*n.V:(c+1)*n.V], s.DY)
		}
	}
	return dx
}

// DispersionShells returns the momentum shells of l with one shell per
// distinct value of k̂² over the half spectrum (values within a relative
// 10⁻⁹ are one shell, absorbing the rounding of sin² at equivalent
// momenta), zero mode first and in increasing k̂². A function of k̂² — the
// free propagator, a Gaussian score — takes one value per shell. Lo and Hi
// are both the shell's |k̂|.
func DispersionShells(l *lattice.Lattice) *lattice.Shells {
	k2 := l.HalfKHat2()
	w := l.HalfWeights()
	order := make([]int, len(k2))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return k2[order[a]] < k2[order[b]] })
	const rel = 1e-9
	s := &lattice.Shells{Index: make([]int, len(k2))}
	sh := -1
	last := math.Inf(-1)
	for _, m := range order {
		v := math.Max(k2[m], 0)
		if sh < 0 || v-last > rel*(1+last) {
			sh++
			s.Count = append(s.Count, 0)
			s.KHat = append(s.KHat, 0)
			s.KHat2 = append(s.KHat2, 0)
			last = v
		}
		s.Index[m] = sh
		s.Count[sh] += w[m]
		s.KHat[sh] += w[m] * math.Sqrt(v)
		s.KHat2[sh] += w[m] * v
	}
	for i := range s.Count {
		s.KHat[i] /= s.Count[i]
		s.KHat2[i] /= s.Count[i]
	}
	s.Lo = append([]float64(nil), s.KHat...)
	s.Hi = append([]float64(nil), s.KHat...)
	return s
}
