// Copyright ©2026 The rgflow Authors. All rights reserved.

package evaluate

import (
	"fmt"
	"math"

	"rgflow/erg"
	"rgflow/generative"
	"rgflow/lattice"
)

// ShellDenoise is the denoising comparison resolved by momentum shell and
// time. Averaged over sites, the error of a learned denoiser is dominated
// by the many short-wavelength modes; the few long-wavelength modes that
// carry χ and the magnetisation, and whose errors generation amplifies,
// hardly move it. Per shell they are visible.
//
// Every array is indexed [score][time][shell], score 0 being the reference
// denoiser the others are measured against (the exact one where it is
// known). Each cell is a ratio of two means over the held-out fields, with
// the standard error of the ratio by the delta method.
type ShellDenoise struct {
	// Shells bins the Process' modes by |k̂|.
	Shells *lattice.Shells
	// MSE is the mean squared error per mode of the shell, covariance
	// units (Norm divided out), and MSEErr its standard error.
	MSE, MSEErr [][][]float64
	// Excess is the paired relative excess (MSE_s − MSE_0)/MSE_0.
	Excess, ExcessErr [][][]float64
	// Dist is E|x̂_s − x̂_0|²/MSE_0, the squared distance to the reference
	// denoiser. When the reference is the posterior mean (the exact
	// denoiser) the cross term of the paired difference has zero mean, so
	// Dist and Excess have the same expectation, but Dist has no noise
	// from x₀: it is the estimate a verdict can rest on.
	Dist, DistErr [][][]float64
	// ScoreErr is the relative score error E|s_s − s_0|²/E|s_0|², the
	// scores from the denoisers by Tweedie's formula (ScoreOf); modes not
	// yet noised (ᾱ = 1) have no score and are left out. NaN where the
	// shell has no noised mode.
	ScoreErr, ScoreErrErr [][][]float64
	// KLRate is the score error's rate of relative entropy per mode of the
	// shell, ½ β σ² E|s_s − s_0|² (covariance units): the integrand of
	// Song et al.'s bound KL(p₀ ‖ p_θ) ≤ ½∫ g² E|∇log p_t − s_θ|² dt
	// (g² = βσ², NeurIPS 2021, thm 1), resolved by shell. Integrated over
	// t (ShellKL) it is the relative entropy per mode that the score's error
	// on that shell costs the generated fields.
	KLRate, KLRateErr [][][]float64
	// KL[s][k] is KLRate integrated over the times by the trapezoid rule,
	// per held-out field and then averaged, so that KLErr includes the
	// correlation of the cells through the common fields; nil unless the
	// times increase. The part of the flow before the first time is not
	// counted.
	KL, KLErr [][]float64
	// KLLin is the part of KLRate that a gain error explains: per shell and
	// time, the weighted least-squares fit of x̂₀,s − x̂₀,0 ≈ γ·x̃_t (one
	// real γ per shell, weighted by the modes' KL factors) and the rate of
	// that linear error. A gain error is what moves the generated spectrum
	// (a Gaussian model's error is one); the rest of the error (noise,
	// nonlinear couplings) leaves second moments alone and is for the
	// distribution checks. KLLinErr is its delta-method error; KLLinInt and
	// KLLinIntErr its trapezoid integral over the times (the cells' errors
	// combined as independent, an approximation) — nil unless the times
	// increase.
	KLLin, KLLinErr       [][][]float64
	KLLinInt, KLLinIntErr [][]float64
}

// ProcessShells bins p's modes into lattice.DefaultShellCount shells of
// |k̂| plus the zero shell: the binning of lattice.Shells for the Periodic
// basis, and of the cosine modes' k̂² for Open.
func ProcessShells(p *generative.Process) (*lattice.Shells, error) {
	n := p.Lat.DefaultShellCount()
	if p.Basis == erg.Open {
		return lattice.NewShells(p.Lat.DCTKHat2(), p.Weight, n)
	}
	sh, err := p.Lat.Shells(n)
	if err != nil {
		return nil, err
	}
	if len(sh.Index) != p.Modes() {
		return nil, fmt.Errorf("evaluate: %d shell indices for %d modes", len(sh.Index), p.Modes())
	}
	return sh, nil
}

