// Copyright ©2026 The rgflow Authors. All rights reserved.

package field

import (
	"fmt"
	"math"
	"math/rand/v2"

	"rgflow/lattice"
)

// Integrator selects the molecular-dynamics integrator of HMC. Both are
// symplectic, time-reversible and second order: the energy error of a
// trajectory of fixed length is O(ε²), and ⟨ΔH⟩ = O(ε⁴).
type Integrator int

const (
	// Leapfrog is the velocity-Verlet scheme P(ε/2) Q(ε) P(ε/2): one force
	// evaluation per step.
	Leapfrog Integrator = iota
	// Omelyan is the second-order minimum-norm scheme
	// P(λε) Q(ε/2) P((1−2λ)ε) Q(ε/2) P(λε) with λ = 0.1931833275037836
	// (I. P. Omelyan, I. M. Mryglod, R. Folk, Comput. Phys. Commun. 151
	// (2003) 272, eq. (31)): two force evaluations per step and an error
	// coefficient about ten times smaller than leapfrog's.
	Omelyan
)

// omelyanLambda is the minimum-norm parameter of Omelyan et al. (2003).
const omelyanLambda = 0.1931833275037836

func (i Integrator) String() string {
	switch i {
	case Leapfrog:
		return "leapfrog"
	case Omelyan:
		return "omelyan"
	}
	return fmt.Sprintf("Integrator(%d)", int(i))
}

// HMCConfig configures Hybrid Monte Carlo. The zero value is usable: a
// leapfrog trajectory of length 1 whose step size is tuned to 80%
// acceptance during thermalisation, without Fourier acceleration.
type HMCConfig struct {
	Integrator Integrator
	// TrajLength is the molecular-dynamics time τ of one trajectory
	// (default 1). The number of steps is ⌈τ/ε⌉ and the step τ/⌈τ/ε⌉.
	TrajLength float64
	// StepSize is the initial step size ε (default τ/10). Tune adapts it.
	StepSize float64
	// Jitter is the relative half-width of the uniform randomisation of the
	// step size of each trajectory, ε(1 + Jitter·(2u − 1)) with a fixed
	// number of steps (default 0.2; a negative value disables it). Without
	// it, modes whose integrator phase ω̃τ is a multiple of π map onto
	// ±themselves and HMC is not ergodic (P. B. Mackenzie, Phys. Lett. B
	// 226 (1989) 369).
	Jitter float64
	// TargetAccept is the mean acceptance probability that Tune aims at
	// (default 0.8); it must lie in (0, 1).
	TargetAccept float64
	// FourierAccel selects the kinetic term ½ πᵀ𝕄⁻¹π with the mass matrix
	// 𝕄 = −Δ + M², diagonal in momentum space with eigenvalues k̂² + M².
	// For the free field with M² = m² every mode then oscillates with unit
	// frequency, so a trajectory of length π/2 decorrelates all modes at
	// once. Each step costs two extra FFTs.
	FourierAccel bool
	// FourierMass2 is M² > 0 of the Fourier-accelerated kinetic term.
	FourierMass2 float64
}

func (c HMCConfig) withDefaults() (HMCConfig, error) {
	if c.TrajLength == 0 {
		c.TrajLength = 1
	}
	if !(c.TrajLength > 0) || math.IsInf(c.TrajLength, 0) {
		return c, fmt.Errorf("field: HMC trajectory length %v: must be finite and > 0", c.TrajLength)
	}
	if c.StepSize == 0 {
		c.StepSize = c.TrajLength / 10
	}
	if !(c.StepSize > 0) || math.IsInf(c.StepSize, 0) {
		return c, fmt.Errorf("field: HMC step size %v: must be finite and > 0", c.StepSize)
	}
	if c.Jitter == 0 {
		c.Jitter = 0.2
	}
	if c.Jitter < 0 {
		c.Jitter = 0
	}
	if !(c.Jitter < 1) {
		return c, fmt.Errorf("field: HMC step jitter %v: must be < 1", c.Jitter)
	}
	if c.TargetAccept == 0 {
		c.TargetAccept = 0.8
	}
	if !(c.TargetAccept > 0 && c.TargetAccept < 1) {
		return c, fmt.Errorf("field: HMC target acceptance %v: must lie in (0, 1)", c.TargetAccept)
	}
	if c.Integrator != Leapfrog && c.Integrator != Omelyan {
		return c, fmt.Errorf("field: HMC integrator %d: must be Leapfrog or Omelyan", int(c.Integrator))
	}
	if c.FourierAccel && (!(c.FourierMass2 > 0) || math.IsInf(c.FourierMass2, 0)) {
		return c, fmt.Errorf("field: HMC Fourier mass² %v: must be finite and > 0", c.FourierMass2)
	}
	return c, nil
}

