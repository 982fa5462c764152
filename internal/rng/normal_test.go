// Copyright ©2026 The rgflow Authors. All rights reserved.

package rng

import (
	"bytes"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"testing"

	"rgflow/internal/rng/internal/ziggurat"
	"rgflow/lattice"
)

// TestZigguratTables checks the tables against the ziggurat's definition:
// every layer has area v, the base layer being the rectangle [0, r]×[0,
// φ(r)] plus the tail ∫_r^∞ φ = √(π/2)·erfc(r/√2), and the recursion
// closes at the mode (the top layer, width X_2047 under φ = 1, has area v
// too). Tolerances: 1e-12 relative for each layer (one step of the
// recursion in double precision); the closure accumulates the rounding
// of 2047 steps and the precision of the root r (4·10⁻¹², so 1e-10).
func TestZigguratTables(t *testing.T) {
	phi := func(x float64) float64 { return math.Exp(-x * x / 2) }
	if zigX[1] != zigR || zigX[zigLayers] != 0 {
		t.Fatalf("X_1 = %v, X_%d = %v: want r = %v and 0", zigX[1], zigLayers, zigX[zigLayers], zigR)
	}
	base := zigR*phi(zigR) + math.Sqrt(math.Pi/2)*math.Erfc(zigR/math.Sqrt2)
	if d := math.Abs(base/zigV - 1); d > 1e-12 {
		t.Errorf("base layer area %v, want v = %v (relative %.1e)", base, zigV, d)
	}
	if d := math.Abs(zigX[0]*phi(zigR)/zigV - 1); d > 1e-12 {
		t.Errorf("X_0·φ(r) = %v, want v (relative %.1e)", zigX[0]*phi(zigR), d)
	}
	for i := 1; i < zigLayers-1; i++ {
		a := zigX[i] * (phi(zigX[i+1]) - phi(zigX[i]))
		if d := math.Abs(a/zigV - 1); d > 1e-12 {
			t.Errorf("layer %d: area %v, want v (relative %.1e)", i, a, d)
		}
	}
	top := zigX[zigLayers-1] * (1 - phi(zigX[zigLayers-1]))
	if d := math.Abs(top/zigV - 1); d > 1e-10 {
		t.Errorf("top layer area %v, want v (relative %.1e)", top, d)
	}
	for i := range zigF {
		if d := math.Abs(zigF[i] - phi(zigX[i])); d > 1e-16 {
			t.Errorf("F_%d = %v, want φ(X_%d) = %v", i, zigF[i], i, phi(zigX[i]))
		}
	}
	for i := range zigRatio {
		if zigRatio[i] != zigX[i+1]/zigX[i] {
			t.Errorf("ratio %d = %v, want X_%d/X_%d = %v", i, zigRatio[i], i+1, i, zigX[i+1]/zigX[i])
		}
	}
}

// TestZigguratTablesGenerated: ztables.go is what its generator
// (internal/ziggurat, run by go generate) writes today, byte for byte,
// so that a change to the generator or an edit of the tables is caught.
func TestZigguratTablesGenerated(t *testing.T) {
	got, err := os.ReadFile("ztables.go")
	if err != nil {
		t.Fatal(err)
	}
	if want := ziggurat.Source(); !bytes.Equal(got, want) {
		t.Errorf("ztables.go differs from the output of internal/ziggurat (%d and %d bytes): run go generate in internal/rng", len(got), len(want))
	}
}

// drawNormals returns n normals of the stream keyed as sample i of seed
// is in a flow, filled in buffers of the given length.
func drawNormals(seed uint64, i, n, buf int) []float64 {
	g := NewNormals(Derive(seed, StageFlow, uint64(i)))
	x := make([]float64, n)
	for k := 0; k < n; k += buf {
		g.Fill(x[k:min(k+buf, n)])
	}
	return x
}

