// Copyright ©2026 The rgflow Authors. All rights reserved.

package generative

import (
	"fmt"
	"math"
)

// Discrete is a mode-independent schedule defined on the integer grid
// t = 0, 1, …, N by its discrete rates β_1 … β_N:
//
//	ᾱ_0 = 1,  ᾱ_i = ∏_{j ≤ i} (1 − β_j),
//
// the cumulative product of Ho et al. (2020). The values at grid points are
// exact, so the process observed on the integer grid is exactly the
// published Markov chain q(x_i | x_{i−1}) = N(√(1−β_i) x_{i−1}, β_i σ²)
// whatever the interpolation, and an Ancestral sampler on that grid is the
// published sampler.
//
// Between grid points ln ᾱ is the monotone piecewise-cubic Hermite
// interpolant (PCHIP: Fritsch & Carlson 1980, with the Fritsch–Butland
// node slopes of SciPy's PchipInterpolator) of ln ᾱ_0 … ln ᾱ_N. It is C¹
// and monotone, so the continuous rate β(t) = −∂_t ln ᾱ is continuous and
// ≥ 0: the ODE and SDE samplers see no kinks at grid points, which a
// piecewise-linear ln ᾱ (piecewise-constant β) would put there. Outside
// [0, N] ᾱ is held at its end values and β at its end slopes.
//
// A Discrete is immutable and safe for concurrent use.
type Discrete struct {
	betas []float64 // β_1 … β_N
	logA  []float64 // ln ᾱ_0 … ln ᾱ_N
	slope []float64 // PCHIP node slopes of ln ᾱ
}

// NewDiscrete returns the schedule with discrete rates betas (β_1 … β_N).
// Every β must lie in (0, 1).
func NewDiscrete(betas []float64) (*Discrete, error) {
	if len(betas) == 0 {
		return nil, fmt.Errorf("generative: discrete schedule needs at least one step")
	}
	d := &Discrete{betas: append([]float64(nil), betas...), logA: make([]float64, len(betas)+1)}
	for i, b := range betas {
		if !(b > 0 && b < 1) {
			return nil, fmt.Errorf("generative: schedule rate β_%d = %v: must lie in (0, 1)", i+1, b)
		}
		d.logA[i+1] = d.logA[i] + math.Log1p(-b)
	}
	d.slope = make([]float64, len(d.logA))
	for i := range d.slope {
		d.slope[i] = pchipSlope(func(k int) float64 { return d.logA[k] }, len(betas), i)
	}
	return d, nil
}

// DDPMLinear returns the linear schedule of Ho et al. (2020, §4): β rising
// linearly from 10⁻⁴ to 0.02 over n = 1000 steps. For other n the end points
// are scaled by 1000/n, the extension of Nichol & Dhariwal (2021,
// improved_diffusion/gaussian_diffusion.py, get_named_beta_schedule
// "linear"), which keeps the schedule's continuum limit fixed.
func DDPMLinear(n int) (*Discrete, error) {
	if n < 1 {
		return nil, fmt.Errorf("generative: DDPM linear schedule steps = %d: must be ≥ 1", n)
	}
	scale := 1000 / float64(n)
	b0, b1 := scale*1e-4, scale*0.02
	betas := make([]float64, n)
	for i := range betas {
		// numpy.linspace(b0, b1, n): b0 + i·(b1−b0)/(n−1), with the end point exact.
		if n == 1 {
			betas[i] = b0
			continue
		}
		betas[i] = b0 + float64(i)*(b1-b0)/float64(n-1)
	}
	betas[n-1] = b1
	if b1 >= 1 {
		return nil, fmt.Errorf("generative: DDPM linear schedule steps = %d: the scaled end rate 20/n = %v must be < 1 (use n ≥ 21)", n, b1)
	}
	return NewDiscrete(betas)
}

// CosineS and CosineMaxBeta are the offset and rate clip of the cosine
// schedule of Nichol & Dhariwal (2021, eq. 17 and §3.2).
const (
	CosineS       = 0.008
	CosineMaxBeta = 0.999
)

// DDPMCosine returns the cosine schedule of Nichol & Dhariwal (2021):
// f(τ) = cos²((τ + s)/(1 + s) · π/2), β_i = min(1 − f(i/n)/f((i−1)/n), 0.999)
// with s = 0.008, exactly as improved_diffusion's betas_for_alpha_bar; ᾱ is
// the cumulative product of the clipped rates (so ᾱ_i = f(i/n)/f(0) except
// where the clip bites, at the last step).
func DDPMCosine(n int) (*Discrete, error) {
	if n < 1 {
		return nil, fmt.Errorf("generative: DDPM cosine schedule steps = %d: must be ≥ 1", n)
	}
	f := func(tau float64) float64 {
		c := math.Cos((tau + CosineS) / (1 + CosineS) * math.Pi / 2)
		return c * c
	}
	betas := make([]float64, n)
	for i := range betas {
		t1 := float64(i) / float64(n)
		t2 := float64(i+1) / float64(n)
		betas[i] = math.Min(1-f(t2)/f(t1), CosineMaxBeta)
	}
	return NewDiscrete(betas)
}

