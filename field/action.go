// Copyright ©2026 The rgflow Authors. All rights reserved.

package field

import (
	"fmt"
	"math"

	"rgflow/field/internal/stencil"
	"rgflow/lattice"
)

// Action is a lattice action S[φ] on real scalar fields of one lattice.
type Action interface {
	// Lattice returns the lattice the action lives on.
	Lattice() *lattice.Lattice
	// Action returns S[φ]. len(phi) must be the volume.
	Action(phi []float64) float64
	// Force writes the force F_x = −∂S/∂φ_x into dst and returns it.
	// If dst is nil a new slice is allocated.
	Force(dst, phi []float64) []float64
}

// Free is the free massive scalar action
//
//	S = Σ_x [½ Σ_μ (φ_{x+μ̂} − φ_x)² + ½ m² φ_x²],
//
// whose covariance is C(k) = 1/(k̂² + m²).
type Free struct {
	lat *lattice.Lattice
	M2  float64
}

// NewFree returns the free action with mass squared m2 on l. m2 must be ≥ 0;
// m2 = 0 is the massless theory, whose zero mode is flat.
func NewFree(l *lattice.Lattice, m2 float64) (*Free, error) {
	if !(m2 >= 0) || math.IsInf(m2, 0) {
		return nil, fmt.Errorf("field: free mass² m2 = %v: must be finite and ≥ 0", m2)
	}
	return &Free{lat: l, M2: m2}, nil
}

// Lattice returns the action's lattice.
func (a *Free) Lattice() *lattice.Lattice { return a.lat }

// Action returns S[φ].
func (a *Free) Action(phi []float64) float64 {
	return phi4Action(a.lat, phi, a.M2, 0)
}

// Force writes −∂S/∂φ into dst and returns it.
func (a *Free) Force(dst, phi []float64) []float64 {
	return phi4Force(a.lat, dst, phi, a.M2, 0)
}

// Covariance returns C(k) = 1/(k̂² + m²) for a mode of dispersion khat2.
func (a *Free) Covariance(khat2 float64) float64 { return 1 / (khat2 + a.M2) }

// HoppingParams are the φ⁴ couplings in the hopping form used by the lattice
// literature,
//
//	S = Σ_x [−2κ Σ_μ φ_x φ_{x+μ̂} + (1 − 2λ) φ_x² + λ φ_x⁴].
type HoppingParams struct {
	Kappa  float64 // hopping parameter κ > 0
	Lambda float64 // quartic coupling λ ≥ 0
}

// ContinuumParams are the φ⁴ couplings in the continuum-like form
//
//	S = Σ_x [½ Σ_μ (ϕ_{x+μ̂} − ϕ_x)² + ½ m² ϕ_x² + (g/4) ϕ_x⁴],
//
// where m² may be negative (broken phase) and g ≥ 0.
type ContinuumParams struct {
	M2 float64 // bare mass squared m²
	G  float64 // quartic coupling g ≥ 0
}

// Continuum returns the continuum-like couplings equivalent to h in d
// dimensions: m² = (1 − 2λ)/κ − 2d and g = λ/κ², with fields related by
// ϕ = √(2κ)·φ.
func (h HoppingParams) Continuum(d int) (ContinuumParams, error) {
	if err := h.validate(); err != nil {
		return ContinuumParams{}, err
	}
	return ContinuumParams{
		M2: (1-2*h.Lambda)/h.Kappa - 2*float64(d),
		G:  h.Lambda / (h.Kappa * h.Kappa),
	}, nil
}

func (h HoppingParams) validate() error {
	if !(h.Kappa > 0) || math.IsInf(h.Kappa, 0) {
		return fmt.Errorf("field: hopping parameter kappa = %v: must be finite and > 0", h.Kappa)
	}
	if !(h.Lambda >= 0) || math.IsInf(h.Lambda, 0) {
		return fmt.Errorf("field: quartic coupling lambda = %v: must be finite and ≥ 0", h.Lambda)
	}
	return nil
}

