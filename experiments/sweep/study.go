// Copyright ©2026 The rgflow Authors. All rights reserved.

package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/spf13/pflag"
	"github.com/spf13/viper"

	"rgflow/internal/cli"
	"rgflow/internal/config"
	"rgflow/internal/sweep"
)

// common are the flags every command has.
type common struct {
	config string
	out    string
	bin    string
	source string
	help   bool
}

func (c *common) flags(name string) *pflag.FlagSet {
	fs := pflag.NewFlagSet("sweep "+name, pflag.ContinueOnError)
	fs.SortFlags = false
	fs.Usage = func() {}
	fs.StringVar(&c.config, "config", "", "the study: an experiment configuration file (YAML or TOML) with a sweep: section")
	fs.StringVar(&c.out, "out", "", "the study directory (default: the study's out key): task files, logs, bin/, study.h5")
	fs.StringVar(&c.bin, "bin", "", "use this experiment binary instead of building ./experiments/<sweep.experiment> into DIR/bin")
	fs.StringVar(&c.source, "source", "", "the rgflow source tree to build from (default: the module around the working directory)")
	fs.BoolVarP(&c.help, "help", "h", false, "show this help and exit")
	return fs
}

func printFlags(w io.Writer, fs *pflag.FlagSet, usage string) {
	fmt.Fprintf(w, "Usage:\n  %s\n\nFlags:\n%s", usage, fs.FlagUsagesWrapped(100))
}

// usageError is an error in the command line or the study configuration:
// nothing was run.
type usageError struct{ error }

func codeOf(err error) int {
	var u usageError
	if errors.As(err, &u) {
		return exitUsage
	}
	return exitFailed
}

// study is a resolved study: its configuration, sweep and directory.
type study struct {
	config string // absolute path of the study configuration
	spec   sweep.Spec
	dir    string // absolute study directory
	bin    string // the experiment binary
	source string // the source tree ("" when --bin was given)
}

// loadStudy reads the study's sweep section and directory.
func loadStudy(c common) (*study, error) {
	if c.config == "" {
		return nil, usageError{errors.New("--config: give the study configuration (an experiment configuration with a sweep: section)")}
	}
	abs, err := filepath.Abs(c.config)
	if err != nil {
		return nil, usageError{err}
	}
	if _, err := os.Stat(abs); err != nil {
		return nil, usageError{fmt.Errorf("--config: %w", err)}
	}
	s := &study{config: abs}
	found, err := config.Section([]string{abs}, cli.SweepSection, &s.spec)
	if err != nil {
		return nil, usageError{err}
	}
	if !found {
		return nil, usageError{fmt.Errorf("%s has no sweep: section (sweep.experiment, sweep.axes, …): see 'sweep --help'", c.config)}
	}
	if err := s.spec.Validate(); err != nil {
		return nil, usageError{err}
	}
	dir := c.out
	if dir == "" {
		v := viper.New()
		v.SetConfigFile(abs)
		if err := v.ReadInConfig(); err != nil {
			return nil, usageError{fmt.Errorf("config: %s: %w", c.config, err)}
		}
		dir = v.GetString("out")
	}
	if dir == "" {
		return nil, usageError{errors.New("no study directory: set out: DIR in the study configuration, or give --out DIR")}
	}
	if strings.EqualFold(filepath.Ext(dir), ".h5") {
		return nil, usageError{fmt.Errorf("out = %q: the study directory holds task-NNNN.h5 and study.h5; give a directory name", dir)}
	}
	if s.dir, err = filepath.Abs(dir); err != nil {
		return nil, usageError{err}
	}
	if c.bin != "" {
		if s.bin, err = filepath.Abs(c.bin); err != nil {
			return nil, usageError{err}
		}
		if _, err := os.Stat(s.bin); err != nil {
			return nil, usageError{fmt.Errorf("--bin: %w", err)}
		}
		return s, nil
	}
	s.source = c.source
	if s.source == "" {
		if s.source, err = moduleRoot(); err != nil {
			return nil, usageError{err}
		}
	}
	s.bin = filepath.Join(s.dir, "bin", s.spec.Experiment)
	return s, nil
}