// normalCount returns the number of draws of the statistical tests:
// RGFLOW_LONG=1 takes 2²⁷ (tails out to |x| ≈ 5.5 get counts), -short
// 2¹⁸.
func normalCount() int {
	switch {
	case os.Getenv("RGFLOW_LONG") != "":
		return 1 << 27
	case testing.Short():
		return 1 << 18
	}
	return 1 << 20
}

// zNormal is the two-sided standard-normal level of the moment and
// correlation tests below (4.42: p = 10⁻⁵ each, ~25 of them, so a
// family-wise false alarm near 3·10⁻⁴; the seeds are fixed).
const zNormal = 4.42

// TestNormalsMoments: the first four moments of the stream against those
// of N(0, 1) (0, 1, 0, 3), each to zNormal standard errors (the variances
// of x, x², x³, x⁴ under N(0, 1) are 1, 2, 15, 96).
func TestNormalsMoments(t *testing.T) {
	n := normalCount()
	x := drawNormals(1, 0, n, 4224)
	var m [5]float64
	for _, v := range x {
		v2 := v * v
		m[1] += v
		m[2] += v2
		m[3] += v2 * v
		m[4] += v2 * v2
	}
	want := [5]float64{0, 0, 1, 0, 3}
	vars := [5]float64{0, 1, 2, 15, 96}
	for k := 1; k <= 4; k++ {
		got := m[k] / float64(n)
		se := math.Sqrt(vars[k] / float64(n))
		if z := (got - want[k]) / se; math.Abs(z) > zNormal {
			t.Errorf("E x^%d = %.6f, want %v (z = %.2f, n = %d)", k, got, want[k], z, n)
		}
	}
}

// chi2Quantile returns the upper quantile of χ² with dof degrees of
// freedom at standard-normal level z (Wilson–Hilferty approximation,
// accurate to a few parts in 10³ for dof ≥ 10).
func chi2Quantile(dof, z float64) float64 {
	return dof * math.Pow(1-2/(9*dof)+z*math.Sqrt(2/(9*dof)), 3)
}

// zPerTest is the one-sided standard-normal level of the χ² tests: 3.719
// is the 1 − 10⁻⁴ quantile.
const zPerTest = 3.719

// normalCDF is Φ(x).
func normalCDF(x float64) float64 { return 0.5 * math.Erfc(-x/math.Sqrt2) }

// TestNormalsCDF: χ² of the stream's histogram against Φ over bins that
// resolve the bulk (width 0.1 on [−3, 3]) and the regions where a
// ziggurat goes wrong: the outer layers' edges and the tail, split at 3,
// 3.5, 4, r = 4.216, 4.5 and (RGFLOW_LONG) 5 on both sides. Upper 1 − 10⁻⁴
// quantile of χ²; plus a Kolmogorov–Smirnov test of the whole sample
// (√n·D < 1.95, p ≈ 10⁻³).
func TestNormalsCDF(t *testing.T) {
	n := normalCount()
	x := drawNormals(2, 7, n, 1000)
	edges := []float64{}
	for k := -30; k <= 30; k++ {
		edges = append(edges, float64(k)/10)
	}
	for _, e := range []float64{3.5, zigR, 4, 4.5, 5} {
		if e == 5 && n < 1<<26 {
			continue
		}
		edges = append(edges, e, -e)
	}
	slices.Sort(edges)
	counts := make([]float64, len(edges)+1)
	for _, v := range x {
		k, _ := slices.BinarySearch(edges, v)
		counts[k]++
	}
	chi2 := 0.0
	for k := range counts {
		lo, hi := math.Inf(-1), math.Inf(1)
		if k > 0 {
			lo = edges[k-1]
		}
		if k < len(edges) {
			hi = edges[k]
		}
		want := float64(n) * (normalCDF(hi) - normalCDF(lo))
		if lo >= 0 {
			want = float64(n) * 0.5 * (math.Erfc(lo/math.Sqrt2) - math.Erfc(hi/math.Sqrt2))
		}
		d := counts[k] - want
		chi2 += d * d / want
	}
	dof := float64(len(counts) - 1)
	if q := chi2Quantile(dof, zPerTest); chi2 > q {
		t.Errorf("histogram χ² = %.1f for %v dof (1−10⁻⁴ quantile %.1f)", chi2, dof, q)
	}
	slices.Sort(x)
	D := 0.0
	for k, v := range x {
		F := normalCDF(v)
		D = max(D, math.Abs(F-float64(k)/float64(n)), math.Abs(float64(k+1)/float64(n)-F))
	}
	if s := math.Sqrt(float64(n)) * D; s > 1.95 {
		t.Errorf("Kolmogorov–Smirnov √n·D = %.3f > 1.95 (p < 10⁻³)", s)
	}
}

