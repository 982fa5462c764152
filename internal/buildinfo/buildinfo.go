// Copyright ©2026 The rgflow Authors. All rights reserved.

// Package buildinfo holds the version and source revision stamped into
// binaries by the Makefile with -ldflags "-X …". Builds without the stamp
// (plain go run/go build, where -buildvcs is off) report "unknown".
package buildinfo

// Version is the rgflow release, from the VERSION file.
var Version = "0.0.0-dev"

// Revision is the git commit the binary was built from, with "-dirty" when
// the work tree had uncommitted changes, or "unknown".
var Revision = "unknown"