// Hopping returns the hopping-form couplings equivalent to c in d
// dimensions, the inverse of HoppingParams.Continuum: κ is the positive root
// of 2gκ² + (m² + 2d)κ − 1 = 0 and λ = gκ². It returns an error when no
// positive κ exists (g = 0 with m² ≤ −2d).
func (c ContinuumParams) Hopping(d int) (HoppingParams, error) {
	if !(c.G >= 0) || math.IsInf(c.G, 0) {
		return HoppingParams{}, fmt.Errorf("field: quartic coupling g = %v: must be finite and ≥ 0", c.G)
	}
	if math.IsNaN(c.M2) || math.IsInf(c.M2, 0) {
		return HoppingParams{}, fmt.Errorf("field: mass² m2 = %v: must be finite", c.M2)
	}
	b := c.M2 + 2*float64(d)
	var kappa float64
	if c.G == 0 {
		if b <= 0 {
			return HoppingParams{}, fmt.Errorf("field: m2 = %v with g = 0: the free action needs m2 > −2d = %d", c.M2, -2*d)
		}
		kappa = 1 / b
	} else {
		// Numerically stable positive root of 2gκ² + bκ − 1 = 0.
		disc := math.Sqrt(b*b + 8*c.G)
		if b >= 0 {
			kappa = 2 / (b + disc)
		} else {
			kappa = (disc - b) / (4 * c.G)
		}
	}
	return HoppingParams{Kappa: kappa, Lambda: c.G * kappa * kappa}, nil
}

// Phi4 is the φ⁴ action, evaluated in the continuum-like form on the field ϕ
// (see ContinuumParams). Both parametrisations are kept: Hopping holds the
// equivalent lattice couplings, and HoppingScale converts fields.
type Phi4 struct {
	lat       *lattice.Lattice
	Continuum ContinuumParams
	Hopping   HoppingParams
}

// NewPhi4 returns the φ⁴ action with continuum-like couplings c on l.
func NewPhi4(l *lattice.Lattice, c ContinuumParams) (*Phi4, error) {
	h, err := c.Hopping(l.Dim())
	if err != nil {
		return nil, err
	}
	return &Phi4{lat: l, Continuum: c, Hopping: h}, nil
}

// NewPhi4Hopping returns the φ⁴ action with hopping-form couplings h on l.
func NewPhi4Hopping(l *lattice.Lattice, h HoppingParams) (*Phi4, error) {
	c, err := h.Continuum(l.Dim())
	if err != nil {
		return nil, err
	}
	return &Phi4{lat: l, Continuum: c, Hopping: h}, nil
}

// Lattice returns the action's lattice.
func (a *Phi4) Lattice() *lattice.Lattice { return a.lat }

// HoppingScale returns √(2κ): the continuum-like field is ϕ = √(2κ)·φ in
// terms of the hopping-form field φ.
func (a *Phi4) HoppingScale() float64 { return math.Sqrt(2 * a.Hopping.Kappa) }

// Action returns S[ϕ] in the continuum-like form.
func (a *Phi4) Action(phi []float64) float64 {
	return phi4Action(a.lat, phi, a.Continuum.M2, a.Continuum.G)
}

// Force writes −∂S/∂ϕ into dst and returns it.
func (a *Phi4) Force(dst, phi []float64) []float64 {
	return phi4Force(a.lat, dst, phi, a.Continuum.M2, a.Continuum.G)
}

// Phi4Terms are the terms of the φ⁴ action density S/V of one field in
// the continuum-like form, with the mass term split at the zero mode:
//
//	Gradient        = V⁻¹ Σ_x ½Σ_μ(ϕ_{x+μ} − ϕ_x)²   (no zero-mode part)
//	MassZeroMode    = ½m²M²,  M = V⁻¹ Σ_x ϕ_x
//	MassFluctuation = V⁻¹ Σ_x ½m²(ϕ_x − M)² = ½m²(V⁻¹Σϕ² − M²)
//	Quartic         = V⁻¹ Σ_x (g/4)ϕ_x⁴
//
// They sum to S/V. The gradient and mass terms depend on the field only
// through its two-point function (Σ_k k̂²G(k) and Σ_k G(k)), the quartic
// term through the on-site fourth moment, so the split tells whether a
// model's error in S/V is in its spectrum, its zero mode or its local
// non-Gaussianity.
type Phi4Terms struct {
	Gradient, MassZeroMode, MassFluctuation, Quartic float64
}

