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
	return s
}

// Job describes the batch scripts of one study.
type Job struct {
	// Name is the Slurm job name.
	Name string
	// Experiment is the experiment the tasks run (a directory under
	// experiments/).
	Experiment string
	// Source is the repository the binaries are built from.
	Source string
	// Config is the study's configuration file.
	Config string
	// Out is the study directory: task files, logs, binaries, study.h5.
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
	if !validKey(j.Experiment) || strings.Contains(j.Experiment, ".") {
		errs = append(errs, fmt.Sprintf("experiment = %q: must name a directory under experiments/ ([a-z0-9_])", j.Experiment))
	}
	// Log paths appear in #SBATCH --output, so they must be plain.
	if err := checkDirective("output directory", j.Out); err != nil {
		errs = append(errs, err.Error())
	}
	for _, kv := range [][2]string{{"source", j.Source}, {"config", j.Config}} {
		if strings.ContainsAny(kv[1], "\x00\n\r") {
			errs = append(errs, fmt.Sprintf("%s path %q contains a control character", kv[0], kv[1]))
		}
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
		"QSource":     Quote(j.Source),
		"QConfig":     Quote(j.Config),
		"QBin":        Quote(j.Out + "/bin/" + j.Experiment),
		"QSweep":      Quote(j.Out + "/bin/sweep"),
		"QArray":      Quote(j.Out + "/array.sbatch"),
		"QMerge":      Quote(j.Out + "/merge.sbatch"),
		"Experiment":  j.Experiment,
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

var submitTmpl = template.Must(template.New("submit").Parse(`#!/bin/bash
# Builds the binaries once, submits the task array and chains the merge job.
# Written by 'sweep slurm'; safe to rerun: finished tasks are skipped.
set -euo pipefail
cd {{.QSource}}
mkdir -p {{.QOut}}/bin {{.QOut}}/logs
go build -o {{.QBin}} ./experiments/{{.Experiment}}
go build -o {{.QSweep}} ./experiments/sweep
jid=$(sbatch --parsable {{.QArray}})
jid=${jid%%;*}
mid=$(sbatch --parsable --dependency=afterok:"$jid" {{.QMerge}})
mid=${mid%%;*}
echo "submitted array job $jid ({{.Tasks}} tasks) and merge job $mid"
echo "$jid" > {{.QOut}}/array.jobid
echo "$mid" > {{.QOut}}/merge.jobid
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
# by 'scancel --signal=USR1') reaches the run through srun; it checkpoints and
# exits {{.Interrupted}}, and this script requeues the task, which resumes.
set -uo pipefail
export HDF5_USE_FILE_LOCKING=FALSE
export OMP_NUM_THREADS=${SLURM_CPUS_PER_TASK:-1} OPENBLAS_NUM_THREADS=1
task=${SLURM_ARRAY_TASK_ID:?this script runs as a Slurm array task}
srun --ntasks=1 {{.QBin}} --config {{.QConfig}} --task "$task" --out {{.QOut}} --resume --log-format json
rc=$?
if [ "$rc" -eq {{.Interrupted}} ]; then
  echo "task $task stopped on a signal after checkpointing; requeueing" >&2
  scontrol requeue "${SLURM_ARRAY_JOB_ID}_${task}"
fi
exit "$rc"
`))

var mergeTmpl = template.Must(template.New("merge").Parse(`#!/bin/bash
#SBATCH --job-name={{.Name}}-merge
#SBATCH --output={{.Out}}/logs/%x_%j.out
#SBATCH --time=00:30:00
#SBATCH --mem={{.S.Mem}}
{{- if .S.Partition}}
#SBATCH --partition={{.S.Partition}}
{{- end}}
{{- if .S.Account}}
#SBATCH --account={{.S.Account}}
{{- end}}
# Gathers the task files into {{.Out}}/study.h5.
set -euo pipefail
export HDF5_USE_FILE_LOCKING=FALSE
exec {{.QSweep}} merge --config {{.QConfig}} --out {{.QOut}}
`))
