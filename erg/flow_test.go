// Copyright ©2026 The rgflow Authors. All rights reserved.

package erg

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"rgflow/field"
	"rgflow/lattice"
)

// chi2Quantile returns the upper quantile of χ² with dof degrees of
// freedom at standard-normal level z (Wilson–Hilferty approximation,
// accurate to a few parts in 10³ for dof ≥ 10).
func chi2Quantile(dof, z float64) float64 {
	return dof * math.Pow(1-2/(9*dof)+z*math.Sqrt(2/(9*dof)), 3)
}

// zPerTest is the one-sided standard-normal level of every χ² test in
// this file: 3.719 is the 1 − 10⁻⁴ quantile, so that the ~100 χ² tests
// below have a family-wise false-alarm rate near 1% (fixed seeds make the
// outcome reproducible).
const zPerTest = 3.719

// gaussianData returns n exact samples of the Gaussian field with
// covariance eigenvalue g0[j] on each mode of p's basis, drawn in mode
// space with Process.Noise.
func gaussianData(p *Process, g0 []float64, n int, rnd *rand.Rand) *field.Ensemble {
	e := field.NewEnsemble(p.Lat, n)
	pl := p.NewPlan()
	m := make([]complex128, p.Modes())
	for i := 0; i < n; i++ {
		p.Noise(m, rnd)
		for j := range m {
			m[j] *= complex(math.Sqrt(g0[j]), 0)
		}
		pl.ToField(e.Field(i), m)
	}
	return e
}

// spectrumChi2 returns χ² and its degrees of freedom for the sample
// spectrum ghat (n samples) against want, over independent modes: a real
// mode has |x̃|²/Norm ~ G·χ²₁ (relative variance 2), a complex one
// G·Exp(1) (relative variance 1). Modes with want ≈ 0 must have ghat ≈ 0
// to round-off and are not counted: below 10⁻²⁰ of the largest variance,
// where the leakage of a double-precision transform (~10⁻³² relative)
// and the signal are no longer told apart.
func spectrumChi2(t *testing.T, p *Process, ghat, want []float64, n int) (chi2, dof float64) {
	t.Helper()
	gmax := 0.0
	for _, w := range want {
		gmax = math.Max(gmax, w)
	}
	floor := 1e-20 * gmax
	for j := range ghat {
		if p.Basis == Periodic && p.conj[j] >= 0 && p.conj[j] < j {
			continue
		}
		rv := 1.0
		if p.isRealMode(j) {
			rv = 2
		}
		if want[j] < floor {
			// ᾱ ≈ 0 in φ variables: only transform round-off is left,
			// plus, for a mode whose variance lies just below the floor
			// (the DCT process's mode 10 at t = T: 0.83 of it), that
			// variance's own sampling error, allowed to zPerTest
			// standard errors as in the χ² tests.
			if lim := math.Max(floor, want[j]*(1+zPerTest*math.Sqrt(rv/float64(n)))); ghat[j] > lim {
				t.Errorf("mode %d: spectrum %v, want ≈ 0 (%v)", j, ghat[j], want[j])
			}
			continue
		}
		z := (ghat[j] - want[j]) / (want[j] * math.Sqrt(rv/float64(n)))
		chi2 += z * z
		dof++
	}
	return chi2, dof
}

type namedProcess struct {
	name string
	p    *Process
}

func flowTestProcesses(t *testing.T, l *lattice.Lattice) []namedProcess {
	t.Helper()
	var out []namedProcess
	add := func(name string, p *Process, err error) {
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out = append(out, namedProcess{name, p})
	}
	p, err := NewPolchinski(l, PolchinskiParams{Regulator: Exponential{}, Mass2: 0.5})
	add("exp/keep", p, err)
	p, err = NewPolchinski(l, PolchinskiParams{Regulator: Litim{}, Mass2: 0.5, ZeroMode: IntegrateOutZeroMode})
	add("litim/integrate-out", p, err)
	p, err = NewPolchinski(l, PolchinskiParams{Regulator: FermiDirac{T: 0.2}, Mass2: 1, ZeroMode: IntegrateOutZeroMode, Basis: Open})
	add("fermi-dirac/integrate-out/dct", p, err)
	p, err = NewChemicalPotentialFlow(l, ChemicalPotentialParams{Temp: 0.4, Mass2: 0.5})
	add("chemical-potential", p, err)
	return out
}

