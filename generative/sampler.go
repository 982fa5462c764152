// Copyright ©2026 The rgflow Authors. All rights reserved.

package generative

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"

	"rgflow/field"
	"rgflow/internal/rng"
)

// Method is a reverse-time sampler.
type Method int

const (
	// Ancestral samples the per-mode Gaussian posterior q(x_s | x_t, x̂₀)
	// step by step (Ho et al. 2020, Alg. 2, with per-mode ᾱ).
	Ancestral Method = iota
	// EulerMaruyama integrates the reverse SDE with the Euler–Maruyama
	// scheme (weak order 1).
	EulerMaruyama
	// HeunSDE integrates the reverse SDE with the stochastic Heun
	// (predictor–corrector) scheme, weak order 2 for its additive noise.
	HeunSDE
	// HeunODE integrates the probability-flow ODE with Heun's method
	// (order 2).
	HeunODE
	// RK4ODE integrates the probability-flow ODE with the classical
	// Runge–Kutta method (order 4).
	RK4ODE
)

var methodNames = [...]string{"ancestral", "euler-maruyama", "heun-sde", "heun-ode", "rk4-ode"}

func (m Method) String() string {
	if m >= 0 && int(m) < len(methodNames) {
		return methodNames[m]
	}
	return fmt.Sprintf("Method(%d)", int(m))
}

// ParseMethod returns the method named s (as printed by String).
func ParseMethod(s string) (Method, error) {
	for i, n := range methodNames {
		if strings.EqualFold(s, n) {
			return Method(i), nil
		}
	}
	return 0, fmt.Errorf("generative: sampler method %q: allowed %s", s, strings.Join(methodNames[:], ", "))
}

// Stochastic reports whether the method draws noise along the way.
func (m Method) Stochastic() bool { return m == Ancestral || m == EulerMaruyama || m == HeunSDE }

// Evals returns the number of score evaluations per step.
func (m Method) Evals() int {
	switch m {
	case HeunSDE, HeunODE:
		return 2
	case RK4ODE:
		return 4
	}
	return 1
}

// UniformTimes returns the time grid T(1 − i/n), i = 0 … n: n steps from T
// to 0. For a Discrete or FermiDirac schedule with n dividing Steps the
// grid points are integers, and with n = Steps the Ancestral sampler is the
// published chain.
func UniformTimes(T float64, n int) []float64 { return PowerTimes(T, n, 1) }

// PowerTimes returns the grid t_i = T((n − i)/n)^ρ, i = 0 … n, which
// concentrates steps near t = 0 for ρ > 1, where the data's fine structure
// is resolved (the role of ρ in Karras et al. 2022, eq. 5).
func PowerTimes(T float64, n int, rho float64) []float64 {
	if n < 1 {
		panic("generative: time grid needs at least one step")
	}
	ts := make([]float64, n+1)
	for i := range ts {
		if rho == 1 {
			// T·(n−i) first: exact grid integers when n divides T.
			ts[i] = T * float64(n-i) / float64(n)
		} else {
			ts[i] = T * math.Pow(float64(n-i)/float64(n), rho)
		}
	}
	ts[0], ts[n] = T, 0
	return ts
}

// Sampler runs a Process backwards from its Gaussian fixed point with a
// Score. Times is the decreasing grid t_0 > t_1 > … > t_n = 0 (t_0 ≤ T):
// the method steps from t_0 to t_{n−1}, and the last step, to t = 0, is the
// denoiser x̂₀(x_{t_{n−1}}, t_{n−1}) — the posterior mean, which is what
// every method's step becomes when the target time has ᾱ = 1 (Ho et al.
// output the mean at their last step for the same reason).
//
// The fields evolve in mode space, in the Process' basis and normalisation.
// A Sampler holds settings only; Run allocates its scratch per call and is
// safe for concurrent use if the Score is.
type Sampler struct {
	Proc   *Process
	Score  Score
	Method Method
	Times  []float64
	// Start is the spectrum of the initial fields at t_0 (covariance
	// eigenvalues); nil means the fixed point σ². Starting from the exact
	// G_{t_0} of known data isolates the discretisation error in tests.
	Start []float64
	// FullVariance makes the Ancestral kernel the exact reverse kernel of
	// Gaussian data: the posterior variance of q(x_s | x_t, x₀) plus
	// A²·Var[x₀ | x_t], the spread of x₀ the mean x̂₀ leaves out, taken
	// from the score's PosteriorVar (the exact one for the Gaussian score,
	// the Gaussian baseline's for a learned score). The last step then
	// draws x₀ ~ N(x̂₀, Var[x₀ | x_t]) instead of returning the mean. Ho et
	// al.'s σ_t² = β̃_t is FullVariance = false. Only for Ancestral, and
	// only as good as the baseline's spectrum: a learned score should have
	// the measured spectrum of its data as baseline (with a wrong one, the
	// added variance is wrong).
	FullVariance bool
}

