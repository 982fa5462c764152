// Copyright ©2026 The rgflow Authors. All rights reserved.

package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"

	"rgflow/internal/cli"
	"rgflow/internal/h5io"
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

// Task states in /sweep/status.
const (
	stComplete = iota
	stMissing
	stFailed
	stInterrupted
	stRunning
	stUnreadable
)

var stateNames = []string{"complete", "missing", "failed", "interrupted", "running", "unreadable"}

// taskFile is what merge learned about one task's file.
type taskFile struct {
	point  sweep.Point
	name   string // file name, relative to the study directory
	state  int
	detail string // error of a failed task, why a file is unreadable
	info   h5io.Info
	base   uint64 // sweep_base_seed
}

// dset is a dataset of the task files.
type dset struct {
	dtype h5io.Dtype
	shape []int64
	// attrs are the per-task values of the float64 attributes of a scalar
	// dataset named in scalarAttrs (NaN where a task has none).
	attrs  map[string][]float64
	labels []string
	units  string
	desc   string
}

// merge checks the task files against the study and writes study.h5.
func (s *study) merge(ctx context.Context, stdout, stderr io.Writer) int {
	expYAML, err := s.exp(ctx, "--task", "0", "--print-config")
	if err != nil {
		return fail(stderr, usageError{fmt.Errorf("cannot resolve the configuration of task 0: %v", err)})
	}
	expected, err := flatYAML(expYAML)
	if err != nil {
		return fail(stderr, fmt.Errorf("the configuration of task 0: %v", err))
	}
	p0, _ := s.spec.Point(0)

	tasks := make([]taskFile, s.spec.Len())
	var refuse []string
	for n := range tasks {
		t := &tasks[n]
		t.point, _ = s.spec.Point(n)
		t.name = sweep.TaskFile(n)
		msgs := s.inspect(t, expected, p0)
		refuse = append(refuse, msgs...)
	}
	if len(refuse) > 0 {
		fmt.Fprintf(stderr, "sweep merge: refusing to merge %s: task files do not fit the study (configurations may differ only in the swept keys, seed and out):\n  %s\n",
			s.dir, strings.Join(refuse, "\n  "))
		return exitFailed
	}

	var complete []int
	for n, t := range tasks {
		if t.state == stComplete {
			complete = append(complete, n)
		}
	}
	stacked, skipped, err := s.datasets(tasks, complete)
	if err != nil {
		return fail(stderr, err)
	}
	path := filepath.Join(s.dir, sweep.StudyFile)
	if err := s.writeStudy(path, tasks, stacked, skipped); err != nil {
		return fail(stderr, fmt.Errorf("write %s: %w", path, err))
	}

	var problems []string
	for n, t := range tasks {
		if t.state != stComplete {
			msg := fmt.Sprintf("task %d (%s): %s", n, strings.Join(t.point.Overrides(), " "), stateNames[t.state])
			if t.detail != "" {
				msg += ": " + t.detail
			}
			problems = append(problems, msg)
		}
	}
	fmt.Fprintf(stdout, "merged %d of %d tasks into %s: %d datasets stacked along the task axis", len(complete), len(tasks), path, len(stacked))
	if len(skipped) > 0 {
		fmt.Fprintf(stdout, ", %d not stacked (see /sweep attribute unstacked)", len(skipped))
	}
	fmt.Fprintln(stdout)
	if len(problems) > 0 {
		fmt.Fprintf(stderr, "sweep merge: %d of %d tasks are not complete (their slabs read as fill values, NaN for floats):\n  %s\n",
			len(problems), len(tasks), strings.Join(problems, "\n  "))
		return exitFailed
	}
	return exitOK
}

