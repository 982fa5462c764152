// Copyright ©2026 The rgflow Authors. All rights reserved.

package buildinfo

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"strings"
	"testing"
)

func TestReleaseMatchesVERSION(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "VERSION"))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSpace(string(b)); got != Release {
		t.Errorf("VERSION holds %q, buildinfo.Release is %q: keep them equal", got, Release)
	}
}

func TestResolve(t *testing.T) {
	vcs := &debug.BuildInfo{Main: debug.Module{Path: "rgflow", Version: "(devel)"}, Settings: []debug.BuildSetting{
		{Key: "vcs.revision", Value: "0123456789abcdef0123"}, {Key: "vcs.modified", Value: "true"},
	}}
	installed := &debug.BuildInfo{Main: debug.Module{Path: "rgflow", Version: "v0.1.0"}}
	none := func() string { return "" }
	git := func() string { return "feedfacecafe" }
	for _, c := range []struct {
		name         string
		ver, rev     string
		bi           *debug.BuildInfo
		fallback     func() string
		wantV, wantR string
	}{
		{"stamped", "9.9.9", "abc", vcs, git, "9.9.9", "abc"},
		{"go build with vcs", "", "", vcs, git, Release, "0123456789ab-dirty"},
		{"go install module@version", "", "", installed, none, "v0.1.0", "unknown"},
		{"go run in a checkout", "", "", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}, git, Release, "feedfacecafe"},
		{"nothing at all", "", "", nil, nil, Release, "unknown"},
	} {
		v, r := resolve(c.ver, c.rev, c.bi, c.fallback)
		if v != c.wantV || r != c.wantR {
			t.Errorf("%s: got %q, %q; want %q, %q", c.name, v, r, c.wantV, c.wantR)
		}
	}
}

// TestUnstampedBuild: a test binary carries no stamp and (with
// -buildvcs=false) no vcs settings, as under go run; the revision is
// still the checkout's.
func TestUnstampedBuild(t *testing.T) {
	if Version == "" || Version == "0.0.0-dev" {
		t.Errorf("Version = %q", Version)
	}
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git")
	}
	if exec.Command("git", "rev-parse", "HEAD").Run() != nil {
		t.Skip("not a git checkout")
	}
	if !regexp.MustCompile(`^[0-9a-f]{12}(-dirty)?$`).MatchString(Revision) {
		t.Errorf("Revision = %q, want the checkout's commit", Revision)
	}
}
