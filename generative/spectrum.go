// Copyright ©2026 The rgflow Authors. All rights reserved.

package generative

import (
	"fmt"
	"math"
	"slices"

	"rgflow/erg"
	"rgflow/field"
)

// ModeSet describes the stored modes of a Process for statistics.
//
// In the Periodic basis the half spectrum stores some modes twice (the
// conjugate pairs with n_d = 0 or L_d/2 both lie in the stored half) and
// some coefficients are real (the self-conjugate modes); in the Open basis
// every coefficient is real and distinct. Orbits group modes related by the
// lattice symmetries that fix the spectrum of a symmetric theory — the
// reflections n_μ → −n_μ (Periodic) and permutations of axes of equal
// extent — so that a spectrum estimate can be averaged over them.
type ModeSet struct {
	// Distinct is false for the second stored entry of a conjugate pair.
	Distinct []bool
	// Real is true for modes whose coefficient is real, with |x̃|²/Norm
	// distributed as G·χ²₁; complex modes have G·χ²₂/2.
	Real []bool
	// Orbit is the symmetry orbit of each mode, 0 … Orbits−1.
	Orbit []int
	// Orbits is the number of orbits.
	Orbits int
	// Size is the number of distinct modes in each orbit.
	Size []int
	// Partner is, for a non-distinct entry, the stored entry it duplicates
	// (−1 otherwise).
	Partner []int
}

// NewModeSet returns the mode bookkeeping of p.
func NewModeSet(p *Process) *ModeSet {
	l := p.Lat
	n := p.Modes()
	m := &ModeSet{
		Distinct: make([]bool, n),
		Real:     make([]bool, n),
		Orbit:    make([]int, n),
		Partner:  make([]int, n),
	}
	d := l.Dim()
	lab := make([]int, d)
	type axis struct{ L, n int }
	key := make([]axis, d)
	orbits := map[string]int{}
	var conj []int
	if p.Basis == erg.Periodic {
		conj = l.HalfConjugate()
	}
	for j := 0; j < n; j++ {
		m.Partner[j] = -1
		switch p.Basis {
		case erg.Periodic:
			l.HalfMode(lab, j)
			c := conj[j]
			m.Distinct[j] = !(c >= 0 && c < j)
			if !m.Distinct[j] {
				m.Partner[j] = c
			}
			m.Real[j] = c == j
			for mu, v := range lab {
				f := v % l.Extent(mu)
				if 2*f > l.Extent(mu) {
					f -= l.Extent(mu)
				}
				if f < 0 {
					f = -f
				}
				key[mu] = axis{l.Extent(mu), f}
			}
		default:
			l.Coords(lab, j)
			m.Distinct[j] = true
			m.Real[j] = true
			for mu, v := range lab {
				key[mu] = axis{l.Extent(mu), v}
			}
		}
		slices.SortFunc(key, func(a, b axis) int {
			if a.L != b.L {
				return a.L - b.L
			}
			return a.n - b.n
		})
		ks := fmt.Sprint(key)
		o, ok := orbits[ks]
		if !ok {
			o = len(orbits)
			orbits[ks] = o
			m.Size = append(m.Size, 0)
		}
		m.Orbit[j] = o
		if m.Distinct[j] {
			m.Size[o]++
		}
	}
	m.Orbits = len(orbits)
	return m
}

// Spectrum is a per-mode estimate of the covariance eigenvalue G(k) =
// ⟨|x̃_k|²⟩/Norm_k in the basis of a Process, from N independent fields.
type Spectrum struct {
	// G is the estimate for each stored mode.
	G []float64
	// Err is its standard error, assuming independent fields.
	Err []float64
	// N is the number of fields.
	N int
}

// MeasureSpectrum estimates the spectrum of the fields of e in the basis of
// p. With symmetrise, the estimate of each mode is the mean over its
// symmetry orbit (ModeSet), which is exact for a lattice-symmetric theory
// and lowers the variance; without, each mode stands alone. The errors
// treat the fields as independent: for a Markov chain, thin it first or
// use field's autocorrelation-aware statistics.
func MeasureSpectrum(p *Process, e *field.Ensemble, symmetrise bool) (*Spectrum, error) {
	if !e.Lat.Equal(p.Lat) {
		return nil, fmt.Errorf("generative: ensemble lattice %v differs from process lattice %v", e.Lat, p.Lat)
	}
	N := e.Len()
	if N < 2 {
		return nil, fmt.Errorf("generative: spectrum of %d fields: need at least 2", N)
	}
	ms := NewModeSet(p)
	M := p.Modes()
	pl := p.NewPlan()
	c := make([]complex128, M)
	// Per-group sums of the power and its square over fields, where a group
	// is an orbit (symmetrise) or a single mode.
	groups, gid := M, func(j int) int { return j }
	if symmetrise {
		groups, gid = ms.Orbits, func(j int) int { return ms.Orbit[j] }
	}
	sum := make([]float64, groups)
	sum2 := make([]float64, groups)
	cnt := make([]float64, groups)
	per := make([]float64, groups)
	for j := 0; j < M; j++ {
		if ms.Distinct[j] {
			cnt[gid(j)]++
		}
	}
	for i := 0; i < N; i++ {
		pl.ToModes(c, e.Field(i))
		clear(per)
		for j, v := range c {
			if !ms.Distinct[j] {
				continue
			}
			per[gid(j)] += (real(v)*real(v) + imag(v)*imag(v)) / p.Norm[j]
		}
		for g, v := range per {
			v /= cnt[g]
			sum[g] += v
			sum2[g] += v * v
		}
	}
	s := &Spectrum{G: make([]float64, M), Err: make([]float64, M), N: N}
	fn := float64(N)
	for j := 0; j < M; j++ {
		g := gid(j)
		if !ms.Distinct[j] {
			g = gid(ms.Partner[j])
		}
		mean := sum[g] / fn
		v := (sum2[g]/fn - mean*mean) * fn / (fn - 1)
		s.G[j] = mean
		s.Err[j] = math.Sqrt(math.Max(v, 0) / fn)
	}
	return s, nil
}