// moduleRoot finds the rgflow module around the working directory.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		b, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil && strings.HasPrefix(strings.TrimSpace(string(b)), "module rgflow\n") {
			return dir, nil
		}
		up := filepath.Dir(dir)
		if up == dir {
			return "", errors.New("not inside the rgflow source tree: run from it, or give --source DIR or a built experiment with --bin")
		}
		dir = up
	}
}

// build compiles the package pkg of the source tree into dst, stamping the
// version and revision as the Makefile does.
func build(ctx context.Context, source, pkg, dst string, stderr io.Writer) error {
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	ver := "0.0.0-dev"
	if b, err := os.ReadFile(filepath.Join(source, "VERSION")); err == nil {
		ver = strings.TrimSpace(string(b))
	}
	rev := "unknown"
	if out, err := exec.CommandContext(ctx, "git", "-C", source, "rev-parse", "--short=12", "HEAD").Output(); err == nil {
		rev = strings.TrimSpace(string(out))
		if exec.CommandContext(ctx, "git", "-C", source, "diff", "--quiet", "HEAD").Run() != nil {
			rev += "-dirty"
		}
	}
	cmd := exec.CommandContext(ctx, "go", "build", "-ldflags",
		"-X rgflow/internal/buildinfo.Version="+ver+" -X rgflow/internal/buildinfo.Revision="+rev, "-o", dst, pkg)
	cmd.Dir = source
	var msg bytes.Buffer
	cmd.Stdout, cmd.Stderr = &msg, &msg
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go build %s: %v\n%s", pkg, err, msg.String())
	}
	return nil
}

// prepare builds the experiment (unless --bin) and has it check the study:
// --list-tasks resolves every point's configuration. It returns the task
// table.
func (s *study) prepare(ctx context.Context, stderr io.Writer) (string, error) {
	if s.source != "" {
		fmt.Fprintf(stderr, "sweep: building %s into %s\n", s.spec.Experiment, s.bin)
		if _, err := os.Stat(filepath.Join(s.source, "experiments", s.spec.Experiment)); err != nil {
			return "", usageError{fmt.Errorf("sweep.experiment = %q: no such experiment in %s/experiments", s.spec.Experiment, s.source)}
		}
		if err := build(ctx, s.source, "./experiments/"+s.spec.Experiment, s.bin, stderr); err != nil {
			return "", err
		}
	}
	out, err := s.exp(ctx, "--list-tasks")
	if err != nil {
		return "", usageError{fmt.Errorf("the study does not check out with %s:\n%v", s.spec.Experiment, err)}
	}
	return out, nil
}

// exp runs the experiment binary with the study's configuration and
// directory and the extra arguments, and returns its standard output.
func (s *study) exp(ctx context.Context, extra ...string) (string, error) {
	args := append([]string{"--config", s.config, "--out", s.dir}, extra...)
	cmd := exec.CommandContext(ctx, s.bin, args...)
	cmd.Env = taskEnv(nil)
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	if err := cmd.Run(); err != nil {
		return o.String(), fmt.Errorf("%s %s: %v\n%s", filepath.Base(s.bin), strings.Join(extra, " "), err, strings.TrimSpace(e.String()))
	}
	return o.String(), nil
}

// taskArgs is the command line of task n, the same in the Slurm array
// script and in local runs.
func (s *study) taskArgs(n int) []string {
	return []string{"--config", s.config, "--task", fmt.Sprint(n), "--out", s.dir, "--resume", "--log-format", "json"}
}

// taskEnv is the environment of the experiment's runs: this one without
// $SLURM_ARRAY_TASK_ID (the task is always given with --task), with the
// settings of the array script, plus extra.
func taskEnv(extra []string) []string {
	var env []string
	for _, e := range os.Environ() {
		k, _, _ := strings.Cut(e, "=")
		switch k {
		case cli.TaskEnv, "HDF5_USE_FILE_LOCKING", "OPENBLAS_NUM_THREADS":
			continue
		}
		env = append(env, e)
	}
	env = append(env, "HDF5_USE_FILE_LOCKING=FALSE", "OPENBLAS_NUM_THREADS=1")
	return append(env, extra...)
}
