// Copyright ©2026 The rgflow Authors. All rights reserved.

package pipeline

import (
	"math"
	"testing"

	"rgflow/generative"
	"rgflow/generative/evaluate"
	"rgflow/lattice"
)

// TestDenoiseShellBarCatchesWhatGenerationCatches feeds deliberately wrong
// scores of the free field (8×8, m² = 0.25, the default Polchinski flow and
// sampler) to the per-shell denoising verdict and to generation, and
// checks that the verdict fails exactly where the generated spectrum
// misses the 5% bar on some shell: the exact score with the zero mode's or
// the lowest nonzero shell's variance halved fails both; an error of 1% at
// the highest shell only passes both; 30% there fails both. The generated
// spectra are measured on 16 000 fields, so a shell's relative error is
// ≤ 1.2% (the zero mode, one real degree of freedom): 5% is 4σ away from
// both a correct and a 10%-wrong shell's value.
func TestDenoiseShellBarCatchesWhatGenerationCatches(t *testing.T) {
	const m2, tol = 0.25, 0.05
	l := lattice.MustNew(8, 8)
	p, err := Flow{Regulator: "fermi-dirac", Temperature: 0.2, M02: 1, ZeroMode: "integrate-out"}.Process(l)
	if err != nil {
		t.Fatal(err)
	}
	g0, err := generative.FreeSpectrum(p.Eps, m2)
	if err != nil {
		t.Fatal(err)
	}
	exact, _ := generative.NewGaussian(p, g0)
	sh, err := evaluate.ProcessShells(p)
	if err != nil {
		t.Fatal(err)
	}
	_, held := freeEnsemble(t, l, m2, 400, 5)
	times := ShellDenoiseTimes(p, 16)
	gen := Generate{Samples: 16000, Batch: 4000, Method: "ancestral", Steps: 8, Rho: 2}
	top := sh.Len() - 1
	for _, c := range []struct {
		name   string
		shell  int
		factor float64
		pass   bool
	}{
		{"exact", 0, 1, true},
		{"zero mode ×0.5", 0, 0.5, false},
		{"lowest nonzero shell ×0.5", 1, 0.5, false},
		{"highest shell ×1.01", top, 1.01, true},
		{"highest shell ×1.3", top, 1.3, false},
	} {
		g1 := append([]float64(nil), g0...)
		for j, k := range sh.Index {
			if k == c.shell {
				g1[j] *= c.factor
			}
		}
		score, _ := generative.NewGaussian(p, g1)
		smp, err := gen.Sampler(p, score, true)
		if err != nil {
			t.Fatal(err)
		}
		e, err := smp.Generate(gen.Samples, gen.Batch, 11, 0)
		if err != nil {
			t.Fatal(err)
		}
		spec, err := generative.MeasureSpectrum(p, e, true)
		if err != nil {
			t.Fatal(err)
		}
		genShell := sh.Average(nil, spec.G, p.Weight)
		refShell := sh.Average(nil, g0, p.Weight)
		worst := 0.0
		for k := range genShell {
			worst = math.Max(worst, math.Abs(genShell[k]/refShell[k]-1))
		}
		d, err := evaluate.DenoiseMSE(p, held, times, 3, []string{"exact", c.name}, exact, score)
		if err != nil {
			t.Fatal(err)
		}
		ch := DenoiseShellBar("denoise", d, tol)
		genPass := worst <= tol
		t.Logf("%-26s generated worst shell %.4f, denoising verdict %.4f", c.name, worst, ch.Value)
		if genPass != c.pass || ch.Pass != c.pass {
			t.Errorf("%s: generated worst shell %.4f (pass %v), denoising verdict %.4f (pass %v); want both pass = %v", c.name, worst, genPass, ch.Value, ch.Pass, c.pass)
		}
	}
}
