// Copyright ©2026 The rgflow Authors. All rights reserved.

package sweep

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestProductOrder(t *testing.T) {
	s := &Spec{
		Experiment: "phi4",
		Axes: []Axis{
			{Key: "lattice.l", Values: []any{16, 32}},
			{Key: "phi4.kappa", Range: &Range{Start: 0.25, Stop: 0.28, Num: 4}},
		},
		Replicas: 2,
	}
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	if s.Len() != 16 {
		t.Fatalf("Len = %d, want 2·4·2 = 16", s.Len())
	}
	want := [][]string{
		{"16", "0.25"}, {"16", "0.26"}, {"16", "0.27"}, {"16", "0.28"},
		{"32", "0.25"}, {"32", "0.26"}, {"32", "0.27"}, {"32", "0.28"},
	}
	seeds := map[uint64]bool{}
	for n, p := range s.Tasks() {
		if p.Task != n || p.Index != n/2 || p.Replica != n%2 {
			t.Fatalf("task %d: point %d replica %d", n, p.Index, p.Replica)
		}
		for i, v := range want[p.Index] {
			if p.Values[i] != v {
				t.Errorf("task %d: %s = %s, want %s", n, p.Keys[i], p.Values[i], v)
			}
		}
		sd := p.Seed(7)
		if seeds[sd] {
			t.Errorf("task %d: seed %d repeats", n, sd)
		}
		seeds[sd] = true
		if sd != p.Seed(7) || sd == p.Seed(8) {
			t.Errorf("task %d: seed must be a deterministic function of the base seed", n)
		}
	}
	if got := s.Tasks()[5].Overrides(); strings.Join(got, " ") != "lattice.l=16 phi4.kappa=0.27" {
		t.Errorf("overrides of task 5: %v", got)
	}
	if _, err := s.Point(16); err == nil {
		t.Error("task 16 of 16: want error")
	}
}

func TestRangeEndpointsAndLog(t *testing.T) {
	a := Axis{Key: "x", Range: &Range{Start: 0.1, Stop: 0.3, Num: 3}}
	if got := strings.Join(a.AxisValues(), ","); got != "0.1,0.2,0.3" {
		t.Errorf("linear range: %s", got)
	}
	a = Axis{Key: "x", Range: &Range{Start: 1, Stop: 100, Num: 3, Log: true}}
	if got := strings.Join(a.AxisValues(), ","); got != "1,10,100" {
		t.Errorf("log range: %s", got)
	}
}

func TestValidateReportsEverything(t *testing.T) {
	s := &Spec{
		Axes: []Axis{
			{Key: "", Values: []any{"1"}},
			{Key: "a.b"},
			{Key: "a.b", Values: []any{"x"}, Range: &Range{Num: 0}},
			{Key: "Bad Key", Values: []any{"1"}},
			{Key: "seed", Values: []any{1, 2}},
			{Key: "c", Values: []any{0.5, "x\nrm -rf /", 0.5}},
		},
		Replicas: -1,
		Slurm:    Slurm{Partition: "gpu; rm -rf /", Time: "1:00:00\n#SBATCH --x"},
	}
	err := s.Validate()
	if err == nil {
		t.Fatal("want errors")
	}
	for _, want := range []string{"axes[0].key is empty", "axes[1]: give values", "axes[2]: give either", "appears twice", "Bad Key", "replicas", "sweep.slurm.partition", "sweep.slurm.time",
		"sweep.experiment is empty", `"seed" cannot be swept`, "values[1] contains a control character", "values[2] = 0.5 repeats"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
}

// TestQuoteSurvivesTheShell round-trips hostile strings through bash: the
// quoted word must come back verbatim and run nothing.
func TestQuoteSurvivesTheShell(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("bash not found")
	}
	canary := filepath.Join(t.TempDir(), "pwned")
	for _, s := range []string{
		"plain", "with space", "it's", `"double"`, "$(touch " + canary + ")", "`touch " + canary + "`",
		"a;touch " + canary, "$HOME", `back\slash`, "'", "''", "ünïcödé", "*", "-n",
	} {
		out, err := exec.Command(bash, "-c", "printf %s "+Quote(s)).Output()
		if err != nil {
			t.Fatalf("%q: %v", s, err)
		}
		if string(out) != s {
			t.Errorf("Quote(%q) came back as %q", s, out)
		}
	}
	if _, err := os.Stat(canary); err == nil {
		t.Fatal("a quoted string ran a command")
	}
}

