// Copyright ©2026 The rgflow Authors. All rights reserved.

package generative

import (
	"math"
	"math/rand/v2"
	"testing"

	"rgflow/erg"
	"rgflow/lattice"
)

// TestDDPMLinearPublished checks the linear schedule of Ho et al. (2020)
// against ᾱ computed independently with numpy:
//
//	b = np.linspace(1e-4, 0.02, 1000); a = np.cumprod(1 - b)
//	a[0], a[499], a[999] = 0.9999, 0.07858724288177824, 4.035829765375676e-05
//
// The tolerance covers the different summation order (cumprod against a sum
// of log1p): a few ulps per step over 1000 steps.
func TestDDPMLinearPublished(t *testing.T) {
	const tol = 1e-12
	s, err := DDPMLinear(1000)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		t    float64
		want float64
	}{{0, 1}, {1, 0.9999}, {500, 0.07858724288177824}, {1000, 4.035829765375676e-05}} {
		if got := s.AlphaBar(c.t, 0); math.Abs(got/c.want-1) > tol {
			t.Errorf("ᾱ_%v = %.17g, numpy %.17g", c.t, got, c.want)
		}
	}
	// The chain: ᾱ_i/ᾱ_{i−1} = 1 − β_i with β_i linear from 1e-4 to 0.02.
	for _, i := range []int{1, 2, 337, 999, 1000} {
		b := 1e-4 + (0.02-1e-4)*float64(i-1)/999
		if r := s.AlphaBar(float64(i), 0) / s.AlphaBar(float64(i-1), 0); math.Abs(r-(1-b)) > tol {
			t.Errorf("step %d: ᾱ ratio %v, want 1 − β = %v", i, r, 1-b)
		}
	}
	if s.Steps() != 1000 {
		t.Errorf("steps %d", s.Steps())
	}
	if _, err := DDPMLinear(10); err == nil {
		t.Error("DDPMLinear(10) has β_N = 2: want error")
	}
}

// TestDDPMCosinePublished checks the cosine schedule of Nichol & Dhariwal
// (2021): before the clip bites, ᾱ_i = f(i/n)/f(0) in closed form
// (eq. 17); the last rate is clipped to 0.999 (§3.2); and ᾱ_500 of n = 1000
// against numpy evaluating improved_diffusion's betas_for_alpha_bar and
// np.cumprod(1 − betas): 0.4938435904406382.
func TestDDPMCosinePublished(t *testing.T) {
	const tol = 1e-12
	s, err := DDPMCosine(1000)
	if err != nil {
		t.Fatal(err)
	}
	f := func(tau float64) float64 {
		c := math.Cos((tau + 0.008) / 1.008 * math.Pi / 2)
		return c * c
	}
	for _, i := range []int{1, 10, 500, 900, 999} {
		want := f(float64(i)/1000) / f(0)
		if got := s.AlphaBar(float64(i), 0); math.Abs(got/want-1) > tol {
			t.Errorf("ᾱ_%d = %v, f(t)/f(0) = %v", i, got, want)
		}
	}
	if got := s.AlphaBar(500, 0); math.Abs(got/0.4938435904406382-1) > tol {
		t.Errorf("ᾱ_500 = %.17g, numpy 0.4938435904406382", got)
	}
	b := s.Betas()
	if b[999] != CosineMaxBeta {
		t.Errorf("β_1000 = %v, want the clip %v", b[999], CosineMaxBeta)
	}
	if r := s.AlphaBar(1000, 0) / s.AlphaBar(999, 0); math.Abs(r-0.001) > 1e-12 {
		t.Errorf("last ᾱ ratio %v, want 1 − 0.999", r)
	}
}

