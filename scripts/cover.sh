#!/usr/bin/env bash
# Statement coverage of the physics and I/O packages by their own -short
# tests (the size CI runs): one profile per package in results/cover/, and
# scripts/cover_report.py writes the per-package totals and the uncovered
# functions and lines of the core files (scripts/core-files.txt) into the
# generated part of docs/coverage.md.
#
#   scripts/cover.sh                        every package of COVER_PKGS
#   COVER_PKGS="lattice field" scripts/cover.sh
set -euo pipefail
cd "$(dirname "$0")/.."

COVER_PKGS=${COVER_PKGS:-"lattice field erg erg/lpa wgrad generative generative/nn generative/evaluate internal/h5io internal/rng"}
PYTHON=${PYTHON:-/usr/bin/python3}

mkdir -p results/cover
fail=0
for d in $COVER_PKGS; do
  out=results/cover/${d//\//-}
  if go test -short -count=1 -covermode=set -coverprofile="$out.out" "./$d" >"$out.log" 2>&1; then
    go tool cover -func="$out.out" >"$out.func"
    echo "cover.sh: $d: $(tail -1 "$out.func" | awk '{print $NF}')" >&2
  else
    echo "cover.sh: go test ./$d failed (results/cover/${d//\//-}.log)" >&2
    fail=1
  fi
done
"$PYTHON" scripts/cover_report.py results/cover scripts/core-files.txt docs/coverage.md
exit $fail
