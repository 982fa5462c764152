"""Compare the datasets of HDF5 files bit for bit (used by slurm.sh).

    slurm_compare.py same A.h5 B.h5      every dataset of A and B outside /checkpoint:
                                          same paths, dtype, shape and bytes
    slurm_compare.py study DIR N          DIR/study.h5 of an N-task sweep: status, virtual
                                          datasets stacking every task's datasets, labels and
                                          one scale per axis (the netCDF view), the task
                                          coordinates of each group, coordinates written once,
                                          /sweep files, summary table (h5py's view)
    slurm_compare.py studies A B          two merged files: the same stacked datasets, bit for bit

Exit status 0 when everything matches; otherwise the differences are printed.
"""
import json
import os
import sys

import h5py
import numpy as np


def datasets(f, skip_links=False):
    out = {}

    def visit(name, obj):
        if isinstance(obj, h5py.Dataset) and not name.startswith("checkpoint/"):
            out[name] = obj

    if skip_links:
        for k in f:
            link = f.get(k, getlink=True)
            if isinstance(link, h5py.ExternalLink):
                continue
            obj = f[k]
            if isinstance(obj, h5py.Dataset):
                out[k] = obj
            else:
                obj.visititems(lambda n, o: visit(k + "/" + n, o))
    else:
        f.visititems(visit)
    return out


def same_bytes(a, b):
    x, y = a[()], b[()]
    if a.dtype != b.dtype or a.shape != b.shape:
        return "dtype/shape %s %s vs %s %s" % (a.dtype, a.shape, b.dtype, b.shape)
    if np.asarray(x).tobytes() != np.asarray(y).tobytes():
        if a.dtype.kind == "f":
            d = np.nanmax(np.abs(np.asarray(x, float) - np.asarray(y, float)))
            return "values differ (max |Δ| %g)" % d
        return "values differ"
    return None


def cmd_same(pa, pb):
    with h5py.File(pa, "r") as a, h5py.File(pb, "r") as b:
        da, db = datasets(a), datasets(b)
        bad = []
        for k in sorted(set(da) | set(db)):
            if k not in da or k not in db:
                bad.append("%s: only in %s" % (k, pa if k in da else pb))
                continue
            why = same_bytes(da[k], db[k])
            if why:
                bad.append("%s: %s" % (k, why))
        for attr in ("status", "seed"):
            if a.attrs[attr] != b.attrs[attr]:
                bad.append("root attribute %s differs: %r vs %r" % (attr, a.attrs[attr], b.attrs[attr]))
        if bad:
            print("%s and %s differ:\n  %s" % (pa, pb, "\n  ".join(bad)))
            return 1
        print("%s = %s: %d datasets identical bit for bit" % (os.path.basename(pa), os.path.basename(pb), len(da)))
        return 0


