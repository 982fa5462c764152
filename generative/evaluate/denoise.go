// Copyright ©2026 The rgflow Authors. All rights reserved.

package evaluate

import (
	"fmt"
	"math"

	"rgflow/field"
	"rgflow/generative"
	"rgflow/internal/rng"
)

// DenoiseCurve is the denoising error E V⁻¹ Σ_x (x̂₀ − x₀)_x² of several
// scores as a function of time on held-out data, with the same x₀ and
// noise for every score (common random numbers, so that differences are
// sharp): the comparison of the exact inverse RG (or Gaussian baseline) and
// learned denoising that the HDF5 file carries.
type DenoiseCurve struct {
	Names []string
	Times []float64
	// MSE[s][i] is score s's mean square error per site at Times[i], and
	// MSEErr its standard error over the held-out fields.
	MSE, MSEErr [][]float64
	// Diff[s][i] = MSE[s][i] − MSE[0][i], paired, and its error.
	Diff, DiffErr [][]float64
	// AvgDiff[s] is the paired difference averaged over Times, with the
	// error of that average (computed per field, so the correlation
	// through x₀ across times is included).
	AvgDiff, AvgDiffErr []float64
	// Closed[i] is V⁻¹ Σ_k Var[x₀ | x_t] of the first score when it is a
	// *Gaussian — its expected MSE on data of its spectrum — else NaN.
	Closed []float64
	// N is the number of held-out fields.
	N int
	// Shell is the same comparison resolved by momentum shell.
	Shell *ShellDenoise
}

// MeanDiff returns AvgDiff[s] and AvgDiffErr[s].
func (d *DenoiseCurve) MeanDiff(s int) (float64, float64) { return d.AvgDiff[s], d.AvgDiffErr[s] }

// DenoiseMSE measures the DenoiseCurve of scores (named by names) under p
// on the held-out fields, at times (each in (0, T]), with one noise draw per
// field and time from the streams rng.New(seed, rng.StageEvaluate, 1, i)
// (denoiseStream = 1).
func DenoiseMSE(p *generative.Process, held *field.Ensemble, times []float64, seed uint64, names []string, scores ...generative.Score) (*DenoiseCurve, error) {
	if err := checkDenoise(p, held, times, names, scores); err != nil {
		return nil, err
	}
	N := held.Len()
	S, M, V := len(scores), p.Modes(), float64(p.Lat.Volume())
	d := newDenoiseCurve(names, times, S, N)
	g, isGauss := scores[0].(*generative.Gaussian)
	sh, err := ProcessShells(p)
	if err != nil {
		return nil, err
	}
	d.Shell = newShellDenoise(sh, S, len(times))
	sums := newShellSums(S, N, sh.Len())
	alpha, beta := make([]float64, M), make([]float64, M)
	trap := trapezoid(times)

	const batch = 64
	pl := p.NewPlan()
	x0 := make([]complex128, batch*M)
	xt := make([]complex128, batch*M)
	xh := make([][]complex128, S)
	for s := range xh {
		xh[s] = make([]complex128, batch*M)
	}
	one := make([][]complex128, S)
	xi := make([]complex128, M)
	tb := make([]float64, batch)
	errs := make([][]float64, S) // per score, per field at one time
	perField := make([][]float64, S)
	for s := range errs {
		errs[s] = make([]float64, N)
		perField[s] = make([]float64, N)
	}
	for i, t := range times {
		rnd := rng.NewRand(seed, rng.StageEvaluate, denoiseStream, uint64(i))
		p.AlphaBar(alpha, t)
		p.Beta(beta, t)
		sums.reset()
		for b0 := 0; b0 < N; b0 += batch {
			B := min(batch, N-b0)
			for b := 0; b < B; b++ {
				pl.ToModes(x0[b*M:(b+1)*M], held.Field(b0+b))
				p.Noise(xi, rnd)
				p.Transition(xt[b*M:(b+1)*M], x0[b*M:(b+1)*M], xi, t)
				tb[b] = t
			}
			for s, sc := range scores {
				sc.Denoise(xh[s][:B*M], xt[:B*M], tb[:B])
				for b := 0; b < B; b++ {
					e := 0.0
					for j := 0; j < M; j++ {
						r := xh[s][b*M+j] - x0[b*M+j]
						e += p.Weight[j] * (real(r)*real(r) + imag(r)*imag(r)) / p.Norm[j]
					}
					errs[s][b0+b] = e / V
				}
			}
			for b := 0; b < B; b++ {
				for s := range one {
					one[s] = xh[s][b*M : (b+1)*M]
				}
				sums.add(p, sh.Index, b0+b, x0[b*M:(b+1)*M], xt[b*M:(b+1)*M], one, alpha, beta)
			}
		}
		h := 0.0
		if trap != nil {
			h = trap[i]
		}
		sums.cells(d.Shell, i, N, h)
		for s := range scores {
			d.MSE[s][i], d.MSEErr[s][i] = meanErr(errs[s], nil)
			d.Diff[s][i], d.DiffErr[s][i] = meanErr(errs[s], errs[0])
			for n := range perField[s] {
				perField[s][n] += (errs[s][n] - errs[0][n]) / float64(len(times))
			}
		}
		d.Closed[i] = math.NaN()
		if isGauss {
			c := 0.0
			for j := 0; j < M; j++ {
				c += p.Weight[j] * g.PosteriorVar(j, t)
			}
			d.Closed[i] = c / V
		}
	}
	for s := range scores {
		d.AvgDiff[s], d.AvgDiffErr[s] = meanErr(perField[s], nil)
	}
	if trap != nil {
		sums.finish(d.Shell, N)
		d.Shell.integrateLin(trap)
	}
	return d, nil
}

