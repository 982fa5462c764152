"""Checks, with h5py, the example files that internal/h5io/internal/h5example
writes: the schema (root attributes, groups, dtypes, shapes, units), the
dimension scales and labels (with the netCDF dimension of each labelled
axis), every value, the virtual dataset that stacks the per-task files and
the external link. The expected values are computed here from the same
closed forms as internal/h5io/h5iotest, independently of the Go reader.

usage: python3 h5py_example.py DIR
"""
import math
import sys

import h5py
import numpy as np

L1, L2, SAMPLES, TIMES = 4, 6, 3, 3
SHELLS = [0.0, 1.0, 2.0, 4.0]
M2 = 0.25
# netCDF-C's DIM_WITHOUT_VARIABLE (h5netcdf's NOT_A_VARIABLE).
NOT_A_VARIABLE = b"This is a netCDF dimension but not a netCDF variable."


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
        assert kh.attrs["units"] == "1" and kh.attrs["units_text"] == "lattice units^-2"
        assert [d.label for d in kh.dims] == ["k1", "k2"]
        assert kh.dims[0][0].name == "/lattice/k1" and kh.dims[1][0].name == "/lattice/k2"

        d = f["ensemble/free/fields"]
        assert d.dtype == np.float64 and d.shape == (SAMPLES, L1, L2), (d.dtype, d.shape)
        assert d.maxshape == (None, L1, L2), d.maxshape
        assert d.chunks == (1, L1, L2) and d.compression == "gzip" and d.compression_opts == 4
        assert d.attrs["units_text"] == "lattice units" and d.attrs["lattice_axes"] == 2
        assert [x.label for x in d.dims] == ["sample", "x1", "x2"]
        # Every labelled axis has exactly one scale, <group>/<label>: the
        # sample axis a netCDF dimension without a variable (unlimited, as
        # the axis grows, so of length 0 and NAME padded as netCDF-C pads
        # it), the lattice axes copies of /lattice/x1 and /lattice/x2.
        assert [len(x) for x in d.dims] == [1, 1, 1]
        s = d.dims[0][0]
        assert s.name == "/ensemble/free/sample" and h5py.h5ds.is_scale(s.id), s.name
        assert s.attrs["NAME"] == NOT_A_VARIABLE + b"         0", s.attrs["NAME"]
        assert s.shape == (0,) and s.maxshape == (None,) and s.dtype == np.dtype(">f4"), (s.shape, s.maxshape, s.dtype)
        for ax, n in ((1, L1), (2, L2)):
            sc = d.dims[ax][0]
            assert sc.name == "/ensemble/free/x%d" % ax, sc.name
            assert h5py.h5ds.is_scale(sc.id) and sc.attrs["NAME"] == b"x%d" % ax
            assert sc.attrs["copy_of"] == "/lattice/x%d" % ax and sc.attrs["units_text"] == "lattice units"
            np.testing.assert_array_equal(sc[()], np.arange(n, dtype=np.float64))
            np.testing.assert_array_equal(sc[()], f["lattice/x%d" % ax][()])
        for n in range(SAMPLES):
            np.testing.assert_array_equal(d[n], field(n))

        # A coordinate whose name is not the label (the scale
        # /lattice/shells/khat2, named shell) is copied as <group>/<label>;
        # an axis without coordinates of fixed length gets a fixed dimension;
        # one label in a subgroup gets the subgroup's own dimension.
        sp = f["ensemble/free/spectrum"]
        assert sp.dims[0].label == "shell" and sp.dims[0][0].name == "/ensemble/free/shell"
        np.testing.assert_array_equal(sp.dims[0][0][()], SHELLS)
        np.testing.assert_array_equal(f["lattice/shells/khat2"][()], SHELLS)
        np.testing.assert_allclose(sp[()], [1 / (k + M2) for k in SHELLS], rtol=1e-15)
        c = f["ensemble/free/correlator"]
        r = c.dims[0][0]
        assert r.name == "/ensemble/free/r" and r.shape == r.maxshape == (L1 // 2 + 1,), (r.name, r.shape, r.maxshape)
        assert r.attrs["NAME"] == NOT_A_VARIABLE + b"%10d" % (L1 // 2 + 1), r.attrs["NAME"]
        np.testing.assert_allclose(c[()], [math.exp(-x / 2) for x in range(L1 // 2 + 1)], rtol=1e-15)
        m = f["ensemble/free/observables/magnetization"]
        assert m.dims[0][0].name == "/ensemble/free/observables/sample" and m.dims[0][0].shape == (SAMPLES,)
        np.testing.assert_allclose(m[()], [field(n).mean() for n in range(SAMPLES)], rtol=1e-15)

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
