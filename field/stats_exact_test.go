// Copyright ©2026 The rgflow Authors. All rights reserved.

package field

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"
)

// wolffReplicas is a literal implementation of the Γ-method's window and
// error for several replicas of one projected series (Wolff, Comput. Phys.
// Commun. 156 (2004) 143, eq. (31) for R replicas: Γ(t) = Σ_r Σ_i
// δ_{r,i} δ_{r,i+t} / (N − R t)), with the mean over all replicas and the
// window capped at half the shortest replica (converged reports whether
// the criterion was met before the cap).
func wolffReplicas(reps [][]float64, S float64) (W int, tauInt, err float64, converged bool) {
	N, minLen := 0, math.MaxInt
	mean := 0.0
	for _, x := range reps {
		N += len(x)
		minLen = min(minLen, len(x))
		for _, v := range x {
			mean += v
		}
	}
	mean /= float64(N)
	R := len(reps)
	gamma := func(t int) float64 {
		s := 0.0
		for _, x := range reps {
			for i := 0; i+t < len(x); i++ {
				s += (x[i] - mean) * (x[i+t] - mean)
			}
		}
		return s / float64(N-R*t)
	}
	g0 := gamma(0)
	W = minLen / 2
	for w := 1; w <= minLen/2; w++ {
		c := g0
		for t := 1; t <= w; t++ {
			c += 2 * gamma(t)
		}
		ti := c / (2 * g0)
		tau := 1e-6
		if ti > 0.5 {
			tau = S / math.Log((2*ti+1)/(2*ti-1))
		}
		if math.Exp(-float64(w)/tau)-tau/math.Sqrt(float64(w*N)) < 0 {
			W, converged = w, true
			break
		}
	}
	c := g0
	for t := 1; t <= W; t++ {
		c += 2 * gamma(t)
	}
	shift := c / float64(N)
	c += float64(2*W+1) * shift
	return W, c / (2 * (g0 + shift)), math.Sqrt(c / float64(N)), converged
}

// TestGammaReplicasOfUnequalLength checks the window, τ_int, the error and
// the errors of both against the literal implementation for replicas of
// different lengths, for the mean and for a product of two primaries
// (whose linearisation, by central differences, is exact: F = m₀m₁ has
// δF = m₁δa₀ + m₀δa₁), with S ≤ 0 meaning DefaultS.
func TestGammaReplicasOfUnequalLength(t *testing.T) {
	rnd := rand.New(rand.NewPCG(7, 8))
	lens := []int{900, 1300, 700}
	var xs, ys [][]float64
	for _, n := range lens {
		x, y := make([]float64, n), make([]float64, n)
		for i := 1; i < n; i++ {
			x[i] = 0.8*x[i-1] + rnd.NormFloat64()
			y[i] = 0.3*y[i-1] + rnd.NormFloat64() + 0.5*x[i]
		}
		for i := range x {
			x[i] += 2
			y[i] += 5
		}
		xs, ys = append(xs, x), append(ys, y)
	}
	N := 0
	mx, my := 0.0, 0.0
	for r := range xs {
		N += len(xs[r])
		for i := range xs[r] {
			mx += xs[r][i]
			my += ys[r][i]
		}
	}
	mx /= float64(N)
	my /= float64(N)
	proj := make([][]float64, len(xs))
	var mean, prod [][][]float64
	for r := range xs {
		proj[r] = make([]float64, len(xs[r]))
		for i := range xs[r] {
			proj[r][i] = my*xs[r][i] + mx*ys[r][i]
		}
		mean = append(mean, [][]float64{xs[r]})
		prod = append(prod, [][]float64{xs[r], ys[r]})
	}
	for _, c := range []struct {
		name  string
		f     func([]float64) float64
		reps  [][][]float64
		ref   [][]float64
		value float64
	}{
		{"mean", nil, mean, xs, mx},
		{"product", func(m []float64) float64 { return m[0] * m[1] }, prod, proj, mx * my},
	} {
		for _, S := range []float64{0, 1, 2} {
			Sref := S
			if Sref <= 0 {
				Sref = DefaultS
			}
			W, tau, e, conv := wolffReplicas(c.ref, Sref)
			got, err := Gamma(c.f, S, c.reps...)
			if err != nil || !conv {
				t.Fatalf("%s S=%g: %v (reference converged: %v)", c.name, S, err, conv)
			}
			if got.N != N || got.Window != W || math.Abs(got.Value-c.value) > 1e-12*math.Abs(c.value) {
				t.Errorf("%s S=%g: N %d window %d value %v, want %d %d %v", c.name, S, got.N, got.Window, got.Value, N, W, c.value)
			}
			if !(math.Abs(got.TauInt-tau) <= 1e-9*tau && math.Abs(got.Err-e) <= 1e-9*e) {
				t.Errorf("%s S=%g: τ_int %.15g err %.15g, reference %.15g %.15g", c.name, S, got.TauInt, got.Err, tau, e)
			}
			checkErrErrs(t, c.name, got)
		}
	}
}

