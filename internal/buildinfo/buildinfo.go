// Copyright ©2026 The rgflow Authors. All rights reserved.

// Package buildinfo holds the rgflow version and the source revision a
// binary was built from, as recorded in every output file and printed by
// --version.
//
// The Makefile stamps both with -ldflags "-X …", and a stamp always wins.
// Without one (go run, go build, go install) they come from the build
// information Go embeds (runtime/debug.ReadBuildInfo: the module version
// and vcs.revision, vcs.modified), and, when Go embedded no revision (go
// run, or -buildvcs=false), from git in the source tree the binary was
// compiled from, if it is still there.
package buildinfo

import (
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
)

// Release is the version of this source tree, the contents of the VERSION
// file (a test keeps the two equal).
const Release = "0.1.0-dev"

// Version is the rgflow release: the -ldflags stamp, else the module
// version of go install module@version, else Release.
var Version string

// Revision is the git commit the binary was built from (12 hex digits), with
// "-dirty" when the work tree had uncommitted changes, or "unknown".
var Revision string

func init() {
	bi, _ := debug.ReadBuildInfo()
	Version, Revision = resolve(Version, Revision, bi, sourceRevision)
}

// resolve fills what the -ldflags stamp left empty from the build
// information bi (nil when there is none) and, for the revision, from
// fallback.
func resolve(version, revision string, bi *debug.BuildInfo, fallback func() string) (string, string) {
	if version == "" {
		version = Release
		if bi != nil && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			version = bi.Main.Version
		}
	}
	if revision != "" {
		return version, revision
	}
	if bi != nil {
		var rev, modified string
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				modified = s.Value
			}
		}
		if rev != "" {
			rev = rev[:min(len(rev), 12)]
			if modified == "true" {
				rev += "-dirty"
			}
			return version, rev
		}
	}
	if fallback != nil {
		if rev := fallback(); rev != "" {
			return version, rev
		}
	}
	return version, "unknown"
}

// sourceRevision asks git for the revision of the source tree this file was
// compiled from (go run keeps the absolute path; -trimpath does not, and
// then there is no answer). It returns "" when there is none.
func sourceRevision() string {
	_, file, _, ok := runtime.Caller(0)
	if !ok || !filepath.IsAbs(file) {
		return ""
	}
	dir := filepath.Dir(file)
	out, err := exec.Command("git", "-C", dir, "rev-parse", "--short=12", "HEAD").Output()
	if err != nil {
		return ""
	}
	rev := strings.TrimSpace(string(out))
	if exec.Command("git", "-C", dir, "diff", "--quiet", "HEAD").Run() != nil {
		rev += "-dirty"
	}
	return rev
}