// NewSampler returns a sampler after checking the time grid.
func NewSampler(p *Process, s Score, m Method, times []float64) (*Sampler, error) {
	if m < 0 || int(m) >= len(methodNames) {
		return nil, fmt.Errorf("generative: unknown sampler method %v", m)
	}
	if s == nil {
		return nil, fmt.Errorf("generative: sampler needs a score")
	}
	n := len(times) - 1
	if n < 1 {
		return nil, fmt.Errorf("generative: time grid of %d points: need at least 2 (t_0 and 0)", len(times))
	}
	if times[n] != 0 {
		return nil, fmt.Errorf("generative: time grid ends at %v: must end at 0", times[n])
	}
	if !(times[0] <= p.T) {
		return nil, fmt.Errorf("generative: time grid starts at %v after the process end T = %v", times[0], p.T)
	}
	for i := 1; i <= n; i++ {
		if !(times[i] < times[i-1]) {
			return nil, fmt.Errorf("generative: time grid is not strictly decreasing at %d: %v then %v", i, times[i-1], times[i])
		}
	}
	if m != Ancestral {
		// The SDE and ODE drifts need a finite rate where they are
		// evaluated: grid times and midpoints. Sharp and Litim regulators
		// remove modes at a finite time with β = +∞ there.
		for i := 0; i+1 < n; i++ {
			for _, t := range []float64{times[i], 0.5 * (times[i] + times[i+1]), times[i+1]} {
				for j, e := range p.Eps {
					if b := p.Sched.Beta(t, e); math.IsNaN(b) || math.IsInf(b, 0) {
						return nil, fmt.Errorf("generative: the %v sampler needs a finite rate β, but mode %d has β = %v at t = %v (a regulator that removes modes at a finite scale): use the ancestral sampler", m, j, b, t)
					}
				}
			}
		}
	}
	return &Sampler{Proc: p, Score: s, Method: m, Times: append([]float64(nil), times...)}, nil
}

// Evals returns the number of score evaluations per field of one Run.
func (s *Sampler) Evals() int { return (len(s.Times)-2)*s.Method.Evals() + 1 }

// StartFields writes B fields drawn from the Gaussian with spectrum spec
// (nil: the fixed point σ²) into dst (B × Modes coefficients) and returns
// it.
func StartFields(p *Process, dst []complex128, B int, spec []float64, rnd *rand.Rand) []complex128 {
	M := p.Modes()
	dst = batchDst(dst, B*M)
	if spec == nil {
		spec = p.Sigma2
	}
	if len(spec) != M {
		panic("generative: start spectrum length mismatch")
	}
	for b := 0; b < B; b++ {
		x := dst[b*M : (b+1)*M]
		p.Noise(x, rnd)
		for j, g := range spec {
			x[j] *= complex(math.Sqrt(g), 0)
		}
	}
	return dst
}

// workspace is the scratch of one Run.
type workspace struct {
	B              int
	tb             []float64
	x0, k1, k2, k3 []complex128
	y              []complex128
	a, beta        []float64 // per-mode ᾱ and β at one time
}

func (s *Sampler) newWorkspace(B int) *workspace {
	n := B * s.Proc.Modes()
	return &workspace{
		B:    B,
		tb:   make([]float64, B),
		x0:   make([]complex128, n),
		k1:   make([]complex128, n),
		k2:   make([]complex128, n),
		k3:   make([]complex128, n),
		y:    make([]complex128, n),
		a:    make([]float64, s.Proc.Modes()),
		beta: make([]float64, s.Proc.Modes()),
	}
}

// Run evolves the B fields x (B × Modes coefficients at time Times[0])
// to t = 0 in place, drawing the method's noise from rnd. It returns an
// error if a field stops being finite.
func (s *Sampler) Run(x []complex128, B int, rnd *rand.Rand) error {
	return s.run(x, B, rnd, nil)
}

