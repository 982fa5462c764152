// Copyright ©2026 The rgflow Authors. All rights reserved.

package evaluate

import (
	"math"
	"strings"
	"testing"

	"rgflow/erg"
	"rgflow/generative"
	"rgflow/lattice"
)

// zeroNet is a network whose output is 0: a learned score with it is its
// Gaussian baseline exactly.
type zeroNet struct{}

func (zeroNet) Forward(dst, _ []float32, _ []float64) []float32 { clear(dst); return dst }
func (zeroNet) Predict(dst, _ []float32, _ []float64) []float32 { clear(dst); return dst }
func (zeroNet) Backward(dx, _ []float32) []float32              { return dx }

// TestDenoiseCurve checks the denoising-error curve: the exact Gaussian
// score's MSE matches its closed form V⁻¹ Σ_k Var[x₀|x_t] within 5 standard
// errors at every time; a learned score with a zero network is the
// baseline exactly (difference 0); and a wrong Gaussian (spectrum ×2) is
// measurably worse, which the verdict's denoise check flags.
func TestDenoiseCurve(t *testing.T) {
	l := lattice.MustNew(6, 6)
	p, err := generative.NewVP(l, erg.Periodic, generative.SongVP, nil)
	if err != nil {
		t.Fatal(err)
	}
	g0, err := generative.FreeSpectrum(generative.Dispersion(l, erg.Periodic), 0.5)
	if err != nil {
		t.Fatal(err)
	}
	exact, _ := generative.NewGaussian(p, g0)
	wrongG := make([]float64, len(g0))
	for j, v := range g0 {
		wrongG[j] = 2 * v
	}
	wrong, _ := generative.NewGaussian(p, wrongG)
	zero, err := generative.NewLearned(exact, zeroNet{})
	if err != nil {
		t.Fatal(err)
	}
	held := freeEnsemble(t, l, 0.5, 400, 31)
	times := []float64{0.01, 0.1, 0.3, 0.6, 1}
	d, err := DenoiseMSE(p, held, times, 4, []string{"exact", "zero-net", "wrong"}, exact, zero, wrong)
	if err != nil {
		t.Fatal(err)
	}
	for i, tt := range times {
		if z := (d.MSE[0][i] - d.Closed[i]) / d.MSEErr[0][i]; math.Abs(z) > 5 {
			t.Errorf("t=%v: exact MSE %.5f ± %.5f, closed form %.5f", tt, d.MSE[0][i], d.MSEErr[0][i], d.Closed[i])
		}
		if math.Abs(d.Diff[1][i]) > 1e-6*d.MSE[0][i] {
			t.Errorf("t=%v: zero network differs from its baseline by %v", tt, d.Diff[1][i])
		}
	}
	if m, e := d.MeanDiff(2); !(m > 5*e) {
		t.Errorf("wrong Gaussian: mean MSE excess %.4g ± %.4g, want clearly positive", m, e)
	}
	ref := freeEnsemble(t, l, 0.5, 600, 32)
	gen := freeEnsemble(t, l, 0.5, 600, 33)
	c, err := Compare(Sample{Name: "ref", Fields: ref}, Sample{Name: "gen", Fields: gen}, CompareConfig{Denoise: d, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	f := strings.Join(failed(c), " ")
	if !strings.Contains(f, "denoise_wrong_vs_exact") || strings.Contains(f, "denoise_zero-net_vs_exact") {
		t.Errorf("denoise checks: failed %q; want denoise_wrong_vs_exact only among the denoise checks", f)
	}
}
