// Copyright ©2026 The rgflow Authors. All rights reserved.

package sweep_test

import (
	"fmt"

	"rgflow/internal/sweep"
)

// A sweep of two axes with two replicas: eight tasks, the last axis
// fastest, each task's point as --set overrides.
func ExampleSpec_Point() {
	s := sweep.Spec{
		Experiment: "freefield",
		Axes: []sweep.Axis{
			{Key: "lattice.dims", Values: []any{[]any{8, 8}, []any{16, 16}}},
			{Key: "field.m2", Range: &sweep.Range{Start: 0.25, Stop: 1, Num: 2}},
		},
		Replicas: 2,
	}
	if err := s.Validate(); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(s.Len(), "tasks")
	for _, n := range []int{0, 1, 2, 7} {
		p, _ := s.Point(n)
		fmt.Println(sweep.TaskFile(n), p.Index, p.Replica, p.Overrides())
	}
	// Output:
	// 8 tasks
	// task-0000.h5 0 0 [lattice.dims=[8, 8] field.m2=0.25]
	// task-0001.h5 0 1 [lattice.dims=[8, 8] field.m2=0.25]
	// task-0002.h5 1 0 [lattice.dims=[8, 8] field.m2=1]
	// task-0007.h5 3 1 [lattice.dims=[16, 16] field.m2=1]
}

// Quote makes any string one literal shell word.
func ExampleQuote() {
	fmt.Println(sweep.Quote("/home/me/it's here; rm -rf /"))
	// Output:
	// '/home/me/it'\''s here; rm -rf /'
}
