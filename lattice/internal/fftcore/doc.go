// Copyright ©2026 The rgflow Authors. All rights reserved.

// Package fftcore holds the one-dimensional complex DFT engine beneath the
// lattice transforms.
//
// # Vector transforms
//
// A Plan of length n transforms "vectors": n rows of c complex numbers each,
// row j at offset j·stride of a slice, the DFT taken along the row index for
// every one of the c columns at once,
//
//	out_k[t] = Σ_j in_j[t] e^{∓2πijk/n},   t = 0…c−1,
//
// with − for the forward and + for the (unnormalised) inverse direction.
// Along a non-last axis of a row-major array the rows are contiguous runs
// of the array itself, so every butterfly is a long contiguous loop with one
// twiddle factor, with no gather or scatter. The last axis is brought into
// that form by transposing a tile of rows into a compact buffer.
//
// # Algorithm
//
// n is factored into radices 8, 4, 2, 3, 5 and other primes (eights first;
// two fours rather than an eight and a two). Each factor is one
// Stockham autosort pass (decimation in frequency, out of place, no bit
// reversal): a pass of radix r with s rows per run reads rows
// q + s(p + j·n_r) and writes rows q + s(r·p + k), multiplying output k by
// the twiddle e^{∓2πipk/n_cur}. The first pass reads the caller's rows, the
// middle passes ping-pong between two compact scratch buffers, and the last
// pass writes the caller's rows, so the caller's array is touched once in
// and once out per axis. Prime factors up to MaxGenericRadix use a direct
// O(r²) butterfly; a length with a larger prime factor is done by
// Bluestein's chirp-z algorithm on a power-of-two convolution.
//
// A pass is one kernel call over every block of rows: for a pass of
// radix r the kernel loops over the butterflies p, and for each over a run
// of contiguous columns with one set of twiddles. When a run is a single
// column (the first pass of a contiguous row), the radix-4 and radix-8
// kernels instead vectorise across two neighbouring butterflies.
//
// # Kernels
//
// On amd64 with AVX2 and FMA (detected at start-up) the radix-2, 3, 4, 5
// and 8 passes and Untangle run in assembly (kernels_amd64.s), two
// complex128 values per YMM register; complex products use one permute, one multiply and one fused
// multiply-add-subtract. The portable Go kernels run elsewhere and under the
// noasm build tag, and TestPassesAgainstPortable and
// TestUntangleAgainstPortable check the two against each other. The assembly does no bounds checks: its Go wrappers check the
// extent of every pass first.
//
// Plans are immutable after construction and safe for concurrent use;
// callers own the scratch buffers.
package fftcore