// checkErrErrs checks Wolff's eqs. (42) and (50) for the statistical
// errors of the error and of τ_int: δσ = σ√((W+½)/N), δτ = 2τ√((W+½−τ)/N).
func checkErrErrs(t *testing.T, name string, e Estimate) {
	t.Helper()
	W, N := float64(e.Window), float64(e.N)
	if want := e.Err * math.Sqrt((W+0.5)/N); !(math.Abs(e.ErrErr-want) <= 1e-12*want) {
		t.Errorf("%s: ErrErr %v, want %v", name, e.ErrErr, want)
	}
	if want := 2 * e.TauInt * math.Sqrt(math.Max(W+0.5-e.TauInt, 0)/N); !(math.Abs(e.TauIntErr-want) <= 1e-12*want) {
		t.Errorf("%s: TauIntErr %v, want %v", name, e.TauIntErr, want)
	}
}

// TestGammaShortSeries: the window is capped at half the shortest
// replica. Beside a long, slowly decorrelating chain (AR(1), ρ = 0.95), a
// replica of 4 or 5 values caps it at 2, where Wolff's criterion is not yet
// met: Gamma returns ErrShortSeries with the estimate at the cap, which must
// equal the literal implementation's at that window.
func TestGammaShortSeries(t *testing.T) {
	rnd := rand.New(rand.NewPCG(13, 14))
	long := make([]float64, 10000)
	for i := 1; i < len(long); i++ {
		long[i] = 0.95*long[i-1] + rnd.NormFloat64()
	}
	for _, n := range []int{4, 5} {
		short := long[:n]
		got, err := Gamma(nil, DefaultS, [][]float64{long}, [][]float64{short})
		W, tau, e, conv := wolffReplicas([][]float64{long, short}, DefaultS)
		if conv {
			t.Fatalf("n = %d: the reference window converged; the test needs one that does not", n)
		}
		if !errors.Is(err, ErrShortSeries) {
			t.Errorf("n = %d: error %v, want ErrShortSeries", n, err)
		}
		if got.Window != n/2 || W != n/2 {
			t.Errorf("n = %d: window %d (reference %d), want %d", n, got.Window, W, n/2)
		}
		if !(math.Abs(got.Err-e) <= 1e-9*e && math.Abs(got.TauInt-tau) <= 1e-9*tau) {
			t.Errorf("n = %d: err %v τ_int %v, reference %v %v", n, got.Err, got.TauInt, e, tau)
		}
		checkErrErrs(t, "short", got)
	}
}

// TestGammaRejectsRaggedInput: replicas with different numbers of
// primaries, or primaries of different lengths within a replica, are
// errors; replicas of different lengths are not.
func TestGammaRejectsRaggedInput(t *testing.T) {
	f := func(m []float64) float64 { return m[0] + m[1] }
	if _, err := Gamma(f, 0, [][]float64{{1, 2, 3}, {1, 2, 3}}, [][]float64{{1, 2, 3}}); err == nil {
		t.Error("replicas with 2 and 1 primaries: want error")
	}
	if _, err := Gamma(f, 0, [][]float64{{1, 2, 3}, {1, 2}}); err == nil {
		t.Error("primaries of lengths 3 and 2: want error")
	}
	if _, err := Gamma(nil, 0, [][]float64{}); err == nil {
		t.Error("no primaries: want error")
	}
	if _, err := Gamma(nil, 0, [][]float64{{1, 2, 4}}, [][]float64{{1}}); err == nil {
		t.Error("a replica of one value: want error")
	}
	if _, err := Gamma(nil, 0, [][]float64{{1, 2, 4, 3}}, [][]float64{{1, 5}}); err != nil && !errors.Is(err, ErrShortSeries) {
		t.Errorf("replicas of lengths 4 and 2: %v", err)
	}
}

