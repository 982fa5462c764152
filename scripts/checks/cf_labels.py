"""Opens every group of an rgflow file with xarray and h5netcdf (Debian's
python3-xarray and python3-h5netcdf) and checks what the CF attribute
conventions give a plotting tool: the root attribute Conventions, and on
every variable and coordinate a long_name and units that xarray turns into
the axis label "long_name [units]" by itself (xarray.plot.utils.
label_from_attrs), units being one of the UDUNITS strings of
docs/hdf5-schema.md.

usage: python3 cf_labels.py FILE
"""
import sys

import h5py
import xarray as xr
from xarray.plot.utils import label_from_attrs

UNITS = {"1", "s"}


def groups(path):
    """The groups of the file that hold datasets, as paths."""
    out = set()
    with h5py.File(path, "r") as f:
        if f.attrs.get("Conventions") != "rgflow-1":
            sys.exit(f"{path}: root Conventions = {f.attrs.get('Conventions')!r}, want 'rgflow-1'")

        def visit(name, obj):
            if isinstance(obj, h5py.Dataset) and "description" in obj.attrs:
                out.add(obj.parent.name)

        f.visititems(visit)
    return sorted(out)


def main(path):
    n = 0
    bad = []
    for g in groups(path):
        if g.startswith("/checkpoint"):
            continue
        ds = xr.open_dataset(path, group=g, engine="h5netcdf", phony_dims="sort")
        for name, v in list(ds.data_vars.items()) + list(ds.coords.items()):
            if "description" not in v.attrs:
                continue  # netCDF dimensions without data
            ln, u = v.attrs.get("long_name"), v.attrs.get("units")
            # xarray wraps long labels (at spaces and hyphens).
            label = label_from_attrs(v)
            if not ln or u not in UNITS or "".join(label.split()) != "".join(f"{ln} [{u}]".split()):
                bad.append(f"{g}/{name}: long_name {ln!r}, units {u!r}, xarray label {label!r}")
            n += 1
        ds.close()
    for b in bad:
        print(b)
    print(f"{path}: {n} variables labelled by xarray as long_name [units]")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
