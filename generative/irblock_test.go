// Copyright ©2026 The rgflow Authors. All rights reserved.

package generative

import (
	"math"
	"math/cmplx"
	"testing"

	"rgflow/field"
	"rgflow/internal/rng"
	"rgflow/lattice"
)

// TestIRBlockFreeField checks the block against the free field, whose law
// is known exactly: the spectrum of the projected fields equals the lattice
// spectrum on the same modes and the block's mode energies are the
// lattice's; and the exact denoiser of the free field with its block
// replaced by the block's own exact denoiser (the same spectrum on the
// block) is the exact denoiser again, to rounding, since both are the same
// per-mode linear map.
func TestIRBlockFreeField(t *testing.T) {
	l := lattice.MustNew(8, 6)
	p := polchinskiProcess(t, l)
	a, _ := field.NewFree(l, 0.3)
	smp, _ := field.NewFreeSampler(a)
	e := field.NewEnsemble(l, 64)
	for i := 0; i < e.Len(); i++ {
		smp.Sample(e.Field(i), rng.NewRand(3, 99, uint64(i)))
	}
	gs, err := NewGaussian(p, freeData(t, p, 0.3))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range []int{0, 1, 2} {
		b, err := NewIRBlock(p, r)
		if err != nil {
			t.Fatal(err)
		}
		big := p.EstimateSpectrum(nil, e)
		small := b.Proc.EstimateSpectrum(nil, b.Project(e))
		for j, J := range b.Big {
			if math.Abs(small[j]-big[J]) > 1e-10*big[J] {
				t.Errorf("r = %d: block mode %d spectrum %v, lattice mode %d %v", r, j, small[j], J, big[J])
			}
			if b.Proc.Eps[j] != p.Eps[J] {
				t.Errorf("r = %d: block mode %d energy %v, lattice %v", r, j, b.Proc.Eps[j], p.Eps[J])
			}
		}
		bg, err := b.Baseline(gs)
		if err != nil {
			t.Fatal(err)
		}
		w := WithIR(gs, bg, b)
		if _, ok := w.(PosteriorVariancer); !ok {
			t.Errorf("r = %d: WithIR of a Gaussian is not a PosteriorVariancer", r)
		}
		x := randomModes(2*p.Modes(), uint64(r))
		ts := []float64{0.3 * p.T, 0.8 * p.T}
		want := gs.Denoise(nil, x, ts)
		got := w.Denoise(nil, x, ts)
		for i := range want {
			if cmplx.Abs(got[i]-want[i]) > 1e-12*(1+cmplx.Abs(want[i])) {
				t.Fatalf("r = %d: block-replaced Gaussian denoiser differs at %d: %v vs %v", r, i, got[i], want[i])
			}
		}
	}
}

// TestIRBlockProjection checks the projection on fields whose answer is
// known. The spectrum G(k) = ⟨|φ̃(k)|²⟩/V of a plane wave of amplitude a is
// a²V/4 (per ±k), so keeping spectra from V sites to the block's n^d
// multiplies amplitudes by √(V/n^d): a constant field M projects onto the
// one-site block (r = 0) as √V·M; a plane wave of the block's modes,
// cos(2π(n₀x₀/L₀ + n₁x₁/L₁)), projects onto the same plane wave of the
// block lattice, cos(2π(n₀y₀ + n₁y₁)/n), times √(V/n^d); and a plane wave
// of a mode outside the block projects onto zero.
func TestIRBlockProjection(t *testing.T) {
	l := lattice.MustNew(8, 6)
	p := polchinskiProcess(t, l)
	wave := func(lat *lattice.Lattice, n []int) []float64 {
		f := make([]float64, lat.Volume())
		x := make([]int, lat.Dim())
		for i := range f {
			lat.Coords(x, i)
			var ph float64
			for mu := range x {
				ph += float64(n[mu]*x[mu]) / float64(lat.Extent(mu))
			}
			f[i] = math.Cos(2 * math.Pi * ph)
		}
		return f
	}
	check := func(name string, got, want []float64) {
		t.Helper()
		for i := range want {
			if math.Abs(got[i]-want[i]) > 1e-12 {
				t.Fatalf("%s: site %d of the projection %v, want %v", name, i, got[i], want[i])
			}
		}
	}

	b0, err := NewIRBlock(p, 0)
	if err != nil {
		t.Fatal(err)
	}
	e := field.NewEnsemble(l, 1)
	for i := range e.Data {
		e.Data[i] = 0.7
	}
	check("constant field, r = 0", b0.Project(e).Data, []float64{0.7 * math.Sqrt(float64(l.Volume()))})

	b1, err := NewIRBlock(p, 1)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range [][]int{{1, 0}, {0, 1}, {1, 1}, {1, -1}} {
		e, err := field.EnsembleOf(l, wave(l, n))
		if err != nil {
			t.Fatal(err)
		}
		want := wave(b1.Small, n)
		for i := range want {
			want[i] *= math.Sqrt(float64(l.Volume()) / float64(b1.Small.Volume()))
		}
		check("plane wave inside the block", b1.Project(e).Data, want)
	}
	for _, n := range [][]int{{2, 0}, {0, 3}, {2, 1}, {4, 0}} {
		e, err := field.EnsembleOf(l, wave(l, n))
		if err != nil {
			t.Fatal(err)
		}
		check("plane wave outside the block", b1.Project(e).Data, make([]float64, b1.Small.Volume()))
	}
	if _, err := NewIRBlock(p, 3); err == nil {
		t.Error("a block of extent 7 on a 6-site axis: no error")
	}
}
