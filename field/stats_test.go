// Copyright ©2026 The rgflow Authors. All rights reserved.

package field

import (
	"math"
	"math/rand/v2"
	"testing"
)

// nSigma is the two-sided acceptance band of the statistical tests in this
// package: |z| < 3.3 fails a correct estimator with probability ≈ 10⁻³ for
// Gaussian errors.
const nSigma = 3.3

func ar1(n int, a float64, rnd *rand.Rand) []float64 {
	x := make([]float64, n)
	// Start in equilibrium: Var = 1/(1−a²).
	v := rnd.NormFloat64() / math.Sqrt(1-a*a)
	for i := range x {
		v = a*v + rnd.NormFloat64()
		x[i] = v
	}
	return x
}

// TestGammaAR1 checks Wolff's Γ-method on AR(1) series x_i = a x_{i−1} + η_i,
// whose autocorrelation ρ(t) = a^t gives exactly τ_int = ½(1+a)/(1−a) and,
// for N ≫ τ, Var(x̄) = 2τ_int·Var(x)/N with Var(x) = 1/(1−a²).
func TestGammaAR1(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 1))
	n := 200000
	if testing.Short() {
		n = 50000
	}
	for _, a := range []float64{0, 0.5, 0.9} {
		x := ar1(n, a, rnd)
		est, err := Mean(x)
		if err != nil {
			t.Fatalf("a=%v: %v", a, err)
		}
		tau := 0.5 * (1 + a) / (1 - a)
		if z := (est.TauInt - tau) / est.TauIntErr; math.Abs(z) > nSigma {
			t.Errorf("a=%v: τ_int = %v ± %v, exact %v (z = %.2f)", a, est.TauInt, est.TauIntErr, tau, z)
		}
		wantErr := math.Sqrt(2 * tau / (1 - a*a) / float64(n))
		if z := (est.Err - wantErr) / est.ErrErr; math.Abs(z) > nSigma {
			t.Errorf("a=%v: error %v ± %v, exact %v (z = %.2f)", a, est.Err, est.ErrErr, wantErr, z)
		}
		if z := est.Value / wantErr; math.Abs(z) > nSigma {
			t.Errorf("a=%v: mean %v, exact 0 ± %v (z = %.2f)", a, est.Value, wantErr, z)
		}
	}
}

// TestGammaReplicas: splitting one history into replicas must not change
// the estimate much, and several short AR(1) chains combine to the right τ.
func TestGammaReplicas(t *testing.T) {
	rnd := rand.New(rand.NewPCG(2, 1))
	const a = 0.7
	tau := 0.5 * (1 + a) / (1 - a)
	var reps [][][]float64
	for r := 0; r < 8; r++ {
		reps = append(reps, [][]float64{ar1(10000, a, rnd)})
	}
	est, err := Gamma(nil, DefaultS, reps...)
	if err != nil {
		t.Fatal(err)
	}
	if z := (est.TauInt - tau) / est.TauIntErr; math.Abs(z) > nSigma {
		t.Errorf("τ_int = %v ± %v, exact %v", est.TauInt, est.TauIntErr, tau)
	}
	if est.N != 80000 {
		t.Errorf("N = %d", est.N)
	}
}

// TestGammaDerived checks the linearised error of a derived quantity,
// F = ⟨x⟩², on iid N(μ, 1) data: Var(F) ≈ 4μ²/N (delta method, exact to
// O(1/N²)).
func TestGammaDerived(t *testing.T) {
	rnd := rand.New(rand.NewPCG(3, 1))
	const n, mu = 40000, 2.0
	x := make([]float64, n)
	for i := range x {
		x[i] = mu + rnd.NormFloat64()
	}
	est, err := Gamma(func(m []float64) float64 { return m[0] * m[0] }, DefaultS, [][]float64{x})
	if err != nil {
		t.Fatal(err)
	}
	want := 2 * mu / math.Sqrt(n)
	if z := (est.Err - want) / est.ErrErr; math.Abs(z) > nSigma {
		t.Errorf("error %v ± %v, delta method %v", est.Err, est.ErrErr, want)
	}
	if z := (est.Value - mu*mu) / want; math.Abs(z) > nSigma {
		t.Errorf("F = %v, exact %v ± %v", est.Value, mu*mu, want)
	}
}

// TestJackknifeBootstrap compares the three error estimators on a nonlinear
// function of two correlated primaries from blocked AR(1) data: the
// jackknife and bootstrap errors must agree with the Γ-method within the
// Γ-method's own error of the error (nSigma), plus 10% for the blocking
// estimators' own noise with 50 bins (relative error ≈ 1/√(2·49) ≈ 10%).
func TestJackknifeBootstrap(t *testing.T) {
	rnd := rand.New(rand.NewPCG(4, 1))
	const n, a = 100000, 0.5
	x := ar1(n, a, rnd)
	y := make([]float64, n)
	for i := range x {
		x[i] += 3
		y[i] = x[i] * x[i]
	}
	f := func(m []float64) float64 { return m[1] / (m[0] * m[0]) } // ⟨x²⟩/⟨x⟩²
	g, err := Gamma(f, DefaultS, [][]float64{x, y})
	if err != nil {
		t.Fatal(err)
	}
	jv, je, err := Jackknife(f, 50, [][]float64{x, y})
	if err != nil {
		t.Fatal(err)
	}
	bv, be, err := Bootstrap(f, 50, 2000, [][]float64{x, y}, rand.New(rand.NewPCG(5, 1)))
	if err != nil {
		t.Fatal(err)
	}
	tol := nSigma*g.ErrErr + 0.1*g.Err
	for _, c := range []struct {
		name   string
		v, err float64
	}{{"jackknife", jv, je}, {"bootstrap", bv, be}} {
		t.Logf("%s: %v ± %v; Γ: %v ± %v (±%v)", c.name, c.v, c.err, g.Value, g.Err, g.ErrErr)
		if math.Abs(c.err-g.Err) > tol {
			t.Errorf("%s error %v, Γ-method %v ± %v", c.name, c.err, g.Err, g.ErrErr)
		}
		if math.Abs(c.v-g.Value) > g.Err {
			t.Errorf("%s value %v, Γ-method %v ± %v", c.name, c.v, g.Value, g.Err)
		}
	}
	// The jackknife of a plain mean is exactly the standard error of the bin
	// means.
	_, je1, _ := Jackknife(func(m []float64) float64 { return m[0] }, 10, [][]float64{x[:1000]})
	bins, _ := binMeans([][]float64{x[:1000]}, 10)
	bm, bv2 := 0.0, 0.0
	for _, b := range bins {
		bm += b[0] / 10
	}
	for _, b := range bins {
		bv2 += (b[0] - bm) * (b[0] - bm)
	}
	if want := math.Sqrt(bv2 / 9 / 10); math.Abs(je1-want) > 1e-12*want {
		t.Errorf("jackknife of the mean %v, binned standard error %v", je1, want)
	}
}

func TestGammaInputs(t *testing.T) {
	if _, err := Gamma(nil, 0); err == nil {
		t.Error("no replicas: want error")
	}
	if _, err := Gamma(nil, 0, [][]float64{{1}}); err == nil {
		t.Error("one value: want error")
	}
	if _, err := Gamma(nil, 0, [][]float64{{1, 2}, {3, 4}}); err == nil {
		t.Error("two primaries, nil f: want error")
	}
	est, err := Mean([]float64{2, 2, 2, 2})
	if err != nil || est.Value != 2 || est.Err != 0 {
		t.Errorf("constant series: %v, %v", est, err)
	}
}
