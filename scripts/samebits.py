"""Manifest of an HDF5 file's data, for bit-identity checks across revisions.

    samebits.py manifest FILE.h5      one line per dataset and attribute: path, dtype,
                                      shape and the SHA-256 of its bytes

Object references are written as the names they point to. Left out, because they differ between two runs of the same revision: /timing
and /cost (wall-clock measurements), /checkpoint (resume state), and the
attributes that record when, where and by which build a file was written.
"""
import hashlib
import sys

import h5py
import numpy as np

SKIP_GROUPS = ("timing", "cost", "checkpoint")
SKIP_ATTRS = {
    "created", "finished", "updated", "host", "hostname", "version", "revision", "rgflow_version",
    "go_version", "command", "elapsed_s", "wall_s", "pid", "user", "cwd",
    "started", "argv", "out", "path", "train_s", "duration_s",
}


def timed(name):
    """Names of wall-clock measurements: seconds, rates, durations."""
    return name.endswith("_s") or any(w in name for w in ("second", "time", "rate", "elapsed"))


def digest(v):
    a = np.asarray(v)
    if a.dtype.kind == "O":
        b = repr(a.tolist()).encode()
    else:
        b = a.tobytes()
    return "%s %s %s" % (a.dtype, a.shape, hashlib.sha256(b).hexdigest()[:16])


def manifest(path):
    out = []
    with h5py.File(path, "r") as f:
        def attrs(name, obj):
            for k in sorted(obj.attrs):
                if k == "REFERENCE_LIST":
                    continue  # the inverse of DIMENSION_LIST, as file addresses
                if k == "DIMENSION_LIST":
                    names = [[f[r].name for r in dim] for dim in obj.attrs[k]]
                    out.append("@%s:%s %s" % (name, k, names))
                    continue
                if k in SKIP_ATTRS or timed(k):
                    continue
                out.append("@%s:%s %s" % (name, k, digest(obj.attrs[k])))

        def visit(name, obj):
            if name.split("/")[0] in SKIP_GROUPS or "/timing" in name or "/cost" in name or timed(name.split("/")[-1]):
                return
            if isinstance(obj, h5py.Dataset):
                out.append("%s %s" % (name, digest(obj[()])))
            attrs(name, obj)

        attrs("/", f)
        f.visititems(visit)
    return out


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] != "manifest":
        sys.exit(__doc__)
    print("\n".join(manifest(sys.argv[2])))