// TestFlowSpectra is numerical demonstration (1): free-field samples
// flowed by the exact transition have, at every snapshot, the analytic
// spectrum G_t = ᾱG₀ + (1−ᾱ)σ² (x variables) or ᾱG_t (φ variables),
// by a χ² test over modes, for several schedules, both couplings and
// both bases.
func TestFlowSpectra(t *testing.T) {
	l := lattice.MustNew(8, 6)
	const n = 400
	for _, np := range flowTestProcesses(t, l) {
		p := np.p
		// Free data of mass² 0.1 (unlike the fixed point's).
		g0 := make([]float64, p.Modes())
		for j, e := range p.Eps {
			g0[j] = 1 / (e + 0.1)
		}
		data := gaussianData(p, g0, n, rand.New(rand.NewPCG(7, 8)))
		times := []float64{0, 0.05 * p.T, 0.2 * p.T, 0.45 * p.T, 0.8 * p.T, p.T}
		for _, c := range []Coupling{Marginal, Trajectory} {
			for _, v := range []Variables{X, Phi} {
				f, err := NewFlow(p, times, c, v)
				if err != nil {
					t.Fatal(err)
				}
				ghat := make([]float64, p.Modes())
				want := make([]float64, p.Modes())
				ab := make([]float64, p.Modes())
				err = f.Run(data, 11, func(i int, tt float64, e *field.Ensemble) error {
					p.EstimateSpectrum(ghat, e)
					p.Spectrum(want, g0, tt)
					if v == Phi {
						p.AlphaBar(ab, tt)
						for j := range want {
							want[j] *= ab[j]
						}
					}
					chi2, dof := spectrumChi2(t, p, ghat, want, n)
					if q := chi2Quantile(dof, zPerTest); chi2 > q {
						t.Errorf("%s %v %v t=%.3g: χ² = %.1f over %v modes exceeds %.1f", np.name, c, v, tt, chi2, dof, q)
					}
					return nil
				})
				if err != nil {
					t.Fatal(err)
				}
			}
		}
	}
}

// crossCov returns, per mode, the sample mean of Re(x̃_s conj x̃_t)/Norm
// over the ensembles a (time s) and b (time t).
func crossCov(p *Process, a, b *field.Ensemble) []float64 {
	pl := p.NewPlan()
	ma := make([]complex128, p.Modes())
	mb := make([]complex128, p.Modes())
	out := make([]float64, p.Modes())
	for i := 0; i < a.Len(); i++ {
		pl.ToModes(ma, a.Field(i))
		pl.ToModes(mb, b.Field(i))
		for j := range ma {
			out[j] += real(ma[j])*real(mb[j]) + imag(ma[j])*imag(mb[j])
		}
	}
	for j := range out {
		out[j] /= float64(a.Len()) * p.Norm[j]
	}
	return out
}

