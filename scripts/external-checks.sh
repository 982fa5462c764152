#!/usr/bin/env bash
# Runs the checks that use tools outside Go (h5py, h5dump) on files the Go
# tests cannot judge by themselves. Each check is a script under
# scripts/checks/; this runner executes them in order and fails on the first
# failure. With no checks present it does nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
shopt -s nullglob
for c in scripts/checks/*.sh; do
  echo "external check: $c"
  bash "$c"
done
