// Copyright ©2026 The rgflow Authors. All rights reserved.

package evaluate

import (
	"math"
	"math/rand/v2"
	"slices"

	"rgflow/wgrad"
)

// fillDistances fills the distances between the ensembles and their null
// yardsticks, drawing the reference's random splits from rnd.
func (c *Comparison) fillDistances(pr, pg *perConfig, weights []float64, cfg CompareConfig, rnd *rand.Rand) {
	nr, ng := len(pr.m), len(pg.m)
	action := cfg.Action != nil
	d := distances(pr, all(nr), pg, all(ng), weights, action)
	c.W2Spectral, c.W2M, c.W2Action, c.SlicedW2, c.KLGauss = d.spec, d.m, d.s, d.sliced, d.kl
	null := nullDistances(pr, weights, cfg.Splits, cfg.Blocks, action, rnd)
	// Half-samples of sizes a, b against the compared sizes nr, ng.
	a, b := float64(nr/2), float64(nr-nr/2)
	scale := (1/float64(nr) + 1/float64(ng)) / (1/a + 1/b)
	sq := math.Sqrt(scale)
	c.W2SpectralNull, c.W2MNull, c.W2ActionNull, c.SlicedW2Null = null.spec*sq, null.m*sq, null.s*sq, null.sliced*sq
	c.KLGaussNull = null.kl * scale
}

// all returns the indices 0 … n−1.
func all(n int) []int {
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	return idx
}

type dist struct{ spec, m, s, sliced, kl float64 }

// distances computes every distance between the configurations ia of a and
// ib of b.
func distances(a *perConfig, ia []int, b *perConfig, ib []int, weights []float64, action bool) dist {
	var d dist
	ga, gb := meanPower(a, ia), meanPower(b, ib)
	d.spec = math.Sqrt(spectralW2Sq(ga, gb, weights))
	d.kl = gaussKL(gb, ga, weights)
	pick := func(x []float64, idx []int) []float64 {
		out := make([]float64, len(idx))
		for k, i := range idx {
			out[k] = x[i]
		}
		return out
	}
	d.m = math.Sqrt(w2SqSorted(sortedCopy(pick(a.m, ia)), sortedCopy(pick(b.m, ib))))
	d.s = math.NaN()
	if action {
		d.s = math.Sqrt(w2SqSorted(sortedCopy(pick(a.s, ia)), sortedCopy(pick(b.s, ib))))
	}
	K := len(a.proj[0])
	xa, xb := make([]float64, len(ia)), make([]float64, len(ib))
	for k := 0; k < K; k++ {
		for n, i := range ia {
			xa[n] = a.proj[i][k]
		}
		for n, i := range ib {
			xb[n] = b.proj[i][k]
		}
		d.sliced += w2SqSorted(sortedCopy(xa), sortedCopy(xb))
	}
	d.sliced = math.Sqrt(d.sliced / float64(K))
	return d
}

func meanPower(p *perConfig, idx []int) []float64 {
	g := make([]float64, len(p.power[0]))
	for _, i := range idx {
		for j, v := range p.power[i] {
			g[j] += v
		}
	}
	for j := range g {
		g[j] /= float64(len(idx))
	}
	return g
}

// nullDistances returns the RMS over random splits of the reference into
// halves of whole blocks of the distances between the halves.
func nullDistances(p *perConfig, weights []float64, splits, blocks int, action bool, rnd *rand.Rand) dist {
	n := len(p.m)
	L := n / blocks
	var acc dist
	for s := 0; s < splits; s++ {
		perm := rnd.Perm(blocks)
		var ia, ib []int
		for k, blk := range perm {
			hi := (blk + 1) * L
			if blk == blocks-1 {
				hi = n
			}
			for i := blk * L; i < hi; i++ {
				if k < blocks/2 {
					ia = append(ia, i)
				} else {
					ib = append(ib, i)
				}
			}
		}
		d := distances(p, ia, p, ib, weights, action)
		acc.spec += d.spec * d.spec
		acc.m += d.m * d.m
		acc.s += d.s * d.s
		acc.sliced += d.sliced * d.sliced
		acc.kl += d.kl * d.kl
	}
	f := float64(splits)
	return dist{
		spec: math.Sqrt(acc.spec / f), m: math.Sqrt(acc.m / f), s: math.Sqrt(acc.s / f),
		sliced: math.Sqrt(acc.sliced / f), kl: math.Sqrt(acc.kl / f),
	}
}

// spectralW2Sq is W₂² between centred translation-invariant Gaussian fields
// with half-spectrum covariances c1, c2 (wgrad.SpectralW2, the one
// implementation).
func spectralW2Sq(c1, c2, weights []float64) float64 { return wgrad.SpectralW2(c1, c2, weights) }

// w2SqSorted returns W₂² between the empirical measures of the sorted
// samples x and y, sizes may differ (wgrad.SortedW2Sq, the one
// implementation).
func w2SqSorted(x, y []float64) float64 { return wgrad.SortedW2Sq(x, y) }

// gaussKL is KL(N(0, p) ‖ N(0, q)) for half-spectrum covariances p, q:
// ½ Σ_k w_k (r − 1 − ln r), r = p/q.
func gaussKL(p, q, weights []float64) float64 {
	s := 0.0
	for j, w := range weights {
		if !(q[j] > 0) || !(p[j] > 0) {
			continue
		}
		r := p[j] / q[j]
		s += w * (r - 1 - math.Log(r))
	}
	return s / 2
}

func sortedCopy(x []float64) []float64 {
	y := append([]float64(nil), x...)
	slices.Sort(y)
	return y
}
