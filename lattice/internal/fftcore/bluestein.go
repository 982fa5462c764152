// Copyright ©2026 The rgflow Authors. All rights reserved.

package fftcore

// bluestein computes a DFT of length n with a large prime factor as a
// circular convolution of length m (a power of two ≥ 2n−1). With the chirp
// b_j = e^{−iπj²/n} and jk = (j² + k² − (k−j)²)/2,
//
//	X_k = b_k Σ_j (x_j b_j) conj(b_{k−j}),
//
// and the convolution with conj(b) is done by two power-of-two transforms
// and a pointwise product with the precomputed transform of conj(b).
type bluestein struct {
	n, m  int
	inner *Plan
	// chirp[j] = b_j (forward) and its conjugate (inverse).
	chirp, chirpi []complex128
	// kern = FFT_m(conj b)/m for the forward direction, and FFT_m(b)/m
	// for the inverse.
	kern, kerni []complex128
}

func newBluestein(n int) *bluestein {
	m := 1
	for m < 2*n-1 {
		m *= 2
	}
	b := &bluestein{n: n, m: m, inner: New(m)}
	b.chirp = make([]complex128, n)
	b.chirpi = make([]complex128, n)
	for j := 0; j < n; j++ {
		// e^{−iπj²/n} = e^{−2πi (j² mod 2n)/(2n)}.
		j2 := (j * j) % (2 * n)
		b.chirp[j] = expi(-j2, 2*n)
		b.chirpi[j] = conj(b.chirp[j])
	}
	b.kern = b.kernel(b.chirpi)
	b.kerni = b.kernel(b.chirp)
	return b
}

// kernel returns FFT_m(c)/m of the circular sequence c_j for |j| < n.
func (b *bluestein) kernel(c []complex128) []complex128 {
	k := make([]complex128, b.m)
	k[0] = c[0]
	for j := 1; j < b.n; j++ {
		k[j] = c[j]
		k[b.m-j] = c[j]
	}
	tmp := make([]complex128, b.m)
	res := b.inner.TransformCompact(k, tmp, 1, false)
	out := make([]complex128, b.m)
	s := 1 / float64(b.m)
	for i, v := range res {
		out[i] = complex(s*real(v), s*imag(v))
	}
	return out
}

// transform is Plan.Transform for Bluestein plans. The input rows may be
// the first n compact rows of a itself (stride c).
func (b *bluestein) transform(out []complex128, os int, in []complex128, is int, c int, a, bb []complex128, inv bool) {
	chirp, kern := b.chirp, b.kern
	if inv {
		chirp, kern = b.chirpi, b.kerni
	}
	n, m := b.n, b.m
	for j := 0; j < n; j++ {
		w := chirp[j]
		src := in[j*is : j*is+c]
		dst := a[j*c : j*c+c]
		for t, v := range src {
			dst[t] = v * w
		}
	}
	clear(a[n*c : m*c])
	r := b.inner.TransformCompact(a, bb, c, false)
	for k := 0; k < m; k++ {
		w := kern[k]
		row := r[k*c : k*c+c]
		for t, v := range row {
			row[t] = v * w
		}
	}
	other := a
	if &r[0] == &a[0] {
		other = bb
	}
	r = b.inner.TransformCompact(r, other, c, true)
	for k := 0; k < n; k++ {
		w := chirp[k]
		src := r[k*c : k*c+c]
		dst := out[k*os : k*os+c]
		for t, v := range src {
			dst[t] = v * w
		}
	}
}