// TestNormalsTail: the draws beyond 3.5 in absolute value, which come
// from the outermost layers' wedges and the exponential tail, follow the
// exact conditional law P(|x| > y | |x| > 3.5) = erfc(y/√2)/erfc(3.5/√2)
// (Kolmogorov–Smirnov, √m·D < 1.95), with both signs equally likely (z
// test).
func TestNormalsTail(t *testing.T) {
	n := normalCount() * 4
	if !testing.Short() && n < 1<<22 {
		n = 1 << 22
	}
	const y0 = 3.5
	var tail []float64
	neg := 0
	g := NewNormals(Derive(3, StageFlow, 1))
	buf := make([]float64, 4096)
	for k := 0; k < n; k += len(buf) {
		g.Fill(buf)
		for _, v := range buf {
			if math.Abs(v) > y0 {
				tail = append(tail, math.Abs(v))
				if v < 0 {
					neg++
				}
			}
		}
	}
	m := len(tail)
	wantM := float64(n) * math.Erfc(y0/math.Sqrt2)
	if z := (float64(m) - wantM) / math.Sqrt(wantM); math.Abs(z) > zNormal {
		t.Errorf("%d draws beyond %v of %d, want %.1f (z = %.2f)", m, y0, n, wantM, z)
	}
	if z := (float64(neg) - float64(m)/2) / math.Sqrt(float64(m)/4); math.Abs(z) > zNormal {
		t.Errorf("%d of %d tail draws negative (z = %.2f)", neg, m, z)
	}
	slices.Sort(tail)
	D := 0.0
	e0 := math.Erfc(y0 / math.Sqrt2)
	for k, v := range tail {
		F := 1 - math.Erfc(v/math.Sqrt2)/e0
		D = max(D, math.Abs(F-float64(k)/float64(m)), math.Abs(float64(k+1)/float64(m)-F))
	}
	if s := math.Sqrt(float64(m)) * D; s > 1.95 {
		t.Errorf("tail beyond %v: Kolmogorov–Smirnov √m·D = %.3f > 1.95 over %d draws", y0, s, m)
	}
}

// TestNormalsIndependent: the correlation of successive draws at lags 1 to
// 17 (lags 1–7 pair different lanes of one block, 8 and 16 one lane with
// itself, the rest lanes across blocks), of their squares at lag 1 and 4,
// and between the streams of samples 0 and 1 of a seed, are each zero to
// zNormal/√n (the standard error of a correlation of independent
// variables; 2/√n for squares, whose variance is 2).
func TestNormalsIndependent(t *testing.T) {
	n := normalCount()
	x := drawNormals(4, 0, n, 4224)
	y := drawNormals(4, 1, n, 4224)
	corr := func(a, b []float64) float64 {
		s := 0.0
		for k := range a {
			s += a[k] * b[k]
		}
		return s / float64(len(a))
	}
	for lag := 1; lag <= 17; lag++ {
		r := corr(x[:n-lag], x[lag:])
		if z := r * math.Sqrt(float64(n-lag)); math.Abs(z) > zNormal {
			t.Errorf("lag %d: correlation %.2e (z = %.2f)", lag, r, z)
		}
	}
	sq := make([]float64, n)
	for k, v := range x {
		sq[k] = v*v - 1
	}
	for _, lag := range []int{1, 4, 8} {
		r := corr(sq[:n-lag], sq[lag:])
		if z := r / 2 * math.Sqrt(float64(n-lag)); math.Abs(z) > zNormal {
			t.Errorf("squares at lag %d: covariance %.2e (z = %.2f)", lag, r, z)
		}
	}
	if r := corr(x, y); math.Abs(r*math.Sqrt(float64(n))) > zNormal {
		t.Errorf("samples 0 and 1: correlation %.2e (z = %.2f)", r, r*math.Sqrt(float64(n)))
	}
}

