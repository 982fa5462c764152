// Copyright ©2026 The rgflow Authors. All rights reserved.

package sweep

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"

	"rgflow/internal/h5io"
)

// inspect classifies the file of task t and checks it against the study,
// whose task 0 has the point p0 and the flattened configuration expected;
// it returns the reasons to refuse the merge.
func inspect(s Study, t *Task, expected map[string]any, p0 Point) []string {
	path := filepath.Join(s.Dir, t.File)
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		t.State = TaskMissing
		return nil
	}
	f, err := h5io.Open(path)
	if err == nil {
		defer f.Close()
		t.info, err = f.Info()
	}
	if err != nil {
		if errors.Is(err, h5io.ErrSchema) {
			return []string{fmt.Sprintf("%s: %v", t.File, err)}
		}
		t.State, t.Detail = TaskUnreadable, err.Error()
		return nil
	}
	var bad []string
	if in := t.info; in.SchemaVersion != h5io.SchemaVersion {
		bad = append(bad, fmt.Sprintf("%s: schema version %d, this merge writes %d", t.File, in.SchemaVersion, h5io.SchemaVersion))
	}
	if t.info.Experiment != s.Spec.Experiment {
		bad = append(bad, fmt.Sprintf("%s: written by %q, the study runs %q", t.File, t.info.Experiment, s.Spec.Experiment))
	}
	bad, ok := checkPlace(f, t, expected, p0, bad)
	if !ok {
		return bad
	}
	stored, err := flatYAML(t.info.Config)
	if err != nil {
		return append(bad, fmt.Sprintf("%s: stored configuration: %v", t.File, err))
	}
	if diffs := configDiffs(t, stored, expected); len(diffs) > 0 {
		bad = append(bad, fmt.Sprintf("%s: configuration differs from the study's: %s", t.File, strings.Join(diffs, "; ")))
	}
	if len(bad) > 0 {
		return bad
	}
	setState(f, t)
	return nil
}

// checkPlace reads the task's place in the sweep from the root attributes
// of its file f and appends to bad what does not fit the study; ok is
// false when f is not a task file of a sweep at all.
func checkPlace(f *h5io.File, t *Task, expected map[string]any, p0 Point, bad []string) (_ []string, ok bool) {
	var task int64
	var keys, vals string
	errs := []error{f.Attr("/", AttrTask, &task), f.Attr("/", AttrBaseSeed, &t.base),
		f.Attr("/", AttrKeys, &keys), f.Attr("/", AttrValues, &vals)}
	if err := errors.Join(errs...); err != nil {
		return append(bad, fmt.Sprintf("%s: not a task file of a sweep (%v)", t.File, err)), false
	}
	wantKeys, _ := json.Marshal(t.Point.Keys)
	wantVals, _ := json.Marshal(t.Point.Values)
	if task != int64(t.Point.Task) || keys != string(wantKeys) || vals != string(wantVals) {
		bad = append(bad, fmt.Sprintf("%s: records task %d with %s = %s; the study's task %d has %s = %s", t.File, task, keys, vals, t.Point.Task, wantKeys, wantVals))
	}
	if p0.Seed(t.base) != asUint(expected["seed"]) {
		bad = append(bad, fmt.Sprintf("%s: base seed %d, but the study now resolves another base seed", t.File, t.base))
	}
	return bad, true
}

// configDiffs compares the configuration stored in a task's file with the
// study's: they may differ only in the swept keys (which must hold the
// task's values), seed (which must be the task's) and out.
func configDiffs(t *Task, stored, expected map[string]any) []string {
	swept := map[string]string{}
	for i, k := range t.Point.Keys {
		swept[k] = t.Point.Values[i]
	}
	var diffs []string
	for _, k := range unionKeys(stored, expected) {
		sv, sok := stored[k]
		ev, eok := expected[k]
		switch {
		case k == "out":
		case k == "seed":
			if asUint(sv) != t.Point.Seed(t.base) {
				diffs = append(diffs, fmt.Sprintf("seed = %v, want %d (derived from base seed %d)", sv, t.Point.Seed(t.base), t.base))
			}
		case !sok || !eok:
			diffs = append(diffs, fmt.Sprintf("%s is %s in the file, %s in the study", k, show(sv, sok), show(ev, eok)))
		case swept[k] != "":
			if !sameValue(sv, parseValue(swept[k])) {
				diffs = append(diffs, fmt.Sprintf("%s = %s, but task %d sets %s", k, show(sv, true), t.Point.Task, swept[k]))
			}
		case !sameValue(sv, ev):
			diffs = append(diffs, fmt.Sprintf("%s = %s, the study has %s", k, show(sv, true), show(ev, true)))
		}
	}
	return diffs
}

// setState sets the state of a task whose file f fits the study from the
// file's status.
func setState(f *h5io.File, t *Task) {
	switch t.info.Status {
	case h5io.StatusComplete:
		t.State = TaskComplete
	case h5io.StatusFailed:
		t.State = TaskFailed
		f.Attr("/", "error", &t.Detail)
	case h5io.StatusInterrupted:
		t.State, t.Detail = TaskInterrupted, "stopped after a checkpoint; resubmit (or rerun sweep local) to continue it"
	default:
		t.State, t.Detail = TaskRunning, "status running: still running, or killed (resubmit to resume it from its last checkpoint)"
	}
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
	fa, ea := Format(a)
	fb, eb := Format(b)
	if ea != nil || eb != nil {
		return reflect.DeepEqual(a, b)
	}
	return fa == fb
}

func show(v any, ok bool) string {
	if !ok {
		return "absent"
	}
	if s, err := Format(v); err == nil {
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
