// Copyright ©2026 The rgflow Authors. All rights reserved.

package field

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
)

// DefaultS is the ratio S = τ/τ_int that Wolff recommends for the automatic
// window of the Γ-method (U. Wolff, Comput. Phys. Commun. 156 (2004) 143,
// §3.3: results are insensitive to S between about 1 and 2).
const DefaultS = 1.5

// Estimate is a Monte Carlo estimate with its statistical error.
//
// Err includes the effect of autocorrelations: Err² = 2τ_int·σ²/N, where σ²
// is the variance of the (projected) observable. For independent samples
// τ_int = ½.
type Estimate struct {
	Value     float64 // the estimate F(ā)
	Err       float64 // its standard error, autocorrelations included
	ErrErr    float64 // the statistical uncertainty of Err
	TauInt    float64 // integrated autocorrelation time τ_int (½ if uncorrelated)
	TauIntErr float64 // its statistical uncertainty
	Window    int     // the summation window W chosen automatically
	N         int     // total number of measurements
}

// String formats the estimate as "value ± err (τ_int = t)".
func (e Estimate) String() string {
	return fmt.Sprintf("%.6g ± %.2g (τ_int = %.3g)", e.Value, e.Err, e.TauInt)
}

// ErrShortSeries is returned by the Γ-method when a chain is too short to
// estimate its autocorrelation: the automatic window reached half the length
// of the shortest replica without the criterion being met. The Estimate
// returned with it uses that maximal window and should not be trusted.
var ErrShortSeries = errors.New("field: Γ-method window did not converge: chain too short for its autocorrelation time")

// Gamma estimates F(⟨a₁⟩, …, ⟨a_n⟩) and its error by Wolff's Γ-method
// (U. Wolff, "Monte Carlo errors with less errors", Comput. Phys. Commun.
// 156 (2004) 143).
//
// Each replica is one independent Markov chain, given as its history of the
// primary observables: replica[α][i] is observable α at time i; all replicas
// have the same number of primaries. f maps primary means to the derived
// quantity; f == nil means the mean of the single primary (n must be 1).
//
// The derived quantity's fluctuations are linearised, δF_i = Σ_α f_α (a_αi −
// ā_α), with f_α by central differences of step √(Γ_αα(0)/N); its
// autocorrelation function Γ_F(t) is summed up to the window W where
// Wolff's criterion g(W) = e^{−W/τ(W)} − τ(W)/√(WN) first turns negative,
// with τ(W) = S/ln((2τ_int(W)+1)/(2τ_int(W)−1)). The bias of Γ_F is
// corrected as in Wolff's eq. (49). S ≤ 0 selects DefaultS.
//
// Errors: a malformed input is an error; a window that does not converge
// returns ErrShortSeries together with the maximal-window estimate.
func Gamma(f func(means []float64) float64, S float64, replicas ...[][]float64) (Estimate, error) {
	if S <= 0 {
		S = DefaultS
	}
	if len(replicas) == 0 {
		return Estimate{}, errors.New("field: Γ-method needs at least one replica")
	}
	nprim := len(replicas[0])
	if nprim == 0 {
		return Estimate{}, errors.New("field: Γ-method needs at least one primary observable")
	}
	if f == nil && nprim != 1 {
		return Estimate{}, fmt.Errorf("field: Γ-method with f = nil needs one primary, got %d", nprim)
	}
	N, minLen := 0, math.MaxInt
	for r, rep := range replicas {
		if len(rep) != nprim {
			return Estimate{}, fmt.Errorf("field: replica %d has %d primaries, replica 0 has %d", r, len(rep), nprim)
		}
		n := len(rep[0])
		for a := range rep {
			if len(rep[a]) != n {
				return Estimate{}, fmt.Errorf("field: replica %d: primary %d has %d values, primary 0 has %d", r, a, len(rep[a]), n)
			}
		}
		N += n
		minLen = min(minLen, n)
	}
	if minLen < 2 {
		return Estimate{}, fmt.Errorf("field: Γ-method needs at least 2 measurements per replica, got %d", minLen)
	}
	// Primary means over all replicas.
	mean := make([]float64, nprim)
	for _, rep := range replicas {
		for a, x := range rep {
			for _, v := range x {
				mean[a] += v
			}
		}
	}
	for a := range mean {
		mean[a] /= float64(N)
	}
	if f == nil {
		f = func(m []float64) float64 { return m[0] }
	}
	value := f(mean)
	// Gradient of f by central differences of step ~ the naive error.
	grad := make([]float64, nprim)
	shifted := make([]float64, nprim)
	for a := range grad {
		v := 0.0
		for _, rep := range replicas {
			for _, x := range rep[a] {
				d := x - mean[a]
				v += d * d
			}
		}
		h := math.Sqrt(v/float64(N)) / math.Sqrt(float64(N))
		if h == 0 {
			continue
		}
		copy(shifted, mean)
		shifted[a] = mean[a] + h
		fp := f(shifted)
		shifted[a] = mean[a] - h
		fm := f(shifted)
		grad[a] = (fp - fm) / (2 * h)
	}
	// Projected fluctuations per replica.
	proj := make([][]float64, len(replicas))
	for r, rep := range replicas {
		n := len(rep[0])
		p := make([]float64, n)
		for a, x := range rep {
			g := grad[a]
			if g == 0 {
				continue
			}
			for i, v := range x {
				p[i] += g * (v - mean[a])
			}
		}
		proj[r] = p
	}
	return gammaProjected(value, proj, N, minLen, len(replicas), S)
}