// TestJackknifeExact checks the jackknife against closed forms: for the
// mean, the value is the mean of the bin means (the bias correction
// vanishes); for the square of the mean, the bias-corrected value is
// x̄² − s²/B with s² the sample variance of the B bin means, the unbiased
// estimator of μ²; values past the last whole bin are dropped.
func TestJackknifeExact(t *testing.T) {
	rnd := rand.New(rand.NewPCG(9, 10))
	const B, size = 7, 13
	x := make([]float64, B*size+5) // 5 values past the last bin
	for i := range x {
		x[i] = rnd.NormFloat64() + 1
	}
	for i := B * size; i < len(x); i++ {
		x[i] = 1e6
	}
	bm := make([]float64, B)
	for b := range bm {
		for i := b * size; i < (b+1)*size; i++ {
			bm[b] += x[i] / size
		}
	}
	xbar, s2 := 0.0, 0.0
	for _, v := range bm {
		xbar += v / B
	}
	for _, v := range bm {
		s2 += (v - xbar) * (v - xbar) / (B - 1)
	}
	data := [][]float64{x}
	v, e, err := Jackknife(func(m []float64) float64 { return m[0] }, B, data)
	if err != nil {
		t.Fatal(err)
	}
	if !(math.Abs(v-xbar) <= 1e-13) || !(math.Abs(e-math.Sqrt(s2/B)) <= 1e-13) {
		t.Errorf("mean: %v ± %v, want %v ± %v", v, e, xbar, math.Sqrt(s2/B))
	}
	v, _, err = Jackknife(func(m []float64) float64 { return m[0] * m[0] }, B, data)
	if err != nil {
		t.Fatal(err)
	}
	if want := xbar*xbar - s2/B; !(math.Abs(v-want) <= 1e-12) {
		t.Errorf("square of the mean: %.15g, want x̄² − s²/B = %.15g", v, want)
	}
	// The extreme bin counts: 2, and one value per bin, where the
	// jackknife error of the mean is the plain standard error √(s²/n).
	for _, nb := range []int{2, len(x)} {
		bm, vm := 0.0, 0.0
		size := len(x) / nb
		for i := 0; i < nb*size; i++ {
			bm += x[i] / float64(nb*size)
		}
		for b := 0; b < nb; b++ {
			m := 0.0
			for i := b * size; i < (b+1)*size; i++ {
				m += x[i] / float64(size)
			}
			vm += (m - bm) * (m - bm) / float64(nb-1)
		}
		v, e, err := Jackknife(func(m []float64) float64 { return m[0] }, nb, data)
		if err != nil || !(math.Abs(v-bm) <= 1e-9) || !(math.Abs(e-math.Sqrt(vm/float64(nb))) <= 1e-9*e) {
			t.Errorf("%d bins: %v ± %v, %v; want %v ± %v", nb, v, e, err, bm, math.Sqrt(vm/float64(nb)))
		}
	}
	for _, nb := range []int{1, len(x) + 1} {
		if _, _, err := Jackknife(func(m []float64) float64 { return m[0] }, nb, data); err == nil {
			t.Errorf("%d bins of %d values: want error", nb, len(x))
		}
	}
	if _, _, err := Jackknife(func(m []float64) float64 { return m[0] }, 2, [][]float64{{1, 2}, {1}}); err == nil {
		t.Error("primaries of lengths 2 and 1: want error")
	}
	if _, _, err := Jackknife(func(m []float64) float64 { return 0 }, 2, nil); err == nil {
		t.Error("no primaries: want error")
	}
}