func TestRenderRefusesHostileValues(t *testing.T) {
	base := Job{Name: "study", Experiment: "freefield", Config: "/c.yaml", Out: "/scratch/study", Tasks: 4, Interrupted: 3}
	if _, err := base.Render(); err != nil {
		t.Fatal(err)
	}
	for name, j := range map[string]Job{
		"newline in partition": func() Job { j := base; j.Slurm.Partition = "x\nrm -rf /"; return j }(),
		"space in out":         func() Job { j := base; j.Out = "/my study"; return j }(),
		"subshell in name":     func() Job { j := base; j.Name = "$(id)"; return j }(),
		"experiment path":      func() Job { j := base; j.Experiment = "../../bin"; return j }(),
		"no tasks":             func() Job { j := base; j.Tasks = 0; return j }(),
		"relative out":         func() Job { j := base; j.Out = "scratch/study"; return j }(),
		"relative config":      func() Job { j := base; j.Config = "c.yaml"; return j }(),
		"newline in config":    func() Job { j := base; j.Config = "/c\n.yaml"; return j }(),
	} {
		if _, err := j.Render(); err == nil {
			t.Errorf("%s: want error", name)
		}
	}
}

func TestRenderScripts(t *testing.T) {
	j := Job{Name: "study", Experiment: "freefield", Config: "/home/me/it's.yaml", Out: "/scratch/study", Tasks: 6, Interrupted: 3,
		Slurm: Slurm{Partition: "short", MaxParallel: 2}}
	s, err := j.Render()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"#SBATCH --array=0-5%2", "#SBATCH --signal=USR1@120", "#SBATCH --requeue", "#SBATCH --partition=short",
		"#SBATCH --output=/scratch/study/logs/%x_%A_%a.out", "HDF5_USE_FILE_LOCKING=FALSE",
		`--config '/home/me/it'\''s.yaml'`, `if [ "$rc" -eq 3 ]`, "scontrol requeue", "--resume", `--task "$task"`,
		`srun --ntasks=1 --cpus-per-task="${SLURM_CPUS_PER_TASK:-1}" '/scratch/study/bin/freefield'`,
	} {
		if !strings.Contains(s.Array, want) {
			t.Errorf("array script lacks %q:\n%s", want, s.Array)
		}
	}
	if !strings.Contains(s.Submit, "--dependency=afterany:") || !strings.Contains(s.Submit, "cd '/scratch/study'") {
		t.Errorf("submit script:\n%s", s.Submit)
	}
	if !strings.Contains(s.Merge, "exec '/scratch/study/bin/sweep' merge --config '/home/me/it'\\''s.yaml' --out '/scratch/study' --bin '/scratch/study/bin/freefield'") {
		t.Errorf("merge script:\n%s", s.Merge)
	}
	// The scripts are valid bash.
	if bash, err := exec.LookPath("bash"); err == nil {
		for name, body := range map[string]string{"submit": s.Submit, "array": s.Array, "merge": s.Merge} {
			f := filepath.Join(t.TempDir(), name)
			if err := os.WriteFile(f, []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
			if out, err := exec.Command(bash, "-n", f).CombinedOutput(); err != nil {
				t.Errorf("%s script does not parse: %v\n%s", name, err, out)
			}
		}
	}
}

