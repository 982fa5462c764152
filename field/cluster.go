// Copyright ©2026 The rgflow Authors. All rights reserved.

package field

import (
	"fmt"
	"math"
	"math/rand/v2"

	"rgflow/lattice"
)

// Cluster performs embedded-Ising single-cluster updates (R. C. Brower and
// P. Tamayo, Phys. Rev. Lett. 62 (1989) 1087; U. Wolff, Phys. Rev. Lett. 62
// (1989) 361) of actions whose only coupling between sites is the
// nearest-neighbour term −β Σ_⟨xy⟩ ϕ_x ϕ_y and whose on-site part is even in
// ϕ. Free and Phi4 in the continuum-like form are of this kind with β = 1:
// ½(ϕ_{x+μ̂} − ϕ_x)² contributes −ϕ_x ϕ_{x+μ̂} between sites.
//
// Writing ϕ_x = s_x|ϕ_x| with Ising spins s_x, the action restricted to the
// signs is an Ising model with bond couplings J_xy = β|ϕ_x ϕ_y|. A Wolff
// cluster is grown from a random site through the bonds with s_x = s_y,
// each activated with probability 1 − exp(−2β ϕ_x ϕ_y), and its signs are
// flipped. The update satisfies detailed balance for the full action and is
// not ergodic on its own (it never changes |ϕ|): mix it with HMC.
//
// With |ϕ_x| = const = c it is exactly Wolff's algorithm for the Ising model
// at coupling βc². In the hopping form (φ = ϕ/√(2κ)) the λ → ∞ limit pins
// φ² = 1 and the action becomes the Ising model at β_Ising = 2κ.
type Cluster struct {
	lat   *lattice.Lattice
	beta  float64
	nbr   [][]int32 // Fwd and Bwd tables of every axis
	stack []int32
	mark  []uint32
	gen   uint32
}

// NewCluster returns a cluster updater for the nearest-neighbour coupling
// −β Σ_⟨xy⟩ ϕ_x ϕ_y on l. β must be finite and > 0.
func NewCluster(l *lattice.Lattice, beta float64) (*Cluster, error) {
	if !(beta > 0) || math.IsInf(beta, 0) {
		return nil, fmt.Errorf("field: cluster coupling beta = %v: must be finite and > 0", beta)
	}
	c := &Cluster{lat: l, beta: beta, mark: make([]uint32, l.Volume()), stack: make([]int32, 0, l.Volume())}
	for mu := 0; mu < l.Dim(); mu++ {
		if l.Extent(mu) == 1 {
			continue // a site is its own neighbour: no bond
		}
		c.nbr = append(c.nbr, l.Fwd(mu))
		if l.Extent(mu) > 2 {
			c.nbr = append(c.nbr, l.Bwd(mu))
		} else {
			// With L = 2 the forward and backward neighbour are the same
			// site, joined by two bonds: the action counts both.
			c.nbr = append(c.nbr, l.Fwd(mu))
		}
	}
	return c, nil
}

// ClusterFor returns the cluster updater for a, which must be *Free or
// *Phi4 (β = 1); other actions return an error.
func ClusterFor(a Action) (*Cluster, error) {
	switch a.(type) {
	case *Free, *Phi4:
		return NewCluster(a.Lattice(), 1)
	}
	return nil, fmt.Errorf("field: no embedded-Ising cluster update for %T: need *Free or *Phi4", a)
}

// Update grows one Wolff cluster in phi from a random site, flips its
// signs in place, and returns the number of sites flipped.
func (c *Cluster) Update(phi []float64, rnd *rand.Rand) int {
	V := len(c.mark)
	if len(phi) != V {
		panic("field: field length mismatch")
	}
	c.gen++
	if c.gen == 0 { // wrapped: clear the marks once every 2³² clusters
		clear(c.mark)
		c.gen = 1
	}
	gen := c.gen
	seed := int32(rnd.IntN(V))
	sign := 1.0
	if phi[seed] < 0 {
		sign = -1
	}
	stack := append(c.stack[:0], seed)
	c.mark[seed] = gen
	tb := -2 * c.beta
	for k := 0; k < len(stack); k++ {
		x := stack[k]
		ax := sign * phi[x] // |ϕ_x|: every site in the cluster has the seed's sign
		for _, nb := range c.nbr {
			y := nb[x]
			if c.mark[y] == gen {
				continue
			}
			ay := sign * phi[y]
			if ay <= 0 {
				continue
			}
			if rnd.Float64() < -math.Expm1(tb*ax*ay) {
				c.mark[y] = gen
				stack = append(stack, y)
			}
		}
	}
	for _, x := range stack {
		phi[x] = -phi[x]
	}
	c.stack = stack
	return len(stack)
}
