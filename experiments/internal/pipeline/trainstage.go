// Copyright ©2026 The rgflow Authors. All rights reserved.

package pipeline

import (
	"bytes"
	"context"
	"encoding/gob"
	"errors"
	"fmt"
	"strings"
	"time"

	"rgflow/erg"
	"rgflow/field"
	"rgflow/generative"
	"rgflow/generative/nn"
	"rgflow/internal/h5io"
	"rgflow/internal/rng"
)

// Model is one learned score: what TrainModel trains and LoadModel reads
// back.
type Model struct {
	Name  string // e.g. learned, ddpm
	Group string // /model/<name>
	Proc  *erg.Process
	// Baseline is the Gaussian part the network corrects (measured or
	// white, see Train.Baseline).
	Baseline *generative.Gaussian
	Net      Network
	Train    Train
	// Grid > 0 draws training times on a grid (DDPM's integer timesteps).
	Grid int
	// Index numbers the models of a run: it labels their random streams.
	Index int
	// TMin and TMax, fractions of T, restrict training to a window of
	// times (0 and 0: all times; generative.TrainConfig).
	TMin, TMax float64
	// Force is −∂S/∂x of the action the training fields are drawn from,
	// for train.target = force (nil where there is none).
	Force func(dst, x []float64) []float64

	// Filled by TrainModel / LoadModel.
	Score  *generative.Learned
	State  generative.TrainState
	Params int
	// Seconds is the wall-clock training time.
	Seconds float64

	net *nn.Network
}

// window is the model's training window [TMin, TMax] as fractions of T.
func (m *Model) window() []float64 {
	lo, hi := m.TMin, m.TMax
	if lo == 0 {
		lo = generative.DefaultTMin
	}
	if hi == 0 {
		hi = 1
	}
	return []float64{lo, hi}
}

// target is the regression target the model was trained on.
func (m *Model) target() string {
	if m.Train.Target == "force" && m.Force != nil {
		return "force: the denoising residual blended per orbit and time with P·(F + x̃₀/G₀), F = −∇S (generative.TrainConfig.Force)"
	}
	return "denoising: x̃₀ − Skip·x̃_t (Vincent 2011)"
}

// Close releases the network's worker goroutines.
func (m *Model) Close() {
	if m.net != nil {
		m.net.Close()
		m.net = nil
	}
}

// NewBaseline returns the Gaussian baseline of a model: the spectrum of the
// training fields measured in p's basis ("measured") or the reference
// spectrum σ² itself ("white").
func NewBaseline(p *erg.Process, kind string, train *field.Ensemble, symmetrise bool) (*generative.Gaussian, error) {
	switch kind {
	case "measured":
		s, err := generative.MeasureSpectrum(p, train, symmetrise)
		if err != nil {
			return nil, err
		}
		return generative.NewGaussian(p, s.G)
	case "white":
		return generative.NewGaussian(p, append([]float64(nil), p.Sigma2...))
	}
	return nil, fmt.Errorf("pipeline: baseline %q: allowed measured, white", kind)
}

