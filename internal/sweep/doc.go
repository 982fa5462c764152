// Copyright ©2026 The rgflow Authors. All rights reserved.

// Package sweep runs parameter studies: it turns the `sweep:` section of a
// study configuration into numbered tasks, tasks into Slurm batch scripts,
// and the tasks' files into one merged file. The command line (package
// cli) runs one task (--task N), the sweep command (experiments/sweep) runs
// them all on Slurm or locally and merges their files with Merge.
//
// # Tasks
//
// A sweep lists parameter axes, each a configuration key with a list of
// values or a numeric range (Start to Stop inclusive, Num values, evenly or
// geometrically spaced, the endpoint exact). Their Cartesian product is
// numbered row-major — the first axis outermost, the last varying fastest —
// and every point is repeated Replicas times: task n runs point
// n / Replicas, replica n % Replicas.
//
// A task's configuration is the study's with the point's values applied as
// `--set key=value` overrides, its seed is Point.Seed(base): a function of
// the study's base seed, the point and the replica (never of the task
// number, so adding replicas or appending values to the first axis leaves
// the seeds of existing runs unchanged), and its file is TaskFile(n) in the
// study directory. The keys seed and out cannot be swept. The task's file
// stores its resolved configuration, so it is reproducible from the file
// alone.
//
// Values are kept as the configuration file gave them — numbers, strings,
// booleans, lists for list-valued keys — and rendered by Format as the YAML
// text that --set parses back to the same value: 0.1 stays 0.1, 1e-05 stays
// 1e-05, [8, 8] stays a list.
//
// # Batch scripts
//
// Job.Render writes three scripts into the study directory. array.sbatch is
// one Slurm array task per sweep task (--array=0-N%K, logs %x_%A_%a
// appended across requeues, --requeue, --signal=USR1@lead) that runs the
// experiment binary under srun with --task, --out and --resume: USR1 goes
// to the job step, the run checkpoints and exits with Job.Interrupted, and
// the script requeues the task, which resumes from the checkpoint; a task
// whose file is complete exits at once. merge.sbatch runs `sweep merge`.
// submit.sh submits the array and the merge job with --dependency=afterany
// on it: the merge runs when every task has ended, whatever the outcome,
// and reports the failed ones, rather than waiting forever behind an
// unsatisfiable afterok; a requeued task is pending, not ended, so the
// merge waits for its rerun.
//
// # Merging
//
// Merge checks every task file against the study — schema version,
// experiment, the task's place in the sweep (the root attributes Attr*)
// and its stored configuration, which may differ from task 0's only in the
// swept keys, seed and out — and refuses the merge (RefusedError) when one
// does not fit. It then writes StudyFile: each dataset that every complete
// task has with one type and shape becomes a virtual dataset with a
// leading task axis over the task files (the slabs of incomplete tasks
// read as fill values, NaN for floats); a coordinate alike in every task
// is written once, one that differs is stacked as <name>_by_task; every
// group with stacked datasets gets the task coordinates param_<key> and
// replica, so that it opens alone in xarray; /sweep holds the task axis,
// each task's point, replica, seed and state, the swept values under
// /sweep/params, and the task table. docs/hdf5-schema.md, "Merged sweep
// files", describes the layout.
//
// # Shell safety
//
// Values that reach a script are either single-quoted with Quote (paths,
// configuration files) or checked against a strict character set (#SBATCH
// directive values, which sbatch parses itself, where quoting does not
// protect): a hostile string in a configuration is refused, never run.
package sweep
