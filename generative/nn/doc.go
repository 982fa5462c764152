// Copyright ©2026 The rgflow Authors. All rights reserved.

// Package nn is the neural network of rgflow's learned scores: periodic
// convolutions on d-dimensional lattices, time conditioning, residual
// blocks, a multiscale path and the optimiser that trains them, in Go with
// float32 matrix products on OpenBLAS.
//
// # Layout
//
// A batch of fields is one []float32, batch-major: sample b, channel c,
// site x at index (b·C + c)·V + x, sites row-major with the last axis
// fastest (the lattice package's order) — PyTorch's NCHW for d = 2. Each
// sample carries a diffusion time t (float64).
//
// # Building a network
//
// Layers are descriptions (Conv, TimeConv, SiLU, Seq, Residual, Sum,
// Identity, …); New binds one to a lattice and an input channel count,
// creates the parameters (drawn from Config.Rand) and lays out memory:
//
//	body := nn.Seq(nn.TimeConv(32, 3), nn.SiLU(), nn.Conv(1, 3))
//	net, err := nn.New(lat, 1, body, nn.Config{
//		Time: nn.TimeConfig{Dim: 32, Hidden: 32, Scale: 1000},
//		Rand: rng.NewRand(seed, rng.StageTrain),
//	})
//
// # Training step
//
//	y := net.Forward(y, x, t)          // keeps what Backward needs
//	loss, dy := nn.MSE(dy, y, target)  // or any loss: dy = ∂loss/∂y
//	net.ZeroGrad()
//	net.Backward(nil, dy)              // accumulates into net.Grad()
//	nn.ClipGradNorm(net.Grad(), 1)
//	opt.Update(net.Theta(), net.Grad()) // opt from NewAdam(net.Params(), …)
//	ema.Update(net.Theta())
//
// Predict evaluates without keeping state for Backward.
//
// # Parameters as named tensors
//
// All parameters live in one flat float32 vector (Theta); Params returns
// named views (name, shape, data) — "0.weight", "time.fc1.bias", … — and
// SetParams loads them back by name, refusing a set that does not match the
// architecture exactly. The optimiser (Adam.State) and the weight average
// (EMA.State) expose their state the same way, so a checkpoint of the three
// resumes training bit for bit.
//
// # Threads
//
// A Network splits each batch into Config.Chunks chunks (8 by default) and
// runs them on Config.Workers goroutines (GOMAXPROCS by default); every
// sample goes through the whole network on one goroutine, which keeps its
// activations in cache. Each matrix product runs on one thread: the package
// sets OpenBLAS's pool to one thread when it is loaded, so that its
// goroutines do not oversubscribe the cores (OPENBLAS_NUM_THREADS has no
// effect on it; SetBLASThreads overrides, for use with one worker).
// Gradients are summed sample by sample within a chunk and chunk by chunk
// in a fixed order, so results are bit-identical for any number of workers
// (they depend on Chunks).
//
// # Errors
//
// Shape mismatches are programmer errors and panic with an "nn:" prefix;
// invalid settings are returned as errors naming the setting. Training
// code must check for divergence: Finite, CheckFinite and
// Network.CheckFinite report NaN and ±Inf by tensor name.
package nn
