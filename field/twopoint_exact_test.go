// Copyright ©2026 The rgflow Authors. All rights reserved.

package field

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"rgflow/lattice"
)

// naivePower returns |Σ_x φ_x e^{−ik·x}|²/V at the mode labels n, by the
// defining sum.
func naivePower(l *lattice.Lattice, phi []float64, n []int) float64 {
	x := make([]int, l.Dim())
	re, im := 0.0, 0.0
	for i, v := range phi {
		l.Coords(x, i)
		arg := 0.0
		for mu := range x {
			arg += 2 * math.Pi * float64(n[mu]*x[mu]) / float64(l.Extent(mu))
		}
		re += v * math.Cos(arg)
		im -= v * math.Sin(arg)
	}
	return (re*re + im*im) / float64(l.Volume())
}

// naivePosition returns (V·|A|)⁻¹ Σ_{μ∈A} Σ_x φ_x φ_{x+rμ̂}, A the axes of
// the extent of axis 0, by the defining sum.
func naivePosition(l *lattice.Lattice, phi []float64, r int) float64 {
	x := make([]int, l.Dim())
	s, axes := 0.0, 0
	for mu := 0; mu < l.Dim(); mu++ {
		if l.Extent(mu) != l.Extent(0) {
			continue
		}
		axes++
		for i, v := range phi {
			l.Coords(x, i)
			x[mu] = (x[mu] + r) % l.Extent(mu)
			s += v * phi[l.Index(x)]
		}
	}
	return s / float64(l.Volume()*axes)
}

// TestTwoPointAgainstDefiningSums checks every half-spectrum G(k), every
// G(r) and every shell average of MeasureTwoPoint against the defining
// sums over two chains of random fields (of 3 and 2 configurations: two
// are enough, one is an error), on lattices with equal and unequal
// extents.
func TestTwoPointAgainstDefiningSums(t *testing.T) {
	rnd := rand.New(rand.NewPCG(19, 20))
	for _, dims := range [][]int{{6, 4}, {4, 4}, {5, 5, 2}} {
		l := lattice.MustNew(dims...)
		chains := []*Ensemble{NewEnsemble(l, 3), NewEnsemble(l, 2)}
		for _, e := range chains {
			for i := range e.Data {
				e.Data[i] = rnd.NormFloat64() + 0.2
			}
		}
		shells, err := l.Shells(3)
		if err != nil {
			t.Fatal(err)
		}
		tp, err := NewCorrelator(l).MeasureTwoPoint(shells, chains...)
		if err != nil && !errors.Is(err, ErrShortSeries) {
			t.Fatalf("%v: %v", dims, err)
		}
		n := make([]int, l.Dim())
		G := make([]float64, l.HalfLen())
		for j := range G {
			l.HalfMode(n, j)
			for _, e := range chains {
				for i := 0; i < e.Len(); i++ {
					G[j] += naivePower(l, e.Field(i), n) / 5
				}
			}
			if !(math.Abs(tp.G[j]-G[j]) <= 1e-12*math.Max(1, G[j])) {
				t.Errorf("%v: G[%d] (mode %v) = %.15g, want %.15g", dims, j, n, tp.G[j], G[j])
			}
		}
		if !(math.Abs(tp.Chi.Value-G[0]) <= 1e-12*G[0]) {
			t.Errorf("%v: χ = %v, want G(0) = %v", dims, tp.Chi.Value, G[0])
		}
		for r := range tp.R {
			want := 0.0
			for _, e := range chains {
				for i := 0; i < e.Len(); i++ {
					want += naivePosition(l, e.Field(i), r) / 5
				}
			}
			if !(math.Abs(tp.R[r]-want) <= 1e-12*math.Max(1, math.Abs(want))) {
				t.Errorf("%v: G(r=%d) = %.15g, want %.15g", dims, r, tp.R[r], want)
			}
		}
		w := l.HalfWeights()
		for sh := range tp.Shell {
			want, cnt := 0.0, 0.0
			for j, s := range shells.Index {
				if s == sh {
					want += w[j] * G[j]
					cnt += w[j]
				}
			}
			want /= cnt
			if !(math.Abs(tp.Shell[sh]-want) <= 1e-12*math.Max(1, want)) {
				t.Errorf("%v: shell %d = %.15g, want %.15g", dims, sh, tp.Shell[sh], want)
			}
		}
		if _, err := NewCorrelator(l).MeasureTwoPoint(nil, chains[0], NewEnsemble(l, 1)); err == nil || errors.Is(err, ErrShortSeries) {
			t.Errorf("%v: a chain of one configuration: error %v, want a rejection", dims, err)
		}
	}
	if _, err := NewCorrelator(lattice.MustNew(4)).MeasureTwoPoint(nil); err == nil {
		t.Error("no ensemble: want error")
	}
}

