// Copyright ©2026 The rgflow Authors. All rights reserved.

package wgrad

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"rgflow/field"
	"rgflow/lattice"
)

// BenchmarkLangevinStep times one step of each Langevin method on a φ⁴
// field per site, beside its references in the same round: the force
// kernel alone (field.Phi4.Force) and the V Gaussian draws of one step
// (math/rand/v2 over PCG). Run with -count N: each round times the
// references and the methods in turn, so medians over rounds are
// interleaved ratios.
//
//	go test -run '^$' -bench LangevinStep -count 6 ./wgrad
func BenchmarkLangevinStep(b *testing.B) {
	for _, L := range []int{64, 256} {
		l := lattice.MustNew(L, L)
		a, err := field.NewPhi4(l, field.ContinuumParams{M2: -0.5, G: 1})
		if err != nil {
			b.Fatal(err)
		}
		V := l.Volume()
		rnd := rand.New(rand.NewPCG(1, 1))
		phi := make([]float64, V)
		for i := range phi {
			phi[i] = 0.5 * rnd.NormFloat64()
		}
		f := make([]float64, V)
		perSite := func(b *testing.B) {
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*V), "ns/site")
		}
		b.Run(fmt.Sprintf("%dx%d/force", L, L), func(b *testing.B) {
			for b.Loop() {
				a.Force(f, phi)
			}
			perSite(b)
		})
		b.Run(fmt.Sprintf("%dx%d/normals", L, L), func(b *testing.B) {
			for b.Loop() {
				for i := range f {
					f[i] = rnd.NormFloat64()
				}
			}
			perSite(b)
		})
		for _, m := range []Method{EulerMaruyama, MALA, FourierEuler, FourierMALA} {
			lg, err := NewLangevin(a, LangevinConfig{Step: 0.01, Method: m, FourierMass2: 1})
			if err != nil {
				b.Fatal(err)
			}
			w := lg.newWorker()
			x := append([]float64(nil), phi...)
			b.Run(fmt.Sprintf("%dx%d/%v", L, L, m), func(b *testing.B) {
				// 10 steps per call: evolve's per-call force evaluation
				// is then amortised as in a run.
				for b.Loop() {
					w.evolve(x, 10, 0.01, rnd)
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(10*b.N*V), "ns/site")
			})
		}
	}
}
