// Copyright ©2026 The rgflow Authors. All rights reserved.

package lattice

import "math"

// Momentum writes the lattice momentum k_μ = 2πn_μ/L_μ of the mode with
// integer labels n into dst and returns it. Each n_μ is first folded into the
// symmetric Brillouin zone −L_μ/2 < n_μ ≤ L_μ/2, so that |k_μ| ≤ π.
// If dst is nil a new slice is allocated.
func (l *Lattice) Momentum(dst []float64, n []int) []float64 {
	if len(n) != len(l.dims) {
		panic("lattice: mode label length mismatch")
	}
	if dst == nil {
		dst = make([]float64, len(l.dims))
	} else if len(dst) != len(l.dims) {
		panic("lattice: momentum length mismatch")
	}
	for mu, L := range l.dims {
		dst[mu] = 2 * math.Pi * float64(FoldMode(n[mu], L)) / float64(L)
	}
	return dst
}

// FoldMode returns the representative of n modulo L in (−L/2, L/2].
func FoldMode(n, L int) int {
	n %= L
	if n < 0 {
		n += L
	}
	if 2*n > L {
		n -= L
	}
	return n
}

// KHat2 returns the lattice dispersion k̂² = Σ_μ 4 sin²(k_μ/2) of the mode
// with labels n (k_μ = 2πn_μ/L_μ). It is the eigenvalue of −Δ, the negative
// nearest-neighbour lattice Laplacian, on the plane wave e^{ik·x}.
func (l *Lattice) KHat2(n []int) float64 {
	if len(n) != len(l.dims) {
		panic("lattice: mode label length mismatch")
	}
	s := 0.0
	for mu, L := range l.dims {
		s += khat2Axis(n[mu], L)
	}
	return s
}

func khat2Axis(n, L int) float64 {
	x := math.Sin(math.Pi * float64(n) / float64(L))
	return 4 * x * x
}

// FullKHat2 returns k̂² for every mode of the full spectrum, in the same
// row-major order as the sites (mode labels n_μ = 0…L_μ−1).
func (l *Lattice) FullKHat2() []float64 {
	out := make([]float64, l.volume)
	n := make([]int, len(l.dims))
	for i := range out {
		l.Coords(n, i)
		out[i] = l.KHat2(n)
	}
	return out
}

// HalfDims returns the shape (L₁, …, L_{d−1}, ⌊L_d/2⌋+1) of the half spectrum
// produced by the real-to-complex transform: the last axis keeps the
// non-negative mode labels only, the rest follow from Hermitian symmetry
// φ̃_{−k} = conj(φ̃_k).
func (l *Lattice) HalfDims() []int {
	h := l.Dims()
	h[len(h)-1] = h[len(h)-1]/2 + 1
	return h
}

// HalfLen returns the number of modes in the half spectrum, ∏ HalfDims().
func (l *Lattice) HalfLen() int {
	last := l.dims[len(l.dims)-1]
	return l.volume / last * (last/2 + 1)
}

// HalfMode writes the mode labels n (each in 0…L_μ−1) of the half-spectrum
// entry j into dst and returns it. If dst is nil a new slice is allocated.
func (l *Lattice) HalfMode(dst []int, j int) []int {
	if j < 0 || j >= l.HalfLen() {
		panic("lattice: half-spectrum index out of range")
	}
	if dst == nil {
		dst = make([]int, len(l.dims))
	} else if len(dst) != len(l.dims) {
		panic("lattice: mode label length mismatch")
	}
	d := len(l.dims)
	h := l.dims[d-1]/2 + 1
	dst[d-1] = j % h
	j /= h
	for mu := d - 2; mu >= 0; mu-- {
		dst[mu] = j % l.dims[mu]
		j /= l.dims[mu]
	}
	return dst
}

// HalfIndex returns the half-spectrum index of the mode with labels n, which
// must lie in the stored half (0 ≤ n_d ≤ L_d/2 after reduction modulo L_μ).
// It reports false if the mode is not stored (its conjugate is).
func (l *Lattice) HalfIndex(n []int) (int, bool) {
	d := len(l.dims)
	h := l.dims[d-1]/2 + 1
	j := 0
	for mu := 0; mu < d; mu++ {
		c := n[mu] % l.dims[mu]
		if c < 0 {
			c += l.dims[mu]
		}
		if mu == d-1 {
			if c >= h {
				return 0, false
			}
			j = j*h + c
		} else {
			j = j*l.dims[mu] + c
		}
	}
	return j, true
}

