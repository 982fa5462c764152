// Copyright ©2026 The rgflow Authors. All rights reserved.

package nn

import (
	"fmt"
	"math"
)

// NamedTensor is a named float32 array with a shape, row-major (last axis
// fastest). It is how parameters, optimiser state and weight averages leave
// and enter the package, for instance to be written to HDF5.
type NamedTensor struct {
	Name  string
	Shape []int
	Data  []float32
}

// shapeLen returns the product of the shape.
func shapeLen(shape []int) int {
	n := 1
	for _, s := range shape {
		n *= s
	}
	return n
}

// tensorInfo places one named tensor inside a flat vector.
type tensorInfo struct {
	name   string
	shape  []int
	offset int
	n      int
}

// views returns named tensors whose Data alias the flat vector v, each name
// prefixed by prefix.
func views(infos []tensorInfo, v []float32, prefix string) []NamedTensor {
	out := make([]NamedTensor, len(infos))
	for i, p := range infos {
		out[i] = NamedTensor{
			Name:  prefix + p.name,
			Shape: append([]int(nil), p.shape...),
			Data:  v[p.offset : p.offset+p.n : p.offset+p.n],
		}
	}
	return out
}

// load copies tensors into the flat vector v by name. Every tensor of infos
// must be present exactly once with the right shape; extra tensors are an
// error, so that a file written for another architecture is never half
// loaded. v is modified only if everything matches.
func load(infos []tensorInfo, v []float32, prefix string, ts []NamedTensor) error {
	byName := make(map[string]NamedTensor, len(ts))
	for _, t := range ts {
		if _, dup := byName[t.Name]; dup {
			return fmt.Errorf("nn: tensor %q given twice", t.Name)
		}
		byName[t.Name] = t
	}
	for _, p := range infos {
		t, ok := byName[prefix+p.name]
		if !ok {
			return fmt.Errorf("nn: tensor %q missing", prefix+p.name)
		}
		if !equalShape(t.Shape, p.shape) {
			return fmt.Errorf("nn: tensor %q has shape %v, want %v", t.Name, t.Shape, p.shape)
		}
		if len(t.Data) != p.n {
			return fmt.Errorf("nn: tensor %q has %d values for shape %v", t.Name, len(t.Data), t.Shape)
		}
		delete(byName, t.Name)
	}
	for name := range byName {
		return fmt.Errorf("nn: unexpected tensor %q", name)
	}
	for _, t := range ts {
		for _, p := range infos {
			if prefix+p.name == t.Name {
				copy(v[p.offset:p.offset+p.n], t.Data)
			}
		}
	}
	return nil
}

func equalShape(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// Finite reports whether every value of x is finite (neither NaN nor ±Inf).
func Finite(x []float32) bool {
	for _, v := range x {
		// v−v is 0 for finite v and NaN for NaN and ±Inf.
		if v-v != 0 {
			return false
		}
	}
	return true
}

// NonFiniteError reports a NaN or infinite value found in a named tensor.
type NonFiniteError struct {
	Tensor string  // name of the tensor
	Index  int     // flat index of the first bad value
	Value  float32 // the bad value
}

func (e *NonFiniteError) Error() string {
	return fmt.Sprintf("nn: %s[%d] = %v is not finite", e.Tensor, e.Index, e.Value)
}

// CheckFinite returns a *NonFiniteError naming the first tensor that holds
// a NaN or ±Inf, or nil if all values are finite.
func CheckFinite(ts []NamedTensor) error {
	for _, t := range ts {
		if Finite(t.Data) {
			continue
		}
		for i, v := range t.Data {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				return &NonFiniteError{Tensor: t.Name, Index: i, Value: v}
			}
		}
	}
	return nil
}