// TestNormalsFillLengths: the stream does not depend on how it is cut
// into fills whose lengths are multiples of 8, and a partial last block
// discards its unused lanes.
func TestNormalsFillLengths(t *testing.T) {
	want := drawNormals(5, 3, 4096, 4096)
	for _, buf := range []int{8, 16, 24, 1000, 1024} {
		if got := drawNormals(5, 3, 4096, buf); !slices.Equal(got, want) {
			t.Errorf("fills of %d: stream differs from one fill", buf)
		}
	}
	g := NewNormals(Derive(5, StageFlow, 3))
	a := make([]float64, 10)
	g.Fill(a)
	b := make([]float64, 8)
	g.Fill(b)
	if !slices.Equal(a, want[:10]) || !slices.Equal(b, want[16:24]) {
		t.Errorf("fill of 10 then 8: %v %v, want %v and %v", a, b, want[:10], want[16:24])
	}
}

// BenchmarkNormals times one 64² snapshot's worth of normals (4224: two
// per stored mode of the half spectrum) from the flow's generator, beside
// two references in the same run: the standard library's ziggurat
// (math/rand/v2 NormFloat64 over PCG and over ChaCha8) for the same count,
// and the 64² inverse real FFT that each snapshot of each sample also
// performs. The ratio fill / inverse-FFT bounds the flow's cost over its
// transforms from below at this size (1 + that ratio), whatever the rest
// of the flow does:
//
//	go test ./internal/rng -run '^$' -bench Normals -count 9
func BenchmarkNormals(b *testing.B) {
	buf := make([]float64, 4224)
	b.Run("fill", func(b *testing.B) {
		g := NewNormals(1, 2)
		for i := 0; i < b.N; i++ {
			g.Fill(buf)
		}
	})
	b.Run("fillGo", func(b *testing.B) {
		g := NewNormals(1, 2)
		for i := 0; i < b.N; i++ {
			g.fillGo(buf)
		}
	})
	b.Run("stdlib-pcg", func(b *testing.B) {
		r := rand.New(rand.NewPCG(1, 2))
		for i := 0; i < b.N; i++ {
			for k := range buf {
				buf[k] = r.NormFloat64()
			}
		}
	})
	b.Run("stdlib-chacha8", func(b *testing.B) {
		r := rand.New(rand.NewChaCha8([32]byte{1, 2}))
		for i := 0; i < b.N; i++ {
			for k := range buf {
				buf[k] = r.NormFloat64()
			}
		}
	})
	b.Run("inverse-fft-64x64", func(b *testing.B) {
		l, err := lattice.New(64, 64)
		if err != nil {
			b.Fatal(err)
		}
		p := lattice.NewFFT(l)
		modes := make([]complex128, p.Len())
		for k := range modes {
			modes[k] = complex(float64(k%7), float64(k%5))
		}
		x := make([]float64, l.Volume())
		for i := 0; i < b.N; i++ {
			p.Inverse(x, modes)
		}
	})
}

