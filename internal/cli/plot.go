// Copyright ©2026 The rgflow Authors. All rights reserved.

package cli

import (
	"fmt"
	"image/color"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// logTicks mark 1…9 × 10^k and label them with three significant digits
// (plot.LogTicks{Prec: -1} prints the shortest representation of the
// computed power, 9.999999999999999e-05 for 10⁻⁴): the powers of ten, and
// on a range of less than three decades, where those alone leave an axis
// with one label or none, 2× and 5× too (3× as well below one and a half).
type logTicks struct{}

func (logTicks) Ticks(min, max float64) []plot.Tick {
	if !(max > min) || min <= 0 {
		return plot.LogTicks{Prec: -1}.Ticks(min, max)
	}
	decades := math.Log10(max / min)
	label := map[int]bool{1: true}
	if decades < 3 {
		label[2], label[5] = true, true
	}
	if decades < 1.5 {
		label[3] = true
	}
	var ts []plot.Tick
	for k := math.Floor(math.Log10(min)); k <= math.Ceil(math.Log10(max)); k++ {
		for m := 1; m <= 9; m++ {
			v := float64(m) * math.Pow(10, k)
			if v < min*(1-1e-9) || v > max*(1+1e-9) {
				continue
			}
			t := plot.Tick{Value: v}
			if label[m] {
				t.Label = strconv.FormatFloat(v, 'g', 3, 64)
			}
			ts = append(ts, t)
		}
	}
	return ts
}

// linearTicks label four to eight ticks at steps of 1, 2 or 5 × 10^k (plot's
// DefaultTicks often labels only three), with minor ticks between.
type linearTicks struct{}

func (linearTicks) Ticks(min, max float64) []plot.Tick {
	if !(max > min) {
		return plot.DefaultTicks{}.Ticks(min, max)
	}
	raw := (max - min) / 8
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step := 10 * mag
	for _, m := range []float64{5, 2, 1} {
		if m*mag >= raw {
			step = m * mag
		}
	}
	prec := max0(-int(math.Floor(math.Log10(step))))
	var ts []plot.Tick
	for v := math.Ceil(min/step) * step; v <= max+step*1e-9; v += step {
		x := math.Round(v/step) * step
		ts = append(ts, plot.Tick{Value: x, Label: strconv.FormatFloat(x, 'f', prec, 64)})
		if m := x + step/2; m < max {
			ts = append(ts, plot.Tick{Value: m})
		}
	}
	return ts
}

func max0(n int) int {
	if n < 0 {
		return 0
	}
	return n
}

// Series is one curve of a LinePlot.
type Series struct {
	Name   string
	X, Y   []float64
	Points bool // draw markers instead of a line (e.g. estimates)
	// YErr, when not nil, draws symmetric error bars of these half-widths.
	YErr []float64
	// Reference draws a thin dashed grey line: a threshold, an exact value
	// or a closed form the data are compared with, not data.
	Reference bool
	// BarsOnly draws only the error bars, without a legend entry: the
	// errors of a curve drawn by the series before it (a histogram's bins).
	BarsOnly bool
}

// LinePlot is a small x–y figure: the shape of almost every diagnostic an
// experiment writes (spectra, KL(t), W₂(t), loss curves).
type LinePlot struct {
	Title, XLabel, YLabel string
	LogX, LogY            bool
	Series                []Series
}

// Plot sizes: the data area and the height of every line plot, readable
// when a page shows the figure at its size.
const (
	plotWidth  = 15 * vg.Centimeter
	plotHeight = 10 * vg.Centimeter
)

// Save renders the plot at path (see Run.PlotPath: one file per format of
// the path, PNG and SVG by default): 15 cm × 10 cm of axes with the legend
// in a column to their right, outside the data; the axes reach 4% beyond
// the data so that no marker or error bar is clipped.
func (lp LinePlot) Save(path string) error {
	p := plot.New()
	p.Title.Text = lp.Title
	p.X.Label.Text = lp.XLabel
	p.Y.Label.Text = lp.YLabel
	p.X.Tick.Marker, p.Y.Tick.Marker = linearTicks{}, linearTicks{}
	if lp.LogX {
		p.X.Scale, p.X.Tick.Marker = plot.LogScale{}, logTicks{}
	}
	if lp.LogY {
		p.Y.Scale, p.Y.Tick.Marker = plot.LogScale{}, logTicks{}
	}
	p.Add(plotter.NewGrid())
	for i, s := range lp.Series {
		if err := addSeries(p, lp, i, s, path); err != nil {
			return err
		}
	}
	pad(&p.X, lp.LogX)
	pad(&p.Y, lp.LogY)
	p.BackgroundColor = color.White
	leg := p.Legend
	leg.Top, leg.Left = true, true
	p.Legend = plot.NewLegend()
	lw := vg.Length(0)
	if r := leg.Rectangle(draw.Canvas{}); r.Max.X > r.Min.X {
		lw = r.Max.X - r.Min.X + 6*vg.Millimeter
	}
	return SaveFigure(path, plotWidth+lw, plotHeight, func(dc draw.Canvas) {
		p.Draw(draw.Crop(dc, 0, -lw, 0, 0))
		if lw > 0 {
			leg.Draw(draw.Crop(dc, plotWidth+3*vg.Millimeter, 0, 0, -12*vg.Millimeter))
		}
	})
}

// addSeries adds series i of lp to p, with its error bars and legend entry.
func addSeries(p *plot.Plot, lp LinePlot, i int, s Series, path string) error {
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
			e := s.YErr[k]
			if math.IsNaN(e) || math.IsInf(e, 0) {
				e = 0
			}
			lo := e
			if lp.LogY && y-lo <= 0 {
				lo = y * (1 - 1e-3) // the bar reaches the bottom of a log axis
			}
			errs = append(errs, struct{ Low, High float64 }{lo, e})
		}
	}
	if len(pts) == 0 {
		return nil
	}
	col := plotutil.Color(i)
	if s.BarsOnly {
		col = plotutil.Color(i - 1) // the colour of the curve they belong to
	}
	switch {
	case s.BarsOnly:
	case s.Reference:
		l, err := plotter.NewLine(pts)
		if err != nil {
			return fmt.Errorf("cli: plot %s: %w", path, err)
		}
		l.LineStyle.Color = color.Gray{Y: 90}
		l.LineStyle.Width = vg.Points(1)
		l.LineStyle.Dashes = []vg.Length{vg.Points(5), vg.Points(3)}
		p.Add(l)
		p.Legend.Add(s.Name, l)
	case s.Points:
		sc, err := plotter.NewScatter(pts)
		if err != nil {
			return fmt.Errorf("cli: plot %s: %w", path, err)
		}
		sc.GlyphStyle.Color = col
		sc.GlyphStyle.Shape = plotutil.Shape(i)
		p.Add(sc)
		p.Legend.Add(s.Name, sc)
	default:
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
	return nil
}