// TestBootstrapMean: the bootstrap variance of the mean of B blocks drawn
// with replacement is σ_b²/B, σ_b² the population variance of the block
// means; 40 000 resamples estimate it to ≈ 0.7% (relative error of a
// variance, √(2/n)), checked to 4%. The value is the full-sample mean of
// the whole blocks, and identical blocks give zero error.
func TestBootstrapMean(t *testing.T) {
	x := []float64{1, 2, 3, 4, 10, 11, 12, 13, 5, 5, 5, 5, 99}
	const B = 3 // blocks of 4; the trailing 99 is dropped
	bm := []float64{2.5, 11.5, 5}
	mean, pv := 0.0, 0.0
	for _, v := range bm {
		mean += v / B
	}
	for _, v := range bm {
		pv += (v - mean) * (v - mean) / B
	}
	want := math.Sqrt(pv / B)
	v, e, err := Bootstrap(func(m []float64) float64 { return m[0] }, B, 40000, [][]float64{x}, rand.New(rand.NewPCG(11, 12)))
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(v-mean) > 1e-12 || math.Abs(e*e/(want*want)-1) > 0.04 {
		t.Errorf("bootstrap: %v ± %v, want %v ± %v", v, e, mean, want)
	}
	_, e, err = Bootstrap(func(m []float64) float64 { return m[0] }, 4, 100, [][]float64{{3, 3, 3, 3, 3, 3, 3, 3}}, rand.New(rand.NewPCG(1, 2)))
	if err != nil || e != 0 {
		t.Errorf("identical blocks: error %v, %v; want 0", e, err)
	}
	if _, _, err := Bootstrap(func(m []float64) float64 { return m[0] }, B, 1, [][]float64{x}, rand.New(rand.NewPCG(1, 2))); err == nil {
		t.Error("one resample: want error")
	}
	if _, _, err := Bootstrap(func(m []float64) float64 { return m[0] }, B, 2, [][]float64{x}, rand.New(rand.NewPCG(1, 2))); err != nil {
		t.Errorf("two resamples: %v", err)
	}
	if _, _, err := Bootstrap(func(m []float64) float64 { return m[0] }, 1, 10, [][]float64{x}, rand.New(rand.NewPCG(1, 2))); err == nil {
		t.Error("one block: want error")
	}
}

// TestGammaAnticorrelatedFallback: for the alternating series ±1 (N even),
// Γ(0) = 1 and Γ(1) = −1, so the window stops at W = 1 with a negative
// bias-corrected sum C = −1 − 3/N; the error falls back to the naive
// variance Γ(0) + C(1)/N with C(1) = −1: Err² = (1 − 1/N)/N, τ_int = ½.
func TestGammaAnticorrelatedFallback(t *testing.T) {
	for _, N := range []int{10, 1000} {
		x := make([]float64, N)
		for i := range x {
			x[i] = float64(1 - 2*(i%2))
		}
		got, err := Gamma(nil, DefaultS, [][]float64{x})
		if err != nil {
			t.Fatal(err)
		}
		n := float64(N)
		if want := math.Sqrt((1 - 1/n) / n); got.Window != 1 || !(math.Abs(got.Err-want) <= 1e-14) || !(math.Abs(got.TauInt-0.5) <= 1e-14) || got.Value != 0 {
			t.Errorf("N = %d: %v, window %d; want 0 ± %v, τ_int ½, window 1", N, got, got.Window, want)
		}
	}
}

