// Copyright ©2026 The rgflow Authors. All rights reserved.

package main

import (
	"context"
	"fmt"
	"math"
	"runtime"

	"gonum.org/v1/gonum/stat/distuv"

	"rgflow/experiments/internal/pipeline"
	"rgflow/field"
	"rgflow/internal/config"
	"rgflow/internal/h5io"
)

// TI is the `ti:` section: the free energy by thermodynamic integration in
// κ (field.FreeEnergyTI), the estimate of −log Z/V that the importance
// weights' is checked against.
type TI struct {
	Points     int `mapstructure:"points" help:"intervals of the κ grid from 0 to field.kappa, even (0 = no thermodynamic integration); one Markov chain (mc.* updates) per grid point"`
	Thermalise int `mapstructure:"thermalise" help:"tuned updates of each chain before it is measured"`
	Updates    int `mapstructure:"updates" help:"measured updates of each chain"`
}

// Check adds the section's problems to p.
func (t TI) Check(p *config.Problems) {
	p.Check(t.Points == 0 || (t.Points >= 2 && t.Points%2 == 0), "ti.points", t.Points, "allowed 0 (off) or even ≥ 2")
	p.Check(t.Thermalise >= 0, "ti.thermalise", t.Thermalise, "allowed ≥ 0")
	p.Check(t.Updates >= 2, "ti.updates", t.Updates, "allowed ≥ 2")
}

// tiGroup holds the thermodynamic integration in the file.
const tiGroup = "/exact/thermodynamic_integration"

// tiFreeEnergy is −log Z/V of ϕ from thermodynamic integration with its
// statistical and quadrature errors.
type tiFreeEnergy struct{ F, Err, Quad float64 }

// tiStage integrates ⟨2Σφφ⟩ along κ at the run's λ, writes tiGroup and
// checks the weighed generators' free energies against it
// (/checks/free_energy).
func (s *state) tiStage(context.Context) error {
	h := s.act.Hopping
	l := s.act.Lattice()
	r, err := field.FreeEnergyTI(h, func(k float64) (*field.Phi4, error) {
		return field.NewPhi4Hopping(l, field.HoppingParams{Kappa: k, Lambda: h.Lambda})
	}, field.TIConfig{Points: s.cfg.TI.Points, Thermalise: s.cfg.TI.Thermalise, Updates: s.cfg.TI.Updates,
		Chain: s.cfg.MC.ChainConfig(), Seed: s.r.Seed ^ 0x7469, Workers: runtime.GOMAXPROCS(0)})
	if err != nil {
		return fmt.Errorf("phi4: thermodynamic integration: %w", err)
	}
	s.ti = &tiFreeEnergy{F: r.FCont, Err: r.Err, Quad: r.Quad}
	if err := s.out.F.CreateGroup(tiGroup, map[string]any{
		"description":            "−log Z/V by thermodynamic integration in κ at fixed λ (field.FreeEnergyTI; docs/exact.md)",
		"free_energy":            r.FCont,
		"free_energy_error":      r.Err,
		"free_energy_hopping":    r.F,
		"quadrature_error":       r.Quad,
		"points":                 int64(s.cfg.TI.Points),
		"updates_per_point":      int64(s.cfg.TI.Updates),
		"free_energy_convention": "free_energy is of the continuum-normalised ϕ (as the weights'), free_energy_hopping of φ = ϕ/√(2κ): they differ by ½ log 2κ",
	}); err != nil {
		return err
	}
	if _, err := s.out.F.Put(tiGroup+"/kappa", h5io.Spec{Units: "1", Dims: []string{"point"}, Description: "the κ grid, 0 to field.kappa"}, r.Kappa); err != nil {
		return err
	}
	if _, err := s.out.F.Put(tiGroup+"/integrand", h5io.Spec{Units: "1", Dims: []string{"point"}, Description: "⟨2Σ_xΣ_μ φ_xφ_{x+μ}⟩/V at each κ (0 at κ = 0 by symmetry)"}, r.E); err != nil {
		return err
	}
	if _, err := s.out.F.Put(tiGroup+"/integrand_error", h5io.Spec{Units: "1", Dims: []string{"point"}, Description: "the integrand's Γ-method standard error"}, r.ErrE); err != nil {
		return err
	}
	s.checks["free_energy"] = s.tiChecks()
	_, err = s.out.WriteChecks("free_energy", s.checks["free_energy"])
	return err
}

// restoreTI reads a finished tiStage back.
func (s *state) restoreTI(context.Context) error {
	var t tiFreeEnergy
	for _, a := range []struct {
		name string
		dst  *float64
	}{{"free_energy", &t.F}, {"free_energy_error", &t.Err}, {"quadrature_error", &t.Quad}} {
		if err := s.out.F.Attr(tiGroup, a.name, a.dst); err != nil {
			return err
		}
	}
	s.ti = &t
	s.checks["free_energy"] = s.tiChecks()
	return nil
}

// tiChecks compares each weighed generator's −log Z/V with the
// thermodynamic integration: |Δ| within 3 combined standard errors, the
// quadrature error added to the integration's. Reported, not judged: the
// Gaussian generator's weights are expected to fail it where its ESS is
// tiny.
func (s *state) tiChecks() []pipeline.Check {
	if s.ti == nil {
		return nil
	}
	var cs []pipeline.Check
	for _, m := range s.methods {
		r := s.exactRes[m.Name]
		if r == nil {
			continue
		}
		sig := math.Sqrt(r.FreeEnergyErr*r.FreeEnergyErr + s.ti.Err*s.ti.Err + s.ti.Quad*s.ti.Quad)
		c := pipeline.Bar(m.Name+": −log Z/V vs thermodynamic integration", math.Abs(r.FreeEnergy-s.ti.F)/sig, 3,
			fmt.Sprintf("|−log Ẑ/V − (%.6g ± %.2g)|/σ ≤ 3, σ the combined error (quadrature included)", s.ti.F, math.Hypot(s.ti.Err, s.ti.Quad)))
		c.Alpha = 2 * distuv.UnitNormal.Survival(3)
		cs = append(cs, c)
	}
	return cs
}