// TestFermiDiracPublished checks the FDDM schedule against the reference
// implementation's formulas (fourier_scheduler.py, defaults μ from 2.25 to
// −2.25, T = 0.1, 1000 steps, 32×32 images).
func TestFermiDiracPublished(t *testing.T) {
	const tol = 1e-13
	s := FermiDirac{Mu0: 2.25, Mu1: -2.25, Temp: 0.1, Steps: 1000}
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	fd := func(x float64) float64 { return 1 / (math.Exp(x) + 1) }
	// Reference timestep 0 (grid time 1), highest mode ε = 2: x = −2.5.
	if got, want := s.AlphaBar(1, 2), fd(-2.5); math.Abs(got-want) > tol {
		t.Errorf("ᾱ_1(ε=2) = %v, want %v", got, want)
	}
	// Last step, lowest mode ε = −2: x = 2.5 — the published schedule
	// leaves ᾱ_T = 0.0759 on the lowest mode, short of the fixed point.
	if got, want := s.AlphaBar(1000, -2), fd(2.5); math.Abs(got-want) > tol {
		t.Errorf("ᾱ_T(ε=−2) = %v, want %v", got, want)
	}
	if s.AlphaBar(0, 2) != 1 {
		t.Error("ᾱ_0 must be 1 (the data)")
	}
	// The reference's betas: 1 − ᾱ_t/ᾱ_{t−1} = (1 − ᾱ_t)(1 − e^{Δμ/T}),
	// Δμ = −4.5/999.
	dmu := -4.5 / 999
	for _, eps := range []float64{-2, -0.3, 1.1, 2} {
		for _, i := range []int{2, 10, 500, 1000} {
			at, ap := s.AlphaBar(float64(i), eps), s.AlphaBar(float64(i-1), eps)
			want := (1 - at) * (1 - math.Exp(dmu/0.1))
			if got := 1 - at/ap; math.Abs(got-want) > 1e-12 {
				t.Errorf("ε=%v step %d: rate %v, reference betas %v", eps, i, got, want)
			}
		}
	}
	// The "exp" schedule keeps the end points and bends μ toward Mu1:
	// μ(x=½) = Mu1 + (Mu0 − Mu1)(e^{m/2} − 1)/(e^m − 1) for odd Steps.
	e := FermiDirac{Mu0: 2.25, Mu1: -2.25, Temp: 0.1, Steps: 1001, Multiplier: 5}
	if e.Mu(0) != 2.25 || math.Abs(e.Mu(1000)+2.25) > 1e-15 {
		t.Errorf("exp schedule ends %v, %v", e.Mu(0), e.Mu(1000))
	}
	if got, want := e.Mu(500), -2.25+4.5*math.Expm1(2.5)/math.Expm1(5); math.Abs(got-want) > 1e-14 {
		t.Errorf("exp schedule midpoint %v, want %v", got, want)
	}
	// Image-style dispersion on the reference's 32×32 grid.
	l := lattice.MustNew(32, 32)
	eps := ImageDispersion(l)
	if eps[0] != -2 || math.Abs(eps[len(eps)-1]-2) > 1e-15 {
		t.Errorf("ε corners %v, %v; want −2, 2", eps[0], eps[len(eps)-1])
	}
	if want := -math.Cos(math.Pi*5/31) - math.Cos(math.Pi*7/31); math.Abs(eps[5*32+7]-want) > 1e-15 {
		t.Errorf("ε(5,7) = %v, want %v", eps[5*32+7], want)
	}
	for _, bad := range []FermiDirac{
		{Mu0: 1, Mu1: 2, Temp: 0.1, Steps: 10},
		{Mu0: 2, Mu1: 1, Temp: 0, Steps: 10},
		{Mu0: 2, Mu1: 1, Temp: 0.1, Steps: 1},
		{Mu0: 2, Mu1: 1, Temp: 0.1, Steps: 10, Multiplier: -1},
	} {
		if bad.Validate() == nil {
			t.Errorf("%+v: want error", bad)
		}
	}
}

