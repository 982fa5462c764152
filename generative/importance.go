// Copyright ©2026 The rgflow Authors. All rights reserved.

package generative

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"rgflow/field"
)

// Weights are the importance weights w_i = exp(log w_i) of N independent
// proposals against an unnormalised target exp(−S): the estimators of
// self-normalised importance sampling (reweighting), its effective sample
// size and the normalisation Z = E_q[w]. They are held shifted by the
// largest log-weight, so that nothing overflows whatever the scale of
// log w. A Weights is immutable.
type Weights struct {
	logw []float64
	max  float64   // the largest log-weight
	w    []float64 // exp(log w − max), in [0, 1]
	sum  float64
	sum2 float64
}

// NewWeights returns the weights with log-weights logw (copied). A log-weight
// may be −Inf (a proposal of zero weight); NaN or +Inf is an error naming
// the proposal, and so are no proposals or all weights zero.
func NewWeights(logw []float64) (*Weights, error) {
	if len(logw) == 0 {
		return nil, errors.New("generative: importance weights of no proposals")
	}
	w := &Weights{logw: append([]float64(nil), logw...), max: math.Inf(-1), w: make([]float64, len(logw))}
	for i, v := range logw {
		if math.IsNaN(v) || math.IsInf(v, 1) {
			return nil, fmt.Errorf("generative: log-weight of proposal %d is %v: must be a number < +Inf", i, v)
		}
		w.max = math.Max(w.max, v)
	}
	if math.IsInf(w.max, -1) {
		return nil, fmt.Errorf("generative: all %d importance weights are zero (log w = −Inf): the proposals miss the target", len(logw))
	}
	for i, v := range logw {
		e := math.Exp(v - w.max)
		w.w[i] = e
		w.sum += e
		w.sum2 += e * e
	}
	return w, nil
}

// Len returns the number of proposals N.
func (w *Weights) Len() int { return len(w.w) }

// LogW returns the log-weights (shared; do not modify).
func (w *Weights) LogW() []float64 { return w.logw }

// ESS returns Kish's effective sample size over N, (Σw)²/(N Σw²) ∈ (0, 1]:
// 1 for constant weights, 1/N when one proposal carries all the weight.
func (w *Weights) ESS() float64 {
	return w.sum * w.sum / (float64(len(w.w)) * w.sum2)
}

// Normalized writes the self-normalised weights w_i/Σw into dst and
// returns it (allocated if nil).
func (w *Weights) Normalized(dst []float64) []float64 {
	if dst == nil {
		dst = make([]float64, len(w.w))
	}
	if len(dst) != len(w.w) {
		panic("generative: weights length mismatch")
	}
	for i, v := range w.w {
		dst[i] = v / w.sum
	}
	return dst
}

// VarLogW returns the sample variance of log w over the proposals of
// non-zero weight (0 if fewer than two), the spread that decides how fast
// the weights degenerate: for log-normal weights ESS/N = exp(−Var log w).
func (w *Weights) VarLogW() float64 {
	var n, m, s float64
	for _, v := range w.logw {
		if math.IsInf(v, -1) {
			continue
		}
		n++
		d := v - m
		m += d / n
		s += d * (v - m)
	}
	if n < 2 {
		return 0
	}
	return s / (n - 1)
}

// LogZ returns log Ẑ = log(N⁻¹ Σ w_i), the log of the unbiased estimate of
// Z = E_q[w], and its standard error by the delta method,
// sd(w)/(√N·w̄). log Ẑ itself is biased low by about half the squared
// error (Jensen), negligible when the error is small. The error is +Inf
// with one proposal.
func (w *Weights) LogZ() (value, stderr float64) {
	n := float64(len(w.w))
	mean := w.sum / n
	if len(w.w) < 2 {
		return w.max + math.Log(mean), math.Inf(1)
	}
	v := 0.0
	for _, x := range w.w {
		v += (x - mean) * (x - mean)
	}
	v /= n - 1
	return w.max + math.Log(mean), math.Sqrt(v/n) / mean
}

// FreeEnergy returns the free-energy density −log Ẑ/V and its standard
// error for a lattice of V sites (see LogZ).
func (w *Weights) FreeEnergy(V int) (value, stderr float64) {
	z, e := w.LogZ()
	return -z / float64(V), e / float64(V)
}

// Mean returns the self-normalised reweighted mean Σ w_i x_i / Σ w_i of
// the observable x (one value per proposal) and its standard error by the
// delta method, √(Σ w_i² (x_i − x̄)²)/Σ w_i (independent proposals).
func (w *Weights) Mean(x []float64) (value, stderr float64) {
	if len(x) != len(w.w) {
		panic("generative: observable length mismatch")
	}
	m := 0.0
	for i, v := range x {
		m += w.w[i] * v
	}
	m /= w.sum
	s := 0.0
	for i, v := range x {
		d := w.w[i] * (v - m)
		s += d * d
	}
	return m, math.Sqrt(s) / w.sum
}

