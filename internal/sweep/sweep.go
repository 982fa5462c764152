// Copyright ©2026 The rgflow Authors. All rights reserved.

package sweep

import (
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"rgflow/internal/rng"
)

// Spec is the `sweep:` section of a study configuration.
type Spec struct {
	// Experiment names the program that runs the tasks: a directory under
	// experiments/ (freefield, phi4, …).
	Experiment string `mapstructure:"experiment" yaml:"experiment"`
	// Preset is the experiment preset (--preset) every task starts from.
	Preset string `mapstructure:"preset" yaml:"preset,omitempty"`
	// Name is the Slurm job name (default: the experiment's name).
	Name string `mapstructure:"name" yaml:"name,omitempty"`
	// Axes are the swept parameters, outermost first.
	Axes []Axis `mapstructure:"axes" yaml:"axes"`
	// Replicas is the number of independent runs per parameter point (0
	// means 1).
	Replicas int `mapstructure:"replicas" yaml:"replicas"`
	// Slurm holds the batch settings used by `sweep slurm`.
	Slurm Slurm `mapstructure:"slurm" yaml:"slurm"`
}

// Axis is one swept configuration key: either Values, or a Range.
type Axis struct {
	Key string `mapstructure:"key" yaml:"key"`
	// Values are the settings of Key, as the configuration file gives them:
	// numbers, strings, booleans or lists (for list-valued keys such as
	// lattice.dims).
	Values []any  `mapstructure:"values" yaml:"values,omitempty"`
	Range  *Range `mapstructure:"range" yaml:"range,omitempty"`
}

// Range is Num values from Start to Stop inclusive, evenly spaced, or
// geometrically spaced when Log is set.
type Range struct {
	Start float64 `mapstructure:"start" yaml:"start"`
	Stop  float64 `mapstructure:"stop" yaml:"stop"`
	Num   int     `mapstructure:"num" yaml:"num"`
	Log   bool    `mapstructure:"log" yaml:"log"`
}

// Slurm holds what `sweep slurm` writes into the #SBATCH header.
type Slurm struct {
	Partition   string `mapstructure:"partition" yaml:"partition"`
	Account     string `mapstructure:"account" yaml:"account"`
	Time        string `mapstructure:"time" yaml:"time"`
	Mem         string `mapstructure:"mem" yaml:"mem"`
	CPUsPerTask int    `mapstructure:"cpus_per_task" yaml:"cpus_per_task"`
	// MaxParallel caps the number of array tasks running at once (%K).
	MaxParallel int `mapstructure:"max_parallel" yaml:"max_parallel"`
	// SignalLead is how many seconds before the time limit Slurm sends
	// USR1, so the run can checkpoint.
	SignalLead int `mapstructure:"signal_lead" yaml:"signal_lead"`
	// MergeTime is the time limit of the merge job.
	MergeTime string `mapstructure:"merge_time" yaml:"merge_time"`
}

// DefaultSlurm is the batch setup used for keys the configuration leaves
// empty.
var DefaultSlurm = Slurm{Time: "01:00:00", Mem: "4G", CPUsPerTask: 2, MaxParallel: 8, SignalLead: 120, MergeTime: "00:30:00"}

// Point is one task of a sweep.
type Point struct {
	Task    int
	Index   int // parameter point
	Replica int
	// Keys and Values are the point's settings, in axis order; Values are
	// rendered by Format.
	Keys, Values []string
}

// Overrides returns the point's settings as key=value strings for --set.
func (p Point) Overrides() []string {
	out := make([]string, len(p.Keys))
	for i := range p.Keys {
		out[i] = p.Keys[i] + "=" + p.Values[i]
	}
	return out
}

// Seed returns the task's seed, derived from the study's base seed, the
// parameter point and the replica. It is never 0 (which a run reads as
// "draw a seed").
func (p Point) Seed(base uint64) uint64 {
	hi, lo := rng.Derive(base, 0x7377656570, uint64(p.Index), uint64(p.Replica))
	if s := hi ^ lo; s != 0 {
		return s
	}
	return 1
}

// reserved are keys a sweep may not vary: the task sets them itself.
var reserved = map[string]string{
	"seed": "every task's seed is derived from the base seed; use replicas for independent runs",
	"out":  "every task writes task-NNNN.h5 in the study directory",
}

