// Copyright ©2026 The rgflow Authors. All rights reserved.

package erg

import (
	"fmt"
	"math"
	"math/rand/v2"

	"rgflow/lattice"
)

// Schedule is a per-mode noise schedule of a variance-preserving diffusion:
// the signal fraction ᾱ_t(ε) of a mode of energy ε at time t, and its rate
// β_t(ε) = −∂_t ln ᾱ_t(ε) ≥ 0.
//
// The mode energy ε is whatever per-mode scalar the schedule is built on:
// the lattice dispersion k̂² for the Polchinski flow and the lattice FDDM,
// the image-style dispersion for FDDM on the DCT grid, unused by DDPM.
type Schedule interface {
	AlphaBar(t, eps float64) float64
	Beta(t, eps float64) float64
}

// Basis names the orthogonal transform that diagonalises a process.
type Basis int

const (
	// Periodic is the Fourier basis of a periodic lattice; modes are the
	// half spectrum of lattice.FFT.
	Periodic Basis = iota
	// Open is the DCT-II basis of a lattice with reflecting boundaries;
	// modes are the coefficients of lattice.DCT.
	Open
)

func (b Basis) String() string { return enumName("Basis", int(b), "fft", "dct") }

// Process is a per-mode linear-Gaussian forward process,
//
//	x_t(k) = √ᾱ_t(k) x₀(k) + √(1 − ᾱ_t(k)) σ(k) ξ_k,
//
// in a basis that diagonalises it, with reference spectrum σ²(k) (the
// Gaussian fixed point) and a per-mode schedule. The Polchinski flow, DDPM
// and FDDM are all Processes; they differ only in Schedule, Eps, Sigma2 and
// Basis.
//
// Mode coefficients are unnormalised transforms (lattice convention), so a
// mode of covariance eigenvalue C has ⟨|x̃_k|²⟩ = Norm[k]·C; Sigma2 and the
// data spectra used with a Process are covariance eigenvalues (Norm
// divided out). For the Periodic basis Norm = V and modes are complex;
// for Open, Norm = lattice.DCTNorms and modes are real.
//
// A Process is immutable after construction and safe for concurrent use;
// the plans that move fields in and out of mode space (Plan) are not.
type Process struct {
	Lat   *lattice.Lattice
	Basis Basis
	Sched Schedule
	// T is the end time. A process that reaches its fixed point has
	// ᾱ_T(k) ≈ 0 for every mode (see MaxAlphaBar).
	T float64
	// Eps is the energy of each mode, the schedule's argument.
	Eps []float64
	// Sigma2 is the reference spectrum σ²(k) of each mode.
	Sigma2 []float64
	// Norm is the variance of each unnormalised mode coefficient of unit
	// white noise.
	Norm []float64
	// Weight is the number of full-basis modes each stored mode stands for
	// (lattice.HalfWeights for Periodic, 1 for Open).
	Weight []float64

	conj   []int  // Periodic: lattice.HalfConjugate
	frozen []bool // modes the schedule never moves (see Moves)
}