// run is Run; with pd not nil it also accumulates the path log-density
// ratio of every field (see RunWeighted), reading the fields and noise
// around every step without changing them.
func (s *Sampler) run(x []complex128, B int, rnd *rand.Rand, pd *pathDensity) error {
	M := s.Proc.Modes()
	if len(x) != B*M {
		panic("generative: sampler batch length mismatch")
	}
	var pv PosteriorVariancer
	if s.FullVariance {
		var ok bool
		if pv, ok = s.Score.(PosteriorVariancer); !ok || s.Method != Ancestral {
			return fmt.Errorf("generative: FullVariance needs the Ancestral method and a score with PosteriorVar (have %v, %T)", s.Method, s.Score)
		}
	}
	w := s.newWorkspace(B)
	xi := make([]complex128, B*M)
	n := len(s.Times) - 1
	for i := 0; i < n-1; i++ {
		t, u := s.Times[i], s.Times[i+1]
		if s.Method.Stochastic() {
			for b := 0; b < B; b++ {
				s.Proc.Noise(xi[b*M:(b+1)*M], rnd)
			}
		}
		pd.keep(x)
		s.step(w, x, xi, t, u)
		if err := finite(x); err != nil {
			return fmt.Errorf("generative: %v sampler at t = %v: %w", s.Method, u, err)
		}
		if err := pd.transition(x, xi, t, u, func(j int) float64 { _, _, v := s.kernel(pv, j, t, u); return v }); err != nil {
			return err
		}
	}
	t := s.Times[n-1]
	pd.keep(x)
	s.denoise(w, w.x0, x, t)
	copy(x, w.x0)
	if pv != nil {
		for b := 0; b < B; b++ {
			s.Proc.Noise(xi[b*M:(b+1)*M], rnd)
		}
		for j := 0; j < M; j++ {
			sd := complex(math.Sqrt(pv.PosteriorVar(j, t)), 0)
			for b := 0; b < B; b++ {
				x[b*M+j] += sd * xi[b*M+j]
			}
		}
	}
	if err := finite(x); err != nil {
		return fmt.Errorf("generative: %v sampler at t = 0: %w", s.Method, err)
	}
	if pv != nil {
		return pd.transition(x, xi, t, 0, func(j int) float64 { return pv.PosteriorVar(j, t) })
	}
	return nil
}

// kernel returns the Ancestral step's x_u = A·x̂₀ + B·x_t + √Var·ξ of
// mode j from t to u (Var in covariance units), with the FullVariance
// term A²·Var[x₀ | x_t] when pv is not nil.
func (s *Sampler) kernel(pv PosteriorVariancer, j int, t, u float64) (A, B, V float64) {
	A, B, V = s.Proc.Posterior(j, u, t)
	if s.FullVariance && pv != nil {
		V += A * A * pv.PosteriorVar(j, t)
	}
	return A, B, V
}

func finite(x []complex128) error {
	for _, v := range x {
		if math.IsNaN(real(v)) || math.IsNaN(imag(v)) || math.IsInf(real(v), 0) || math.IsInf(imag(v), 0) {
			return fmt.Errorf("non-finite field value %v", v)
		}
	}
	return nil
}

func (s *Sampler) denoise(w *workspace, dst, x []complex128, t float64) {
	for b := range w.tb {
		w.tb[b] = t
	}
	s.Score.Denoise(dst, x, w.tb)
}

// coeffs fills w.a and w.beta with ᾱ_t and β_t of every mode.
func (s *Sampler) coeffs(w *workspace, t float64) {
	s.Proc.AlphaBar(w.a, t)
	s.Proc.Beta(w.beta, t)
}

// drift writes into k the reverse-time velocity of the fields x at time t,
// dx/d(−t) = ½β x + λ β (√ᾱ x̂₀ − x)/(1 − ᾱ), with λ = 1 for the reverse
// SDE and λ = ½ for the probability-flow ODE.
func (s *Sampler) drift(w *workspace, k, x []complex128, t, lambda float64) {
	s.denoise(w, w.x0, x, t)
	s.coeffs(w, t)
	M := s.Proc.Modes()
	for b := 0; b < w.B; b++ {
		for j := 0; j < M; j++ {
			i := b*M + j
			a, be := w.a[j], w.beta[j]
			v := complex(0.5*be, 0) * x[i]
			if den := 1 - a; den > 0 {
				v += complex(lambda*be/den, 0) * (complex(math.Sqrt(a), 0)*w.x0[i] - x[i])
			}
			k[i] = v
		}
	}
}

// noiseScale returns √(σ² ∫_u^t β) for each mode, the standard deviation
// (covariance units) of the reverse SDE's noise over the step, in w.beta.
func (s *Sampler) noiseScale(w *workspace, t, u float64) {
	p := s.Proc
	for j, e := range p.Eps {
		at, au := p.Sched.AlphaBar(t, e), p.Sched.AlphaBar(u, e)
		var ib float64
		if at > 0 && au > 0 {
			ib = math.Log(au / at)
		} else {
			ib = p.Sched.Beta(0.5*(t+u), e) * (t - u)
		}
		w.beta[j] = math.Sqrt(math.Max(ib, 0) * p.Sigma2[j])
	}
}

