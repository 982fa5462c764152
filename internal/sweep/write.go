// Copyright ©2026 The rgflow Authors. All rights reserved.

package sweep

import (
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"

	"rgflow/internal/h5io"
)

// studyWriter writes the merged file.
type studyWriter struct {
	f     *h5io.File
	spec  Spec
	tasks []Task
	base  uint64 // the study's base seed
	// columns are the swept values of each task, written under
	// /sweep/params and, as param_<key>, in every group with stacked
	// datasets.
	columns []column
	replica []int64 // the replica of each task
}

// column is a per-task dataset along the task axis.
type column struct {
	name  string
	t     h5io.Dtype
	data  any
	desc  string
	attrs map[string]any
}

// writeStudy writes the merged file at path (through a temporary file
// renamed at the end, so a reader never sees half a merge).
func writeStudy(path string, s Study, tasks []Task, stacked map[string]dset, skipped []string) (err error) {
	var base uint64
	for _, t := range tasks {
		if t.State != TaskMissing && t.State != TaskUnreadable {
			base = t.base
			break
		}
	}
	tmp := path + ".tmp"
	f, err := h5io.Create(tmp, h5io.Meta{Experiment: "sweep", Config: string(s.Config), Seed: base}, h5io.CreateOptions{Overwrite: true})
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
	w := &studyWriter{f: f, spec: s.Spec, tasks: tasks, base: base}
	counts := make([]int, len(stateNames))
	for _, t := range tasks {
		counts[t.State]++
	}
	paths := make([]string, 0, len(stacked))
	for p := range stacked {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, step := range []func() error{
		func() error { return w.root(counts[TaskComplete]) },
		w.summary,
		w.params,
		func() error { return w.sweepAttrs(skipped) },
		func() error { return w.coords(paths, stacked) },
		func() error { return w.taskVars(paths, stacked) },
		func() error { return w.stack(paths, stacked) },
	} {
		if err := step(); err != nil {
			return err
		}
	}
	return w.status(counts)
}

// root writes the root attributes that describe the sweep.
func (w *studyWriter) root(complete int) error {
	keys := make([]string, len(w.spec.Axes))
	for i, a := range w.spec.Axes {
		keys[i] = a.Key
	}
	kj, _ := json.Marshal(keys)
	for k, v := range map[string]any{
		"sweep_experiment": w.spec.Experiment,
		"sweep_tasks":      int64(len(w.tasks)),
		"sweep_points":     int64(w.spec.Points()),
		"sweep_replicas":   int64(max(w.spec.Replicas, 1)),
		"sweep_keys":       string(kj),
		"sweep_complete":   int64(complete),
	} {
		if err := w.f.SetAttr("/", k, v); err != nil {
			return err
		}
	}
	return nil
}

// summary writes the task axis /sweep/task and the columns point, replica,
// seed and status beside it.
func (w *studyWriter) summary() error {
	n := len(w.tasks)
	task := make([]float64, n)
	point := make([]int64, n)
	w.replica = make([]int64, n)
	seed := make([]uint64, n)
	status := make([]int64, n)
	for i, t := range w.tasks {
		task[i], point[i], w.replica[i], status[i] = float64(i), int64(t.Point.Index), int64(t.Point.Replica), int64(t.State)
		seed[i] = t.Point.Seed(w.base)
	}
	if err := w.f.CreateScale("/sweep/task", "task", task, "1", "task number n: point n / replicas, replica n % replicas; the leading axis of every stacked dataset"); err != nil {
		return err
	}
	codes := make([]string, len(stateNames))
	for i, s := range stateNames {
		codes[i] = fmt.Sprintf("%d %s", i, s)
	}
	for _, c := range []column{
		{"point", h5io.Int64, point, "parameter point of each task (row-major over the axes, the last fastest)", nil},
		{"replica", h5io.Int64, w.replica, "replica of each task", nil},
		{"seed", h5io.Uint64, seed, "run seed of each task, derived from (base seed, point, replica)", nil},
		{"status", h5io.Int64, status, "state of each task's file at merge time; see the attribute codes",
			map[string]any{"codes": strings.Join(codes, ", ")}},
	} {
		if err := w.put("/sweep/"+c.name, c); err != nil {
			return err
		}
	}
	return nil
}

// params writes the swept values under /sweep/params: float64 for numeric
// axes, else an index into the attribute values (a JSON list).
func (w *studyWriter) params() error {
	n := len(w.tasks)
	for k, a := range w.spec.Axes {
		if num, ok := a.Numeric(); ok {
			vals := make([]float64, n)
			for i, t := range w.tasks {
				vals[i] = num[w.spec.Coords(t.Point.Index)[k]]
			}
			w.columns = append(w.columns, column{a.Key, h5io.Float64, vals, "value of " + a.Key + " in each task", nil})
			continue
		}
		idx := make([]int64, n)
		for i, t := range w.tasks {
			idx[i] = int64(w.spec.Coords(t.Point.Index)[k])
		}
		vj, _ := json.Marshal(a.AxisValues())
		w.columns = append(w.columns, column{a.Key, h5io.Int64, idx,
			"index of the value of " + a.Key + " in each task, into the attribute values (a JSON list)",
			map[string]any{"values": string(vj)}})
	}
	for _, c := range w.columns {
		if err := w.put("/sweep/params/"+c.name, c); err != nil {
			return err
		}
	}
	return nil
}

// put writes the column c at p along the task axis.
func (w *studyWriter) put(p string, c column) error {
	d, err := w.f.Put(p, h5io.Spec{Dtype: c.t, Shape: []int64{int64(len(w.tasks))}, Units: "1", Description: c.desc,
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

// sweepAttrs writes the attributes of /sweep: the task table with each
// task's state, the datasets left out and the task files.
func (w *studyWriter) sweepAttrs(skipped []string) error {
	lines := strings.Split(strings.TrimRight(w.spec.Table(w.base), "\n"), "\n")
	for i := range lines {
		state := "status"
		if i > 0 {
			state = w.tasks[i-1].State.String()
		}
		lines[i] = fmt.Sprintf("%-12s  %s", state, lines[i])
	}
	table := strings.Join(lines, "\n") + "\n"
	sk, _ := json.Marshal(skipped)
	files := make([]string, len(w.tasks))
	for i, t := range w.tasks {
		if t.State != TaskMissing {
			files[i] = t.File
		}
	}
	fj, _ := json.Marshal(files)
	for k, v := range map[string]any{"table": table, "unstacked": string(sk), "files": string(fj)} {
		if err := w.f.SetAttr("/sweep", k, v); err != nil {
			return err
		}
	}
	return nil
}

// coords writes the coordinates that every task has alike, once.
func (w *studyWriter) coords(paths []string, stacked map[string]dset) error {
	for _, p := range paths {
		ds := stacked[p]
		if ds.coord == nil {
			continue
		}
		if err := w.f.CreateScale(p, p[strings.LastIndex(p, "/")+1:], ds.coord, ds.units, ds.desc); err != nil {
			return err
		}
		if ds.copyOf != "" {
			if err := w.f.SetAttr(p, "copy_of", ds.copyOf); err != nil {
				return err
			}
		}
	}
	return nil
}

// taskVars writes the task coordinates param_<key> and replica into every
// group with stacked datasets, so that each group opens alone in xarray.
func (w *studyWriter) taskVars(paths []string, stacked map[string]dset) error {
	done := map[string]bool{}
	for _, p := range paths {
		g := parent(stacked[p].target)
		if stacked[p].coord != nil || done[g] {
			continue
		}
		done[g] = true
		for _, c := range w.columns {
			c.name, c.desc = paramVar+c.name, c.desc+" (as /sweep/params/"+c.name+")"
			if err := w.put(join(g, c.name), c); err != nil {
				return err
			}
		}
		if err := w.put(join(g, replicaVar), column{replicaVar, h5io.Int64, w.replica, "replica of each task (as /sweep/replica)", nil}); err != nil {
			return err
		}
	}
	return nil
}

// stack writes the virtual datasets over the complete tasks; the others
// map to a file that does not exist, so their slabs read as the fill
// value.
func (w *studyWriter) stack(paths []string, stacked map[string]dset) error {
	sources := make([]string, len(w.tasks))
	for i, t := range w.tasks {
		sources[i] = t.File
		if t.State != TaskComplete {
			sources[i] = t.File + ".not-complete"
		}
	}
	coordsAttr := strings.Join(taskCoords(w.spec), " ")
	for _, p := range paths {
		ds := stacked[p]
		if ds.coord != nil {
			continue
		}
		d, err := w.f.StackVirtual(ds.target, ds.dtype, ds.shape, p, sources)
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
		units, text := h5io.CFUnits(ds.units)
		attrs := map[string]string{"units": units, h5io.UnitsText: text, "description": ds.desc, "long_name": h5io.LongName(p[strings.LastIndex(p, "/")+1:], ds.desc), "coordinates": coordsAttr}
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
	return nil
}

// status sets the merged file's status: complete when every task is, else
// failed with an error attribute that counts the tasks in each state.
func (w *studyWriter) status(counts []int) error {
	n := len(w.tasks)
	if counts[TaskComplete] == n {
		return w.f.SetStatus(h5io.StatusComplete)
	}
	var parts []string
	for st, c := range counts {
		if TaskState(st) != TaskComplete && c > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", c, stateNames[st]))
		}
	}
	if err := w.f.SetAttr("/", "error", fmt.Sprintf("%d of %d tasks not complete at merge time (%s): see /sweep/status", n-counts[TaskComplete], n, strings.Join(parts, ", "))); err != nil {
		return err
	}
	return w.f.SetStatus(h5io.StatusFailed)
}
