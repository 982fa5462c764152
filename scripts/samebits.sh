#!/usr/bin/env bash
# Proves that a change moved code without changing results: runs the quick
# run of every experiment (and a two-task local sweep with its merge) at the
# working tree and at a base revision, and compares every dataset and every
# attribute of the files bit for bit (scripts/samebits.py says what is left
# out: wall-clock timings and the provenance of the build).
#
#   scripts/samebits.sh [BASE]     BASE defaults to origin/main, else HEAD
#
# Exit status 0 when every file is identical, 1 otherwise. Used by
# `make samebits`; takes a few minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
base=${1:-$(git rev-parse --verify -q origin/main || git rev-parse HEAD)}
PYTHON=${PYTHON:-/usr/bin/python3}
work=$(mktemp -d /tmp/rgflow-samebits.XXXXXX)
trap 'git -C "$root" worktree remove --force "$work/base" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT

git worktree add -q --detach "$work/base" "$base"

runall() { # $1 source tree, $2 output dir
  local src=$1 out=$2
  mkdir -p "$out/bin"
  (cd "$src" && go build -o "$out/bin/" ./experiments/...)
  # Relative --out paths: the configuration stored in each file names them.
  (cd "$out" &&
    bin/freefield --quick --seed 1 --out freefield.h5 >freefield.log 2>&1 &&
    bin/freefield --quick --seed 2 --set 'lattice.dims=[4,4,4]' --out freefield_d3.h5 >freefield_d3.log 2>&1 &&
    bin/phi4 --quick --seed 1 --out phi4.h5 >phi4.log 2>&1 &&
    bin/lpa --quick --seed 1 --out lpa.h5 >lpa.log 2>&1)
  cat >"$out/study.yaml" <<YAML
seed: 7
sweep:
  experiment: freefield
  preset: quick
  name: samebits
  axes:
    - key: field.m2
      values: [0.25, 0.5]
YAML
  (cd "$out" && bin/sweep local --config study.yaml --bin bin/freefield --out study -j 1 >sweep.log 2>&1)
}

echo "samebits: base $(git rev-parse --short "$base"), working tree $(git rev-parse --short HEAD)$(git diff --quiet HEAD || echo +changes)"
runall "$work/base" "$work/a"
runall "$root" "$work/b"

fail=0
for f in freefield freefield_d3 phi4 lpa study/study.h5; do
  fa="$work/a/$f"; fb="$work/b/$f"; [[ $f == *.h5 ]] || { fa+=.h5; fb+=.h5; }
  if diff <("$PYTHON" scripts/samebits.py manifest "$fa") <("$PYTHON" scripts/samebits.py manifest "$fb") >"$work/diff" ; then
    echo "samebits: $f: identical ($(wc -l <"$work/diff" | tr -d ' ') differences, $("$PYTHON" scripts/samebits.py manifest "$fa" | wc -l) entries)"
  else
    echo "samebits: $f: DIFFERS"; head -40 "$work/diff"; fail=1
  fi
done
exit $fail
