# Reads the file written by the toy experiment of progtest's tests.
import sys

import h5py

with h5py.File(sys.argv[1], "r") as f:
    v = f["/toy/values"][()]
    assert v.shape == (3,), v.shape
    print("toy values", list(v))