// NewProcess returns a process on l in basis b, with mode energies eps and
// reference spectrum sigma2 (one value per mode: l.HalfLen() for Periodic,
// l.Volume() for Open, ordered as the transform's output), schedule s and
// end time T. It returns an error naming the problem if the lengths are
// wrong, a reference variance is not finite and positive, or T ≤ 0.
func NewProcess(l *lattice.Lattice, b Basis, s Schedule, T float64, eps, sigma2 []float64) (*Process, error) {
	p := &Process{Lat: l, Basis: b, Sched: s, T: T}
	var n int
	switch b {
	case Periodic:
		n = l.HalfLen()
		p.Norm = make([]float64, n)
		for j := range p.Norm {
			p.Norm[j] = float64(l.Volume())
		}
		p.Weight = l.HalfWeights()
		p.conj = l.HalfConjugate()
	case Open:
		n = l.Volume()
		p.Norm = l.DCTNorms()
		p.Weight = make([]float64, n)
		for j := range p.Weight {
			p.Weight[j] = 1
		}
	default:
		return nil, fmt.Errorf("erg: unknown basis %v: allowed fft (periodic) or dct (open)", b)
	}
	if s == nil {
		return nil, fmt.Errorf("erg: process needs a schedule")
	}
	if !(T > 0) || math.IsInf(T, 0) {
		return nil, fmt.Errorf("erg: end time T = %v: must be finite and > 0", T)
	}
	if len(eps) != n || len(sigma2) != n {
		return nil, fmt.Errorf("erg: %d mode energies and %d reference variances for %d %v modes", len(eps), len(sigma2), n, b)
	}
	for j, v := range sigma2 {
		if !(v > 0) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("erg: reference variance σ² of mode %d is %v: must be finite and > 0", j, v)
		}
	}
	p.Eps = append([]float64(nil), eps...)
	p.Sigma2 = append([]float64(nil), sigma2...)
	p.frozen = make([]bool, n)
	for j, e := range p.Eps {
		p.frozen[j] = !(s.AlphaBar(maxEndTime, e) < 1)
	}
	return p, nil
}

// Modes returns the number of stored modes.
func (p *Process) Modes() int { return len(p.Eps) }

// AlphaBar writes ᾱ_t of every mode into dst and returns it.
func (p *Process) AlphaBar(dst []float64, t float64) []float64 {
	dst = p.modeDst(dst)
	for j, e := range p.Eps {
		dst[j] = p.Sched.AlphaBar(t, e)
	}
	return dst
}

// Beta writes β_t = −∂_t ln ᾱ_t of every mode into dst and returns it.
func (p *Process) Beta(dst []float64, t float64) []float64 {
	dst = p.modeDst(dst)
	for j, e := range p.Eps {
		dst[j] = p.Sched.Beta(t, e)
	}
	return dst
}

// MaxAlphaBar returns the largest ᾱ_t over the modes: how far from the
// fixed point the slowest mode still is at time t.
func (p *Process) MaxAlphaBar(t float64) float64 {
	m := 0.0
	for _, e := range p.Eps {
		m = math.Max(m, p.Sched.AlphaBar(t, e))
	}
	return m
}

// Spectrum writes G_t = ᾱ_t G₀ + (1 − ᾱ_t) σ², the covariance eigenvalue of
// every mode at time t for data of spectrum g0, into dst and returns it.
func (p *Process) Spectrum(dst, g0 []float64, t float64) []float64 {
	if len(g0) != p.Modes() {
		panic("erg: spectrum length mismatch")
	}
	dst = p.modeDst(dst)
	for j, e := range p.Eps {
		a := p.Sched.AlphaBar(t, e)
		dst[j] = a*g0[j] + (1-a)*p.Sigma2[j]
	}
	return dst
}

// Posterior returns, for one mode, the Gaussian q(x_s | x_t, x₀) of the
// forward process at times s < t as x_s = A·x₀ + B·x_t + √Var·ξ with
// Var in covariance units (multiply by Norm for the mode coefficient):
//
//	a = ᾱ_t/ᾱ_s, A = √ᾱ_s (1−a)/(1−ᾱ_t), B = √a (1−ᾱ_s)/(1−ᾱ_t),
//	Var = σ² (1−ᾱ_s)(1−a)/(1−ᾱ_t).
//
// When ᾱ_t = 1 (a mode that has not moved) it returns A = 0, B = 1, Var = 0.
func (p *Process) Posterior(j int, s, t float64) (A, B, Var float64) {
	as := p.Sched.AlphaBar(s, p.Eps[j])
	at := p.Sched.AlphaBar(t, p.Eps[j])
	return posterior(as, at, p.Sigma2[j])
}

func posterior(as, at, sigma2 float64) (A, B, Var float64) {
	den := 1 - at
	if den <= 0 {
		return 0, 1, 0
	}
	a := at / as
	if as == 0 {
		a = 0
	}
	A = math.Sqrt(as) * (1 - a) / den
	B = math.Sqrt(a) * (1 - as) / den
	Var = sigma2 * (1 - as) * (1 - a) / den
	if Var < 0 {
		Var = 0
	}
	return A, B, Var
}

