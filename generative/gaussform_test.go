// Copyright ©2026 The rgflow Authors. All rights reserved.

package generative

import (
	"math"
	"strings"
	"testing"

	"rgflow/erg"
	"rgflow/generative/nn"
	"rgflow/internal/rng"
	"rgflow/lattice"
)

// TestGaussianFormIsExactGaussian checks the Gaussian-form spectral path
// against the closed form: a Learned score with the white baseline whose
// network is a ScoreNet with that path, θ = log(G/σ²) per shell and a zero
// convolutional path (its head is zero-initialised) is the exact Gaussian
// denoiser of the free propagator G, mode by mode at every time, to the
// float32 precision of the network (10⁻⁵ relative); θ = 0 is the
// baseline. The form's derivative matches central differences.
func TestGaussianFormIsExactGaussian(t *testing.T) {
	l := lattice.MustNew(8, 8)
	p := expProcess(t, l, erg.Periodic)
	white, _ := NewGaussian(p, append([]float64(nil), p.Sigma2...))
	g0 := freeData(t, p, 0.3)
	exact, _ := NewGaussian(p, g0)
	form, err := GaussianForm(white)
	if err != nil {
		t.Fatal(err)
	}
	net, err := nn.New(l, 1, nn.ScoreNet{Channels: 1, Width: 2, Kernel: 3, Blocks: 1, Levels: 1, Spectral: true, SpectralForm: form},
		nn.Config{Time: nn.TimeConfig{Dim: 4, Hidden: 4, Scale: 100}, Workers: 1, Rand: rng.NewRand(1, 0)})
	if err != nil {
		t.Fatal(err)
	}
	defer net.Close()
	sh := nn.DispersionShells(l)
	var gain nn.NamedTensor
	for _, ts := range net.Params() {
		if strings.HasSuffix(ts.Name, "gain") {
			gain = ts
		}
	}
	if len(gain.Data) != sh.Len() {
		t.Fatalf("gain parameter %q has %d values for %d shells", gain.Name, len(gain.Data), sh.Len())
	}
	for j, k := range sh.Index {
		gain.Data[k] = float32(math.Log(g0[j]/p.Sigma2[j]) / FormScale)
	}
	th := make([]float64, sh.Len())
	for k, v := range gain.Data {
		th[k] = float64(v)
	}
	fs, err := FormSpectrum(white, th)
	if err != nil {
		t.Fatal(err)
	}
	for j := range fs {
		if math.Abs(fs[j]-g0[j]) > 1e-6*g0[j] {
			t.Fatalf("FormSpectrum mode %d: %v, want %v", j, fs[j], g0[j])
		}
	}
	learned, err := NewLearned(white, net)
	if err != nil {
		t.Fatal(err)
	}
	rnd := rng.NewRand(2, 0)
	M := p.Modes()
	for _, tt := range []float64{0.01, 0.3, 1, 3, 6} {
		xt := make([]complex128, 2*M)
		for b := 0; b < 2; b++ {
			p.Noise(xt[b*M:(b+1)*M], rnd)
		}
		got := learned.Denoise(nil, xt, []float64{tt, tt})
		want := exact.Denoise(nil, xt, []float64{tt, tt})
		for i := range got {
			if d := got[i] - want[i]; math.Hypot(real(d), imag(d)) > 1e-5*(math.Hypot(real(want[i]), imag(want[i]))+math.Sqrt(p.Norm[0])*1e-3) {
				t.Fatalf("t=%v coefficient %d: %v, exact Gaussian %v", tt, i, got[i], want[i])
			}
		}
	}
	for _, u := range []float64{0.001, 0.1, 0.5, 1} {
		for k := 0; k < sh.Len(); k++ {
			for _, th := range []float64{-0.1, 0, 0.15} {
				_, dg := form(u, k, th)
				const h = 1e-6
				gp, _ := form(u, k, th+h)
				gm, _ := form(u, k, th-h)
				if fd := (gp - gm) / (2 * h); math.Abs(fd-dg) > 1e-6*(math.Abs(dg)+1e-3) {
					t.Errorf("u=%v shell %d θ=%v: ∂g/∂θ %.9g, central difference %.9g", u, k, th, dg, fd)
				}
				if th == 0 {
					if g, _ := form(u, k, 0); g != 0 {
						t.Errorf("u=%v shell %d: θ = 0 gives gain %v, want 0 (the baseline)", u, k, g)
					}
				}
			}
		}
	}
}
