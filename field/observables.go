// Copyright ©2026 The rgflow Authors. All rights reserved.

package field

import (
	"errors"
	"fmt"
	"math"

	"rgflow/lattice"
)

// Measurement holds the per-configuration observables of one field φ on a
// lattice of volume V. One Measurement per configuration, kept in the order
// the configurations were produced, is the history that the ensemble-level
// estimators (Summarise, Susceptibility, Binder, …) analyse.
type Measurement struct {
	M             float64 // magnetisation M = V⁻¹ Σ_x φ_x
	AbsM          float64 // |M|
	M2            float64 // M²
	M4            float64 // M⁴
	ActionDensity float64 // S[φ]/V; 0 when measured without an action
}

// Measure returns the observables of the configuration phi. a may be nil, in
// which case ActionDensity is 0; otherwise len(phi) must be a's volume.
func Measure(a Action, phi []float64) Measurement {
	if len(phi) == 0 {
		panic("field: empty configuration")
	}
	s := 0.0
	for _, v := range phi {
		s += v
	}
	V := float64(len(phi))
	m := s / V
	m2 := m * m
	out := Measurement{M: m, AbsM: math.Abs(m), M2: m2, M4: m2 * m2}
	if a != nil {
		out.ActionDensity = a.Action(phi) / V
	}
	return out
}

// MeasureEnsemble measures every configuration of e, in order, and returns
// the history; dst is reused when its capacity suffices.
func MeasureEnsemble(dst []Measurement, a Action, e *Ensemble) []Measurement {
	dst = dst[:0]
	for i := 0; i < e.Len(); i++ {
		dst = append(dst, Measure(a, e.Field(i)))
	}
	return dst
}

// Observables are ensemble-level estimates, each with a Γ-method error that
// accounts for autocorrelations (see Gamma). V is the lattice volume.
//
//	χ      = V⟨M²⟩                    (the symmetric-phase susceptibility)
//	χ_conn = V(⟨M²⟩ − ⟨|M|⟩²)         (the finite-volume connected form)
//	U₄     = 1 − ⟨M⁴⟩/(3⟨M²⟩²)        (Binder cumulant: 0 Gaussian, ⅔ ordered)
type Observables struct {
	M, AbsM, M2, M4, ActionDensity Estimate
	Chi, ChiConn, Binder           Estimate
}

// observable histories, as Γ-method replicas.
const (
	obsM = iota
	obsAbsM
	obsM2
	obsM4
	obsS
	nObs
)

func replicasOf(chains [][]Measurement) ([][][]float64, error) {
	if len(chains) == 0 {
		return nil, errors.New("field: no chains to analyse")
	}
	reps := make([][][]float64, len(chains))
	for r, ch := range chains {
		if len(ch) < 2 {
			return nil, fmt.Errorf("field: chain %d has %d measurements: need at least 2", r, len(ch))
		}
		rep := make([][]float64, nObs)
		for a := range rep {
			rep[a] = make([]float64, len(ch))
		}
		for i, m := range ch {
			rep[obsM][i] = m.M
			rep[obsAbsM][i] = m.AbsM
			rep[obsM2][i] = m.M2
			rep[obsM4][i] = m.M4
			rep[obsS][i] = m.ActionDensity
		}
		reps[r] = rep
	}
	return reps, nil
}

// Summarise returns every ensemble-level observable of the histories chains
// (one per independent Markov chain, or one holding independent samples)
// on a lattice of volume V. The first error encountered is returned with the
// estimates; ErrShortSeries means some chain is too short for its
// autocorrelation time and the errors are not reliable.
func Summarise(V int, chains ...[]Measurement) (Observables, error) {
	reps, err := replicasOf(chains)
	if err != nil {
		return Observables{}, err
	}
	var first error
	est := func(f func(m []float64) float64) Estimate {
		e, err := Gamma(f, DefaultS, reps...)
		if err != nil && first == nil {
			first = err
		}
		return e
	}
	vol := float64(V)
	o := Observables{
		M:             est(func(m []float64) float64 { return m[obsM] }),
		AbsM:          est(func(m []float64) float64 { return m[obsAbsM] }),
		M2:            est(func(m []float64) float64 { return m[obsM2] }),
		M4:            est(func(m []float64) float64 { return m[obsM4] }),
		ActionDensity: est(func(m []float64) float64 { return m[obsS] }),
		Chi:           est(func(m []float64) float64 { return vol * m[obsM2] }),
		ChiConn:       est(func(m []float64) float64 { return vol * (m[obsM2] - m[obsAbsM]*m[obsAbsM]) }),
		Binder:        est(binder),
	}
	return o, first
}

