// Copyright ©2026 The rgflow Authors. All rights reserved.

// Package rng derives deterministic, independent random streams from a run's
// seed.
//
// Every random number in rgflow comes from a PCG generator (math/rand/v2),
// or from the normal generator Normals seeded by one, whose 128-bit state
// is derived from the run seed and a path of integers naming the stream
// (stage, chain, sample block, …). The derivation mixes
// every component through SplitMix64, so streams with different paths are
// unrelated, and the same (seed, path) gives the same stream on any machine
// and with any number of goroutines. Results therefore depend on how work is
// labelled, never on how it is scheduled.
//
// A *rand.PCG marshals its state with MarshalBinary, which is how samplers
// checkpoint their streams exactly.
//
// Normals is the stream of standard normals of one sample of a flow: a
// SIMD ziggurat over interleaved xoshiro256++ lanes seeded from a derived
// key, with assembly kernels on amd64 and the same numbers bit for bit in
// Go elsewhere or under the noasm build tag. Its tables (ztables.go) are
// written by go generate.
package rng

import "math/rand/v2"

// Stage labels for the first path component, so that the streams of
// different stages of one run never coincide.
const (
	StageSample uint64 = iota + 1
	StageFlow
	StageGradFlow
	StageTrain
	StageGenerate
	StageReference
	StageEvaluate
)

// Stream labels: the path components after the stage, one list for the whole
// program so that no two families of streams can coincide. A label that
// numbers a family is added to the member's index (label + set, label +
// model); the others stand alone. Values are part of every result's
// definition: changing one changes the numbers of every run that uses it.
const (
	// Under StageSample: the ensembles of an exact sampler, then the sample.
	SetTrain    uint64 = 0
	SetHeld     uint64 = 1
	SetRef      uint64 = 2
	SetBaseline uint64 = 3 // the samples that measure a Gaussian baseline
	SetStart    uint64 = 4 // the start ensemble of a gradient flow

	// Under StageSample: Markov-chain sets, + the set's number.
	ChainSetSeed uint64 = 1000 // the seed of the set's chains (field.ChainStream)
	ChainSetInit uint64 = 2000 // then the chain: its start configuration

	// Under StageGradFlow.
	FlowStart  uint64 = 100 // then the sample: a flow's start ensemble
	FlowRun    uint64 = 101 // the seed of a gradient flow's own streams
	FlowRefine uint64 = 200 // + generated ensemble's index: its refinement's seed

	// Under StageTrain.
	TrainInit uint64 = 100 // + the model's index: a network's initial weights

	// Under StageEvaluate.
	EvalSliced  uint64 = 0x736c69636564 // "sliced": the directions of sliced W₂
	EvalTweedie uint64 = 0x7477656564   // "tweed": the probes of a Tweedie posterior variance
)

// ModelSeed returns the seed of model number index of a run with seed seed:
// index 0 keeps the run's seed, the others are spread by the golden ratio.
func ModelSeed(seed uint64, index int) uint64 {
	return seed + uint64(index)*0x9e3779b97f4a7c15
}

// New returns the PCG source of the stream (seed, path...).
func New(seed uint64, path ...uint64) *rand.PCG {
	hi, lo := Derive(seed, path...)
	return rand.NewPCG(hi, lo)
}

// NewRand returns a *rand.Rand over New(seed, path...).
func NewRand(seed uint64, path ...uint64) *rand.Rand {
	return rand.New(New(seed, path...))
}

// Derive returns the two 64-bit PCG seeds of the stream (seed, path...).
func Derive(seed uint64, path ...uint64) (hi, lo uint64) {
	hi = splitmix(seed ^ 0x6a09e667f3bcc908)
	lo = splitmix(seed ^ 0xbb67ae8584caa73b)
	for i, p := range path {
		hi = splitmix(hi ^ splitmix(p+uint64(2*i+1)))
		lo = splitmix(lo ^ splitmix(p+uint64(2*i+2)+0x3c6ef372fe94f82b))
	}
	return hi, lo
}

// Task returns the seed of task number task of a sweep with base seed base:
// a deterministic function of both that differs between tasks.
func Task(base uint64, task int) uint64 {
	hi, lo := Derive(base, 0x5357454550, uint64(task))
	return hi ^ lo
}

// splitmix is the SplitMix64 output function (Steele, Lea & Flood 2014).
func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}
