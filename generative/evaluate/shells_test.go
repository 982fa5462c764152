// Copyright ©2026 The rgflow Authors. All rights reserved.

package evaluate

import (
	"math"
	"testing"

	"rgflow/erg"
	"rgflow/generative"
	"rgflow/lattice"
)

// TestShellDenoiseClosedForm checks the per-shell cells against closed
// forms: a Gaussian denoiser whose spectrum is wrong by a factor 1 + δ on
// one shell only has, against the exact one,
//   - Dist = SpectralExcess(δ) on that shell (x̂′ − x̂ = (c′ − c) x̃_t, so
//     E|x̂′ − x̂|² = (c′ − c)² G_t exactly), and 0 on every other shell,
//   - Excess with the same expectation (the exact denoiser is the
//     posterior mean: the cross term vanishes), with a larger error,
//   - ScoreErr = Σ w (G_t/G′_t − 1)²/G_t / Σ w 1/G_t (the Gaussian scores
//     are −x̃_t/G_t),
//
// each within 4 standard errors (two-sided 99.994% per cell; 3 shells × 4
// times × 3 quantities are tested, so a correct code fails with
// probability below 0.3%).
func TestShellDenoiseClosedForm(t *testing.T) {
	l := lattice.MustNew(8, 8)
	p, err := generative.NewVP(l, erg.Periodic, generative.SongVP, nil)
	if err != nil {
		t.Fatal(err)
	}
	g0, err := generative.FreeSpectrum(generative.Dispersion(l, erg.Periodic), 0.5)
	if err != nil {
		t.Fatal(err)
	}
	exact, _ := generative.NewGaussian(p, g0)
	sh, err := ProcessShells(p)
	if err != nil {
		t.Fatal(err)
	}
	const delta = 0.3
	target := []int{0, 1, sh.Len() - 1}
	held := freeEnsemble(t, l, 0.5, 500, 41)
	times := []float64{0.05, 0.2, 0.5, 1}
	for _, k0 := range target {
		g1 := append([]float64(nil), g0...)
		for j, k := range sh.Index {
			if k == k0 {
				g1[j] *= 1 + delta
			}
		}
		wrong, _ := generative.NewGaussian(p, g1)
		d, err := DenoiseMSE(p, held, times, 5, []string{"exact", "wrong"}, exact, wrong)
		if err != nil {
			t.Fatal(err)
		}
		bar := SpectralExcess(exact, times, sh, delta)
		sd := d.Shell
		for i, tt := range times {
			for k := 0; k < sh.Len(); k++ {
				if k != k0 {
					if sd.Dist[1][i][k] != 0 || sd.Excess[1][i][k] != 0 || sd.ScoreErr[1][i][k] != 0 {
						t.Errorf("shell %d wrong, t=%v: shell %d Dist %v Excess %v ScoreErr %v, want 0", k0, tt, k, sd.Dist[1][i][k], sd.Excess[1][i][k], sd.ScoreErr[1][i][k])
					}
					continue
				}
				want := bar[i][k]
				for _, c := range []struct {
					name   string
					v, err float64
				}{{"Dist", sd.Dist[1][i][k], sd.DistErr[1][i][k]}, {"Excess", sd.Excess[1][i][k], sd.ExcessErr[1][i][k]}} {
					if z := (c.v - want) / c.err; !(math.Abs(z) < 4) {
						t.Errorf("shell %d, t=%v: %s %.5g ± %.2g, closed form %.5g (z %.2f)", k, tt, c.name, c.v, c.err, want, z)
					}
				}
				if sd.Excess[0][i][k] != 0 || sd.Dist[0][i][k] != 0 {
					t.Errorf("shell %d, t=%v: the reference against itself: Excess %v Dist %v", k, tt, sd.Excess[0][i][k], sd.Dist[0][i][k])
				}
				var num, den float64
				for j, kj := range sh.Index {
					if kj != k {
						continue
					}
					a := p.Sched.AlphaBar(tt, p.Eps[j])
					gt := a*g0[j] + (1-a)*p.Sigma2[j]
					gt1 := a*g1[j] + (1-a)*p.Sigma2[j]
					num += p.Weight[j] * (gt/gt1 - 1) * (gt/gt1 - 1) / gt
					den += p.Weight[j] / gt
				}
				// A shell of one mode has no spread: its error is rounding
				// (amplified by the cancellation in G_t/G′_t − 1).
				if dev := math.Abs(sd.ScoreErr[1][i][k] - num/den); !(dev < 4*sd.ScoreErrErr[1][i][k] || dev < 1e-9*num/den) {
					t.Errorf("shell %d, t=%v: ScoreErr %.5g ± %.2g, closed form %.5g", k, tt, sd.ScoreErr[1][i][k], sd.ScoreErrErr[1][i][k], num/den)
				}
				// The per-mode MSE of the exact denoiser is the posterior
				// variance.
				var pv, cnt float64
				for j, kj := range sh.Index {
					if kj == k {
						pv += p.Weight[j] * exact.PosteriorVar(j, tt)
						cnt += p.Weight[j]
					}
				}
				if z := (sd.MSE[0][i][k] - pv/cnt) / sd.MSEErr[0][i][k]; !(math.Abs(z) < 4) {
					t.Errorf("shell %d, t=%v: exact MSE per mode %.5g ± %.2g, posterior variance %.5g", k, tt, sd.MSE[0][i][k], sd.MSEErr[0][i][k], pv/cnt)
				}
			}
		}
	}
}

