// Copyright ©2026 The rgflow Authors. All rights reserved.

package generative

import (
	"fmt"
	"math"
	"math/rand/v2"

	"rgflow/erg"
	"rgflow/field"
)

// Path-space importance weights of the Ancestral sampler.
//
// A generated path (x_{t_0}, …, x_{t_n} = x₀) is drawn with density
//
//	q(path) = q_start(x_{t_0}) Π_i r(x_{t_{i+1}} | x_{t_i}),
//
// the start Gaussian N(0, Start or σ²) and the sampler's Gaussian reverse
// kernels. On the same path the extended target of annealed importance
// sampling (Neal 2001; Crooks 1998) is
//
//	π̃(path) = exp(−S(x₀)) Π_i f(x_{t_i} | x_{t_{i+1}}),
//
// with f the forward chain's exact per-mode transitions, x_t = √a x_s +
// √((1 − a)σ²) ξ, a = ᾱ_t/ᾱ_s. The f's integrate to one going up the path,
// so π̃ integrates to Z = ∫ exp(−S) and its x₀-marginal is exp(−S)/Z: the
// weight w = π̃/q has E_q[w] = Z, and w reweights any observable of x₀ to
// exp(−S) exactly, whatever the score. When the kernels are the exact
// reverse of the forward chain (the Gaussian score of Gaussian data with
// FullVariance and the exact Start), q = π̃/Z and w ≡ Z.
//
// Densities are taken in the V real coordinates of the field that are
// independent, each in orthonormal units (the mode coefficient divided by
// the square root of its norm), so that the map from site space is
// orthogonal and every density is a density in site space with no
// Jacobian: in the Periodic basis a self-conjugate mode (real for real
// fields) is one coordinate of norm V; any other stored mode is a complex
// pair of coordinates Re, Im of norm V/2 each, counted once per conjugate
// pair (the entry whose conjugate is stored earlier is skipped); in the Open
// basis every DCT mode is one coordinate of norm DCTNorms. A mode variance
// v in covariance units is then the variance of each of its coordinates.
//
// Transitions of variance 0 in both directions (modes the schedule has
// not moved, such as the zero mode of the textbook Polchinski flow) are
// the same deterministic map both ways and drop out of the weight.

// pathDensity accumulates, for one batch of fields, the log-ratio
// log Π f − log q of the path density along the sampler's steps.
type pathDensity struct {
	p    *Process
	B    int
	dof  []int8    // per mode: 0 (the conjugate's coordinates), 1 or 2 real coordinates
	sd   []float64 // per mode: √Norm
	lr   []float64 // per field of the batch
	prev []complex128
	st   []float64 // start spectrum
}

// modeDOF returns the number of independent real coordinates of every
// stored mode of p (see the package comment on weights); they add up to
// the volume.
func modeDOF(p *Process) []int8 {
	dof := make([]int8, p.Modes())
	var conj []int
	if p.Basis == erg.Periodic {
		conj = p.Lat.HalfConjugate()
	}
	for j := range dof {
		switch {
		case conj == nil:
			dof[j] = 1
		case conj[j] == j:
			dof[j] = 1
		case conj[j] >= 0 && conj[j] < j:
			dof[j] = 0
		default:
			dof[j] = 2
		}
	}
	return dof
}

func (s *Sampler) newPathDensity(batch int) (*pathDensity, error) {
	if s.Method != Ancestral || !s.FullVariance {
		return nil, fmt.Errorf("generative: importance weights need the ancestral sampler with full variance (its last step draws x₀ ~ N(x̂₀, Var[x₀|x_t]) and has a density); have method %v, full variance %v", s.Method, s.FullVariance)
	}
	if _, ok := s.Score.(PosteriorVariancer); !ok {
		return nil, fmt.Errorf("generative: importance weights need a score with PosteriorVar (the Gaussian or a learned score), have %T", s.Score)
	}
	p := s.Proc
	st := s.Start
	if st == nil {
		st = p.Sigma2
	}
	if len(st) != p.Modes() {
		return nil, fmt.Errorf("generative: start spectrum has %d values for %d modes", len(st), p.Modes())
	}
	for j, v := range st {
		if !(v > 0) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("generative: importance weights need a start variance > 0 in every mode: mode %d has %v", j, v)
		}
	}
	pd := &pathDensity{p: p, dof: modeDOF(p), sd: make([]float64, p.Modes()),
		lr: make([]float64, batch), prev: make([]complex128, batch*p.Modes()), st: st}
	for j, n := range p.Norm {
		pd.sd[j] = math.Sqrt(n)
	}
	return pd, nil
}

// logNormal returns the log-density of the coordinates of mode j whose
// residual from the mean is the coefficient r, each of variance v
// (covariance units).
func (pd *pathDensity) logNormal(j int, r complex128, v float64) float64 {
	re, im := real(r)/pd.sd[j], imag(r)/pd.sd[j]
	switch pd.dof[j] {
	case 1:
		return -0.5*re*re/v - 0.5*math.Log(2*math.Pi*v)
	case 2:
		// Re and Im carry half the norm each: u = √2·re, √2·im.
		return -(re*re+im*im)/v - math.Log(2*math.Pi*v)
	}
	return 0
}

