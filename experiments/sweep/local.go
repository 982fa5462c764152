// Copyright ©2026 The rgflow Authors. All rights reserved.

package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"time"

	"rgflow/internal/cli"
)

func cmdLocal(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	var c common
	var jobs int
	var merge bool
	fs := c.flags("local")
	fs.IntVarP(&jobs, "jobs", "j", runtime.NumCPU(), "tasks run at once")
	fs.BoolVar(&merge, "merge", true, "merge the task files into study.h5 when the tasks have ended")
	const use = "sweep local --config study.yaml [--out DIR] [-j N]"
	if code, done := parse(fs, args, stdout, stderr, use, &c); done {
		return code
	}
	if jobs < 1 {
		fmt.Fprintf(stderr, "sweep local: -j %d: allowed ≥ 1\n", jobs)
		return exitUsage
	}
	s, err := loadStudy(c)
	if err != nil {
		return fail(stderr, err)
	}
	table, err := s.prepare(ctx, stderr)
	if err != nil {
		return fail(stderr, err)
	}
	head, _, _ := strings.Cut(table, "\n")
	fmt.Fprintf(stderr, "sweep: %s\n", head)
	code := s.local(ctx, jobs, stderr)
	if code == exitInterrupted || !merge {
		return code
	}
	return max(code, s.merge(ctx, stdout, stderr))
}

// local runs every task of the study as a child process of the experiment
// binary, jobs at a time, with the command line of the Slurm array script
// (so a complete task is skipped and an interrupted one resumes). SIGINT
// and SIGTERM are passed on once to the running tasks, which checkpoint and
// stop; no new task starts. It returns 0 when every task completed, 3 when
// interrupted, 1 otherwise.
func (s *study) local(ctx context.Context, jobs int, stderr io.Writer) int {
	logs := filepath.Join(s.dir, "logs")
	if err := os.MkdirAll(logs, 0o755); err != nil {
		fmt.Fprintf(stderr, "sweep: %v\n", err)
		return exitFailed
	}
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	var mu sync.Mutex
	running := map[int]*exec.Cmd{}
	stopping := false
	go func() {
		select {
		case sig := <-sigs:
			mu.Lock()
			stopping = true
			fmt.Fprintf(stderr, "sweep: %v: stopping the %d running tasks at their next checkpoint\n", sig, len(running))
			for _, cmd := range running {
				cmd.Process.Signal(sig)
			}
			mu.Unlock()
		case <-ctx.Done():
		}
	}()

	n := s.spec.Len()
	procs := max(1, runtime.NumCPU()/jobs)
	todo := make(chan int)
	codes := make([]int, n)
	var wg sync.WaitGroup
	var done int
	for range min(jobs, n) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for t := range todo {
				codes[t] = s.runTask(t, procs, logs, &mu, running, &stopping)
				mu.Lock()
				done++
				fmt.Fprintf(stderr, "sweep: task %d: %s [%d/%d]\n", t, describe(codes[t]), done, n)
				mu.Unlock()
			}
		}()
	}
	for t := range n {
		mu.Lock()
		stop := stopping
		mu.Unlock()
		if stop {
			codes[t] = -1
			continue
		}
		todo <- t
	}
	close(todo)
	wg.Wait()
	cancel()

	var failed, interrupted, notRun []int
	for t, c := range codes {
		switch {
		case c == -1:
			notRun = append(notRun, t)
		case c == cli.ExitInterrupted:
			interrupted = append(interrupted, t)
		case c != 0:
			failed = append(failed, t)
		}
	}
	switch {
	case len(interrupted)+len(notRun) > 0:
		fmt.Fprintf(stderr, "sweep: interrupted: tasks %v stopped after a checkpoint, %v not started; rerun the same command to continue\n", interrupted, notRun)
		return exitInterrupted
	case len(failed) > 0:
		fmt.Fprintf(stderr, "sweep: tasks %v failed: see %s/local-task-NNNN.out\n", failed, logs)
		return exitFailed
	}
	fmt.Fprintf(stderr, "sweep: all %d tasks complete\n", n)
	return exitOK
}

func describe(code int) string {
	switch code {
	case 0:
		return "complete"
	case cli.ExitInterrupted:
		return "interrupted after a checkpoint"
	case cli.ExitUsage:
		return "refused its configuration (exit 2)"
	case -1:
		return "not started"
	}
	return fmt.Sprintf("failed (exit %d)", code)
}

// runTask runs task t to its end, logging to logs/local-task-NNNN.out.
func (s *study) runTask(t, procs int, logs string, mu *sync.Mutex, running map[int]*exec.Cmd, stopping *bool) int {
	log, err := os.OpenFile(filepath.Join(logs, fmt.Sprintf("local-task-%04d.out", t)), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return exitFailed
	}
	defer log.Close()
	fmt.Fprintf(log, "task %d: start %s\n", t, time.Now().UTC().Format(time.RFC3339))
	cmd := exec.Command(s.bin, s.taskArgs(t)...)
	extra := []string{fmt.Sprintf("OMP_NUM_THREADS=%d", procs)}
	if os.Getenv("GOMAXPROCS") == "" {
		extra = append(extra, fmt.Sprintf("GOMAXPROCS=%d", procs))
	}
	cmd.Env = taskEnv(extra)
	cmd.Stdout, cmd.Stderr = log, log
	// Its own process group: a Ctrl-C on the terminal reaches this command
	// only, which passes it on once (a second SIGINT would make the task
	// exit at once, without a checkpoint).
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	mu.Lock()
	if *stopping {
		mu.Unlock()
		return -1
	}
	err = cmd.Start()
	if err == nil {
		running[t] = cmd
	}
	mu.Unlock()
	if err != nil {
		fmt.Fprintf(log, "task %d: cannot start %s: %v\n", t, s.bin, err)
		return exitFailed
	}
	cmd.Wait()
	mu.Lock()
	delete(running, t)
	mu.Unlock()
	code := cmd.ProcessState.ExitCode()
	fmt.Fprintf(log, "task %d: exit %d %s\n", t, code, time.Now().UTC().Format(time.RFC3339))
	return code
}
