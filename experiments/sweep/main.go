// Copyright ©2026 The rgflow Authors. All rights reserved.

// Command sweep runs a parameter study of an rgflow experiment on a Slurm
// cluster or on this machine, and merges its per-task files into one.
//
// Usage:
//
//	sweep slurm --config study.yaml [--out DIR] [--submit]
//	sweep local --config study.yaml [--out DIR] [-j N]
//	sweep merge --config study.yaml [--out DIR]
//
// A study is an experiment's configuration file with a sweep: section
// (package sweep): the experiment that runs the tasks, optionally a preset,
// the swept axes, replicas and Slurm settings, beside any fixed settings
// and the base seed:
//
//	seed: 20260101
//	out: results/m2-scan          # the study directory
//	flow:
//	  regulator: litim
//	sweep:
//	  experiment: freefield
//	  preset: quick
//	  axes:
//	    - key: field.m2
//	      values: [0.25, 0.5]
//	    - key: lattice.dims
//	      values: [[8, 8], [16, 16]]
//	  replicas: 2
//	  slurm: {time: "00:30:00", mem: 2G, cpus_per_task: 2, max_parallel: 16}
//
// Task n runs `<experiment> --config study.yaml --task n --out DIR
// --resume` and writes DIR/task-NNNN.h5 (see the experiment's --help and
// --list-tasks).
//
// slurm builds the experiment and this command once into DIR/bin, checks
// every task's configuration, and writes DIR/submit.sh, DIR/array.sbatch
// (one array task per sweep task, requeued after a checkpoint on USR1) and
// DIR/merge.sbatch (runs when every task has ended); --submit runs
// submit.sh. local runs the same tasks with the same files here, N at a
// time, then merges. merge writes DIR/study.h5: virtual datasets stacking
// each dataset of the tasks along a leading task axis, with the task
// coordinates (task, param_<key>, replica) in every group so that each
// group opens in xarray, and the summary table and task file names under
// /sweep; it refuses task files whose schema version
// or configuration does not fit the study, and exits non-zero naming every
// task that is missing or did not complete.
//
// Exit status: 0 done; 1 tasks failed or are missing, or a build or merge
// failed; 2 bad usage or study configuration; 3 interrupted (local: rerun
// the same command to continue). See docs/cli.md, "Running on a cluster
// (Slurm)".
package main

import (
	"context"
	"fmt"
	"io"
	"os"
)

func main() {
	// Parallel file systems (Lustre, GPFS, BeeGFS) often refuse the POSIX
	// locks libhdf5 1.10 takes on every open; the task files are written
	// by one process each and read here after they are closed, so the
	// locks protect nothing. The variable is read at every open.
	if _, ok := os.LookupEnv("HDF5_USE_FILE_LOCKING"); !ok {
		os.Setenv("HDF5_USE_FILE_LOCKING", "FALSE")
	}
	os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
}

// Exit codes.
const (
	exitOK          = 0
	exitFailed      = 1
	exitUsage       = 2
	exitInterrupted = 3
)

const usageText = `sweep — run a parameter study of an rgflow experiment on Slurm or here, and merge it

Usage:
  sweep slurm --config study.yaml [--out DIR] [--submit]   write (and submit) the Slurm job array and merge job
  sweep local --config study.yaml [--out DIR] [-j N]        run the tasks on this machine, N at a time, then merge
  sweep merge --config study.yaml [--out DIR]               gather DIR/task-*.h5 into DIR/study.h5

The study is an experiment configuration with a sweep: section (experiment,
preset, axes, replicas, slurm); out (or --out) is the study directory.
'sweep COMMAND --help' lists the flags of a command. Exit status: 0 done;
1 tasks failed or missing; 2 bad usage or configuration; 3 interrupted.
See docs/cli.md, "Running on a cluster (Slurm)".
`

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usageText)
		return exitUsage
	}
	switch args[0] {
	case "-h", "--help", "help":
		fmt.Fprint(stdout, usageText)
		return exitOK
	case "slurm":
		return cmdSlurm(ctx, args[1:], stdout, stderr)
	case "local":
		return cmdLocal(ctx, args[1:], stdout, stderr)
	case "merge":
		return cmdMerge(ctx, args[1:], stdout, stderr)
	}
	fmt.Fprintf(stderr, "sweep: unknown command %q (allowed: slurm, local, merge)\nRun 'sweep --help' for usage.\n", args[0])
	return exitUsage
}