// Validate reports every problem of s at once, each naming the key.
func (s *Spec) Validate() error {
	var errs []string
	if s.Experiment == "" {
		errs = append(errs, "sweep.experiment is empty: name the experiment that runs the tasks (e.g. freefield)")
	} else if !validName(s.Experiment) {
		errs = append(errs, fmt.Sprintf("sweep.experiment = %q: must name a directory under experiments/ ([a-z0-9_])", s.Experiment))
	}
	if s.Preset != "" && !validName(s.Preset) {
		errs = append(errs, fmt.Sprintf("sweep.preset = %q: preset names are [a-z0-9_]", s.Preset))
	}
	if s.Name != "" {
		if err := checkDirective("sweep.name", s.Name); err != nil {
			errs = append(errs, err.Error())
		}
	}
	seen := map[string]bool{}
	for i, a := range s.Axes {
		name := fmt.Sprintf("sweep.axes[%d]", i)
		switch {
		case a.Key == "":
			errs = append(errs, name+".key is empty: name the configuration key to sweep (e.g. lattice.dims)")
		case !validKey(a.Key):
			errs = append(errs, fmt.Sprintf("%s.key = %q: keys are dotted lower-case names ([a-z0-9_.])", name, a.Key))
		case seen[a.Key]:
			errs = append(errs, fmt.Sprintf("%s.key = %q appears twice", name, a.Key))
		case reserved[a.Key] != "":
			errs = append(errs, fmt.Sprintf("%s.key = %q cannot be swept: %s", name, a.Key, reserved[a.Key]))
		}
		seen[a.Key] = true
		switch {
		case len(a.Values) > 0 && a.Range != nil:
			errs = append(errs, name+": give either values or range, not both")
		case len(a.Values) == 0 && a.Range == nil:
			errs = append(errs, name+": give values (a list) or range {start, stop, num}")
		case a.Range != nil:
			r := a.Range
			if r.Num < 1 {
				errs = append(errs, fmt.Sprintf("%s.range.num = %d: must be ≥ 1", name, r.Num))
			}
			if math.IsNaN(r.Start) || math.IsNaN(r.Stop) || math.IsInf(r.Start, 0) || math.IsInf(r.Stop, 0) {
				errs = append(errs, name+".range: start and stop must be finite")
			}
			if r.Log && (r.Start <= 0 || r.Stop <= 0) {
				errs = append(errs, fmt.Sprintf("%s.range: log spacing needs start, stop > 0 (got %v, %v)", name, r.Start, r.Stop))
			}
		}
		texts := map[string]bool{}
		for j, v := range a.Values {
			t, err := Format(v)
			switch {
			case err != nil:
				errs = append(errs, fmt.Sprintf("%s.values[%d]: %v", name, j, err))
			case strings.ContainsAny(t, "\n\r\x00"):
				errs = append(errs, fmt.Sprintf("%s.values[%d] contains a control character", name, j))
			case texts[t]:
				errs = append(errs, fmt.Sprintf("%s.values[%d] = %s repeats an earlier value (use replicas for repeated runs)", name, j, t))
			}
			texts[t] = true
		}
	}
	if s.Replicas < 0 {
		errs = append(errs, fmt.Sprintf("sweep.replicas = %d: must be ≥ 1 (0 means 1)", s.Replicas))
	}
	errs = append(errs, s.Slurm.validate()...)
	if len(errs) > 0 {
		return fmt.Errorf("invalid sweep:\n  %s", strings.Join(errs, "\n  "))
	}
	return nil
}

