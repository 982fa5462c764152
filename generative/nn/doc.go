// Copyright ©2026 The rgflow Authors. All rights reserved.

// Package nn holds the neural network of rgflow's learned scores: periodic
// convolutions on d-dimensional lattices, time conditioning, residual
// blocks, a multiscale path built on block-spin blocking, a spectral layer
// that holds the Gaussian part of a score exactly, and the optimiser that
// trains them — in Go, with float32 parameters and activations and the
// matrix products on OpenBLAS (gonum's blas32 over gonum.org/v1/netlib).
//
// Under the noblas build tag, or when cgo is disabled, the products run on
// gonum's pure-Go BLAS (gonum.org/v1/gonum/blas/gonum) instead, and the
// package needs no C library (make test-purego). Results then agree with
// OpenBLAS's to rounding, not bit for bit (they remain independent of the
// number of workers), and gonum spreads a large product over goroutines of
// its own, so a training step is slower and allocates.
//
// # Layout
//
// A batch of fields is one []float32, batch-major: sample b, channel c,
// site x at index (b·C + c)·V + x, with the sites of the lattice package's
// row-major order (last axis fastest) — PyTorch's NCHW for d = 2. Each
// sample carries a diffusion time t (float64), which the network sees
// through a sinusoidal embedding (TimeConfig) and the spectral layer's
// interpolation in t.
//
// # Layers
//
// Layers are descriptions; New binds one to a lattice and an input channel
// count, creates its parameters and lays out its memory. Every layer maps
// one sample's field to a field on the same lattice:
//
//	Conv(out, k), TimeConv(out, k)  periodic k^d convolution (+ time bias)
//	SiLU()                          x·σ(x), site by site
//	Seq(a, b, …)                    composition
//	Residual(f)                     x + f(x)
//	Sum(f, g, …)                    f(x) + g(x) + …
//	Identity()                      x
//	Coarse(f)                       U(f(D(x))): f on the 2^d-blocked lattice
//	Spectral(knots, g₀)             learned gain per momentum shell and time
//	ScoreNet{…}                     the default score architecture
//
// Convolutions are cross-correlations with circular padding, as PyTorch's
// Conv2d(padding_mode="circular"): y[o, x] = b[o] + Σ_{δ,i} W[o, δ, i]·x[i, x+δ],
// offsets δ ∈ {−r…r}^d (r = (k−1)/2) in row-major order, weight shape
// (Out, k, …, k, In). A time bias adds P·u, a learned projection of the
// time embedding u, per output channel.
//
// # The spectral layer and the Gaussian part of a score
//
// A Gaussian, translation-invariant data distribution has a score that is a
// per-mode linear map, −x̃_t(k)/G_t(k). SpectralLayer multiplies each
// channel's modes by a gain g_c(shell(k), t), piecewise linear in t between
// knots, through lattice.FFT (O(V log V) per channel). With one shell per
// distinct k̂² (DispersionShells, the default) and knots at the training
// times, it represents such a score exactly, so that in
// Sum(Spectral, convolutional path) the convolutions only learn the
// non-Gaussian rest. The gains are parameters like any other and can be
// set to a known spectrum through SetParams.
//
// # Multiscale path
//
// Coarse(f) averages every block of 2^d sites (the block-spin
// transformation with factor 2 on the torus: block X holds the sites 2X+δ,
// δ ∈ {0,1}^d), applies f on the coarse lattice and copies each coarse
// site back to its block. Inside Residual it is one level of a U-Net;
// nested, several levels. Every extent must be even at every level.
//
// # Translation equivariance
//
// Let T_a translate a field by a lattice vector a. Convolutions (with any
// kernel, time bias included), SiLU, Seq, Residual, Sum and Spectral
// commute with every T_a, so a network built from them satisfies
// N(T_a x) = T_a N(x) for all a. D and U commute with T_{2a} (a shift by 2a
// on the fine lattice is a shift by a on the coarse one) but not with odd
// shifts, so a network whose deepest Coarse nesting is ℓ levels is
// equivariant under the translations by multiples of 2^ℓ only. In floating
// point the equality holds up to summation order: OpenBLAS may sum a dot
// product in a different order for different output columns, and the
// spectral layer's float64 FFT of a shifted field differs from the shifted
// transform by rounding; TestEquivariance bounds both by 2⁻¹⁹ of the
// largest output (observed: exact for d ≥ 2 convolutions).
//
// # Training
//
//	y = net.Forward(y, x, t)            // keeps what Backward needs
//	loss, dy = nn.MSE(dy, y, target)    // or any loss: dy = ∂loss/∂y
//	net.ZeroGrad()
//	net.Backward(nil, dy)               // accumulates into net.Grad()
//	norm := nn.ClipGradNorm(net.Grad(), 1)
//	opt.Update(net.Theta(), net.Grad()) // opt, _ := nn.NewAdam(net.Params(), cfg)
//	ema.Update(net.Theta())             // ema, _ := nn.NewEMA(net.Params(), 0.999, true)
//
// Adam has bias correction, decoupled weight decay and a Schedule (linear
// warm-up, cosine decay). ClipGradNorm returns the norm before clipping; a
// NaN or infinite norm is returned untouched and must end the run (Finite,
// CheckFinite and Network.CheckFinite name the first bad tensor). Predict
// evaluates without keeping state; its memory does not grow with the
// batch. A Network allocates nothing per step once its buffers have grown
// to the batch size.
//
// # Parameters and checkpoints
//
// All parameters live in one flat float32 vector (Theta), gradients in one
// of the same layout (Grad). Params returns named views (name, shape, data)
// — "time.fc1.weight", "1.2.0.1.weight", … — and SetParams loads a set back
// by name, refusing one that does not match the architecture exactly (and
// leaving the network untouched). Adam.State ("adam.m/…", "adam.v/…" and
// the step count) and EMA.State ("ema/…" and the update count) work the
// same way; restoring the three resumes training bit for bit.
//
// # Threads
//
// A Network cuts each batch into Config.Chunks chunks (8 by default) and
// runs them on Config.Workers goroutines (GOMAXPROCS by default) of a
// persistent pool; each sample passes through the whole network on one
// goroutine, which keeps its activations in cache. Each matrix product runs
// on one thread: the package sets OpenBLAS's pool to one thread when it is
// loaded, because nested pools would oversubscribe the cores, and because
// the products of one sample (32×32 by 32×1024 for the benchmark) are too
// small for a thread team (make bench-nn ARGS=-blas-threads compares the
// two arrangements; docs/performance.md). OPENBLAS_NUM_THREADS therefore
// has no effect on nn; SetBLASThreads overrides it (for one worker).
// Gradients are summed sample by sample inside a chunk and chunk by chunk
// in a fixed order, so results are bit-identical for any number of workers
// (they depend on Chunks).
//
// # Numerics
//
// Parameters, activations and gradients are float32; bias, loss and norm
// sums are accumulated in float64, Adam's update is computed in float64,
// and the spectral layer transforms in float64. SiLU uses a float32 exp
// (Cephes' expf, within 1 ulp; AVX2 assembly with a pure-Go fallback under
// the noasm build tag, internal/kernel). The tests check every layer's
// forward map and gradients against an independent float64 implementation
// (naive sums, math.Exp, a direct O(V²) Fourier sum) by central
// differences, to 2·10⁻⁴ of the largest gradient entry (float32
// accumulation over at most a few hundred terms).
//
// # Errors
//
// Shape mismatches are programmer errors and panic with an "nn:" prefix;
// invalid settings are returned as errors naming the setting, its value and
// what is allowed.
package nn
