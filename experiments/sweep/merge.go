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
	// A dimension scale of the task files (a coordinate such as t, x1 or
	// shell): coord holds its values when they are float64 and the same
	// in every complete task (it is then written once, not stacked), and
	// copyOf its copy_of attribute.
	scale  bool
	coord  []float64
	copyOf string
	// Where the merged file puts it, and the labels of its axes there
	// (task first); set by layout.
	target string
	dims   []string
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
	skipped = s.layout(stacked, skipped)
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
	nstack := 0
	for _, ds := range stacked {
		if ds.coord == nil {
			nstack++
		}
	}
	fmt.Fprintf(stdout, "merged %d of %d tasks into %s: %d datasets stacked along the task axis, %d coordinates alike in every task written once", len(complete), len(tasks), path, nstack, len(stacked)-nstack)
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
			if p == "/sweep" || strings.HasPrefix(p, "/sweep/") {
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
				if ds.scale = d.IsScale(); ds.scale && ds.dtype == h5io.Float64 && len(ds.shape) == 1 {
					ds.coord = []float64{}
					if _, err := d.Read(&ds.coord); err != nil {
						ds.coord = nil
					}
					d.Attr("copy_of", &ds.copyOf)
				}
			} else {
				ds = prev
			}
			if ds.scale && ds.coord != nil {
				var v []float64
				if _, err := d.Read(&v); err != nil || !sameBits(v, ds.coord) {
					ds.coord = nil
				}
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
				stacked[p] = ds
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

// Names of the task coordinates that the merged file adds to every group
// with stacked datasets (docs/hdf5-schema.md, "Merged sweep files").
const (
	taskDim    = "task"    // the dimension: the task number
	replicaVar = "replica" // the replica of each task
	paramVar   = "param_"  // param_<key>: the swept value of each task
)

// taskCoords are the names of the per-group task coordinates of s, as the
// attribute coordinates of a stacked dataset lists them.
func taskCoords(s sweep.Spec) []string {
	var names []string
	for _, a := range s.Axes {
		names = append(names, paramVar+a.Key)
	}
	return append(names, replicaVar)
}

// layout decides where each dataset of the task files goes in the merged
// file and how its axes are labelled, so that every group opens in xarray
// (docs/hdf5-schema.md, "The netCDF view"): a coordinate that every task
// has with the same values is written once as a coordinate; one that
// differs is stacked under <name>_by_task (its axis becomes a dimension
// without a variable); every other dataset is stacked along a leading axis
// task, its other axes keeping their labels, or labelled <name>_dim_<k>
// when the task files left them unlabelled. Datasets that cannot be laid
// out so (a name or label taken by the task coordinates, one label with
// two lengths in a group) are dropped from stacked and added to skipped
// with the reason.
func (s *study) layout(stacked map[string]dset, skipped []string) []string {
	reserved := map[string]bool{taskDim: true}
	for _, n := range taskCoords(s.spec) {
		reserved[n] = true
	}
	paths := make([]string, 0, len(stacked))
	for p := range stacked {
		paths = append(paths, p)
	}
	// Coordinates first, so the lengths of their labels are known.
	sort.Slice(paths, func(i, j int) bool {
		ci, cj := stacked[paths[i]].coord != nil, stacked[paths[j]].coord != nil
		if ci != cj {
			return ci
		}
		return paths[i] < paths[j]
	})
	length := map[string]int64{} // <group>/<label> -> its length
	drop := func(p, why string) {
		skipped = append(skipped, p+": "+why)
		delete(stacked, p)
	}
	for _, p := range paths {
		ds := stacked[p]
		g, name := parent(p), p[strings.LastIndex(p, "/")+1:]
		if reserved[name] || strings.HasPrefix(name, paramVar) {
			drop(p, fmt.Sprintf("its name is taken by the task coordinates (%s, %s, %s<key>) of the merged group", taskDim, replicaVar, paramVar))
			continue
		}
		if ds.coord != nil {
			ds.target, ds.dims = p, nil
			length[p] = ds.shape[0]
			stacked[p] = ds
			continue
		}
		ds.target = p
		if ds.scale {
			ds.target = p + "_by_task"
			if _, taken := stacked[ds.target]; taken {
				drop(p, "a coordinate that differs between tasks, and "+ds.target+" (where it would go) is taken")
				continue
			}
		}
		ds.dims = []string{taskDim}
		why := ""
		for k, l := range ds.labels {
			if ds.scale {
				l = name
			} else if l == "" {
				l = fmt.Sprintf("%s_dim_%d", name, k)
			}
			dp := join(g, l)
			if other, ok := stacked[dp]; ok && !other.scale {
				why = fmt.Sprintf("its axis %d (%s) would need the dimension %s, which is a dataset", k, l, dp)
				break
			}
			if reserved[l] || strings.HasPrefix(l, paramVar) {
				why = fmt.Sprintf("its axis %d is labelled %s, a name the task coordinates take", k, l)
				break
			}
			if n, ok := length[dp]; ok && n != ds.shape[k] {
				why = fmt.Sprintf("its axis %d (%s) has length %d, another dataset's or the coordinate's has %d", k, l, ds.shape[k], n)
				break
			}
			ds.dims = append(ds.dims, l)
		}
		if why != "" {
			drop(p, why)
			continue
		}
		for k, l := range ds.dims[1:] {
			length[join(g, l)] = ds.shape[k]
		}
		stacked[p] = ds
	}
	sort.Strings(skipped)
	return skipped
}

// parent is the group of the dataset p ("/" for a dataset at the root).
func parent(p string) string {
	if i := strings.LastIndex(p, "/"); i > 0 {
		return p[:i]
	}
	return "/"
}

func join(g, name string) string {
	if g == "/" {
		return "/" + name
	}
	return g + "/" + name
}

func sameBits(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Float64bits(a[i]) != math.Float64bits(b[i]) {
			return false
		}
	}
	return true
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
	// The swept values: float64 for numeric axes, else an index into the
	// attribute values. The same columns are repeated in every group with
	// stacked datasets (taskVars), so that each group opens alone in
	// xarray with them.
	type column struct {
		name  string
		t     h5io.Dtype
		data  any
		desc  string
		attrs map[string]any
	}
	var columns []column
	for _, a := range s.spec.Axes {
		k := axisIndex(s.spec, a.Key)
		if num, ok := a.Numeric(); ok {
			vals := make([]float64, n)
			for i, t := range tasks {
				vals[i] = num[s.spec.Coords(t.point.Index)[k]]
			}
			columns = append(columns, column{a.Key, h5io.Float64, vals, "value of " + a.Key + " in each task", nil})
			continue
		}
		idx := make([]int64, n)
		for i, t := range tasks {
			idx[i] = int64(s.spec.Coords(t.point.Index)[k])
		}
		vj, _ := json.Marshal(a.AxisValues())
		columns = append(columns, column{a.Key, h5io.Int64, idx,
			"index of the value of " + a.Key + " in each task, into the attribute values (a JSON list)",
			map[string]any{"values": string(vj)}})
	}
	put := func(p string, c column) error {
		d, err := f.Put(p, h5io.Spec{Dtype: c.t, Shape: []int64{int64(n)}, Units: "1", Description: c.desc,
			Dims: []string{taskDim}, Scales: []string{"/sweep/task"}}, c.data)
		if err != nil {
			return err
		}
		for k, v := range c.attrs {
			if err := d.SetAttr(k, v); err != nil {
				return err
			}
		}
		return nil
	}
	for _, c := range columns {
		if err := put("/sweep/params/"+c.name, c); err != nil {
			return err
		}
	}
	table := summaryTable(s.spec, tasks, base)
	sk, _ := json.Marshal(skipped)
	files := make([]string, n)
	for i, t := range tasks {
		if t.state != stMissing {
			files[i] = t.name
		}
	}
	fj, _ := json.Marshal(files)
	for k, v := range map[string]any{"table": table, "unstacked": string(sk), "files": string(fj)} {
		if err := f.SetAttr("/sweep", k, v); err != nil {
			return err
		}
	}

	// Coordinates that every task has alike, once.
	paths := make([]string, 0, len(stacked))
	for p := range stacked {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		ds := stacked[p]
		if ds.coord == nil {
			continue
		}
		if err := f.CreateScale(p, p[strings.LastIndex(p, "/")+1:], ds.coord, ds.units, ds.desc); err != nil {
			return err
		}
		if ds.copyOf != "" {
			if err := f.SetAttr(p, "copy_of", ds.copyOf); err != nil {
				return err
			}
		}
	}

	// The task coordinates of every group with stacked datasets.
	taskVars := map[string]bool{}
	coordsAttr := strings.Join(taskCoords(s.spec), " ")
	for _, p := range paths {
		g := parent(stacked[p].target)
		if stacked[p].coord != nil || taskVars[g] {
			continue
		}
		taskVars[g] = true
		for _, c := range columns {
			c.name, c.desc = paramVar+c.name, c.desc+" (as /sweep/params/"+c.name+")"
			if err := put(join(g, c.name), c); err != nil {
				return err
			}
		}
		if err := put(join(g, replicaVar), column{replicaVar, h5io.Int64, replica, "replica of each task (as /sweep/replica)", nil}); err != nil {
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
	for _, p := range paths {
		ds := stacked[p]
		if ds.coord != nil {
			continue
		}
		d, err := f.StackVirtual(ds.target, ds.dtype, ds.shape, p, sources)
		if err != nil {
			return err
		}
		scales := make([]string, len(ds.dims))
		scales[0] = "/sweep/task"
		if err := d.SetDims(ds.dims, scales); err != nil {
			return err
		}
		for _, name := range scalarAttrs {
			if v := ds.attrs[name]; v != nil {
				if err := d.SetAttr(name, v); err != nil {
					return err
				}
			}
		}
		attrs := map[string]string{"units": ds.units, "description": ds.desc, "coordinates": coordsAttr}
		if ds.scale {
			attrs["description"] = "the coordinate " + p + " of each task (it differs between tasks): " + ds.desc
		}
		for k, v := range attrs {
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
