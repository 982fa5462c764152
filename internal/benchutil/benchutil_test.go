// Copyright ©2026 The rgflow Authors. All rights reserved.

package benchutil

import (
	"errors"
	"io"
	"math"
	"os/exec"
	"slices"
	"testing"
)

func TestMedian(t *testing.T) {
	for _, c := range []struct {
		x    []float64
		want float64
	}{
		{[]float64{3}, 3},
		{[]float64{5, 1, 3}, 3},          // odd: the middle value
		{[]float64{4, 1, 3, 2}, 2.5},     // even: the mean of the two middle values
		{[]float64{7, 7, 1, 9, 8, 2}, 7}, // even, equal middle values
	} {
		x := slices.Clone(c.x)
		if got := Median(x); got != c.want {
			t.Errorf("Median(%v) = %g, want %g", c.x, got, c.want)
		}
		if !slices.Equal(x, c.x) {
			t.Errorf("Median(%v) reordered its argument to %v", c.x, x)
		}
	}
	if got := Median(nil); !math.IsNaN(got) {
		t.Errorf("Median(nil) = %g, want NaN", got)
	}
}

func TestOrder(t *testing.T) {
	for _, c := range []struct {
		round, n int
		want     []int
	}{
		{0, 3, []int{0, 1, 2}},
		{1, 3, []int{1, 2, 0}},
		{2, 3, []int{2, 0, 1}},
		{3, 3, []int{0, 1, 2}},
		{0, 2, []int{0, 1}},
		{1, 2, []int{1, 0}},
		{5, 1, []int{0}},
	} {
		if got := Order(c.round, c.n); !slices.Equal(got, c.want) {
			t.Errorf("Order(%d, %d) = %v, want %v", c.round, c.n, got, c.want)
		}
	}
}

func TestRun(t *testing.T) {
	type call struct{ round, side int }
	var got []call
	err := Run(3, 2, func(r, i int) error {
		got = append(got, call{r, i})
		return nil
	})
	want := []call{{0, 0}, {0, 1}, {1, 1}, {1, 0}, {2, 0}, {2, 1}}
	if err != nil || !slices.Equal(got, want) {
		t.Errorf("Run(3, 2) called %v, %v; want %v, nil", got, err, want)
	}

	stop := errors.New("stop")
	n := 0
	err = Run(5, 3, func(r, i int) error {
		n++
		if r == 1 && i == 2 {
			return stop
		}
		return nil
	})
	if err != stop || n != 5 {
		t.Errorf("Run stopping at round 1, side 2: %d calls, %v; want 5, %v", n, err, stop)
	}
}

func TestRound(t *testing.T) {
	var got []string
	side := func(name string) func() error {
		return func() error { got = append(got, name); return nil }
	}
	for r := range 3 {
		if err := Round(r, side("a"), side("b"), side("c")); err != nil {
			t.Fatal(err)
		}
	}
	if want := []string{"a", "b", "c", "b", "c", "a", "c", "a", "b"}; !slices.Equal(got, want) {
		t.Errorf("three rounds ran %v, want %v", got, want)
	}
}

func TestRatios(t *testing.T) {
	a := []float64{2, 3, 8}
	b := []float64{1, 2, 4}
	r := Ratios(a, b)
	if want := []float64{2, 1.5, 2}; !slices.Equal(r, want) {
		t.Errorf("Ratios = %v, want %v", r, want)
	}
	if s, want := Summarise(r), (Summary{Median: 2, Min: 1.5, Max: 2}); s != want {
		t.Errorf("Summarise(%v) = %+v, want %+v", r, s, want)
	}
	// The median of the per-round ratios is not the ratio of the medians.
	if m := Median(a) / Median(b); m != 1.5 {
		t.Errorf("ratio of medians = %g, want 1.5", m)
	}
	defer func() {
		if recover() == nil {
			t.Error("Ratios of different lengths did not panic")
		}
	}()
	Ratios(a, b[:2])
}

func TestInts(t *testing.T) {
	got, err := Ints(" 16, 32,64", 3)
	if err != nil || !slices.Equal(got, []int{16, 32, 64}) {
		t.Errorf("Ints = %v, %v", got, err)
	}
	for _, s := range []string{"", "2", "16,x", "8,,9"} {
		if v, err := Ints(s, 3); err == nil {
			t.Errorf("Ints(%q, 3) = %v, want an error", s, v)
		}
	}
}

func TestFlagsParse(t *testing.T) {
	for _, c := range []struct {
		args []string
		code int
		ok   bool
	}{
		{nil, 0, true},
		{[]string{"-rounds", "3"}, 0, true},
		{[]string{"-h"}, 0, false},
		{[]string{"-bogus"}, 2, false},
		{[]string{"-rounds", "x"}, 2, false},
	} {
		fs := NewFlags("test", io.Discard)
		fs.Int("rounds", 1, "rounds")
		if code, ok := fs.Parse(c.args); code != c.code || ok != c.ok {
			t.Errorf("Parse(%q) = %d, %v; want %d, %v", c.args, code, ok, c.code, c.ok)
		}
	}
}

func TestChild(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh")
	}
	t.Setenv("OPENBLAS_CORETYPE", "Haswell")
	t.Setenv("BENCHUTIL_DROP", "1")
	// The child echoes each request with the environment it sees.
	c, err := StartChild(sh, []string{"-c", `while read x; do echo "$x ${OPENBLAS_CORETYPE:-none} ${BENCHUTIL_DROP:-none} $THREADS"; done`},
		[]string{"BENCHUTIL_DROP"}, []string{"THREADS=1"})
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.Ask("ping")
	if want := "ping none none 1"; err != nil || got != want {
		t.Errorf("Ask = %q, %v; want %q", got, err, want)
	}
	if err := c.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
}