// HMC is a Hybrid Monte Carlo sampler for an Action (S. Duane, A. D.
// Kennedy, B. J. Pendleton, D. Roweth, Phys. Lett. B 195 (1987) 216). One
// HMC holds all scratch space of its trajectories, so a trajectory allocates
// nothing; use one HMC per goroutine.
type HMC struct {
	act Action
	cfg HMCConfig
	eps float64

	p, f, old []float64

	// Fourier acceleration: full complex spectrum scratch and 1/w, √w.
	fft       *lattice.CmplxFFT
	buf       []complex128
	invw, sqw []float64

	tune dualAveraging
}

// NewHMC returns an HMC sampler of a with configuration cfg.
func NewHMC(a Action, cfg HMCConfig) (*HMC, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	V := a.Lattice().Volume()
	h := &HMC{
		act: a, cfg: cfg, eps: cfg.StepSize,
		p: make([]float64, V), f: make([]float64, V), old: make([]float64, V),
	}
	if cfg.FourierAccel {
		l := a.Lattice()
		h.fft = lattice.NewCmplxFFT(l)
		h.buf = make([]complex128, V)
		k2 := l.FullKHat2()
		h.invw = make([]float64, V)
		h.sqw = make([]float64, V)
		for i, v := range k2 {
			w := v + cfg.FourierMass2
			h.invw[i] = 1 / w
			h.sqw[i] = math.Sqrt(w)
		}
	}
	h.tune.reset(h.eps, cfg.TargetAccept)
	return h, nil
}

// Config returns the configuration with defaults filled in.
func (h *HMC) Config() HMCConfig { return h.cfg }

// StepSize returns the current step size ε.
func (h *HMC) StepSize() float64 { return h.eps }

// SetStepSize sets ε and restarts step-size tuning from it.
func (h *HMC) SetStepSize(eps float64) {
	if !(eps > 0) || math.IsInf(eps, 0) {
		panic("field: HMC step size must be finite and > 0")
	}
	h.eps = eps
	h.tune.reset(eps, h.cfg.TargetAccept)
}

// Steps returns the number of integrator steps per trajectory, ⌈τ/ε⌉.
func (h *HMC) Steps() int { return max(1, int(math.Ceil(h.cfg.TrajLength/h.eps-1e-9))) }

// Momentum returns the momentum of the last trajectory (shared storage).
func (h *HMC) Momentum() []float64 { return h.p }

// applyMass computes dst = 𝕄^s src for s = −1 (invw) or ½ (sqw) through the
// full complex FFT; dst and src may alias.
func (h *HMC) applyMass(dst, src, mult []float64) {
	for i, v := range src {
		h.buf[i] = complex(v, 0)
	}
	h.fft.Forward(h.buf, h.buf)
	for i, m := range mult {
		h.buf[i] *= complex(m, 0)
	}
	h.fft.Inverse(h.buf, h.buf)
	for i := range dst {
		dst[i] = real(h.buf[i])
	}
}

// RefreshMomentum draws π from exp(−K(π)).
func (h *HMC) RefreshMomentum(rnd *rand.Rand) {
	for i := range h.p {
		h.p[i] = rnd.NormFloat64()
	}
	if h.cfg.FourierAccel {
		h.applyMass(h.p, h.p, h.sqw)
	}
}

// Kinetic returns K(π) = ½ πᵀ𝕄⁻¹π (𝕄 = 1 without Fourier acceleration).
func (h *HMC) Kinetic(p []float64) float64 {
	if !h.cfg.FourierAccel {
		s := 0.0
		for _, v := range p {
			s += v * v
		}
		return 0.5 * s
	}
	for i, v := range p {
		h.buf[i] = complex(v, 0)
	}
	h.fft.Forward(h.buf, h.buf)
	s := 0.0
	for i, z := range h.buf {
		s += (real(z)*real(z) + imag(z)*imag(z)) * h.invw[i]
	}
	return 0.5 * s / float64(len(p))
}

// Hamiltonian returns H = K(π) + S[φ].
func (h *HMC) Hamiltonian(phi, p []float64) float64 {
	return h.Kinetic(p) + h.act.Action(phi)
}

// updateQ advances φ by dt·𝕄⁻¹π.
func (h *HMC) updateQ(phi []float64, dt float64) {
	if !h.cfg.FourierAccel {
		axpy(phi, dt, h.p)
		return
	}
	for i, v := range h.p {
		h.buf[i] = complex(v, 0)
	}
	h.fft.Forward(h.buf, h.buf)
	for i, m := range h.invw {
		h.buf[i] *= complex(m, 0)
	}
	h.fft.Inverse(h.buf, h.buf)
	phi = phi[:len(h.buf)]
	for i, z := range h.buf {
		phi[i] += dt * real(z)
	}
}

// updateP advances π by dt·F(φ); the force at φ must be in h.f.
func (h *HMC) updateP(dt float64) { axpy(h.p, dt, h.f) }

