// Copyright ©2026 The rgflow Authors. All rights reserved.

// Package benchutil runs interleaved benchmark rounds and reports medians and
// ratios for the benchmark programs of rgflow (the internal/*bench commands).
//
// The programs compare an implementation with its references on a machine
// that other work shares, so no single timing means much: every round times
// every side once, the order of the sides rotating from round to round so
// that drifts in the machine's load fall on all of them alike (Run, Order),
// and the report gives the median over the rounds of each side (Median) and
// of the per-round ratios between sides, with their range (Ratios,
// Summarise). The package also holds what the programs otherwise each wrote
// for themselves: a flag set that reports instead of exiting (NewFlags),
// comma-separated integer lists (Ints), and the child process that runs a
// Python reference and answers one line per request (Child).
package benchutil
