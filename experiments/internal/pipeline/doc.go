// Copyright ©2026 The rgflow Authors. All rights reserved.

// Package pipeline holds the stages the experiment programs share: the
// configuration sections (lattice, Polchinski flow, network, training,
// generation, Monte Carlo chains, Langevin flows, refinement), a Runner
// that executes stages with a checkpoint at every boundary, and the stages
// themselves, each writing its part of the HDF5 layout of
// docs/hdf5-schema.md through Out:
//
//   - ensembles: exact Gaussian samples (SampleGaussian, FreeStart) and
//     Monte Carlo chains of an interacting action (MCStage, RunChains);
//   - the flow of the training fields to the Gaussian fixed point with its
//     closed-form diagnostics (FlowStage, RunFlow, SpectrumTest);
//   - training and loading a learned score (TrainModel, LoadModel) and
//     generation (GenerateStage);
//   - Langevin flows of the action (RunLangevin, LangevinStage) and the
//     refinement of a generated ensemble by the exact one (Refine,
//     RefineScan);
//   - the comparison of every generated ensemble with the reference
//     (Comparer, WriteComparison, Check) and the report's tools
//     (PrintChecks, Cost, the plots).
//
// A program (experiments/freefield, experiments/phi4) is its configuration,
// the wiring of these stages with what is its own (its action, its
// acceptance checks, its report), and its summary. Every random stream a
// stage draws is labelled by internal/rng, so a stage's output depends on
// the run's seed and on how its work is labelled, never on the number of
// cores or on whether the run was resumed.
package pipeline
