// Copyright ©2026 The rgflow Authors. All rights reserved.

package cli

import (
	"fmt"
	"image/color"
	"math"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
)

// logTicks are plot.LogTicks labelled with three significant digits:
// LogTicks{Prec: -1} prints the shortest representation of the computed
// power, 9.999999999999999e-05 for 10⁻⁴.
type logTicks struct{}

func (logTicks) Ticks(min, max float64) []plot.Tick {
	ts := plot.LogTicks{Prec: -1}.Ticks(min, max)
	for i, t := range ts {
		if t.Label != "" {
			ts[i].Label = strconv.FormatFloat(t.Value, 'g', 3, 64)
		}
	}
	return ts
}

// Series is one curve of a LinePlot.
type Series struct {
	Name   string
	X, Y   []float64
	Points bool // draw markers instead of a line (e.g. estimates)
	// YErr, when not nil, draws symmetric error bars of these half-widths.
	YErr []float64
}

// LinePlot is a small x–y figure: the shape of almost every diagnostic an
// experiment writes (spectra, KL(t), W₂(t), loss curves).
type LinePlot struct {
	Title, XLabel, YLabel string
	LogX, LogY            bool
	Series                []Series
}

// Save renders the plot as a 15 cm × 10 cm PNG at path (see Run.PlotPath).
func (lp LinePlot) Save(path string) error {
	p := plot.New()
	p.Title.Text = lp.Title
	p.X.Label.Text = lp.XLabel
	p.Y.Label.Text = lp.YLabel
	if lp.LogX {
		p.X.Scale, p.X.Tick.Marker = plot.LogScale{}, logTicks{}
	}
	if lp.LogY {
		p.Y.Scale, p.Y.Tick.Marker = plot.LogScale{}, logTicks{}
	}
	p.Add(plotter.NewGrid())
	for i, s := range lp.Series {
		if len(s.X) != len(s.Y) || (s.YErr != nil && len(s.YErr) != len(s.Y)) {
			panic(fmt.Sprintf("cli: plot %q series %q: %d x, %d y, %d errors", lp.Title, s.Name, len(s.X), len(s.Y), len(s.YErr)))
		}
		pts := make(plotter.XYs, 0, len(s.X))
		var errs plotter.YErrors
		for k := range s.X {
			x, y := s.X[k], s.Y[k]
			if math.IsNaN(x) || math.IsNaN(y) || math.IsInf(x, 0) || math.IsInf(y, 0) ||
				(lp.LogX && x <= 0) || (lp.LogY && y <= 0) {
				continue // not drawable on these axes
			}
			pts = append(pts, plotter.XY{X: x, Y: y})
			if s.YErr != nil {
				errs = append(errs, struct{ Low, High float64 }{s.YErr[k], s.YErr[k]})
			}
		}
		if len(pts) == 0 {
			continue
		}
		col := plotutil.Color(i)
		if s.Points {
			sc, err := plotter.NewScatter(pts)
			if err != nil {
				return fmt.Errorf("cli: plot %s: %w", path, err)
			}
			sc.GlyphStyle.Color = col
			sc.GlyphStyle.Shape = plotutil.Shape(i)
			p.Add(sc)
			p.Legend.Add(s.Name, sc)
		} else {
			l, err := plotter.NewLine(pts)
			if err != nil {
				return fmt.Errorf("cli: plot %s: %w", path, err)
			}
			l.LineStyle.Color = col
			l.LineStyle.Width = vg.Points(1.5)
			p.Add(l)
			p.Legend.Add(s.Name, l)
		}
		if errs != nil {
			eb, err := plotter.NewYErrorBars(struct {
				plotter.XYs
				plotter.YErrors
			}{pts, errs})
			if err != nil {
				return fmt.Errorf("cli: plot %s: %w", path, err)
			}
			eb.LineStyle.Color = col
			p.Add(eb)
		}
	}
	p.Legend.Top = true
	p.BackgroundColor = color.White
	if err := p.Save(15*vg.Centimeter, 10*vg.Centimeter, path); err != nil {
		return fmt.Errorf("cli: plot %s: %w", path, err)
	}
	return nil
}
