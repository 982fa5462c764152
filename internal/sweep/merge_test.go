// Copyright ©2026 The rgflow Authors. All rights reserved.

package sweep

import (
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"rgflow/internal/h5io"
)

// mergeSpec is the study of the merge tests: two values of field.m2, one
// replica each.
var mergeSpec = Spec{Experiment: "toy", Axes: []Axis{{Key: "field.m2", Values: []any{0.25, 0.5}}}}

const mergeBase = 7

// taskConfig is the resolved configuration of the task at p, as the
// experiment would store it.
func taskConfig(p Point, m2 string) string {
	return fmt.Sprintf("seed: %d\nout: study/%s\nfield:\n  m2: %s\n  steps: 3\n", p.Seed(mergeBase), TaskFile(p.Task), m2)
}

// writeTask is writeTaskFile in a test.
func writeTask(t *testing.T, dir string, n int, status h5io.Status) {
	t.Helper()
	if err := writeTaskFile(dir, n, status); err != nil {
		t.Fatal(err)
	}
}

// writeTaskFile writes the file of task n of mergeSpec into dir, as the
// experiment would: its place in the sweep, a coordinate t alike in every
// task, a series over t, a scalar estimate with an error and a dataset
// whose length differs between tasks.
func writeTaskFile(dir string, n int, status h5io.Status) (err error) {
	p, _ := mergeSpec.Point(n)
	f, err := h5io.Create(filepath.Join(dir, TaskFile(n)), h5io.Meta{Experiment: "toy", Config: taskConfig(p, p.Values[0]), Seed: p.Seed(mergeBase)}, h5io.CreateOptions{})
	if err != nil {
		return err
	}
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}()
	keys, _ := json.Marshal(p.Keys)
	vals, _ := json.Marshal(p.Values)
	m2 := []float64{0.25, 0.5}[n]
	for k, v := range map[string]any{AttrTask: int64(n), AttrPoint: int64(p.Index), AttrReplica: int64(0), AttrTasks: int64(2),
		AttrBaseSeed: uint64(mergeBase), AttrKeys: string(keys), AttrValues: string(vals)} {
		if err := f.SetAttr("/", k, v); err != nil {
			return err
		}
	}
	if err := f.CreateScale("/flow/t", "t", []float64{0, 0.5, 1}, "1", "flow time"); err != nil {
		return err
	}
	if _, err := f.Put("/flow/kl", h5io.Spec{Dtype: h5io.Float64, Shape: []int64{3}, Units: "1", Description: "relative entropy",
		Dims: []string{"t"}, Scales: []string{"/flow/t"}}, []float64{m2, m2 / 2, m2 / 4}); err != nil {
		return err
	}
	d, err := f.Put("/estimates/chi", h5io.Spec{Dtype: h5io.Float64, Shape: []int64{}, Units: "1", Description: "susceptibility"}, []float64{1 / m2})
	if err != nil {
		return err
	}
	if err := d.SetAttr("error", 0.1*float64(n+1)); err != nil {
		return err
	}
	if _, err := f.Put("/ragged", h5io.Spec{Dtype: h5io.Int64, Shape: []int64{int64(n + 1)}}, make([]int64, n+1)); err != nil {
		return err
	}
	return f.SetStatus(status)
}

// Two tasks of a sweep over field.m2 have written their files (here
// writeTaskFile stands for the experiment); Merge checks them against the
// study and stacks them into study.h5.
func ExampleMerge() {
	dir, err := os.MkdirTemp("", "study")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	for n := range 2 {
		if err := writeTaskFile(dir, n, h5io.StatusComplete); err != nil {
			log.Fatal(err)
		}
	}
	p0, _ := mergeSpec.Point(0)
	m, err := Merge(Study{Spec: mergeSpec, Dir: dir, Config: []byte("study: yes\n"), Task0: taskConfig(p0, "0.25")})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s: %d of %d tasks complete, %d datasets stacked, %d coordinate written once\n",
		filepath.Base(m.Path), m.Complete(), len(m.Tasks), m.Stacked, m.Coords)
	for _, u := range m.Unstacked {
		fmt.Println("not stacked:", u)
	}
	// Output:
	// study.h5: 2 of 2 tasks complete, 2 datasets stacked, 1 coordinate written once
	// not stacked: /ragged: int64 [1] in task-0000.h5, int64 [2] in task-0001.h5
}

func mergeStudy(dir string) Study {
	p0, _ := mergeSpec.Point(0)
	return Study{Spec: mergeSpec, Dir: dir, Config: []byte("study: yes\n"), Task0: taskConfig(p0, "0.25")}
}

