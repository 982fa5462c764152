// Copyright ©2026 The rgflow Authors. All rights reserved.

// Package pipeline holds the stages the experiment programs share: the
// configuration sections of the lattice, the Polchinski flow, the network,
// training and generation; a Runner that executes stages with a checkpoint
// at every boundary; and the stages themselves — exact Gaussian ensembles
// (SampleGaussian, FreeStart), the flow of the training fields with its
// closed-form diagnostics (FlowStage, RunFlow), training and loading a
// learned score (TrainModel, LoadModel), generation (GenerateStage), the
// Langevin flows (RunLangevin) and the comparison of every generated
// ensemble with the reference (Comparer, WriteComparison, Check) — each
// writing its part of the HDF5 layout of docs/hdf5-schema.md through Out.
//
// A program (experiments/freefield, experiments/phi4) is its configuration,
// the wiring of these stages with what is its own (its action, its
// acceptance checks, its report), and its summary. Every random stream a
// stage draws is labelled by internal/rng, so a stage's output depends on
// the run's seed and on how its work is labelled, never on the number of
// cores or on whether the run was resumed.
package pipeline
