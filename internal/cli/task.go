// Copyright ©2026 The rgflow Authors. All rights reserved.

package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/spf13/pflag"

	"rgflow/internal/config"
	"rgflow/internal/h5io"
	"rgflow/internal/sweep"
)

// SweepSection is the top-level section of a configuration file that holds
// a parameter sweep (package sweep). Every experiment accepts it; an
// ordinary run ignores it, --task runs one of its tasks.
const SweepSection = "sweep"

// TaskEnv is the environment variable that selects the task when --task is
// not given and the configuration has a sweep (set by Slurm in array jobs).
const TaskEnv = "SLURM_ARRAY_TASK_ID"

func (o *options) sweepFlags(fs *pflag.FlagSet) {
	fs.IntVar(&o.task, "task", 0, "run task N of the configuration's sweep (default: $"+TaskEnv+" when the configuration has a sweep); --out is then the study directory and the run writes task-NNNN.h5 there")
	fs.BoolVar(&o.listTasks, "list-tasks", false, "print the tasks of the configuration's sweep (point, replica, values, seed, file), check every point's configuration, and exit")
}

// checkTaskFlags reports flags that --task and --list-tasks exclude.
func (o *options) checkTaskFlags(fs *pflag.FlagSet) error {
	if o.from != "" && (fs.Changed("task") || o.listTasks) {
		return errors.New("--from and --task exclude each other: a task's configuration is the study's, with its point applied")
	}
	return nil
}

// task is one task of a sweep being run.
type task struct {
	spec  sweep.Spec
	point sweep.Point
	base  uint64
}

// prepareTask handles --task and --list-tasks: it reads the sweep, applies
// its preset to defaults and the task's point, seed and file to src (as
// --set overrides), and decides between a fresh run, --resume and nothing
// to do. done says that Main must return code now.
func prepareTask[T any](o *options, fs *pflag.FlagSet, exp Experiment[T], defaults *T, src *config.Sources, stdout, stderr io.Writer, usage func(error) int) (t *task, code int, done bool) {
	n := o.task
	selected := fs.Changed("task")
	envTask, fromEnv := os.LookupEnv(TaskEnv)
	if !selected && !o.listTasks && (!fromEnv || o.from != "") {
		return nil, 0, false
	}
	var spec sweep.Spec
	found, err := config.Section(o.configs, SweepSection, &spec)
	if err != nil {
		return nil, usage(err), true
	}
	if !found {
		if !selected && !o.listTasks {
			return nil, 0, false // $SLURM_ARRAY_TASK_ID without a sweep: an ordinary run
		}
		return nil, usage(errors.New("--task, --list-tasks: the configuration has no sweep section (add sweep: to a --config file)")), true
	}
	if !selected && !o.listTasks {
		n, err = strconv.Atoi(envTask)
		if err != nil {
			return nil, usage(fmt.Errorf("$%s = %q: not a task number", TaskEnv, envTask)), true
		}
	}
	if err := spec.Validate(); err != nil {
		return nil, usage(err), true
	}
	if spec.Experiment != exp.Name {
		return nil, usage(fmt.Errorf("invalid setting: sweep.experiment = %q: this program is %s", spec.Experiment, exp.Name)), true
	}
	if spec.Preset != "" {
		if o.preset != "" && o.preset != spec.Preset {
			return nil, usage(fmt.Errorf("--preset %s, but the sweep says sweep.preset = %s", o.preset, spec.Preset)), true
		}
		if *defaults, err = withPreset(exp, spec.Preset); err != nil {
			return nil, usage(fmt.Errorf("sweep.preset: %w", err)), true
		}
	}
	swept := map[string]bool{}
	for _, a := range spec.Axes {
		swept[a.Key] = true
	}
	for _, s := range o.sets {
		k, _, _ := strings.Cut(s, "=")
		if k = strings.ToLower(strings.TrimSpace(k)); swept[k] {
			return nil, usage(fmt.Errorf("--set %s: the sweep varies this key; change sweep.axes instead", k)), true
		}
	}
	study, err := config.Load(*defaults, *src)
	if err != nil {
		return nil, usage(err), true
	}
	rs := any(&study.Config).(interface{ RunSettings() *config.Run }).RunSettings()
	if rs.Seed == 0 {
		return nil, usage(errors.New("invalid setting: seed = 0: a sweep needs a fixed base seed, from which every task's seed is derived (set seed: N in the study configuration)")), true
	}
	dir := rs.Out
	if dir == "" || strings.EqualFold(filepath.Ext(dir), ".h5") {
		return nil, usage(fmt.Errorf("invalid setting: out = %q: with a sweep, out is the study directory, which holds task-NNNN.h5 and study.h5 (e.g. --out results/%s-study)", dir, exp.Name)), true
	}
	if o.listTasks {
		return nil, listTasks(spec, rs.Seed, dir, *defaults, *src, stdout, stderr), true
	}
	p, err := spec.Point(n)
	if err != nil {
		return nil, usage(fmt.Errorf("--task: %w", err)), true
	}
	file := filepath.Join(dir, sweep.TaskFile(n))
	src.Sets = append(src.Sets, p.Overrides()...)
	src.Sets = append(src.Sets, fmt.Sprintf("seed=%d", p.Seed(rs.Seed)), "out="+file)
	t = &task{spec: spec, point: p, base: rs.Seed}

	if !o.resume {
		return t, 0, false
	}
	return resumeTask(o, t, file, exp, *defaults, *src, stderr, usage)
}