// Jackknife estimates f(⟨a₁⟩, …, ⟨a_n⟩) under the target, each ⟨a_α⟩ the
// self-normalised reweighted mean of data[α] (one value per proposal),
// with its standard error by the delete-one-bin jackknife over nbins
// consecutive blocks (the remainder at the end is dropped from the blocks
// but not from the full estimate). Deleting a bin re-normalises the
// weights, so ratios such as χ or U₄ carry the correlation of numerator,
// denominator and normalisation. The value is bias-corrected,
// nbins·f(ā) − (nbins−1)·mean_b f(ā_{−b}). It returns an error if a
// deleted bin held all the weight.
func (w *Weights) Jackknife(f func(means []float64) float64, nbins int, data [][]float64) (value, stderr float64, err error) {
	N := len(w.w)
	if len(data) == 0 {
		return 0, 0, errors.New("generative: reweighted jackknife of no observables")
	}
	for a, x := range data {
		if len(x) != N {
			return 0, 0, fmt.Errorf("generative: observable %d has %d values for %d weights", a, len(x), N)
		}
	}
	if nbins < 2 || nbins > N {
		return 0, 0, fmt.Errorf("generative: jackknife bin count %d: must be between 2 and the number of proposals %d", nbins, N)
	}
	na := len(data)
	total := make([]float64, na)
	for a, x := range data {
		for i, v := range x {
			total[a] += w.w[i] * v
		}
	}
	means := make([]float64, na)
	for a := range means {
		means[a] = total[a] / w.sum
	}
	f0 := f(means)
	size := N / nbins
	fs := make([]float64, nbins)
	fbar := 0.0
	for b := range fs {
		lo, hi := b*size, (b+1)*size
		ws := w.sum
		for _, v := range w.w[lo:hi] {
			ws -= v
		}
		if !(ws > 0) {
			return 0, 0, fmt.Errorf("generative: reweighted jackknife: bin %d of %d holds all the weight (ESS/N = %.3g)", b, nbins, w.ESS())
		}
		for a, x := range data {
			s := total[a]
			for i := lo; i < hi; i++ {
				s -= w.w[i] * x[i]
			}
			means[a] = s / ws
		}
		fs[b] = f(means)
		fbar += fs[b]
	}
	B := float64(nbins)
	fbar /= B
	v := 0.0
	for _, x := range fs {
		v += (x - fbar) * (x - fbar)
	}
	value, stderr = B*f0-(B-1)*fbar, math.Sqrt((B-1)/B*v)
	if math.IsNaN(value) || math.IsNaN(stderr) {
		return 0, 0, fmt.Errorf("generative: reweighted jackknife: the estimate is not a number (f of the reweighted means is %v)", f0)
	}
	return value, stderr, nil
}

// IMH is an independence Metropolis–Hastings chain over a sequence of
// independent proposals with importance weights w = exp(−S)/q: from the
// current state c the next proposal k is accepted with probability
// min(1, w_k/w_c), otherwise the chain repeats c. Its stationary law is
// exp(−S)/Z exactly, whatever q (with q > 0 where exp(−S) > 0); the chain
// starts at the first proposal. Index[s] is the proposal the chain sits on
// at step s (N steps for N proposals).
type IMH struct {
	Index    []int
	Accepted int // accepted proposals of the N − 1 made
}

// NewIMH runs the chain over the proposals with log-weights logw, in
// order, drawing the acceptance uniforms from rnd. The log-weights are
// checked as NewWeights checks them.
func NewIMH(logw []float64, rnd *rand.Rand) (*IMH, error) {
	if _, err := NewWeights(logw); err != nil {
		return nil, err
	}
	c := &IMH{Index: make([]int, len(logw))}
	cur := 0
	for k := 1; k < len(logw); k++ {
		d := logw[k] - logw[cur]
		if logw[k] >= logw[cur] || rnd.Float64() < math.Exp(d) {
			cur = k
			c.Accepted++
		}
		c.Index[k] = cur
	}
	return c, nil
}

// Acceptance returns the fraction of proposals accepted (0 for a chain of
// one state).
func (c *IMH) Acceptance() float64 {
	if len(c.Index) < 2 {
		return 0
	}
	return float64(c.Accepted) / float64(len(c.Index)-1)
}

// Series writes the chain's history of the observable x (one value per
// proposal) into dst and returns it (allocated if nil).
func (c *IMH) Series(dst, x []float64) []float64 {
	if len(x) != len(c.Index) {
		panic("generative: observable length mismatch")
	}
	if dst == nil {
		dst = make([]float64, len(c.Index))
	}
	for s, i := range c.Index {
		dst[s] = x[i]
	}
	return dst
}

// Mean returns the chain average of the observable x with its Γ-method
// error and integrated autocorrelation time (field.Mean): the τ_int of an
// IMH chain is set by its rejections, ½ for a chain that accepts every
// proposal.
func (c *IMH) Mean(x []float64) (field.Estimate, error) {
	return field.Mean(c.Series(nil, x))
}
