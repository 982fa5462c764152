// Copyright ©2026 The rgflow Authors. All rights reserved.

package evaluate

import (
	"math"
	"strings"
	"testing"
)

// TestVerdictFalseAlarms checks the false-alarm probability each check of
// a verdict states, at thresholds ZMax = 4 and Confidence 0.999: P(|z| > 4) of a standard
// normal is erfc(4/√2) = 6.334248366623996·10⁻⁵ (tables), a χ² test at
// confidence 0.999 fails with probability 10⁻³, the one-sided denoising
// check with half the two-sided z's, and the distance checks state none
// (NaN). The verdict's FalseAlarm is their sum. It also checks the
// denoising checks of a comparison with three denoisers of known mean
// differences: one per denoiser after the first, each against ZMax times
// its own error.
func TestVerdictFalseAlarms(t *testing.T) {
	const aZ = 6.334248366623996e-05
	c := &Comparison{SpectrumDOF: 5, SpectrumChi2: 1, HistDOF: 7, HistChi2: 2,
		Observables: []ObservableZ{{Name: "Chi", Z: 1}, {Name: "Binder", Z: -4.5}},
		W2Spectral:  1, W2SpectralNull: 1, W2M: 1, W2MNull: 1, W2Action: 1, W2ActionNull: 1, SlicedW2: 1, SlicedW2Null: 1,
		Denoise: &DenoiseCurve{Names: []string{"exact", "a", "b"}, AvgDiff: []float64{0, 0.3, 0.5}, AvgDiffErr: []float64{0, 0.1, 0.1}}}
	th := Thresholds{ZMax: 4, Confidence: 0.999}
	th.defaults()
	c.judge(th)
	want := map[string]float64{
		"spectrum_ratio_chi2": 1e-3, "m_histogram_chi2": 1e-3,
		"z_Chi": aZ, "z_Binder": aZ, "m_sign_symmetry_z": aZ,
		"w2_spectral": math.NaN(), "w2_m": math.NaN(), "w2_action": math.NaN(), "sliced_w2": math.NaN(), "kl_gauss": math.NaN(),
		"denoise_a_vs_exact": aZ / 2, "denoise_b_vs_exact": aZ / 2,
	}
	sum := 0.0
	for _, ch := range c.Verdict.Checks {
		w, ok := want[ch.Name]
		if !ok {
			t.Errorf("unexpected check %s", ch.Name)
			continue
		}
		delete(want, ch.Name)
		switch {
		case math.IsNaN(w):
			if !math.IsNaN(ch.Alpha) {
				t.Errorf("%s: Alpha %v, want NaN (a distance against its yardstick states no rate)", ch.Name, ch.Alpha)
			}
		case math.Abs(ch.Alpha-w) > 1e-12*w:
			t.Errorf("%s: Alpha %v, want %v", ch.Name, ch.Alpha, w)
		default:
			sum += w
		}
	}
	for n := range want {
		t.Errorf("check %s missing", n)
	}
	if r := c.Verdict.FalseAlarm(); math.Abs(r-sum) > 1e-15 {
		t.Errorf("FalseAlarm() = %v, want the sum %v", r, sum)
	}
	for _, d := range []struct {
		name       string
		value, thr float64
		pass       bool
	}{{"denoise_a_vs_exact", 0.3, 0.4, true}, {"denoise_b_vs_exact", 0.5, 0.4, false}, {"z_Binder", 4.5, 4, false}} {
		for _, ch := range c.Verdict.Checks {
			if ch.Name == d.name && (math.Abs(ch.Value-d.value) > 1e-15 || math.Abs(ch.Threshold-d.thr) > 1e-15 || ch.Pass != d.pass) {
				t.Errorf("%s: value %v threshold %v pass %v, want %v %v %v", d.name, ch.Value, ch.Threshold, ch.Pass, d.value, d.thr, d.pass)
			}
		}
	}
}

// TestThresholdsShareTheFalseAlarm: with ZMax and Confidence left at 0,
// each of the n statistical checks gets FalseAlarm/n: for the 9 checks of
// a comparison with five observables, both χ² tests and one denoising
// curve of two denoisers (5 z, ⟨sign M⟩, 2 χ², 1 denoising) at 10⁻³,
// 1.111·10⁻⁴ each, |z| ≤ 3.8649518622770427 (the two-sided normal
// quantile Φ⁻¹(1 − 10⁻³/18) by Python's statistics.NormalDist) and the χ² tests at confidence
// 1 − 1.111·10⁻⁴; the verdict's FalseAlarm is then 10⁻³ less half the
// denoising check's share (it is one-sided).
func TestThresholdsShareTheFalseAlarm(t *testing.T) {
	c := &Comparison{SpectrumDOF: 4, SpectrumChi2: 1, HistDOF: 10, HistChi2: 1, W2Spectral: math.NaN(), W2M: math.NaN(), W2Action: math.NaN(), SlicedW2: math.NaN(),
		Observables: []ObservableZ{{Name: "a"}, {Name: "b"}, {Name: "c"}, {Name: "d"}, {Name: "e"}},
		Denoise:     &DenoiseCurve{Names: []string{"x", "y"}, AvgDiff: []float64{0, 0}, AvgDiffErr: []float64{0, 1}}}
	th := Thresholds{}
	th.defaults()
	c.judge(th)
	a := 1e-3 / 9
	for _, ch := range c.Verdict.Checks {
		switch {
		case strings.HasPrefix(ch.Name, "z_") || ch.Name == "m_sign_symmetry_z":
			if math.Abs(ch.Threshold-3.8649518622770427) > 1e-12 || math.Abs(ch.Alpha-a) > 1e-9*a {
				t.Errorf("%s: threshold %v, Alpha %v; want 3.8649518622770427, %v", ch.Name, ch.Threshold, ch.Alpha, a)
			}
		case strings.HasSuffix(ch.Name, "chi2"):
			if math.Abs(ch.Alpha-a) > 1e-9*a {
				t.Errorf("%s: Alpha %v, want %v", ch.Name, ch.Alpha, a)
			}
		}
	}
	if r := c.Verdict.FalseAlarm(); math.Abs(r-(1e-3-a/2)) > 1e-12 {
		t.Errorf("FalseAlarm() = %v, want %v", r, 1e-3-a/2)
	}
}
