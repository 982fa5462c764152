# Copyright ©2026 The rgflow Authors. All rights reserved.
#
# Timing server for the fftbench harness: reads one request per line,
#   <lib> <kind> <L1,L2,...> <n>
# with lib numpy or scipy and kind r2c or dct2, runs the transform n times
# on a fixed random float64 array and prints the seconds per call. "info"
# prints the library versions; "check" prints the transform of the field
# with x[i] = sin(i) (row-major) as flat float64s for the harness's
# consistency check.
import sys
import time

import numpy as np

try:
    import scipy
    import scipy.fft as sfft
except ImportError:
    scipy = None

arrays = {}


def field(dims):
    if dims not in arrays:
        rng = np.random.default_rng(1)
        arrays[dims] = rng.standard_normal(dims)
    return arrays[dims]


def transform(lib, kind):
    if kind == "r2c":
        return np.fft.rfftn if lib == "numpy" else sfft.rfftn
    if kind == "dct2" and lib == "scipy":
        return lambda a: sfft.dctn(a, type=2)
    return None


for line in sys.stdin:
    w = line.split()
    if not w:
        continue
    if w[0] == "info":
        print("numpy", np.__version__, "scipy", scipy.__version__ if scipy else "missing", flush=True)
        continue
    lib, kind, dims = w[1], w[2], tuple(int(v) for v in w[3].split(","))
    f = None if (lib == "scipy" and scipy is None) else transform(lib, kind)
    if f is None:
        print("unavailable", flush=True)
        continue
    if w[0] == "check":
        x = np.sin(np.arange(np.prod(dims), dtype=np.float64)).reshape(dims)
        y = np.asarray(f(x))
        if np.iscomplexobj(y):
            y = np.ascontiguousarray(y).view(np.float64)
        print(" ".join(repr(float(v)) for v in y.ravel()), flush=True)
        continue
    n = int(w[4])
    a = field(dims)
    f(a)
    t0 = time.perf_counter()
    for _ in range(n):
        f(a)
    print((time.perf_counter() - t0) / n, flush=True)
