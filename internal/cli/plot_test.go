// Copyright ©2026 The rgflow Authors. All rights reserved.

package cli

import (
	"math"
	"testing"

	"gonum.org/v1/plot"
)

// TestLogTickLabels checks that decades are labelled as people write them
// (1e-05, not the 9.999999999999999e-06 that pow(10, −5) prints as).
func TestLogTickLabels(t *testing.T) {
	want := map[string]bool{"1e-07": false, "1e-06": false, "1e-05": false, "0.0001": false, "0.001": false, "0.01": false, "0.1": false, "1": false, "10": false}
	for _, tk := range (logTicks{}).Ticks(1e-7, 30) {
		if tk.Label == "" {
			continue
		}
		if _, ok := want[tk.Label]; !ok {
			t.Errorf("tick at %g labelled %q", tk.Value, tk.Label)
		}
		want[tk.Label] = true
	}
	for l, seen := range want {
		if !seen {
			t.Errorf("no tick labelled %q", l)
		}
	}
}

// TestEnoughTicks: a log axis of less than two decades and a linear axis
// each get at least four labels inside the range; the linear ones at even
// steps of 1, 2 or 5 × 10^k.
func TestEnoughTicks(t *testing.T) {
	for _, c := range []struct {
		name     string
		ticks    []plot.Tick
		min, max float64
		linear   bool
	}{
		{"log 0.3–4", (logTicks{}).Ticks(0.3, 4), 0.3, 4, false},
		{"linear −6.6–6.5", (linearTicks{}).Ticks(-6.6, 6.5), -6.6, 6.5, true},
		{"linear 0–1.97", (linearTicks{}).Ticks(0, 1.97), 0, 1.97, true},
	} {
		var v []float64
		for _, tk := range c.ticks {
			if tk.Label != "" && tk.Value >= c.min && tk.Value <= c.max {
				v = append(v, tk.Value)
			}
		}
		if len(v) < 4 {
			t.Errorf("%s: labels at %v, want at least 4", c.name, v)
			continue
		}
		if !c.linear {
			continue
		}
		step := v[1] - v[0]
		lead := step / math.Pow(10, math.Floor(math.Log10(step)+1e-9))
		if math.Abs(lead-1) > 1e-9 && math.Abs(lead-2) > 1e-9 && math.Abs(lead-5) > 1e-9 {
			t.Errorf("%s: step %v", c.name, step)
		}
		for k := 1; k < len(v); k++ {
			if math.Abs(v[k]-v[k-1]-step) > 1e-9*step {
				t.Errorf("%s: labels at %v, uneven", c.name, v)
			}
		}
	}
}
