// Copyright ©2026 The rgflow Authors. All rights reserved.

package sweep

import (
	"fmt"
	"path/filepath"
	"strings"

	"rgflow/internal/h5io"
)

// Root attributes of a task's file: its place in the sweep, written by the
// experiment that runs the task and checked by Merge.
const (
	AttrTask     = "sweep_task"      // i8: the task number n
	AttrPoint    = "sweep_point"     // i8: the parameter point, n / replicas
	AttrReplica  = "sweep_replica"   // i8: the replica, n % replicas
	AttrTasks    = "sweep_tasks"     // i8: the number of tasks of the sweep
	AttrBaseSeed = "sweep_base_seed" // u8: the study's base seed
	AttrKeys     = "sweep_keys"      // str: JSON list of the swept keys
	AttrValues   = "sweep_values"    // str: JSON list of the point's values, as --set text
)

// TaskState is the state of a task's file at merge time, as the merged
// file's /sweep/status records it.
type TaskState int

// The states of a task's file.
const (
	TaskComplete    TaskState = iota // status complete
	TaskMissing                      // no file
	TaskFailed                       // status failed
	TaskInterrupted                  // stopped after a checkpoint
	TaskRunning                      // status running: still running, or killed
	TaskUnreadable                   // the file cannot be read
)

var stateNames = []string{"complete", "missing", "failed", "interrupted", "running", "unreadable"}

// String returns the name of the state: complete, missing, failed, ….
func (s TaskState) String() string { return stateNames[s] }

// Study is what Merge needs to know of a study.
type Study struct {
	// Spec is the study's sweep.
	Spec Spec
	// Dir is the study directory, which holds the task files; Merge
	// writes StudyFile there.
	Dir string
	// Config is the text of the study configuration, stored in the
	// merged file.
	Config []byte
	// Task0 is the resolved configuration of task 0 as YAML (the
	// experiment's --print-config): every task file's stored
	// configuration must equal it but for the swept keys, seed and out.
	Task0 string
}

// Task is what Merge learned about one task's file.
type Task struct {
	Point  Point
	File   string // file name, relative to the study directory
	State  TaskState
	Detail string // error of a failed task, why a file is unreadable

	info h5io.Info
	base uint64 // sweep_base_seed
}

// Merged describes a merged file.
type Merged struct {
	Path  string // the merged file
	Tasks []Task
	// Stacked is the number of datasets stacked along the task axis,
	// Coords the number of coordinates alike in every task, written once.
	Stacked, Coords int
	// Unstacked lists the datasets of the task files that the merged
	// file leaves out, each as "path: reason".
	Unstacked []string
}

// Complete returns the number of complete tasks.
func (m *Merged) Complete() int {
	n := 0
	for _, t := range m.Tasks {
		if t.State == TaskComplete {
			n++
		}
	}
	return n
}

// Incomplete describes every task that is not complete, one line each.
func (m *Merged) Incomplete() []string {
	var problems []string
	for n, t := range m.Tasks {
		if t.State != TaskComplete {
			msg := fmt.Sprintf("task %d (%s): %s", n, strings.Join(t.Point.Overrides(), " "), t.State)
			if t.Detail != "" {
				msg += ": " + t.Detail
			}
			problems = append(problems, msg)
		}
	}
	return problems
}

// RefusedError is the error of Merge when task files do not fit the study:
// another schema version, experiment, place in the sweep or configuration.
type RefusedError struct {
	Dir     string
	Reasons []string // one per problem, naming the file
}

func (e *RefusedError) Error() string {
	return fmt.Sprintf("refusing to merge %s: task files do not fit the study (configurations may differ only in the swept keys, seed and out):\n  %s",
		e.Dir, strings.Join(e.Reasons, "\n  "))
}

// Merge checks the task files of the study against it and writes
// StudyFile in its directory: virtual datasets stacking each dataset of
// the complete tasks along a leading task axis (the slabs of the other
// tasks read as fill values, NaN for floats), the task coordinates (task,
// param_<key>, replica) in every group with stacked datasets so that each
// group opens alone in xarray, coordinates alike in every task once, and
// under /sweep the summary table, the swept values and the state of each
// task. The merged file's status is complete when every task is.
//
// Merge returns a *RefusedError, writing nothing, when a task file does
// not fit the study. Incomplete tasks are not an error: Merged lists them.
func Merge(s Study) (*Merged, error) {
	expected, err := flatYAML(s.Task0)
	if err != nil {
		return nil, fmt.Errorf("the configuration of task 0: %v", err)
	}
	p0, _ := s.Spec.Point(0)
	tasks := make([]Task, s.Spec.Len())
	var refuse []string
	for n := range tasks {
		t := &tasks[n]
		t.Point, _ = s.Spec.Point(n)
		t.File = TaskFile(n)
		refuse = append(refuse, inspect(s, t, expected, p0)...)
	}
	if len(refuse) > 0 {
		return nil, &RefusedError{Dir: s.Dir, Reasons: refuse}
	}

	var complete []int
	for n, t := range tasks {
		if t.State == TaskComplete {
			complete = append(complete, n)
		}
	}
	stacked, skipped, err := gather(s.Dir, tasks, complete)
	if err != nil {
		return nil, err
	}
	skipped = layout(s.Spec, stacked, skipped)
	m := &Merged{Path: filepath.Join(s.Dir, StudyFile), Tasks: tasks, Unstacked: skipped}
	if err := writeStudy(m.Path, s, tasks, stacked, skipped); err != nil {
		return nil, fmt.Errorf("write %s: %w", m.Path, err)
	}
	for _, ds := range stacked {
		if ds.coord == nil {
			m.Stacked++
		} else {
			m.Coords++
		}
	}
	return m, nil
}