// inspect classifies the file of task t and checks it against the study;
// it returns the reasons to refuse the merge.
func (s *study) inspect(t *taskFile, expected map[string]any, p0 sweep.Point) []string {
	path := filepath.Join(s.dir, t.name)
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		t.state = stMissing
		return nil
	}
	f, err := h5io.Open(path)
	if err != nil {
		if errors.Is(err, h5io.ErrSchema) {
			return []string{fmt.Sprintf("%s: %v", t.name, err)}
		}
		t.state, t.detail = stUnreadable, err.Error()
		return nil
	}
	defer f.Close()
	if t.info, err = f.Info(); err != nil {
		if errors.Is(err, h5io.ErrSchema) {
			return []string{fmt.Sprintf("%s: %v", t.name, err)}
		}
		t.state, t.detail = stUnreadable, err.Error()
		return nil
	}
	in := t.info
	var bad []string
	if in.SchemaVersion != h5io.SchemaVersion {
		bad = append(bad, fmt.Sprintf("%s: schema version %d, this merge writes %d", t.name, in.SchemaVersion, h5io.SchemaVersion))
	}
	if in.Experiment != s.spec.Experiment {
		bad = append(bad, fmt.Sprintf("%s: written by %q, the study runs %q", t.name, in.Experiment, s.spec.Experiment))
	}
	// Its place in the sweep.
	var task int64
	var keys, vals string
	errs := []error{f.Attr("/", cli.AttrTask, &task), f.Attr("/", cli.AttrBaseSeed, &t.base),
		f.Attr("/", cli.AttrKeys, &keys), f.Attr("/", cli.AttrValues, &vals)}
	if err := errors.Join(errs...); err != nil {
		return append(bad, fmt.Sprintf("%s: not a task file of a sweep (%v)", t.name, err))
	}
	wantKeys, _ := json.Marshal(t.point.Keys)
	wantVals, _ := json.Marshal(t.point.Values)
	if task != int64(t.point.Task) || keys != string(wantKeys) || vals != string(wantVals) {
		bad = append(bad, fmt.Sprintf("%s: records task %d with %s = %s; the study's task %d has %s = %s", t.name, task, keys, vals, t.point.Task, wantKeys, wantVals))
	}
	if p0.Seed(t.base) != asUint(expected["seed"]) {
		bad = append(bad, fmt.Sprintf("%s: base seed %d, but the study now resolves another base seed", t.name, t.base))
	}
	// Its configuration: the study's, but for the swept keys, seed and out.
	stored, err := flatYAML(in.Config)
	if err != nil {
		return append(bad, fmt.Sprintf("%s: stored configuration: %v", t.name, err))
	}
	swept := map[string]string{}
	for i, k := range t.point.Keys {
		swept[k] = t.point.Values[i]
	}
	var diffs []string
	for _, k := range unionKeys(stored, expected) {
		sv, sok := stored[k]
		ev, eok := expected[k]
		switch {
		case k == "out":
		case k == "seed":
			if asUint(sv) != t.point.Seed(t.base) {
				diffs = append(diffs, fmt.Sprintf("seed = %v, want %d (derived from base seed %d)", sv, t.point.Seed(t.base), t.base))
			}
		case !sok || !eok:
			diffs = append(diffs, fmt.Sprintf("%s is %s in the file, %s in the study", k, show(sv, sok), show(ev, eok)))
		case swept[k] != "":
			if !sameValue(sv, parseValue(swept[k])) {
				diffs = append(diffs, fmt.Sprintf("%s = %s, but task %d sets %s", k, show(sv, true), t.point.Task, swept[k]))
			}
		case !sameValue(sv, ev):
			diffs = append(diffs, fmt.Sprintf("%s = %s, the study has %s", k, show(sv, true), show(ev, true)))
		}
	}
	if len(diffs) > 0 {
		bad = append(bad, fmt.Sprintf("%s: configuration differs from the study's: %s", t.name, strings.Join(diffs, "; ")))
	}
	if len(bad) > 0 {
		return bad
	}
	switch in.Status {
	case h5io.StatusComplete:
		t.state = stComplete
	case h5io.StatusFailed:
		t.state = stFailed
		f.Attr("/", "error", &t.detail)
	case h5io.StatusInterrupted:
		t.state, t.detail = stInterrupted, "stopped after a checkpoint; resubmit (or rerun sweep local) to continue it"
	default:
		t.state, t.detail = stRunning, "status running: still running, or killed (resubmit to resume it from its last checkpoint)"
	}
	return nil
}

