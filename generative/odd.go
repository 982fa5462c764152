// Copyright ©2026 The rgflow Authors. All rights reserved.

package generative

import "rgflow/field"

// Mirrored returns the fields of e followed by their mirror images −φ: a
// training set augmented by the Z₂ symmetry φ → −φ of an even action such
// as φ⁴.
func Mirrored(e *field.Ensemble) *field.Ensemble {
	out := &field.Ensemble{Lat: e.Lat, Data: make([]float64, 2*len(e.Data))}
	copy(out.Data, e.Data)
	for i, v := range e.Data {
		out.Data[len(e.Data)+i] = -v
	}
	return out
}

// Odd returns the odd part ½[D(x) − D(−x)] of the denoiser D of s.
//
// The exact denoiser of a Z₂-symmetric law is odd (E[x₀ | −x_t] =
// −E[x₀ | x_t]), so for such a law the projection only removes error.
// The forward processes and their fixed points are symmetric too, so every
// sampler driven by an odd denoiser generates an exactly symmetric law: the
// two sectors of a broken phase in equal proportion, whatever the network
// learned of their balance.
//
// The returned Score evaluates D on a batch and its mirror image together,
// as one batch of twice the size; its Denoise allows dst to alias xt. It
// keeps buffers between calls, so it is not safe for concurrent use. When
// s is a PosteriorVariancer the result is one too, with the posterior
// variances of s (a Gaussian baseline is odd already).
func Odd(s Score) Score {
	o := &odd{Score: s}
	if pv, ok := s.(PosteriorVariancer); ok {
		return &oddVar{odd: o, pv: pv}
	}
	return o
}

type odd struct {
	Score
	buf, out []complex128
	tt       []float64
}

func (o *odd) Denoise(dst, xt []complex128, t []float64) []complex128 {
	n, B := len(xt), len(t)
	if cap(o.buf) < 2*n {
		o.buf = make([]complex128, 2*n)
		o.out = make([]complex128, 2*n)
	}
	if cap(o.tt) < 2*B {
		o.tt = make([]float64, 2*B)
	}
	buf, out, tt := o.buf[:2*n], o.out[:2*n], o.tt[:2*B]
	copy(buf, xt)
	for i, v := range xt {
		buf[n+i] = -v
	}
	copy(tt, t)
	copy(tt[B:], t)
	out = o.Score.Denoise(out, buf, tt)
	if dst == nil {
		dst = make([]complex128, n)
	}
	for i := range dst[:n] {
		dst[i] = 0.5 * (out[i] - out[n+i])
	}
	return dst
}

// oddVar is an odd denoiser that forwards the posterior variances of the
// denoiser it wraps.
type oddVar struct {
	*odd
	pv PosteriorVariancer
}

func (o *oddVar) PosteriorVar(j int, t float64) float64 { return o.pv.PosteriorVar(j, t) }
