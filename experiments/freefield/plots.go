// Copyright ©2026 The rgflow Authors. All rights reserved.

package main

import (
	"rgflow/experiments/internal/pipeline"
	"rgflow/internal/cli"
)

// plots writes the figures beside the HDF5 file.
func (s *state) plots() error {
	r, o := s.r, s.out
	k := o.Shells.KHat
	// Spectra by shell: reference and every generated ensemble.
	sp := cli.LinePlot{Title: "G(k) by momentum shell", XLabel: "|k̂| (lattice units⁻¹)", YLabel: "G(k) (lattice units²)", LogY: true}
	sp.Series = append(sp.Series, cli.Series{Name: "reference (exact)", X: k, Y: s.refStats.TP.Shell, YErr: s.refStats.TP.ShellErr})
	exactG := o.Shells.Average(nil, s.g0, s.proc.Weight)
	sp.Series = append(sp.Series, cli.Series{Name: "1/(k̂²+m²) (exact)", X: k, Y: exactG, Reference: true})
	for _, m := range s.methods {
		if c := s.comps[m.Name]; c != nil {
			sp.Series = append(sp.Series, cli.Series{Name: m.Name, X: k, Y: c.GenShell, Points: true})
		}
	}
	if err := sp.Save(r.PlotPath("spectra")); err != nil {
		return err
	}
	ratio := cli.LinePlot{Title: "generated / reference spectrum", XLabel: "|k̂| (lattice units⁻¹)", YLabel: "G_gen/G_ref (dimensionless)"}
	for _, m := range s.methods {
		if c := s.comps[m.Name]; c != nil {
			ratio.Series = append(ratio.Series, cli.Series{Name: m.Name, X: k, Y: c.Ratio, YErr: c.RatioErr, Points: true})
		}
	}
	ratio.Series = append(ratio.Series, cli.Series{Name: "equal spectra", X: []float64{k[0], k[len(k)-1]}, Y: []float64{1, 1}, Reference: true})
	if err := ratio.Save(r.PlotPath("spectrum_ratio")); err != nil {
		return err
	}
	if f := s.flow; f != nil {
		kl := cli.LinePlot{Title: "relative entropy to the fixed point along the flow", XLabel: "RG time t (dimensionless)", YLabel: "KL (nats)", LogY: true,
			Series: []cli.Series{{Name: "closed form", X: f.Times, Y: f.KL, Reference: true}, {Name: "estimate (Gaussian part of the samples)", X: f.Times, Y: f.KLEst, Points: true}}}
		if err := kl.Save(r.PlotPath("flow_kl")); err != nil {
			return err
		}
		w2 := cli.LinePlot{Title: "W₂ to the fixed point along the flow", XLabel: "RG time t (dimensionless)", YLabel: "W₂ (lattice units)",
			Series: []cli.Series{{Name: "closed form", X: f.Times, Y: f.W2, Reference: true}, {Name: "estimate", X: f.Times, Y: f.W2Est, Points: true}}}
		if err := w2.Save(r.PlotPath("flow_w2")); err != nil {
			return err
		}
		d := cli.LinePlot{Title: "dissipation −dKL/dt", XLabel: "RG time t (dimensionless)", YLabel: "D_t (nats)",
			Series: []cli.Series{{Name: "closed form", X: f.Times, Y: f.Diss, Reference: true}, {Name: "Monte Carlo", X: f.Times, Y: f.DissMC, YErr: f.DissMCErr, Points: true}}}
		if err := d.Save(r.PlotPath("flow_dissipation")); err != nil {
			return err
		}
	}
	if len(s.grad) > 0 {
		fe := cli.LinePlot{Title: "Langevin (W₂ gradient flow): free energy above equilibrium", XLabel: "Langevin time t (dimensionless)", YLabel: "F − F_eq (nats)", LogY: true}
		w2 := cli.LinePlot{Title: "Langevin (W₂ gradient flow): W₂ to equilibrium", XLabel: "Langevin time t (dimensionless)", YLabel: "W₂ (lattice units)", LogY: true}
		for i, r := range s.grad {
			if i == 0 {
				fe.Series = append(fe.Series, cli.Series{Name: "continuous time (closed form)", X: r.times, Y: r.fe})
				w2.Series = append(w2.Series, cli.Series{Name: "continuous time (closed form)", X: r.times, Y: r.w2})
			}
			if r.feScheme != nil {
				fe.Series = append(fe.Series, cli.Series{Name: r.method + " recursion (closed form)", X: r.times, Y: r.feScheme})
				w2.Series = append(w2.Series, cli.Series{Name: r.method + " recursion (closed form)", X: r.times, Y: r.w2Scheme})
			}
			fe.Series = append(fe.Series, cli.Series{Name: r.method + " ensemble", X: r.times, Y: r.feEst, Points: true})
			w2.Series = append(w2.Series, cli.Series{Name: r.method + " ensemble", X: r.times, Y: r.w2Est, Points: true})
		}
		if err := fe.Save(r.PlotPath("gradflow_free_energy")); err != nil {
			return err
		}
		if err := w2.Save(r.PlotPath("gradflow_w2")); err != nil {
			return err
		}
	}
	if err := pipeline.TrainingPlot(r.PlotPath("training"), s.learned, s.white, s.ddpm); err != nil {
		return err
	}
	if c := s.comps["learned"]; c != nil {
		if err := pipeline.DenoisePlot(r.PlotPath("denoise_mse"), c.Denoise); err != nil {
			return err
		}
	}
	for _, m := range s.methods {
		if c := s.comps[m.Name]; c != nil && c.Denoise != nil {
			if err := pipeline.DenoiseShellPlot(r.PlotPath("denoise_shells_"+m.Name), m.Name, c.Denoise, o.Shells.KHat, learnedDenoise); err != nil {
				return err
			}
		}
	}
	if err := o.LogWeightPlot(r.PlotPath("log_weights"), s.methods); err != nil {
		return err
	}
	return o.GeneratedPanels(r.PlotPath("fields"), pipeline.Panel{Title: "exact sample", Field: s.ref.Field(0)}, s.methods)
}