func binder(m []float64) float64 { return 1 - m[obsM4]/(3*m[obsM2]*m[obsM2]) }

// Susceptibility returns χ = V⟨M²⟩ with its Γ-method error.
func Susceptibility(V int, chains ...[]Measurement) (Estimate, error) {
	reps, err := replicasOf(chains)
	if err != nil {
		return Estimate{}, err
	}
	return Gamma(func(m []float64) float64 { return float64(V) * m[obsM2] }, DefaultS, reps...)
}

// ConnectedSusceptibility returns χ_conn = V(⟨M²⟩ − ⟨|M|⟩²) with its
// Γ-method error.
func ConnectedSusceptibility(V int, chains ...[]Measurement) (Estimate, error) {
	reps, err := replicasOf(chains)
	if err != nil {
		return Estimate{}, err
	}
	return Gamma(func(m []float64) float64 { return float64(V) * (m[obsM2] - m[obsAbsM]*m[obsAbsM]) }, DefaultS, reps...)
}

// Binder returns U₄ = 1 − ⟨M⁴⟩/(3⟨M²⟩²) with its Γ-method error.
func Binder(chains ...[]Measurement) (Estimate, error) {
	reps, err := replicasOf(chains)
	if err != nil {
		return Estimate{}, err
	}
	return Gamma(binder, DefaultS, reps...)
}

// Correlator measures two-point functions of single configurations: the
// power spectrum |φ̃_k|²/V on the half spectrum, and the zero-momentum
// wall correlator G(r). It holds FFT scratch space: one per goroutine.
type Correlator struct {
	lat  *lattice.Lattice
	plan *lattice.FFT
	spec []complex128
	axes []int // axes with the extent of axis 0, over which G(r) and ξ₂ average
	kmin []int // half-spectrum index of the smallest nonzero momentum along each of axes

	// For G(r) from the power spectrum (fromSpectrum): every half mode's
	// label along each of axes, its weight, the cosines cos(2πnr/L₀) and
	// the marginal power per label.
	label  [][]int
	weight []float64
	cos    [][]float64
	marg   []float64
}

// NewCorrelator returns a correlator for fields on l.
func NewCorrelator(l *lattice.Lattice) *Correlator {
	c := &Correlator{lat: l, plan: lattice.NewFFT(l), spec: make([]complex128, l.HalfLen())}
	n := make([]int, l.Dim())
	for mu := 0; mu < l.Dim(); mu++ {
		if l.Extent(mu) != l.Extent(0) {
			continue
		}
		c.axes = append(c.axes, mu)
		clear(n)
		n[mu] = 1
		j, ok := l.HalfIndex(n)
		if !ok {
			n[mu] = l.Extent(mu) - 1
			j, ok = l.HalfIndex(n)
			if !ok {
				panic("field: internal error: minimal mode not in half spectrum")
			}
		}
		c.kmin = append(c.kmin, j)
	}
	H, L := l.HalfLen(), l.Extent(0)
	c.weight = l.HalfWeights()
	c.label = make([][]int, len(c.axes))
	for a, mu := range c.axes {
		c.label[a] = make([]int, H)
		for j := range H {
			c.label[a][j] = l.HalfMode(n, j)[mu]
		}
	}
	c.cos = make([][]float64, L)
	for k := range L {
		c.cos[k] = make([]float64, c.MaxR()+1)
		for r := range c.cos[k] {
			c.cos[k][r] = math.Cos(2 * math.Pi * float64(k*r%L) / float64(L))
		}
	}
	c.marg = make([]float64, L)
	return c
}

// Lattice returns the correlator's lattice.
func (c *Correlator) Lattice() *lattice.Lattice { return c.lat }

