// Copyright ©2026 The rgflow Authors. All rights reserved.

package field

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"rgflow/lattice"
)

// The estimators on noise-free inputs whose answers are known in closed form:
// fields built mode by mode with exact power, magnetisation histories with
// exact moments, and the Γ-method against an independent implementation of
// Wolff's automatic window. Tolerances are rounding (a few ulps of the sums).

const roundTol = 1e-12

func closeRel(got, want float64) bool {
	return math.Abs(got-want) <= roundTol*math.Max(1, math.Abs(want))
}

// planeWave returns c + A cos(2π n·x/L) on l.
func planeWave(l *lattice.Lattice, c, A float64, n []int) []float64 {
	phi := make([]float64, l.Volume())
	x := make([]int, l.Dim())
	for i := range phi {
		l.Coords(x, i)
		arg := 0.0
		for mu, nm := range n {
			arg += 2 * math.Pi * float64(nm*x[mu]) / float64(l.Extent(mu))
		}
		phi[i] = c + A*math.Cos(arg)
	}
	return phi
}

// A plane wave A cos(k·x) with 2k ≠ 0 mod 2π has |φ̃_k|² = (AV/2)², so
// P_k = A²V/4 on its mode, c²V at k = 0, and nothing elsewhere.
func TestSpectrumOfPlaneWaveExact(t *testing.T) {
	l := lattice.MustNew(8, 6)
	V := float64(l.Volume())
	c := NewCorrelator(l)
	for _, n := range [][]int{{1, 0}, {0, 1}, {3, 2}, {2, 5}} {
		const c0, A = 0.375, 1.25
		p := c.Spectrum(nil, planeWave(l, c0, A, n))
		// k and −k: one of them, or both where the half spectrum holds both.
		wave := map[int]bool{}
		neg := []int{(l.Extent(0) - n[0]) % l.Extent(0), (l.Extent(1) - n[1]) % l.Extent(1)}
		for _, m := range [][]int{n, neg} {
			if j, ok := l.HalfIndex(m); ok {
				wave[j] = true
			}
		}
		if len(wave) == 0 {
			t.Fatalf("mode %v not in the half spectrum", n)
		}
		j0, _ := l.HalfIndex([]int{0, 0})
		for j, v := range p {
			want := 0.0
			switch {
			case wave[j]:
				want = A * A * V / 4
			case j == j0:
				want = c0 * c0 * V
			}
			if math.Abs(v-want) > roundTol*V {
				t.Errorf("mode n=%v: P[%d] = %.17g, want %.17g", n, j, v, want)
			}
		}
	}
}

// An ensemble of fields c_i + a_i cos(k_min x) + b_i cos(k_min y) on L×L has
// G(0) = V⟨c²⟩, G(k_min) averaged over the two axes = V⟨a² + b²⟩/8, so
// χ and ξ₂ = [(G(0)/G(k_min) − 1)/k̂²_min]^{1/2} follow exactly.
func TestTwoPointOfModeBuiltEnsembleExact(t *testing.T) {
	const L = 8
	l := lattice.MustNew(L, L)
	V := float64(l.Volume())
	cs := []float64{0.5, -1, 0.25, 2}
	as := []float64{0.3, 0.7, -0.2, 0.1}
	bs := []float64{0.6, -0.1, 0.4, 0.9}
	e := NewEnsemble(l, len(cs))
	var c2, ab2 float64
	for i := range cs {
		f1 := planeWave(l, cs[i], as[i], []int{1, 0})
		f2 := planeWave(l, 0, bs[i], []int{0, 1})
		for x := range f1 {
			e.Field(i)[x] = f1[x] + f2[x]
		}
		c2 += cs[i] * cs[i] / float64(len(cs))
		ab2 += (as[i]*as[i] + bs[i]*bs[i]) / float64(len(cs))
	}
	tp, err := NewCorrelator(l).MeasureTwoPoint(nil, e)
	if err != nil && err != ErrShortSeries {
		t.Fatal(err)
	}
	g0, gk := V*c2, V*ab2/8
	if !closeRel(tp.Chi.Value, g0) {
		t.Errorf("χ = %.17g, want V⟨c²⟩ = %.17g", tp.Chi.Value, g0)
	}
	khat2 := 4 * math.Pow(math.Sin(math.Pi/L), 2)
	if want := math.Sqrt((g0/gk - 1) / khat2); !closeRel(tp.Xi2.Value, want) {
		t.Errorf("ξ₂ = %.17g, want %.17g", tp.Xi2.Value, want)
	}
	// G(r), averaged over both axes: along x the a-wave correlates as
	// cos(kr)/2 and the b-wave, constant along x, as ½ (and the other way
	// along y): ⟨c²⟩ + ⟨a² + b²⟩(1 + cos(2πr/L))/4.
	for r, g := range tp.R {
		want := c2 + ab2*(1+math.Cos(2*math.Pi*float64(r)/L))/4
		if math.Abs(g-want) > roundTol {
			t.Errorf("G(r=%d) = %.17g, want %.17g", r, g, want)
		}
	}
}