// shellSums accumulates, per field, the weighted per-shell sums the cells
// of ShellDenoise are ratios of.
type shellSums struct {
	K int
	// per score, per field×shell
	err, dist, sdiff, kl [][]float64
	snorm                []float64 // |s_0|² of the reference, per field×shell
	// klInt accumulates each field's trapezoid integral of the KL rate.
	klInt [][]float64
	// rx and xx are the KL-weighted Re(Δx̂·x̃_t*) and |x̃_t|² of the fit of
	// KLLin, per field×shell (xx is the same for every score).
	rx [][]float64
	xx []float64
}

func newShellSums(S, N, K int) *shellSums {
	a := func() [][]float64 {
		x := make([][]float64, S)
		for s := range x {
			x[s] = make([]float64, N*K)
		}
		return x
	}
	return &shellSums{K: K, err: a(), dist: a(), sdiff: a(), kl: a(), klInt: a(), rx: a(), snorm: make([]float64, N*K), xx: make([]float64, N*K)}
}

func (u *shellSums) reset() {
	for s := range u.err {
		clear(u.err[s])
		clear(u.dist[s])
		clear(u.sdiff[s])
		clear(u.kl[s])
		clear(u.rx[s])
	}
	clear(u.xx)
	clear(u.snorm)
}

// add accumulates field n of a batch: x0 the data, xt the noised field,
// xh[s] each score's denoised field (one field's modes each), a the modes'
// ᾱ and beta their β at this time.
func (u *shellSums) add(p *generative.Process, idx []int, n int, x0, xt []complex128, xh [][]complex128, a, beta []float64) {
	K := u.K
	for j := range x0 {
		k := idx[j]
		w := p.Weight[j] / p.Norm[j]
		// Score factor: s = (√ᾱ x̂ − x_t)/((1 − ᾱ)σ²Norm); |s|²·Norm in
		// covariance units.
		var sf float64
		if a[j] < 1 {
			d := (1 - a[j]) * p.Sigma2[j]
			sf = 1 / (d * d)
		}
		ra := complex(math.Sqrt(a[j]), 0)
		s0 := ra*xh[0][j] - xt[j]
		u.snorm[n*K+k] += w * sf * abs2(s0)
		// The KL factor of mode j: rate = q·|Δx̂|².
		var q float64
		if sf > 0 && !math.IsInf(beta[j], 0) {
			q = 0.5 * beta[j] * p.Sigma2[j] * w * sf * a[j]
		}
		u.xx[n*K+k] += q * abs2(xt[j])
		for s := range xh {
			e := xh[s][j] - x0[j]
			u.err[s][n*K+k] += w * abs2(e)
			dd := xh[s][j] - xh[0][j]
			u.dist[s][n*K+k] += w * abs2(dd)
			ds := w * sf * a[j] * abs2(dd)
			u.sdiff[s][n*K+k] += ds
			if ds > 0 { // β may be +Inf where a sharp regulator removes a mode
				u.kl[s][n*K+k] += 0.5 * beta[j] * p.Sigma2[j] * ds
			}
			u.rx[s][n*K+k] += q * (real(dd)*real(xt[j]) + imag(dd)*imag(xt[j]))
		}
	}
}

func abs2(z complex128) float64 { return real(z)*real(z) + imag(z)*imag(z) }

// cells writes the time-i cells of d from the sums of N fields and adds
// the KL rates with trapezoid weight h to the fields' integrals.
func (u *shellSums) cells(d *ShellDenoise, i, N int, h float64) {
	for s := range u.kl {
		for n, v := range u.kl[s] {
			u.klInt[s][n] += h * v
		}
	}
	K := u.K
	col := func(x []float64, k int, dst []float64) []float64 {
		for n := 0; n < N; n++ {
			dst[n] = x[n*K+k]
		}
		return dst
	}
	e0, es, ds := make([]float64, N), make([]float64, N), make([]float64, N)
	sd, sn, xv := make([]float64, N), make([]float64, N), make([]float64, N)
	for k := 0; k < K; k++ {
		cnt := d.Shells.Count[k]
		col(u.err[0], k, e0)
		col(u.snorm, k, sn)
		for s := range u.err {
			col(u.err[s], k, es)
			m, se := meanErr(es, nil)
			d.MSE[s][i][k], d.MSEErr[s][i][k] = m/cnt, se/cnt
			for n := range ds {
				ds[n] = es[n] - e0[n]
			}
			d.Excess[s][i][k], d.ExcessErr[s][i][k] = ratioErr(ds, e0)
			d.Dist[s][i][k], d.DistErr[s][i][k] = ratioErr(col(u.dist[s], k, ds), e0)
			d.ScoreErr[s][i][k], d.ScoreErrErr[s][i][k] = ratioErr(col(u.sdiff[s], k, sd), sn)
			m, se = meanErr(col(u.kl[s], k, sd), nil)
			d.KLRate[s][i][k], d.KLRateErr[s][i][k] = m/cnt, se/cnt
			d.KLLin[s][i][k], d.KLLinErr[s][i][k] = linRate(col(u.rx[s], k, sd), col(u.xx, k, xv), cnt)
		}
	}
}