// TestFlowJointLaw checks how snapshots of one sample at two times are
// coupled. Along a trajectory Cov(x_s, x_t) = √(ᾱ_t/ᾱ_s) G_s (the Markov
// process); with independent noise per snapshot it is √(ᾱ_sᾱ_t) G₀. Each
// is tested by χ² over modes (the variance of Re(x ȳ) per sample is
// (AB + C²)/2 for a complex mode and AB + C² for a real one), and each is
// shown to reject the other's law.
func TestFlowJointLaw(t *testing.T) {
	l := lattice.MustNew(6, 6)
	p, err := NewPolchinski(l, PolchinskiParams{Regulator: Exponential{}, Mass2: 1, ZeroMode: IntegrateOutZeroMode})
	if err != nil {
		t.Fatal(err)
	}
	g0 := make([]float64, p.Modes())
	for j := range g0 {
		g0[j] = 1.5 * p.Sigma2[j]
	}
	const n = 3000
	data := gaussianData(p, g0, n, rand.New(rand.NewPCG(3, 4)))
	// Times at which the median mode has ᾱ_s = ½ and ᾱ_t = 0.4, where
	// the two laws differ by √(ᾱ_t/ᾱ_s)(1−ᾱ_s)σ², a large fraction of
	// either.
	s, tt := medianTime(p, 0.5), medianTime(p, 0.4)
	as := p.AlphaBar(nil, s)
	at := p.AlphaBar(nil, tt)
	gs := p.Spectrum(nil, g0, s)
	gt := p.Spectrum(nil, g0, tt)
	law := map[Coupling][]float64{Trajectory: make([]float64, p.Modes()), Marginal: make([]float64, p.Modes())}
	for j := range g0 {
		law[Trajectory][j] = math.Sqrt(at[j]/as[j]) * gs[j]
		law[Marginal][j] = math.Sqrt(as[j]*at[j]) * g0[j]
	}
	chi2 := func(c, want []float64) (float64, float64) {
		x, dof := 0.0, 0.0
		for j := range c {
			if p.conj[j] >= 0 && p.conj[j] < j {
				continue
			}
			v := (gs[j]*gt[j] + want[j]*want[j]) / 2
			if p.isRealMode(j) {
				v *= 2
			}
			z := (c[j] - want[j]) / math.Sqrt(v/n)
			x += z * z
			dof++
		}
		return x, dof
	}
	for _, c := range []Coupling{Trajectory, Marginal} {
		f, err := NewFlow(p, []float64{s, tt}, c, X)
		if err != nil {
			t.Fatal(err)
		}
		snaps, err := f.Collect(data, 5)
		if err != nil {
			t.Fatal(err)
		}
		cc := crossCov(p, snaps[0], snaps[1])
		x2, dof := chi2(cc, law[c])
		if q := chi2Quantile(dof, zPerTest); x2 > q {
			t.Errorf("%v: χ² = %.1f over %v modes against its own law exceeds %.1f", c, x2, dof, q)
		}
		other := Marginal
		if c == Marginal {
			other = Trajectory
		}
		x2o, _ := chi2(cc, law[other])
		t.Logf("%v: χ² = %.1f (own law), %.1f (%v law), %v modes", c, x2, x2o, other, dof)
		if x2o < 3*chi2Quantile(dof, zPerTest) {
			t.Errorf("%v: χ² = %.1f against the %v law: the test cannot tell them apart", c, x2o, other)
		}
	}
}

// medianTime returns the time at which the median of ᾱ over the modes
// falls to a (bisection).
func medianTime(p *Process, a float64) float64 {
	med := func(t float64) float64 {
		ab := p.AlphaBar(nil, t)
		slices.Sort(ab)
		return ab[len(ab)/2]
	}
	lo, hi := 0.0, p.T
	for i := 0; i < 60; i++ {
		mid := 0.5 * (lo + hi)
		if med(mid) > a {
			lo = mid
		} else {
			hi = mid
		}
	}
	return hi
}