// gammaProjected runs the automatic windowing on projected fluctuations.
func gammaProjected(value float64, proj [][]float64, N, minLen, R int, S float64) (Estimate, error) {
	gammaAt := func(t int) float64 {
		s := 0.0
		for _, p := range proj {
			q := p[t:]
			for i, v := range q {
				s += p[i] * v
			}
		}
		return s / float64(N-R*t)
	}
	est := Estimate{Value: value, N: N}
	g0 := gammaAt(0)
	if g0 == 0 {
		// An exactly constant observable: no fluctuation, no error.
		est.TauInt = 0.5
		return est, nil
	}
	wmax := minLen / 2
	gamma := []float64{g0}
	cf := g0
	W := -1
	for t := 1; t <= wmax; t++ {
		gamma = append(gamma, gammaAt(t))
		cf += 2 * gamma[t]
		tauInt := cf / (2 * g0)
		tau := 1e-6 // Wolff's choice for τ_int ≤ ½ (anticorrelated data)
		if tauInt > 0.5 {
			tau = S / math.Log((2*tauInt+1)/(2*tauInt-1))
		}
		g := math.Exp(-float64(t)/tau) - tau/math.Sqrt(float64(t)*float64(N))
		if g < 0 {
			W = t
			break
		}
	}
	var err error
	if W < 0 {
		W = max(wmax, 0)
		err = ErrShortSeries
		for len(gamma) <= W {
			gamma = append(gamma, gammaAt(len(gamma)))
		}
	}
	// Bias correction, Wolff eq. (49): Γ(t) → Γ(t) + C_F(W)/N.
	cf = gamma[0]
	for t := 1; t <= W; t++ {
		cf += 2 * gamma[t]
	}
	shift := cf / float64(N)
	g0c := gamma[0] + shift
	cf += (2*float64(W) + 1) * shift
	if cf <= 0 {
		// Anticorrelated noise can drive the sum negative; fall back to the
		// naive variance, which then overestimates the error.
		cf = g0c
	}
	est.Window = W
	est.Err = math.Sqrt(cf / float64(N))
	est.TauInt = cf / (2 * g0c)
	est.ErrErr = est.Err * math.Sqrt((float64(W)+0.5)/float64(N))
	est.TauIntErr = 2 * est.TauInt * math.Sqrt(math.Max(float64(W)+0.5-est.TauInt, 0)/float64(N))
	return est, err
}

// Mean returns the mean of the series x with its Γ-method error (S =
// DefaultS). See Gamma.
func Mean(x []float64) (Estimate, error) {
	return Gamma(nil, DefaultS, [][]float64{x})
}

