"""Checks, with h5py, the example files that internal/h5io/internal/h5example
writes: the schema (root attributes, groups, dtypes, shapes, units), the
dimension scales and labels, every value, the virtual dataset that stacks the
per-task files and the external link. The expected values are computed here
from the same closed forms as internal/h5io/h5iotest, independently of the Go
reader.

usage: python3 h5py_example.py DIR
"""
import math
import sys

import h5py
import numpy as np

L1, L2, SAMPLES, TIMES = 4, 6, 3, 3


def field(n):
    i = np.arange(L1)[:, None]
    j = np.arange(L2)[None, :]
    return n + i / 10 + j / 100


def check_example(path):
    with h5py.File(path, "r") as f:
        a = f.attrs
        assert a["schema_version"] == 1 and a["schema_version"].dtype == np.int64, a["schema_version"]
        assert a["status"] == "complete", a["status"]
        assert a["experiment"] == "example"
        assert a["seed"] == 42 and a["seed"].dtype == np.uint64
        assert a["config"] == "lattice:\n  dims: [4, 6]\nmass: 0.5\n", repr(a["config"])
        for k in ("rgflow_version", "revision", "created", "hdf5_version"):
            assert isinstance(a[k], str) and a[k], k

        lat = f["lattice"]
        assert list(lat.attrs["dims"]) == [L1, L2] and lat.attrs["volume"] == L1 * L2
        assert lat.attrs["boundary"] == "periodic"
        np.testing.assert_allclose(lat["k2"][()], 2 * np.pi * np.arange(L2) / L2, rtol=0, atol=1e-15)
        kh = lat["khat2"]
        i = np.arange(L1)[:, None]
        j = np.arange(L2)[None, :]
        want = 4 * np.sin(np.pi * i / L1) ** 2 + 4 * np.sin(np.pi * j / L2) ** 2
        assert kh.dtype == np.float64 and kh.shape == (L1, L2)
        # Go's math.Sin and numpy's sin may differ in the last ulp: 4 ulp of 8.
        np.testing.assert_allclose(kh[()], want, rtol=0, atol=4 * 8 * 2.0**-52)
        assert kh.attrs["units"] == "lattice units^-2"
        assert [d.label for d in kh.dims] == ["k1", "k2"]
        assert kh.dims[0][0].name == "/lattice/k1" and kh.dims[1][0].name == "/lattice/k2"

        d = f["ensemble/free/fields"]
        assert d.dtype == np.float64 and d.shape == (SAMPLES, L1, L2), (d.dtype, d.shape)
        assert d.maxshape == (None, L1, L2), d.maxshape
        assert d.chunks == (1, L1, L2) and d.compression == "gzip" and d.compression_opts == 4
        assert d.attrs["units"] == "lattice units" and d.attrs["lattice_axes"] == 2
        assert [x.label for x in d.dims] == ["sample", "x1", "x2"]
        assert len(d.dims[0]) == 0
        for ax, n in ((1, L1), (2, L2)):
            sc = d.dims[ax][0]
            assert sc.name == "/lattice/x%d" % ax, sc.name
            assert h5py.h5ds.is_scale(sc.id)
            np.testing.assert_array_equal(sc[()], np.arange(n, dtype=np.float64))
        for n in range(SAMPLES):
            np.testing.assert_array_equal(d[n], field(n))

        kl = f["flow/polchinski/kl"]
        t = kl.dims[0][0]
        assert t.name == "/flow/polchinski/t" and t.maxshape == (None,)
        np.testing.assert_array_equal(t[()], 0.5 * np.arange(TIMES))
        np.testing.assert_allclose(kl[()], [math.exp(-x) for x in t[()]], rtol=1e-15)

        c = f["generated/gaussian/spectrum_ft"]
        assert c.dtype == np.complex128, c.dtype
        np.testing.assert_array_equal(c[()], [1 - 2j, 0.5 + 3j])

        conv = f["model/exact"].attrs["converged"]
        assert isinstance(conv, np.bool_) and conv, repr(conv)

        ck = f["checkpoint"]
        slot = ck["slot%d" % ck.attrs["current"]]
        assert slot.attrs["step"] == 2
        assert bytes(slot["blobs/pcg"][()]) == b"example-state"
        np.testing.assert_array_equal(slot["floats/chain"][()], [1.5, -2.5])
        assert slot["ints/accepted"][0] == 7


def check_merged(path):
    with h5py.File(path, "r") as f:
        v = f["ensemble/free/fields"]
        assert v.is_virtual and v.shape == (3, SAMPLES, L1, L2), (v.is_virtual, v.shape)
        for task in range(3):
            for n in range(SAMPLES):
                np.testing.assert_array_equal(v[task, n], field(n))
        lat = f["task1/lattice"]
        assert list(lat.attrs["dims"]) == [L1, L2]
        assert isinstance(f.get("task1/lattice", getlink=True), h5py.ExternalLink)


if __name__ == "__main__":
    d = sys.argv[1]
    check_example(d + "/example.h5")
    check_merged(d + "/merged.h5")
    print("h5py_example: h5py %s on HDF5 %s read the Go-written files: ok" % (h5py.__version__, h5py.version.hdf5_version))
