// Copyright ©2026 The rgflow Authors. All rights reserved.

package pipeline

import (
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette/moreland"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	"rgflow/generative/evaluate"
	"rgflow/internal/cli"
)

// cellGrid is a (t, shell) array as plotter.GridXYZ: columns are shells,
// rows times, both drawn at their index (the axes are labelled by ticks).
type cellGrid struct {
	v [][]float64 // [time][shell]
}

func (g cellGrid) Dims() (c, r int)   { return len(g.v[0]), len(g.v) }
func (g cellGrid) Z(c, r int) float64 { return g.v[r][c] }
func (g cellGrid) X(c int) float64    { return float64(c) }
func (g cellGrid) Y(r int) float64    { return float64(r) }

// indexTicks labels integer positions with the given values.
type indexTicks []float64

func (t indexTicks) Ticks(_, _ float64) []plot.Tick {
	step := max(len(t)/8, 1)
	var ts []plot.Tick
	for i := 0; i < len(t); i++ {
		tk := plot.Tick{Value: float64(i)}
		if i%step == 0 {
			tk.Label = fmt.Sprintf("%.3g", t[i])
		}
		ts = append(ts, tk)
	}
	return ts
}

// DenoiseShellPlot draws the relative excess error of the last denoiser
// of d against the first in every (t, shell) cell (the distance estimate,
// evaluate.ShellDenoise.Dist) as a heat map on a log colour scale from
// 10⁻⁴ to 1, titled with the worst shell's equivalent spectral error
// against tol; cells whose reference error is 0 (no noised mode) are left
// white. Nothing is drawn without the decomposition.
func DenoiseShellPlot(path, title string, d *evaluate.DenoiseCurve, khat []float64, tol float64) error {
	if d == nil || d.Shell == nil {
		return nil
	}
	const lo, hi = -4, 0
	last := len(d.Names) - 1
	dist := d.Shell.Dist[last]
	lg := make([][]float64, len(dist))
	for i, row := range dist {
		lg[i] = make([]float64, len(row))
		for k, v := range row {
			lg[i][k] = math.Log10(math.Min(math.Max(v, math.Pow(10, lo)), 1))
			if math.IsNaN(v) {
				lg[i][k] = math.NaN()
			}
		}
	}
	pal := moreland.SmoothBlueRed()
	pal.SetMin(lo)
	pal.SetMax(hi)
	p := plot.New()
	_, _, delta := d.ShellKLLin(last)
	worst, wk := 0.0, 0
	for k, x := range delta {
		if x > worst || math.IsInf(x, 1) {
			worst, wk = x, k
		}
	}
	p.Title.Text = fmt.Sprintf("%s: relative excess denoising error\nworst shell %d: equivalent spectral error %.2g%% (bar %g%%)", title, wk, 100*worst, 100*tol)
	p.X.Label.Text = "shell |k̂|"
	p.Y.Label.Text = "RG time t"
	hm := plotter.NewHeatMap(cellGrid{lg}, pal.Palette(255))
	hm.Min, hm.Max = lo, hi
	hm.NaN = color.White
	p.Add(hm)
	p.X.Tick.Marker = indexTicks(khat)
	p.Y.Tick.Marker = indexTicks(d.Times)
	leg := plot.NewLegend()
	thumbs := plotter.PaletteThumbnailers(pal.Palette(hi - lo + 1))
	for i := len(thumbs) - 1; i >= 0; i-- {
		leg.Add(fmt.Sprintf("1e%d", lo+i), thumbs[i])
	}
	p.Legend = leg
	p.Legend.Top = true
	p.BackgroundColor = color.White
	return cli.SaveFigure(path, 15*vg.Centimeter, 12*vg.Centimeter, p.Draw) // every format of the path
}