// scalarAttrs are the attributes of scalar datasets (estimates) that the
// merge gathers into per-task arrays: one standard error and the
// integrated autocorrelation time (docs/hdf5-schema.md, estimates/).
var scalarAttrs = []string{"error", "tau_int"}

// datasets lists the datasets of the complete tasks that can be stacked:
// those every complete task has with one type and shape. The others are
// returned with the reason.
func (s *study) datasets(tasks []taskFile, complete []int) (map[string]dset, []string, error) {
	stacked := map[string]dset{}
	seen := map[string]int{}
	bad := map[string]string{}
	for _, n := range complete {
		f, err := h5io.Open(filepath.Join(s.dir, tasks[n].name))
		if err != nil {
			return nil, nil, err
		}
		paths, err := f.Datasets()
		if err != nil {
			f.Close()
			return nil, nil, err
		}
		for _, p := range paths {
			if strings.HasPrefix(p, "/checkpoint/") || bad[p] != "" {
				continue
			}
			if p == "/sweep" || strings.HasPrefix(p, "/sweep/") || strings.HasPrefix(p, "/tasks/") {
				bad[p] = "its path is taken by the merged file's own groups"
				continue
			}
			d, err := f.OpenDataset(p)
			if err != nil {
				bad[p] = err.Error()
				continue
			}
			ds := dset{dtype: d.Dtype(), shape: d.Shape()}
			prev, ok := stacked[p]
			if ok && (prev.dtype != ds.dtype || !slices.Equal(prev.shape, ds.shape)) {
				bad[p] = fmt.Sprintf("%s %v in %s, %s %v in %s", prev.dtype, prev.shape, tasks[complete[0]].name, ds.dtype, ds.shape, tasks[n].name)
				delete(stacked, p)
				continue
			}
			if !ok {
				ds.attrs = map[string][]float64{}
			} else {
				ds = prev
			}
			if len(ds.shape) == 0 {
				for _, name := range scalarAttrs {
					var v float64
					if d.Attr(name, &v) != nil {
						continue
					}
					if ds.attrs[name] == nil {
						ds.attrs[name] = nanSlice(len(tasks))
					}
					ds.attrs[name][n] = v
				}
			}
			if ok {
				seen[p]++
				continue
			}
			ds.labels = make([]string, len(ds.shape))
			for i := range ds.shape {
				ds.labels[i], _ = d.Label(i)
			}
			d.Attr("units", &ds.units)
			d.Attr("description", &ds.desc)
			stacked[p] = ds
			seen[p]++
		}
		f.Close()
	}
	for p := range stacked {
		if seen[p] != len(complete) {
			bad[p] = fmt.Sprintf("present in %d of %d complete tasks", seen[p], len(complete))
			delete(stacked, p)
		}
	}
	skipped := []string{}
	for p, why := range bad {
		skipped = append(skipped, p+": "+why)
	}
	sort.Strings(skipped)
	return stacked, skipped, nil
}

