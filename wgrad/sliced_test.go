// Copyright ©2026 The rgflow Authors. All rights reserved.

package wgrad

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"gonum.org/v1/gonum/mat"

	"rgflow/field"
	"rgflow/lattice"
)

func TestSlicedOneDimension(t *testing.T) {
	// In R¹ both unit directions are ±1 and W₂ is invariant under x ↦ −x,
	// so SW₂² is the exact 1-D W₂², weighted and with unequal sizes too.
	rnd := rand.New(rand.NewPCG(6, 1))
	x, y := otRandCloud(rnd, 37, 1, 0), otRandCloud(rnd, 52, 1, 0.4)
	s, err := NewSliced(1, 5, 1)
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.W2Sq(nil, x, y)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := Wasserstein1DPow(2, x.X, nil, y.X, nil)
	if math.Abs(got-want) > 1e-13*want {
		t.Errorf("uniform: SW₂² = %v, 1-D W₂² = %v", got, want)
	}
	x.W = make([]float64, 37)
	for i := range x.W {
		x.W[i] = 0.5 + rnd.Float64()
	}
	got, _ = s.W2Sq(nil, x, y)
	want, _ = Wasserstein1DPow(2, x.X, x.W, y.X, nil)
	if math.Abs(got-want) > 1e-13*want {
		t.Errorf("weighted: SW₂² = %v, 1-D W₂² = %v", got, want)
	}
	// SortedW2Sq is the quantile formula for sorted uniform samples.
	xs, ys := slices.Sorted(slices.Values(otRandCloud(rnd, 13, 1, 0).X)), slices.Sorted(slices.Values(otRandCloud(rnd, 8, 1, 0).X))
	q, _ := Wasserstein1DPow(2, xs, nil, ys, nil)
	if w := SortedW2Sq(xs, ys); math.Abs(w-q) > 1e-13*q {
		t.Errorf("SortedW2Sq = %v, Wasserstein1DPow = %v", w, q)
	}
}

func TestSlicedDirections(t *testing.T) {
	// Deterministic in the seed, unit length, and different seeds differ.
	a, _ := NewSliced(7, 10, 42)
	b, _ := NewSliced(7, 10, 42)
	c, _ := NewSliced(7, 10, 43)
	if !slices.Equal(a.dirs, b.dirs) || slices.Equal(a.dirs, c.dirs) {
		t.Error("directions are not a function of the seed")
	}
	for k := 0; k < a.Len(); k++ {
		n := 0.0
		for _, v := range a.Direction(k) {
			n += v * v
		}
		if math.Abs(n-1) > 1e-15 {
			t.Errorf("direction %d has squared norm %v", k, n)
		}
	}
	if _, err := NewSliced(0, 3, 1); err == nil {
		t.Error("dimension 0 accepted")
	}
	if _, err := SlicedOf(2, []float64{1, 0, 0, 0}); err == nil {
		t.Error("zero direction accepted")
	}
}

// otFreeCov returns the covariance matrix (−Δ + m²)⁻¹ of the free field on
// the periodic L×L lattice, built in real space from the nearest-neighbour
// Laplacian (sites row-major, last axis fastest), independently of
// package lattice's momenta and transforms.
func otFreeCov(L int, m2 float64) *mat.SymDense {
	V := L * L
	k := mat.NewSymDense(V, nil)
	for x0 := 0; x0 < L; x0++ {
		for x1 := 0; x1 < L; x1++ {
			i := x0*L + x1
			k.SetSym(i, i, 4+m2)
			for _, j := range []int{((x0+1)%L)*L + x1, x0*L + (x1+1)%L} {
				k.SetSym(i, j, k.At(i, j)-1)
			}
		}
	}
	var ch mat.Cholesky
	if !ch.Factorize(k) {
		panic("free precision not positive definite")
	}
	var c mat.SymDense
	ch.InverseTo(&c)
	return &c
}

