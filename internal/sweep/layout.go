// Copyright ©2026 The rgflow Authors. All rights reserved.

package sweep

import (
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"rgflow/internal/h5io"
)

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

// scalarAttrs are the attributes of scalar datasets (estimates) that the
// merge gathers into per-task arrays: one standard error and the
// integrated autocorrelation time (docs/hdf5-schema.md, estimates/).
var scalarAttrs = []string{"error", "tau_int"}

// gather lists the datasets of the complete tasks that can be stacked:
// those every complete task has with one type and shape. The others are
// returned with the reason, as "path: reason", sorted.
func gather(dir string, tasks []Task, complete []int) (map[string]dset, []string, error) {
	g := gathering{tasks: tasks, stacked: map[string]dset{}, seen: map[string]int{}, bad: map[string]string{}}
	for _, n := range complete {
		if g.first == "" {
			g.first = tasks[n].File
		}
		if err := g.file(filepath.Join(dir, tasks[n].File), n); err != nil {
			return nil, nil, err
		}
	}
	for p := range g.stacked {
		if g.seen[p] != len(complete) {
			g.bad[p] = fmt.Sprintf("present in %d of %d complete tasks", g.seen[p], len(complete))
			delete(g.stacked, p)
		}
	}
	skipped := []string{}
	for p, why := range g.bad {
		skipped = append(skipped, p+": "+why)
	}
	sort.Strings(skipped)
	return g.stacked, skipped, nil
}

// gathering is the state of gather.
type gathering struct {
	tasks   []Task
	first   string // the file of the first complete task
	stacked map[string]dset
	seen    map[string]int    // path -> the number of tasks that have it
	bad     map[string]string // path -> why it is not stacked
}

// file adds the datasets of the file of task n.
func (g *gathering) file(path string, n int) error {
	f, err := h5io.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	paths, err := f.Datasets()
	if err != nil {
		return err
	}
	for _, p := range paths {
		if strings.HasPrefix(p, "/checkpoint/") || g.bad[p] != "" {
			continue
		}
		if p == "/sweep" || strings.HasPrefix(p, "/sweep/") {
			g.bad[p] = "its path is taken by the merged file's own groups"
			continue
		}
		d, err := f.OpenDataset(p)
		if err != nil {
			g.bad[p] = err.Error()
			continue
		}
		g.dataset(p, d, n)
	}
	return nil
}

// dataset adds the dataset d at p of the file of task n.
func (g *gathering) dataset(p string, d *h5io.Dataset, n int) {
	ds := dset{dtype: d.Dtype(), shape: d.Shape()}
	prev, ok := g.stacked[p]
	if ok && (prev.dtype != ds.dtype || !slices.Equal(prev.shape, ds.shape)) {
		g.bad[p] = fmt.Sprintf("%s %v in %s, %s %v in %s", prev.dtype, prev.shape, g.first, ds.dtype, ds.shape, g.tasks[n].File)
		delete(g.stacked, p)
		return
	}
	if ok {
		ds = prev
	} else {
		ds.attrs = map[string][]float64{}
		if ds.scale = d.IsScale(); ds.scale && ds.dtype == h5io.Float64 && len(ds.shape) == 1 {
			ds.coord = []float64{}
			if _, err := d.Read(&ds.coord); err != nil {
				ds.coord = nil
			}
			d.Attr("copy_of", &ds.copyOf)
		}
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
				ds.attrs[name] = nanSlice(len(g.tasks))
			}
			ds.attrs[name][n] = v
		}
	}
	if !ok {
		ds.labels = make([]string, len(ds.shape))
		for i := range ds.shape {
			ds.labels[i], _ = d.Label(i)
		}
		d.Attr("units", &ds.units)
		d.Attr(h5io.UnitsText, &ds.units) // the unit in words, where there is one
		d.Attr("description", &ds.desc)
	}
	g.stacked[p] = ds
	g.seen[p]++
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
func taskCoords(s Spec) []string {
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
func layout(spec Spec, stacked map[string]dset, skipped []string) []string {
	reserved := map[string]bool{taskDim: true}
	for _, n := range taskCoords(spec) {
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
	for _, p := range paths {
		ds := stacked[p]
		name := p[strings.LastIndex(p, "/")+1:]
		why := ""
		switch {
		case reserved[name] || strings.HasPrefix(name, paramVar):
			why = fmt.Sprintf("its name is taken by the task coordinates (%s, %s, %s<key>) of the merged group", taskDim, replicaVar, paramVar)
		case ds.coord != nil:
			ds.target, ds.dims = p, nil
			length[p] = ds.shape[0]
		default:
			why = place(p, &ds, stacked, reserved, length)
		}
		if why != "" {
			skipped = append(skipped, p+": "+why)
			delete(stacked, p)
			continue
		}
		stacked[p] = ds
	}
	sort.Strings(skipped)
	return skipped
}

// place sets the target and the dimensions of the stacked dataset ds at p
// and records the lengths of its dimensions, or returns why it cannot be
// laid out.
func place(p string, ds *dset, stacked map[string]dset, reserved map[string]bool, length map[string]int64) string {
	g, name := parent(p), p[strings.LastIndex(p, "/")+1:]
	ds.target = p
	if ds.scale {
		ds.target = p + "_by_task"
		if _, taken := stacked[ds.target]; taken {
			return "a coordinate that differs between tasks, and " + ds.target + " (where it would go) is taken"
		}
	}
	ds.dims = []string{taskDim}
	for k, l := range ds.labels {
		if ds.scale {
			l = name
		} else if l == "" {
			l = fmt.Sprintf("%s_dim_%d", name, k)
		}
		dp := join(g, l)
		if other, ok := stacked[dp]; ok && !other.scale {
			return fmt.Sprintf("its axis %d (%s) would need the dimension %s, which is a dataset", k, l, dp)
		}
		if reserved[l] || strings.HasPrefix(l, paramVar) {
			return fmt.Sprintf("its axis %d is labelled %s, a name the task coordinates take", k, l)
		}
		if n, ok := length[dp]; ok && n != ds.shape[k] {
			return fmt.Sprintf("its axis %d (%s) has length %d, another dataset's or the coordinate's has %d", k, l, ds.shape[k], n)
		}
		ds.dims = append(ds.dims, l)
	}
	for k, l := range ds.dims[1:] {
		length[join(g, l)] = ds.shape[k]
	}
	return ""
}

// parent is the group of the dataset p ("/" for a dataset at the root).
func parent(p string) string {
	if i := strings.LastIndex(p, "/"); i > 0 {
		return p[:i]
	}
	return "/"
}

// join is the path of name in the group g.
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

func nanSlice(n int) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = math.NaN()
	}
	return v
}
