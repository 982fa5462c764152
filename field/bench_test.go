// Copyright ©2026 The rgflow Authors. All rights reserved.

package field

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"rgflow/lattice"
)

// Side-by-side comparison with C lives in
// field/internal/forcebench/cmd/forcebench (make bench-field); these
// benchmarks track the Go paths alone.

func BenchmarkForce(b *testing.B) {
	for _, dims := range [][]int{{256, 256}, {1024, 1024}, {32, 32, 32}, {8, 8, 8, 8}} {
		l := lattice.MustNew(dims...)
		a, err := NewPhi4(l, ContinuumParams{M2: -1, G: 1})
		if err != nil {
			b.Fatal(err)
		}
		phi := randomField(l.Volume(), rand.New(rand.NewPCG(1, 1)))
		f := make([]float64, l.Volume())
		b.Run(fmt.Sprint(dims), func(b *testing.B) {
			for b.Loop() {
				a.Force(f, phi)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*l.Volume()), "ns/site")
		})
	}
}

func BenchmarkTrajectory(b *testing.B) {
	for _, fa := range []bool{false, true} {
		l := lattice.MustNew(64, 64)
		a, err := NewPhi4Hopping(l, HoppingParams{Kappa: 0.342, Lambda: 0.5})
		if err != nil {
			b.Fatal(err)
		}
		h, err := NewHMC(a, HMCConfig{Integrator: Omelyan, StepSize: 0.2, FourierAccel: fa, FourierMass2: 0.1})
		if err != nil {
			b.Fatal(err)
		}
		rnd := rand.New(rand.NewPCG(1, 1))
		phi := make([]float64, l.Volume())
		b.Run(fmt.Sprintf("64x64/FA=%v", fa), func(b *testing.B) {
			for b.Loop() {
				h.Trajectory(phi, rnd)
			}
		})
	}
}
