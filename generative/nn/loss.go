// Copyright ©2026 The rgflow Authors. All rights reserved.

package nn

// MSE returns the mean squared error L = (1/N) Σ_i (pred_i − target_i)² over
// all N entries, and writes ∂L/∂pred = 2(pred − target)/N into grad
// (allocated if nil), ready for Network.Backward. The sum is accumulated in
// float64.
func MSE(grad, pred, target []float32) (float64, []float32) {
	return WeightedMSE(grad, pred, target, nil)
}

// WeightedMSE returns L = (1/N) Σ_s w_s Σ_{i∈s} (pred_i − target_i)², the
// squared error of each sample s weighted by w_s (len(w) samples of
// N/len(w) entries each; nil w means all ones), and writes ∂L/∂pred into
// grad (allocated if nil).
func WeightedMSE(grad, pred, target, w []float32) (float64, []float32) {
	N := len(pred)
	if len(target) != N {
		panic("nn: prediction and target lengths differ")
	}
	if grad == nil {
		grad = make([]float32, N)
	} else if len(grad) != N {
		panic("nn: gradient length mismatch")
	}
	if N == 0 {
		return 0, grad
	}
	per := N
	if w != nil {
		if len(w) == 0 || N%len(w) != 0 {
			panic("nn: weights do not divide the batch into samples")
		}
		per = N / len(w)
	}
	scale := 2 / float64(N)
	var loss float64
	for s := 0; s < N/per; s++ {
		ws := 1.0
		if w != nil {
			ws = float64(w[s])
		}
		var sum float64
		g := float32(scale * ws)
		for i := s * per; i < (s+1)*per; i++ {
			r := pred[i] - target[i]
			sum += float64(r) * float64(r)
			grad[i] = g * r
		}
		loss += ws * sum
	}
	return loss / float64(N), grad
}
