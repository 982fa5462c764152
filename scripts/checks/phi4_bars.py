"""Prints the acceptance bars of a phi4 HDF5 file: each learned ensemble's
verdict (the checks named "<method>: …" in /comparison/<method>/checks),
which one the run judged (the file's checks_judged), and exits 0 only when
the run is complete and the judged ensemble passed every bar
(checks_passed). Used by make phi4-validate.

usage: python3 phi4_bars.py FILE [LABEL]"""
import sys

import h5py
import numpy as np

path = sys.argv[1]
label = sys.argv[2] if len(sys.argv) > 2 else path
with h5py.File(path, "r") as f:
    a = f.attrs
    judged = a.get("checks_judged", "")
    for g in sorted(f.get("comparison", {})):
        if not g.startswith("learned"):
            continue
        ch = f["comparison/" + g + "/checks"]
        names = ch.attrs["names"].split(",")
        mine = np.array([n.startswith(g + ": ") for n in names])
        passed = ch["pass"][()][mine].astype(bool)
        missed = [n for n, ok in zip(np.array(names)[mine], passed) if not ok]
        verdict = "every bar passed" if len(missed) == 0 else "missed " + "; ".join(missed)
        tag = " (judged)" if "/comparison/" + g == judged else ""
        print("phi4-validate: %s: %s%s: %s" % (label, g, tag, verdict))
    ok = a["status"] == "complete" and bool(a["checks_passed"])
sys.exit(0 if ok else 1)
