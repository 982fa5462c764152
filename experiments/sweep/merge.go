// Copyright ©2026 The rgflow Authors. All rights reserved.

package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"rgflow/internal/sweep"
)

func cmdMerge(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	var c common
	fs := c.flags("merge")
	const use = "sweep merge --config study.yaml [--out DIR] [--bin EXPERIMENT]"
	if code, done := parse(fs, args, stdout, stderr, use, &c); done {
		return code
	}
	s, err := loadStudy(c)
	if err != nil {
		return fail(stderr, err)
	}
	if s.source != "" {
		// The experiment resolves the expected configuration of the
		// tasks; build it unless the study directory has it.
		if _, err := os.Stat(s.bin); err != nil {
			if _, err := s.prepare(ctx, stderr); err != nil {
				return fail(stderr, err)
			}
		}
	}
	return s.merge(ctx, stdout, stderr)
}

// merge checks the task files against the study and writes study.h5
// (sweep.Merge), and reports the tasks that are not complete.
func (s *study) merge(ctx context.Context, stdout, stderr io.Writer) int {
	task0, err := s.exp(ctx, "--task", "0", "--print-config")
	if err != nil {
		return fail(stderr, usageError{fmt.Errorf("cannot resolve the configuration of task 0: %v", err)})
	}
	conf, err := os.ReadFile(s.config)
	if err != nil {
		return fail(stderr, err)
	}
	m, err := sweep.Merge(sweep.Study{Spec: s.spec, Dir: s.dir, Config: conf, Task0: task0})
	var refused *sweep.RefusedError
	if errors.As(err, &refused) {
		fmt.Fprintf(stderr, "sweep merge: %v\n", err)
		return exitFailed
	}
	if err != nil {
		return fail(stderr, err)
	}
	fmt.Fprintf(stdout, "merged %d of %d tasks into %s: %d datasets stacked along the task axis, %d coordinates alike in every task written once", m.Complete(), len(m.Tasks), m.Path, m.Stacked, m.Coords)
	if len(m.Unstacked) > 0 {
		fmt.Fprintf(stdout, ", %d not stacked (see /sweep attribute unstacked)", len(m.Unstacked))
	}
	fmt.Fprintln(stdout)
	if problems := m.Incomplete(); len(problems) > 0 {
		fmt.Fprintf(stderr, "sweep merge: %d of %d tasks are not complete (their slabs read as fill values, NaN for floats):\n  %s\n",
			len(problems), len(m.Tasks), strings.Join(problems, "\n  "))
		return exitFailed
	}
	return exitOK
}
