// Copyright ©2026 The rgflow Authors. All rights reserved.

package sweep

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"text/template"
)

// Quote returns s as one single-quoted POSIX shell word: the shell passes it
// through literally, whatever it contains.
func Quote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// directiveValue is what we allow inside an #SBATCH line. sbatch parses these
// lines itself, not the shell, so quoting does not protect them: instead the
// value must be plain.
var directiveValue = regexp.MustCompile(`^[A-Za-z0-9_./:+,=@%-]+$`)

func checkDirective(key, v string) error {
	if !directiveValue.MatchString(v) {
		return fmt.Errorf("%s = %q: #SBATCH values may only contain letters, digits and _ . / : + , = @ %% -", key, v)
	}
	return nil
}

func (s Slurm) validate() []string {
	var errs []string
	for _, kv := range [][2]string{
		{"sweep.slurm.partition", s.Partition},
		{"sweep.slurm.account", s.Account},
		{"sweep.slurm.time", s.Time},
		{"sweep.slurm.mem", s.Mem},
		{"sweep.slurm.merge_time", s.MergeTime},
	} {
		if kv[1] == "" {
			continue
		}
		if err := checkDirective(kv[0], kv[1]); err != nil {
			errs = append(errs, err.Error())
		}
	}
	if s.CPUsPerTask < 0 {
		errs = append(errs, fmt.Sprintf("sweep.slurm.cpus_per_task = %d: must be ≥ 1 (0 means the default)", s.CPUsPerTask))
	}
	if s.MaxParallel < 0 {
		errs = append(errs, fmt.Sprintf("sweep.slurm.max_parallel = %d: must be ≥ 1 (0 means the default)", s.MaxParallel))
	}
	if s.SignalLead < 0 {
		errs = append(errs, fmt.Sprintf("sweep.slurm.signal_lead = %d: seconds before the time limit, must be ≥ 0", s.SignalLead))
	}
	return errs
}

// withDefaults fills the empty fields of s from DefaultSlurm.
func (s Slurm) withDefaults() Slurm {
	d := DefaultSlurm
	if s.Time == "" {
		s.Time = d.Time
	}
	if s.Mem == "" {
		s.Mem = d.Mem
	}
	if s.CPUsPerTask == 0 {
		s.CPUsPerTask = d.CPUsPerTask
	}
	if s.MaxParallel == 0 {
		s.MaxParallel = d.MaxParallel
	}
	if s.SignalLead == 0 {
		s.SignalLead = d.SignalLead
	}
	if s.MergeTime == "" {
		s.MergeTime = d.MergeTime
	}
	return s
}

// Job describes the batch scripts of one study.
type Job struct {
	// Name is the Slurm job name.
	Name string
	// Experiment is the experiment the tasks run (a directory under
	// experiments/); its binary is Out/bin/<Experiment>.
	Experiment string
	// Config is the study's configuration file (an absolute path).
	Config string
	// Out is the study directory (an absolute path): task files, logs,
	// binaries (bin/), study.h5.
	Out string
	// Tasks is the number of array tasks.
	Tasks int
	// Interrupted is the exit code with which a run reports that it stopped
	// on a signal after writing a checkpoint; the array script requeues the
	// task on it.
	Interrupted int
	Slurm       Slurm
}

// Scripts are the files `sweep slurm` writes into the study directory.
type Scripts struct {
	Submit, Array, Merge string
}

// Render returns the submit, array and merge scripts of j, or an error if a
// value cannot be written safely.
func (j Job) Render() (Scripts, error) {
	sl := j.Slurm.withDefaults()
	var errs []string
	if msgs := sl.validate(); len(msgs) > 0 {
		errs = append(errs, msgs...)
	}
	if err := checkDirective("job name", j.Name); err != nil {
		errs = append(errs, err.Error())
	}
	if !validName(j.Experiment) {
		errs = append(errs, fmt.Sprintf("experiment = %q: must name a directory under experiments/ ([a-z0-9_])", j.Experiment))
	}
	// Log paths appear in #SBATCH --output, so they must be plain.
	if err := checkDirective("study directory", j.Out); err != nil {
		errs = append(errs, err.Error())
	}
	if !strings.HasPrefix(j.Out, "/") {
		errs = append(errs, fmt.Sprintf("study directory %q: must be an absolute path (jobs start elsewhere)", j.Out))
	}
	if strings.ContainsAny(j.Config, "\x00\n\r") {
		errs = append(errs, fmt.Sprintf("config path %q contains a control character", j.Config))
	}
	if !strings.HasPrefix(j.Config, "/") {
		errs = append(errs, fmt.Sprintf("config path %q: must be an absolute path (jobs start elsewhere)", j.Config))
	}
	if j.Tasks < 1 {
		errs = append(errs, fmt.Sprintf("the sweep has %d tasks: need at least 1", j.Tasks))
	}
	if len(errs) > 0 {
		return Scripts{}, fmt.Errorf("cannot write the Slurm scripts:\n  %s", strings.Join(errs, "\n  "))
	}
	data := map[string]any{
		"Name":        j.Name,
		"Last":        j.Tasks - 1,
		"Tasks":       j.Tasks,
		"S":           sl,
		"Out":         j.Out,
		"QOut":        Quote(j.Out),
		"QConfig":     Quote(j.Config),
		"QBin":        Quote(j.Out + "/bin/" + j.Experiment),
		"QSweep":      Quote(j.Out + "/bin/sweep"),
		"QArray":      Quote(j.Out + "/array.sbatch"),
		"QMerge":      Quote(j.Out + "/merge.sbatch"),
		"Interrupted": j.Interrupted,
	}
	var out Scripts
	for _, r := range []struct {
		dst *string
		t   *template.Template
	}{{&out.Submit, submitTmpl}, {&out.Array, arrayTmpl}, {&out.Merge, mergeTmpl}} {
		var b bytes.Buffer
		if err := r.t.Execute(&b, data); err != nil {
			return Scripts{}, err
		}
		*r.dst = b.String()
	}
	return out, nil
}

