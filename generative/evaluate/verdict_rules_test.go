// Copyright ©2026 The rgflow Authors. All rights reserved.

package evaluate

import (
	"math"
	"strings"
	"testing"
)

// TestJudgeSkipsEmptyTests: a comparison with no spectrum shells and no
// histogram bins (0 degrees of freedom) and no W₂ distances (NaN) judges
// only what it has: no χ² checks, no W₂ checks.
func TestJudgeSkipsEmptyTests(t *testing.T) {
	nan := math.NaN()
	c := &Comparison{W2Spectral: nan, W2M: nan, W2Action: nan, SlicedW2: nan}
	th := Thresholds{}
	th.defaults()
	c.judge(th)
	for _, ch := range c.Verdict.Checks {
		if strings.Contains(ch.Name, "chi2") || strings.Contains(ch.Name, "w2") {
			t.Errorf("check %s judged with no data", ch.Name)
		}
	}
}

// TestVerdictStringCountsFailures: the summary line counts the failed
// checks.
func TestVerdictStringCountsFailures(t *testing.T) {
	v := Verdict{Checks: []Check{{Name: "a", Pass: false}, {Name: "b", Pass: true}, {Name: "c", Pass: false}}}
	if s := v.String(); !strings.HasSuffix(s, "verdict: FAIL (2 of 3 checks failed)") {
		t.Errorf("summary:\n%s\nwant it to end with \"verdict: FAIL (2 of 3 checks failed)\"", s)
	}
}
