// Copyright ©2026 The rgflow Authors. All rights reserved.

package cli

import "testing"

// TestLogTickLabels checks that decades are labelled as people write them
// (1e-05, not the 9.999999999999999e-06 that pow(10, −5) prints as).
func TestLogTickLabels(t *testing.T) {
	want := map[string]bool{"1e-07": false, "1e-06": false, "1e-05": false, "0.0001": false, "0.001": false, "0.01": false, "0.1": false, "1": false, "10": false, "100": false}
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