// ratioErr returns mean(x)/mean(y) and its standard error by the delta
// method (x and y paired samples); NaN, NaN if mean(y) is 0.
func ratioErr(x, y []float64) (float64, float64) {
	n := float64(len(x))
	var mx, my float64
	for i := range x {
		mx += x[i]
		my += y[i]
	}
	mx /= n
	my /= n
	if my == 0 {
		return math.NaN(), math.NaN()
	}
	r := mx / my
	var v float64
	for i := range x {
		d := (x[i] - mx) - r*(y[i]-my)
		v += d * d
	}
	return r, math.Sqrt(v/(n-1)/n) / math.Abs(my)
}

func newShellDenoise(sh *lattice.Shells, S, T int) *ShellDenoise {
	a := func() [][][]float64 {
		x := make([][][]float64, S)
		for s := range x {
			x[s] = make([][]float64, T)
			for i := range x[s] {
				x[s][i] = make([]float64, sh.Len())
			}
		}
		return x
	}
	return &ShellDenoise{Shells: sh, MSE: a(), MSEErr: a(), Excess: a(), ExcessErr: a(),
		Dist: a(), DistErr: a(), ScoreErr: a(), ScoreErrErr: a(), KLRate: a(), KLRateErr: a(), KLLin: a(), KLLinErr: a()}
}

// SpectralExcess returns, per time and shell, the relative excess error
// Σ_k∈shell E|x̂′ − x̂|² / Σ_k∈shell Var[x₀ | x_t] (weighted by the modes'
// multiplicity) of the Gaussian denoiser whose spectrum is g.G0·(1 + delta)
// on that shell against g's own: the Dist a denoiser has whose only error
// is a relative error delta of the spectrum it has learned there. It is
// closed form: x̂ = c x̃_t with the gain c = √ᾱ G₀/G_t, so E|x̂′ − x̂|² =
// (c′ − c)² G_t.
func SpectralExcess(g *generative.Gaussian, times []float64, sh *lattice.Shells, delta float64) [][]float64 {
	p := g.P
	out := make([][]float64, len(times))
	for i, t := range times {
		num, den := make([]float64, sh.Len()), make([]float64, sh.Len())
		for j, e := range p.Eps {
			a := p.Sched.AlphaBar(t, e)
			g0, s2 := g.G0[j], p.Sigma2[j]
			gt := a*g0 + (1-a)*s2
			if gt <= 0 {
				continue
			}
			c := math.Sqrt(a) * g0 / gt
			g1 := g0 * (1 + delta)
			gt1 := a*g1 + (1-a)*s2
			c1 := math.Sqrt(a) * g1 / gt1
			k := sh.Index[j]
			num[k] += p.Weight[j] * (c1 - c) * (c1 - c) * gt
			den[k] += p.Weight[j] * g0 * (1 - a) * s2 / gt
		}
		out[i] = make([]float64, sh.Len())
		for k := range num {
			out[i][k] = math.NaN()
			if den[k] > 0 {
				out[i][k] = num[k] / den[k]
			}
		}
	}
	return out
}