// Sum returns S/V, the sum of the terms.
func (t Phi4Terms) Sum() float64 {
	return t.Gradient + t.MassZeroMode + t.MassFluctuation + t.Quartic
}

// Terms returns the terms of S[ϕ]/V (see Phi4Terms).
func (a *Phi4) Terms(phi []float64) Phi4Terms {
	l := a.lat
	V := l.Volume()
	if len(phi) != V {
		panic("field: field length mismatch")
	}
	var grad, s1, s4 float64
	for mu := 0; mu < l.Dim(); mu++ {
		fwd := l.Fwd(mu)[:V]
		for i, v := range phi {
			d := phi[fwd[i]] - v
			grad += d * d
		}
	}
	for _, v := range phi {
		v2 := v * v
		s1 += v
		s4 += v2 * v2
	}
	n := float64(V)
	m := s1 / n
	// Σ(ϕ−M)² directly, not Σϕ² − VM², which cancels in the broken phase.
	var c2 float64
	for _, v := range phi {
		c2 += (v - m) * (v - m)
	}
	return Phi4Terms{
		Gradient:        0.5 * grad / n,
		MassZeroMode:    0.5 * a.Continuum.M2 * m * m,
		MassFluctuation: 0.5 * a.Continuum.M2 * c2 / n,
		Quartic:         0.25 * a.Continuum.G * s4 / n,
	}
}

// phi4Action evaluates Σ_x [½Σ_μ(ϕ_{x+μ}−ϕ_x)² + ½m²ϕ² + (g/4)ϕ⁴].
func phi4Action(l *lattice.Lattice, phi []float64, m2, g float64) float64 {
	if len(phi) != l.Volume() {
		panic("field: field length mismatch")
	}
	s := 0.0
	for mu := 0; mu < l.Dim(); mu++ {
		fwd := l.Fwd(mu)
		fwd = fwd[:len(phi)]
		for i, v := range phi {
			d := phi[fwd[i]] - v
			s += 0.5 * d * d
		}
	}
	for _, v := range phi {
		v2 := v * v
		s += 0.5*m2*v2 + 0.25*g*v2*v2
	}
	return s
}

// phi4Force writes −∂S/∂ϕ_x = Σ_μ(ϕ_{x+μ}+ϕ_{x−μ}−2ϕ_x) − m²ϕ_x − gϕ_x³.
// Two- and three-dimensional lattices whose extents are all ≥ 3 take the
// row-wise kernels; every other lattice the neighbour-table path.
func phi4Force(l *lattice.Lattice, dst, phi []float64, m2, g float64) []float64 {
	V := l.Volume()
	if len(phi) != V {
		panic("field: field length mismatch")
	}
	if dst == nil {
		dst = make([]float64, V)
	} else if len(dst) != V {
		panic("field: force length mismatch")
	}
	diag := -(2*float64(l.Dim()) + m2)
	switch {
	case l.Dim() == 2 && l.Extent(0) >= 3 && l.Extent(1) >= 3:
		stencil.Force2D(dst, phi, l.Extent(0), l.Extent(1), diag, g)
	case l.Dim() == 3 && l.Extent(0) >= 3 && l.Extent(1) >= 3 && l.Extent(2) >= 3:
		stencil.Force3D(dst, phi, l.Extent(0), l.Extent(1), l.Extent(2), diag, g)
	default:
		forceTable(l, dst, phi, diag, g)
	}
	return dst
}

// forceTable is the generic kernel over the lattice's neighbour tables, for
// any dimension and any extents (1 and 2 included).
func forceTable(l *lattice.Lattice, dst, phi []float64, diag, g float64) {
	V := len(phi)
	dst = dst[:V]
	for i, v := range phi {
		dst[i] = diag*v - g*v*v*v
	}
	for mu := 0; mu < l.Dim(); mu++ {
		fwd, bwd := l.Fwd(mu)[:V], l.Bwd(mu)[:V]
		for i := range dst {
			dst[i] += phi[fwd[i]] + phi[bwd[i]]
		}
	}
}
