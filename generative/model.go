// Copyright ©2026 The rgflow Authors. All rights reserved.

package generative

// Tensor is a named float32 array, row-major: the plain form in which a
// model's state leaves the package (generative/nn's NamedTensor has the
// same fields).
type Tensor struct {
	Name  string
	Shape []int
	Data  []float32
}

// Counter is a named integer of a model's state, such as an optimiser's
// step count.
type Counter struct {
	Name  string
	Value int64
}

// ModelState is everything a Trainable needs to continue bit for bit:
// parameters, optimiser moments, weight averages and their counters.
type ModelState struct {
	Tensors  []Tensor
	Counters []Counter
}

// Clone returns a deep copy.
func (s ModelState) Clone() ModelState {
	c := ModelState{Counters: append([]Counter(nil), s.Counters...)}
	for _, t := range s.Tensors {
		c.Tensors = append(c.Tensors, Tensor{Name: t.Name, Shape: append([]int(nil), t.Shape...), Data: append([]float32(nil), t.Data...)})
	}
	return c
}

// Trainable is a Network with its optimiser, what a Trainer drives.
type Trainable interface {
	Network
	// ZeroGrad clears the accumulated parameter gradient.
	ZeroGrad()
	// Update makes one optimiser step with the gradient accumulated since
	// ZeroGrad (clipping, learning-rate schedule and weight averaging
	// included) and returns the gradient norm before clipping.
	Update() float64
	// State returns the model's complete state; SetState restores it.
	State() ModelState
	SetState(ModelState) error
}
