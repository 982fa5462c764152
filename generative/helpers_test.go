// Copyright ©2026 The rgflow Authors. All rights reserved.

package generative

import (
	"math"
	"testing"

	"rgflow/erg"
	"rgflow/lattice"
)

// expSchedule is a smooth per-mode schedule, ᾱ_t(ε) = exp(−t(c + ε)) with
// β = c + ε, like a Polchinski flow with an exponential regulator.
type expSchedule struct{ c float64 }

func (s expSchedule) AlphaBar(t, eps float64) float64 { return math.Exp(-t * (s.c + eps)) }
func (s expSchedule) Beta(t, eps float64) float64     { return s.c + eps }

// freeData returns the free propagator with mass² m2 on the modes of p.
func freeData(t *testing.T, p *Process, m2 float64) []float64 {
	t.Helper()
	g, err := FreeSpectrum(Dispersion(p.Lat, p.Basis), m2)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// vpProcess is the continuous VP process (white σ²) on l.
func vpProcess(t *testing.T, l *lattice.Lattice, b erg.Basis) *Process {
	t.Helper()
	p, err := NewVP(l, b, SongVP, nil)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// expProcess is a per-mode smooth process with the free propagator of mass²
// 0.7 as its fixed point, ending at T = 6.
func expProcess(t *testing.T, l *lattice.Lattice, b erg.Basis) *Process {
	t.Helper()
	eps := Dispersion(l, b)
	sig, err := FreeSpectrum(eps, 0.7)
	if err != nil {
		t.Fatal(err)
	}
	p, err := erg.NewProcess(l, b, expSchedule{0.4}, 6, eps, sig)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// propagate runs the sampler's steps over times (not adding the final
// denoising) on the variance of every mode, starting from v0, using that
// every step is linear in (x, ξ) for a linear score: with x = 1, ξ = 0 the
// step returns a, with x = 0, ξ = 1 it returns b, and v ← a²v + b². With
// denoise it then applies the final denoiser at the last time.
func propagate(s *Sampler, v0 []float64, times []float64, denoise bool) []float64 {
	p := s.Proc
	M := p.Modes()
	v := append([]float64(nil), v0...)
	w := s.newWorkspace(1)
	x := make([]complex128, M)
	xi := make([]complex128, M)
	for i := 0; i+1 < len(times); i++ {
		t, u := times[i], times[i+1]
		for j := range x {
			x[j], xi[j] = 1, 0
		}
		s.step(w, x, xi, t, u)
		a := append([]complex128(nil), x...)
		for j := range x {
			x[j], xi[j] = 0, 1
		}
		s.step(w, x, xi, t, u)
		for j := range v {
			v[j] = real(a[j])*real(a[j])*v[j] + real(x[j])*real(x[j])
		}
	}
	if denoise {
		for j := range x {
			x[j] = 1
		}
		s.denoise(w, x, x, times[len(times)-1])
		for j := range v {
			v[j] *= real(x[j]) * real(x[j])
		}
	}
	return v
}

// maxRelErr returns max_j |v_j/want_j − 1|.
func maxRelErr(v, want []float64) float64 {
	m := 0.0
	for j := range v {
		m = math.Max(m, math.Abs(v[j]/want[j]-1))
	}
	return m
}

// chi2Quantile999 is the Wilson–Hilferty approximation of the 99.9%
// quantile of χ² with dof degrees of freedom (z₀.₉₉₉ = 3.090).
func chi2Quantile999(dof float64) float64 {
	return dof * math.Pow(1-2/(9*dof)+3.090*math.Sqrt(2/(9*dof)), 3)
}
