// Copyright ©2026 The rgflow Authors. All rights reserved.

package main

import (
	"fmt"
	"rgflow/experiments/internal/pipeline"
	"rgflow/internal/cli"
)

// stepCurve turns bin edges and densities into the outline of a histogram.
func stepCurve(edges, h []float64) (x, y []float64) {
	for b, v := range h {
		x = append(x, edges[b], edges[b+1])
		y = append(y, v, v)
	}
	return x, y
}

// scaled returns v times f (a density's values scale inversely to its
// variable's).
func scaled(v []float64, f float64) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = x * f
	}
	return out
}

// binCentres returns the centres of the bins of edges, times f.
func binCentres(edges []float64, f float64) []float64 {
	c := make([]float64, len(edges)-1)
	for b := range c {
		c[b] = f * (edges[b] + edges[b+1]) / 2
	}
	return c
}

// plots writes the figures beside the HDF5 file.
func (s *state) plots() error {
	if err := s.comparisonPlots(); err != nil {
		return err
	}
	if err := s.flowPlots(); err != nil {
		return err
	}
	r := s.r
	if err := pipeline.TrainingPlot(r.PlotPath("training"), s.learned); err != nil {
		return err
	}
	if c := s.comps["learned"]; c != nil {
		if err := pipeline.DenoisePlot(r.PlotPath("denoise_mse"), c.Denoise); err != nil {
			return err
		}
	}
	if err := s.scanPlot(); err != nil {
		return err
	}
	if err := s.out.LogWeightPlot(r.PlotPath("log_weights"), s.methods); err != nil {
		return err
	}
	return s.out.GeneratedPanels(r.PlotPath("fields"), pipeline.Panel{Title: "Monte Carlo", Field: s.ref.Field(0)}, s.methods)
}

// comparisonPlots draws every generated ensemble beside the reference: the
// spectra, their ratio, the M histograms and the Binder cumulants.
func (s *state) comparisonPlots() error {
	r, o := s.r, s.out
	k := o.Shells.KHat
	sp := cli.LinePlot{Title: "G(k) of ϕ by momentum shell", XLabel: "|k̂| (lattice units⁻¹)", YLabel: "G(k) (lattice units²)", LogY: true}
	sp.Series = append(sp.Series, cli.Series{Name: "reference (MC)", X: k, Y: s.refStats.TP.Shell, YErr: s.refStats.TP.ShellErr})
	ratio := cli.LinePlot{Title: "generated / reference spectrum", XLabel: "|k̂| (lattice units⁻¹)", YLabel: "G_gen/G_ref (dimensionless)"}
	// M in the parametrisation of the configuration: the hopping field φ
	// = ϕ/√(2κ) when the run was given κ and λ.
	mScale, mLabel := 1.0, "M of the continuum-normalised ϕ"
	if h := o.HoppingScale; h > 0 {
		mScale, mLabel = 1/h, fmt.Sprintf("M of the hopping field φ = ϕ/√(2κ) = ϕ/%.4g", h)
	}
	hist := cli.LinePlot{Title: "distribution of the magnetisation M", XLabel: mLabel, YLabel: "density of M (1/M)"}
	title := "Binder cumulant U₄ (0: reference"
	for i, m := range s.methods {
		title += fmt.Sprintf(", %d: %s", i+1, m.Name)
	}
	obs := cli.LinePlot{Title: title + ")", XLabel: "ensemble (index)", YLabel: "U₄ (dimensionless)"}
	first := true
	for i, m := range s.methods {
		c := s.comps[m.Name]
		if c == nil {
			continue
		}
		if first {
			first = false
			x, y := stepCurve(scaled(c.HistEdges, mScale), scaled(c.RefHist, 1/mScale))
			hist.Series = append(hist.Series, cli.Series{Name: "reference (MC)", X: x, Y: y},
				cli.Series{X: binCentres(c.HistEdges, mScale), Y: scaled(c.RefHist, 1/mScale), YErr: scaled(c.RefHistErr, 1/mScale), BarsOnly: true})
			u := observable(c, "Binder")
			obs.Series = append(obs.Series, cli.Series{Name: "reference (MC)", X: []float64{0}, Y: []float64{u.Ref}, YErr: []float64{u.RefErr}, Points: true})
		}
		var gErr []float64 // the generated spectrum's errors, from its statistics
		if st := s.stats[m.Name]; st != nil && len(st.TP.ShellErr) == len(k) {
			gErr = st.TP.ShellErr
		}
		sp.Series = append(sp.Series, cli.Series{Name: m.Name, X: k, Y: c.GenShell, YErr: gErr, Points: true})
		ratio.Series = append(ratio.Series, cli.Series{Name: m.Name, X: k, Y: c.Ratio, YErr: c.RatioErr, Points: true})
		x, y := stepCurve(scaled(c.HistEdges, mScale), scaled(c.GenHist, 1/mScale))
		hist.Series = append(hist.Series, cli.Series{Name: m.Name, X: x, Y: y},
			cli.Series{X: binCentres(c.HistEdges, mScale), Y: scaled(c.GenHist, 1/mScale), YErr: scaled(c.GenHistErr, 1/mScale), BarsOnly: true})
		u := observable(c, "Binder")
		obs.Series = append(obs.Series, cli.Series{Name: m.Name, X: []float64{float64(i + 1)}, Y: []float64{u.Gen}, YErr: []float64{u.GenErr}, Points: true})
	}
	if len(ratio.Series) > 0 {
		ratio.Series = append(ratio.Series, cli.Series{Name: "equal spectra", X: []float64{k[0], k[len(k)-1]}, Y: []float64{1, 1}, Reference: true})
	}
	for _, p := range []struct {
		lp   cli.LinePlot
		name string
	}{{sp, "spectra"}, {ratio, "spectrum_ratio"}, {hist, "m_histogram"}, {obs, "binder"}} {
		if len(p.lp.Series) == 0 {
			continue
		}
		if err := p.lp.Save(r.PlotPath(p.name)); err != nil {
			return err
		}
	}
	return nil
}

