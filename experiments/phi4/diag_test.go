//go:build diag

package main

import (
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"

	"rgflow/experiments/internal/pipeline"
	"rgflow/generative"
	"rgflow/internal/h5io"
	"rgflow/internal/rng"
)

func env(k, d string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return d
}
func envi(k string, d int) int { v, _ := strconv.Atoi(env(k, strconv.Itoa(d))); return v }
func envf(k string, d float64) float64 {
	v, _ := strconv.ParseFloat(env(k, strconv.FormatFloat(d, 'g', -1, 64)), 64)
	return v
}

func diagState(t *testing.T) *state {
	cfg := defaults()
	for _, p := range presets {
		if p.name == env("DIAG_PRESET", "critical") {
			p.apply(&cfg)
		}
	}
	cfg.IR.Extent = envi("DIAG_IR", cfg.IR.Extent)
	act, err := cfg.Field.action(cfg)
	if err != nil {
		t.Fatal(err)
	}
	lat := act.Lattice()
	proc, err := cfg.Flow.Process(lat)
	if err != nil {
		t.Fatal(err)
	}
	f, err := h5io.Open(env("DIAG_H5", "/tmp/p4/crit_heun5.h5"))
	if err != nil {
		t.Fatal(err)
	}
	sh, _ := lat.Shells(lat.DefaultShellCount())
	s := &state{cfg: cfg, out: &pipeline.Out{F: f, Lat: lat, Shells: sh}, lat: lat, act: act, proc: proc}
	s.learned = &pipeline.Model{Name: "learned", Group: "/model/learned", Proc: proc, Net: cfg.Network, Train: cfg.Train, Index: 0}
	if cfg.IR.Extent > 0 {
		if s.block, err = newIRBlock(proc, (cfg.IR.Extent-1)/2); err != nil {
			t.Fatal(err)
		}
		zsh, _ := s.block.Small.Shells(1)
		s.zout = &pipeline.Out{F: f, Lat: s.block.Small, Shells: zsh}
		s.ir = &pipeline.Model{Name: "learned_ir", Group: "/model/learned_ir", Proc: s.block.Proc,
			Net: cfg.IR.network(cfg.Network.Workers), Train: cfg.IR.train(cfg.Train), Index: 1}
	}
	s.methods = []*pipeline.Method{{Name: "gaussian"}, {Name: "learned"}}
	if s.train, err = s.out.ReadFields(grpTrain + "/fields"); err != nil {
		t.Fatal(err)
	}
	if s.ref, err = s.out.ReadFields(grpRef + "/fields"); err != nil {
		t.Fatal(err)
	}
	if err := s.measureBaseline(); err != nil {
		t.Fatal(err)
	}
	if envi("DIAG_TRAIN", 0) == 1 {
		nc := cfg.Network
		nc.Width = envi("DIAG_WIDTH", nc.Width)
		nc.Blocks = envi("DIAG_BLOCKS", nc.Blocks)
		nc.Mean = envi("DIAG_MEAN", 0) == 1
		tcfg := cfg.Train
		tcfg.Steps = envi("DIAG_TSTEPS", tcfg.Steps)
		tcfg.MinSteps = envi("DIAG_TMIN", tcfg.MinSteps)
		tcfg.Batch = envi("DIAG_TBATCH", tcfg.Batch)
		tcfg.LR = envf("DIAG_LR", tcfg.LR)
		held, err := s.out.ReadFields(grpHeld + "/fields")
		if err != nil {
			t.Fatal(err)
		}
		net, err := nc.Build(lat, 1, 0)
		if err != nil {
			t.Fatal(err)
		}
		model, err := tcfg.Model(net)
		if err != nil {
			t.Fatal(err)
		}
		tc := tcfg.TrainConfig(1, 0)
		tr, err := generative.NewTrainer(s.base, model, mirrored(s.train), held, tc)
		if err != nil {
			t.Fatal(err)
		}
		st, err := tr.Run(context.Background(), func(st generative.TrainState) error {
			c := st.Curve[len(st.Curve)-1]
			fmt.Fprintf(os.Stderr, "step %d train %.5f held %.5f\n", c.Step, c.Train, c.HeldOut)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(os.Stderr, "status %v steps %d best %.5f\n", st.Status, st.Step, st.Best)
		model.LoadAverage()
		if s.learned.Score, err = generative.NewLearned(s.base, model); err != nil {
			t.Fatal(err)
		}
	} else if err := s.out.LoadModel(s.learned, 1); err != nil {
		t.Fatal(err)
	}
	if s.ir != nil {
		if err := s.zout.LoadModel(s.ir, 1); err != nil {
			t.Fatal(err)
		}
	}
	s.link()
	return s
}

func writeRaw(t *testing.T, path string, data []float64) {
	b := make([]byte, 8*len(data))
	for i, v := range data {
		binary.LittleEndian.PutUint64(b[8*i:], math.Float64bits(v))
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestDiagGenerate generates DIAG_N fields with the chosen score and sampler,
// optionally starting from reference fields noised to DIAG_T0 (fraction of T).
func TestDiagGenerate(t *testing.T) {
	s := diagState(t)
	var sc generative.Score = s.methods[1].Score
	if env("DIAG_SCORE", "learned") == "gaussian" {
		sc = s.base
	}
	for _, r := range strings.Split(env("DIAG_RUNS", "gen:1:128"), ",") {
		f := strings.Split(r, ":")
		os.Setenv("DIAG_OUT", "/tmp/p4/an/"+f[0]+".raw")
		os.Setenv("DIAG_T0", f[1])
		os.Setenv("DIAG_STEPS", f[2])
		diagGen(t, s, sc)
	}
}

func diagGen(t *testing.T, s *state, sc generative.Score) {
	p := s.proc
	n, steps, rho := envi("DIAG_N", 256), envi("DIAG_STEPS", 128), envf("DIAG_RHO", 2)
	t0 := envf("DIAG_T0", 1) * p.T
	m, err := generative.ParseMethod(env("DIAG_METHOD", "heun-sde"))
	if err != nil {
		t.Fatal(err)
	}
	times := generative.PowerTimes(t0, steps, rho)
	smp, err := generative.NewSampler(p, sc, m, times)
	if err != nil {
		t.Fatal(err)
	}
	M, V := p.Modes(), s.lat.Volume()
	out := make([]float64, n*V)
	pl := p.NewPlan()
	B := envi("DIAG_BATCH", 128)
	seed := uint64(envi("DIAG_SEED", 7))
	x := make([]complex128, B*M)
	x0 := make([]complex128, M)
	xi := make([]complex128, M)
	for b0, k := 0, 0; b0 < n; b0, k = b0+B, k+1 {
		nb := min(B, n-b0)
		rnd := rng.NewRand(seed, 99, uint64(k))
		xb := x[:nb*M]
		if envf("DIAG_T0", 1) >= 1 {
			generative.StartFields(p, xb, nb, nil, rnd)
		} else {
			// forward-noise reference fields to t0 (exact transition)
			for b := 0; b < nb; b++ {
				pl.ToModes(x0, s.ref.Field((b0+b)%s.ref.Len()))
				p.Noise(xi, rnd)
				p.Transition(xb[b*M:(b+1)*M], x0, xi, t0)
			}
		}
		if err := smp.Run(xb, nb, rnd); err != nil {
			t.Fatal(err)
		}
		for b := 0; b < nb; b++ {
			pl.ToField(out[(b0+b)*V:(b0+b+1)*V], xb[b*M:(b+1)*M])
		}
	}
	writeRaw(t, env("DIAG_OUT", "/tmp/p4/an/gen.raw"), out)
}
