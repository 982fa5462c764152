// Copyright ©2026 The rgflow Authors. All rights reserved.

package nn

import "fmt"

// ScoreNet is the default architecture of a learned score: a spectral path
// for the Gaussian part plus a residual convolutional U-Net whose
// down- and upsampling is block-spin blocking,
//
//	y = Spectral(x, t) + Head(Level₀(Lift(x)), t)
//	Level_ℓ = Blocks × ResBlock, [x + Coarse(Level_{ℓ+1})], Blocks × ResBlock
//	ResBlock = x + Conv(SiLU(TimeConv(SiLU(x))))   (second conv zero-initialised)
//	Lift = Conv(Width), Head = Conv(Channels) ∘ SiLU (zero-initialised)
//
// All convolutions have kernel extent Kernel and Width channels except the
// head, which returns Channels. At initialisation the convolutional path
// is exactly zero, so the network starts as its spectral path (gain
// SpectralInit; with Spectral false, as zero). Levels − 1 coarse levels
// need every extent divisible by 2^(Levels−1).
//
// With Extra > 0 the network takes Channels + Extra input channels: the
// field first, then features that only the convolutional path sees (the
// spectral path picks the field's channels), and still returns Channels.
//
// The network must be built with a time embedding (Config.Time.Dim > 0).
type ScoreNet struct {
	Channels     int       // field channels, in and out
	Extra        int       // further input channels seen by the convolutional path only
	Width        int       // hidden channels
	Kernel       int       // convolution kernel extent, odd
	Blocks       int       // residual blocks before and after each coarse path
	Levels       int       // lattice scales, ≥ 1 (1: no coarse path)
	Spectral     bool      // include the spectral path
	Knots        []float64 // spectral gain knots (see SpectralLayer)
	SpectralInit float64   // initial spectral gain
	// SpectralForm, if not nil, is the spectral path's gain as a function
	// of one parameter per shell (SpectralLayer.Form); Knots are then
	// unused.
	SpectralForm GainForm
}

func (s ScoreNet) layer() (Layer, error) {
	switch {
	case s.Channels < 1:
		return nil, fmt.Errorf("nn: ScoreNet.Channels %d: must be ≥ 1", s.Channels)
	case s.Width < 1:
		return nil, fmt.Errorf("nn: ScoreNet.Width %d: must be ≥ 1", s.Width)
	case s.Kernel < 1 || s.Kernel%2 == 0:
		return nil, fmt.Errorf("nn: ScoreNet.Kernel %d: must be odd and ≥ 1", s.Kernel)
	case s.Blocks < 0:
		return nil, fmt.Errorf("nn: ScoreNet.Blocks %d: must be ≥ 0", s.Blocks)
	case s.Levels < 1:
		return nil, fmt.Errorf("nn: ScoreNet.Levels %d: must be ≥ 1", s.Levels)
	case s.Extra < 0:
		return nil, fmt.Errorf("nn: ScoreNet.Extra %d: must be ≥ 0", s.Extra)
	}
	block := Residual(Seq(SiLU(), TimeConv(s.Width, s.Kernel), SiLU(),
		ConvLayer{Out: s.Width, Kernel: s.Kernel, ZeroInit: true}))
	var level func(l int) Layer
	level = func(l int) Layer {
		var ls SeqLayer
		for range s.Blocks {
			ls = append(ls, block)
		}
		if l+1 < s.Levels {
			ls = append(ls, Residual(Coarse(level(l+1))))
		}
		for range s.Blocks {
			ls = append(ls, block)
		}
		if len(ls) == 0 {
			return Identity()
		}
		return ls
	}
	conv := Seq(Conv(s.Width, s.Kernel), level(0), SiLU(),
		ConvLayer{Out: s.Channels, Kernel: s.Kernel, ZeroInit: true})
	if !s.Spectral {
		return conv, nil
	}
	spec := Layer(SpectralLayer{Knots: s.Knots, Init: s.SpectralInit, Form: s.SpectralForm})
	if s.Extra > 0 {
		spec = Seq(Pick(0, s.Channels), spec)
	}
	return Sum(spec, conv), nil
}

func (s ScoreNet) bind(b *binder, g *geom, cin int, name string) (node, error) {
	if cin != s.Channels+s.Extra {
		return nil, fmt.Errorf("nn: ScoreNet for %d + %d channels bound to %d input channels", s.Channels, s.Extra, cin)
	}
	l, err := s.layer()
	if err != nil {
		return nil, err
	}
	return l.bind(b, g, cin, name)
}