// TestNormalsFillMatchesGo: fill (the AVX2 kernel where the CPU has it)
// writes the numbers of fillGo bit for bit and leaves both lanes' states
// where fillGo does, over fill lengths that are and are not multiples of
// 8 and long enough (10⁵) for the kernel to return many times with its
// record of missed blocks full.
func TestNormalsFillMatchesGo(t *testing.T) {
	t.Logf("AVX2 kernel in use: %v, AVX-512: %v", useAVX2Normals, useAVX512Normals)
	forEachKernel(t, testFillMatchesGo)
}

// forEachKernel runs test with each vector kernel the CPU has (AVX-512 and
// AVX2, or the portable code alone).
func forEachKernel(t *testing.T, test func(t *testing.T)) {
	has512 := useAVX512Normals
	defer func() { useAVX512Normals = has512 }()
	useAVX512Normals = false
	t.Run("avx2", test)
	if has512 {
		useAVX512Normals = true
		t.Run("avx512", test)
	}
}

func testFillMatchesGo(t *testing.T) {
	for _, seed := range []uint64{1, 0xdeadbeef} {
		a := NewNormals(Derive(seed, StageFlow, 0))
		b := a
		for _, n := range []int{1, 3, 8, 15, 64, 4224, 100001, 1000} {
			x := make([]float64, n)
			y := make([]float64, n)
			a.Fill(x)
			b.fillGo(y)
			for k := range x {
				if math.Float64bits(x[k]) != math.Float64bits(y[k]) {
					t.Fatalf("seed %d, fill of %d: draw %d is %v, fillGo %v", seed, n, k, x[k], y[k])
				}
			}
			if a != b {
				t.Fatalf("seed %d, fill of %d: generator states differ", seed, n)
			}
		}
	}
}

// TestStepComplexMatchesGo: the per-mode update of the Periodic basis
// (the AVX2 kernel where the CPU has it) equals stepComplexGo bit for bit,
// odd and even lengths, in place and not.
func TestStepComplexMatchesGo(t *testing.T) {
	g := NewNormals(1, 1)
	for _, n := range []int{1, 2, 5, 64, 2112} {
		r := make([]float64, 6*n)
		g.fillGo(r)
		x := make([]complex128, n)
		for j := range x {
			x[j] = complex(r[4*n+2*j], r[4*n+2*j+1])
		}
		xi, a, b := r[:2*n], r[2*n:3*n], r[3*n:4*n]
		want := make([]complex128, n)
		stepComplexGo(want, x, xi, a, b)
		got := make([]complex128, n)
		StepComplex(got, x, xi, a, b)
		StepComplex(x, x, xi, a, b)
		for j := range want {
			if got[j] != want[j] || x[j] != want[j] {
				t.Fatalf("n = %d, mode %d: %v (in place %v), want %v", n, j, got[j], x[j], want[j])
			}
		}
	}
}

// TestStepNoiseMatches: the update fused with the draw of its noise
// (Normals.StepNoise, the AVX-512 kernel where the CPU has it) writes the
// numbers of fill followed by stepComplexGo bit for bit and leaves the
// generator in the same state: mode counts that are and are not
// multiples of the kernel's four, noise buffers longer than the modes
// need (the unused normals, their misses included, are drawn all the
// same), in place and not, over enough modes (25 001) that the kernel
// returns many times with its record of missed blocks full.
func TestStepNoiseMatches(t *testing.T) {
	forEachKernel(t, func(t *testing.T) {
		for _, n := range []int{1, 3, 4, 5, 6, 7, 8, 9, 64, 2112, 25001} {
			for _, extra := range []int{0, 6, 64} {
				nn := 2*n + extra
				src := NewNormals(9, uint64(n))
				r := make([]float64, 4*n)
				src.fillGo(r)
				x := make([]complex128, n)
				for j := range x {
					x[j] = complex(r[2*j], r[2*j+1])
				}
				a, b := r[2*n:3*n], r[3*n:]
				ab := make([]float64, 2*n)
				for j := range a {
					ab[2*j], ab[2*j+1] = a[j], b[j]
				}
				ref := NewNormals(Derive(3, StageFlow, uint64(n)))
				fused, inPlace := ref, ref
				xi := make([]float64, nn)
				ref.fillGo(xi)
				want := make([]complex128, n)
				stepComplexGo(want, x, xi, a, b)
				got := make([]complex128, n)
				fused.StepNoise(got, x, a, b, ab, make([]float64, nn))
				y := slices.Clone(x)
				inPlace.StepNoise(y, y, a, b, ab, make([]float64, nn))
				for j := range want {
					if got[j] != want[j] || y[j] != want[j] {
						t.Fatalf("%d modes, %d normals: mode %d is %v (in place %v), want %v", n, nn, j, got[j], y[j], want[j])
					}
				}
				if fused != ref || inPlace != ref {
					t.Fatalf("%d modes, %d normals: generator states differ", n, nn)
				}
			}
		}
	})
}

