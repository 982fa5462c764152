// Copyright ©2026 The rgflow Authors. All rights reserved.

package field

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"
)

// history returns the measurements of one-site configurations with the
// given magnetisations.
func history(ms []float64) []Measurement {
	h := make([]Measurement, len(ms))
	for i, m := range ms {
		h[i] = Measure(nil, []float64{m})
	}
	return h
}

// TestSusceptibilitiesExact checks χ = V⟨M²⟩ and χ_conn = V(⟨M²⟩ − ⟨|M|⟩²)
// against their values computed from the magnetisations directly, over two
// chains, and that Susceptibility, ConnectedSusceptibility and Binder
// agree with Summarise's estimates to the last bit (value and error).
func TestSusceptibilitiesExact(t *testing.T) {
	rnd := rand.New(rand.NewPCG(15, 16))
	const V = 37
	var chains [][]Measurement
	m2, am, n := 0.0, 0.0, 0.0
	for _, l := range []int{500, 800} {
		ms := make([]float64, l)
		for i := range ms {
			ms[i] = rnd.NormFloat64() + 0.3
			m2 += ms[i] * ms[i]
			am += math.Abs(ms[i])
			n++
		}
		chains = append(chains, history(ms))
	}
	m2 /= n
	am /= n
	o, err := Summarise(V, chains...)
	if err != nil {
		t.Fatal(err)
	}
	chi, err := Susceptibility(V, chains...)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := ConnectedSusceptibility(V, chains...)
	if err != nil {
		t.Fatal(err)
	}
	u, err := Binder(chains...)
	if err != nil {
		t.Fatal(err)
	}
	if want := V * m2; !(math.Abs(chi.Value-want) <= 1e-12*want) {
		t.Errorf("χ = %v, want %v", chi.Value, want)
	}
	if want := V * (m2 - am*am); !(math.Abs(conn.Value-want) <= 1e-12*want) {
		t.Errorf("χ_conn = %v, want %v", conn.Value, want)
	}
	for _, c := range []struct {
		name      string
		got, want Estimate
	}{{"χ", chi, o.Chi}, {"χ_conn", conn, o.ChiConn}, {"U₄", u, o.Binder}} {
		if c.got != c.want {
			t.Errorf("%s: %+v, Summarise gives %+v", c.name, c.got, c.want)
		}
	}
	for name, f := range map[string]func(...[]Measurement) (Estimate, error){
		"Susceptibility":          func(c ...[]Measurement) (Estimate, error) { return Susceptibility(V, c...) },
		"ConnectedSusceptibility": func(c ...[]Measurement) (Estimate, error) { return ConnectedSusceptibility(V, c...) },
		"Binder":                  Binder,
	} {
		if _, err := f(); err == nil {
			t.Errorf("%s of no chains: want error", name)
		}
		if _, err := f(history([]float64{1})); err == nil {
			t.Errorf("%s of a one-measurement chain: want error", name)
		}
	}
}

// TestSummariseChainLengths: two measurements per chain are enough, one is
// an error; and a chain too short for its autocorrelation (beside a long,
// slowly decorrelating one: see TestGammaShortSeries) makes Summarise
// return ErrShortSeries with its estimates.
func TestSummariseChainLengths(t *testing.T) {
	if _, err := Summarise(1, history([]float64{0.5, -1})); err != nil && !errors.Is(err, ErrShortSeries) {
		t.Errorf("a chain of 2: %v", err)
	}
	if _, err := Summarise(1, history([]float64{0.5, -1}), history([]float64{2})); err == nil || errors.Is(err, ErrShortSeries) {
		t.Errorf("a chain of 1: error %v, want a rejection", err)
	}
	rnd := rand.New(rand.NewPCG(13, 14))
	long := make([]float64, 10000)
	for i := 1; i < len(long); i++ {
		long[i] = 0.95*long[i-1] + rnd.NormFloat64()
	}
	o, err := Summarise(1, history(long), history(long[:4]))
	if !errors.Is(err, ErrShortSeries) {
		t.Errorf("a chain of 4 beside a correlated chain of 10⁴: error %v, want ErrShortSeries", err)
	}
	if o.M.Window != 2 || o.M.N != len(long)+4 {
		t.Errorf("estimates returned with ErrShortSeries: window %d, N %d; want 2, %d", o.M.Window, o.M.N, len(long)+4)
	}
}