def cmd_study(d, n):
    n = int(n)
    path = os.path.join(d, "study.h5")
    bad = []
    with h5py.File(path, "r") as f:
        assert f.attrs["schema_version"] == 1, f.attrs["schema_version"]
        if f.attrs["status"] != "complete":
            bad.append("status %r: %s" % (f.attrs["status"], f.attrs.get("error")))
        if int(f.attrs["sweep_tasks"]) != n or int(f.attrs["sweep_complete"]) != n:
            bad.append("sweep_tasks %s, sweep_complete %s, want %d" % (f.attrs["sweep_tasks"], f.attrs["sweep_complete"], n))
        status = f["sweep/status"][()]
        if list(status) != [0] * n:
            bad.append("sweep/status %s" % status)
        keys = json.loads(f.attrs["sweep_keys"])
        files = json.loads(f["sweep"].attrs["files"])
        stacked = datasets(f, skip_links=True)
        virtual = {k: v for k, v in stacked.items() if v.is_virtual}
        if not virtual:
            bad.append("no virtual datasets")
        tasks = [h5py.File(os.path.join(d, "task-%04d.h5" % i), "r") for i in range(n)]
        gathered, coords = [0], [0]
        try:
            for i, t in enumerate(tasks):
                if t.attrs["status"] != "complete" or int(t.attrs["sweep_task"]) != i:
                    bad.append("task %d: status %r, sweep_task %r" % (i, t.attrs["status"], t.attrs["sweep_task"]))
                if int(f["sweep/seed"][i]) != int(t.attrs["seed"]):
                    bad.append("task %d: seed %d in sweep/seed, %d in its file" % (i, f["sweep/seed"][i], t.attrs["seed"]))
                if files[i] != "task-%04d.h5" % i:
                    bad.append("sweep attribute files[%d] = %r, want task-%04d.h5" % (i, files[i], i))
                else:
                    with h5py.File(os.path.join(d, files[i]), "r") as tf:
                        if tf.attrs["seed"] != t.attrs["seed"]:
                            bad.append("sweep attribute files[%d] does not name task %d's file" % (i, i))
            if "tasks" in f:
                bad.append("/tasks exists: external links stop h5netcdf (xarray) from opening the file")
            for k, v in sorted(virtual.items()):
                if v.shape[0] != n or v.dims[0].label != "task":
                    bad.append("%s: shape %s, axis 0 label %r" % (k, v.shape, v.dims[0].label))
                    continue
                # The netCDF view: one scale per axis, <group>/<label>; the
                # group's task coordinates equal /sweep's.
                g = v.parent.name.rstrip("/")
                for ax, dim in enumerate(v.dims):
                    names = [s.name for s in dim.values()]
                    if not dim.label or names != [g + "/" + dim.label]:
                        bad.append("%s axis %d: label %r, scales %s, want one scale %s/<label>" % (k, ax, dim.label, names, g))
                for key in keys:
                    col = f.get(g + "/param_" + key)
                    if col is None or col[()].tobytes() != f["sweep/params/" + key][()].tobytes():
                        bad.append("%s/param_%s missing or differs from /sweep/params/%s" % (g, key, key))
                if f[g + "/task"][()].tobytes() != f["sweep/task"][()].tobytes():
                    bad.append("%s/task differs from /sweep/task" % g)
                src_path = k[:-len("_by_task")] if k.endswith("_by_task") and k not in tasks[0] else k
                data = v[()]
                for name in ("error", "tau_int"):
                    if v.ndim == 1 and name in tasks[0][src_path].attrs:
                        got = np.asarray(v.attrs.get(name, []), float)
                        want = np.array([t[src_path].attrs[name] for t in tasks], float)
                        if got.tobytes() != want.tobytes():
                            bad.append("%s: attribute %s %s, the task files have %s" % (k, name, got, want))
                        gathered[0] += 1
                for i, t in enumerate(tasks):
                    src = t[src_path]
                    if np.asarray(data[i]).tobytes() != np.asarray(src[()]).tobytes():
                        bad.append("%s[%d] differs from task %d's %s" % (k, i, i, k))
                    for j in range(src.ndim):
                        want = src.dims[j].label or ("%s_dim_%d" % (src_path.split("/")[-1], j))
                        if src_path != k:
                            want = src_path.split("/")[-1]
                        if v.dims[j + 1].label != want:
                            bad.append("%s axis %d: label %r, want %r (the task file has %r)" % (k, j + 1, v.dims[j + 1].label, want, src.dims[j].label))
                            break
            # Coordinates alike in every task are written once, as they are.
            for k, v in sorted(stacked.items()):
                if v.is_virtual or k.startswith("sweep/") or k not in tasks[0]:
                    continue
                if not h5py.h5ds.is_scale(v.id) or v.attrs.get("NAME", b"").startswith(b"This is a netCDF dimension but not a netCDF variable."):
                    continue
                for i, t in enumerate(tasks):
                    if t[k][()].tobytes() != v[()].tobytes() or t[k].shape != v.shape:
                        bad.append("%s: the coordinate written once differs from task %d's" % (k, i))
                        break
                else:
                    coords[0] += 1
        finally:
            for t in tasks:
                t.close()
        table = f["sweep"].attrs["table"]
        if table.count("complete") != n:
            bad.append("summary table:\n" + table)
        unstacked = json.loads(f["sweep"].attrs["unstacked"]) or []
    if bad:
        print("%s:\n  %s" % (path, "\n  ".join(bad)))
        return 1
    print("%s: %d tasks complete, %d virtual datasets stacking every task's data bit for bit, one scale per axis, %d coordinates alike in every task, %d per-task error/tau_int arrays, %d not stacked%s"
          % (path, n, len(virtual), coords[0], gathered[0], len(unstacked), (": " + "; ".join(unstacked)) if unstacked else ""))
    return 0


def cmd_studies(a, b):
    pa, pb = os.path.join(a, "study.h5"), os.path.join(b, "study.h5")
    with h5py.File(pa, "r") as fa, h5py.File(pb, "r") as fb:
        da, db = datasets(fa, skip_links=True), datasets(fb, skip_links=True)
        bad = []
        for k in sorted(set(da) | set(db)):
            if k not in da or k not in db:
                bad.append("%s: only in one file" % k)
                continue
            why = same_bytes(da[k], db[k])
            if why:
                bad.append("%s: %s" % (k, why))
        if bad:
            print("%s and %s differ:\n  %s" % (pa, pb, "\n  ".join(bad)))
            return 1
        nv = sum(1 for v in da.values() if v.is_virtual)
        print("%s = %s: %d datasets (%d virtual) identical bit for bit" % (pa, pb, len(da), nv))
        return 0


if __name__ == "__main__":
    cmd = {"same": cmd_same, "study": cmd_study, "studies": cmd_studies}[sys.argv[1]]
    sys.exit(cmd(*sys.argv[2:]))