// TestNormalsNoAllocs: the draws and the fused update allocate nothing
// (they run once per snapshot of every sample of a flow, so that an
// allocation there, such as a miss record escaping to the heap, would cost
// every flow a share of its time).
func TestNormalsNoAllocs(t *testing.T) {
	forEachKernel(t, func(t *testing.T) {
		g := NewNormals(1, 2)
		n := 2113
		x := make([]complex128, n)
		a := make([]float64, n)
		ab := make([]float64, 2*n)
		xi := make([]float64, 2*n+6)
		if got := testing.AllocsPerRun(20, func() { g.Fill(xi) }); got != 0 {
			t.Errorf("fill: %v allocations", got)
		}
		if got := testing.AllocsPerRun(20, func() { g.StepNoise(x, x, a, a, ab, xi) }); got != 0 {
			t.Errorf("stepNoise: %v allocations", got)
		}
	})
}

// TestWedgeBounds: the chord and tangent shortcuts of wedge decide every
// point as the exp does, on a grid of points in the wedges of layers
// convex, concave and straddling x = 1, away from the curve by more than
// rounding (relative 1e-12).
func TestWedgeBounds(t *testing.T) {
	for i := uint64(1); i < zigLayers-1; i += 7 {
		x0, x1 := zigX[i+1], zigX[i]
		f0, f1 := zigF[i+1], zigF[i]
		for a := 0.0; a < 1; a += 1.0 / 64 {
			x := x0 + a*(x1-x0)
			phi := math.Exp(-0.5 * x * x)
			for b := 0.0; b <= 1; b += 1.0 / 64 {
				y := f1 + b*(f0-f1)
				if math.Abs(y-phi) < 1e-12*phi {
					continue
				}
				if got, want := wedge(i, x, y), y < phi; got != want {
					t.Fatalf("layer %d, (x, y) = (%v, %v): wedge %v, y < φ(x) is %v", i, x, y, got, want)
				}
			}
		}
	}
}

// TestNormalsPinned pins the stream: the first normals of sample 0 of
// seed 1 and an FNV-style hash of the bits of its first 100003, in fills
// of 4224. The same under -tags noasm; the tables are literals, so
// another platform could differ only where its math.Exp or math.Log
// rounds differently right at a slow-path decision. A change here
// changes every flow's output and must be deliberate.
func TestNormalsPinned(t *testing.T) {
	x := drawNormals(1, 0, 100003, 4224)
	var h uint64
	for _, v := range x {
		h = h*0x100000001b3 ^ math.Float64bits(v)
	}
	want := []float64{-0.39809992653984094, -2.6464645910205715, -0.6405190599060918}
	if !slices.Equal(x[:3], want) || h != 0x97b2edf3a158bfce {
		t.Errorf("stream starts %v with hash %#x, want %v and 0x97b2edf3a158bfce", x[:3], h, want)
	}
}