// TestSpectralExcessSmallDelta checks SpectralExcess against its small-δ
// limit: per mode E|x̂′ − x̂|²/Var[x₀|x_t] → δ² G₀ r/(G₀ + r)² with r =
// (1 − ᾱ)σ²/ᾱ, so a shell's excess is quadratic in δ with the
// Var-weighted mean of that coefficient, and 0 for δ = 0.
func TestSpectralExcessSmallDelta(t *testing.T) {
	l := lattice.MustNew(4)
	p, err := generative.NewVP(l, erg.Periodic, generative.SongVP, nil)
	if err != nil {
		t.Fatal(err)
	}
	g0, _ := generative.FreeSpectrum(generative.Dispersion(l, erg.Periodic), 1)
	g, _ := generative.NewGaussian(p, g0)
	sh, _ := ProcessShells(p)
	times := []float64{0.1, 0.5}
	const d = 1e-4
	ex := SpectralExcess(g, times, sh, d)
	zero := SpectralExcess(g, times, sh, 0)
	for i, tt := range times {
		for k := 0; k < sh.Len(); k++ {
			var num, den float64
			for j, kj := range sh.Index {
				if kj != k {
					continue
				}
				a := p.Sched.AlphaBar(tt, p.Eps[j])
				r := (1 - a) * p.Sigma2[j] / a
				pv := p.Weight[j] * g.PosteriorVar(j, tt)
				num += pv * d * d * g0[j] * r / ((g0[j] + r) * (g0[j] + r))
				den += pv
			}
			want := num / den
			if math.Abs(ex[i][k]-want) > 1e-3*want {
				t.Errorf("t=%v shell %d: SpectralExcess(%g) = %.6g, small-δ limit %.6g", tt, k, d, ex[i][k], want)
			}
			if zero[i][k] != 0 {
				t.Errorf("t=%v shell %d: SpectralExcess(0) = %v", tt, k, zero[i][k])
			}
		}
	}
}