// binMeans averages each primary over nbins consecutive blocks, dropping the
// remainder at the end. It returns bins[b][α].
func binMeans(data [][]float64, nbins int) ([][]float64, error) {
	if len(data) == 0 {
		return nil, errors.New("field: no primary observables")
	}
	n := len(data[0])
	for a := range data {
		if len(data[a]) != n {
			return nil, fmt.Errorf("field: primary %d has %d values, primary 0 has %d", a, len(data[a]), n)
		}
	}
	if nbins < 2 || nbins > n {
		return nil, fmt.Errorf("field: bin count %d: must be between 2 and the number of measurements %d", nbins, n)
	}
	size := n / nbins
	bins := make([][]float64, nbins)
	for b := range bins {
		m := make([]float64, len(data))
		for a, x := range data {
			s := 0.0
			for _, v := range x[b*size : (b+1)*size] {
				s += v
			}
			m[a] = s / float64(size)
		}
		bins[b] = m
	}
	return bins, nil
}

// Jackknife estimates f(⟨a₁⟩, …, ⟨a_n⟩) and its standard error by the
// delete-one-bin jackknife over nbins consecutive blocks of data[α][i].
// Blocks must be longer than the autocorrelation time (a few τ_int) for the
// error to be honest. The value is bias-corrected to O(1/nbins²):
// nbins·f(ā) − (nbins−1)·mean_b f(ā_{−b}).
func Jackknife(f func(means []float64) float64, nbins int, data [][]float64) (value, stderr float64, err error) {
	bins, err := binMeans(data, nbins)
	if err != nil {
		return 0, 0, err
	}
	nprim := len(data)
	total := make([]float64, nprim)
	for _, m := range bins {
		for a, v := range m {
			total[a] += v
		}
	}
	full := make([]float64, nprim)
	for a := range full {
		full[a] = total[a] / float64(nbins)
	}
	f0 := f(full)
	B := float64(nbins)
	loo := make([]float64, nprim)
	fs := make([]float64, nbins)
	fbar := 0.0
	for b, m := range bins {
		for a := range loo {
			loo[a] = (total[a] - m[a]) / (B - 1)
		}
		fs[b] = f(loo)
		fbar += fs[b]
	}
	fbar /= B
	v := 0.0
	for _, x := range fs {
		v += (x - fbar) * (x - fbar)
	}
	return B*f0 - (B-1)*fbar, math.Sqrt((B - 1) / B * v), nil
}

// Bootstrap estimates the standard error of f(⟨a₁⟩, …, ⟨a_n⟩) from nboot
// resamplings, with replacement, of nbins consecutive blocks of data[α][i].
// It returns f at the full-sample means and the standard deviation of f over
// the resamples. Blocks must be longer than a few τ_int.
func Bootstrap(f func(means []float64) float64, nbins, nboot int, data [][]float64, rnd *rand.Rand) (value, stderr float64, err error) {
	if nboot < 2 {
		return 0, 0, fmt.Errorf("field: bootstrap resample count %d: must be ≥ 2", nboot)
	}
	bins, err := binMeans(data, nbins)
	if err != nil {
		return 0, 0, err
	}
	nprim := len(data)
	full := make([]float64, nprim)
	for _, m := range bins {
		for a, v := range m {
			full[a] += v / float64(nbins)
		}
	}
	value = f(full)
	res := make([]float64, nprim)
	s, s2 := 0.0, 0.0
	for k := 0; k < nboot; k++ {
		clear(res)
		for b := 0; b < nbins; b++ {
			m := bins[rnd.IntN(nbins)]
			for a, v := range m {
				res[a] += v
			}
		}
		for a := range res {
			res[a] /= float64(nbins)
		}
		x := f(res)
		s += x
		s2 += x * x
	}
	mb := s / float64(nboot)
	v := (s2 - float64(nboot)*mb*mb) / float64(nboot-1)
	return value, math.Sqrt(math.Max(v, 0)), nil
}
