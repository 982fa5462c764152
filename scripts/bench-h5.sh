#!/usr/bin/env bash
# make bench-h5: HDF5 write throughput of internal/h5io against h5py, side by
# side on this machine. Each round runs, for every (compression, layout)
# case, the Go writer (internal/h5io/internal/h5bench) and then h5py
# (scripts/bench_h5py.py) on the same workload: N float64 L×L fields of
# standard normal numbers, one chunk per field, raw or gzip level 4, written
# into a preallocated dataset (fixed) or appended to an extendible one
# (append). Rounds interleave the two sides; the report gives medians.
#
#   ROUNDS=9 N=1000 L=64 scripts/bench-h5.sh
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-/usr/bin/python3}
ROUNDS=${ROUNDS:-7}
N=${N:-1000}
L=${L:-64}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/bench-h5.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/h5bench" ./internal/h5io/internal/h5bench
: >"$tmp/times"
for r in $(seq "$ROUNDS"); do
  for mode in raw deflate; do
    for layout in fixed append; do
      g=$("$tmp/h5bench" -mode "$mode" -layout "$layout" -n "$N" -l "$L" -o "$tmp/go.h5")
      p=$("$PYTHON" scripts/bench_h5py.py "$mode" "$layout" "$N" "$L" "$tmp/py.h5")
      echo "$mode $layout go $g" >>"$tmp/times"
      echo "$mode $layout h5py $p" >>"$tmp/times"
    done
  done
done
"$PYTHON" - "$tmp/times" "$N" "$L" "$ROUNDS" <<'PY'
import statistics, sys
path, n, l, rounds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
mb = n * l * l * 8 / 1e6
t = {}
for line in open(path):
    mode, layout, side, s = line.split()
    t.setdefault((mode, layout, side), []).append(float(s))
import h5py
print("HDF5 write of %d float64 %dx%d fields (%.1f MB), chunk = one field; h5py %s, libhdf5 %s; %d interleaved rounds, medians"
      % (n, l, l, mb, h5py.__version__, h5py.version.hdf5_version, rounds))
print("%-8s %-7s %12s %12s %12s %12s %10s" % ("filter", "layout", "go s", "go MB/s", "h5py s", "h5py MB/s", "h5py/go"))
for mode in ("raw", "deflate"):
    for layout in ("fixed", "append"):
        g = statistics.median(t[(mode, layout, "go")])
        p = statistics.median(t[(mode, layout, "h5py")])
        print("%-8s %-7s %12.4f %12.1f %12.4f %12.1f %10.2f" % (mode, layout, g, mb / g, p, mb / p, p / g))
print("h5py/go > 1: the Go writer is faster.")
PY
