// Copyright ©2026 The rgflow Authors. All rights reserved.

// Package cli is the command line every rgflow experiment shares: flags,
// configuration, logging, progress, signals, the run's HDF5 file,
// checkpoints and resumption, and plots.
//
// # A main
//
// An experiment main is a thin shell over library code:
//
//	func main() { os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr)) }
//
//	func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
//		return cli.Main(ctx, args, stdout, stderr, experiment)
//	}
//
// where experiment is a cli.Experiment[Config]: a name, a summary, the
// defaults of the experiment's configuration struct (see package config)
// and the function that does the work, func(ctx, *cli.Run, Config) error.
//
// # What Main does
//
// Main parses the common flags, resolves the configuration (defaults <
// --from/--resume stored configuration < --config files < RGFLOW_ environment
// < --set and the shorthand flags), validates it, creates the HDF5 file (or
// reopens it with --resume), stores the resolved configuration and seed at
// its root, runs the experiment, and marks the file complete, failed or
// interrupted. It returns the exit code:
//
//	0  the run completed (or -h, --print-config, --version)
//	1  the run failed; the file's status is "failed" and its error attribute says why
//	2  bad usage or configuration: nothing was run
//	3  interrupted by SIGINT, SIGTERM or SIGUSR1 after writing a checkpoint;
//	   the same command with --resume continues the run
//
// # Signals and resumption
//
// SIGINT, SIGTERM and SIGUSR1 (Slurm's warning signal, --signal=USR1@90)
// cancel the context passed to the experiment. The experiment calls
// Run.SafePoint at places where its state is consistent; there, SafePoint
// saves a checkpoint when one is due (every --checkpoint-every) or when the
// run is stopping, and returns ErrInterrupted when it is stopping. The
// state is plain data (h5io.Checkpoint: PCG states, float64 arrays, int64
// counters), and extendible datasets roll back to their checkpointed length
// on --resume, so a resumed run writes the same bits as an uninterrupted
// run with the same seed, as long as the experiment draws its random
// numbers from streams derived from labels (internal/rng), never from
// scheduling.
//
// # Sweeps
//
// Every experiment accepts a `sweep:` section in its configuration files
// (package sweep: axes of values or ranges, replicas, the experiment's
// name, an optional preset, Slurm settings). An ordinary run ignores it.
// --task N (or $SLURM_ARRAY_TASK_ID, when the configuration has a sweep)
// runs task N: the study's configuration with the point's values applied
// as --set overrides, seed = sweep.Point.Seed(base seed), where the base
// seed is the study's seed (which must not be 0). With --task, out names
// the study directory (a name ending in .h5 is refused) and the run writes
// <out>/task-NNNN.h5, with root attributes sweep_task, sweep_point,
// sweep_replica, sweep_tasks, sweep_base_seed and sweep_keys, sweep_values
// (JSON lists of strings). The stored configuration is the task's own,
// without the sweep section, so --from repeats the task from its file.
// With --resume a task whose file is complete (with the same
// configuration) is skipped with exit 0, a missing file starts the task,
// and an interrupted or killed one resumes from its checkpoint: the array
// script of `sweep slurm` always passes --resume. --list-tasks prints the
// task table and checks the configuration of every point.
//
// # Output
//
// On a terminal, stages show progress bars with rate and ETA, and log lines
// are short text; otherwise every line is a structured log/slog record
// (text or JSON, --log-format) carrying step, rate and the figures the
// experiment reports. --quiet keeps only warnings and errors. With --plots
// (the default on a terminal), Run.PlotPath names PNG files beside the HDF5
// file and LinePlot draws them with gonum/plot.
package cli