// HalfKHat2 returns k̂² for every entry of the half spectrum.
func (l *Lattice) HalfKHat2() []float64 {
	out := make([]float64, l.HalfLen())
	n := make([]int, len(l.dims))
	for j := range out {
		l.HalfMode(n, j)
		out[j] = l.KHat2(n)
	}
	return out
}

// HalfWeights returns, for every entry of the half spectrum, the number of
// modes of the full spectrum it stands for: 1 when the mode is its own
// conjugate along the last axis (n_d = 0, or n_d = L_d/2 for even L_d), 2
// otherwise. A sum over all V modes of a function of |φ̃_k|² equals the
// weighted sum over the half spectrum.
func (l *Lattice) HalfWeights() []float64 {
	out := make([]float64, l.HalfLen())
	d := len(l.dims)
	L := l.dims[d-1]
	h := L/2 + 1
	for j := range out {
		c := j % h
		if c == 0 || 2*c == L {
			out[j] = 1
		} else {
			out[j] = 2
		}
	}
	return out
}

// DCTKHat2 returns the dispersion of the open-boundary (Neumann) lattice
// Laplacian on the DCT-II grid, in row-major order over the mode labels
// n_μ = 0…L_μ−1: k_μ = πn_μ/L_μ and k̂² = Σ_μ 4 sin²(k_μ/2). The DCT-II
// basis vectors cos(πn(x+½)/L) are the eigenvectors of the Laplacian with
// reflecting ends, with these eigenvalues.
func (l *Lattice) DCTKHat2() []float64 {
	out := make([]float64, l.volume)
	n := make([]int, len(l.dims))
	for i := range out {
		l.Coords(n, i)
		s := 0.0
		for mu, L := range l.dims {
			x := math.Sin(math.Pi * float64(n[mu]) / float64(2*L))
			s += 4 * x * x
		}
		out[i] = s
	}
	return out
}

// DCTMomentum writes the DCT-grid momentum k_μ = πn_μ/L_μ of the mode with
// labels n (0 ≤ n_μ < L_μ) into dst and returns it.
func (l *Lattice) DCTMomentum(dst []float64, n []int) []float64 {
	if dst == nil {
		dst = make([]float64, len(l.dims))
	}
	for mu, L := range l.dims {
		dst[mu] = math.Pi * float64(n[mu]) / float64(L)
	}
	return dst
}

// HalfConjugate returns, for every entry j of the half spectrum, the entry
// holding its conjugate mode −n: j itself for self-conjugate modes (every
// n_μ ≡ −n_μ mod L_μ, whose coefficients are real for real fields), another
// entry for the pairs that both lie in the stored half (n_d = 0, or
// n_d = L_d/2 for even L_d), and −1 when the conjugate is not stored. Code
// that writes a half spectrum mode by mode (noise, say) must keep paired
// entries conjugate to represent a real field.
func (l *Lattice) HalfConjugate() []int {
	out := make([]int, l.HalfLen())
	n := make([]int, len(l.dims))
	for j := range out {
		l.HalfMode(n, j)
		for mu := range n {
			n[mu] = -n[mu]
		}
		if c, ok := l.HalfIndex(n); ok {
			out[j] = c
		} else {
			out[j] = -1
		}
	}
	return out
}

// DCTNorms returns, for every DCT-II mode in row-major order, the variance
// of the unnormalised coefficient X_n of unit white noise:
// Σ_x ∏_μ cos²(πn_μ(x_μ+½)/L_μ) = ∏_μ (L_μ if n_μ = 0, else L_μ/2).
// A field whose covariance operator has eigenvalue C_n on DCT mode n has
// ⟨X_n²⟩ = DCTNorms[n]·C_n, the analogue of ⟨|φ̃_k|²⟩ = V·C(k).
func (l *Lattice) DCTNorms() []float64 {
	out := make([]float64, l.volume)
	n := make([]int, len(l.dims))
	for i := range out {
		l.Coords(n, i)
		v := 1.0
		for mu, L := range l.dims {
			if n[mu] == 0 {
				v *= float64(L)
			} else {
				v *= float64(L) / 2
			}
		}
		out[i] = v
	}
	return out
}
