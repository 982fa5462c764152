// Copyright ©2026 The rgflow Authors. All rights reserved.

package generative_test

import (
	"context"
	"fmt"
	"math"
	"slices"

	"rgflow/erg"
	"rgflow/field"
	"rgflow/generative"
	"rgflow/generative/nn"
	"rgflow/internal/rng"
	"rgflow/lattice"
)

// freeFields draws n exact samples of the free field of mass² m2 on l.
func freeFields(l *lattice.Lattice, m2 float64, n int, seed uint64) *field.Ensemble {
	a, err := field.NewFree(l, m2)
	if err != nil {
		panic(err)
	}
	s, err := field.NewFreeSampler(a)
	if err != nil {
		panic(err)
	}
	e, rnd := field.NewEnsemble(l, n), rng.NewRand(seed, rng.StageSample)
	for i := range n {
		s.Sample(e.Field(i), rnd)
	}
	return e
}

// The workflow with the exact score: a forward process, the exact denoiser
// of free-field data (run backwards, the exact inverse RG of the free
// theory), a sampler, and the generated fields' spectrum against the free
// propagator G₀.
func Example() {
	l := lattice.MustNew(8, 8)
	p, err := generative.NewVP(l, erg.Periodic, generative.SongVP, nil)
	if err != nil {
		panic(err)
	}
	g0, err := generative.FreeSpectrum(generative.Dispersion(l, erg.Periodic), 0.5)
	if err != nil {
		panic(err)
	}
	exact, err := generative.NewGaussian(p, g0)
	if err != nil {
		panic(err)
	}
	smp, err := generative.NewSampler(p, exact, generative.HeunODE, generative.PowerTimes(p.T, 50, 3))
	if err != nil {
		panic(err)
	}
	gen, err := smp.Generate(2000, 500, 1)
	if err != nil {
		panic(err)
	}
	spec, err := generative.MeasureSpectrum(p, gen, true)
	if err != nil {
		panic(err)
	}
	worst := 0.0
	for j, g := range spec.G {
		worst = math.Max(worst, math.Abs(g/g0[j]-1)/(spec.Err[j]/g0[j]))
	}
	fmt.Printf("%d fields, %d modes, G₀ from %.2f to %.2f\n", gen.Len(), p.Modes(), slices.Min(g0), slices.Max(g0))
	fmt.Println("every mode's variance within 4 standard errors of G₀:", worst < 4)
	// Output:
	// 2000 fields, 40 modes, G₀ from 0.12 to 2.00
	// every mode's variance within 4 standard errors of G₀: true
}

// The workflow with a learned score: free-field training data, the
// Gaussian baseline of their measured spectrum, a small ScoreNet trained by
// denoising score matching around it, and generation with the learned
// score. A held-out loss of 1 per site is the baseline's; the network
// starts at exactly the baseline (it learns only the non-Gaussian rest, of
// which free-field data have none).
func Example_learned() {
	l := lattice.MustNew(6, 6)
	p, err := generative.NewVP(l, erg.Periodic, generative.SongVP, nil)
	if err != nil {
		panic(err)
	}
	train, held := freeFields(l, 0.5, 1000, 1), freeFields(l, 0.5, 200, 2)
	spec, err := generative.MeasureSpectrum(p, train, true)
	if err != nil {
		panic(err)
	}
	base, err := generative.NewGaussian(p, spec.G)
	if err != nil {
		panic(err)
	}
	net, err := nn.New(l, 1, nn.ScoreNet{Channels: 1, Width: 4, Kernel: 3, Blocks: 1, Levels: 1}, nn.Config{
		Time: nn.TimeConfig{Dim: 8, Hidden: 8, Scale: 100}, Workers: 1, Rand: rng.NewRand(3, rng.StageTrain, rng.TrainInit),
	})
	if err != nil {
		panic(err)
	}
	defer net.Close()
	model, err := generative.NewNNModel(net, nn.AdamConfig{Schedule: nn.Schedule{LR: 1e-3, Total: 50}}, 0.9, 10)
	if err != nil {
		panic(err)
	}
	tr, err := generative.NewTrainer(base, model, train, held, generative.TrainConfig{
		Batch: 8, MaxSteps: 50, EvalEvery: 25, HeldOut: 128, Patience: 5, MinSteps: 50, Seed: 4,
	})
	if err != nil {
		panic(err)
	}
	st, err := tr.Run(context.Background(), nil)
	if err != nil {
		panic(err)
	}
	model.LoadAverage()
	fmt.Printf("%d steps, held-out loss within 5%% of the baseline's: %v\n", st.Step, math.Abs(tr.HeldOutLoss()-1) < 0.05)

	learned, err := generative.NewLearned(base, model)
	if err != nil {
		panic(err)
	}
	smp, err := generative.NewSampler(p, learned, generative.Ancestral, generative.UniformTimes(p.T, 20))
	if err != nil {
		panic(err)
	}
	smp.FullVariance = true
	gen, err := smp.Generate(100, 50, 5)
	if err != nil {
		panic(err)
	}
	fmt.Println("generated", gen.Len(), "fields on", gen.Lat)
	// Output:
	// 50 steps, held-out loss within 5% of the baseline's: true
	// generated 100 fields on 6x6
}
