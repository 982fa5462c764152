// Copyright ©2026 The rgflow Authors. All rights reserved.

package generative

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"rgflow/erg"
	"rgflow/field"
	"rgflow/lattice"
)

// dctGaussian is the Gaussian action S = ½ Σ_n X_n²/(N_n G_n) on the
// unnormalised DCT-II coefficients X_n of the field (N_n = DCTNorms), the
// free field of an open-boundary process, written with the lattice's DCT
// directly.
type dctGaussian struct {
	l *lattice.Lattice
	g []float64
}

func (a dctGaussian) Lattice() *lattice.Lattice { return a.l }
func (a dctGaussian) Action(phi []float64) float64 {
	X := lattice.NewDCT(a.l).Forward(nil, phi)
	n := a.l.DCTNorms()
	s := 0.0
	for k, v := range X {
		s += 0.5 * v * v / (n[k] * a.g[k])
	}
	return s
}
func (a dctGaussian) Force(dst, phi []float64) []float64 {
	d := lattice.NewDCT(a.l)
	X := d.Forward(nil, phi)
	for k := range X {
		X[k] /= -a.g[k]
	}
	return d.Inverse(dst, X)
}

// gaussianCase is a process, a Gaussian target spectrum g0 on its modes and
// the action whose Gaussian it is.
type gaussianCase struct {
	name string
	p    *Process
	g0   []float64
	act  field.Action
}

func gaussianCases(t *testing.T) []gaussianCase {
	t.Helper()
	var cs []gaussianCase
	free := func(name string, p *Process, m2 float64) {
		a, err := field.NewFree(p.Lat, m2)
		if err != nil {
			t.Fatal(err)
		}
		cs = append(cs, gaussianCase{name, p, freeData(t, p, m2), a})
	}
	for _, l := range []*lattice.Lattice{lattice.MustNew(6, 5), lattice.MustNew(4, 6), lattice.MustNew(4)} {
		free("exp/fft/"+l.String(), expProcess(t, l, erg.Periodic), 0.3)
		free("vp/fft/"+l.String(), vpProcess(t, l, erg.Periodic), 0.25)
		keep, err := erg.NewPolchinski(l, erg.PolchinskiParams{Regulator: erg.Exponential{}, Mass2: 0.5})
		if err != nil {
			t.Fatal(err)
		}
		free("polchinski-keep/fft/"+l.String(), keep, 0.25)
		po := expProcess(t, l, erg.Open)
		g := freeData(t, po, 0.3)
		cs = append(cs, gaussianCase{"exp/dct/" + l.String(), po, g, dctGaussian{l, g}})
	}
	return cs
}

// TestModeDOF checks that the independent real coordinates add up to the
// volume in both bases.
func TestModeDOF(t *testing.T) {
	for _, dims := range [][]int{{6, 5}, {4, 6}, {4}, {5}, {3, 4, 2}} {
		l := lattice.MustNew(dims...)
		for _, b := range []erg.Basis{erg.Periodic, erg.Open} {
			n := 0
			for _, d := range modeDOF(expProcess(t, l, b)) {
				n += int(d)
			}
			if n != l.Volume() {
				t.Errorf("%v %v: %d real coordinates, volume %d", dims, b, n, l.Volume())
			}
		}
	}
}

// TestGaussianWeightsConstant is the identity of the exact reverse chain:
// with the exact Gaussian score, FullVariance and the exact start G_{t_0},
// the sampler's path law is the forward chain's joint law of Gaussian data,
// so every log-weight equals log Z of the data's Gaussian, the closed form
// ½ Σ_k log(2πG₀(k)) over all V modes, to 1e-10 relative. A miscounted
// coordinate, a wrong norm or a missing Jacobian shifts the constant or
// makes it fluctuate. The grids include coarse ones (4 steps), where the
// kernels are far from their continuum limit and the identity is still
// exact, and a frozen zero mode (the textbook Polchinski flow).
func TestGaussianWeightsConstant(t *testing.T) {
	for _, c := range gaussianCases(t) {
		sc, err := NewGaussian(c.p, c.g0)
		if err != nil {
			t.Fatal(err)
		}
		logZ := 0.0
		for j, g := range c.g0 {
			logZ += c.p.Weight[j] * 0.5 * math.Log(2*math.Pi*g)
		}
		if got := GaussianLogZ(c.p, c.g0); math.Abs(got-logZ) > 1e-12*math.Abs(logZ) {
			t.Fatalf("%s: GaussianLogZ %v, want %v", c.name, got, logZ)
		}
		for _, times := range [][]float64{UniformTimes(c.p.T, 4), PowerTimes(c.p.T, 30, 2), PowerTimes(0.5*c.p.T, 7, 1.5)} {
			smp, err := NewSampler(c.p, sc, Ancestral, times)
			if err != nil {
				t.Fatal(err)
			}
			smp.FullVariance = true
			smp.Start = c.p.Spectrum(nil, c.g0, times[0])
			_, lw, err := smp.GenerateWeighted(c.act, 40, 16, 7)
			if err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			for i, v := range lw {
				if math.Abs(v-logZ) > 1e-10*math.Abs(logZ) {
					t.Fatalf("%s, %d steps: log w[%d] = %.15g, log Z = %.15g (relative %.2g)", c.name, len(times)-1, i, v, logZ, (v-logZ)/logZ)
				}
			}
		}
	}
}