func axpy(y []float64, a float64, x []float64) {
	x = x[:len(y)]
	for i := range y {
		y[i] += a * x[i]
	}
}

// Integrate evolves (φ, π) in place by n steps of size eps with the
// configured integrator, with π = h.Momentum(). It is exposed for tests of
// reversibility and energy conservation; Trajectory is the sampler.
func (h *HMC) Integrate(phi []float64, n int, eps float64) {
	if len(phi) != len(h.p) {
		panic("field: field length mismatch")
	}
	h.act.Force(h.f, phi)
	switch h.cfg.Integrator {
	case Leapfrog:
		h.updateP(eps / 2)
		for s := 0; s < n; s++ {
			h.updateQ(phi, eps)
			h.act.Force(h.f, phi)
			if s < n-1 {
				h.updateP(eps)
			} else {
				h.updateP(eps / 2)
			}
		}
	case Omelyan:
		lam := omelyanLambda * eps
		h.updateP(lam)
		for s := 0; s < n; s++ {
			h.updateQ(phi, eps/2)
			h.act.Force(h.f, phi)
			h.updateP(eps - 2*lam)
			h.updateQ(phi, eps/2)
			h.act.Force(h.f, phi)
			if s < n-1 {
				h.updateP(2 * lam)
			} else {
				h.updateP(lam)
			}
		}
	}
}

// Trajectory performs one HMC update of phi in place: fresh momenta, a
// trajectory of ⌈τ/ε⌉ steps of the jittered step size, and a Metropolis
// test. It returns whether the
// proposal was accepted and ΔH = H_end − H_start (+Inf when the
// integration blew up).
func (h *HMC) Trajectory(phi []float64, rnd *rand.Rand) (accepted bool, dH float64) {
	h.RefreshMomentum(rnd)
	copy(h.old, phi)
	h0 := h.Hamiltonian(phi, h.p)
	n := h.Steps()
	jitter := 1 + h.cfg.Jitter*(2*rnd.Float64()-1)
	h.Integrate(phi, n, jitter*h.cfg.TrajLength/float64(n))
	dH = h.Hamiltonian(phi, h.p) - h0
	if math.IsNaN(dH) {
		dH = math.Inf(1)
	}
	// Accept with probability min(1, e^{−ΔH}); the uniform is drawn every
	// time so that the random stream does not depend on ΔH.
	u := rnd.Float64()
	if dH <= 0 || u < math.Exp(-dH) {
		return true, dH
	}
	copy(phi, h.old)
	return false, dH
}

// TuneTrajectory is Trajectory followed by one step of dual-averaging
// adaptation of ε towards the target acceptance (M. D. Hoffman, A. Gelman,
// J. Mach. Learn. Res. 15 (2014) 1593, Algorithm 5 with γ = 0.05, t₀ = 10,
// κ = 0.75). Use it during thermalisation only, then FinishTuning: an
// adapting chain does not satisfy detailed balance.
func (h *HMC) TuneTrajectory(phi []float64, rnd *rand.Rand) (accepted bool, dH float64) {
	accepted, dH = h.Trajectory(phi, rnd)
	alpha := 0.0
	if !math.IsInf(dH, 1) {
		alpha = math.Min(1, math.Exp(-dH))
	}
	// Keep at least one and at most 10⁴ steps per trajectory while tuning.
	tau := h.cfg.TrajLength
	h.eps = math.Min(math.Max(h.tune.update(alpha), 1e-4*tau), tau)
	return accepted, dH
}

// FinishTuning fixes ε at the dual-averaging estimate.
func (h *HMC) FinishTuning() {
	if h.tune.t > 0 {
		tau := h.cfg.TrajLength
		h.eps = math.Min(math.Max(math.Exp(h.tune.logEpsBar), 1e-4*tau), tau)
	}
	h.tune.reset(h.eps, h.cfg.TargetAccept)
}

// dualAveraging is the step-size adaptation state, kept as plain data so
// that a checkpoint taken during thermalisation resumes exactly.
type dualAveraging struct {
	t         float64
	hbar      float64
	mu        float64
	logEpsBar float64
	target    float64
}

func (d *dualAveraging) reset(eps, target float64) {
	*d = dualAveraging{mu: math.Log(10 * eps), logEpsBar: math.Log(eps), target: target}
}

func (d *dualAveraging) update(alpha float64) float64 {
	const gamma, t0, kappa = 0.05, 10.0, 0.75
	d.t++
	w := 1 / (d.t + t0)
	d.hbar = (1-w)*d.hbar + w*(d.target-alpha)
	logEps := d.mu - math.Sqrt(d.t)/gamma*d.hbar
	eta := math.Pow(d.t, -kappa)
	d.logEpsBar = eta*logEps + (1-eta)*d.logEpsBar
	return math.Exp(logEps)
}
