// Copyright ©2026 The rgflow Authors. All rights reserved.

package nn_test

import (
	"fmt"
	"math/rand/v2"

	"rgflow/generative/nn"
	"rgflow/lattice"
)

// A small score network on a 16×16 lattice: a spectral path plus a
// two-level convolutional U-Net, trained for a few steps to map fields to
// half their value.
func ExampleNew() {
	lat := lattice.MustNew(16, 16)
	body := nn.ScoreNet{Channels: 1, Width: 8, Kernel: 3, Blocks: 1, Levels: 2,
		Spectral: true, Knots: []float64{0, 0.5, 1}}
	net, err := nn.New(lat, 1, body, nn.Config{
		Time: nn.TimeConfig{Dim: 16, Hidden: 16, Scale: 100},
		Rand: rand.New(rand.NewPCG(1, 1)),
	})
	if err != nil {
		panic(err)
	}
	defer net.Close()
	for _, p := range net.Params()[:6] {
		fmt.Println(p.Name, p.Shape)
	}
	fmt.Println("parameters:", net.NumParams())

	opt, err := nn.NewAdam(net.Params(), nn.AdamConfig{Schedule: nn.Schedule{LR: 1e-2, Warmup: 5, Total: 50}})
	if err != nil {
		panic(err)
	}
	const B = 8
	r := rand.New(rand.NewPCG(2, 2))
	x := make([]float32, B*lat.Volume())
	target := make([]float32, len(x))
	t := make([]float64, B)
	var y, dy []float32
	var first, last float64
	for step := range 50 {
		for i := range x {
			x[i] = float32(r.NormFloat64())
			target[i] = x[i] / 2
		}
		for i := range t {
			t[i] = r.Float64()
		}
		y = net.Forward(y, x, t)
		var loss float64
		loss, dy = nn.MSE(dy, y, target)
		net.ZeroGrad()
		net.Backward(nil, dy)
		nn.ClipGradNorm(net.Grad(), 1)
		opt.Update(net.Theta(), net.Grad())
		if step == 0 {
			first = loss
		}
		last = loss
	}
	fmt.Printf("loss %.2f, fell more than 10-fold: %v\n", first, last < first/10)
	// Output:
	// time.fc1.weight [16 16]
	// time.fc1.bias [16]
	// time.fc2.weight [16 16]
	// time.fc2.bias [16]
	// 0.gain [1 41 3]
	// 1.0.weight [8 3 3 1]
	// parameters: 6004
	// loss 0.25, fell more than 10-fold: true
}