// TrainModel trains m by denoising score matching on train (held-out loss
// on held), with checkpoints through the runner, and writes /model/<name>.
// A diverged training writes the group with converged = false and fails.
func (o *Out) TrainModel(ctx context.Context, run *Runner, m *Model, train, held *field.Ensemble, seed uint64) error {
	net, err := m.Net.Build(o.Lat, seed, m.Index, m.Baseline)
	if err != nil {
		return err
	}
	model, err := m.Train.Model(net)
	if err != nil {
		net.Close()
		return err
	}
	tc := m.Train.TrainConfig(seed, m.Grid)
	tc.TMin, tc.TMax = m.TMin, m.TMax
	if m.Train.Target == "force" {
		if m.Force == nil {
			net.Close()
			return fmt.Errorf("pipeline: train.target = force: the %s model's training fields have no action force here (allowed: denoising)", m.Name)
		}
		tc.Force = m.Force
	}
	// Each model has its own training streams.
	tc.Seed = rng.ModelSeed(seed, m.Index)
	tr, err := generative.NewTrainer(m.Baseline, model, train, held, tc)
	if err != nil {
		net.Close()
		return err
	}
	key := "train_state"
	var prevSeconds float64
	if c, ok := run.Restored(); ok {
		if b := c.Blobs[key]; len(b) > 0 {
			var st generative.TrainState
			if err := gob.NewDecoder(bytes.NewReader(b)).Decode(&st); err != nil {
				net.Close()
				return fmt.Errorf("pipeline: the checkpoint's training state of %s: %w", m.Name, err)
			}
			if err := tr.Resume(st); err != nil {
				net.Close()
				return err
			}
			if s := c.Floats["train_seconds"]; len(s) == 1 {
				prevSeconds = s[0]
			}
		}
	}
	t0 := time.Now()
	seconds := func() float64 { return prevSeconds + time.Since(t0).Seconds() }
	save := func(st generative.TrainState) func(c *h5io.Checkpoint) {
		return func(c *h5io.Checkpoint) {
			var b bytes.Buffer
			if err := gob.NewEncoder(&b).Encode(st); err != nil {
				panic(fmt.Sprintf("pipeline: encode training state: %v", err))
			}
			c.Blobs = map[string][]byte{key: b.Bytes()}
			c.Floats = map[string][]float64{"train_seconds": {seconds()}}
		}
	}
	bar := run.R.Progress("train "+m.Name, int64(tc.MaxSteps), "steps")
	bar.Update(int64(tr.State().Step))
	st, err := tr.Run(ctx, func(st generative.TrainState) error {
		last := st.Curve[len(st.Curve)-1]
		bar.Update(int64(st.Step), "loss", last.Train, "held_out", last.HeldOut)
		return run.SafePoint(ctx, save(st))
	})
	bar.Done()
	m.Seconds = seconds()
	switch {
	case err != nil && errors.Is(err, generative.ErrDiverged):
		o.writeModel(m, st, net, false)
		net.Close()
		return fmt.Errorf("model %s: %w", m.Name, err)
	case err != nil && ctx.Err() != nil:
		net.Close()
		// Stopped between evaluations: save where training stands.
		if serr := run.SafePoint(ctx, save(st)); serr != nil {
			return serr
		}
		return err
	case err != nil:
		net.Close()
		return err
	}
	model.LoadAverage()
	if err := net.CheckFinite(); err != nil {
		o.writeModel(m, st, net, false)
		net.Close()
		return fmt.Errorf("model %s: the averaged weights are not finite: %w", m.Name, err)
	}
	if err := o.writeModel(m, st, net, true); err != nil {
		net.Close()
		return err
	}
	m.State = st
	m.Params = net.NumParams()
	m.net = net
	m.Score, err = generative.NewLearned(m.Baseline, model)
	return err
}

// writeModel writes /model/<name>: the sampling weights, the training curve
// and the attributes of docs/hdf5-schema.md.
func (o *Out) writeModel(m *Model, st generative.TrainState, net *nn.Network, finite bool) error {
	converged := st.Status == generative.Converged
	attrs := map[string]any{
		"architecture":    m.Net.Describe(),
		"n_parameters":    int64(net.NumParams()),
		"converged":       converged && finite,
		"status":          st.Status.String(),
		"steps":           int64(st.Step),
		"train_seconds":   m.Seconds,
		"baseline":        m.Train.Baseline,
		"target":          m.target(),
		"augment":         m.Train.Augment,
		"best_val_loss":   st.Best,
		"t_window":        m.window(),
		"parametrisation": "x̂₀ = Skip·x̃_t + Out·F_θ(In·x̃_t, t/T) per mode around the Gaussian baseline (generative.Precond)",
		"weights":         "parameters are the exponential moving average used for sampling (train.ema), or the last weights when ema = 0",
		"description":     "learned score model of the " + m.Name + " process",
	}
	if err := o.F.CreateGroup(m.Group, attrs); err != nil {
		return err
	}
	for k, v := range attrs { // CreateGroup on an existing group keeps old attributes
		if err := o.F.SetAttr(m.Group, k, v); err != nil {
			return err
		}
	}
	if finite {
		if err := o.WriteParams(m.Group, net.Params()); err != nil {
			return err
		}
	}
	n := len(st.Curve)
	step := make([]float64, n)
	loss := make([]float64, n)
	val := make([]float64, n)
	gn := make([]float64, n)
	lr := make([]float64, n)
	sched := nn.Schedule{LR: m.Train.LR, Warmup: m.Train.Warmup, Total: m.Train.Steps}
	for i, c := range st.Curve {
		step[i], loss[i], val[i], gn[i] = float64(c.Step), c.Train, c.HeldOut, c.GradNorm
		lr[i] = sched.At(max(c.Step, 1))
	}
	g := m.Group + "/training"
	if err := o.F.CreateScale(g+"/step", "step", step, "1", "optimiser step of each record"); err != nil {
		return err
	}
	for _, d := range []struct {
		name, desc string
		v          []float64
	}{
		{"loss", "mean training loss since the previous record (preconditioned DSM loss: 1 per site is the Gaussian baseline)", loss},
		{"val_loss", "loss on the fixed held-out examples", val},
		{"grad_norm", "mean gradient norm before clipping since the previous record", gn},
		{"learning_rate", "learning rate at the record's step", lr},
	} {
		if _, err := o.F.Put(g+"/"+d.name, h5io.Spec{Units: "1", Description: d.desc, Dims: []string{"step"}, Scales: []string{g + "/step"}}, d.v); err != nil {
			return err
		}
	}
	return nil
}

