// Copyright ©2026 The rgflow Authors. All rights reserved.

package pipeline

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"rgflow/generative/evaluate"
	"rgflow/internal/cli"
)

// PrintTimes writes the wall-clock seconds of every stage and their total
// as tab-separated rows of w (a tabwriter), ending with a blank line.
func (p *Runner) PrintTimes(w io.Writer) {
	fmt.Fprintf(w, "stage\tseconds\n")
	total := 0.0
	for i, st := range p.Stages {
		fmt.Fprintf(w, "%s\t%.1f\n", st.Name, p.Times[i].Seconds())
		total += p.Times[i].Seconds()
	}
	fmt.Fprintf(w, "total\t%.1f\n\n", total)
}

// PrintChecks writes one line per check to w, its name padded to width,
// and returns the names of those that failed.
func PrintChecks(w io.Writer, width int, cs []Check) (failed []string) {
	for _, c := range cs {
		mark := "pass"
		if !c.Pass {
			mark = "FAIL"
			failed = append(failed, c.Name)
		}
		fmt.Fprintf(w, "  %s  %-*s %-10.4g (threshold %.4g)  %s [%s]\n", mark, width, c.Name, c.Value, c.Threshold, c.Rule, alphaTag(c.Alpha))
	}
	return failed
}

// PeakRSS returns the peak resident set size of the process (VmHWM of
// /proc/self/status), or −1 where that is not available.
func PeakRSS() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return -1
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			f := strings.Fields(rest)
			if len(f) >= 1 {
				if kb, err := strconv.ParseInt(f[0], 10, 64); err == nil {
					return kb * 1024
				}
			}
		}
	}
	return -1
}

// TrainingPlot draws the held-out loss of every model with a training
// curve (nil models are skipped) into path; it draws nothing when none has.
func TrainingPlot(path string, models ...*Model) error {
	tc := cli.LinePlot{Title: "training (held-out loss; 1 per site is the Gaussian baseline)", XLabel: "optimiser step", YLabel: "loss per site (dimensionless; 1: Gaussian baseline)"}
	for _, m := range models {
		if m == nil || len(m.State.Curve) == 0 {
			continue
		}
		var x, y []float64
		for _, c := range m.State.Curve {
			x = append(x, float64(c.Step))
			y = append(y, c.HeldOut)
		}
		tc.Series = append(tc.Series, cli.Series{Name: m.Name, X: x, Y: y})
	}
	if len(tc.Series) == 0 {
		return nil
	}
	return tc.Save(path)
}

// DenoisePlot draws the denoising-error curves d (nil: nothing) into path.
func DenoisePlot(path string, d *evaluate.DenoiseCurve) error {
	if d == nil {
		return nil
	}
	mp := cli.LinePlot{Title: "denoising error on held-out data", XLabel: "RG time t (dimensionless)", YLabel: "MSE per site (lattice units²)", LogY: true}
	for i, n := range d.Names {
		mp.Series = append(mp.Series, cli.Series{Name: n, X: d.Times, Y: d.MSE[i], YErr: d.MSEErr[i], Points: i > 0})
	}
	return mp.Save(path)
}

// GeneratedPanels draws first beside the first field of every method's
// generated ensemble that can be read (FieldPanels) into path.
func (o *Out) GeneratedPanels(path string, first Panel, methods []*Method) error {
	panels := []Panel{first}
	for _, m := range methods {
		if gen, err := o.ReadGenerated(m.Name); err == nil {
			panels = append(panels, Panel{Title: m.Name, Field: gen.Field(0)})
		}
	}
	return FieldPanels(path, o.Lat, panels)
}
