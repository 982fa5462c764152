// Copyright ©2026 The rgflow Authors. All rights reserved.

package main

import (
	"rgflow/field"
	"rgflow/generative"
)

// mirrored returns e followed by its mirror image −e: the training set
// augmented by the exact Z₂ symmetry φ → −φ of the φ⁴ action.
func mirrored(e *field.Ensemble) *field.Ensemble {
	out := &field.Ensemble{Lat: e.Lat, Data: make([]float64, 2*len(e.Data))}
	copy(out.Data, e.Data)
	for i, v := range e.Data {
		out.Data[len(e.Data)+i] = -v
	}
	return out
}

// oddScore is the odd part ½[D(x) − D(−x)] of a denoiser D. The exact
// denoiser of a Z₂-symmetric law is odd (E[x₀ | −x_t] = −E[x₀ | x_t]), so
// this projection only removes error; and since the forward process and the
// fixed point are symmetric too, every sampler driven by an odd denoiser
// generates an exactly symmetric law — the two sectors of the broken phase
// in equal proportion, whatever the network learned of their balance.
type oddScore struct {
	generative.Score
	buf, out []complex128
	tt       []float64
}

// Denoise evaluates D on the batch and its mirror image in one batch of
// twice the size and returns the odd part in dst (which may alias xt).
func (o *oddScore) Denoise(dst, xt []complex128, t []float64) []complex128 {
	n, B := len(xt), len(t)
	if cap(o.buf) < 2*n {
		o.buf = make([]complex128, 2*n)
		o.out = make([]complex128, 2*n)
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

// PosteriorVar forwards the baseline's posterior variance (the Gaussian
// baseline is odd already) for FullVariance sampling.
func (o *oddScore) PosteriorVar(j int, t float64) float64 {
	return o.Score.(generative.PosteriorVariancer).PosteriorVar(j, t)
}
