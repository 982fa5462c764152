// Copyright ©2026 The rgflow Authors. All rights reserved.

package nn

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"rgflow/lattice"
)

// benchBody is the architecture of the PyTorch comparison (make bench-nn):
// four periodic 3×3 convolutions of 32 channels with SiLU and an additive
// time embedding.
func benchBody() Layer {
	return Seq(TimeConv(32, 3), SiLU(), TimeConv(32, 3), SiLU(), TimeConv(32, 3), SiLU(), Conv(1, 3))
}

var benchTime = TimeConfig{Dim: 32, Hidden: 32, Scale: 1000}

func BenchmarkTrainStep(b *testing.B) {
	for _, L := range []int{32, 64} {
		for _, workers := range []int{1, 2} {
			b.Run(fmt.Sprintf("L=%d/workers=%d", L, workers), func(b *testing.B) {
				l := lattice.MustNew(L, L)
				n, err := New(l, 1, benchBody(), Config{Time: benchTime, Workers: workers, Rand: rand.New(rand.NewPCG(1, 1))})
				if err != nil {
					b.Fatal(err)
				}
				defer n.Close()
				const B = 64
				r := rand.New(rand.NewPCG(2, 2))
				x := randVec(r, B*l.Volume(), 1)
				target := randVec(r, B*l.Volume(), 1)
				ts := make([]float64, B)
				for i := range ts {
					ts[i] = r.Float64()
				}
				opt, err := NewAdam(n.Params(), AdamConfig{Schedule: Schedule{LR: 1e-3}})
				if err != nil {
					b.Fatal(err)
				}
				y := make([]float32, len(x))
				dy := make([]float32, len(x))
				step := func() {
					n.Forward(y, x, ts)
					MSE(dy, y, target)
					n.ZeroGrad()
					n.Backward(nil, dy)
					opt.Update(n.Theta(), n.Grad())
				}
				step()
				b.ReportAllocs()
				b.ResetTimer()
				for range b.N {
					step()
				}
			})
		}
	}
}
