// Copyright ©2026 The rgflow Authors. All rights reserved.

package wgrad

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"sync/atomic"

	"rgflow/field"
	"rgflow/internal/parallel"
	"rgflow/internal/rng"
	"rgflow/lattice"
)

// Method names a time discretisation of the Langevin equation
//
//	dφ = −𝕄⁻¹ ∂S/∂φ dt + √(2/β) 𝕄^{−1/2} dW,
//
// the W₂ gradient flow of F(ρ) = E_ρ[S] + β⁻¹E_ρ[log ρ] (with mobility
// 𝕄⁻¹; 𝕄 = 1 for the plain methods).
type Method int

const (
	// EulerMaruyama is φ ← φ + h F(φ) + √(2h/β) ξ: weak order 1, its
	// invariant measure is exp(−βS) only as h → 0 (see
	// GaussianLangevin.SchemeVariances for the free field's exact bias).
	EulerMaruyama Method = iota
	// MALA is the Euler–Maruyama step as a proposal, accepted with the
	// Metropolis–Hastings probability of the target exp(−βS): the
	// invariant measure is exact at every h (Roberts & Tweedie 1996).
	MALA
	// FourierEuler is Euler–Maruyama with the momentum-space mobility
	// 𝕄⁻¹ (Batrouni et al. 1985): φ ← φ + h 𝕄⁻¹F + √(2h/β) 𝕄^{−1/2} ξ.
	FourierEuler
	// FourierMALA is MALA with the FourierEuler proposal.
	FourierMALA
)

var methodNames = [...]string{
	EulerMaruyama: "euler",
	MALA:          "mala",
	FourierEuler:  "fourier",
	FourierMALA:   "fourier-mala",
}

func (m Method) String() string {
	if m >= 0 && int(m) < len(methodNames) {
		return methodNames[m]
	}
	return fmt.Sprintf("Method(%d)", int(m))
}

// Accelerated reports whether m uses the Fourier mobility.
func (m Method) Accelerated() bool { return m == FourierEuler || m == FourierMALA }

// Metropolised reports whether m has a Metropolis–Hastings accept step.
func (m Method) Metropolised() bool { return m == MALA || m == FourierMALA }

// ParseMethod returns the Method called s: "euler" (or
// "euler-maruyama"), "mala", "fourier" (or "fourier-euler") or
// "fourier-mala".
func ParseMethod(s string) (Method, error) {
	switch s {
	case "euler", "euler-maruyama":
		return EulerMaruyama, nil
	case "mala":
		return MALA, nil
	case "fourier", "fourier-euler":
		return FourierEuler, nil
	case "fourier-mala":
		return FourierMALA, nil
	}
	return 0, fmt.Errorf("wgrad: Langevin method %q: allowed euler, mala, fourier, fourier-mala", s)
}

// LangevinConfig configures a Langevin flow.
type LangevinConfig struct {
	// Beta is the inverse temperature β > 0 of the target exp(−βS); 0
	// means 1.
	Beta float64
	// Step is the largest time step h > 0. Run subdivides each interval
	// between snapshot times into ⌈Δt/Step⌉ equal steps, so that steps
	// land exactly on the snapshot times (see Langevin.Schedule).
	Step   float64
	Method Method
	// FourierMass2 is M² > 0 of the mobility of the Fourier methods,
	// 𝕄_k = (k̂² + M²)/(4d + M²). Unused by the plain methods.
	FourierMass2 float64
	// Workers is the number of goroutines; 0 means GOMAXPROCS.
	Workers int
}

