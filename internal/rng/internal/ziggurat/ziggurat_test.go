// Copyright ©2026 The rgflow Authors. All rights reserved.

package ziggurat

import (
	"math"
	"runtime"
	"testing"

	"golang.org/x/sys/cpu"
)

// TestLibm: the portable exp and log give the doubles of math.Exp and
// math.Log on amd64 with FMA, whose algorithms they reproduce, and agree
// with them to an ulp or two elsewhere (where math.Exp runs other code);
// erfc agrees with math.Erfc to two ulps there (the compiler may fuse
// math.Erfc's own polynomials) and to a few elsewhere.
func TestLibm(t *testing.T) {
	// Tolerances in ulps of exp, log and erfc.
	te, tl, tc := 2.0, 1.0, 4.0
	if runtime.GOARCH == "amd64" && cpu.X86.HasAVX && cpu.X86.HasFMA {
		te, tl, tc = 0, 0, 2
	}
	ulps := func(a, b float64) float64 {
		return math.Abs(a-b) / (math.Nextafter(math.Abs(b), math.Inf(1)) - math.Abs(b))
	}
	for x := 0.0; x < 12; x += 1.0 / 1024 {
		if d := ulps(exp(-0.5*x*x), math.Exp(-0.5*x*x)); d > te {
			t.Fatalf("exp(%v): %v ulps from math.Exp", -0.5*x*x, d)
		}
		if x > 0 {
			if d := ulps(log(x), math.Log(x)); d > tl {
				t.Fatalf("log(%v): %v ulps from math.Log", x, d)
			}
		}
		if y := 3 + x; y < 28 {
			if d := ulps(erfc(y), math.Erfc(y)); d > tc {
				t.Fatalf("erfc(%v): %v ulps from math.Erfc", y, d)
			}
		}
	}
}