// otSortedMoments returns, by Monte Carlo over reps pairs of independent
// standard normal samples z, w of size n, the mean and covariance of
// (S_zz, S_ww, S_zw) = (1/n)Σ (z_(i)², w_(i)², z_(i)w_(i)) over the order
// statistics. For projections of variances a², b² the sorted estimator is
// W₂² = a²S_zz + b²S_ww − 2ab·S_zw, so these moments give its exact mean
// (1-D bias 2ab·κ_n with κ_n = 1 − E S_zw) and variance for Gaussian data,
// from nothing but sorted normals.
func otSortedMoments(n, reps int, rnd *rand.Rand) (mean [3]float64, cov [3][3]float64) {
	z, w := make([]float64, n), make([]float64, n)
	samples := make([][3]float64, reps)
	for r := range samples {
		for i := range z {
			z[i], w[i] = rnd.NormFloat64(), rnd.NormFloat64()
		}
		slices.Sort(z)
		slices.Sort(w)
		var s [3]float64
		for i := range z {
			s[0] += z[i] * z[i]
			s[1] += w[i] * w[i]
			s[2] += z[i] * w[i]
		}
		for a := range s {
			s[a] /= float64(n)
			mean[a] += s[a] / float64(reps)
		}
		samples[r] = s
	}
	for _, s := range samples {
		for a := 0; a < 3; a++ {
			for b := 0; b < 3; b++ {
				cov[a][b] += (s[a] - mean[a]) * (s[b] - mean[b]) / float64(reps-1)
			}
		}
	}
	return mean, cov
}

// otSortedLaw returns the mean and variance of the 1-D sorted W₂²
// estimator between samples of N(0, va) and N(0, vb).
func otSortedLaw(va, vb float64, mean [3]float64, cov [3][3]float64) (float64, float64) {
	c := [3]float64{va, vb, -2 * math.Sqrt(va*vb)}
	m, v := 0.0, 0.0
	for a := 0; a < 3; a++ {
		m += c[a] * mean[a]
		for b := 0; b < 3; b++ {
			v += c[a] * cov[a][b] * c[b]
		}
	}
	return m, v
}

// otFreeEnsemble draws n exact samples of the free field.
func otFreeEnsemble(t *testing.T, l *lattice.Lattice, m2 float64, n int, seed uint64) *field.Ensemble {
	t.Helper()
	a, err := field.NewFree(l, m2)
	if err != nil {
		t.Fatal(err)
	}
	s, err := field.NewFreeSampler(a)
	if err != nil {
		t.Fatal(err)
	}
	e := field.NewEnsemble(l, n)
	rnd := rand.New(rand.NewPCG(seed, 11))
	for i := 0; i < n; i++ {
		s.Sample(e.Field(i), rnd)
	}
	return e
}