// checkDenoise reports the first problem of DenoiseMSE's arguments.
func checkDenoise(p *generative.Process, held *field.Ensemble, times []float64, names []string, scores []generative.Score) error {
	if len(scores) == 0 || len(names) != len(scores) {
		return fmt.Errorf("evaluate: %d names for %d scores (need at least one score)", len(names), len(scores))
	}
	if !held.Lat.Equal(p.Lat) {
		return fmt.Errorf("evaluate: held-out fields on %v, process on %v", held.Lat, p.Lat)
	}
	if N := held.Len(); N < 2 {
		return fmt.Errorf("evaluate: denoising error on %d held-out fields: need at least 2", N)
	}
	for _, t := range times {
		if !(t > 0 && t <= p.T) {
			return fmt.Errorf("evaluate: denoising time %v outside (0, T = %v]", t, p.T)
		}
	}
	return nil
}

// newDenoiseCurve allocates the per-site arrays of S scores at times.
func newDenoiseCurve(names []string, times []float64, S, N int) *DenoiseCurve {
	d := &DenoiseCurve{Names: append([]string(nil), names...), Times: append([]float64(nil), times...), N: N}
	alloc := func() [][]float64 {
		a := make([][]float64, S)
		for s := range a {
			a[s] = make([]float64, len(times))
		}
		return a
	}
	d.MSE, d.MSEErr, d.Diff, d.DiffErr = alloc(), alloc(), alloc(), alloc()
	d.AvgDiff, d.AvgDiffErr = make([]float64, S), make([]float64, S)
	d.Closed = make([]float64, len(times))
	return d
}

// meanErr returns the mean of x − y (y nil: of x) and its standard error.
func meanErr(x, y []float64) (float64, float64) {
	n := float64(len(x))
	var s, s2 float64
	for i, v := range x {
		if y != nil {
			v -= y[i]
		}
		s += v
		s2 += v * v
	}
	m := s / n
	return m, math.Sqrt(math.Max(s2/n-m*m, 0) / (n - 1))
}