// Langevin is the particle discretisation of the W₂ gradient flow of
//
//	F(ρ) = E_ρ[S] + β⁻¹ E_ρ[log ρ]
//
// on lattice fields: every sample of an ensemble follows the Langevin
// equation (stochastic quantisation), whose Fokker–Planck equation is
// ∂_tρ = ∇·(ρ 𝕄⁻¹ ∇ δF/δρ) with δF/δρ = S + β⁻¹(log ρ + 1).
//
// The Fourier methods use the mobility 𝕄⁻¹, diagonal in momentum space
// with eigenvalues
//
//	𝕄_k⁻¹ = (4d + M²)/(k̂² + M²) ≥ 1,
//
// normalised so that the highest lattice momenta (k̂² → 4d) keep the
// plain step and the infrared modes are sped up: for the free field with
// M² = m² every mode relaxes at the one rate 4d + m², which is also the
// rate of the fastest mode of the plain equation, so both have the same
// Euler stability bound h < 2/(4d + m²). This is the mobility structure
// of the Polchinski flow (one rate per mode, fixed by a momentum-space
// kernel) and the inverse of field.HMC's Fourier mass matrix up to the
// normalisation.
//
// A Langevin is immutable after NewLangevin except for the acceptance
// counters that Run updates; do not call Run on one Langevin from several
// goroutines at once.
type Langevin struct {
	Action field.Action
	cfg    LangevinConfig

	lat   *lattice.Lattice
	mob   []float64 // 𝕄_k⁻¹ per half-spectrum mode (Fourier methods)
	sqmob []float64 // √𝕄_k⁻¹
	wt    []float64 // lattice.HalfWeights
	conj  []int     // lattice.HalfConjugate

	accepted, proposed atomic.Int64
}

// NewLangevin returns a Langevin flow of the action a. It returns an error
// naming the setting if β, the step, the method or the Fourier mass is
// not allowed.
func NewLangevin(a field.Action, cfg LangevinConfig) (*Langevin, error) {
	if a == nil {
		return nil, fmt.Errorf("wgrad: Langevin needs an action")
	}
	if cfg.Beta == 0 {
		cfg.Beta = 1
	}
	if !(cfg.Beta > 0) || math.IsInf(cfg.Beta, 0) {
		return nil, fmt.Errorf("wgrad: Langevin inverse temperature beta = %v: must be finite and > 0", cfg.Beta)
	}
	if !(cfg.Step > 0) || math.IsInf(cfg.Step, 0) {
		return nil, fmt.Errorf("wgrad: Langevin step = %v: must be finite and > 0", cfg.Step)
	}
	if cfg.Method < 0 || int(cfg.Method) >= len(methodNames) {
		return nil, fmt.Errorf("wgrad: Langevin method %v: allowed euler, mala, fourier, fourier-mala", cfg.Method)
	}
	if cfg.Workers < 0 {
		return nil, fmt.Errorf("wgrad: Langevin workers = %d: must be ≥ 0 (0 means GOMAXPROCS)", cfg.Workers)
	}
	l := &Langevin{Action: a, cfg: cfg, lat: a.Lattice()}
	if cfg.Method.Accelerated() {
		if !(cfg.FourierMass2 > 0) || math.IsInf(cfg.FourierMass2, 0) {
			return nil, fmt.Errorf("wgrad: Langevin Fourier mass² fourier_mass2 = %v: must be finite and > 0 for method %v", cfg.FourierMass2, cfg.Method)
		}
		l.mob = FourierMobility(l.lat, cfg.FourierMass2)
		l.sqmob = make([]float64, len(l.mob))
		for j, m := range l.mob {
			l.sqmob[j] = math.Sqrt(m)
		}
		l.wt = l.lat.HalfWeights()
		l.conj = l.lat.HalfConjugate()
	}
	return l, nil
}

// FourierMobility returns the mobility 𝕄_k⁻¹ = (4d + M²)/(k̂² + M²) of every
// half-spectrum mode of l (lattice.HalfKHat2 order).
func FourierMobility(l *lattice.Lattice, mass2 float64) []float64 {
	k2 := l.HalfKHat2()
	norm := 4*float64(l.Dim()) + mass2
	for j, v := range k2 {
		k2[j] = norm / (v + mass2)
	}
	return k2
}

