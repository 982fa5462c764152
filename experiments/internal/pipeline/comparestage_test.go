// Copyright ©2026 The rgflow Authors. All rights reserved.

package pipeline

import (
	"math"
	"strings"
	"testing"
)

// TestDivergence: the divergence warning fires on a shell off by more than
// DivergenceRatio either way or not finite, names the sampler settings by
// the keys it is given, and stays silent for the 22× of phi4's broken-phase
// refined Gaussian fields. (End to end: `go run ./experiments/phi4 --quick
// --seed 7 --set generate.method=heun-sde --set generate.rho=2` warns
// "shell 2 has 2.33e+06× the reference's power".)
func TestDivergence(t *testing.T) {
	for _, c := range []struct {
		ratio []float64
		warn  bool
	}{
		{[]float64{0.95, 1.02, 22.3, 6.9}, false},
		{[]float64{1, 2.3e6, 1}, true},
		{[]float64{1, 1e-4}, true},
		{[]float64{math.NaN()}, true},
		{[]float64{math.Inf(1)}, true},
	} {
		for _, k := range [][2]string{{"generate.method", "generate.steps"}, {"generate.method", "ddpm.steps"}} {
			w := Divergence(c.ratio, "heun-sde", 8, k[0], k[1])
			if (w != "") != c.warn {
				t.Errorf("ratios %v: warning %q, want one: %v", c.ratio, w, c.warn)
			}
			if want := k[0] + " = heun-sde, " + k[1] + " = 8; raise " + k[1]; c.warn && !strings.Contains(w, want) {
				t.Errorf("warning %q does not name the sampler settings (%q)", w, want)
			}
		}
	}
}
