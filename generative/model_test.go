// Copyright ©2026 The rgflow Authors. All rights reserved.

package generative

import (
	"fmt"
	"math"
)

// shellModel is a small Trainable for tests, standing in for the
// generative/nn network: a linear map, diagonal in the process' modes,
//
//	F̃_k(z, c) = g_{o(k)}(c) · z̃_k,  g_o(c) = Σ_p θ_{o,p} h_p(√c),
//
// one gain per symmetry orbit o (ModeSet), piecewise linear in √c on P
// equally spaced knots h_p (hat functions) of the conditioning time c = t/T:
// the exact correction of a baseline's gain behaves like √(1 − ᾱ) ∝ √t
// near t = 0, which √c makes linear. It can represent the exact Gaussian
// denoiser's correction to any baseline up to the interpolation error. Its
// parameters and Adam moments are float32 (exported exactly, so that
// resume is bit-identical); arithmetic is float64.
type shellModel struct {
	p      *Process
	plan   *planCache
	orbit  []int
	S, P   int
	theta  []float32
	grad   []float64
	m, v   []float32
	step   int64
	lr     float64
	decay  int64          // if > 0, the learning rate decays as a cosine to 0 over decay steps
	zm     [][]complex128 // per example of the last Forward
	feat   [][]float64
	dm     []complex128
	nanAt  int64 // if > 0, Update poisons θ with NaN at this step
	blowUp bool  // if set, Update moves θ along +gradient (ascent)
}

func newShellModel(p *Process, P int, lr float64) *shellModel {
	ms := NewModeSet(p)
	return &shellModel{
		p: p, plan: newPlanCache(p), orbit: ms.Orbit, S: ms.Orbits, P: P,
		theta: make([]float32, ms.Orbits*P), grad: make([]float64, ms.Orbits*P),
		m: make([]float32, ms.Orbits*P), v: make([]float32, ms.Orbits*P),
		lr: lr, dm: make([]complex128, p.Modes()),
	}
}

func (s *shellModel) features(dst []float64, c float64) []float64 {
	if dst == nil {
		dst = make([]float64, s.P)
	}
	clear(dst)
	u := math.Sqrt(math.Min(math.Max(c, 0), 1)) * float64(s.P-1)
	i := min(int(u), s.P-2)
	f := u - float64(i)
	dst[i], dst[i+1] = 1-f, f
	return dst
}

func (s *shellModel) gain(feat []float64, o int) float64 {
	g := 0.0
	for p, f := range feat {
		g += float64(s.theta[o*s.P+p]) * f
	}
	return g
}

func (s *shellModel) apply(dst, x []float32, c []float64, keep bool) []float32 {
	V := s.p.Lat.Volume()
	if dst == nil {
		dst = make([]float32, len(x))
	}
	if keep {
		s.zm, s.feat = s.zm[:0], s.feat[:0]
	}
	for b, cb := range c {
		zm := make([]complex128, s.p.Modes())
		s.plan.toModes32(zm, x[b*V:(b+1)*V])
		f := s.features(nil, cb)
		for j := range zm {
			s.dm[j] = complex(s.gain(f, s.orbit[j]), 0) * zm[j]
		}
		s.plan.toField32(dst[b*V:(b+1)*V], s.dm)
		if keep {
			s.zm = append(s.zm, zm)
			s.feat = append(s.feat, f)
		}
	}
	return dst
}

func (s *shellModel) Forward(dst, x []float32, c []float64) []float32 {
	return s.apply(dst, x, c, true)
}
func (s *shellModel) Predict(dst, x []float32, c []float64) []float32 {
	return s.apply(dst, x, c, false)
}

// Backward uses Σ_x a_x b_x = Σ_k w_k Re(ã_k b̃_k*)/Norm_k for real fields.
func (s *shellModel) Backward(dx, dy []float32) []float32 {
	V := s.p.Lat.Volume()
	for b, zm := range s.zm {
		s.plan.toModes32(s.dm, dy[b*V:(b+1)*V])
		for j, z := range zm {
			r := s.p.Weight[j] * (real(s.dm[j])*real(z) + imag(s.dm[j])*imag(z)) / s.p.Norm[j]
			o := s.orbit[j]
			for p, f := range s.feat[b] {
				s.grad[o*s.P+p] += r * f
			}
		}
	}
	return dx
}

func (s *shellModel) ZeroGrad() { clear(s.grad) }

// Update is Adam (Kingma & Ba 2015) with a constant learning rate.
func (s *shellModel) Update() float64 {
	const b1, b2, eps = 0.9, 0.999, 1e-8
	s.step++
	lr := s.lr
	if s.decay > 0 {
		f := math.Min(float64(s.step)/float64(s.decay), 1)
		lr *= 0.5 * (1 + math.Cos(math.Pi*f))
	}
	n := 0.0
	for _, g := range s.grad {
		n += g * g
	}
	for i, g := range s.grad {
		if s.blowUp {
			g = -g
		}
		m := b1*float64(s.m[i]) + (1-b1)*g
		v := b2*float64(s.v[i]) + (1-b2)*g*g
		s.m[i], s.v[i] = float32(m), float32(v)
		mh := m / (1 - math.Pow(b1, float64(s.step)))
		vh := v / (1 - math.Pow(b2, float64(s.step)))
		s.theta[i] = float32(float64(s.theta[i]) - lr*mh/(math.Sqrt(vh)+eps))
	}
	if s.nanAt > 0 && s.step == s.nanAt {
		s.theta[0] = float32(math.NaN())
	}
	return math.Sqrt(n)
}

func (s *shellModel) State() ModelState {
	shape := []int{s.S, s.P}
	return ModelState{
		Tensors: []Tensor{
			{Name: "theta", Shape: shape, Data: s.theta},
			{Name: "adam/m", Shape: shape, Data: s.m},
			{Name: "adam/v", Shape: shape, Data: s.v},
		},
		Counters: []Counter{{Name: "adam/step", Value: s.step}},
	}
}

func (s *shellModel) SetState(st ModelState) error {
	for _, t := range st.Tensors {
		var dst []float32
		switch t.Name {
		case "theta":
			dst = s.theta
		case "adam/m":
			dst = s.m
		case "adam/v":
			dst = s.v
		default:
			return fmt.Errorf("unknown tensor %q", t.Name)
		}
		if len(t.Data) != len(dst) {
			return fmt.Errorf("tensor %q has %d values, want %d", t.Name, len(t.Data), len(dst))
		}
		copy(dst, t.Data)
	}
	for _, c := range st.Counters {
		if c.Name == "adam/step" {
			s.step = c.Value
		}
	}
	return nil
}
