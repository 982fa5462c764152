#!/usr/bin/env bash
# internal/h5io against tools outside Go: Debian's python3-h5py reads the
# Go-written example files (schema, dimension scales, values, the virtual
# dataset stacking per-task files, the external link), xarray with h5netcdf
# (python3-xarray, python3-h5netcdf) opens every group of the example file
# as a netCDF-4 group with named dimensions and coordinates, netCDF-C's ncdump
# (when installed) sees the same dimensions, and h5dump -H of the example
# file matches the golden header in internal/h5io/testdata.
set -euo pipefail
cd "$(dirname "$0")/../.."
PYTHON=${PYTHON:-/usr/bin/python3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go run ./internal/h5io/internal/h5example -o "$tmp"
"$PYTHON" scripts/checks/h5py_example.py "$tmp"
"$PYTHON" scripts/checks/xarray_example.py "$tmp"
# netCDF-C itself, when its ncdump is installed (Debian netcdf-bin; not in
# make deps): the same named dimensions, the unlimited one sized by its data.
if command -v ncdump >/dev/null; then
  ncdump -h "$tmp/example.h5" >"$tmp/example.cdl"
  for want in 'sample = UNLIMITED ; // (3 currently)' 'r = 3 ;' 'double fields(sample, x1, x2) ;' \
      'double spectrum(shell) ;' 'double x1(x1) ;' 't = UNLIMITED ; // (3 currently)' 'double magnetization(sample) ;'; do
    grep -qF "$want" "$tmp/example.cdl" || { echo "h5io.sh: ncdump -h lacks: $want" >&2; cat "$tmp/example.cdl" >&2; exit 1; }
  done
  echo "h5io.sh: netCDF-C's ncdump reads the named dimensions: ok"
else
  echo "h5io.sh: ncdump not installed (Debian netcdf-bin): netCDF-C check skipped"
fi
h5dump -H "$tmp/example.h5" | sed '1s|.*|HDF5 "example.h5" {|' |
  diff -u internal/h5io/testdata/example.h5dump.golden - ||
  { echo "h5io.sh: h5dump -H differs from the golden header (regenerate with: go test ./internal/h5io -run TestGoldenHeader -update)" >&2; exit 1; }
echo "h5io.sh: h5dump header matches the golden file: ok"