// writeStudy writes study.h5 beside the task files (through a temporary
// file renamed at the end, so a reader never sees half a merge).
func (s *study) writeStudy(path string, tasks []taskFile, stacked map[string]dset, skipped []string) (err error) {
	conf, err := os.ReadFile(s.config)
	if err != nil {
		return err
	}
	var base uint64
	for _, t := range tasks {
		if t.state != stMissing && t.state != stUnreadable {
			base = t.base
			break
		}
	}
	tmp := path + ".tmp"
	f, err := h5io.Create(tmp, h5io.Meta{Experiment: "sweep", Config: string(conf), Seed: base}, h5io.CreateOptions{Overwrite: true})
	if err != nil {
		return err
	}
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err == nil {
			err = os.Rename(tmp, path)
		} else {
			os.Remove(tmp)
		}
	}()
	n := len(tasks)
	keys, _ := json.Marshal(keysOf(s.spec))
	counts := make([]int, len(stateNames))
	for _, t := range tasks {
		counts[t.state]++
	}
	root := map[string]any{
		"sweep_experiment": s.spec.Experiment,
		"sweep_tasks":      int64(n),
		"sweep_points":     int64(s.spec.Points()),
		"sweep_replicas":   int64(max(s.spec.Replicas, 1)),
		"sweep_keys":       string(keys),
		"sweep_complete":   int64(counts[stComplete]),
	}
	for k, v := range root {
		if err := f.SetAttr("/", k, v); err != nil {
			return err
		}
	}

	// The summary table.
	task := make([]float64, n)
	point := make([]int64, n)
	replica := make([]int64, n)
	seed := make([]uint64, n)
	status := make([]int64, n)
	for i, t := range tasks {
		task[i], point[i], replica[i], status[i] = float64(i), int64(t.point.Index), int64(t.point.Replica), int64(t.state)
		seed[i] = t.point.Seed(base)
	}
	if err := f.CreateScale("/sweep/task", "task", task, "1", "task number n: point n / replicas, replica n % replicas; the leading axis of every stacked dataset"); err != nil {
		return err
	}
	col := func(name string, t h5io.Dtype, data any, desc string) (*h5io.Dataset, error) {
		d, err := f.Put("/sweep/"+name, h5io.Spec{Dtype: t, Shape: []int64{int64(n)}, Units: "1", Description: desc,
			Dims: []string{"task"}, Scales: []string{"/sweep/task"}}, data)
		return d, err
	}
	if _, err := col("point", h5io.Int64, point, "parameter point of each task (row-major over the axes, the last fastest)"); err != nil {
		return err
	}
	if _, err := col("replica", h5io.Int64, replica, "replica of each task"); err != nil {
		return err
	}
	if _, err := col("seed", h5io.Uint64, seed, "run seed of each task, derived from (base seed, point, replica)"); err != nil {
		return err
	}
	st, err := col("status", h5io.Int64, status, "state of each task's file at merge time; see the attribute codes")
	if err != nil {
		return err
	}
	codes := make([]string, len(stateNames))
	for i, s := range stateNames {
		codes[i] = fmt.Sprintf("%d %s", i, s)
	}
	if err := st.SetAttr("codes", strings.Join(codes, ", ")); err != nil {
		return err
	}
	var scales []string
	for _, a := range s.spec.Axes {
		p := "/sweep/params/" + a.Key
		vals := make([]float64, n)
		if num, ok := a.Numeric(); ok {
			for i, t := range tasks {
				vals[i] = num[s.spec.Coords(t.point.Index)[axisIndex(s.spec, a.Key)]]
			}
			if err := f.CreateScale(p, a.Key, vals, "1", "value of "+a.Key+" in each task"); err != nil {
				return err
			}
			scales = append(scales, p)
			continue
		}
		idx := make([]int64, n)
		for i, t := range tasks {
			idx[i] = int64(s.spec.Coords(t.point.Index)[axisIndex(s.spec, a.Key)])
		}
		d, err := col("params/"+a.Key, h5io.Int64, idx, "index of the value of "+a.Key+" in each task, into the attribute values (a JSON list)")
		if err != nil {
			return err
		}
		vj, _ := json.Marshal(a.AxisValues())
		if err := d.SetAttr("values", string(vj)); err != nil {
			return err
		}
	}
	table := summaryTable(s.spec, tasks, base)
	sk, _ := json.Marshal(skipped)
	for k, v := range map[string]any{"table": table, "unstacked": string(sk)} {
		if err := f.SetAttr("/sweep", k, v); err != nil {
			return err
		}
	}

	// External links to every task file there is.
	for _, t := range tasks {
		if t.state == stMissing {
			continue
		}
		if err := f.ExternalLink("/tasks/"+strings.TrimSuffix(t.name, ".h5"), t.name, "/"); err != nil {
			return err
		}
	}

	// Virtual datasets over the complete tasks; the others map to a file
	// that does not exist, so their slabs read as the fill value.
	sources := make([]string, n)
	for i, t := range tasks {
		sources[i] = t.name
		if t.state != stComplete {
			sources[i] = t.name + ".not-complete"
		}
	}
	paths := make([]string, 0, len(stacked))
	for p := range stacked {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		ds := stacked[p]
		d, err := f.StackVirtual(p, ds.dtype, ds.shape, p, sources)
		if err != nil {
			return err
		}
		if err := d.SetLabel(0, "task"); err != nil {
			return err
		}
		for i, l := range ds.labels {
			if l != "" {
				if err := d.SetLabel(i+1, l); err != nil {
					return err
				}
			}
		}
		for _, sc := range append([]string{"/sweep/task"}, scales...) {
			if err := d.AttachScale(0, sc); err != nil {
				return err
			}
		}
		for _, name := range scalarAttrs {
			if v := ds.attrs[name]; v != nil {
				if err := d.SetAttr(name, v); err != nil {
					return err
				}
			}
		}
		for k, v := range map[string]string{"units": ds.units, "description": ds.desc} {
			if v != "" {
				if err := d.SetAttr(k, v); err != nil {
					return err
				}
			}
		}
	}
	if counts[stComplete] == n {
		return f.SetStatus(h5io.StatusComplete)
	}
	var parts []string
	for st, c := range counts {
		if st != stComplete && c > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", c, stateNames[st]))
		}
	}
	if err := f.SetAttr("/", "error", fmt.Sprintf("%d of %d tasks not complete at merge time (%s): see /sweep/status", n-counts[stComplete], n, strings.Join(parts, ", "))); err != nil {
		return err
	}
	return f.SetStatus(h5io.StatusFailed)
}