// Config returns the configuration with defaults filled in.
func (l *Langevin) Config() LangevinConfig { return l.cfg }

// Mobility returns the mobility 𝕄_k⁻¹ of every half-spectrum mode: the
// Fourier mobility for the Fourier methods, 1 otherwise. The slice is
// new.
func (l *Langevin) Mobility() []float64 {
	if l.mob != nil {
		return append([]float64(nil), l.mob...)
	}
	m := make([]float64, l.lat.HalfLen())
	for j := range m {
		m[j] = 1
	}
	return m
}

// Acceptance returns the number of accepted and proposed moves of the
// Metropolised methods since the start of the latest Run, over all
// samples, up to the latest snapshot (both 0 for the Euler methods).
func (l *Langevin) Acceptance() (accepted, proposed int64) {
	return l.accepted.Load(), l.proposed.Load()
}

// Schedule returns the steps Run takes: n[i] equal steps of size h[i]
// from times[i−1] (0 for i = 0) to times[i], with n = ⌈Δt/Step⌉ (0 steps
// for Δt = 0). It returns an error if a time is negative or not finite,
// or the times decrease.
func (l *Langevin) Schedule(times []float64) (n []int, h []float64, err error) {
	n = make([]int, len(times))
	h = make([]float64, len(times))
	prev := 0.0
	for i, t := range times {
		if !(t >= 0) || math.IsInf(t, 0) {
			return nil, nil, fmt.Errorf("wgrad: snapshot time %d is %v: must be finite and ≥ 0", i, t)
		}
		if t < prev {
			return nil, nil, fmt.Errorf("wgrad: snapshot times decrease at %d (%v after %v)", i, t, prev)
		}
		dt := t - prev
		if dt > 0 {
			// The relative slack keeps Δt = k·Step at k steps despite
			// rounding in Δt.
			k := math.Ceil(dt/l.cfg.Step - 1e-9)
			if k > math.MaxInt32 {
				return nil, nil, fmt.Errorf("wgrad: %v steps between snapshots %d and %d: step %v too small", k, i-1, i, l.cfg.Step)
			}
			n[i] = max(1, int(k))
			h[i] = dt / float64(n[i])
		}
		prev = t
	}
	return n, h, nil
}

// Run evolves every sample of e in place from time 0 and calls fn after
// reaching each of times (non-decreasing, ≥ 0; a time 0 reports the
// initial ensemble), in order. The ensemble passed to fn is e itself: copy
// what must outlive the call. A non-nil error from fn stops the flow and
// is returned.
//
// Sample i draws its noise (and Metropolis uniforms) from
// rng.New(seed, rng.StageGradFlow, i), in step order, so results depend
// on the seed and the sample's index only, never on the number of
// workers. The plain methods draw the V normals of a step in site order;
// the Fourier methods draw the half spectrum of white noise mode by mode
// (a real normal for self-conjugate modes, two for the others, stored
// conjugate pairs kept conjugate).
func (l *Langevin) Run(e *field.Ensemble, seed uint64, times []float64, fn func(i int, t float64, e *field.Ensemble) error) error {
	if !e.Lat.Equal(l.lat) {
		return fmt.Errorf("wgrad: ensemble lattice %v differs from the action's %v", e.Lat, l.lat)
	}
	steps, hs, err := l.Schedule(times)
	if err != nil {
		return err
	}
	l.accepted.Store(0)
	l.proposed.Store(0)
	N := e.Len()
	rnds := make([]*rand.Rand, N)
	for i := range rnds {
		rnds[i] = rand.New(rng.New(seed, rng.StageGradFlow, uint64(i)))
	}
	W := l.cfg.Workers
	if W <= 0 {
		W = runtime.GOMAXPROCS(0)
	}
	W = max(1, min(W, N))
	ws := make([]*lgvWorker, W)
	for w := range ws {
		ws[w] = l.newWorker()
	}
	for s, t := range times {
		if n := steps[s]; n > 0 && N > 0 {
			h := hs[s]
			parallel.For(W, N, func(w, i int) {
				acc := ws[w].evolve(e.Field(i), n, h, rnds[i])
				if l.cfg.Method.Metropolised() {
					l.accepted.Add(int64(acc))
					l.proposed.Add(int64(n))
				}
			})
		}
		if fn != nil {
			if err := fn(s, t, e); err != nil {
				return err
			}
		}
	}
	return nil
}