// Merge stacks the datasets of two task files along the task axis, writes
// the alike coordinate once, gathers the errors of estimates, leaves out
// what differs in shape, and records the tasks under /sweep.
func TestMergeTwoTasks(t *testing.T) {
	dir := t.TempDir()
	writeTask(t, dir, 0, h5io.StatusComplete)
	writeTask(t, dir, 1, h5io.StatusComplete)
	m, err := Merge(mergeStudy(dir))
	if err != nil {
		t.Fatal(err)
	}
	if m.Complete() != 2 || m.Stacked != 2 || m.Coords != 1 || len(m.Incomplete()) != 0 {
		t.Errorf("complete %d, stacked %d, coords %d, incomplete %q; want 2, 2, 1, none", m.Complete(), m.Stacked, m.Coords, m.Incomplete())
	}
	if len(m.Unstacked) != 1 || !strings.HasPrefix(m.Unstacked[0], "/ragged: int64 [1] in task-0000.h5, int64 [2] in task-0001.h5") {
		t.Errorf("unstacked %q", m.Unstacked)
	}
	f, err := h5io.Open(m.Path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	in, err := f.Info()
	if err != nil || in.Status != h5io.StatusComplete || in.Experiment != "sweep" || in.Config != "study: yes\n" || in.Seed != mergeBase {
		t.Errorf("root %+v, %v", in, err)
	}
	checkFloats(t, f, "/flow/kl", []float64{0.25, 0.125, 0.0625, 0.5, 0.25, 0.125}, []int64{2, 3})
	checkFloats(t, f, "/flow/t", []float64{0, 0.5, 1}, []int64{3})
	checkFloats(t, f, "/estimates/chi", []float64{4, 2}, []int64{2})
	checkFloats(t, f, "/flow/param_field.m2", []float64{0.25, 0.5}, []int64{2})
	checkFloats(t, f, "/sweep/params/field.m2", []float64{0.25, 0.5}, []int64{2})
	var errs []float64
	if err := f.Attr("/estimates/chi", "error", &errs); err != nil || !slices.Equal(errs, []float64{0.1, 0.2}) {
		t.Errorf("/estimates/chi error = %v, %v; want [0.1 0.2]", errs, err)
	}
	var coords string
	if err := f.Attr("/flow/kl", "coordinates", &coords); err != nil || coords != "param_field.m2 replica" {
		t.Errorf("/flow/kl coordinates = %q, %v", coords, err)
	}
	var seeds []uint64
	readAll(t, f, "/sweep/seed", &seeds)
	for n, s := range seeds {
		if p, _ := mergeSpec.Point(n); s != p.Seed(mergeBase) {
			t.Errorf("/sweep/seed[%d] = %d, want %d", n, s, p.Seed(mergeBase))
		}
	}
	var status []int64
	readAll(t, f, "/sweep/status", &status)
	if !slices.Equal(status, []int64{int64(TaskComplete), int64(TaskComplete)}) {
		t.Errorf("/sweep/status = %v", status)
	}
	var files string
	if err := f.Attr("/sweep", "files", &files); err != nil || files != `["task-0000.h5","task-0001.h5"]` {
		t.Errorf("/sweep files = %s, %v", files, err)
	}
}

// A missing task reads as NaN and makes the merged file's status failed;
// a file of another configuration is refused, naming the difference.
func TestMergeMissingAndRefused(t *testing.T) {
	dir := t.TempDir()
	writeTask(t, dir, 1, h5io.StatusComplete)
	m, err := Merge(mergeStudy(dir))
	if err != nil {
		t.Fatal(err)
	}
	if m.Tasks[0].State != TaskMissing || m.Tasks[1].State != TaskComplete {
		t.Errorf("states %v %v, want missing complete", m.Tasks[0].State, m.Tasks[1].State)
	}
	if p := m.Incomplete(); len(p) != 1 || p[0] != "task 0 (field.m2=0.25): missing" {
		t.Errorf("incomplete %q", p)
	}
	f, err := h5io.Open(m.Path)
	if err != nil {
		t.Fatal(err)
	}
	var chi []float64
	readAll(t, f, "/estimates/chi", &chi)
	if len(chi) != 2 || !math.IsNaN(chi[0]) || chi[1] != 2 {
		t.Errorf("/estimates/chi = %v, want [NaN 2]", chi)
	}
	in, _ := f.Info()
	f.Close()
	if in.Status != h5io.StatusFailed {
		t.Errorf("status %s, want failed", in.Status)
	}

	s := mergeStudy(dir)
	s.Task0 = strings.Replace(s.Task0, "steps: 3", "steps: 4", 1)
	_, err = Merge(s)
	var refused *RefusedError
	if !errors.As(err, &refused) || len(refused.Reasons) != 1 || !strings.Contains(refused.Reasons[0], "task-0001.h5: configuration differs from the study's: field.steps = 3, the study has 4") {
		t.Errorf("err = %v, want a refusal naming field.steps", err)
	}
}

func readAll(t *testing.T, f *h5io.File, path string, dst any) []int64 {
	t.Helper()
	d, err := f.OpenDataset(path)
	if err != nil {
		t.Fatal(err)
	}
	shape, err := d.Read(dst)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return shape
}

func checkFloats(t *testing.T, f *h5io.File, path string, want []float64, wantShape []int64) {
	t.Helper()
	var got []float64
	shape := readAll(t, f, path, &got)
	if !slices.Equal(got, want) || !slices.Equal(shape, wantShape) {
		t.Errorf("%s = %v %v, want %v %v", path, got, shape, want, wantShape)
	}
}