// TestScheduleInterpolation checks, for every grid schedule, that β is the
// rate of the interpolated ᾱ (central differences, error O(h²)), that it is
// non-negative and continuous across grid points, and that the continuous
// schedules match their closed forms.
func TestScheduleInterpolation(t *testing.T) {
	lin, _ := DDPMLinear(1000)
	cos, _ := DDPMCosine(200)
	short, _ := NewDiscrete([]float64{0.1, 0.5})
	fd := FermiDirac{Mu0: 2.25, Mu1: -2.25, Temp: 0.1, Steps: 300}
	fde := FermiDirac{Mu0: 9, Mu1: -1, Temp: 0.5, Steps: 50, Multiplier: 3}
	rnd := rand.New(rand.NewPCG(1, 1))
	// h = 1e-5 in grid units. Inside an interval the central difference
	// errs by h²·|∂³ ln ᾱ| ≲ 1e-9; at a grid point the interpolant is only
	// C¹, and the jump J of its second derivative adds h·J/4 ≲ 1e-5·J/4
	// (J ≲ 1 for these schedules); rounding adds ≲ 1e-16/h.
	const h, tol = 1e-5, 1e-5
	for _, c := range []struct {
		name string
		s    Schedule
		T    float64
		eps  []float64
	}{
		{"linear", lin, 1000, []float64{0}},
		{"cosine", cos, 200, []float64{0}},
		{"two-step", short, 2, []float64{0}},
		{"fermi-dirac", fd, 300, []float64{-2, 0, 1.7, 2}},
		{"fermi-dirac-exp", fde, 50, []float64{0, 3, 8}},
		{"vp", SongVP, 1, []float64{0}},
	} {
		for _, e := range c.eps {
			for k := 0; k < 200; k++ {
				tt := h + (c.T-2*h)*rnd.Float64()
				if k < 20 && c.T > 2 { // grid points themselves
					tt = float64(1 + rnd.IntN(int(c.T)-1))
				}
				fdiff := -(math.Log(c.s.AlphaBar(tt+h, e)) - math.Log(c.s.AlphaBar(tt-h, e))) / (2 * h)
				b := c.s.Beta(tt, e)
				if math.Abs(fdiff-b) > tol*math.Max(1, b) {
					t.Errorf("%s ε=%v t=%v: β = %v, −∂ ln ᾱ = %v", c.name, e, tt, b, fdiff)
				}
				if b < 0 {
					t.Errorf("%s ε=%v t=%v: β = %v < 0", c.name, e, tt, b)
				}
			}
		}
	}
	for i := 1; i < 1000; i += 37 {
		lo, hi := lin.Beta(float64(i)-1e-9, 0), lin.Beta(float64(i)+1e-9, 0)
		if math.Abs(lo-hi) > 1e-9 {
			t.Errorf("linear β jumps at %d: %v → %v", i, lo, hi)
		}
	}
	for _, tt := range []float64{0, 0.3, 0.9, 1} {
		want := math.Exp(-(0.1*tt + 0.5*19.9*tt*tt))
		if got := SongVP.AlphaBar(tt, 0); math.Abs(got-want) > 1e-15 {
			t.Errorf("VP ᾱ(%v) = %v, want %v", tt, got, want)
		}
	}
}

func TestProcessConstructors(t *testing.T) {
	l := lattice.MustNew(6, 4)
	lin, _ := DDPMLinear(100)
	p, err := NewDDPM(l, erg.Periodic, lin, nil)
	if err != nil {
		t.Fatal(err)
	}
	if p.T != 100 || p.Modes() != l.HalfLen() || p.Sigma2[3] != 1 {
		t.Errorf("DDPM process T=%v modes=%d σ²=%v", p.T, p.Modes(), p.Sigma2[3])
	}
	q, err := NewFDDM(l, erg.Open, FermiDirac{Mu0: 2.25, Mu1: -2.25, Temp: 0.1, Steps: 20}, ImageDispersion(l), nil)
	if err != nil {
		t.Fatal(err)
	}
	if q.Modes() != l.Volume() || q.T != 20 {
		t.Errorf("FDDM process modes=%d T=%v", q.Modes(), q.T)
	}
	if _, err := NewFDDM(l, erg.Periodic, FermiDirac{Mu0: 2.25, Mu1: -2.25, Temp: 0.1, Steps: 20}, ImageDispersion(l), nil); err == nil {
		t.Error("image dispersion (DCT grid) with the FFT basis: want a length error")
	}
	if _, err := FreeSpectrum(l.HalfKHat2(), 0); err == nil {
		t.Error("massless free spectrum has an infinite zero mode: want error")
	}
	if _, err := NewVP(l, erg.Periodic, VPLinear{BetaMin: 1, BetaMax: 0.5}, nil); err == nil {
		t.Error("β_max < β_min: want error")
	}
}