// Evolve moves one field phi in place by n steps of size h, drawing from
// rnd, and returns the number of accepted proposals (n for the Euler
// methods). It is the single-sample kernel of Run, for tests and custom
// drivers; it allocates its scratch on every call.
func (l *Langevin) Evolve(phi []float64, n int, h float64, rnd *rand.Rand) int {
	if len(phi) != l.lat.Volume() {
		panic("wgrad: field length mismatch")
	}
	return l.newWorker().evolve(phi, n, h, rnd)
}

// lgvWorker holds the scratch of one goroutine.
type lgvWorker struct {
	l            *Langevin
	f, fy, y, xi []float64
	plan         *lattice.FFT
	fk, fyk, uk  []complex128
}

func (l *Langevin) newWorker() *lgvWorker {
	V := l.lat.Volume()
	w := &lgvWorker{l: l, f: make([]float64, V), y: make([]float64, V)}
	if l.cfg.Method.Metropolised() {
		w.fy = make([]float64, V)
	}
	if l.cfg.Method.Accelerated() {
		H := l.lat.HalfLen()
		w.plan = lattice.NewFFT(l.lat)
		w.fk = make([]complex128, H)
		w.fyk = make([]complex128, H)
		w.uk = make([]complex128, H)
	} else {
		w.xi = make([]float64, V)
	}
	return w
}

// evolve takes n steps of size h on phi and returns the accepted count.
func (w *lgvWorker) evolve(phi []float64, n int, h float64, rnd *rand.Rand) int {
	l := w.l
	a := l.Action
	beta := l.cfg.Beta
	sig := math.Sqrt(2 * h / beta)
	a.Force(w.f, phi)
	switch l.cfg.Method {
	case EulerMaruyama:
		f := w.f
		for k := 0; k < n; k++ {
			if k > 0 {
				a.Force(f, phi)
			}
			phi = phi[:len(f)]
			for i, v := range f {
				phi[i] += h*v + sig*rnd.NormFloat64()
			}
		}
		return n
	case FourierEuler:
		for k := 0; k < n; k++ {
			if k > 0 {
				a.Force(w.f, phi)
			}
			w.plan.Forward(w.fk, w.f)
			w.proposalStep(rnd, h, sig)
			w.plan.Inverse(w.y, w.uk)
			for i, v := range w.y {
				phi[i] += v
			}
		}
		return n
	case MALA:
		return w.mala(phi, n, h, sig, rnd)
	case FourierMALA:
		return w.fourierMALA(phi, n, h, sig, rnd)
	}
	panic("wgrad: unknown Langevin method")
}

// proposalStep writes the Fourier-space increment
// u_k = h 𝕄_k⁻¹ F_k + σ √𝕄_k⁻¹ ξ_k into w.uk from the force spectrum
// w.fk, drawing the white-noise spectrum ξ mode by mode, and returns
// ‖ξ‖² = V⁻¹ Σ_k |ξ_k|² over the full spectrum.
func (w *lgvWorker) proposalStep(rnd *rand.Rand, h, sig float64) float64 {
	l := w.l
	V := float64(l.lat.Volume())
	sv := math.Sqrt(V)
	sv2 := math.Sqrt(V / 2)
	xi2 := 0.0
	uk, fk := w.uk, w.fk[:len(w.uk)]
	for j, c := range l.conj {
		var re, im float64
		switch {
		case c == j:
			re = sv * rnd.NormFloat64()
			xi2 += l.wt[j] * re * re
		case c >= 0 && c < j:
			// The conjugate partner drew the noise; uk[c] already holds
			// its increment.
			uk[j] = complex(real(uk[c]), -imag(uk[c]))
			continue
		default:
			re = sv2 * rnd.NormFloat64()
			im = sv2 * rnd.NormFloat64()
			xi2 += l.wt[j] * (re*re + im*im)
			if c > j {
				xi2 += re*re + im*im // the stored partner has weight 1 too
			}
		}
		m, sm := l.mob[j], l.sqmob[j]
		uk[j] = complex(h*m*real(fk[j])+sig*sm*re, h*m*imag(fk[j])+sig*sm*im)
	}
	return xi2 / V
}