// pad widens an axis by 4% of its range on each side (of its decades on a
// log axis), so markers and error bars at the data's edges are drawn whole.
func pad(a *plot.Axis, log bool) {
	if !(a.Max > a.Min) || math.IsInf(a.Min, 0) || math.IsInf(a.Max, 0) {
		return
	}
	if log && a.Min > 0 {
		f := math.Pow(a.Max/a.Min, 0.04)
		a.Min, a.Max = a.Min/f, a.Max*f
		return
	}
	d := 0.04 * (a.Max - a.Min)
	a.Min, a.Max = a.Min-d, a.Max+d
}

// PlotFormats are the figure formats a plot path may name (Run.PlotPath).
var PlotFormats = []string{"png", "svg", "pdf", "eps"}

// checkPlotFormat checks the value of --plot-format.
func checkPlotFormat(f string) error {
	for _, x := range strings.Split(f, "+") {
		if !slices.Contains(PlotFormats, x) {
			return fmt.Errorf("--plot-format %q: %q is not a format; allowed %s, joined by + (e.g. png+svg)", f, x, strings.Join(PlotFormats, ", "))
		}
	}
	return nil
}

// SaveFigure draws a figure of size w × h with fn and writes it at path in
// every format the path's extension names: "run_spectra.png+svg" writes
// run_spectra.png and run_spectra.svg.
func SaveFigure(path string, w, h vg.Length, fn func(draw.Canvas)) error {
	ext := filepath.Ext(path)
	stem := strings.TrimSuffix(path, ext)
	for _, format := range strings.Split(strings.TrimPrefix(ext, "."), "+") {
		c, err := draw.NewFormattedCanvas(w, h, format)
		if err != nil {
			return fmt.Errorf("cli: plot %s: %w", path, err)
		}
		dc := draw.New(c)
		dc.SetColor(color.White)
		dc.Fill(dc.Rectangle.Path())
		fn(dc)
		out, err := os.Create(stem + "." + format)
		if err != nil {
			return fmt.Errorf("cli: plot %s: %w", path, err)
		}
		if _, err := c.WriteTo(out); err != nil {
			out.Close()
			return fmt.Errorf("cli: plot %s: %w", path, err)
		}
		if err := out.Close(); err != nil {
			return fmt.Errorf("cli: plot %s: %w", path, err)
		}
	}
	return nil
}
