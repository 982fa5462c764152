"""Reads an lpa HDF5 file the way an analyst would (h5py + numpy) and checks
the layout of docs/hdf5-schema.md ("lpa" section), the dimension scales, and
the fixed point against its own equation by numpy finite differences (an
independent check of the sampled potential). Usage: check_h5py.py FILE.
Exits non-zero on failure."""
import sys

import h5py
import numpy as np

path = sys.argv[1]
fails = []


def check(ok, what):
    if not ok:
        fails.append(what)


with h5py.File(path, "r") as f:
    a = f.attrs
    check(a["schema_version"] == 1, "schema_version is 1")
    check(a["status"] == "complete", "status is complete, got %r" % a["status"])
    check(a["experiment"] == "lpa", "experiment attribute")
    check("n_list:" in a["config"], "resolved YAML config stored")
    g = f["lpa"]
    d, N = float(g.attrs["d"]), int(g.attrs["n"])

    # Exponents table: one row per N, N as a dimension scale.
    ex = g["exponents"]
    ns = ex["N"][()]
    check(ex["nu"].dims[0].label == "N", "nu axis label")
    check(np.array_equal(ex["nu"].dims[0][0][()], ns), "nu N scale")
    check(ex["even"].shape[0] == len(ns), "even rows")
    check(ex["nu"].attrs["units"] == "1" and "ν" in ex["nu"].attrs["description"], "nu units/description")
    nu, om = ex["nu"][()], ex["omega"][()]
    check(np.allclose(nu, 1 / ex["even"][:, 0]), "ν = 1/λ₁")
    check(np.allclose(om, -ex["even"][:, 1]), "ω = −λ₂")
    # Between the Gaussian value ν = 1/2 and the N → ∞ value 1/(d−2), growing with N.
    check(np.all((nu > 0.5) & (nu < 1 / (d - 2))) and np.all(np.diff(nu) > 0), "ν ordered in N: %s" % nu)

    # Comparison with the published values (d = 3, N = 1).
    if d == 3 and N == 1:
        c = g["comparison"]
        for name, tol in (("nu", 1e-9), ("omega", 1e-8), ("omega2", 1e-7), ("omega5", 1e-7),
                          ("lambda_magnetic", 1e-9), ("lambda_redundant", 1e-9)):
            ds = c[name]
            check(abs(ds[()] - ds.attrs["reference"]) < tol, "%s = %r, reference %r" % (name, ds[()], ds.attrs["reference"]))
            check(ds.attrs["kind"] in ("published", "exact"), "%s kind" % name)

    # The fixed point: v′ = f and the fixed-point equation for v, by numpy
    # finite differences (second order on the sampled grid: measured
    # residuals 0.015 h² and 0.004 h² times the scale, at h = 0.03 and 0.11).
    fp = g["fixed_point"]
    r = fp["r"][()]
    v, fs = fp["v"][()], fp["f"][()]
    check(fp["v"].dims[0].label == "r" and np.array_equal(fp["v"].dims[0][0][()], r), "v r scale")
    h = r[1] - r[0]
    dv = np.gradient(v, h, edge_order=2)
    check(np.max(np.abs(dv - fs)[2:-2]) < 0.1 * h * h * (1 + np.max(np.abs(fs))), "v′ = f (max %g)" % np.max(np.abs(dv - fs)[2:-2]))
    fp_ = np.gradient(fs, h, edge_order=2)
    rr = r[2:-2]
    res = d * v[2:-2] - (d - 2) / 2 * rr * fs[2:-2] + fp_[2:-2] + (N - 1) * fs[2:-2] / rr - fs[2:-2] ** 2
    scale = 1 + np.max(np.abs(d * v))
    check(np.max(np.abs(res)) < 0.1 * h * h * scale, "fixed-point equation residual %g" % np.max(np.abs(res)))
    check(fp.attrs["gamma"] < 0, "γ = v*″(0) < 0 at Wilson–Fisher")
    check(abs(v[0] + N * fp.attrs["gamma"] / d) < 1e-9, "v*(0) = −Nγ/d")
    lam = fp["even_lambda"][()]
    check(fp["even_dv"].shape == (len(lam), len(r)), "even_dv shape")
    check(fp["even_dv"].dims[1].label == "r", "even_dv r label")

    # Flows: the two sides end in their phases, the critical flow comes close to f*.
    fl = g["flow"]
    for side in ("symmetric", "broken", "critical"):
        s = fl[side]
        t = s["t"][()]
        check(s["f"].shape == (len(t), len(fl["r"])), "%s f shape" % side)
        check(np.array_equal(s["curvature"].dims[0][0][()], t), "%s t scale" % side)
        check(np.all(np.diff(t) > 0), "%s times increase" % side)
    check(fl["symmetric"].attrs["phase"] == "symmetric", "a_c + δ flows to the symmetric phase")
    check(fl["broken"].attrs["phase"] == "broken", "a_c − δ flows to the broken phase")
    check(abs(fl["symmetric"].attrs["a"] - fl.attrs["a_c"] - fl.attrs["delta"]) < 1e-12, "symmetric a = a_c + δ")
    crit = fl["critical/distance"][()]
    check(crit.min() < 0.01, "critical flow approaches f* (closest %g)" % crit.min())
    check(crit.min() < 0.1 * crit[0], "critical flow approaches f*")

# Every group opens in xarray through h5netcdf with named dimensions (the
# netCDF view of docs/hdf5-schema.md), when those packages are installed.
try:
    import xarray as xr
    import h5netcdf  # noqa: F401
except ImportError:
    xr = None
if xr is not None:
    want = {
        "lpa/exponents": {"N", "even_index"},
        "lpa/fixed_point": {"r", "even_mode"},
        "lpa/flow/symmetric": {"t", "r"},
        "lpa/flow/critical": {"t", "r"},
    }
    for grp, dims in want.items():
        try:
            ds = xr.open_dataset(path, group=grp, engine="h5netcdf")
            check(dims <= set(ds.sizes), "xarray %s dims %s" % (grp, dict(ds.sizes)))
            ds.close()
        except Exception as e:  # noqa: BLE001 — report any reader failure
            fails.append("xarray cannot open %s: %s" % (grp, e))
    with xr.open_dataset(path, group="lpa/exponents", engine="h5netcdf") as ds, h5py.File(path, "r") as f:
        check(ds["nu"].dims == ("N",), "xarray nu dims %s" % (ds["nu"].dims,))
        check(np.array_equal(ds["N"].values, f["lpa/exponents/N"][()]), "xarray N coordinate")

if fails:
    print("FAIL:\n  " + "\n  ".join(fails))
    sys.exit(1)
print("h5py: lpa file OK")