// Noise writes into dst the mode coefficients of unit white noise (a real
// field with independent N(0, 1) sites, transformed): ⟨|ξ̃_k|²⟩ = Norm[k],
// with the conjugate pairs of the half spectrum kept conjugate. dst has
// Modes() entries; for the Open basis only real parts are set.
func (p *Process) Noise(dst []complex128, rnd *rand.Rand) []complex128 {
	if dst == nil {
		dst = make([]complex128, p.Modes())
	} else if len(dst) != p.Modes() {
		panic("erg: mode slice length mismatch")
	}
	switch p.Basis {
	case Open:
		for j, n := range p.Norm {
			dst[j] = complex(math.Sqrt(n)*rnd.NormFloat64(), 0)
		}
	case Periodic:
		for j, c := range p.conj {
			s := math.Sqrt(p.Norm[j])
			switch {
			case c == j:
				dst[j] = complex(s*rnd.NormFloat64(), 0)
			case c >= 0 && c < j:
				v := dst[c]
				dst[j] = complex(real(v), -imag(v))
			default:
				h := s * math.Sqrt2 / 2
				dst[j] = complex(h*rnd.NormFloat64(), h*rnd.NormFloat64())
			}
		}
	}
	return dst
}

// Transition writes x̃_t = √ᾱ_t x̃₀ + √(1−ᾱ_t) σ ξ̃ into dst (which may
// alias x0) for the mode coefficients x0 and noise coefficients xi drawn by
// Noise, and returns dst.
func (p *Process) Transition(dst, x0, xi []complex128, t float64) []complex128 {
	if len(x0) != p.Modes() || len(xi) != p.Modes() {
		panic("erg: mode slice length mismatch")
	}
	if dst == nil {
		dst = make([]complex128, p.Modes())
	} else if len(dst) != p.Modes() {
		panic("erg: mode slice length mismatch")
	}
	for j, e := range p.Eps {
		a := p.Sched.AlphaBar(t, e)
		ca := complex(math.Sqrt(a), 0)
		cn := complex(math.Sqrt((1-a)*p.Sigma2[j]), 0)
		dst[j] = ca*x0[j] + cn*xi[j]
	}
	return dst
}

func (p *Process) modeDst(dst []float64) []float64 {
	if dst == nil {
		return make([]float64, p.Modes())
	}
	if len(dst) != p.Modes() {
		panic("erg: mode slice length mismatch")
	}
	return dst
}

// Plan moves fields between site space and the mode space of a Process. It
// holds transform scratch and must be used by one goroutine at a time.
type Plan struct {
	p    *Process
	fft  *lattice.FFT
	dct  *lattice.DCT
	real []float64
}

// NewPlan returns a transform plan for p.
func (p *Process) NewPlan() *Plan {
	pl := &Plan{p: p}
	switch p.Basis {
	case Periodic:
		pl.fft = lattice.NewFFT(p.Lat)
	case Open:
		pl.dct = lattice.NewDCT(p.Lat)
		pl.real = make([]float64, p.Lat.Volume())
	}
	return pl
}

// ToModes writes the mode coefficients of the field x into dst and returns
// it. For the Open basis the coefficients are stored as real parts.
func (pl *Plan) ToModes(dst []complex128, x []float64) []complex128 {
	if dst == nil {
		dst = make([]complex128, pl.p.Modes())
	}
	switch pl.p.Basis {
	case Periodic:
		return pl.fft.Forward(dst, x)
	default:
		pl.dct.Forward(pl.real, x)
		for j, v := range pl.real {
			dst[j] = complex(v, 0)
		}
		return dst
	}
}

// ToField writes the field with mode coefficients m into dst and returns it;
// m is not modified.
func (pl *Plan) ToField(dst []float64, m []complex128) []float64 {
	switch pl.p.Basis {
	case Periodic:
		return pl.fft.Inverse(dst, m)
	default:
		for j, v := range m {
			pl.real[j] = real(v)
		}
		return pl.dct.Inverse(dst, pl.real)
	}
}
