#!/usr/bin/env bash
# make bench-h5: HDF5 write throughput of internal/h5io against h5py, side by
# side on this machine (internal/h5io/internal/h5bench runs the interleaved
# rounds and reports medians; scripts/bench_h5py.py is the h5py side).
#
#   ROUNDS=9 N=1000 L=64 scripts/bench-h5.sh
set -euo pipefail
cd "$(dirname "$0")/.."
exec go run ./internal/h5io/internal/h5bench -rounds "${ROUNDS:-7}" -n "${N:-1000}" -l "${L:-64}" \
  -python "${PYTHON:-/usr/bin/python3}" -script scripts/bench_h5py.py
