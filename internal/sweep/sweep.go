// Copyright ©2026 The rgflow Authors. All rights reserved.

// Package sweep turns the `sweep:` section of an experiment's configuration
// into numbered tasks, and tasks into Slurm batch scripts.
//
// A sweep lists parameter axes, each a configuration key with a list of
// values or a numeric range. Their Cartesian product is numbered row-major
// (the last axis varies fastest), and every point may be repeated Replicas
// times with independent seeds: task n runs point n / Replicas, replica
// n % Replicas, with the seed rng.Derive(base, point, replica). A task's
// configuration is the base configuration with the point's values applied as
// `--set key=value` overrides, so a task is exactly reproducible from its
// file's stored configuration.
//
// Values that reach a shell script are either single-quoted (paths, config
// files) or checked against a strict character set (#SBATCH directive
// values, which sbatch parses itself): a hostile string in a configuration
// never becomes a command.
package sweep

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"rgflow/internal/rng"
)

// Spec is the `sweep:` section of an experiment configuration.
type Spec struct {
	// Axes are the swept parameters, outermost first.
	Axes []Axis `mapstructure:"axes" yaml:"axes"`
	// Replicas is the number of independent runs per parameter point.
	Replicas int `mapstructure:"replicas" yaml:"replicas"`
	// Slurm holds the batch settings used by `sweep slurm`.
	Slurm Slurm `mapstructure:"slurm" yaml:"slurm"`
}

// Axis is one swept configuration key: either Values, or a Range.
type Axis struct {
	Key    string   `mapstructure:"key" yaml:"key"`
	Values []string `mapstructure:"values" yaml:"values,omitempty"`
	Range  *Range   `mapstructure:"range" yaml:"range,omitempty"`
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
}

// DefaultSlurm is the batch setup used for keys the configuration leaves
// empty.
var DefaultSlurm = Slurm{Time: "01:00:00", Mem: "4G", CPUsPerTask: 2, MaxParallel: 8, SignalLead: 120}

// Point is one task of a sweep.
type Point struct {
	Task    int
	Index   int // parameter point
	Replica int
	// Keys and Values are the point's settings, in axis order.
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

// Seed returns the task's seed, derived from the run's base seed, the
// parameter point and the replica.
func (p Point) Seed(base uint64) uint64 {
	hi, lo := rng.Derive(base, 0x7377656570, uint64(p.Index), uint64(p.Replica))
	return hi ^ lo
}

// Validate reports every problem of s at once, each naming the key.
func (s *Spec) Validate() error {
	var errs []string
	seen := map[string]bool{}
	for i, a := range s.Axes {
		name := fmt.Sprintf("sweep.axes[%d]", i)
		if a.Key == "" {
			errs = append(errs, name+".key is empty: name the configuration key to sweep (e.g. lattice.L)")
		} else if !validKey(a.Key) {
			errs = append(errs, fmt.Sprintf("%s.key = %q: keys are dotted lower-case names ([a-z0-9_.])", name, a.Key))
		} else if seen[a.Key] {
			errs = append(errs, fmt.Sprintf("%s.key = %q appears twice", name, a.Key))
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
		for j, v := range a.Values {
			if strings.ContainsAny(v, "\n\r\x00") {
				errs = append(errs, fmt.Sprintf("%s.values[%d] contains a control character", name, j))
			}
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
	if k == "" || k[0] == '.' || k[len(k)-1] == '.' {
		return false
	}
	for _, c := range k {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

// AxisValues returns the values of axis a as strings.
func (a Axis) AxisValues() []string {
	if a.Range == nil {
		return a.Values
	}
	r := a.Range
	out := make([]string, r.Num)
	for i := 0; i < r.Num; i++ {
		var v float64
		switch {
		case r.Num == 1:
			v = r.Start
		case i == r.Num-1:
			v = r.Stop // exact endpoint, no round-off
		case r.Log:
			v = r.Start * math.Pow(r.Stop/r.Start, float64(i)/float64(r.Num-1))
		default:
			v = r.Start + float64(i)*(r.Stop-r.Start)/float64(r.Num-1)
		}
		out[i] = strconv.FormatFloat(v, 'g', -1, 64)
	}
	return out
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

// Point returns task n.
func (s *Spec) Point(n int) (Point, error) {
	if n < 0 || n >= s.Len() {
		return Point{}, fmt.Errorf("task %d out of range: the sweep has tasks 0…%d", n, s.Len()-1)
	}
	reps := max(s.Replicas, 1)
	p := Point{Task: n, Index: n / reps, Replica: n % reps}
	idx := p.Index
	p.Keys = make([]string, len(s.Axes))
	p.Values = make([]string, len(s.Axes))
	for i := len(s.Axes) - 1; i >= 0; i-- {
		vals := s.Axes[i].AxisValues()
		p.Keys[i] = s.Axes[i].Key
		p.Values[i] = vals[idx%len(vals)]
		idx /= len(vals)
	}
	return p, nil
}

// Points returns every task in order.
func (s *Spec) Points() []Point {
	out := make([]Point, s.Len())
	for n := range out {
		out[n], _ = s.Point(n)
	}
	return out
}

// Table renders the task table printed by --list-tasks.
func (s *Spec) Table(base uint64) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%-6s %-6s %-7s", "task", "point", "replica")
	for _, a := range s.Axes {
		fmt.Fprintf(&b, " %-14s", a.Key)
	}
	fmt.Fprintf(&b, " %s\n", "seed")
	for _, p := range s.Points() {
		fmt.Fprintf(&b, "%-6d %-6d %-7d", p.Task, p.Index, p.Replica)
		for _, v := range p.Values {
			fmt.Fprintf(&b, " %-14s", v)
		}
		fmt.Fprintf(&b, " %d\n", p.Seed(base))
	}
	return b.String()
}

// TaskFile returns the file name of task n, task-NNNN.h5.
func TaskFile(n int) string { return fmt.Sprintf("task-%04d.h5", n) }
