// Copyright ©2026 The rgflow Authors. All rights reserved.

// Command h5bench times HDF5 writes through internal/h5io side by side with
// h5py (make bench-h5).
//
// The workload is n float64 fields of l×l standard normal numbers, one chunk
// per field, raw or deflate (gzip level 4), written into a dataset created
// at its final size (layout fixed: how one writes a known number of fields)
// or appended to an extendible dataset (layout append: what a run does).
// Each round runs every (compression, layout) case on both sides, the Go
// writer and scripts/bench_h5py.py (Debian's python3-h5py, one process per
// write), the first side alternating from round to round; each side times
// from file creation to close with its fields drawn beforehand. The report
// gives the median seconds and MB/s of each side and their ratio.
//
//	go run ./internal/h5io/internal/h5bench [-rounds 7] [-n 1000] [-l 64] [-python /usr/bin/python3]
package main

import (
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"rgflow/internal/benchutil"
	"rgflow/internal/h5io"
)

// h5case is one compression mode and layout.
type h5case struct{ mode, layout string }

var h5cases = []h5case{{"raw", "fixed"}, {"raw", "append"}, {"deflate", "fixed"}, {"deflate", "append"}}

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

func run(args []string, stdout, stderr io.Writer) int {
	fs := benchutil.NewFlags("h5bench", stderr)
	rounds := fs.Int("rounds", 7, "interleaved rounds (medians are reported)")
	n := fs.Int("n", 1000, "number of fields")
	l := fs.Int("l", 64, "field side")
	python := fs.String("python", "/usr/bin/python3", "interpreter with h5py (Debian's)")
	script := fs.String("script", "scripts/bench_h5py.py", "path of the h5py side")
	if code, ok := fs.Parse(args); !ok {
		return code
	}
	if *rounds < 1 || *n < 1 || *l < 1 {
		fmt.Fprintln(stderr, "h5bench: -rounds, -n and -l must be ≥ 1")
		return 2
	}
	dir, err := os.MkdirTemp("", "h5bench")
	if err != nil {
		fmt.Fprintln(stderr, "h5bench:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	goT := make([][]float64, len(h5cases))
	pyT := make([][]float64, len(h5cases))
	for r := 0; r < *rounds; r++ {
		for k, c := range h5cases {
			goSide := func() error {
				t, err := write(c.mode, c.layout, *n, *l, filepath.Join(dir, "go.h5"))
				goT[k] = append(goT[k], t)
				return err
			}
			pySide := func() error {
				t, err := pyWrite(*python, *script, c, *n, *l, filepath.Join(dir, "py.h5"))
				pyT[k] = append(pyT[k], t)
				return err
			}
			if err := benchutil.Round(r, goSide, pySide); err != nil {
				fmt.Fprintf(stderr, "h5bench: %s %s: %v\n", c.mode, c.layout, err)
				return 1
			}
		}
	}
	mb := float64(*n**l**l) * 8 / 1e6
	fmt.Fprintf(stdout, "HDF5 write of %d float64 %dx%d fields (%.1f MB), chunk = one field; %s; %d interleaved rounds, medians\n",
		*n, *l, *l, mb, h5pyVersions(*python), *rounds)
	fmt.Fprintf(stdout, "%-8s %-7s %12s %12s %12s %12s %10s\n", "filter", "layout", "go s", "go MB/s", "h5py s", "h5py MB/s", "h5py/go")
	for k, c := range h5cases {
		g, p := benchutil.Median(goT[k]), benchutil.Median(pyT[k])
		fmt.Fprintf(stdout, "%-8s %-7s %12.4f %12.1f %12.4f %12.1f %10.2f\n", c.mode, c.layout, g, mb/g, p, mb/p, p/g)
	}
	fmt.Fprintln(stdout, "h5py/go > 1: the Go writer is faster.")
	return 0
}

// pyWrite runs the h5py side of case c once and returns the seconds it
// reports.
func pyWrite(python, script string, c h5case, n, l int, out string) (float64, error) {
	b, err := exec.Command(python, script, c.mode, c.layout, strconv.Itoa(n), strconv.Itoa(l), out).Output()
	if err != nil {
		return 0, fmt.Errorf("%s %s: %v", python, script, err)
	}
	return strconv.ParseFloat(strings.TrimSpace(string(b)), 64)
}

// h5pyVersions names the h5py and libhdf5 versions of the reference.
func h5pyVersions(python string) string {
	b, err := exec.Command(python, "-c", "import h5py; print('h5py %s, libhdf5 %s' % (h5py.__version__, h5py.version.hdf5_version))").Output()
	if err != nil {
		return "h5py version unknown"
	}
	return strings.TrimSpace(string(b))
}

// write writes n l×l fields of standard normal numbers to out with the
// given compression mode and layout and returns the seconds from file
// creation to close (the fields are drawn before the clock starts).
func write(mode, layout string, n, l int, out string) (float64, error) {
	deflate := 0
	switch mode {
	case "raw":
	case "deflate":
		deflate = 4
	default:
		return 0, fmt.Errorf("-mode %q: allowed raw, deflate", mode)
	}
	rnd := rand.New(rand.NewPCG(1, 2))
	data := make([]float64, n*l*l)
	for i := range data {
		data[i] = rnd.NormFloat64()
	}
	L := int64(l)
	spec := h5io.Spec{Dtype: h5io.Float64, Shape: []int64{0, L, L}, Extendible: true, Chunk: []int64{1, L, L}, Deflate: deflate}
	if layout == "fixed" {
		spec.Shape[0], spec.Extendible = int64(n), false
	} else if layout != "append" {
		return 0, fmt.Errorf("-layout %q: allowed append, fixed", layout)
	}
	os.Remove(out)
	start := time.Now()
	f, err := h5io.Create(out, h5io.Meta{Experiment: "h5bench"}, h5io.CreateOptions{Overwrite: true})
	if err != nil {
		return 0, err
	}
	d, err := f.CreateDataset("/fields", spec)
	if err != nil {
		return 0, err
	}
	for i := 0; i < n; i++ {
		field := data[i*l*l : (i+1)*l*l]
		if layout == "fixed" {
			err = d.WriteAt(field, []int64{int64(i), 0, 0}, []int64{1, L, L})
		} else {
			err = d.Append(field)
		}
		if err != nil {
			return 0, err
		}
	}
	if err := f.Close(); err != nil {
		return 0, err
	}
	return time.Since(start).Seconds(), nil
}
