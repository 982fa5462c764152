"""The h5py side of make bench-h5: one timed round of HDF5 writes.

usage: python3 bench_h5py.py MODE LAYOUT N L FILE

Writes N float64 fields of L x L standard normal numbers with h5py, one
chunk per field (gzip level 4 when MODE is deflate), either into a dataset
created at its final size (LAYOUT fixed: how an expert writes a known number
of fields) or by resizing an extendible dataset before each field (LAYOUT
append), and prints the seconds from file creation to close. The data are
drawn before the clock starts.
"""
import sys
import time

import h5py
import numpy as np

mode, layout, n, l, path = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
data = np.random.default_rng(1).standard_normal((n, l, l))
kw = dict(chunks=(1, l, l))
if mode == "deflate":
    kw.update(compression="gzip", compression_opts=4)
t0 = time.perf_counter()
with h5py.File(path, "w") as f:
    if layout == "fixed":
        d = f.create_dataset("fields", shape=(n, l, l), dtype="f8", **kw)
        for i in range(n):
            d[i] = data[i]
    else:
        d = f.create_dataset("fields", shape=(0, l, l), maxshape=(None, l, l), dtype="f8", **kw)
        for i in range(n):
            d.resize(i + 1, axis=0)
            d[i] = data[i]
print("%.6f" % (time.perf_counter() - t0))
