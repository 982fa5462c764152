// Copyright ©2026 The rgflow Authors. All rights reserved.

package generative

import (
	"math"
	"testing"

	"rgflow/erg"
	"rgflow/internal/rng"
	"rgflow/lattice"
)

// TestTweedieVarianceOfGaussian checks Tweedie's identity on the exact
// Gaussian score, whose denoiser is linear: the measured posterior
// variance is its closed form G₀(1 − ᾱ)σ²/G_t in every mode at every
// measured time to 10⁻⁹ relative (central differences of a linear map are
// exact up to rounding), for both bases, and is interpolated linearly in
// between.
func TestTweedieVarianceOfGaussian(t *testing.T) {
	for _, b := range []erg.Basis{erg.Periodic, erg.Open} {
		l := lattice.MustNew(6, 4)
		p := expProcess(t, l, b)
		g, err := NewGaussian(p, freeData(t, p, 0.3))
		if err != nil {
			t.Fatal(err)
		}
		// Data: any fields will do for a linear denoiser.
		rnd := rng.NewRand(3, 0)
		x0 := make([]complex128, 5*p.Modes())
		for n := 0; n < 5; n++ {
			p.Noise(x0[n*p.Modes():(n+1)*p.Modes()], rnd)
		}
		times := []float64{0.05, 0.5, 2, 6}
		tv, err := NewTweedieVariance(p, g, times, x0, rnd)
		if err != nil {
			t.Fatal(err)
		}
		for _, tt := range times {
			for j := 0; j < p.Modes(); j++ {
				if got, want := tv.PosteriorVar(j, tt), g.PosteriorVar(j, tt); math.Abs(got-want) > 1e-9*want {
					t.Errorf("%v, t=%v, mode %d: Tweedie variance %.12g, closed form %.12g", b, tt, j, got, want)
				}
			}
		}
		u := 0.3*0.5 + 0.7*2
		for j := 0; j < p.Modes(); j++ {
			want := 0.3*g.PosteriorVar(j, 0.5) + 0.7*g.PosteriorVar(j, 2)
			if got := tv.PosteriorVar(j, u); math.Abs(got-want) > 1e-9*want {
				t.Errorf("%v, t=%v, mode %d: interpolated %.12g, want %.12g", b, u, j, got, want)
			}
		}
	}
}

// TestTweedieVarianceOfWrongBaseline checks that the variance is the
// denoiser's own and not its baseline's: a Gaussian score of spectrum G₁
// gives G₁'s posterior variance, whatever the data's spectrum, so that a
// white-baseline model which has learned the data's spectrum reports the
// data's spread.
func TestTweedieVarianceOfWrongBaseline(t *testing.T) {
	l := lattice.MustNew(8)
	p := expProcess(t, l, erg.Periodic)
	g1, _ := NewGaussian(p, freeData(t, p, 2))
	rnd := rng.NewRand(4, 0)
	x0 := make([]complex128, 3*p.Modes())
	for n := 0; n < 3; n++ {
		p.Noise(x0[n*p.Modes():(n+1)*p.Modes()], rnd)
	}
	tv, err := NewTweedieVariance(p, g1, []float64{1}, x0, rnd)
	if err != nil {
		t.Fatal(err)
	}
	for j := 0; j < p.Modes(); j++ {
		if got, want := tv.PosteriorVar(j, 1), g1.PosteriorVar(j, 1); math.Abs(got-want) > 1e-9*want {
			t.Errorf("mode %d: %.12g, want G₁'s %.12g", j, got, want)
		}
	}
	if _, err := NewTweedieVariance(p, g1, []float64{7}, x0, rnd); err == nil {
		t.Error("a time after T: no error")
	}
	if _, err := NewTweedieVariance(p, g1, []float64{1}, x0[:3], rnd); err == nil {
		t.Error("a partial field: no error")
	}
}