// start resets the batch to B fields with start coefficients x and
// subtracts their start log-density.
func (pd *pathDensity) start(x []complex128, B int) error {
	if pd == nil {
		return nil
	}
	pd.B = B
	M := pd.p.Modes()
	for b := 0; b < B; b++ {
		s := 0.0
		for j, v := range pd.st {
			s += pd.logNormal(j, x[b*M+j], v)
		}
		pd.lr[b] = -s
	}
	return nil
}

// keep saves the fields before a step.
func (pd *pathDensity) keep(x []complex128) {
	if pd != nil {
		copy(pd.prev, x)
	}
}

// transition adds, for the step from t to u < t that took the kept
// fields to x with unit noise xi and kernel variance kv(j), the forward
// log-density log f(x_t | x_u) and subtracts the kernel's log r(x_u | x_t).
func (pd *pathDensity) transition(x, xi []complex128, t, u float64, kv func(j int) float64) error {
	if pd == nil {
		return nil
	}
	p := pd.p
	M := p.Modes()
	for j, e := range p.Eps {
		if pd.dof[j] == 0 {
			continue
		}
		at, au := p.Sched.AlphaBar(t, e), p.Sched.AlphaBar(u, e)
		a := 0.0
		if au > 0 {
			a = at / au
		}
		fv := (1 - a) * p.Sigma2[j]
		rv := kv(j)
		if fv == 0 && rv == 0 {
			continue
		}
		if !(fv > 0) || !(rv > 0) || math.IsInf(rv, 0) {
			return fmt.Errorf("generative: importance weights: mode %d from t = %v to %v has forward variance %v and sampler variance %v: a path density needs both > 0 or both 0", j, t, u, fv, rv)
		}
		sa := complex(math.Sqrt(a), 0)
		lrv := 0.5 * float64(pd.dof[j]) * math.Log(rv)
		for b := 0; b < pd.B; b++ {
			i := b*M + j
			// The kernel added √rv·ξ: its density is that of ξ (unit
			// variance per coordinate) less ½ log rv per coordinate.
			pd.lr[b] += pd.logNormal(j, pd.prev[i]-sa*x[i], fv) - pd.logNormal(j, xi[i], 1) + lrv
		}
	}
	return nil
}

// weight returns log w = −S(φ) + lr for field i, or an error if S is NaN
// or the result is not a number.
func weight(a field.Action, phi []float64, lr float64, i int) (float64, error) {
	S := a.Action(phi)
	if math.IsNaN(S) || math.IsInf(S, -1) {
		return 0, fmt.Errorf("generative: importance weight of field %d: the action is %v", i, S)
	}
	lw := -S + lr
	if math.IsNaN(lw) || math.IsInf(lw, 1) {
		return 0, fmt.Errorf("generative: importance weight of field %d: log w = %v (action %v, path log-density ratio %v)", i, lw, S, lr)
	}
	return lw, nil
}

// RunWeighted is Run for fields x drawn by StartFields with the sampler's
// Start spectrum; it also writes into lr, for every field, the path
// log-density ratio log Π f − log q of the package comment on weights, so
// that log w = −S(φ) + lr. The fields are the same, bit for bit, as Run's
// with the same rnd. It needs the Ancestral method with FullVariance and a
// score with PosteriorVar, and returns an error otherwise, or if a step has
// a Gaussian of zero variance in only one direction.
func (s *Sampler) RunWeighted(x []complex128, B int, rnd *rand.Rand, lr []float64) error {
	if len(lr) != B {
		panic("generative: log-ratio length mismatch")
	}
	pd, err := s.newPathDensity(B)
	if err != nil {
		return err
	}
	if err := pd.start(x, B); err != nil {
		return err
	}
	if err := s.run(x, B, rnd, pd); err != nil {
		return err
	}
	copy(lr, pd.lr[:B])
	return nil
}

// GenerateWeighted draws n fields as Generate does (the same fields for the
// same arguments) and returns with them their log importance weights
// log w = −S(φ) + log Π f − log q against exp(−S) of a, for which
// E[w] = Z = ∫ exp(−S). See RunWeighted for what it needs; a NaN action
// is an error naming the field.
func (s *Sampler) GenerateWeighted(a field.Action, n, batch int, seed uint64, path ...uint64) (*field.Ensemble, []float64, error) {
	if a == nil {
		return nil, nil, fmt.Errorf("generative: importance weights need an action")
	}
	if !a.Lattice().Equal(s.Proc.Lat) {
		return nil, nil, fmt.Errorf("generative: importance weights: the action's lattice differs from the process lattice")
	}
	return s.generate(a, n, batch, seed, path)
}

// GaussianLogZ returns log Z = log ∫ exp(−½ φᵀG⁻¹φ) dφ = ½ Σ_k log(2πG(k))
// over all V modes for the Gaussian field whose covariance has eigenvalue
// g[j] on stored mode j of p (each mode counted Weight[j] times). For the
// free field, g = 1/(k̂² + m²). Every g[j] must be > 0.
func GaussianLogZ(p *Process, g []float64) float64 {
	if len(g) != p.Modes() {
		panic("generative: spectrum length mismatch")
	}
	s := 0.0
	for j, v := range g {
		s += p.Weight[j] * 0.5 * math.Log(2*math.Pi*v)
	}
	return s
}
