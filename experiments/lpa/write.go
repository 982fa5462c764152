// Copyright ©2026 The rgflow Authors. All rights reserved.

package main

import (
	"math"
	"slices"

	"rgflow/internal/h5io"
)

func setAttrs(f *h5io.File, path string, attrs map[string]any) error {
	keys := make([]string, 0, len(attrs))
	for k := range attrs {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if err := f.SetAttr(path, k, attrs[k]); err != nil {
			return err
		}
	}
	return nil
}

// padded returns the rows as one row-major (len(rows), width) array, NaN
// where a row is shorter.
func padded(rows [][]float64) ([]float64, int) {
	w := 0
	for _, r := range rows {
		w = max(w, len(r))
	}
	out := make([]float64, len(rows)*w)
	for i, r := range rows {
		for j := 0; j < w; j++ {
			v := math.NaN()
			if j < len(r) {
				v = r[j]
			}
			out[i*w+j] = v
		}
	}
	return out, w
}

// put writes a dataset; a scalar when shape is empty and data has one
// element, 1-D when shape is nil.
func put(f *h5io.File, path string, data []float64, shape []int64, units, desc string, dims []string, scales []string) error {
	_, err := f.Put(path, h5io.Spec{Shape: shape, Units: units, Description: desc, Dims: dims, Scales: scales}, data)
	return err
}

func writeExponents(f *h5io.File, cfg Config, rows []row) error {
	g := "/lpa/exponents"
	if err := f.CreateGroup(g, map[string]any{"description": "critical exponents of the Wilson–Fisher fixed point for each N of lpa.n_list"}); err != nil {
		return err
	}
	k := len(rows)
	ns := make([]float64, k)
	col := func(fn func(r row) float64) []float64 {
		v := make([]float64, k)
		for i, r := range rows {
			v[i] = fn(r)
		}
		return v
	}
	for i, r := range rows {
		ns[i] = float64(r.N)
	}
	if err := f.CreateScale(g+"/N", "N", ns, "1", "number of field components of the O(N) model"); err != nil {
		return err
	}
	sc := []string{g + "/N"}
	for _, d := range []struct {
		name, desc string
		v          []float64
	}{
		{"nu", "ν = 1/λ₁, λ₁ the leading even eigenvalue below d", col(func(r row) float64 { return r.Ex.Nu })},
		{"omega", "ω = −λ₂, the leading correction-to-scaling exponent", col(func(r row) float64 { return r.Ex.Omega })},
		{"omega2", "ω₂ = −λ₃, the next even correction", col(func(r row) float64 { return r.Ex.Omega2 })},
		{"gamma", "γ = v*″(0) of the fixed point", col(func(r row) float64 { return r.FP.Gamma })},
		{"amplitude", "A of f* = v*′ = r + A r^((d−2)/(d+2)) + … at large r", col(func(r row) float64 { return r.FP.A })},
		{"step_err", "largest change made by Richardson extrapolation of the eigenvalues (0 without it): an estimate of their integration error", col(func(r row) float64 { return r.Ex.StepErr })},
		{"seconds", "wall-clock time of the fixed point and its spectrum", col(func(r row) float64 { return r.Seconds })},
	} {
		units := "1"
		if d.name == "seconds" {
			units = "s"
		}
		if err := put(f, g+"/"+d.name, d.v, nil, units, d.desc, []string{"N"}, sc); err != nil {
			return err
		}
	}
	even := make([][]float64, k)
	odd := make([][]float64, k)
	for i, r := range rows {
		even[i], odd[i] = r.Ex.Even, r.Ex.Odd
	}
	ev, w := padded(even)
	if err := put(f, g+"/even", ev, []int64{int64(k), int64(w)}, "1",
		"even-sector (O(N)-singlet) eigenvalues λ of the linearised flow above lmin, decreasing, λ = d excluded; NaN pads", []string{"N", "even_index"}, []string{g + "/N", ""}); err != nil {
		return err
	}
	od, w := padded(odd)
	if w > 0 {
		if err := put(f, g+"/odd", od, []int64{int64(k), int64(w)}, "1",
			"Z₂-odd eigenvalues (N = 1 only; NaN for N > 1): (d+2)/2, (d−2)/2 exactly, then −ω₅, …", []string{"N", "odd_index"}, []string{g + "/N", ""}); err != nil {
			return err
		}
	}
	return setAttrs(f, g, map[string]any{"large_n_nu": 1 / (cfg.LPA.D - 2), "large_n_omega": 4 - cfg.LPA.D})
}

func writeReferences(f *h5io.File, refs []reference) error {
	g := "/lpa/comparison"
	if err := f.CreateGroup(g, map[string]any{"description": "computed values (scalar datasets) against published or exact ones (attributes reference, kind, source, deviation) for lpa.d and lpa.n"}); err != nil {
		return err
	}
	for _, r := range refs {
		d, err := f.Put(g+"/"+r.name, h5io.Spec{Shape: []int64{}, Units: "1", Description: r.label + " computed by this run"}, []float64{r.got})
		if err != nil {
			return err
		}
		for k, v := range map[string]any{"reference": r.value, "kind": r.kind, "source": r.source, "deviation": r.got - r.value} {
			if err := d.SetAttr(k, v); err != nil {
				return err
			}
		}
	}
	return nil
}

