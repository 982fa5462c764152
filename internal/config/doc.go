// Copyright ©2026 The rgflow Authors. All rights reserved.

// Package config resolves an experiment's configuration from its defaults,
// configuration files, the environment and the command line, with viper.
//
// # One struct per experiment
//
// An experiment declares its configuration once, as a Go struct whose
// fields carry `mapstructure:"key"` tags (lower-case snake_case) and
// `help:"…"` tags, and a value of it holding the defaults. Nested structs
// give dotted keys (lattice.dims); embedding Run with `mapstructure:",squash"`
// adds the keys every run has (out, seed). The struct may implement
// Validator; Validate reports every problem at once through Problems, each
// naming the key, the value given and what is allowed.
//
// # Precedence
//
// Each layer overrides the ones before it:
//
//  1. the defaults value;
//  2. a stored configuration (Sources.Base: the YAML of a run file, for
//     --from and --resume);
//  3. configuration files (Sources.Files, YAML or TOML by extension, later
//     files override earlier ones);
//  4. the environment: RGFLOW_ followed by the key in upper case with dots
//     as underscores (lattice.dims → RGFLOW_LATTICE_DIMS);
//  5. key=value settings (Sources.Sets: --set, and the shorthand flags such
//     as --out and --seed).
//
// Every key of the struct is given its default explicitly, so the
// environment reaches keys that no file mentions (viper's AutomaticEnv only
// sees keys it already knows). Values from the environment and from --set
// are parsed as YAML scalars or flow sequences ("0.5", "[16, 16]"), and a
// comma-separated string fills a list ("16,16").
//
// # Errors
//
// A key that the struct does not have — in a file, in --set — is an error
// naming the key, where it came from and the nearest known key. An
// RGFLOW_ variable that names no key is reported as a warning (the same
// environment may serve several experiments). A value of the wrong type is
// an error naming the key; a non-integral number for an integer key is not
// truncated. Validation problems come back together in one *Invalid error.
//
// # Sections
//
// A configuration file may carry top-level sections that are not keys of
// the experiment's struct but settings of the machinery around it: the
// command line declares "sweep" (package sweep) for every experiment.
// Sources.Sections names them; Load leaves them out, and Section decodes
// one, layered over the files like any other key and refusing unknown
// keys. The environment and --set do not reach sections, and the
// configuration stored in a run's file never contains them.
//
// # Output
//
// YAML renders a configuration in struct order with each key's help as a
// comment: it is what --print-config prints and what the run stores in its
// HDF5 file, and Sources.Base reads it back.
package config
