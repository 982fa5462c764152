"""Opens a merged toy study (study.h5 of experiments/sweep's tests) group by
group in xarray (h5netcdf engine), without phony dimensions, and checks the
task axis against the task files read with h5py: the task coordinates
(task, param_<key>, replica) of each group, the stacked values, the
coordinate k written once, the coordinate time stacked as time_by_task
because it differs between tasks, NaN slabs of tasks that are not
complete, and that set_index/unstack turns the task axis into the
parameter grid.

usage: python3 check_xarray.py STUDY_DIR
"""
import json
import os
import sys

import h5py
import numpy as np
import xarray as xr

d = sys.argv[1]
path = os.path.join(d, "study.h5")


def group(g):
    return xr.open_dataset(path, group=g, engine="h5netcdf")


with h5py.File(path, "r") as f:
    n = int(f.attrs["sweep_tasks"])
    files = json.loads(f["sweep"].attrs["files"])
    status = f["sweep/status"][()]
    assert "tasks" not in f, "study.h5 has external links under /tasks: h5netcdf follows them"

tasks = {}
for i, name in enumerate(files):
    if name and status[i] == 0:
        tasks[i] = h5py.File(os.path.join(d, name), "r")
assert tasks, "no complete task"

m2 = np.array([0.5, 0.5, 0.5, 0.5, 2, 2, 2, 2])
with group("toy") as ds:
    assert ds["values"].dims == ("task", "sample", "component"), ds.values.dims
    assert ds.grid.dims == ("task", "grid_dim_0", "grid_dim_1"), ds.grid.dims
    assert ds.spectrum.dims == ("task", "k") and ds.decay.dims == ("task", "time")
    # time differs between tasks of different m2: stacked as time_by_task,
    # unless the complete tasks all have one m2 (then it is a coordinate).
    alike = len({m2[i] for i in tasks}) == 1
    want = ["k", "param_label", "param_m2", "replica", "task"] + (["time"] if alike else [])
    assert sorted(ds.coords) == want, list(ds.coords)
    assert ("time_by_task" in ds) != alike, list(ds)
    if alike:
        np.testing.assert_array_equal(ds.time.values, next(iter(tasks.values()))["toy/time"][()])
    np.testing.assert_array_equal(ds.task.values, np.arange(n))
    np.testing.assert_array_equal(ds.param_m2.values, m2)
    np.testing.assert_array_equal(ds.param_label.values, [0, 0, 1, 1, 0, 0, 1, 1])
    assert json.loads(ds.param_label.attrs["values"]) == ["a", "b c"]
    np.testing.assert_array_equal(ds.replica.values, [0, 1] * 4)
    np.testing.assert_array_equal(ds.k.values, [0, 1, 2])
    for i in range(n):
        row = ds.isel(task=i)
        if i not in tasks:
            assert np.isnan(row["values"].values).all() and np.isnan(row.decay.values).all(), i
            continue
        t = tasks[i]
        np.testing.assert_array_equal(row["values"].values, t["toy/values"][()])
        np.testing.assert_array_equal(row.spectrum.values, t["toy/spectrum"][()])
        times = row.time.values if alike else row.time_by_task.values
        np.testing.assert_array_equal(times, t["toy/time"][()])
        np.testing.assert_array_equal(times, [0, m2[i]])
        assert int(row["count"]) == 18
with group("toy/estimates") as ds:
    grid = ds.set_index(task=["param_m2", "param_label", "replica"]).unstack("task").variance
    assert dict(grid.sizes) == {"param_m2": 2, "param_label": 2, "replica": 2}, dict(grid.sizes)
    for i, t in tasks.items():
        got = grid.sel(param_m2=m2[i], param_label=[0, 0, 1, 1][i % 4], replica=i % 2).item()
        assert got == t["toy/estimates/variance"][()], (i, got)
with group("sweep/params") as ds:
    np.testing.assert_array_equal(ds.m2.values, m2)
    assert ds.m2.dims == ("task",)
for t in tasks.values():
    t.close()
print("check_xarray: %s opens group by group in xarray; %d complete tasks match their files" % (path, len(tasks)))