func writeProfile(f *h5io.File, m row, p *profileData) error {
	g := "/lpa/fixed_point"
	if err := f.CreateGroup(g, map[string]any{"description": "the Wilson–Fisher fixed point of lpa.n and its eigenfunctions, sampled at radii r = |φ|"}); err != nil {
		return err
	}
	fp := m.FP
	if err := setAttrs(f, g, map[string]any{"n": m.N, "gamma": fp.Gamma, "amplitude": fp.A, "r_match": fp.RMatch, "r_inf": fp.RInf, "residual": fp.Residual}); err != nil {
		return err
	}
	if err := f.CreateScale(g+"/r", "r", p.R, "1", "radius r = |φ| in the dimensionless field units of the LPA equation"); err != nil {
		return err
	}
	sc := []string{g + "/r"}
	if err := put(f, g+"/v", p.V, nil, "1", "v*(r), with v*(0) = −Nγ/d from the fixed-point equation", []string{"r"}, sc); err != nil {
		return err
	}
	if err := put(f, g+"/f", p.F, nil, "1", "f*(r) = v*′(r)", []string{"r"}, sc); err != nil {
		return err
	}
	R := int64(len(p.R))
	for _, s := range []struct {
		sec    string
		lam    []float64
		dv, df [][]float64
		norm   string
	}{
		{"even", p.EvenLam, p.EvenDV, p.EvenDF, "δf′(0) = 1"},
		{"odd", p.OddLam, p.OddDV, p.OddDF, "δf(0) = 1"},
	} {
		if len(s.lam) == 0 {
			continue
		}
		k := int64(len(s.lam))
		if err := put(f, g+"/"+s.sec+"_lambda", s.lam, nil, "1", s.sec+"-sector eigenvalues of the eigenfunctions below", []string{s.sec + "_mode"}, nil); err != nil {
			return err
		}
		dv, _ := padded(s.dv)
		df, _ := padded(s.df)
		if err := put(f, g+"/"+s.sec+"_dv", dv, []int64{k, R}, "1", s.sec+" eigenperturbations δv(r) of the fixed point, normalised by "+s.norm, []string{s.sec + "_mode", "r"}, []string{"", g + "/r"}); err != nil {
			return err
		}
		if err := put(f, g+"/"+s.sec+"_df", df, []int64{k, R}, "1", "δf = δv′ of "+s.sec+"_dv", []string{s.sec + "_mode", "r"}, []string{"", g + "/r"}); err != nil {
			return err
		}
	}
	return nil
}

func writeFlows(f *h5io.File, cfg Config, fl *flows) error {
	g := "/lpa/flow"
	if err := f.CreateGroup(g, map[string]any{"description": "time-dependent LPA flow of f = v′ from v₀ = aφ²/2 + gφ⁴/4 at a = a_c + δ (symmetric), a_c − δ (broken) and a_c (critical)"}); err != nil {
		return err
	}
	if err := setAttrs(f, g, map[string]any{"g": cfg.Flow.G, "a_c": fl.AC, "delta": cfg.Flow.Delta, "tol": cfg.Flow.Tol,
		"bisections": fl.Bisects, "intervals": cfg.Flow.Intervals, "r_compare": cfg.Flow.RCompare,
		"departure_rate": fl.DepartureRate, "lambda1": fl.Lambda1, "approach_rate": fl.ApproachRate, "omega": fl.Omega}); err != nil {
		return err
	}
	if err := f.CreateScale(g+"/r", "r", fl.R, "1", "radial grid r_i = iR/M of the flow"); err != nil {
		return err
	}
	if err := put(f, g+"/f_star", fl.FStar, nil, "1", "the fixed point f* on the flow grid (NaN beyond its outer radius)", []string{"r"}, []string{g + "/r"}); err != nil {
		return err
	}
	for _, tr := range fl.Tracks {
		h := g + "/" + tr.Name
		if err := f.CreateGroup(h, map[string]any{"stopped": tr.Stopped}); err != nil {
			return err
		}
		phaseName := map[int]string{phaseSymmetric: "symmetric", phaseBroken: "broken", 0: "undecided"}[tr.Phase]
		if err := setAttrs(f, h, map[string]any{"a": tr.A, "phase": phaseName}); err != nil {
			return err
		}
		if err := f.CreateScale(h+"/t", "t", tr.T, "1", "RG time t = ln(Λ₀/Λ) of the recorded snapshots"); err != nil {
			return err
		}
		T, M := int64(len(tr.T)), int64(len(fl.R))
		ff, _ := padded(tr.F)
		v := make([][]float64, len(tr.F))
		dr := fl.R[1]
		for k, fk := range tr.F {
			// v(r) − v(0) by the trapezoid rule (v(0) decouples from the
			// flow of f).
			vk := make([]float64, len(fk))
			for i := 1; i < len(fk); i++ {
				vk[i] = vk[i-1] + 0.5*dr*(fk[i-1]+fk[i])
			}
			v[k] = vk
		}
		vv, _ := padded(v)
		both := []string{h + "/t", g + "/r"}
		if err := put(f, h+"/f", ff, []int64{T, M}, "1", "f(r, t) = ∂_r v", []string{"t", "r"}, both); err != nil {
			return err
		}
		if err := put(f, h+"/v", vv, []int64{T, M}, "1", "v(r, t) − v(0, t) (trapezoid integral of f)", []string{"t", "r"}, both); err != nil {
			return err
		}
		if err := put(f, h+"/curvature", tr.Kappa, nil, "1", "κ = v″(0, t) = (8f₁ − f₂)/(6Δ)", []string{"t"}, []string{h + "/t"}); err != nil {
			return err
		}
		if err := put(f, h+"/distance", tr.Dist, nil, "1", "max |f − f*| over r ≤ r_compare: the distance to the fixed point", []string{"t"}, []string{h + "/t"}); err != nil {
			return err
		}
	}
	return nil
}
