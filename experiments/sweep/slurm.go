// Copyright ©2026 The rgflow Authors. All rights reserved.

package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/spf13/pflag"

	"rgflow/internal/cli"
	"rgflow/internal/sweep"
)

func cmdSlurm(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	var c common
	var submit bool
	fs := c.flags("slurm")
	fs.BoolVar(&submit, "submit", false, "run submit.sh once the scripts are written")
	const use = "sweep slurm --config study.yaml [--out DIR] [--submit]"
	if code, done := parse(fs, args, stdout, stderr, use, &c); done {
		return code
	}
	s, err := loadStudy(c)
	if err != nil {
		return fail(stderr, err)
	}
	scripts, err := s.slurm(ctx, stdout, stderr)
	if err != nil {
		return fail(stderr, err)
	}
	if !submit {
		fmt.Fprintf(stdout, "submit with:\n  %s\n", scripts)
		return exitOK
	}
	cmd := exec.CommandContext(ctx, "bash", scripts)
	cmd.Stdout, cmd.Stderr = stdout, stderr
	if err := cmd.Run(); err != nil {
		fmt.Fprintf(stderr, "sweep: %s: %v\n", scripts, err)
		return exitFailed
	}
	return exitOK
}

// parse parses the flags of a command; done says that the command must
// return code now (help, bad flags).
func parse(fs *pflag.FlagSet, args []string, stdout, stderr io.Writer, use string, c *common) (code int, done bool) {
	fs.SetOutput(io.Discard)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			printFlags(stdout, fs, use)
			return exitOK, true
		}
		fmt.Fprintf(stderr, "%s: %v\nUsage: %s\n", fs.Name(), err, use)
		return exitUsage, true
	}
	if c.help {
		printFlags(stdout, fs, use)
		return exitOK, true
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "%s: unexpected argument %q\nUsage: %s\n", fs.Name(), fs.Arg(0), use)
		return exitUsage, true
	}
	return 0, false
}

func fail(stderr io.Writer, err error) int {
	fmt.Fprintf(stderr, "sweep: %v\n", err)
	return codeOf(err)
}

// slurm builds the binaries, checks the study and writes the scripts; it
// returns the path of submit.sh.
func (s *study) slurm(ctx context.Context, stdout, stderr io.Writer) (string, error) {
	name := s.spec.Name
	if name == "" {
		name = s.spec.Experiment
	}
	job := sweep.Job{Name: name, Experiment: s.spec.Experiment, Config: s.config, Out: s.dir,
		Tasks: s.spec.Len(), Interrupted: cli.ExitInterrupted, Slurm: s.spec.Slurm}
	// Render first: a study directory or setting that cannot go into a
	// script is refused before anything is built.
	scripts, err := job.Render()
	if err != nil {
		return "", usageError{err}
	}
	if err := os.MkdirAll(filepath.Join(s.dir, "logs"), 0o755); err != nil {
		return "", err
	}
	self := filepath.Join(s.dir, "bin", "sweep")
	if s.source != "" {
		if err := build(ctx, s.source, "./experiments/sweep", self, stderr); err != nil {
			return "", err
		}
	} else if err := copySelf(self); err != nil {
		return "", err
	}
	bin := filepath.Join(s.dir, "bin", s.spec.Experiment)
	if s.source == "" && s.bin != bin {
		// --bin: the jobs run a copy in the study directory, so the binary
		// they run cannot change under them.
		if err := copyFile(s.bin, bin); err != nil {
			return "", err
		}
		s.bin = bin
	}
	table, err := s.prepare(ctx, stderr)
	if err != nil {
		return "", err
	}
	for _, f := range []struct{ name, body string }{
		{"submit.sh", scripts.Submit}, {"array.sbatch", scripts.Array}, {"merge.sbatch", scripts.Merge},
	} {
		if err := os.WriteFile(filepath.Join(s.dir, f.name), []byte(f.body), 0o755); err != nil {
			return "", err
		}
	}
	head, _, _ := strings.Cut(table, "\n")
	fmt.Fprintf(stdout, "%s\nwrote %s/{submit.sh,array.sbatch,merge.sbatch}; the task table is in %s/tasks.txt\n", head, s.dir, s.dir)
	if err := os.WriteFile(filepath.Join(s.dir, "tasks.txt"), []byte(table), 0o644); err != nil {
		return "", err
	}
	return filepath.Join(s.dir, "submit.sh"), nil
}

func copySelf(dst string) error {
	self, err := os.Executable()
	if err != nil {
		return err
	}
	return copyFile(self, dst)
}

// copyFile copies an executable, replacing dst by rename so that a running
// copy is never rewritten in place.
func copyFile(src, dst string) error {
	b, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	tmp := dst + ".tmp"
	if err := os.WriteFile(tmp, b, 0o755); err != nil {
		return err
	}
	return os.Rename(tmp, dst)
}