// Spectrum writes the power spectrum P_k = |φ̃_k|²/V of phi on every
// half-spectrum mode (ordered as lattice.HalfKHat2) into dst and returns it.
// Its ensemble mean is G(k) = ⟨|φ̃_k|²⟩/V. If dst is nil a new slice is
// allocated.
func (c *Correlator) Spectrum(dst, phi []float64) []float64 {
	H := c.lat.HalfLen()
	if dst == nil {
		dst = make([]float64, H)
	} else if len(dst) != H {
		panic("field: spectrum length mismatch")
	}
	c.plan.Forward(c.spec, phi)
	iv := 1 / float64(c.lat.Volume())
	for j, z := range c.spec {
		dst[j] = (real(z)*real(z) + imag(z)*imag(z)) * iv
	}
	return dst
}

// fromSpectrum writes Position's G(r) of a field whose power spectrum
// (Spectrum) is ps into dst: G(r) = (V·|A|)⁻¹ Σ_{μ∈A} Σ_k P_k cos(k_μ r),
// the Wiener–Khinchin form, in O(H + L₀·R) per field instead of Position's
// O(V·R).
func (c *Correlator) fromSpectrum(dst, ps []float64) {
	clear(dst)
	for a := range c.axes {
		clear(c.marg)
		for j, v := range ps {
			c.marg[c.label[a][j]] += c.weight[j] * v
		}
		for k, p := range c.marg {
			for r, cs := range c.cos[k] {
				dst[r] += p * cs
			}
		}
	}
	norm := 1 / (float64(c.lat.Volume()) * float64(len(c.axes)))
	for r := range dst {
		dst[r] *= norm
	}
}

// MaxR returns the largest separation of G(r), ⌊L₀/2⌋.
func (c *Correlator) MaxR() int { return c.lat.Extent(0) / 2 }

// Position writes the two-point function
//
//	G(r) = (V·|A|)⁻¹ Σ_{μ∈A} Σ_x φ_x φ_{x+rμ̂},  r = 0…⌊L₀/2⌋,
//
// of phi into dst and returns it, where A is the set of axes whose extent
// equals L₀. It is the full (not connected) correlator: on a finite periodic
// lattice ⟨φ⟩ = 0 by the φ → −φ symmetry of the actions here.
func (c *Correlator) Position(dst, phi []float64) []float64 {
	l := c.lat
	V := l.Volume()
	if len(phi) != V {
		panic("field: field length mismatch")
	}
	R := c.MaxR() + 1
	if dst == nil {
		dst = make([]float64, R)
	} else if len(dst) != R {
		panic("field: correlator length mismatch")
	}
	clear(dst)
	for _, mu := range c.axes {
		L, s := l.Extent(mu), l.Stride(mu)
		for r := 0; r < R; r++ {
			acc := 0.0
			// Sites are x = (outer·L + c)·s + inner; x+rμ̂ wraps c.
			for outer := 0; outer < V/(L*s); outer++ {
				for cc := 0; cc < L; cc++ {
					a := phi[(outer*L+cc)*s : (outer*L+cc+1)*s]
					cr := cc + r
					if cr >= L {
						cr -= L
					}
					b := phi[(outer*L+cr)*s : (outer*L+cr+1)*s]
					for i, v := range a {
						acc += v * b[i]
					}
				}
			}
			dst[r] += acc
		}
	}
	norm := 1 / (float64(V) * float64(len(c.axes)))
	for r := range dst {
		dst[r] *= norm
	}
	return dst
}

// TwoPoint holds ensemble estimates of two-point functions with Γ-method
// errors.
type TwoPoint struct {
	// G and GErr are G(k) = ⟨|φ̃_k|²⟩/V per half-spectrum mode (ordered as
	// lattice.HalfKHat2) and its error.
	G, GErr []float64
	// Shell and ShellErr are G averaged over each momentum shell with the
	// shells' weights, and its error; nil when no shells were given.
	Shell, ShellErr []float64
	// R and RErr are G(r) for r = 0…⌊L₀/2⌋ (see Correlator.Position).
	R, RErr []float64
	// Xi2 is the second-moment correlation length (see Correlator and the
	// package documentation for its finite-lattice definition).
	Xi2 Estimate
	// Chi is G(0) = V⟨M²⟩.
	Chi Estimate
}

