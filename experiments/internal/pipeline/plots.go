// Copyright ©2026 The rgflow Authors. All rights reserved.

package pipeline

import (
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette/moreland"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"rgflow/internal/cli"
	"rgflow/lattice"
)

// Panel is one field of a FieldPanels figure.
type Panel struct {
	Title string
	Field []float64 // one configuration on the lattice
}

// grid is a 2-D slice of a field as plotter.GridXYZ.
type grid struct {
	nx, ny int
	v      []float64
}

func (g grid) Dims() (c, r int)     { return g.nx, g.ny }
func (g grid) Z(c, r int) float64   { return g.v[r*g.nx+c] }
func (g grid) X(c int) float64      { return float64(c) }
func (g grid) Y(r int) float64      { return float64(r) }
func (g grid) Min() (float64, bool) { return 0, false }

// slice2D returns the plane x₁ = 0 … of a field in d ≥ 2 dimensions (the
// last two axes), or nil for d = 1.
func slice2D(l *lattice.Lattice, f []float64) (grid, bool) {
	d := l.Dim()
	if d < 2 {
		return grid{}, false
	}
	nx, ny := l.Extent(d-1), l.Extent(d-2)
	return grid{nx: nx, ny: ny, v: f[:nx*ny]}, true
}

// FieldPanels draws fields side by side with one shared colour scale (the
// plane of the last two axes at x₁ = … = 0 for d ≥ 3; curves for d = 1) and
// a colour bar, and writes it at path (in each of its formats, see
// cli.SaveFigure).
func FieldPanels(path string, l *lattice.Lattice, panels []Panel) error {
	if len(panels) == 0 {
		return nil
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, p := range panels {
		g, ok := slice2D(l, p.Field)
		vals := p.Field
		if ok {
			vals = g.v
		}
		for _, v := range vals {
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
	}
	if hi <= lo {
		hi = lo + 1
	}
	if l.Dim() == 1 {
		p := plot.New()
		p.Title.Text = "sample fields (offset by their range)"
		p.X.Label.Text = "site x (lattice units)"
		p.Y.Label.Text = "ϕ_x (lattice units)"
		for i, pn := range panels {
			pts := make(plotter.XYs, len(pn.Field))
			for x, v := range pn.Field {
				pts[x] = plotter.XY{X: float64(x), Y: v + float64(i)*(hi-lo)}
			}
			ln, err := plotter.NewLine(pts)
			if err != nil {
				return err
			}
			p.Add(ln)
			p.Legend.Add(pn.Title, ln)
		}
		p.BackgroundColor = color.White
		return cli.SaveFigure(path, 20*vg.Centimeter, 10*vg.Centimeter, p.Draw)
	}
	pal := moreland.SmoothBlueRed()
	pal.SetMin(lo)
	pal.SetMax(hi)
	cols := len(panels)
	plots := make([][]*plot.Plot, 1)
	plots[0] = make([]*plot.Plot, cols)
	for i, pn := range panels {
		g, _ := slice2D(l, pn.Field)
		p := plot.New()
		p.Title.Text = pn.Title
		hm := plotter.NewHeatMap(g, pal.Palette(255))
		hm.Min, hm.Max = lo, hi
		p.Add(hm)
		p.HideAxes()
		plots[0][i] = p
	}
	// The shared colour scale, as a bar beside the panels.
	bar := plot.New()
	bar.Title.Text = "ϕ_x"
	bar.HideX()
	bar.Y.Label.Text = "field (lattice units)"
	bar.Add(&plotter.ColorBar{ColorMap: pal, Vertical: true})
	const side = 5 * vg.Centimeter
	const barWidth = 3 * vg.Centimeter
	tiles := draw.Tiles{Rows: 1, Cols: cols, PadX: vg.Millimeter, PadY: vg.Millimeter, PadTop: vg.Millimeter, PadBottom: vg.Millimeter, PadLeft: vg.Millimeter, PadRight: vg.Millimeter}
	return cli.SaveFigure(path, vg.Length(cols)*side+barWidth, side+vg.Centimeter, func(dc draw.Canvas) {
		canvases := plot.Align(plots, tiles, draw.Crop(dc, 0, -barWidth, 0, 0))
		for i := range panels {
			plots[0][i].Draw(canvases[0][i])
		}
		bar.Draw(draw.Crop(dc, vg.Length(cols)*side+2*vg.Millimeter, 0, 2*vg.Millimeter, -2*vg.Millimeter))
	})
}