// The merge job depends on the array with afterany, not afterok: it runs
// once every task has ended, whatever the outcome, and reports missing and
// failed tasks (exiting non-zero) instead of waiting forever on a
// dependency that a single failed task made unsatisfiable. A task that
// requeues itself is pending again, not ended, so the merge waits for it.
var submitTmpl = template.Must(template.New("submit").Parse(`#!/bin/bash
# Submits the task array and the merge job that runs when every task has
# ended. Written by 'sweep slurm', which built the binaries in bin/ and
# checked every task's configuration. Safe to rerun: complete tasks are
# skipped, interrupted or killed ones resume from their checkpoints.
set -euo pipefail
cd {{.QOut}}
mkdir -p logs
jid=$(sbatch --parsable {{.QArray}})
jid=${jid%%;*}
mid=$(sbatch --parsable --dependency=afterany:"$jid" {{.QMerge}})
mid=${mid%%;*}
echo "$jid" > array.jobid
echo "$mid" > merge.jobid
echo "submitted array job $jid ({{.Tasks}} tasks) and merge job $mid"
echo "logs: {{.Out}}/logs/   merged file when done: {{.Out}}/study.h5"
`))

var arrayTmpl = template.Must(template.New("array").Parse(`#!/bin/bash
#SBATCH --job-name={{.Name}}
#SBATCH --array=0-{{.Last}}%{{.S.MaxParallel}}
#SBATCH --output={{.Out}}/logs/%x_%A_%a.out
#SBATCH --open-mode=append
#SBATCH --signal=USR1@{{.S.SignalLead}}
#SBATCH --requeue
#SBATCH --time={{.S.Time}}
#SBATCH --mem={{.S.Mem}}
#SBATCH --cpus-per-task={{.S.CPUsPerTask}}
{{- if .S.Partition}}
#SBATCH --partition={{.S.Partition}}
{{- end}}
{{- if .S.Account}}
#SBATCH --account={{.S.Account}}
{{- end}}
# One task of the sweep. USR1 (sent {{.S.SignalLead}} s before the time limit, or
# by 'scancel --signal=USR1 JOB_TASK') goes to the job step, that is to the
# run under srun; it checkpoints and exits {{.Interrupted}}, and this script
# requeues the task, which resumes from the checkpoint (--resume). A task
# whose file is complete exits at once.
set -uo pipefail
export HDF5_USE_FILE_LOCKING=FALSE
export OMP_NUM_THREADS=${SLURM_CPUS_PER_TASK:-1} OPENBLAS_NUM_THREADS=1
task=${SLURM_ARRAY_TASK_ID:?this script runs as a Slurm array task}
echo "task $task: job ${SLURM_ARRAY_JOB_ID}_${task} on $(hostname), start $(date -u +%FT%TZ), restart ${SLURM_RESTART_COUNT:-0}" >&2
srun --ntasks=1 --cpus-per-task="${SLURM_CPUS_PER_TASK:-1}" {{.QBin}} --config {{.QConfig}} --task "$task" --out {{.QOut}} --resume --log-format json
rc=$?
if [ "$rc" -eq {{.Interrupted}} ]; then
  echo "task $task stopped on a signal after checkpointing; requeueing it" >&2
  scontrol requeue "${SLURM_ARRAY_JOB_ID}_${task}" && exit 0
  echo "task $task: requeue failed; resubmit (submit.sh) to continue it" >&2
fi
exit "$rc"
`))

var mergeTmpl = template.Must(template.New("merge").Parse(`#!/bin/bash
#SBATCH --job-name={{.Name}}-merge
#SBATCH --output={{.Out}}/logs/%x_%j.out
#SBATCH --time={{.S.MergeTime}}
#SBATCH --mem={{.S.Mem}}
#SBATCH --cpus-per-task=1
{{- if .S.Partition}}
#SBATCH --partition={{.S.Partition}}
{{- end}}
{{- if .S.Account}}
#SBATCH --account={{.S.Account}}
{{- end}}
# Gathers the task files into {{.Out}}/study.h5; exits non-zero, naming
# them, if any task is missing or did not complete.
set -euo pipefail
export HDF5_USE_FILE_LOCKING=FALSE
exec {{.QSweep}} merge --config {{.QConfig}} --out {{.QOut}} --bin {{.QBin}}
`))
