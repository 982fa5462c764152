// Copyright ©2026 The rgflow Authors. All rights reserved.

// Package h5io writes and reads rgflow's HDF5 run files: the layout of
// docs/hdf5-schema.md (schema version SchemaVersion), over
// gonum.org/v1/hdf5 and a small cgo shim of our own for what gonum lacks.
// It serves the experiment mains only; physics packages never import it.
//
// # Overview
//
//	f, err := h5io.Create("results/run.h5", h5io.Meta{Experiment: "freefield", Config: yaml, Seed: seed}, h5io.CreateOptions{})
//	fields, err := f.CreateDataset("/ensemble/free/fields", h5io.Spec{
//		Dtype: h5io.Float64, Shape: []int64{0, 64, 64}, Extendible: true,
//		Units: "lattice units", Description: "field configurations",
//		Dims: []string{"sample", "x1", "x2"}, Scales: []string{"", "/lattice/x1", "/lattice/x2"}, Lattice: 2,
//	})
//	err = fields.Append(phi)                      // one sample (or several) per call
//	err = f.SaveCheckpoint(h5io.Checkpoint{...})  // at safe points: state + flush
//	err = f.SetStatus(h5io.StatusComplete)
//	err = f.Close()
//
// Create writes the root attributes (schema_version, rgflow_version,
// revision, created, experiment, config, seed, status = running) and
// flushes, so the file is valid from its first moment. Open opens a file
// read-only; Resume opens one to continue its run (see Checkpoints).
//
// # One goroutine owns HDF5
//
// libhdf5 is a library of global state (open identifiers, property lists,
// the error stack, per OS thread in thread-safe builds). Every call into it
// is made by one goroutine, locked to one OS thread for the life of the
// process; File and Dataset values are handles whose methods send a closure
// to that goroutine and wait for its answer. Physics goroutines therefore
// never touch HDF5, several runs in one process (tests, sweeps) share the
// library safely, and the library's error stack is read on the thread that
// filled it. ThreadSafe reports H5is_library_threadsafe for the record;
// the design does not depend on it.
//
// # What the shim adds to gonum/hdf5
//
// Extendible datasets (H5Dset_extent), typed hyperslab reads and writes with
// an explicit memory type, string, boolean and complex attributes, dimension
// scales and labels (H5DS, libhdf5_hl), external links, virtual datasets
// (H5Pset_virtual: StackVirtual stacks one dataset of N per-task files along
// a new leading task axis), direct chunk writes (H5Dwrite_chunk), the
// thread-safety query, and an error handler that copies HDF5's error stack
// at the moment of failure into the *Error that the Go call returns.
//
// # Guarding gonum/hdf5's pitfalls
//
// gonum/hdf5 writes whatever memory it is handed using the dataset's file
// type as memory type ([]float32 into a float64 dataset writes garbage),
// maps Go int to a 32-bit type, and reports failures as "code -1". Here:
// element type and length are checked on every read and write (a mismatch
// is a programmer error and panics with an "h5io:" message naming the
// dataset, both types and both lengths); Go int is never accepted for data
// (attributes convert it explicitly to int64); reads of a stored type into
// another Go type return ErrShape; everything opened through a File is
// closed in reverse order by Close; and errors carry HDF5's own stack, e.g.
//
//	h5io: open run.h5 (…): HDF5: #0 H5Fopen(): unable to open file […]; …
//	#2 H5F__super_read(): truncated file: eof = 3000, …, stored_eof = 18688
//
// A file that is truncated, lacks schema_version, has another version, or
// holds datasets and attributes of unexpected types or shapes gives an
// error wrapping ErrSchema, ErrShape or ErrNotFound, never a panic; a
// recipe fuzzer (FuzzReader) exercises these paths. libhdf5 1.10 itself is
// not robust to arbitrary byte corruption inside a file (h5py and h5dump
// crash on a damaged global heap too); that is outside what a reader on top
// of it can guard.
//
// # Layout choices
//
// Datasets that grow during a run are extendible along their leading axis
// and chunked one row (sample, snapshot) per chunk by default. Rows of such
// datasets are written with direct chunk writes; with deflate the rows are
// compressed by zlib's compress2 (what HDF5's deflate filter calls) off the
// HDF5 goroutine and in parallel, and single-row appends are staged in
// small batches so they too compress in parallel. Staged rows are written
// before anything that must see them (Len, reads, Flush, SaveCheckpoint,
// SetStatus, Close). The file uses the library's default (earliest) format
// bounds, so a file left by a killed process opens without h5clear.
//
// Datasets carry units (UDUNITS strings, CFUnits), long_name and
// description attributes, axis labels and dimension scales; datasets with
// Spec.Lattice = 2 or 3 are listed in an XDMF sidecar (XDMFPath, its data
// in XDMFDataPath) rewritten when a flush finds them changed, for ParaView
// and VisIt.
//
// # The netCDF view
//
// Every labelled axis has exactly one dimension scale, the dataset
// <group>/<label> beside it, so that netCDF-4 readers (netCDF-C, h5netcdf
// and through it xarray) open each group alone, with the labels as
// dimension names: the requested coordinate scale when it is there, a copy
// of it when it lives elsewhere (/lattice/x1 → <group>/x1, attribute
// copy_of), and for an axis without coordinates a netCDF "dimension without
// a variable" written as netCDF-C writes one (NotAVariable), unlimited for
// the growing axis of an extendible dataset. Axes with one label in one
// group share that dimension, so CreateDataset refuses axes that could not
// share it (other lengths, growing against fixed, other coordinates), and
// labels must be given for every axis or none. netcdf.go has the rules;
// docs/hdf5-schema.md, "The netCDF view", the reasons.
//
// # Checkpoints
//
// SaveCheckpoint stores plain-data state (byte blobs such as marshalled PCG
// generators, float64 arrays, int64 counters and a step counter) together
// with the current length of every extendible dataset, in one of two
// alternating slots under /checkpoint, flushing before and after switching
// the valid slot: a run killed while saving keeps its previous checkpoint.
// Resume reads the valid slot, rolls every extendible dataset back to its
// saved length (rows appended after the checkpoint are dropped; a continued
// run writes them again, identically when its randomness comes from the
// saved streams) and returns the state through Restored. Reopening a
// dataset with CreateDataset and the same Spec in a resumed file returns the
// existing one after checking that it matches.
package h5io