// TestFlowReproducible: results depend on the seed and the sample index,
// not on the number of workers; φ variables are √ᾱ times x variables.
func TestFlowReproducible(t *testing.T) {
	l := lattice.MustNew(5, 4, 3)
	p, err := NewPolchinski(l, PolchinskiParams{Regulator: FermiDirac{T: 0.5}, Mass2: 0.7, ZeroMode: IntegrateOutZeroMode})
	if err != nil {
		t.Fatal(err)
	}
	g0 := make([]float64, p.Modes())
	for j, e := range p.Eps {
		g0[j] = 1 / (e + 0.3)
	}
	data := gaussianData(p, g0, 7, rand.New(rand.NewPCG(1, 2)))
	times := []float64{0.1, 0.5, 1.5, p.T}
	run := func(c Coupling, v Variables, w int) []*field.Ensemble {
		f, err := NewFlow(p, times, c, v)
		if err != nil {
			t.Fatal(err)
		}
		f.Workers = w
		out, err := f.Collect(data, 99)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	for _, c := range []Coupling{Marginal, Trajectory} {
		a, b := run(c, X, 1), run(c, X, 3)
		for i := range a {
			for k := range a[i].Data {
				if a[i].Data[k] != b[i].Data[k] {
					t.Fatalf("%v: snapshot %d differs between 1 and 3 workers", c, i)
				}
			}
		}
		ph := run(c, Phi, 2)
		pl := p.NewPlan()
		mx := make([]complex128, p.Modes())
		mp := make([]complex128, p.Modes())
		for i, tt := range times {
			ab := p.AlphaBar(nil, tt)
			for s := 0; s < data.Len(); s++ {
				pl.ToModes(mx, a[i].Field(s))
				pl.ToModes(mp, ph[i].Field(s))
				for j := range mx {
					d := mp[j] - complex(math.Sqrt(ab[j]), 0)*mx[j]
					if math.Hypot(real(d), imag(d)) > 1e-12*math.Sqrt(p.Norm[j]*g0[j]+p.Norm[j]*p.Sigma2[j]) {
						t.Fatalf("%v t=%v: φ ≠ √ᾱ x on mode %d", c, tt, j)
					}
				}
			}
		}
	}
	// The data are untouched.
	again := gaussianData(p, g0, 7, rand.New(rand.NewPCG(1, 2)))
	for k := range data.Data {
		if data.Data[k] != again.Data[k] {
			t.Fatal("Run modified its input ensemble")
		}
	}
}

// TestPolchinskiPhiForm checks the φ-variable form against the transition
// φ_t = sφ₀ + √(C_t(1−s)) ξ of the package documentation, with s = ᾱ and
// C_t = sC₀, on a single sample: with the same noise, Transition in x
// variables times √s gives it exactly.
func TestPolchinskiPhiForm(t *testing.T) {
	l := lattice.MustNew(6, 4)
	p, err := NewPolchinski(l, PolchinskiParams{Regulator: Exponential{}, Mass2: 0.4})
	if err != nil {
		t.Fatal(err)
	}
	rnd := rand.New(rand.NewPCG(5, 5))
	phi0 := p.Noise(nil, rnd)
	xi := p.Noise(nil, rnd)
	for _, tt := range []float64{0.2, 1, 2.5} {
		x := p.Transition(nil, phi0, xi, tt)
		for j, e := range p.Eps {
			s := p.Sched.AlphaBar(tt, e)
			ct := s * p.Sigma2[j]
			want := complex(s, 0)*phi0[j] + complex(math.Sqrt(ct*(1-s)), 0)*xi[j]
			got := complex(math.Sqrt(s), 0) * x[j]
			if d := got - want; math.Hypot(real(d), imag(d)) > 1e-12*math.Sqrt(p.Norm[j]) {
				t.Fatalf("t=%v mode %d: √s·x = %v, Polchinski form %v", tt, j, got, want)
			}
		}
	}
}

func TestNewFlowErrors(t *testing.T) {
	l := lattice.MustNew(4, 4)
	p, err := NewPolchinski(l, PolchinskiParams{Regulator: Exponential{}})
	if err != nil {
		t.Fatal(err)
	}
	for _, times := range [][]float64{nil, {-1}, {p.T + 1}, {1, 0.5}} {
		if _, err := NewFlow(p, times, Marginal, X); err == nil {
			t.Errorf("times %v: want error", times)
		}
	}
	f, _ := NewFlow(p, []float64{0.1, 0.2}, Marginal, X)
	stop := fmt.Errorf("stop")
	calls := 0
	err = f.Run(field.NewEnsemble(l, 2), 1, func(int, float64, *field.Ensemble) error { calls++; return stop })
	if err != stop || calls != 1 {
		t.Errorf("callback error: Run returned %v after %d calls", err, calls)
	}
}
