// Copyright ©2026 The rgflow Authors. All rights reserved.

package generative

import (
	"fmt"
	"math"
	"strings"

	"rgflow/generative/nn"
)

// NNModel is a generative/nn network with its Adam optimiser, global-norm
// gradient clipping and exponential moving average of the weights: the
// Trainable of a learned score.
//
// The network must map one or two channels (see Network) to one and be conditioned on
// the time t/T ∈ (0, 1] that Learned and Trainer pass (so nn.TimeConfig's
// Scale and a SpectralLayer's knots are in those units; the Gaussian gains
// vary like √t near t = 0, so knots should crowd there).
//
// Its state (State) is the parameters ("net/<name>"), Adam's moments
// ("adam.m/<name>", "adam.v/<name>") and step ("adam.step"), and the
// average ("ema/<name>", "ema.updates").
type NNModel struct {
	Net *nn.Network
	Opt *nn.Adam
	// EMA may be nil (no average).
	EMA *nn.EMA
	// Clip is the largest gradient norm; 0 means no clipping.
	Clip float64
}

// NewNNModel returns the trainable model of net with Adam settings adam,
// EMA decay ema (0 for no average; with warm-up) and clipping norm clip
// (0 for none).
func NewNNModel(net *nn.Network, adam nn.AdamConfig, ema, clip float64) (*NNModel, error) {
	if net == nil {
		return nil, fmt.Errorf("generative: nil network")
	}
	if (net.In() != 1 && net.In() != 2) || net.Out() != 1 {
		return nil, fmt.Errorf("generative: the learned score's network maps 1 or 2 channels to 1 (see Network), this one %d to %d", net.In(), net.Out())
	}
	if !(clip >= 0) || math.IsInf(clip, 0) {
		return nil, fmt.Errorf("generative: clip = %v: must be finite and ≥ 0 (0 for no clipping)", clip)
	}
	opt, err := nn.NewAdam(net.Params(), adam)
	if err != nil {
		return nil, err
	}
	m := &NNModel{Net: net, Opt: opt, Clip: clip}
	if ema > 0 {
		if m.EMA, err = nn.NewEMA(net.Params(), ema, true); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// In returns the network's input channels (see Network).
func (m *NNModel) In() int { return m.Net.In() }

// Forward evaluates the training weights, keeping state for Backward.
func (m *NNModel) Forward(dst, x []float32, c []float64) []float32 { return m.Net.Forward(dst, x, c) }

// Predict evaluates the training weights.
func (m *NNModel) Predict(dst, x []float32, c []float64) []float32 { return m.Net.Predict(dst, x, c) }

// Backward accumulates the parameter gradient.
func (m *NNModel) Backward(dx, dy []float32) []float32 { return m.Net.Backward(dx, dy) }

// ZeroGrad clears the gradient.
func (m *NNModel) ZeroGrad() { m.Net.ZeroGrad() }

// Update clips the gradient, makes one Adam step, folds the weights into
// the average and returns the gradient norm before clipping. A non-finite
// norm leaves the parameters untouched (the trainer then stops with
// ErrDiverged).
func (m *NNModel) Update() float64 {
	g := m.Net.Grad()
	var norm float64
	if m.Clip > 0 {
		norm = nn.ClipGradNorm(g, m.Clip)
	} else {
		norm = nn.GradNorm(g)
	}
	if math.IsNaN(norm) || math.IsInf(norm, 0) {
		return norm
	}
	m.Opt.Update(m.Net.Theta(), g)
	if m.EMA != nil {
		m.EMA.Update(m.Net.Theta())
	}
	return norm
}

// LoadAverage copies the weight average into the network's parameters, to
// evaluate or sample with it. The training weights are overwritten: save
// the State first to continue training.
func (m *NNModel) LoadAverage() {
	if m.EMA != nil {
		copy(m.Net.Theta(), m.EMA.Theta())
	}
}

const netPrefix = "net/"

// State returns the model's complete state (copies).
func (m *NNModel) State() ModelState {
	var s ModelState
	add := func(prefix string, ts []nn.NamedTensor) {
		for _, t := range ts {
			s.Tensors = append(s.Tensors, Tensor{Name: prefix + t.Name, Shape: append([]int(nil), t.Shape...), Data: append([]float32(nil), t.Data...)})
		}
	}
	add(netPrefix, m.Net.Params())
	step, adam := m.Opt.State()
	add("", adam)
	s.Counters = append(s.Counters, Counter{Name: "adam.step", Value: int64(step)})
	if m.EMA != nil {
		n, avg := m.EMA.State()
		add("", avg)
		s.Counters = append(s.Counters, Counter{Name: "ema.updates", Value: int64(n)})
	}
	return s
}

// SetState restores a state returned by State of a model with the same
// architecture and settings.
func (m *NNModel) SetState(s ModelState) error {
	var net, adam, ema []nn.NamedTensor
	for _, t := range s.Tensors {
		nt := nn.NamedTensor{Name: t.Name, Shape: t.Shape, Data: t.Data}
		switch {
		case strings.HasPrefix(t.Name, netPrefix):
			nt.Name = strings.TrimPrefix(t.Name, netPrefix)
			net = append(net, nt)
		case strings.HasPrefix(t.Name, "adam."):
			adam = append(adam, nt)
		case strings.HasPrefix(t.Name, "ema/"):
			ema = append(ema, nt)
		default:
			return fmt.Errorf("generative: unexpected model tensor %q", t.Name)
		}
	}
	counter := func(name string) (int, bool) {
		for _, c := range s.Counters {
			if c.Name == name {
				return int(c.Value), true
			}
		}
		return 0, false
	}
	step, ok := counter("adam.step")
	if !ok {
		return fmt.Errorf("generative: model state lacks the counter adam.step")
	}
	if (m.EMA != nil) != (len(ema) > 0) {
		return fmt.Errorf("generative: model state has %d average tensors, the model %s an average", len(ema), map[bool]string{true: "has", false: "has no"}[m.EMA != nil])
	}
	if err := m.Net.SetParams(net); err != nil {
		return err
	}
	if err := m.Opt.SetState(step, adam); err != nil {
		return err
	}
	if m.EMA != nil {
		n, ok := counter("ema.updates")
		if !ok {
			return fmt.Errorf("generative: model state lacks the counter ema.updates")
		}
		if err := m.EMA.SetState(n, ema); err != nil {
			return err
		}
	}
	return nil
}