func TestFreeFieldW2Spectral(t *testing.T) {
	// W₂ between two free-field ensembles (m² = 0.5 and 2 on a periodic
	// 4×4 lattice) against the spectral closed form.
	const L, m2a, m2b = 4, 0.5, 2.0
	l := lattice.MustNew(L, L)
	V := l.Volume()
	k2 := l.HalfKHat2()
	ca, cb := make([]float64, len(k2)), make([]float64, len(k2))
	for j, v := range k2 {
		ca[j], cb[j] = 1/(v+m2a), 1/(v+m2b)
	}
	want := SpectralW2(ca, cb, l.HalfWeights())

	// 1. The spectral form is the Bures formula of the real-space
	// covariance matrices: two closed forms by independent routes
	// (momenta and half-spectrum weights against a dense eigensolver),
	// equal up to rounding.
	Ca, Cb := otFreeCov(L, m2a), otFreeCov(L, m2b)
	bures, err := BuresW2(Gaussian{Cov: Ca}, Gaussian{Cov: Cb})
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(bures-want) > 1e-10*want {
		t.Errorf("SpectralW2 = %.15g, Bures on real-space covariances = %.15g", want, bures)
	}

	// 2. Ensembles of n exact samples each. In an orthonormal eigenbasis of
	// the Laplacian both covariances are diagonal, so W₂² is the sum over
	// the V basis directions of 1-D W₂², and V·SW₂² over that basis
	// estimates it with 1-D accuracy. Per direction, for Gaussian data of
	// variances a², b², the sorted estimator a²S_zz + b²S_ww − 2ab·S_zw has
	// mean (a − b)² + 2ab·κ_n, κ_n = 1 − E S_zw (E S_zz = E S_ww = 1), and
	// a variance, both from the moments of sorted normals
	// (otSortedMoments, 300 Monte Carlo pairs: their error in the mean is
	// 6% of σ). Projections on the basis are independent, so the variances
	// add. We require |V·SW₂² − (closed form + bias)| < 4σ: a two-sided 4σ
	// rule, false alarm 6e-5.
	const n = 4000
	ea := otFreeEnsemble(t, l, m2a, n, 1)
	eb := otFreeEnsemble(t, l, m2b, n, 2)
	var eig mat.EigenSym
	if !eig.Factorize(Ca, true) { // any function of −Δ has its eigenvectors
		t.Fatal("eigendecomposition failed")
	}
	var vecs mat.Dense
	eig.VectorsTo(&vecs)
	basis := make([]float64, 0, V*V)
	for k := 0; k < V; k++ {
		for x := 0; x < V; x++ {
			basis = append(basis, vecs.At(x, k))
		}
	}
	s, err := SlicedOf(V, basis)
	if err != nil {
		t.Fatal(err)
	}
	sw, err := s.W2Sq(nil, EnsembleCloud(ea), EnsembleCloud(eb))
	if err != nil {
		t.Fatal(err)
	}
	got := float64(V) * sw
	mom, cov := otSortedMoments(n, 300, rand.New(rand.NewPCG(9, 9)))
	kappa := 1 - mom[2]
	exact, bias, variance := 0.0, 0.0, 0.0
	for k := 0; k < V; k++ {
		th := mat.NewVecDense(V, basis[k*V:(k+1)*V])
		va, vb := mat.Inner(th, Ca, th), mat.Inner(th, Cb, th)
		exact += otSq(math.Sqrt(va) - math.Sqrt(vb))
		bias += 2 * math.Sqrt(va*vb) * kappa
		_, v := otSortedLaw(va, vb, mom, cov)
		variance += v
	}
	// The basis sum of (a − b)² is the closed form again (rounding only).
	if math.Abs(exact-want) > 1e-10*want {
		t.Errorf("Σ over the eigenbasis of (a − b)² = %v, SpectralW2 = %v", exact, want)
	}
	sd := math.Sqrt(variance)
	if d := math.Abs(got - (want + bias)); d > 4*sd {
		t.Errorf("V·SW₂² over the Fourier basis = %v, closed form %v + 1-D bias %v = %v ± %v", got, want, bias, want+bias, sd)
	}
	t.Logf("W₂² closed form %.5f + bias %.5f (κ_n = %.2e); ensemble estimate %.5f ± %.5f", want, bias, kappa, got, sd)

	// 3. Random directions: each projection is a 1-D Gaussian pair with
	// variances θᵀCθ, so the same law holds per direction; directions share
	// samples, so the SD of their mean is bounded by the mean of their SDs.
	r, err := NewSliced(V, 24, 5)
	if err != nil {
		t.Fatal(err)
	}
	per := make([]float64, r.Len())
	sw, err = r.W2Sq(per, EnsembleCloud(ea), EnsembleCloud(eb))
	if err != nil {
		t.Fatal(err)
	}
	mean, sdBound := 0.0, 0.0
	for k := 0; k < r.Len(); k++ {
		th := mat.NewVecDense(V, slices.Clone(r.Direction(k)))
		m, v := otSortedLaw(mat.Inner(th, Ca, th), mat.Inner(th, Cb, th), mom, cov)
		mean += m / float64(r.Len())
		sdBound += math.Sqrt(v) / float64(r.Len())
	}
	if d := math.Abs(sw - mean); d > 4*sdBound {
		t.Errorf("SW₂² over random directions = %v, expected %v ± %v", sw, mean, sdBound)
	}
	t.Logf("SW₂² random directions %.5f, expected %.5f ± ≤%.5f", sw, mean, sdBound)
}