// mala runs n MALA steps with the identity mobility.
func (w *lgvWorker) mala(phi []float64, n int, h, sig float64, rnd *rand.Rand) int {
	a := w.l.Action
	beta := w.l.cfg.Beta
	s := a.Action(phi)
	f, fy, y, xi := w.f, w.fy, w.y, w.xi
	acc := 0
	for k := 0; k < n; k++ {
		xi2 := 0.0
		for i := range xi {
			z := rnd.NormFloat64()
			xi[i] = z
			xi2 += z * z
		}
		for i, v := range phi {
			y[i] = v + h*f[i] + sig*xi[i]
		}
		sy := a.Action(y)
		a.Force(fy, y)
		// Reverse move: φ − y − h F(y) = −h(F(φ) + F(y)) − σξ.
		r2 := 0.0
		for i := range xi {
			d := h*(f[i]+fy[i]) + sig*xi[i]
			r2 += d * d
		}
		logA := -beta*(sy-s) - beta/(4*h)*r2 + 0.5*xi2
		if lgvAccept(logA, rnd) {
			copy(phi, y)
			s = sy
			f, fy = fy, f
			acc++
		}
	}
	// Keep w.f and w.fy as distinct buffers for the next call.
	w.f, w.fy = f, fy
	return acc
}

// fourierMALA runs n MALA steps with the Fourier mobility: proposal
// y = φ + h𝕄⁻¹F(φ) + σ𝕄^{−1/2}ξ, whose density is Gaussian in the metric
// ‖z‖²_𝕄 = V⁻¹ Σ_k 𝕄_k |z_k|².
func (w *lgvWorker) fourierMALA(phi []float64, n int, h, sig float64, rnd *rand.Rand) int {
	l := w.l
	a := l.Action
	beta := l.cfg.Beta
	V := float64(l.lat.Volume())
	s := a.Action(phi)
	w.plan.Forward(w.fk, w.f)
	acc := 0
	for k := 0; k < n; k++ {
		xi2 := w.proposalStep(rnd, h, sig)
		w.plan.Inverse(w.y, w.uk)
		for i, v := range phi {
			w.y[i] += v
		}
		sy := a.Action(w.y)
		a.Force(w.fy, w.y)
		w.plan.Forward(w.fyk, w.fy)
		// Reverse move in Fourier space: −u_k − h𝕄_k⁻¹F_k(y).
		r2 := 0.0
		for j, u := range w.uk {
			m := l.mob[j]
			d := u + complex(h*m, 0)*w.fyk[j]
			r2 += l.wt[j] * (real(d)*real(d) + imag(d)*imag(d)) / m
		}
		r2 /= V
		logA := -beta*(sy-s) - beta/(4*h)*r2 + 0.5*xi2
		if lgvAccept(logA, rnd) {
			copy(phi, w.y)
			s = sy
			w.f, w.fy = w.fy, w.f
			w.fk, w.fyk = w.fyk, w.fk
			acc++
		}
	}
	return acc
}

// lgvAccept draws the Metropolis decision for log acceptance ratio logA;
// it always consumes one uniform so that streams stay aligned.
func lgvAccept(logA float64, rnd *rand.Rand) bool {
	u := rnd.Float64()
	return logA >= 0 || u < math.Exp(logA)
}