// resumeTask decides what --resume does with task t, whose file is file: a
// missing file starts the task, a complete one (with this task's
// configuration) is left alone, anything else resumes. done says that Main
// must return code now.
func resumeTask[T any](o *options, t *task, file string, exp Experiment[T], defaults T, src config.Sources, stderr io.Writer, usage func(error) int) (_ *task, code int, done bool) {
	n := t.point.Task
	if _, err := os.Stat(file); errors.Is(err, os.ErrNotExist) {
		o.resume = false
		return t, 0, false
	}
	f, err := h5io.Open(file)
	if err != nil {
		return nil, usage(fmt.Errorf("--resume: task %d: %w", n, err)), true
	}
	info, err := f.Info()
	f.Close()
	if err != nil {
		return nil, usage(fmt.Errorf("--resume: task %d: %w", n, err)), true
	}
	if info.Status != h5io.StatusComplete {
		return t, 0, false
	}
	stored, err := config.Load(exp.Defaults, config.Sources{Base: []byte(info.Config), Environ: []string{}})
	if err != nil {
		return nil, usage(fmt.Errorf("--resume: the configuration stored in %s: %w", file, err)), true
	}
	asked, err := config.Load(defaults, src)
	if err != nil {
		return nil, usage(err), true
	}
	if diff := diffConfig(stored.Config, asked.Config); diff != "" {
		return nil, usage(fmt.Errorf("--resume: task %d: %s is complete but was run with another configuration:%s\n(move it away to rerun the task)", n, file, diff)), true
	}
	if !o.quiet {
		fmt.Fprintf(stderr, "%s: task %d: %s is complete; nothing to do\n", exp.Name, n, file)
	}
	return nil, ExitOK, true
}

// listTasks prints the task table and checks the configuration of every
// parameter point, reporting all that are invalid.
func listTasks[T any](spec sweep.Spec, base uint64, dir string, defaults T, src config.Sources, stdout, stderr io.Writer) int {
	fmt.Fprintf(stdout, "# %d tasks (%d points × %d replicas), base seed %d, study directory %s\n",
		spec.Len(), spec.Points(), max(spec.Replicas, 1), base, dir)
	fmt.Fprint(stdout, spec.Table(base))
	bad := 0
	for _, p := range spec.Tasks() {
		if p.Replica != 0 {
			continue // replicas differ only in the seed
		}
		s := src
		s.Sets = append(append([]string(nil), src.Sets...), p.Overrides()...)
		if _, err := config.Load(defaults, s); err != nil {
			fmt.Fprintf(stderr, "point %d (%s): %v\n", p.Index, strings.Join(p.Overrides(), " "), err)
			bad++
		}
	}
	if bad > 0 {
		fmt.Fprintf(stderr, "%d of %d points have an invalid configuration\n", bad, spec.Points())
		return ExitUsage
	}
	return ExitOK
}

// writeAttrs records the task's place in the sweep at the root of its file.
func (t *task) writeAttrs(f *h5io.File) error {
	keys, _ := json.Marshal(t.point.Keys)
	vals, _ := json.Marshal(t.point.Values)
	for _, a := range []struct {
		name string
		v    any
	}{
		{sweep.AttrTask, int64(t.point.Task)},
		{sweep.AttrPoint, int64(t.point.Index)},
		{sweep.AttrReplica, int64(t.point.Replica)},
		{sweep.AttrTasks, int64(t.spec.Len())},
		{sweep.AttrBaseSeed, t.base},
		{sweep.AttrKeys, string(keys)},
		{sweep.AttrValues, string(vals)},
	} {
		if err := f.SetAttr("/", a.name, a.v); err != nil {
			return err
		}
	}
	return f.Flush()
}