// Steps returns N, the number of grid steps (the end time of the schedule).
func (d *Discrete) Steps() int { return len(d.betas) }

// Betas returns a copy of the discrete rates β_1 … β_N.
func (d *Discrete) Betas() []float64 { return append([]float64(nil), d.betas...) }

// AlphaBar returns ᾱ_t; eps is ignored.
func (d *Discrete) AlphaBar(t, eps float64) float64 {
	v, _ := d.eval(t)
	return math.Exp(v)
}

// Beta returns β_t = −∂_t ln ᾱ_t of the interpolant; eps is ignored.
func (d *Discrete) Beta(t, eps float64) float64 {
	_, dv := d.eval(t)
	return -dv
}

func (d *Discrete) eval(t float64) (v, dv float64) {
	n := len(d.betas)
	switch {
	case !(t > 0):
		return 0, d.slope[0]
	case t >= float64(n):
		return d.logA[n], d.slope[n]
	}
	i := int(t)
	return hermite(d.logA[i], d.logA[i+1], d.slope[i], d.slope[i+1], t-float64(i))
}

// hermite evaluates the cubic Hermite interpolant on a unit interval with
// end values y0, y1 and end slopes m0, m1 at fraction s ∈ [0, 1], and its
// derivative.
func hermite(y0, y1, m0, m1, s float64) (v, dv float64) {
	s2 := s * s
	s3 := s2 * s
	v = (2*s3-3*s2+1)*y0 + (s3-2*s2+s)*m0 + (-2*s3+3*s2)*y1 + (s3-s2)*m1
	dv = (6*s2-6*s)*(y0-y1) + (3*s2-4*s+1)*m0 + (3*s2-2*s)*m1
	return v, dv
}

// pchipSlope returns the PCHIP slope at node i of the values y(0 … n) on a
// unit grid: the harmonic mean of the adjacent secants in the interior (0
// where they differ in sign), the shape-preserving three-point formula at
// the ends (SciPy's PchipInterpolator with equal spacing).
func pchipSlope(y func(int) float64, n, i int) float64 {
	if n == 1 {
		return y(1) - y(0)
	}
	switch i {
	case 0:
		return pchipEnd(y(1)-y(0), y(2)-y(1))
	case n:
		return pchipEnd(y(n)-y(n-1), y(n-1)-y(n-2))
	}
	d0, d1 := y(i)-y(i-1), y(i+1)-y(i)
	if d0*d1 <= 0 {
		return 0
	}
	return 2 / (1/d0 + 1/d1)
}

// pchipEnd is the end-point slope from the secant d0 at the end and the
// next one, d1.
func pchipEnd(d0, d1 float64) float64 {
	m := (3*d0 - d1) / 2
	switch {
	case m*d0 <= 0:
		return 0
	case d0*d1 <= 0 && math.Abs(m) > 3*math.Abs(d0):
		return 3 * d0
	}
	return m
}

// VPLinear is the continuous-time variance-preserving schedule of Song et
// al. (2021, "Score-based generative modeling through SDEs", eq. 11 and
// appendix C), β(t) = BetaMin + t (BetaMax − BetaMin) on t ∈ [0, 1], so
//
//	ln ᾱ_t = −(BetaMin t + ½ (BetaMax − BetaMin) t²).
//
// With BetaMin = 0.1 and BetaMax = 20 it is the continuum limit of
// DDPMLinear(1000) in units where the chain's N steps span t ∈ [0, 1]. It is
// smooth in t, which the order-of-convergence checks of the ODE and SDE
// samplers need; eps is ignored.
type VPLinear struct {
	BetaMin, BetaMax float64
}

// SongVP is the VPLinear schedule with Song et al.'s values.
var SongVP = VPLinear{BetaMin: 0.1, BetaMax: 20}

// AlphaBar returns ᾱ_t.
func (s VPLinear) AlphaBar(t, eps float64) float64 {
	return math.Exp(-(s.BetaMin*t + 0.5*(s.BetaMax-s.BetaMin)*t*t))
}

// Beta returns β(t).
func (s VPLinear) Beta(t, eps float64) float64 { return s.BetaMin + t*(s.BetaMax-s.BetaMin) }

