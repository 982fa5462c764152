// Copyright ©2026 The rgflow Authors. All rights reserved.

package benchutil

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Flags is the flag set of a benchmark program: errors and usage go to the
// program's stderr instead of ending the process, so that run(args, stdout,
// stderr) functions stay testable.
type Flags struct {
	*flag.FlagSet
}

// NewFlags returns the flag set of the program name, reporting to stderr.
func NewFlags(name string, stderr io.Writer) Flags {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return Flags{fs}
}

// Parse parses args. When the program should stop, it returns false and
// the exit code: 0 after -h or -help, 2 after a bad flag.
func (f Flags) Parse(args []string) (code int, ok bool) {
	err := f.FlagSet.Parse(args)
	switch {
	case err == nil:
		return 0, true
	case errors.Is(err, flag.ErrHelp):
		return 0, false
	}
	return 2, false
}

// Ints parses a comma-separated list of integers, each at least lo.
func Ints(s string, lo int) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		v, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || v < lo {
			return nil, fmt.Errorf("%q is not an integer ≥ %d", strings.TrimSpace(f), lo)
		}
		out = append(out, v)
	}
	return out, nil
}
