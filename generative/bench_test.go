// Copyright ©2026 The rgflow Authors. All rights reserved.

package generative

import (
	"fmt"
	"testing"

	"rgflow/erg"
	"rgflow/field"
	"rgflow/generative/nn"
	"rgflow/internal/rng"
	"rgflow/lattice"
)

// nullModel is a Trainable that does nothing, to time the trainer's own
// work: drawing examples, transforms, noise and preconditioning.
type nullModel struct{}

func (nullModel) Forward(dst, x []float32, c []float64) []float32 { return dst }
func (nullModel) Predict(dst, x []float32, c []float64) []float32 { return dst }
func (nullModel) Backward(dx, dy []float32) []float32             { return dx }
func (nullModel) ZeroGrad()                                       {}
func (nullModel) Update() float64                                 { return 0 }
func (nullModel) State() ModelState                               { return ModelState{} }
func (nullModel) SetState(ModelState) error                       { return nil }

// BenchmarkTrainStep times one DSM step of batch 64 on 32² and 64²: the
// trainer's data pipeline alone (pipeline) and a full step with nn's
// ScoreNet (4 residual blocks of width 32 on two levels, spectral path).
// Run with -count to interleave; the ratio pipeline/scorenet is the
// pipeline's share of a training step.
//
//	go test -run '^$' -bench TrainStep -count 5 ./generative
func BenchmarkTrainStep(b *testing.B) {
	for _, L := range []int{32, 64} {
		l := lattice.MustNew(L, L)
		p, err := erg.NewPolchinski(l, erg.PolchinskiParams{Regulator: erg.Exponential{}, Mass2: 0.5, ZeroMode: erg.IntegrateOutZeroMode})
		if err != nil {
			b.Fatal(err)
		}
		a, _ := field.NewFree(l, 0.5)
		smp, _ := field.NewFreeSampler(a)
		data := field.NewEnsemble(l, 256)
		rnd := rng.NewRand(1, 1)
		for i := 0; i < data.Len(); i++ {
			smp.Sample(data.Field(i), rnd)
		}
		sp, _ := MeasureSpectrum(p, data, true)
		base, _ := NewGaussian(p, sp.G)
		cfg := TrainConfig{Batch: 64, MaxSteps: 1 << 30, EvalEvery: 1 << 30, HeldOut: 1, Patience: 1, Seed: 1}
		b.Run(fmt.Sprintf("pipeline/%d", L), func(b *testing.B) {
			tr, err := NewTrainer(base, nullModel{}, data, data, cfg)
			if err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				tr.step()
			}
		})
		b.Run(fmt.Sprintf("scorenet/%d", L), func(b *testing.B) {
			body := nn.ScoreNet{Channels: 1, Width: 32, Kernel: 3, Blocks: 1, Levels: 2, Spectral: true, Knots: scoreNetKnots(8)}
			net, err := nn.New(l, 1, body, nn.Config{Time: nn.TimeConfig{Dim: 32, Hidden: 32, Scale: 100}, Rand: rng.NewRand(2, 2)})
			if err != nil {
				b.Fatal(err)
			}
			defer net.Close()
			m, err := NewNNModel(net, nn.AdamConfig{Schedule: nn.Schedule{LR: 1e-3}}, 0.999, 1)
			if err != nil {
				b.Fatal(err)
			}
			tr, err := NewTrainer(base, m, data, data, cfg)
			if err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				tr.step()
			}
		})
	}
}