// FermiDirac is the momentum-dependent schedule of the frequency-domain
// diffusion model (FDDM) of Ziashahabi et al., ISIT
// 2024 ("Frequency domain diffusion model with scale-dependent noise
// schedule"):
//
//	ᾱ(ε) = 1/(e^{(ε − μ)/T} + 1),
//
// a Fermi–Dirac occupation of mode energy ε at chemical potential μ and
// temperature T. The chemical potential moves on a grid of Steps values from
// Mu0 to Mu1, exactly as the reference implementation's FourierScheduler
// (noise_schedulers/fourier_scheduler.py in the FDDM code, Amir-zsh/FDDM):
//
//	μ_j = Mu0 + (Mu1 − Mu0) j/(Steps − 1),  j = 0 … Steps−1,
//
// (torch.linspace; defaults there Mu0 = 2.25, Mu1 = −2.25, T = 0.1). With
// Multiplier m > 0 the grid is the reference's "exp" schedule
// (fourier_exp_scheduler.py): with x_j = (μ_j − Mu1)/(Mu0 − Mu1),
// μ_j ← Mu1 + (Mu0 − Mu1)(e^{m x_j} − 1)/(e^m − 1).
//
// Time convention: the reference's timestep j (0-based) is grid time
// t = j + 1 here, and t = 0 is the data with ᾱ = 1 for every mode — the
// reference's alpha_bar_prev padding, used by its posterior at its
// timestep 0. Between grid points ln ᾱ is interpolated linearly, as for
// Discrete, so the chain on the integer grid is the reference chain: its
// one-step rate 1 − ᾱ_t/ᾱ_{t−1} = (1 − ᾱ_t)(1 − e^{Δμ/T}) is the
// reference's betas. Between grid points ln ᾱ is the PCHIP interpolant of
// each mode's grid values, as for Discrete. The process ends at T = Steps.
//
// The reference evaluates in float32; this type evaluates the same formula
// in float64.
type FermiDirac struct {
	Mu0, Mu1   float64
	Temp       float64
	Steps      int
	Multiplier float64
}

// Validate reports whether the schedule's settings are usable.
func (s FermiDirac) Validate() error {
	switch {
	case s.Steps < 2:
		return fmt.Errorf("generative: FDDM steps = %d: must be ≥ 2", s.Steps)
	case !(s.Temp > 0) || math.IsInf(s.Temp, 0):
		return fmt.Errorf("generative: FDDM temperature = %v: must be finite and > 0", s.Temp)
	case math.IsNaN(s.Mu0) || math.IsInf(s.Mu0, 0) || math.IsNaN(s.Mu1) || math.IsInf(s.Mu1, 0):
		return fmt.Errorf("generative: FDDM chemical potentials μ0 = %v, μ1 = %v: must be finite", s.Mu0, s.Mu1)
	case !(s.Mu1 < s.Mu0):
		return fmt.Errorf("generative: FDDM chemical potentials μ0 = %v, μ1 = %v: noise grows only if μ1 < μ0", s.Mu0, s.Mu1)
	case s.Multiplier < 0 || math.IsNaN(s.Multiplier) || math.IsInf(s.Multiplier, 0):
		return fmt.Errorf("generative: FDDM multiplier = %v: must be 0 (linear μ) or finite and > 0 (exp schedule)", s.Multiplier)
	}
	return nil
}

// Mu returns the chemical potential at grid step j = 0 … Steps−1 (the
// reference's timestep j, grid time j+1).
func (s FermiDirac) Mu(j int) float64 {
	n := s.Steps
	mu := s.Mu0 + (s.Mu1-s.Mu0)*float64(j)/float64(n-1)
	if j == n-1 {
		mu = s.Mu1
	}
	if m := s.Multiplier; m > 0 {
		x := (mu - s.Mu1) / (s.Mu0 - s.Mu1)
		mu = s.Mu1 + (s.Mu0-s.Mu1)*math.Expm1(m*x)/math.Expm1(m)
	}
	return mu
}

// logAt returns ln ᾱ at grid time i = 0 … Steps for mode energy eps:
// −ln(1 + e^{(ε−μ)/T}), evaluated without overflow.
func (s FermiDirac) logAt(i int, eps float64) float64 {
	if i <= 0 {
		return 0
	}
	x := (eps - s.Mu(min(i, s.Steps)-1)) / s.Temp
	return -softplus(x)
}

// softplus returns ln(1 + e^x) without overflow.
func softplus(x float64) float64 {
	if x > 0 {
		return x + math.Log1p(math.Exp(-x))
	}
	return math.Log1p(math.Exp(x))
}

// AlphaBar returns ᾱ_t(ε).
func (s FermiDirac) AlphaBar(t, eps float64) float64 {
	v, _ := s.eval(t, eps)
	return math.Exp(v)
}

// Beta returns β_t(ε) = −∂_t ln ᾱ_t(ε) of the interpolant.
func (s FermiDirac) Beta(t, eps float64) float64 {
	_, dv := s.eval(t, eps)
	return -dv
}

func (s FermiDirac) eval(t, eps float64) (v, dv float64) {
	n := s.Steps
	y := func(i int) float64 { return s.logAt(i, eps) }
	switch {
	case !(t > 0):
		return 0, pchipSlope(y, n, 0)
	case t >= float64(n):
		return y(n), pchipSlope(y, n, n)
	}
	i := int(t)
	return hermite(y(i), y(i+1), pchipSlope(y, n, i), pchipSlope(y, n, i+1), t-float64(i))
}
