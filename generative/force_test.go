// Copyright ©2026 The rgflow Authors. All rights reserved.

package generative

import (
	"math"
	"sort"
	"testing"

	"rgflow/erg"
	"rgflow/field"
	"rgflow/internal/rng"
	"rgflow/lattice"
)

// polchinskiProcess is the Polchinski flow of the phi4 experiment's kind
// (exponential regulator, m₀² = 0.5, zero mode integrated out) on l.
func polchinskiProcess(t *testing.T, l *lattice.Lattice) *Process {
	t.Helper()
	p, err := erg.NewPolchinski(l, erg.PolchinskiParams{Regulator: erg.Exponential{}, Mass2: 0.5, ZeroMode: erg.IntegrateOutZeroMode})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestForceTargetGaussianIsZero: for free-field data with the exact
// baseline (G₀ = 1/(k̂² + m²)) the force F = −∇S is −x̃₀/G₀ mode by mode, so
// r_C = P·(F + x̃₀/G₀) vanishes identically, the variance-optimal blend is
// λ = 1 on every orbit and every training target is zero up to rounding —
// while the denoising targets of the same examples have unit variance. It
// checks the transform and unit conventions the force target rests on (a
// force taken to the modes with the wrong normalisation leaves an O(1)
// target).
func TestForceTargetGaussianIsZero(t *testing.T) {
	l := lattice.MustNew(6, 6)
	p := polchinskiProcess(t, l)
	const m2 = 0.5
	base, err := NewGaussian(p, freeData(t, p, m2))
	if err != nil {
		t.Fatal(err)
	}
	act, err := field.NewFree(l, m2)
	if err != nil {
		t.Fatal(err)
	}
	data := freeEnsemble(t, l, m2, 64, 3)
	cfg := TrainConfig{Batch: 8, MaxSteps: 1, EvalEvery: 1, HeldOut: 64, Patience: 1, Seed: 9, Force: act.Force}
	tr, err := NewTrainer(base, nullModel{}, data, data, cfg)
	if err != nil {
		t.Fatal(err)
	}
	for k, lam := range tr.fb.lam {
		for j, v := range lam {
			if math.Abs(v-1) > 1e-9 {
				t.Fatalf("knot %d mode %d: λ = %v, want 1", k, j, v)
			}
		}
	}
	V := l.Volume()
	in, tgt := make([]float32, V), make([]float32, V)
	rnd := rng.NewRand(4, rng.StageTrain, 7)
	var maxForce, sumDSM float64
	const n = 40
	for i := 0; i < n; i++ {
		tt := p.T * (0.01 + 0.99*rnd.Float64())
		tr.example(in, tgt, data.Field(i), tt, rnd, true)
		for _, v := range tgt {
			maxForce = math.Max(maxForce, math.Abs(float64(v)))
		}
		tr.example(in, tgt, data.Field(i), tt, rnd, false)
		for _, v := range tgt {
			sumDSM += float64(v) * float64(v)
		}
	}
	msDSM := sumDSM / float64(n*V)
	t.Logf("largest force target %.3g; mean square of the denoising targets %.3f", maxForce, msDSM)
	if maxForce > 1e-5 { // float32 targets of O(1) rounding residues
		t.Errorf("force targets of Gaussian data with the exact baseline: largest |r| = %g, want 0", maxForce)
	}
	// The denoising target has unit variance per mode; the integrated-out
	// zero mode and the finite sample make it slightly less than 1.
	if msDSM < 0.7 || msDSM > 1.3 {
		t.Errorf("mean square of the denoising targets %.3f: want ≈ 1 (the test would be vacuous)", msDSM)
	}
}

// quarticSampler draws exactly (to the resolution of a 2·10⁵-point
// inverse-CDF table on [−5, 5]) from p(ϕ) ∝ exp(−aϕ²/2 − bϕ⁴/4).
type quarticSampler struct{ x, cdf []float64 }

func newQuarticSampler(a, b float64) *quarticSampler {
	const n = 200000
	q := &quarticSampler{x: make([]float64, n+1), cdf: make([]float64, n+1)}
	for i := range q.x {
		q.x[i] = -5 + 10*float64(i)/n
	}
	for i := 1; i <= n; i++ {
		f := func(x float64) float64 { return math.Exp(-a*x*x/2 - b*x*x*x*x/4) }
		q.cdf[i] = q.cdf[i-1] + (f(q.x[i-1])+f(q.x[i]))/2
	}
	for i := range q.cdf {
		q.cdf[i] /= q.cdf[n]
	}
	return q
}

func (q *quarticSampler) draw(u float64) float64 {
	i := sort.SearchFloat64s(q.cdf, u)
	if i == 0 {
		return q.x[0]
	}
	w := (u - q.cdf[i-1]) / (q.cdf[i] - q.cdf[i-1])
	return q.x[i-1] + w*(q.x[i]-q.x[i-1])
}

// TestForceTargetUnbiased checks the identity the force target rests on,
// E[r_D − r_C | x̃_t] = 0, for strongly non-Gaussian data: independent
// sites in the double well p(ϕ) ∝ exp(ϕ²/2 − ϕ⁴/4), sampled exactly, under
// the Polchinski flow on a 6×6 torus with a deliberately wrong baseline
// (G₀ = 1/(k̂² + 1), not the data's flat spectrum). If the conditional mean
// of D = r_D − r_C vanishes, D is orthogonal to every function of x̃_t; the
// test takes h = x̃_t (per mode) and h = the modes of x_t(x)³ (a nonlinear
// function) at three times and requires |z| < 4.5 for all 2 × 3 × 10
// orbit-sums of Re(h̄·D) over 6000 draws (3000 with -short; Bonferroni: a
// false failure below 4·10⁻⁴). Mutations it
// catches (checked): r_C scaled by 2 (|z| up to 22), the force's modes
// divided by √V as with a unitary transform (|z| up to 94) or by V (up
// to 21).
func TestForceTargetUnbiased(t *testing.T) {
	l := lattice.MustNew(6, 6)
	p := polchinskiProcess(t, l)
	V, M := l.Volume(), p.Modes()
	base, err := NewGaussian(p, freeData(t, p, 1))
	if err != nil {
		t.Fatal(err)
	}
	const a, b = -1.0, 1.0
	force := func(dst, x []float64) []float64 {
		for i, v := range x {
			dst[i] = -a*v - b*v*v*v
		}
		return dst
	}
	q := newQuarticSampler(a, b)
	n := 6000
	if testing.Short() {
		n = 3000
	}
	data := field.NewEnsemble(l, n)
	rnd := rng.NewRand(11, rng.StageSample)
	for i := 0; i < n; i++ {
		f := data.Field(i)
		for x := range f {
			f[x] = q.draw(rnd.Float64())
		}
	}
	cfg := TrainConfig{Batch: 8, MaxSteps: 1, EvalEvery: 1, HeldOut: 8, Patience: 1, Seed: 2, Force: force}
	tr, err := NewTrainer(base, nullModel{}, data, data, cfg)
	if err != nil {
		t.Fatal(err)
	}
	ms := NewModeSet(p)
	rD, rC := make([]complex128, M), make([]complex128, M)
	xs, x3 := make([]float64, V), make([]float64, V)
	h3 := make([]complex128, M)
	worst := 0.0
	for _, frac := range []float64{0.05, 0.3, 0.8} {
		tt := frac * p.T
		tr.pc.At(tr.Base, tt)
		// Per orbit and test function: Σ Re(h̄·D) and its square.
		sum := make([][2]float64, ms.Orbits)
		sum2 := make([][2]float64, ms.Orbits)
		noise := rng.NewRand(12, rng.StageTrain, uint64(1000*frac))
		for i := 0; i < n; i++ {
			tr.ex.transition(data.Field(i), tt, noise)
			tr.fb.residuals(rD, rC, 1)
			tr.plan.pl.ToField(xs, tr.ex.xt)
			for x, v := range xs {
				x3[x] = v * v * v
			}
			tr.plan.pl.ToModes(h3, x3)
			var per [][2]float64 = make([][2]float64, ms.Orbits)
			for j := 0; j < M; j++ {
				if !ms.Distinct[j] || tr.pc.Out[j] == 0 {
					continue
				}
				d := rD[j] - rC[j]
				o := ms.Orbit[j]
				per[o][0] += real(tr.ex.xt[j])*real(d) + imag(tr.ex.xt[j])*imag(d)
				per[o][1] += real(h3[j])*real(d) + imag(h3[j])*imag(d)
			}
			for o := range per {
				for c := 0; c < 2; c++ {
					sum[o][c] += per[o][c]
					sum2[o][c] += per[o][c] * per[o][c]
				}
			}
		}
		for o := range sum {
			for c := 0; c < 2; c++ {
				if sum2[o][c] == 0 {
					continue // the integrated-out zero mode
				}
				mean := sum[o][c] / float64(n)
				se := math.Sqrt((sum2[o][c]/float64(n) - mean*mean) / float64(n-1))
				z := mean / se
				worst = math.Max(worst, math.Abs(z))
				if math.Abs(z) > 4.5 {
					t.Errorf("t = %.2fT orbit %d h%d: E[Re(h̄·D)] = %.4g ± %.2g (z %.1f), want 0", frac, o, c, mean, se, z)
				}
			}
		}
	}
	t.Logf("largest |z| %.2f", worst)
}