// TestGenerateWeightedSameFields checks that GenerateWeighted draws the
// very fields Generate draws.
func TestGenerateWeightedSameFields(t *testing.T) {
	c := gaussianCases(t)[0]
	g := append([]float64(nil), c.g0...)
	for j := range g {
		g[j] *= 1.3
	}
	sc, err := NewGaussian(c.p, g)
	if err != nil {
		t.Fatal(err)
	}
	smp, err := NewSampler(c.p, sc, Ancestral, PowerTimes(c.p.T, 9, 2))
	if err != nil {
		t.Fatal(err)
	}
	smp.FullVariance = true
	e1, err := smp.Generate(23, 5, 3, 1, 2)
	if err != nil {
		t.Fatal(err)
	}
	e2, lw, err := smp.GenerateWeighted(c.act, 23, 5, 3, 1, 2)
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range e1.Data {
		if e2.Data[i] != v {
			t.Fatalf("site %d: Generate %v, GenerateWeighted %v", i, v, e2.Data[i])
		}
	}
	if len(lw) != 23 {
		t.Fatalf("%d log-weights for 23 fields", len(lw))
	}
}

// quarticScore is a non-linear denoiser: the Gaussian one plus a bounded
// odd correction, with the Gaussian's PosteriorVar. Its reverse kernels are
// not the reverse of any forward chain, so its path weights fluctuate and
// only their mean is fixed (E[w] = Z).
type quarticScore struct{ *Gaussian }

func (q quarticScore) Denoise(dst, xt []complex128, t []float64) []complex128 {
	dst = q.Gaussian.Denoise(dst, xt, t)
	M := q.P.Modes()
	for i := range dst {
		j := i % M
		v := real(dst[i])
		dst[i] -= complex(0.3*math.Tanh(v/math.Sqrt(q.P.Norm[j]))*math.Sqrt(q.P.Norm[j])*0.1, 0)
	}
	return dst
}

// transferLogZ returns log Z of the one-dimensional periodic chain of L
// sites with S = Σ_x [½(ϕ_{x+1} − ϕ_x)² + ½m²ϕ_x² + (g/4)ϕ_x⁴], by the
// transfer matrix K(a, b) = h·exp(−½(a−b)² − ½U(a) − ½U(b)) on a grid of
// spacing h (trapezoid rule, spectrally accurate for this smooth, fast
// decaying integrand): Z = Tr K^L.
func transferLogZ(L int, m2, g float64) float64 {
	const n, R = 241, 7.0
	h := 2 * R / float64(n-1)
	x := make([]float64, n)
	for i := range x {
		x[i] = -R + float64(i)*h
	}
	U := func(v float64) float64 { return 0.5*m2*v*v + 0.25*g*v*v*v*v }
	K := make([]float64, n*n)
	for i := range x {
		for j := range x {
			d := x[i] - x[j]
			K[i*n+j] = h * math.Exp(-0.5*d*d-0.5*U(x[i])-0.5*U(x[j]))
		}
	}
	P := append([]float64(nil), K...)
	tmp := make([]float64, n*n)
	for s := 1; s < L; s++ {
		for i := 0; i < n; i++ {
			for j := 0; j < n; j++ {
				v := 0.0
				for k := 0; k < n; k++ {
					v += P[i*n+k] * K[k*n+j]
				}
				tmp[i*n+j] = v
			}
		}
		P, tmp = tmp, P
	}
	tr := 0.0
	for i := 0; i < n; i++ {
		tr += P[i*n+i]
	}
	return math.Log(tr)
}

// TestWeightsBruteForceZ checks E_q[w] = Z on a four-site periodic φ⁴
// chain, where Z is known by quadrature (transfer matrix): the proposal is
// the non-linear quarticScore from the fixed point σ² (not the data's
// G_{t_0}), over a coarse grid, so every term of the path density
// matters. The free energy −log Ẑ/V from 20 000 weights must agree with
// the quadrature within 4 standard errors (a 6·10⁻⁵ two-sided false-alarm
// probability for a Gaussian estimator; fixed seed).
func TestWeightsBruteForceZ(t *testing.T) {
	const L, m2, g = 4, 0.4, 0.6
	l := lattice.MustNew(L)
	act, err := field.NewPhi4(l, field.ContinuumParams{M2: m2, G: g})
	if err != nil {
		t.Fatal(err)
	}
	want := -transferLogZ(L, m2, g) / L
	for _, b := range []erg.Basis{erg.Periodic, erg.Open} {
		p := expProcess(t, l, b)
		base, err := NewGaussian(p, freeData(t, p, 1.1))
		if err != nil {
			t.Fatal(err)
		}
		smp, err := NewSampler(p, quarticScore{base}, Ancestral, PowerTimes(0.7*p.T, 5, 1.5))
		if err != nil {
			t.Fatal(err)
		}
		smp.FullVariance = true
		_, lw, err := smp.GenerateWeighted(act, 20000, 1000, 11)
		if err != nil {
			t.Fatal(err)
		}
		w, err := NewWeights(lw)
		if err != nil {
			t.Fatal(err)
		}
		f, ferr := w.FreeEnergy(L)
		if math.Abs(f-want) > 4*ferr {
			t.Errorf("%v: −log Ẑ/V = %.6f ± %.6f, quadrature %.6f (%.1fσ)", b, f, ferr, want, (f-want)/ferr)
		}
		if w.ESS() > 0.99 {
			t.Errorf("%v: ESS/N = %v: the test proposal should not be exact", b, w.ESS())
		}
		t.Logf("%v: −log Ẑ/V = %.6f ± %.6f, quadrature %.6f, ESS/N %.3f", b, f, ferr, want, w.ESS())
	}
}

