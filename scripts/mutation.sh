#!/usr/bin/env bash
# Mutation testing of the core files of the physics and I/O packages with
# gremlins: each mutant (a flipped comparison, a changed operator, a negated
# sign, an off-by-one) is applied alone and the package's tests are run in
# -short mode; a mutant the tests do not notice LIVED. One JSON per file
# (results/mutation/<package>--<file>.json, package slashes as dashes), and
# scripts/mutation_report.py turns the newest result of every file there
# into the generated part of docs/mutation.md.
#
#   scripts/mutation.sh                      every package of MUTATION_PKGS, its core files
#   MUTATION_PKGS="lattice field" scripts/mutation.sh
#   MUTATION_FILES="lattice/shells.go field/stats.go" scripts/mutation.sh
#
# The core files of each package are listed in scripts/core-files.txt;
# MUTATION_FILES (paths from the repository root) overrides them and runs
# only the packages those files belong to. GREMLINS names the
# binary (default: gremlins on PATH, else $(go env GOPATH)/bin/gremlins);
# MUTATION_WORKERS (1) and MUTATION_TIMEOUT_COEFF (4) are passed to it.
#
# gremlins' own --test-cpu is not used: v0.6.0 passes "-cpu N" to go test as
# one argument, which fails every test run (every mutant NOT VIABLE). The
# -short mode and one CPU per test run go through GOFLAGS instead, with
# -count=1: gremlins times each mutant's tests against its first (coverage)
# run, which a cached test result would make instant. Each
# package's gremlins output is kept in results/mutation/<package>.log.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

MUTATION_PKGS=${MUTATION_PKGS:-"lattice field erg wgrad generative generative/evaluate internal/h5io"}
MUTATION_WORKERS=${MUTATION_WORKERS:-1}
MUTATION_TIMEOUT_COEFF=${MUTATION_TIMEOUT_COEFF:-4}
PYTHON=${PYTHON:-/usr/bin/python3}
GREMLINS=${GREMLINS:-$(command -v gremlins || echo "$(go env GOPATH)/bin/gremlins")}

# The core files of each package: scripts/core-files.txt.
core() {
  local l
  l=$(grep -E "^$1:" scripts/core-files.txt) || { echo "mutation.sh: no core list for package $1" >&2; exit 2; }
  echo "${l#*:}"
}

declare -A files
if [ -n "${MUTATION_FILES:-}" ]; then
  pkgs=""
  for f in $MUTATION_FILES; do
    d=$(dirname "$f")
    [ -f "$f" ] || { echo "mutation.sh: no file $f" >&2; exit 2; }
    case " $pkgs " in *" $d "*) ;; *) pkgs="$pkgs $d" ;; esac
    files[$d]="${files[$d]:-} $(basename "$f")"
  done
else
  pkgs=$MUTATION_PKGS
  for d in $pkgs; do files[$d]=$(core "$d"); done
fi

[ -x "$GREMLINS" ] || { echo "mutation.sh: gremlins not found (make mutation installs it)" >&2; exit 2; }
mkdir -p results/mutation
for d in $pkgs; do
  for file in ${files[$d]}; do
    # One run per file, so that running some files of a package keeps the
    # results of its others. gremlins mutates every non-test .go file under
    # the directory it is given (subpackages included) unless excluded:
    # exclude all but this one.
    excl=()
    while IFS= read -r f; do
      rel=${f#"$d"/}
      [ "$rel" = "$file" ] || excl+=(-E "^${rel//./\\.}\$")
    done < <(find "$d" -name '*.go' ! -name '*_test.go' | sort)
    out=$root/results/mutation/${d//\//-}--$file.json
    log=${out%.json}.log
    rm -f "$out"
    echo "mutation.sh: $d/$file" >&2
    start=$(date +%s)
    # gremlins writes the JSON only at the end; the log (one line per
    # mutant) is what an interrupted run leaves, and the report reads it.
    (cd "$d" && GOFLAGS="-short -count=1 -cpu=1 -p=1" nice -n 19 "$GREMLINS" unleash \
      --workers "$MUTATION_WORKERS" --timeout-coefficient "$MUTATION_TIMEOUT_COEFF" \
      -o "$out" "${excl[@]}" "$root/$d") 2>&1 | tee "$log" || echo "mutation.sh: gremlins failed on $d/$file" >&2
    echo "mutation.sh: $d/$file took $(( $(date +%s) - start )) s" >&2
  done
done
"$PYTHON" scripts/mutation_report.py results/mutation docs/mutation.md
