// Copyright ©2026 The rgflow Authors. All rights reserved.

package generative

import (
	"fmt"
	"math"

	"rgflow/erg"
	"rgflow/lattice"
)

// Process is the one per-mode linear-Gaussian forward process of rgflow,
// shared with the erg package: DDPM, FDDM and the Polchinski flow are all
// Processes. See erg.Process for its fields and methods.
type Process = erg.Process

// Schedule is the per-mode schedule ᾱ_t(ε) of a Process.
type Schedule = erg.Schedule

// Dispersion returns the lattice dispersion k̂² = Σ_μ 4 sin²(k_μ/2) of every
// mode of basis b, in the order of the basis' transform: the half spectrum
// (k_μ = 2πn_μ/L_μ) for erg.Periodic, the DCT-II grid (k_μ = πn_μ/L_μ) for
// erg.Open. It is the mode energy of the Polchinski flow and of the lattice
// FDDM.
func Dispersion(l *lattice.Lattice, b erg.Basis) []float64 {
	switch b {
	case erg.Periodic:
		return l.HalfKHat2()
	case erg.Open:
		return l.DCTKHat2()
	}
	panic(fmt.Sprintf("generative: unknown basis %v", b))
}

// ImageDispersion returns the image-style mode energy of the FDDM reference
// implementation, ε = −Σ_μ cos(π k_μ), on its DCT grid k_μ = n_μ/(L_μ − 1)
// (torch.linspace(0, 1, L) in fourier_scheduler.py; k_μ = 0 when L_μ = 1),
// for the DCT-II modes of l in row-major order (the erg.Open basis). In two
// dimensions it is the reference's cosine_energy_level, ranging from −2 at
// n = 0 to +2 at the highest mode.
//
// Note the reference's grid is n/(L−1), not the DCT-II frequency n/L of
// Dispersion(l, erg.Open): the two differ by O(1/L) and only this one
// reproduces the published schedule.
func ImageDispersion(l *lattice.Lattice) []float64 {
	out := make([]float64, l.Volume())
	n := make([]int, l.Dim())
	for i := range out {
		l.Coords(n, i)
		e := 0.0
		for mu, v := range n {
			k := 0.0
			if L := l.Extent(mu); L > 1 {
				k = float64(v) / float64(L-1)
			}
			e -= math.Cos(math.Pi * k)
		}
		out[i] = e
	}
	return out
}

// White returns the white-noise reference spectrum σ² = 1 for n modes, the
// fixed point of DDPM and FDDM.
func White(n int) []float64 {
	s := make([]float64, n)
	for j := range s {
		s[j] = 1
	}
	return s
}

// FreeSpectrum returns the free propagator C = 1/(k̂² + m²) of every mode
// with dispersion khat2: the reference spectrum of the Polchinski flow and
// the spectrum of free-field data. It returns an error if some mode has
// k̂² + m² ≤ 0.
func FreeSpectrum(khat2 []float64, m2 float64) ([]float64, error) {
	s := make([]float64, len(khat2))
	for j, k2 := range khat2 {
		d := k2 + m2
		if !(d > 0) || math.IsInf(d, 0) {
			return nil, fmt.Errorf("generative: free spectrum with m2 = %v: mode %d has k̂² + m² = %v, must be > 0", m2, j, d)
		}
		s[j] = 1 / d
	}
	return s, nil
}

// NewDDPM returns the DDPM forward process with the discrete schedule s
// (DDPMLinear, DDPMCosine or any Discrete) on l in basis b, ending at
// T = s.Steps(). Every mode shares ᾱ_t; the mode energies are the lattice
// dispersion (unused by the schedule, kept for shells). sigma2 is the
// reference spectrum, nil for white noise (σ² = 1), the published case.
func NewDDPM(l *lattice.Lattice, b erg.Basis, s *Discrete, sigma2 []float64) (*Process, error) {
	if s == nil {
		return nil, fmt.Errorf("generative: DDPM process needs a schedule")
	}
	return newProcess(l, b, s, float64(s.Steps()), Dispersion(l, b), sigma2)
}

// NewVP returns the continuous variance-preserving process with schedule s
// on l in basis b, ending at T = 1, with reference spectrum sigma2 (nil for
// white noise).
func NewVP(l *lattice.Lattice, b erg.Basis, s VPLinear, sigma2 []float64) (*Process, error) {
	if !(s.BetaMin >= 0) || !(s.BetaMax >= s.BetaMin) || math.IsInf(s.BetaMax, 0) {
		return nil, fmt.Errorf("generative: VP schedule β_min = %v, β_max = %v: need 0 ≤ β_min ≤ β_max < ∞", s.BetaMin, s.BetaMax)
	}
	return newProcess(l, b, s, 1, Dispersion(l, b), sigma2)
}

// NewFDDM returns the frequency-domain (Fermi–Dirac) forward process with
// schedule s on l in basis b, with mode energies eps — Dispersion(l, b) for
// the lattice FDDM, ImageDispersion(l) with b = erg.Open for the published
// image-style FDDM — and reference spectrum sigma2 (nil for white noise,
// the published case). It ends at T = s.Steps.
func NewFDDM(l *lattice.Lattice, b erg.Basis, s FermiDirac, eps, sigma2 []float64) (*Process, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	return newProcess(l, b, s, float64(s.Steps), eps, sigma2)
}

func newProcess(l *lattice.Lattice, b erg.Basis, s Schedule, T float64, eps, sigma2 []float64) (*Process, error) {
	if sigma2 == nil {
		sigma2 = White(len(eps))
	}
	return erg.NewProcess(l, b, s, T, eps, sigma2)
}