// TestTwoPointShortSeries: a chain of 4 configurations beside a long,
// slowly decorrelating one (every site an AR(1) series, ρ = 0.95) caps the
// window below Wolff's criterion (see TestGammaShortSeries): the estimates
// come back with ErrShortSeries.
func TestTwoPointShortSeries(t *testing.T) {
	l := lattice.MustNew(2, 2)
	rnd := rand.New(rand.NewPCG(21, 22))
	long := NewEnsemble(l, 10000)
	for i := 1; i < long.Len(); i++ {
		prev, cur := long.Field(i-1), long.Field(i)
		for x := range cur {
			cur[x] = 0.95*prev[x] + rnd.NormFloat64()
		}
	}
	short := NewEnsemble(l, 4)
	copy(short.Data, long.Data)
	tp, err := NewCorrelator(l).MeasureTwoPoint(nil, long, short)
	if !errors.Is(err, ErrShortSeries) {
		t.Errorf("error %v, want ErrShortSeries", err)
	}
	if tp.Chi.Window != 2 {
		t.Errorf("χ's window %d, want the cap 2", tp.Chi.Window)
	}
}

// TestTwoPointShortSeriesOfOneMode: on 2×2 the field a₀ + a₁(−1)^x +
// a₂(−1)^y + a₃(−1)^{x+y} holds one amplitude per mode. With a₀, a₁, a₂
// independent normals and only a₃ slow (AR(1), ρ = 0.95), the window of
// G(k = (π, π)) hits the cap beside a chain of 4 while that of ξ₂
// converges: ErrShortSeries must come back from the mode's estimate.
func TestTwoPointShortSeriesOfOneMode(t *testing.T) {
	l := lattice.MustNew(2, 2)
	rnd := rand.New(rand.NewPCG(23, 24))
	fill := func(e *Ensemble) {
		a3 := 0.0
		x := make([]int, 2)
		for i := 0; i < e.Len(); i++ {
			a0, a1, a2 := rnd.NormFloat64(), rnd.NormFloat64(), rnd.NormFloat64()
			a3 = 0.95*a3 + rnd.NormFloat64()
			phi := e.Field(i)
			for s := range phi {
				l.Coords(x, s)
				sx, sy := float64(1-2*(x[0]%2)), float64(1-2*(x[1]%2))
				phi[s] = a0 + a1*sx + a2*sy + a3*sx*sy
			}
		}
	}
	long, short := NewEnsemble(l, 10000), NewEnsemble(l, 4)
	fill(long)
	fill(short)
	tp, err := NewCorrelator(l).MeasureTwoPoint(nil, long, short)
	j, _ := l.HalfIndex([]int{1, 1})
	mode, merr := Gamma(nil, DefaultS, [][]float64{powers(l, long, j)}, [][]float64{powers(l, short, j)})
	if !errors.Is(merr, ErrShortSeries) || mode.Window != 2 {
		t.Fatalf("the (π, π) mode's own window: %d, %v; the test needs the cap 2 and ErrShortSeries", mode.Window, merr)
	}
	// ξ₂ from G(0) and G(k_min) (the mean of the (π, 0) and (0, π) modes),
	// as MeasureTwoPoint computes it: its window must converge.
	j0, _ := l.HalfIndex([]int{0, 0})
	jx, _ := l.HalfIndex([]int{1, 0})
	jy, _ := l.HalfIndex([]int{0, 1})
	var reps [][][]float64
	for _, e := range []*Ensemble{long, short} {
		px, py := powers(l, e, jx), powers(l, e, jy)
		for i := range px {
			px[i] = (px[i] + py[i]) / 2
		}
		reps = append(reps, [][]float64{powers(l, e, j0), px})
	}
	k2min := 4.0 // 4 sin²(π/2)
	xi, xerr := Gamma(func(m []float64) float64 { return math.Sqrt((m[0]/m[1] - 1) / k2min) }, DefaultS, reps...)
	if xerr != nil || xi.Value != tp.Xi2.Value {
		t.Fatalf("ξ₂ = %v, %v (MeasureTwoPoint: %v): the test needs its window to converge", xi, xerr, tp.Xi2)
	}
	if !errors.Is(err, ErrShortSeries) {
		t.Errorf("error %v, want ErrShortSeries from the (π, π) mode", err)
	}
}

// powers returns the history of the power spectrum at half-spectrum entry j.
func powers(l *lattice.Lattice, e *Ensemble, j int) []float64 {
	c := NewCorrelator(l)
	p := make([]float64, l.HalfLen())
	out := make([]float64, e.Len())
	for i := range out {
		out[i] = c.Spectrum(p, e.Field(i))[j]
	}
	return out
}