// TestGammaWindowEdges checks the window at its two edges against the
// literal implementation: a series whose lag-1 autocovariance vanishes
// exactly (1, 0, 0, −1: Γ(1) = 0, so τ_int(1) = ½, where Wolff sets
// τ = 10⁻⁶) stops at W = 1, and a window that converges exactly at the cap
// (independent normals beside a replica of 2 values: the cap is 1) is not
// a short series.
func TestGammaWindowEdges(t *testing.T) {
	x := []float64{1, 0, 0, -1}
	got, err := Gamma(nil, DefaultS, [][]float64{x})
	W, tau, e, conv := wolffReplicas([][]float64{x}, DefaultS)
	if err != nil || !conv || got.Window != 1 || W != 1 {
		t.Errorf("Γ(1) = 0: window %d (reference %d, converged %v), error %v; want 1, nil", got.Window, W, conv, err)
	}
	// Γ(0) = ½, C(1) = ½ + 3·(½/4): τ_int = C/(2(Γ(0) + ½/4)) = 0.7.
	if !(math.Abs(got.TauInt-0.7) <= 1e-15 && math.Abs(tau-0.7) <= 1e-15 && math.Abs(got.Err-e) <= 1e-15) {
		t.Errorf("Γ(1) = 0: τ_int %v err %v, want 0.7 and %v", got.TauInt, got.Err, e)
	}
	rnd := rand.New(rand.NewPCG(25, 26))
	long := make([]float64, 1000)
	for i := range long {
		long[i] = rnd.NormFloat64()
	}
	reps := [][]float64{long, {0.3, -0.2}}
	W, _, e, conv = wolffReplicas(reps, DefaultS)
	got, err = Gamma(nil, DefaultS, [][]float64{reps[0]}, [][]float64{reps[1]})
	if !conv || W != 1 {
		t.Fatalf("reference window %d converged %v: the test needs convergence at the cap 1", W, conv)
	}
	if err != nil || got.Window != 1 || !(math.Abs(got.Err-e) <= 1e-12*e) {
		t.Errorf("convergence at the cap: window %d, err %v, error %v; want 1, %v, nil", got.Window, got.Err, err, e)
	}
}

// TestGammaDerivedCentralDifference: Gamma takes f's gradient by central
// differences of step h = √(Γ_αα(0)/N), which for f(m) = m³ is exactly
// 3m̄² + h². Few independent values with a large mean make h² a visible
// part of the gradient; the error must equal the literal Γ-method's on the
// series projected with that gradient.
func TestGammaDerivedCentralDifference(t *testing.T) {
	rnd := rand.New(rand.NewPCG(27, 28))
	x := make([]float64, 12)
	mean := 0.0
	for i := range x {
		x[i] = 3 + 2*rnd.NormFloat64()
		mean += x[i] / float64(len(x))
	}
	g0 := 0.0
	for _, v := range x {
		g0 += (v - mean) * (v - mean) / float64(len(x))
	}
	grad := 3*mean*mean + g0/float64(len(x))
	proj := make([]float64, len(x))
	for i, v := range x {
		proj[i] = grad * v
	}
	_, _, e, _ := wolffReplicas([][]float64{proj}, DefaultS)
	got, err := Gamma(func(m []float64) float64 { return m[0] * m[0] * m[0] }, DefaultS, [][]float64{x})
	if err != nil && !errors.Is(err, ErrShortSeries) {
		t.Fatal(err)
	}
	if !(math.Abs(got.Value-mean*mean*mean) <= 1e-12*mean*mean*mean) || !(math.Abs(got.Err-e) <= 1e-10*e) {
		t.Errorf("m³: %v ± %v, want %v ± %v", got.Value, got.Err, mean*mean*mean, e)
	}
}

// TestBootstrapSampleStd: with the same stream drawing the blocks, the
// bootstrap error is the sample standard deviation (denominator n − 1) of
// f over the resamples, computed here directly for a few resamples.
func TestBootstrapSampleStd(t *testing.T) {
	x := []float64{1, 2, 3, 4, 10, 11, 12, 13, 5, 5, 5, 6}
	bm := []float64{2.5, 11.5, 5.25}
	for _, nboot := range []int{2, 3, 7} {
		ref := rand.New(rand.NewPCG(29, 30))
		fs := make([]float64, nboot)
		mean := 0.0
		for k := range fs {
			for b := 0; b < len(bm); b++ {
				fs[k] += bm[ref.IntN(len(bm))] / float64(len(bm))
			}
			mean += fs[k] / float64(nboot)
		}
		v := 0.0
		for _, f := range fs {
			v += (f - mean) * (f - mean) / float64(nboot-1)
		}
		_, e, err := Bootstrap(func(m []float64) float64 { return m[0] }, len(bm), nboot, [][]float64{x}, rand.New(rand.NewPCG(29, 30)))
		if err != nil || !(math.Abs(e-math.Sqrt(v)) <= 1e-12) {
			t.Errorf("%d resamples: error %v, %v; want %v", nboot, e, err, math.Sqrt(v))
		}
	}
}