// TestShellKLGaussianPath checks ShellKL against the exact relative
// entropy of a Gaussian model: a score of spectrum G′ = G(1 + δ) on one
// shell has, by Girsanov's theorem and because the two forward processes
// differ only in their start,
//
//	½∫₀ᵀ βσ² E|s′ − s|² dt = KL(G ‖ G′)|₀ − KL(G_T ‖ G′_T),
//
// per mode, with KL(a ‖ b) = ½(a/b − 1 − ln(a/b)). On a dense grid the
// integral of KLRate over the shell matches it within 4 standard errors
// plus 1% for the trapezoid rule, and 2√KL is the |δ| of a small error;
// every other shell costs nothing.
func TestShellKLGaussianPath(t *testing.T) {
	l := lattice.MustNew(8, 8)
	p, err := generative.NewVP(l, erg.Periodic, generative.SongVP, nil)
	if err != nil {
		t.Fatal(err)
	}
	g0, _ := generative.FreeSpectrum(generative.Dispersion(l, erg.Periodic), 0.5)
	exact, _ := generative.NewGaussian(p, g0)
	sh, _ := ProcessShells(p)
	held := freeEnsemble(t, l, 0.5, 400, 43)
	times := make([]float64, 120)
	for i := range times {
		u := float64(i+1) / float64(len(times))
		times[i] = p.T * u * u
	}
	kl := func(a, b float64) float64 { return 0.5 * (a/b - 1 - math.Log(a/b)) }
	for _, c := range []struct {
		shell int
		delta float64
	}{{0, -0.5}, {1, -0.5}, {sh.Len() - 1, 0.05}} {
		g1 := append([]float64(nil), g0...)
		for j, k := range sh.Index {
			if k == c.shell {
				g1[j] *= 1 + c.delta
			}
		}
		wrong, _ := generative.NewGaussian(p, g1)
		d, err := DenoiseMSE(p, held, times, 6, []string{"exact", "wrong"}, exact, wrong)
		if err != nil {
			t.Fatal(err)
		}
		got, gotErr, delta := d.ShellKL(1)
		var want, cnt float64
		T := times[len(times)-1]
		t0 := times[0]
		for j, k := range sh.Index {
			if k != c.shell {
				continue
			}
			var gt, gt1 [2]float64
			for i, tt := range []float64{t0, T} {
				a := p.Sched.AlphaBar(tt, p.Eps[j])
				gt[i] = a*g0[j] + (1-a)*p.Sigma2[j]
				gt1[i] = a*g1[j] + (1-a)*p.Sigma2[j]
			}
			want += p.Weight[j] * (kl(gt[0], gt1[0]) - kl(gt[1], gt1[1]))
			cnt += p.Weight[j]
		}
		want /= cnt
		k := c.shell
		if dev := math.Abs(got[k] - want); dev > 4*gotErr[k]+0.01*want {
			t.Errorf("shell %d, δ = %v: ∫KL rate %.5g ± %.2g, path KL %.5g", k, c.delta, got[k], gotErr[k], want)
		}
		t.Logf("shell %d, δ = %v: ∫KL rate %.5g ± %.2g, path KL %.5g, δ_eq %.4g", k, c.delta, got[k], gotErr[k], want, delta[k])
		// The error is a pure gain error: its linear part is all of it
		// where the shell is one k̂² (the zero mode) and at most all of
		// it elsewhere (one γ per shell).
		lin, linErr, _ := d.ShellKLLin(1)
		if k == 0 && math.Abs(lin[k]-got[k]) > 4*math.Hypot(linErr[k], gotErr[k]) {
			t.Errorf("zero mode: linear part %.5g ± %.2g of KL %.5g ± %.2g", lin[k], linErr[k], got[k], gotErr[k])
		}
		if lin[k] > got[k]+4*math.Hypot(linErr[k], gotErr[k]) {
			t.Errorf("shell %d: linear part %.5g ± %.2g exceeds KL %.5g ± %.2g", k, lin[k], linErr[k], got[k], gotErr[k])
		}
		if c.delta > 0 && math.Abs(delta[k]-c.delta) > 0.1*c.delta {
			t.Errorf("shell %d, δ = %v: equivalent spectral error %.4g", k, c.delta, delta[k])
		}
		for kk := range got {
			if kk != k && got[kk] != 0 {
				t.Errorf("shell %d wrong: shell %d costs %v", k, kk, got[kk])
			}
		}
	}
}

// noisyScore is the exact Gaussian denoiser plus noise independent of its
// input: an error with no gain part.
type noisyScore struct {
	g   *generative.Gaussian
	amp float64
	i   int
}

func (n *noisyScore) Denoise(dst, xt []complex128, t []float64) []complex128 {
	dst = n.g.Denoise(dst, xt, t)
	for j := range dst {
		// A deterministic pseudo-random sequence, uncorrelated with xt.
		n.i++
		u := math.Sin(float64(n.i)*12.9898) * 43758.5453
		u -= math.Floor(u)
		dst[j] += complex(n.amp*(u-0.5), 0)
	}
	return dst
}

// TestShellKLLinearIgnoresNoise checks that noise added to the exact
// denoiser, independent of x̃_t, costs relative entropy (KL > 0, many
// standard errors) but has no gain part: its linear KL is below 1% of the
// full one on every shell.
func TestShellKLLinearIgnoresNoise(t *testing.T) {
	l := lattice.MustNew(8, 8)
	p, err := generative.NewVP(l, erg.Periodic, generative.SongVP, nil)
	if err != nil {
		t.Fatal(err)
	}
	g0, _ := generative.FreeSpectrum(generative.Dispersion(l, erg.Periodic), 0.5)
	exact, _ := generative.NewGaussian(p, g0)
	held := freeEnsemble(t, l, 0.5, 400, 44)
	times := []float64{0.1, 0.3, 0.6, 1}
	d, err := DenoiseMSE(p, held, times, 7, []string{"exact", "noisy"}, exact, &noisyScore{g: exact, amp: 0.05})
	if err != nil {
		t.Fatal(err)
	}
	kl, klErr, _ := d.ShellKL(1)
	lin, _, _ := d.ShellKLLin(1)
	for k := range kl {
		if !(kl[k] > 10*klErr[k]) {
			t.Errorf("shell %d: KL %.4g ± %.2g, want clearly positive", k, kl[k], klErr[k])
		}
		if !(lin[k] < 0.01*kl[k]) {
			t.Errorf("shell %d: linear part %.4g of KL %.4g, want < 1%%", k, lin[k], kl[k])
		}
	}
}
