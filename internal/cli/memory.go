// Copyright ©2026 The rgflow Authors. All rights reserved.

package cli

import (
	"bufio"
	"fmt"
	"math"
	"os"
	"runtime/debug"
	"strconv"
	"strings"

	"rgflow/internal/config"
)

// The memory check. Before anything is written, Main estimates the memory
// the run needs and refuses a configuration that cannot fit (exit 2), with
// the estimate and the largest lattice that fits. The estimate is the
// experiment's Memory hook when it has one; otherwise, for a configuration
// with the key lattice.dims, a floor that every lattice experiment of
// rgflow needs: three float64 arrays of the lattice's sites (a field and
// its complex Fourier transform, or a field, its momentum and its force).
// A configuration without lattice.dims and without a hook is not checked.

// floorBytesPerSite is the floor's memory per lattice site.
const floorBytesPerSite = 24

// latticeKey is the configuration key of the lattice extents.
const latticeKey = "lattice.dims"

// memoryNeed returns the bytes the run configured by cfg needs, or -1 when
// it cannot say.
func memoryNeed[T any](exp Experiment[T], cfg T) float64 {
	if exp.Memory != nil {
		return float64(exp.Memory(cfg))
	}
	dims, ok := latticeDims(cfg)
	if !ok {
		return -1
	}
	v := 1.0
	for _, d := range dims {
		v *= float64(d)
	}
	return v * floorBytesPerSite
}

// latticeDims returns the value of lattice.dims, if cfg has that key.
func latticeDims[T any](cfg T) ([]int, bool) {
	for _, k := range config.Keys(cfg) {
		if k.Name == latticeKey {
			d, ok := k.Default.([]int)
			return d, ok
		}
	}
	return nil, false
}

// memoryLimit returns the bytes the run may use: the smallest of the
// memory available on the host, the limit of the process's cgroup (a Slurm
// job's --mem) and GOMEMLIMIT.
func memoryLimit() float64 {
	limit := math.Inf(1)
	if l := debug.SetMemoryLimit(-1); l > 0 && l < math.MaxInt64 {
		limit = float64(l)
	}
	if b, ok := meminfo("MemAvailable"); ok {
		limit = math.Min(limit, b)
	}
	if b, err := os.ReadFile("/sys/fs/cgroup/memory.max"); err == nil {
		if max, err := strconv.ParseFloat(strings.TrimSpace(string(b)), 64); err == nil {
			cur := 0.0
			if c, err := os.ReadFile("/sys/fs/cgroup/memory.current"); err == nil {
				cur, _ = strconv.ParseFloat(strings.TrimSpace(string(c)), 64)
			}
			limit = math.Min(limit, max-cur)
		}
	}
	return limit
}

func meminfo(field string) (float64, bool) {
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		return 0, false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		name, rest, ok := strings.Cut(sc.Text(), ":")
		if !ok || name != field {
			continue
		}
		kb, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
		return kb * 1024, err == nil
	}
	return 0, false
}

// fitsMemory checks the memory cfg needs against memoryLimit; the largest
// lattice that fits is found by resolving the configuration again with
// another lattice.dims.
func fitsMemory[T any](o *options, exp Experiment[T], defaults T, src config.Sources, cfg T) error {
	resize := func(dims []int) (T, error) {
		d := make([]string, len(dims))
		for i, x := range dims {
			d[i] = strconv.Itoa(x)
		}
		s := src
		s.Sets = append(append([]string(nil), src.Sets...), latticeKey+"=["+strings.Join(d, ",")+"]")
		c, _, err := resolve(o, exp, defaults, s)
		return c, err
	}
	return checkMemory(exp, cfg, memoryLimit(), resize)
}

// checkMemory refuses a configuration whose estimate exceeds the limit,
// naming the estimate and the largest lattice of the same dimension that
// fits; resize returns cfg with lattice.dims set to the given extents.
func checkMemory[T any](exp Experiment[T], cfg T, limit float64, resize func(dims []int) (T, error)) error {
	need := memoryNeed(exp, cfg)
	if need < 0 || need <= limit {
		return nil
	}
	msg := fmt.Sprintf("invalid setting: the run needs about %s of memory, and %s is available (the smallest of the host's available memory, the cgroup limit and GOMEMLIMIT)", bytesString(need), bytesString(limit))
	dims, ok := latticeDims(cfg)
	if !ok || len(dims) == 0 {
		return fmt.Errorf("%s", msg)
	}
	fits := func(L int) bool {
		d := make([]int, len(dims))
		for i := range d {
			d[i] = L
		}
		c, err := resize(d)
		return err == nil && memoryNeed(exp, c) <= limit
	}
	lo, hi := 0, 1
	for _, d := range dims {
		hi = max(hi, d)
	}
	for hi-lo > 1 { // fits(lo) or lo == 0; !fits(hi)
		mid := lo + (hi-lo)/2
		if fits(mid) {
			lo = mid
		} else {
			hi = mid
		}
	}
	if lo < 1 {
		return fmt.Errorf("%s; no %s of dimension %d fits", msg, latticeKey, len(dims))
	}
	largest := make([]string, len(dims))
	for i := range largest {
		largest[i] = strconv.Itoa(lo)
	}
	return fmt.Errorf("%s; the largest %s of dimension %d that fits is [%s] (the other settings unchanged)", msg, latticeKey, len(dims), strings.Join(largest, ","))
}

func bytesString(b float64) string {
	switch {
	case math.IsInf(b, 1):
		return "unlimited"
	case b >= 1<<30:
		return fmt.Sprintf("%.1f GiB", b/(1<<30))
	case b >= 1<<20:
		return fmt.Sprintf("%.1f MiB", b/(1<<20))
	}
	return fmt.Sprintf("%.0f bytes", b)
}