func nanSlice(n int) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = math.NaN()
	}
	return v
}

func axisIndex(s sweep.Spec, key string) int {
	for i, a := range s.Axes {
		if a.Key == key {
			return i
		}
	}
	panic("sweep: no axis " + key)
}

func keysOf(s sweep.Spec) []string {
	keys := make([]string, len(s.Axes))
	for i, a := range s.Axes {
		keys[i] = a.Key
	}
	return keys
}

// summaryTable is the task table with each task's state.
func summaryTable(s sweep.Spec, tasks []taskFile, base uint64) string {
	lines := strings.Split(strings.TrimRight(s.Table(base), "\n"), "\n")
	for i := range lines {
		state := "status"
		if i > 0 {
			state = stateNames[tasks[i-1].state]
		}
		lines[i] = fmt.Sprintf("%-12s  %s", state, lines[i])
	}
	return strings.Join(lines, "\n") + "\n"
}

// flatYAML reads a configuration rendered by config.YAML into dotted keys.
func flatYAML(text string) (map[string]any, error) {
	var m map[string]any
	if err := yaml.Unmarshal([]byte(text), &m); err != nil {
		return nil, err
	}
	out := map[string]any{}
	var walk func(prefix string, m map[string]any)
	walk = func(prefix string, m map[string]any) {
		for k, v := range m {
			if sub, ok := v.(map[string]any); ok && len(sub) > 0 {
				walk(prefix+k+".", sub)
				continue
			}
			out[prefix+k] = v
		}
	}
	walk("", m)
	return out, nil
}

func unionKeys(a, b map[string]any) []string {
	var keys []string
	for k := range a {
		keys = append(keys, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	return keys
}

// parseValue reads a --set value as the command line does: YAML, or the
// string itself.
func parseValue(s string) any {
	var v any
	if err := yaml.Unmarshal([]byte(s), &v); err != nil || v == nil {
		return s
	}
	return v
}

// sameValue compares two configuration values by their --set text, so
// that 4 and 4.0, or the string "0.5" and the number 0.5 (which a string
// key decodes to the same value), agree.
func sameValue(a, b any) bool {
	fa, ea := sweep.Format(a)
	fb, eb := sweep.Format(b)
	if ea != nil || eb != nil {
		return reflect.DeepEqual(a, b)
	}
	return fa == fb
}

func show(v any, ok bool) string {
	if !ok {
		return "absent"
	}
	if s, err := sweep.Format(v); err == nil {
		return s
	}
	return fmt.Sprint(v)
}

func asUint(v any) uint64 {
	switch x := v.(type) {
	case int:
		return uint64(x)
	case uint64:
		return x
	case int64:
		return uint64(x)
	case float64:
		return uint64(x)
	}
	return 0
}
