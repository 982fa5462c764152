// Copyright ©2026 The rgflow Authors. All rights reserved.

package main

import (
	"rgflow/experiments/internal/pipeline"
	"rgflow/field"
)

// Ensemble sets: each draws its chains from its own streams.
const (
	setPilot = iota
	setTrain
	setHeld
	setRef
)

var setNames = [...]string{"pilot", "training", "held-out", "reference"}

// globalFlip is pipeline.GlobalFlip.
func globalFlip(res *field.RunResult, seed uint64, set int) { pipeline.GlobalFlip(res, seed, set) }