// Constant fields give magnetisation histories with exact moments: χ =
// V⟨M²⟩, U₄ = 1 − ⟨M⁴⟩/(3⟨M²⟩²) (⅔ for |M| fixed), ⟨|M|⟩ exactly.
func TestMagnetisationMomentsExact(t *testing.T) {
	l := lattice.MustNew(4, 4)
	V := l.Volume()
	for _, ms := range [][]float64{
		{0.5, -0.5, 0.5, -0.5, 0.5, 0.5},
		{0.1, -0.7, 1.3, 0.2, -0.4, 0.9, 0.05, -1.1},
	} {
		hist := make([]Measurement, len(ms))
		var m1, m2, m4 float64
		for i, m := range ms {
			phi := make([]float64, V)
			for x := range phi {
				phi[x] = m
			}
			hist[i] = Measure(nil, phi)
			n := float64(len(ms))
			m1 += math.Abs(m) / n
			m2 += m * m / n
			m4 += m * m * m * m / n
		}
		obs, err := Summarise(V, hist)
		if err != nil && err != ErrShortSeries {
			t.Fatal(err)
		}
		checks := []struct {
			name      string
			got, want float64
		}{
			{"⟨|M|⟩", obs.AbsM.Value, m1},
			{"χ", obs.Chi.Value, float64(V) * m2},
			{"χ_conn", obs.ChiConn.Value, float64(V) * (m2 - m1*m1)},
			{"U₄", obs.Binder.Value, 1 - m4/(3*m2*m2)},
		}
		for _, c := range checks {
			if !closeRel(c.got, c.want) {
				t.Errorf("M history %v: %s = %.17g, want %.17g", ms, c.name, c.got, c.want)
			}
		}
	}
	// |M| fixed: U₄ = ⅔ exactly.
	hist := []Measurement{Measure(nil, []float64{1, 1}), Measure(nil, []float64{-1, -1}), Measure(nil, []float64{1, 1})}
	if u, _ := Binder(hist); !closeRel(u.Value, 2.0/3) {
		t.Errorf("U₄ of |M| = 1 = %.17g, want ⅔", u.Value)
	}
}

// wolffReference is the literal implementation of Wolff's automatic
// window (wolffReplicas, stats_exact_test.go) for one series.
func wolffReference(x []float64, S float64) (W int, tauInt, err float64) {
	W, tauInt, err, _ = wolffReplicas([][]float64{x}, S)
	return W, tauInt, err
}

// The Γ-method's window, τ_int and error agree with the literal
// implementation of Wolff's criterion on AR(1) series of known τ_int, an
// anticorrelated series and a slowly oscillating one.
func TestGammaWindowAgainstWolffCriterion(t *testing.T) {
	rnd := rand.New(rand.NewPCG(3, 4))
	series := map[string][]float64{}
	for _, rho := range []float64{0, 0.5, 0.9, -0.4} {
		x := make([]float64, 4000)
		for i := 1; i < len(x); i++ {
			x[i] = rho*x[i-1] + rnd.NormFloat64()
		}
		series[fmt.Sprintf("AR(1) ρ=%g", rho)] = x
	}
	osc := make([]float64, 2000)
	for i := range osc {
		osc[i] = math.Sin(2*math.Pi*float64(i)/37) + 0.3*rnd.NormFloat64()
	}
	series["oscillating"] = osc
	for name, x := range series {
		for _, S := range []float64{1, 1.5, 2} {
			W, tau, e := wolffReference(x, S)
			got, err := Gamma(nil, S, [][]float64{x})
			if err != nil {
				t.Fatalf("%s S=%g: %v", name, S, err)
			}
			if got.Window != W {
				t.Errorf("%s S=%g: window %d, Wolff's criterion gives %d", name, S, got.Window, W)
			}
			if math.Abs(got.TauInt-tau) > 1e-9*tau || math.Abs(got.Err-e) > 1e-9*e {
				t.Errorf("%s S=%g: τ_int %.15g err %.15g, reference %.15g %.15g", name, S, got.TauInt, got.Err, tau, e)
			}
		}
	}
}