// TestWeightedErrors checks the error paths: a sampler that has no path
// density, a NaN action, a lattice mismatch.
func TestWeightedErrors(t *testing.T) {
	c := gaussianCases(t)[0]
	sc, _ := NewGaussian(c.p, c.g0)
	smp, err := NewSampler(c.p, sc, Ancestral, UniformTimes(c.p.T, 4))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := smp.GenerateWeighted(c.act, 4, 4, 1); err == nil || !strings.Contains(err.Error(), "full variance") {
		t.Errorf("without FullVariance: error %v", err)
	}
	smp.FullVariance = true
	nan := nanAction{c.act}
	if _, _, err := smp.GenerateWeighted(nan, 4, 4, 1); err == nil || !strings.Contains(err.Error(), "action is NaN") {
		t.Errorf("NaN action: error %v", err)
	}
	other, _ := field.NewFree(lattice.MustNew(3, 3), 1)
	if _, _, err := smp.GenerateWeighted(other, 4, 4, 1); err == nil {
		t.Errorf("lattice mismatch: no error")
	}
	ode, _ := NewSampler(c.p, sc, HeunODE, UniformTimes(c.p.T, 4))
	if _, _, err := ode.GenerateWeighted(c.act, 4, 4, 1); err == nil {
		t.Errorf("ODE sampler: no error")
	}
	x := make([]complex128, c.p.Modes())
	if err := smp.RunWeighted(x, 1, rand.New(rand.NewPCG(1, 2)), make([]float64, 1)); err != nil {
		t.Errorf("RunWeighted: %v", err)
	}
}

// nanAction is an action whose value is NaN.
type nanAction struct{ a field.Action }

func (n nanAction) Lattice() *lattice.Lattice          { return n.a.Lattice() }
func (nanAction) Action([]float64) float64             { return math.NaN() }
func (n nanAction) Force(dst, phi []float64) []float64 { return n.a.Force(dst, phi) }

// TestFreeEnergyImperfectGaussian checks the free energy from the weights
// of an imperfect proposal against the closed form: the free field of
// m² = 0.3 sampled with the Gaussian score of a spectrum 8% too wide, from
// the fixed point σ² instead of G_{t_0}. −log Ẑ/V from 4 000 fields must
// lie within 4 standard errors of −log Z/V = −(1/2V) Σ_k log(2π/(k̂²+m²))
// (fixed seed; 6·10⁻⁵ two-sided false-alarm probability for a Gaussian
// estimator), and the weights must fluctuate (ESS/N < 1).
func TestFreeEnergyImperfectGaussian(t *testing.T) {
	for _, c := range gaussianCases(t)[:4] {
		g := append([]float64(nil), c.g0...)
		for j := range g {
			g[j] *= 1.08
		}
		sc, err := NewGaussian(c.p, g)
		if err != nil {
			t.Fatal(err)
		}
		smp, err := NewSampler(c.p, sc, Ancestral, PowerTimes(c.p.T, 12, 2))
		if err != nil {
			t.Fatal(err)
		}
		smp.FullVariance = true
		_, lw, err := smp.GenerateWeighted(c.act, 4000, 500, 5)
		if err != nil {
			t.Fatal(err)
		}
		w, err := NewWeights(lw)
		if err != nil {
			t.Fatal(err)
		}
		V := c.p.Lat.Volume()
		want := -GaussianLogZ(c.p, c.g0) / float64(V)
		f, fe := w.FreeEnergy(V)
		if math.Abs(f-want) > 4*fe {
			t.Errorf("%s: −log Ẑ/V = %.6f ± %.6f, closed form %.6f (%.1fσ)", c.name, f, fe, want, (f-want)/fe)
		}
		if !(w.ESS() < 1) {
			t.Errorf("%s: ESS/N = %v for an imperfect proposal", c.name, w.ESS())
		}
		t.Logf("%s: −log Ẑ/V = %.6f ± %.6f, closed form %.6f, ESS/N %.3f, var log w %.3g", c.name, f, fe, want, w.ESS(), w.VarLogW())
	}
}