// linRate returns the rate (mean rx)²/(mean xx)/cnt of the fitted gain
// error and its delta-method standard error, from the per-field sums rx
// and xx; 0, 0 where xx vanishes (no noised mode).
func linRate(rx, xx []float64, cnt float64) (float64, float64) {
	n := float64(len(rx))
	var mr, mx float64
	for i := range rx {
		mr += rx[i]
		mx += xx[i]
	}
	mr /= n
	mx /= n
	if !(mx > 0) {
		return 0, 0
	}
	f := mr * mr / mx
	// ∂f/∂mr = 2mr/mx, ∂f/∂mx = −mr²/mx².
	gr, gx := 2*mr/mx, -mr*mr/(mx*mx)
	var v float64
	for i := range rx {
		d := gr*(rx[i]-mr) + gx*(xx[i]-mx)
		v += d * d
	}
	return f / cnt, math.Sqrt(v/(n-1)/n) / cnt
}

// finish sets d.KL and d.KLErr from the fields' integrals.
func (u *shellSums) finish(d *ShellDenoise, N int) {
	K := u.K
	x := make([]float64, N)
	d.KL, d.KLErr = make([][]float64, len(u.klInt)), make([][]float64, len(u.klInt))
	for s := range u.klInt {
		d.KL[s], d.KLErr[s] = make([]float64, K), make([]float64, K)
		for k := 0; k < K; k++ {
			for n := range x {
				x[n] = u.klInt[s][n*K+k]
			}
			m, e := meanErr(x, nil)
			d.KL[s][k], d.KLErr[s][k] = m/d.Shells.Count[k], e/d.Shells.Count[k]
		}
	}
}

// trapezoid returns the trapezoid-rule weights of the increasing times,
// or nil if they do not increase.
func trapezoid(times []float64) []float64 {
	w := make([]float64, len(times))
	for i := 1; i < len(times); i++ {
		h := times[i] - times[i-1]
		if !(h > 0) {
			return nil
		}
		w[i-1] += h / 2
		w[i] += h / 2
	}
	return w
}

// integrateLin sets d.KLLinInt and d.KLLinIntErr with the trapezoid
// weights w.
func (d *ShellDenoise) integrateLin(w []float64) {
	S, K := len(d.KLLin), d.Shells.Len()
	d.KLLinInt, d.KLLinIntErr = make([][]float64, S), make([][]float64, S)
	for s := 0; s < S; s++ {
		d.KLLinInt[s], d.KLLinIntErr[s] = make([]float64, K), make([]float64, K)
		for k := 0; k < K; k++ {
			var v, e2 float64
			for i, h := range w {
				v += h * d.KLLin[s][i][k]
				e2 += h * h * d.KLLinErr[s][i][k] * d.KLLinErr[s][i][k]
			}
			d.KLLinInt[s][k], d.KLLinIntErr[s][k] = v, math.Sqrt(e2)
		}
	}
}

// ShellKL returns, for each shell, the relative entropy per mode that the
// score's error costs (KL, KLErr of score s) and its equivalent spectral
// error δ = 2√KL: a Gaussian model whose spectrum is off by a factor
// 1 + δ on a shell costs KL(N(0, G) ‖ N(0, G(1 + δ))) ≈ δ²/4 per mode,
// and its reverse process' path has exactly that relative entropy (the
// forward paths differ only in their start), so δ is in the units of the
// generated spectrum's own tolerance. A NaN KL gives δ = +Inf. Nil if d
// has no shell decomposition or its times do not increase.
func (d *DenoiseCurve) ShellKL(s int) (kl, klErr, delta []float64) {
	if d.Shell == nil || d.Shell.KL == nil {
		return nil, nil, nil
	}
	return equivalent(d.Shell.KL[s], d.Shell.KLErr[s])
}

// ShellKLLin is ShellKL of the linear part of the score's error
// (ShellDenoise.KLLin): the relative entropy per mode a gain error costs
// each shell, and its equivalent spectral error δ = 2√KL, which for a
// Gaussian model's error is the whole of it. It is the part of the error
// the generated spectrum's 5% bar is about.
func (d *DenoiseCurve) ShellKLLin(s int) (kl, klErr, delta []float64) {
	if d.Shell == nil || d.Shell.KLLinInt == nil {
		return nil, nil, nil
	}
	return equivalent(d.Shell.KLLinInt[s], d.Shell.KLLinIntErr[s])
}

func equivalent(kl, klErr []float64) (_, _, delta []float64) {
	delta = make([]float64, len(kl))
	for k, v := range kl {
		delta[k] = 2 * math.Sqrt(math.Max(v, 0))
		if math.IsNaN(v) {
			delta[k] = math.Inf(1)
		}
	}
	return kl, klErr, delta
}