// flowPlots draws the observables and the KL along the Polchinski flow.
func (s *state) flowPlots() error {
	r := s.r
	if f := s.flow; f != nil {
		var chi, chiE, u4, u4E, sd, sdE []float64
		for _, ob := range f.Obs {
			chi, chiE = append(chi, ob.Chi.Value), append(chiE, ob.Chi.Err)
			u4, u4E = append(u4, ob.Binder.Value), append(u4E, ob.Binder.Err)
			sd, sdE = append(sd, ob.ActionDensity.Value), append(sdE, ob.ActionDensity.Err)
		}
		for _, p := range []struct {
			name, title, y string
			v, e           []float64
			log            bool
		}{
			{"flow_chi", "χ = V⟨M²⟩ of the continuum-normalised ϕ along the Polchinski flow (flowed fields x_t)", "χ (lattice units²)", chi, chiE, true},
			{"flow_binder", "Binder cumulant U₄ along the flow: the non-Gaussianity is integrated out", "U₄ (dimensionless)", u4, u4E, false},
			{"flow_action", "action density ⟨S⟩/V of the flowed fields under the bare action", "S/V (dimensionless)", sd, sdE, false},
		} {
			lp := cli.LinePlot{Title: p.title, XLabel: "RG time t (dimensionless)", YLabel: p.y, LogY: p.log,
				Series: []cli.Series{{Name: "flowed training fields", X: f.Times, Y: p.v, YErr: p.e, Points: true}}}
			if err := lp.Save(r.PlotPath(p.name)); err != nil {
				return err
			}
		}
		kl := cli.LinePlot{Title: "relative entropy of the Gaussian part to the fixed point", XLabel: "RG time t (dimensionless)", YLabel: "KL (nats)", LogY: true,
			Series: []cli.Series{{Name: "closed form (measured spectrum)", X: f.Times, Y: f.KL}, {Name: "estimate", X: f.Times, Y: f.KLEst, Points: true}}}
		if err := kl.Save(r.PlotPath("flow_kl")); err != nil {
			return err
		}
	}
	return nil
}

// scanPlot draws, for each refining ensemble, the bars' z-scores against
// the Langevin time of the refinement (refine.scan), with the ±3 lines of
// the bars: how long an exact local flow the generator needs
// (refine_scan_<method>.png).
func (s *state) scanPlot() error {
	for _, m := range s.methods {
		sc := s.scans[m.Name]
		if sc == nil {
			continue
		}
		lp := cli.LinePlot{Title: m.Name + fmt.Sprintf(": z against the reference along the refinement (bars at ±%.2f)", zBar), XLabel: "Langevin time + 0.01 (dimensionless)", YLabel: "z (combined standard errors)", LogX: true}
		x := make([]float64, len(sc.Time))
		for i, t := range sc.Time {
			x[i] = t + 0.01
		}
		for k, n := range barObservables {
			z := make([]float64, len(sc.Time))
			for i, o := range sc.Obs[k] {
				z[i] = o.Z
			}
			lp.Series = append(lp.Series, cli.Series{Name: n, X: x, Y: z})
		}
		for _, y := range []float64{-zBar, zBar} {
			lp.Series = append(lp.Series, cli.Series{Name: fmt.Sprintf("bar z = %+.2f", y), X: []float64{x[0], x[len(x)-1]}, Y: []float64{y, y}, Reference: true})
		}
		if err := lp.Save(s.r.PlotPath("refine_scan_" + m.Name)); err != nil {
			return err
		}
	}
	return nil
}
