// Copyright ©2026 The rgflow Authors. All rights reserved.

package ziggurat

import "math"

// The elementary functions of the tables, after Go's math package
// (exp_amd64.s, log.go, erf.go; BSD-style licence, The Go Authors): the
// doubles math.Exp, math.Log and math.Erfc return on amd64 with FMA (the
// tables' reference platform), on every platform. Go's own functions run
// other code elsewhere (math.Exp has a pure-Go and a non-FMA path that
// round differently), and the compiler may fuse a multiply and an add
// where the processor can; here every product is rounded before it is
// added (the explicit float64 conversions forbid fusing) and the fused
// steps are explicit math.FMA calls, exact everywhere. So the tables are
// a function of this file alone.

// horner returns c[0] + s·(c[1] + s·(c[2] + …)), each product rounded.
func horner(s float64, c ...float64) float64 {
	acc := c[len(c)-1]
	for i := len(c) - 2; i >= 0; i-- {
		acc = c[i] + float64(s*acc)
	}
	return acc
}

// exp returns e^x for the finite arguments of the tables (|x| < 700):
// the algorithm of Go's math.Exp on amd64 with FMA (exp_amd64.s, after
// Shibata's SLEEF: k = round(x/ln 2), a two-part reduction, a Taylor
// series of e^{r/16} and four squarings), with math.FMA where it fuses,
// which math.FMA computes exactly on every platform.
func exp(x float64) float64 {
	const (
		log2e = 1.4426950408889634073599246810018920
		ln2U  = 0.69314718055966295651160180568695068359375
		ln2L  = 0.28235290563031577122588448175013436025525412068e-12
	)
	k := math.RoundToEven(float64(log2e * x))
	r := math.FMA(-k, ln2L, math.FMA(-k, ln2U, x)) * 0.0625
	p := 2.4801587301587301587e-5
	for _, c := range []float64{1.9841269841269841270e-4, 1.3888888888888888889e-3, 8.3333333333333333333e-3,
		4.1666666666666666667e-2, 1.6666666666666666667e-1, 0.5, 1} {
		p = math.FMA(p, r, c)
	}
	r = float64(r * p)
	for range 3 {
		r = float64(r * (r + 2))
	}
	r = math.FMA(r, r+2, 1)
	return math.Ldexp(r, int(k))
}

// log returns the natural logarithm of x > 0 (finite).
func log(x float64) float64 {
	const (
		ln2Hi = 6.93147180369123816490e-01
		ln2Lo = 1.90821492927058770002e-10
	)
	f1, ki := math.Frexp(x)
	if f1 < math.Sqrt2/2 {
		f1 *= 2
		ki--
	}
	f := f1 - 1
	k := float64(ki)
	s := f / (2 + f)
	s2 := s * s
	s4 := s2 * s2
	t1 := float64(s2 * horner(s4, 6.666666666666735130e-01, 2.857142874366239149e-01, 1.818357216161805012e-01, 1.479819860511658591e-01))
	t2 := float64(s4 * horner(s4, 3.999999999940941908e-01, 2.222219843214978396e-01, 1.531383769920937332e-01))
	R := t1 + t2
	hfsq := float64(float64(0.5*f) * f)
	return float64(k*ln2Hi) - ((hfsq - (float64(s*(hfsq+R)) + float64(k*ln2Lo))) - f)
}

// erfc returns the complementary error function for 1/0.35 ≤ x < 28, the
// range of the tail beyond the ziggurat's base layer.
func erfc(x float64) float64 {
	if !(x >= 1/0.35 && x < 28) {
		panic("ziggurat: erfc argument outside [1/0.35, 28)")
	}
	s := 1 / (x * x)
	R := horner(s, -9.86494292470009928597e-03, -7.99283237680523006574e-01, -1.77579549177547519889e+01,
		-1.60636384855821916062e+02, -6.37566443368389627722e+02, -1.02509513161107724954e+03,
		-4.83519191608651397019e+02)
	S := horner(s, 1, 3.03380607434824582924e+01, 3.25792512996573918826e+02, 1.53672958608443695994e+03,
		3.19985821950859553908e+03, 2.55305040643316442583e+03, 4.74528541206955367215e+02,
		-2.24409524465858183362e+01)
	z := math.Float64frombits(math.Float64bits(x) & 0xffffffff00000000)
	r := exp(float64(-z*z)-0.5625) * exp(float64((z-x)*(z+x))+R/S)
	return r / x
}