// step advances the fields x from t to u < t with the noise coefficients
// xi (unit white noise in the Process' normalisation, as from
// Process.Noise; ignored by the ODE methods). Every method is linear in
// (x, xi) when the score is, which the tests use to propagate variances
// exactly.
func (s *Sampler) step(w *workspace, x, xi []complex128, t, u float64) {
	p := s.Proc
	M := p.Modes()
	h := t - u
	ch := complex(h, 0)
	switch s.Method {
	case Ancestral:
		s.denoise(w, w.x0, x, t)
		pv, _ := s.Score.(PosteriorVariancer)
		for j := 0; j < M; j++ {
			A, B, V := s.kernel(pv, j, t, u)
			ca, cb, cv := complex(A, 0), complex(B, 0), complex(math.Sqrt(V), 0)
			for b := 0; b < w.B; b++ {
				i := b*M + j
				x[i] = ca*w.x0[i] + cb*x[i] + cv*xi[i]
			}
		}
	case EulerMaruyama:
		s.drift(w, w.k1, x, t, 1)
		s.noiseScale(w, t, u)
		for i := range x {
			x[i] += ch*w.k1[i] + complex(w.beta[i%M], 0)*xi[i]
		}
	case HeunSDE:
		s.drift(w, w.k1, x, t, 1)
		s.noiseScale(w, t, u)
		for i := range x {
			w.k3[i] = complex(w.beta[i%M], 0) * xi[i] // noise, shared by both stages
			w.y[i] = x[i] + ch*w.k1[i] + w.k3[i]
		}
		s.drift(w, w.k2, w.y, u, 1)
		for i := range x {
			x[i] += ch*0.5*(w.k1[i]+w.k2[i]) + w.k3[i]
		}
	case HeunODE:
		s.drift(w, w.k1, x, t, 0.5)
		for i := range x {
			w.y[i] = x[i] + ch*w.k1[i]
		}
		s.drift(w, w.k2, w.y, u, 0.5)
		for i := range x {
			x[i] += ch * 0.5 * (w.k1[i] + w.k2[i])
		}
	case RK4ODE:
		m := t - 0.5*h
		s.drift(w, w.k1, x, t, 0.5)
		for i := range x {
			w.y[i] = x[i] + ch*0.5*w.k1[i]
		}
		s.drift(w, w.k2, w.y, m, 0.5)
		for i := range x {
			w.k1[i] += 2 * w.k2[i] // accumulate k1 + 2k2
			w.y[i] = x[i] + ch*0.5*w.k2[i]
		}
		s.drift(w, w.k3, w.y, m, 0.5)
		for i := range x {
			w.k1[i] += 2 * w.k3[i]
			w.y[i] = x[i] + ch*w.k3[i]
		}
		s.drift(w, w.k2, w.y, u, 0.5)
		for i := range x {
			x[i] += ch / 6 * (w.k1[i] + w.k2[i])
		}
	default:
		panic(fmt.Sprintf("generative: unknown sampler method %v", s.Method))
	}
}

// Generate draws n fields in site space in batches of at most batch fields.
// Batch i draws its randomness from the stream rng.New(seed, path…, i), so
// the result depends on the seed, path and batch size only.
func (s *Sampler) Generate(n, batch int, seed uint64, path ...uint64) (*field.Ensemble, error) {
	ens, _, err := s.generate(nil, n, batch, seed, path)
	return ens, err
}

// generate is Generate; with a not nil it also returns the log-weight of
// every field against exp(−S) of a (see GenerateWeighted).
func (s *Sampler) generate(a field.Action, n, batch int, seed uint64, path []uint64) (*field.Ensemble, []float64, error) {
	if n < 1 || batch < 1 {
		return nil, nil, fmt.Errorf("generative: generate %d fields in batches of %d: both must be ≥ 1", n, batch)
	}
	p := s.Proc
	M, V := p.Modes(), p.Lat.Volume()
	ens := field.NewEnsemble(p.Lat, n)
	pl := p.NewPlan()
	x := make([]complex128, batch*M)
	var pd *pathDensity
	var logw []float64
	if a != nil {
		var err error
		if pd, err = s.newPathDensity(batch); err != nil {
			return nil, nil, err
		}
		logw = make([]float64, n)
	}
	full := append(append([]uint64(nil), path...), 0)
	for b0, k := 0, 0; b0 < n; b0, k = b0+batch, k+1 {
		B := min(batch, n-b0)
		full[len(full)-1] = uint64(k)
		rnd := rng.NewRand(seed, full...)
		xb := x[:B*M]
		StartFields(p, xb, B, s.Start, rnd)
		if err := pd.start(xb, B); err != nil {
			return nil, nil, err
		}
		if err := s.run(xb, B, rnd, pd); err != nil {
			return nil, nil, err
		}
		for b := 0; b < B; b++ {
			phi := ens.Data[(b0+b)*V : (b0+b+1)*V]
			pl.ToField(phi, xb[b*M:(b+1)*M])
			if a != nil {
				lw, err := weight(a, phi, pd.lr[b], b0+b)
				if err != nil {
					return nil, nil, err
				}
				logw[b0+b] = lw
			}
		}
	}
	return ens, logw, nil
}