// MeasureTwoPoint estimates the two-point functions of the configurations of
// chains: each ensemble is one time-ordered Markov chain (a Γ-method
// replica); an ensemble of independent samples is the special case
// τ_int = ½. shells may be nil. The second-moment correlation length is
//
//	ξ₂ = [(G(0)/G(k_min) − 1)/k̂²_min]^{1/2},  k_min = 2π/L₀ along one axis,
//	k̂²_min = 4 sin²(π/L₀),
//
// with G(k_min) averaged over the axes of extent L₀; it is exactly 1/m for
// the free field on any lattice. The first error is returned with the
// estimates (ErrShortSeries: errors unreliable).
func (c *Correlator) MeasureTwoPoint(shells *lattice.Shells, chains ...*Ensemble) (TwoPoint, error) {
	l := c.lat
	if len(chains) == 0 {
		return TwoPoint{}, errors.New("field: two-point function of no ensemble")
	}
	H := l.HalfLen()
	R := c.MaxR() + 1
	if shells != nil && len(shells.Index) != H {
		panic("field: shells do not match the half spectrum")
	}
	ns := 0
	if shells != nil {
		ns = shells.Len()
	}
	w := l.HalfWeights()
	zero := make([]int, l.Dim())
	j0, _ := l.HalfIndex(zero)
	// Per chain, the histories of: every mode, every r, k_min average,
	// every shell. series[q][chain][0][i] is a Γ-method replica.
	nq := H + R + 1 + ns
	qK, qR, qMin, qShell := 0, H, H+R, H+R+1
	series := make([][][][]float64, nq)
	for q := range series {
		series[q] = make([][][]float64, len(chains))
	}
	ps := make([]float64, H)
	pr := make([]float64, R)
	for ci, e := range chains {
		if !e.Lat.Equal(l) {
			panic("field: ensemble lattice differs from correlator lattice")
		}
		n := e.Len()
		if n < 2 {
			return TwoPoint{}, fmt.Errorf("field: two-point function of a chain of %d configurations: need at least 2", n)
		}
		for q := range series {
			series[q][ci] = [][]float64{make([]float64, n)}
		}
		for i := 0; i < n; i++ {
			phi := e.Field(i)
			c.Spectrum(ps, phi)
			for j, v := range ps {
				series[qK+j][ci][0][i] = v
			}
			s := 0.0
			for _, j := range c.kmin {
				s += ps[j]
			}
			series[qMin][ci][0][i] = s / float64(len(c.kmin))
			c.fromSpectrum(pr, ps)
			for r, v := range pr {
				series[qR+r][ci][0][i] = v
			}
			if shells != nil {
				for j, v := range ps {
					sh := shells.Index[j]
					series[qShell+sh][ci][0][i] += w[j] / shells.Count[sh] * v
				}
			}
		}
	}
	var first error
	mean := func(q int) Estimate {
		est, err := Gamma(nil, DefaultS, series[q]...)
		if err != nil && first == nil {
			first = err
		}
		return est
	}
	tp := TwoPoint{G: make([]float64, H), GErr: make([]float64, H), R: make([]float64, R), RErr: make([]float64, R)}
	for j := 0; j < H; j++ {
		est := mean(qK + j)
		tp.G[j], tp.GErr[j] = est.Value, est.Err
	}
	for r := 0; r < R; r++ {
		est := mean(qR + r)
		tp.R[r], tp.RErr[r] = est.Value, est.Err
	}
	tp.Chi = mean(qK + j0)
	k2min := 4 * math.Pow(math.Sin(math.Pi/float64(l.Extent(0))), 2)
	reps := make([][][]float64, len(chains))
	for ci := range chains {
		reps[ci] = [][]float64{series[qK+j0][ci][0], series[qMin][ci][0]}
	}
	xi, err := Gamma(func(m []float64) float64 {
		return math.Sqrt((m[0]/m[1] - 1) / k2min)
	}, DefaultS, reps...)
	if err != nil && first == nil {
		first = err
	}
	tp.Xi2 = xi
	if shells != nil {
		tp.Shell, tp.ShellErr = make([]float64, ns), make([]float64, ns)
		for sh := 0; sh < ns; sh++ {
			est := mean(qShell + sh)
			tp.Shell[sh], tp.ShellErr[sh] = est.Value, est.Err
		}
	}
	return tp, first
}