func validKey(k string) bool {
	if k == "" || k[0] == '.' || k[len(k)-1] == '.' || strings.Contains(k, "..") {
		return false
	}
	for _, c := range k {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

// validName reports whether s is a plain lower-case name ([a-z0-9_]), as
// experiment directories and presets are.
func validName(s string) bool {
	return validKey(s) && !strings.Contains(s, ".")
}

// Format renders a configuration value as the YAML text that --set parses
// back to it: strings as they are, numbers in their shortest exact form,
// lists and maps in YAML flow style.
func Format(v any) (string, error) {
	switch x := v.(type) {
	case nil:
		return "", fmt.Errorf("empty value")
	case string:
		return x, nil
	case bool:
		return strconv.FormatBool(x), nil
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64), nil
	case float32:
		return strconv.FormatFloat(float64(x), 'g', -1, 32), nil
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(rv.Int(), 10), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return strconv.FormatUint(rv.Uint(), 10), nil
	case reflect.Slice, reflect.Array, reflect.Map:
		var n yaml.Node
		if err := n.Encode(v); err != nil {
			return "", err
		}
		flowStyle(&n)
		b, err := yaml.Marshal(&n)
		if err != nil {
			return "", err
		}
		return strings.TrimSpace(string(b)), nil
	}
	return "", fmt.Errorf("unsupported value %v of type %T", v, v)
}

func flowStyle(n *yaml.Node) {
	if n.Kind == yaml.SequenceNode || n.Kind == yaml.MappingNode {
		n.Style = yaml.FlowStyle
	}
	for _, c := range n.Content {
		flowStyle(c)
	}
}

// AxisValues returns the values of axis a rendered by Format (a value that
// Format refuses, which Validate reports, renders as "").
func (a Axis) AxisValues() []string {
	if a.Range == nil {
		out := make([]string, len(a.Values))
		for i, v := range a.Values {
			out[i], _ = Format(v)
		}
		return out
	}
	r := a.Range
	out := make([]string, max(r.Num, 0))
	for i := range out {
		out[i] = strconv.FormatFloat(r.At(i), 'g', -1, 64)
	}
	return out
}

// At returns value i of the range: Start for i = 0, Stop exactly for
// i = Num−1, evenly or geometrically spaced in between.
func (r Range) At(i int) float64 {
	switch {
	case r.Num == 1 || i == 0:
		return r.Start
	case i == r.Num-1:
		return r.Stop // exact endpoint, no round-off
	case r.Log:
		return r.Start * math.Pow(r.Stop/r.Start, float64(i)/float64(r.Num-1))
	default:
		return r.Start + float64(i)*(r.Stop-r.Start)/float64(r.Num-1)
	}
}

// Numeric returns the values of axis a as numbers when every value is a
// number (a range, or a list of integers and floats), and ok = false
// otherwise.
func (a Axis) Numeric() (vals []float64, ok bool) {
	if a.Range != nil {
		vals = make([]float64, max(a.Range.Num, 0))
		for i := range vals {
			vals[i] = a.Range.At(i)
		}
		return vals, true
	}
	vals = make([]float64, len(a.Values))
	for i, v := range a.Values {
		rv := reflect.ValueOf(v)
		switch rv.Kind() {
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			vals[i] = float64(rv.Int())
		case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
			vals[i] = float64(rv.Uint())
		case reflect.Float32, reflect.Float64:
			vals[i] = rv.Float()
		default:
			return nil, false
		}
	}
	return vals, true
}

// Len returns the number of tasks: the product of the axis lengths times
// the replicas (1 for a sweep without axes).
func (s *Spec) Len() int {
	n := max(s.Replicas, 1)
	for _, a := range s.Axes {
		n *= len(a.AxisValues())
	}
	return n
}

// Points returns the number of parameter points (tasks without replicas).
func (s *Spec) Points() int { return s.Len() / max(s.Replicas, 1) }

// Coords returns the index along every axis of parameter point index.
func (s *Spec) Coords(index int) []int {
	c := make([]int, len(s.Axes))
	for i := len(s.Axes) - 1; i >= 0; i-- {
		n := len(s.Axes[i].AxisValues())
		c[i] = index % n
		index /= n
	}
	return c
}

// Point returns task n.
func (s *Spec) Point(n int) (Point, error) {
	if n < 0 || n >= s.Len() {
		return Point{}, fmt.Errorf("task %d out of range: the sweep has tasks 0…%d", n, s.Len()-1)
	}
	reps := max(s.Replicas, 1)
	p := Point{Task: n, Index: n / reps, Replica: n % reps}
	p.Keys = make([]string, len(s.Axes))
	p.Values = make([]string, len(s.Axes))
	for i, c := range s.Coords(p.Index) {
		p.Keys[i] = s.Axes[i].Key
		p.Values[i] = s.Axes[i].AxisValues()[c]
	}
	return p, nil
}

// Tasks returns every task in order.
func (s *Spec) Tasks() []Point {
	out := make([]Point, s.Len())
	for n := range out {
		out[n], _ = s.Point(n)
	}
	return out
}

// Table renders the task table printed by --list-tasks: task, point,
// replica, the value of every axis, the seed and the file.
func (s *Spec) Table(base uint64) string {
	tasks := s.Tasks()
	head := []string{"task", "point", "replica"}
	for _, a := range s.Axes {
		head = append(head, a.Key)
	}
	head = append(head, "seed", "file")
	rows := [][]string{head}
	for _, p := range tasks {
		r := []string{strconv.Itoa(p.Task), strconv.Itoa(p.Index), strconv.Itoa(p.Replica)}
		r = append(r, p.Values...)
		r = append(r, strconv.FormatUint(p.Seed(base), 10), TaskFile(p.Task))
		rows = append(rows, r)
	}
	width := make([]int, len(head))
	for _, r := range rows {
		for i, c := range r {
			width[i] = max(width[i], len([]rune(c)))
		}
	}
	var b strings.Builder
	for _, r := range rows {
		for i, c := range r {
			if i > 0 {
				b.WriteString("  ")
			}
			b.WriteString(c)
			if i < len(r)-1 {
				b.WriteString(strings.Repeat(" ", width[i]-len([]rune(c))))
			}
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// TaskFile returns the file name of task n, task-NNNN.h5.
func TaskFile(n int) string { return fmt.Sprintf("task-%04d.h5", n) }

// StudyFile is the name of the merged file in the study directory.
const StudyFile = "study.h5"