// LoadModel rebuilds a trained model from /model/<name> for a resumed run
// that skips its training stage.
func (o *Out) LoadModel(m *Model, seed uint64) error {
	net, err := m.Net.Build(o.Lat, seed, m.Index, m.Baseline)
	if err != nil {
		return err
	}
	ps, err := o.ReadParams(m.Group, net.Params())
	if err != nil {
		net.Close()
		return fmt.Errorf("pipeline: model %s: %w", m.Name, err)
	}
	if err := net.SetParams(ps); err != nil {
		net.Close()
		return err
	}
	model, err := m.Train.Model(net)
	if err != nil {
		net.Close()
		return err
	}
	var secs float64
	if err := o.F.Attr(m.Group, "train_seconds", &secs); err == nil {
		m.Seconds = secs
	}
	m.Params = net.NumParams()
	m.net = net
	if err := o.readCurve(m); err != nil {
		return err
	}
	m.Score, err = generative.NewLearned(m.Baseline, model)
	return err
}

// readCurve reads the training curve of /model/<name>/training back into
// m.State, so a resumed run's plots and summary show the training it skips.
func (o *Out) readCurve(m *Model) error {
	g := m.Group + "/training/"
	cols := map[string][]float64{}
	for _, name := range []string{"step", "loss", "val_loss", "grad_norm"} {
		d, err := o.F.OpenDataset(g + name)
		if err != nil {
			return fmt.Errorf("pipeline: model %s: training curve: %w", m.Name, err)
		}
		var v []float64
		if _, err := d.Read(&v); err != nil {
			return fmt.Errorf("pipeline: model %s: training curve: %w", m.Name, err)
		}
		cols[name] = v
	}
	n := len(cols["step"])
	for _, name := range []string{"loss", "val_loss", "grad_norm"} {
		if len(cols[name]) != n {
			return fmt.Errorf("pipeline: model %s: training curve: %s has %d records, step has %d", m.Name, name, len(cols[name]), n)
		}
	}
	m.State.Curve = make([]generative.CurvePoint, n)
	for i := range m.State.Curve {
		m.State.Curve[i] = generative.CurvePoint{Step: int(cols["step"][i]), Train: cols["loss"][i], HeldOut: cols["val_loss"][i], GradNorm: cols["grad_norm"][i]}
	}
	return nil
}

// FormSpectrum returns the spectrum per mode that m's Gaussian-form
// spectral path has learned (generative.FormSpectrum), or an error if m's
// network has none.
func (m *Model) FormSpectrum() ([]float64, error) {
	if !m.Net.Spectra || m.Net.Form != "gaussian" || m.Score == nil {
		return nil, fmt.Errorf("pipeline: model %s has no Gaussian-form spectral path", m.Name)
	}
	var net *nn.Network
	switch n := m.Score.Net.(type) {
	case *nn.Network:
		net = n
	case *generative.NNModel:
		net = n.Net
	default:
		return nil, fmt.Errorf("pipeline: model %s: network %T has no parameters to read", m.Name, m.Score.Net)
	}
	var theta []float64
	for _, t := range net.Params() {
		if strings.HasSuffix(t.Name, "gain") {
			if theta != nil {
				return nil, fmt.Errorf("pipeline: model %s: more than one spectral gain", m.Name)
			}
			for _, v := range t.Data {
				theta = append(theta, float64(v))
			}
		}
	}
	return generative.FormSpectrum(m.Baseline, theta)
}
