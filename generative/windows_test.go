// Copyright ©2026 The rgflow Authors. All rights reserved.

package generative

import (
	"testing"

	"rgflow/erg"
	"rgflow/internal/rng"
	"rgflow/lattice"
)

// TestWindowsDispatch: a batch mixing times on both sides of the bounds is
// denoised field by field by the Score of each time's window — the exact
// Gaussian denoisers of three different spectra, so every window's answer
// differs — bit for bit as calling that Score on the field alone, also
// with dst aliasing xt; a time on a bound belongs to the window below it.
func TestWindowsDispatch(t *testing.T) {
	l := lattice.MustNew(6, 6)
	p := vpProcess(t, l, erg.Periodic)
	var scores []Score
	for _, m2 := range []float64{0.25, 1, 4} {
		g, err := NewGaussian(p, freeData(t, p, m2))
		if err != nil {
			t.Fatal(err)
		}
		scores = append(scores, g)
	}
	T := p.T
	bounds := []float64{0.3 * T, 0.6 * T}
	w, err := NewWindows(bounds, scores)
	if err != nil {
		t.Fatal(err)
	}
	times := []float64{0.1 * T, 0.7 * T, 0.9 * T, 0.3 * T, 0.5 * T, 0.6 * T, 0.05 * T, T}
	want := []int{0, 2, 2, 0, 1, 1, 0, 2}
	M := p.Modes()
	rnd := rng.NewRand(1, 2, 3)
	xt := StartFields(p, nil, len(times), nil, rnd)
	got := w.Denoise(nil, xt, times)
	alias := append([]complex128(nil), xt...)
	w.Denoise(alias, alias, times)
	for b, tb := range times {
		if k := w.Window(tb); k != want[b] {
			t.Errorf("t = %v·T: window %d, want %d", tb/T, k, want[b])
		}
		one := scores[want[b]].Denoise(nil, xt[b*M:(b+1)*M], []float64{tb})
		other := scores[(want[b]+1)%3].Denoise(nil, xt[b*M:(b+1)*M], []float64{tb})
		same, differs := true, false
		for j := range one {
			same = same && got[b*M+j] == one[j] && alias[b*M+j] == one[j]
			differs = differs || other[j] != one[j]
		}
		if !same {
			t.Errorf("field %d (t = %v·T): not the window's denoiser", b, tb/T)
		}
		if !differs {
			t.Fatalf("field %d: the windows' denoisers agree, the test cannot tell them apart", b)
		}
	}
	for name, c := range map[string]struct {
		b []float64
		n int
	}{
		"count":      {[]float64{0.5}, 3},
		"decreasing": {[]float64{0.6, 0.3}, 3},
		"zero":       {[]float64{0, 0.3}, 3},
	} {
		if _, err := NewWindows(c.b, scores[:c.n]); err == nil {
			t.Errorf("%s: bounds %v with %d scores: want an error", name, c.b, c.n)
		}
	}
}
