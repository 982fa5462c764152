"""Opens, with xarray and h5netcdf (Debian's python3-xarray and
python3-h5netcdf), every group of the example file that
internal/h5io/internal/h5example writes, and checks the netCDF view of it:
each labelled axis is the netCDF dimension of that name, coordinates come
with their values, axes without coordinates are dimensions without
variables, and every variable has the shape h5py gives it. The expected
values are computed here from the closed forms of internal/h5io/h5iotest.

usage: python3 xarray_example.py DIR
       python3 xarray_example.py --groups FILE   (the generic checks only)
"""
import math
import sys

import h5py
import numpy as np
import xarray as xr

L1, L2, SAMPLES, TIMES = 4, 6, 3, 3
SHELLS = [0.0, 1.0, 2.0, 4.0]
M2 = 0.25
# h5netcdf's NOT_A_VARIABLE, netCDF-C's DIM_WITHOUT_VARIABLE.
NOT_A_VARIABLE = b"This is a netCDF dimension but not a netCDF variable."


def field(n):
    i = np.arange(L1)[:, None]
    j = np.arange(L2)[None, :]
    return n + i / 10 + j / 100


def open_group(path, group):
    # phony_dims names the axes of unlabelled datasets (network parameters,
    # checkpoint state); labelled ones never need it.
    return xr.open_dataset(path, group=group, engine="h5netcdf", phony_dims="sort")


def check_groups(path):
    """Every group opens; every labelled dataset's xarray dims are its HDF5
    labels and its shape is h5py's; every dimension without a variable
    carries netCDF-C's NAME; a group whose datasets are all labelled opens
    without phony_dims. Returns the number of groups checked."""
    groups = []
    with h5py.File(path, "r") as f:
        f.visititems(lambda n, o: groups.append(n) if isinstance(o, h5py.Group) else None)
        for g in ["/"] + groups:
            unlabelled = False
            with open_group(path, g) as ds:
                for name, o in f[g].items():
                    if not isinstance(o, h5py.Dataset):
                        continue
                    nm = o.attrs.get("NAME", b"")
                    if nm.startswith(NOT_A_VARIABLE):
                        n = 0 if o.maxshape == (None,) else o.shape[0]
                        assert nm == NOT_A_VARIABLE + b"%10d" % n, (o.name, nm)
                        assert name not in ds.variables, o.name
                        assert o.dtype == np.dtype(">f4"), (o.name, o.dtype)
                        continue
                    v = ds.variables[name]
                    assert v.shape == o.shape, (o.name, v.shape, o.shape)
                    labels = [d.label for d in o.dims]
                    if o.ndim and all(labels):
                        assert list(v.dims) == labels, (o.name, v.dims, labels)
                        for ax, d in enumerate(o.dims):
                            assert len(d) == 1, (o.name, ax, len(d))
                            assert d[0].name == (f[g].name.rstrip("/") + "/" + labels[ax]), (o.name, d[0].name)
                    elif o.ndim and not h5py.h5ds.is_scale(o.id):
                        unlabelled = True
                        assert not any(labels), (o.name, labels)
            if not unlabelled:
                xr.open_dataset(path, group=g, engine="h5netcdf").close()
    return 1 + len(groups)


def check_example(path):
    with open_group(path, "/") as ds:
        assert ds.attrs["schema_version"] == 1 and ds.attrs["status"] == "complete", ds.attrs
        assert ds.attrs["config"] == "lattice:\n  dims: [4, 6]\nmass: 0.5\n", ds.attrs["config"]

    with open_group(path, "lattice") as ds:
        assert dict(ds.sizes) == {"x1": L1, "x2": L2, "k1": L1, "k2": L2}, dict(ds.sizes)
        np.testing.assert_array_equal(ds.x1.values, np.arange(L1))
        np.testing.assert_allclose(ds.k2.values, 2 * np.pi * np.arange(L2) / L2, rtol=0, atol=1e-15)
        assert ds.khat2.dims == ("k1", "k2")
        want = 4 * np.sin(ds.k1.values[:, None] / 2) ** 2 + 4 * np.sin(ds.k2.values[None, :] / 2) ** 2
        # Go's math.Sin and numpy's sin may differ in the last ulp: 4 ulp of 8.
        np.testing.assert_allclose(ds.khat2.values, want, rtol=0, atol=4 * 8 * 2.0**-52)
        assert ds.x1.attrs["units_text"] == "lattice units"

    with open_group(path, "ensemble/free") as ds:
        assert dict(ds.sizes) == {"sample": SAMPLES, "x1": L1, "x2": L2, "shell": len(SHELLS), "r": L1 // 2 + 1}, dict(ds.sizes)
        assert sorted(ds.coords) == ["shell", "x1", "x2"], list(ds.coords)
        assert ds.encoding["unlimited_dims"] == {"sample"}, ds.encoding
        phi = ds.fields
        assert phi.dims == ("sample", "x1", "x2") and phi.attrs["units_text"] == "lattice units"
        for n in range(SAMPLES):
            np.testing.assert_array_equal(phi.isel(sample=n).values, field(n))
        np.testing.assert_array_equal(phi.x2.values, np.arange(L2))
        # The copied coordinate keeps the source's units and names it.
        assert ds.shell.attrs["copy_of"] == "/lattice/shells/khat2" and ds.shell.attrs["units_text"] == "lattice units^-2"
        np.testing.assert_array_equal(ds.spectrum.shell.values, SHELLS)
        np.testing.assert_allclose(ds.spectrum.values, [1 / (k + M2) for k in SHELLS], rtol=1e-15)
        # sel on the coordinate: the spectrum at k̂² = 2.
        assert ds.spectrum.sel(shell=2.0).item() == 1 / (2.0 + M2)
        assert ds.correlator.dims == ("r",)
        np.testing.assert_allclose(ds.correlator.values, [math.exp(-r / 2) for r in range(L1 // 2 + 1)], rtol=1e-15)

    with open_group(path, "ensemble/free/observables") as ds:
        m = ds.magnetization
        assert m.dims == ("sample",) and m.shape == (SAMPLES,)
        np.testing.assert_allclose(m.values, [field(n).mean() for n in range(SAMPLES)], rtol=1e-15)

    with open_group(path, "flow/polchinski") as ds:
        assert ds.encoding["unlimited_dims"] == {"t"}, ds.encoding
        np.testing.assert_array_equal(ds.t.values, 0.5 * np.arange(TIMES))
        assert ds.kl.dims == ("t",)
        np.testing.assert_allclose(ds.kl.values, np.exp(-ds.t.values), rtol=1e-15)

    with open_group(path, "generated/gaussian") as ds:
        np.testing.assert_array_equal(ds.spectrum_ft.values, [1 - 2j, 0.5 + 3j])

    with open_group(path, "model/exact") as ds:
        assert ds.attrs["converged"] == True, ds.attrs  # noqa: E712 (numpy bool)


if __name__ == "__main__":
    if sys.argv[1] == "--groups":
        n = check_groups(sys.argv[2])
        print("xarray_example: %d groups of %s open in xarray with their labels as dimensions: ok" % (n, sys.argv[2]))
        sys.exit(0)
    p = sys.argv[1] + "/example.h5"
    n = check_groups(p)
    check_example(p)
    # Debian's python3-xarray reports __version__ 999; h5netcdf's is real.
    print("xarray_example: xarray with h5netcdf %s opened the %d groups of the Go-written file: ok"
          % (__import__("h5netcdf").__version__, n))
