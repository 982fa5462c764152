// Copyright ©2026 The rgflow Authors. All rights reserved.

package wgrad

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// TestKineticActionMcCann checks Benamou–Brenier on Gaussians with
// non-commuting covariances in 3 dimensions: along McCann's interpolation
// (the W₂ geodesic) the discrete kinetic action of 20 equal steps equals
// W₂²(ρ₀, ρ₁) (to 1e-9 relative: on a constant-speed geodesic each step's
// W₂² is (Δs)²W₂²), while the path that interpolates the covariances
// linearly, (1−s)A + sB, has a strictly larger action.
func TestKineticActionMcCann(t *testing.T) {
	A := mat.NewSymDense(3, []float64{
		2, 0.6, 0.1,
		0.6, 1, -0.3,
		0.1, -0.3, 0.5,
	})
	B := mat.NewSymDense(3, []float64{
		0.7, -0.2, 0.4,
		-0.2, 1.5, 0.2,
		0.4, 0.2, 1.2,
	})
	g0 := Gaussian{Mean: []float64{0, 1, 0}, Cov: A}
	g1 := Gaussian{Mean: []float64{1, -1, 0.5}, Cov: B}
	w2, err := BuresW2(g0, g1)
	if err != nil {
		t.Fatal(err)
	}
	T, err := BuresMap(g0, g1)
	if err != nil {
		t.Fatal(err)
	}
	const n = 20
	s := make([]float64, n+1)
	geo := make([]Gaussian, n+1)
	lin := make([]Gaussian, n+1)
	for i := range s {
		s[i] = float64(i) / n
		geo[i] = McCann(T, g0, g1, s[i])
		var c mat.SymDense
		c.ScaleSym(1-s[i], A)
		var d mat.SymDense
		d.ScaleSym(s[i], B)
		c.AddSym(&c, &d)
		lin[i] = Gaussian{Mean: geo[i].Mean, Cov: &c}
	}
	action := func(path []Gaussian) float64 {
		d := make([]float64, n)
		for i := range d {
			x, err := BuresW2(path[i], path[i+1])
			if err != nil {
				t.Fatal(err)
			}
			d[i] = x
		}
		a, err := KineticAction(s, d)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	ageo, alin := action(geo), action(lin)
	t.Logf("W₂² = %.6f; action of the McCann path %.6f, of the linear-covariance path %.6f", w2, ageo, alin)
	if a := ageo; math.Abs(a/w2-1) > 1e-9 {
		t.Errorf("McCann path: action %v, W₂² %v", a, w2)
	}
	if a := alin; !(a > w2*(1+1e-3)) {
		t.Errorf("linear-covariance path: action %v not above W₂² %v", a, w2)
	}
	if _, err := KineticAction([]float64{0, 0}, []float64{1}); err == nil {
		t.Error("non-increasing times accepted")
	}
}
