// Copyright ©2026 The rgflow Authors. All rights reserved.

package generative

import (
	"fmt"
	"sort"
)

// Windows is a denoiser made of experts for windows of time: Scores[k]
// serves the times t with Bounds[k−1] < t ≤ Bounds[k] (Bounds[−1] = 0,
// and the last Score everything above the last bound), the way
// TrainConfig.TMin and TMax train a model on a window alone. A denoiser
// whose optimal form changes strongly with t (which modes are noise,
// which are data) can be more accurate as several networks of the same
// size, each fitting its own window, than as one network for all times.
//
// A batch may mix times: each run of consecutive fields in one window
// goes to that window's Score. dst may alias xt if every Score allows it.
type Windows struct {
	Bounds []float64 // increasing times (not fractions of T)
	Scores []Score   // len(Bounds) + 1
}

// NewWindows returns the windowed denoiser of scores split at the times
// bounds. It returns an error unless bounds increase and there is one
// more score than bounds.
func NewWindows(bounds []float64, scores []Score) (*Windows, error) {
	if len(scores) != len(bounds)+1 {
		return nil, fmt.Errorf("generative: %d window bounds need %d scores, have %d", len(bounds), len(bounds)+1, len(scores))
	}
	for i, b := range bounds {
		if !(b > 0) || (i > 0 && !(b > bounds[i-1])) {
			return nil, fmt.Errorf("generative: window bounds %v: must be positive and increasing", bounds)
		}
	}
	for i, s := range scores {
		if s == nil {
			return nil, fmt.Errorf("generative: window %d has no score", i)
		}
	}
	return &Windows{Bounds: append([]float64(nil), bounds...), Scores: append([]Score(nil), scores...)}, nil
}

// Window returns the index of the window of time t.
func (w *Windows) Window(t float64) int {
	return sort.SearchFloat64s(w.Bounds, t)
}

// Denoise writes x̂₀ of every field by the Score of its time's window.
func (w *Windows) Denoise(dst, xt []complex128, t []float64) []complex128 {
	if len(t) == 0 {
		return batchDst(dst, len(xt))
	}
	if len(xt)%len(t) != 0 {
		panic(fmt.Sprintf("generative: batch of %d coefficients for %d fields", len(xt), len(t)))
	}
	M := len(xt) / len(t)
	dst = batchDst(dst, len(xt))
	for i := 0; i < len(t); {
		k := w.Window(t[i])
		j := i + 1
		for j < len(t) && w.Window(t[j]) == k {
			j++
		}
		w.Scores[k].Denoise(dst[i*M:j*M], xt[i*M:j*M], t[i:j])
		i = j
	}
	return dst
}

// PosteriorVar is the first window's (experts around one Gaussian
// baseline share it); it panics if that Score has none.
func (w *Windows) PosteriorVar(j int, t float64) float64 {
	return w.Scores[0].(PosteriorVariancer).PosteriorVar(j, t)
}