// Values render as the YAML text --set parses back to the same value.
func TestFormat(t *testing.T) {
	for _, c := range []struct {
		v    any
		want string
	}{
		{0.1, "0.1"}, {1e-5, "1e-05"}, {0.30000000000000004, "0.30000000000000004"}, {16, "16"}, {int64(-3), "-3"},
		{uint64(1) << 63, "9223372036854775808"}, {true, "true"}, {"fermi-dirac", "fermi-dirac"},
		{[]any{8, 8}, "[8, 8]"}, {[]int{16, 16, 16}, "[16, 16, 16]"}, {[]any{"a b", 0.5}, "[a b, 0.5]"},
	} {
		got, err := Format(c.v)
		if err != nil || got != c.want {
			t.Errorf("Format(%#v) = %q, %v; want %q", c.v, got, err, c.want)
		}
	}
	if _, err := Format(nil); err == nil {
		t.Error("Format(nil): want error")
	}
}

// Adding replicas or points after a study ran keeps the seeds of the tasks
// that exist: the seed depends on (base, point, replica), not on the task
// number.
func TestSeedsStableUnderGrowth(t *testing.T) {
	small := &Spec{Axes: []Axis{{Key: "x", Values: []any{1, 2}}}, Replicas: 2}
	big := &Spec{Axes: []Axis{{Key: "x", Values: []any{1, 2}}}, Replicas: 3}
	for _, p := range small.Tasks() {
		q, _ := big.Point(p.Index*3 + p.Replica)
		if q.Index != p.Index || q.Replica != p.Replica || q.Seed(9) != p.Seed(9) {
			t.Errorf("task %d: seed changed when replicas grew", p.Task)
		}
	}
}

func TestNumericAndCoords(t *testing.T) {
	s := &Spec{Axes: []Axis{
		{Key: "a", Values: []any{"x", "y", "z"}},
		{Key: "b", Values: []any{1, 2.5}},
		{Key: "c", Range: &Range{Start: 1, Stop: 4, Num: 2, Log: true}},
	}}
	if _, ok := s.Axes[0].Numeric(); ok {
		t.Error("string axis reported numeric")
	}
	if v, ok := s.Axes[1].Numeric(); !ok || v[0] != 1 || v[1] != 2.5 {
		t.Errorf("numeric b: %v %v", v, ok)
	}
	if v, ok := s.Axes[2].Numeric(); !ok || v[0] != 1 || v[1] != 4 {
		t.Errorf("numeric c: %v %v", v, ok)
	}
	if s.Len() != 12 || s.Points() != 12 {
		t.Fatalf("Len %d Points %d", s.Len(), s.Points())
	}
	// Point 7 = (1, 1, 1) in row-major order over extents (3, 2, 2).
	if c := s.Coords(7); c[0] != 1 || c[1] != 1 || c[2] != 1 {
		t.Errorf("Coords(7) = %v", c)
	}
	p, _ := s.Point(7)
	if strings.Join(p.Overrides(), " ") != "a=y b=2.5 c=4" {
		t.Errorf("point 7: %v", p.Overrides())
	}
}

func TestTable(t *testing.T) {
	s := &Spec{Axes: []Axis{{Key: "field.m2", Values: []any{0.25, 1}}}, Replicas: 2}
	tab := s.Table(5)
	lines := strings.Split(strings.TrimSpace(tab), "\n")
	if len(lines) != 5 || !strings.HasPrefix(lines[0], "task") || !strings.Contains(lines[0], "field.m2") {
		t.Fatalf("table:\n%s", tab)
	}
	p, _ := s.Point(3)
	if f := strings.Fields(lines[4]); len(f) != 6 || f[0] != "3" || f[1] != "1" || f[2] != "1" || f[3] != "1" ||
		f[4] != fmt.Sprint(p.Seed(5)) || f[5] != "task-0003.h5" {
		t.Errorf("row of task 3: %q", lines[4])
	}
}
