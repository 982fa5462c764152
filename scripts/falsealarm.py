#!/usr/bin/env python3
# Copyright ©2026 The rgflow Authors. All rights reserved.
#
# Measures the false-alarm rate of freefield's acceptance checks for the
# samplers that are correct by construction: runs the program over many
# seeds of a small configuration and counts the runs in which a check of
# the exact samplers failed. Correct samplers here: the exact free-field
# sampler (the training fields and the reference), the Polchinski flow of
# exact samples (/checks/flow), the Langevin flows against their exact
# recursions (/checks/gradflow) and the exact inverse RG
# (/comparison/inverse_rg_exact: its acceptance checks and its comparison
# verdict). The learned method is not a correct sampler and its checks are
# not counted; its tolerance on the worst shell is applied to the exact
# method's spectrum ratio, which measures that tolerance's false-alarm
# rate for a correct sampler at this size; its tolerance on W₂ (learned
# W₂ ≤ 1.5 × the exact method's) is applied to the exact method's W₂ of
# two different seeds, every ordered pair: the rate for two independent
# correct samplers (in one run they share the reference, which correlates
# their W₂ and makes the rate smaller).
#
#   scripts/falsealarm.py FREEFIELD_BINARY NSEEDS [FIRST_SEED] [-- extra args]
#
# Prints one line per failing run and the totals with their binomial 95%
# upper bounds (Clopper–Pearson).
import math
import os
import subprocess
import sys
import tempfile

import h5py


def upper95(k, n):
    """Clopper–Pearson one-sided 95% upper bound of a binomial rate."""
    if k >= n:
        return 1.0
    lo, hi = k / n, 1.0
    for _ in range(100):
        p = (lo + hi) / 2
        cdf = sum(math.comb(n, i) * p**i * (1 - p) ** (n - i) for i in range(k + 1))
        if cdf > 0.05:
            lo = p
        else:
            hi = p
    return hi


def failed_checks(f, group):
    g = f[group]
    if "checks" in g and isinstance(g["checks"], h5py.Group) and "pass" in g["checks"]:
        names = g["checks"].attrs["names"]
        names = names.decode() if isinstance(names, bytes) else names
        names = names.split(",")
        return [n for n, p in zip(names, g["checks/pass"][()]) if not p]
    out = []
    for k, v in g.attrs.items():
        v = v.decode() if isinstance(v, bytes) else v
        if isinstance(v, str) and v.startswith("FAIL"):
            out.append(k)
    return out


def main():
    args = sys.argv[1:]
    extra = []
    if "--" in args:
        i = args.index("--")
        args, extra = args[:i], args[i + 1 :]
    binary, n = args[0], int(args[1])
    first = int(args[2]) if len(args) > 2 else 1
    runs = {"acceptance": 0, "verdict": 0, "any": 0, "shell_tol": 0}
    per = {}
    rate = None
    w2 = []
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "run.h5")
        for seed in range(first, first + n):
            cmd = [binary, "--quick", "--seed", str(seed), "--out", out, "--force", "--quiet", "--plots=false"] + extra
            subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
            with h5py.File(out, "r") as f:
                rate = f.attrs["false_alarm_rate"]
                acc = []
                for grp in ["/checks/flow", "/checks/gradflow"]:
                    if grp in f:
                        acc += failed_checks(f, grp)
                exact = failed_checks(f, "/comparison/inverse_rg_exact")
                acc += [c for c in exact if c.startswith("exact:")]
                verd = [c for c in exact if not c.startswith("exact:")]
                worst = max(abs(r - 1) for r in f["/comparison/inverse_rg_exact/spectrum_ratio"][()])
                w2.append(float(f["/comparison/inverse_rg_exact/w2"][()]))
            for c in acc + verd:
                per[c] = per.get(c, 0) + 1
            runs["acceptance"] += bool(acc)
            runs["verdict"] += bool(verd)
            runs["any"] += bool(acc or verd)
            runs["shell_tol"] += worst > 0.05
            if acc or verd:
                print("seed %d: %s" % (seed, "; ".join(acc + verd)), flush=True)
    print("seeds %d..%d (%d runs), stated family rate of the acceptance checks ≤ %.3g" % (first, first + n - 1, n, rate))
    for k, what in [
        ("acceptance", "runs with a failed acceptance check of a correct sampler (flow, gradflow, exact)"),
        ("verdict", "runs with a failed comparison verdict of the exact method"),
        ("any", "runs with either"),
        ("shell_tol", "runs where the exact method breaks the learned method's 5% shell tolerance"),
    ]:
        print("%-80s %4d / %d = %.4f (95%% upper bound %.4f)" % (what, runs[k], n, runs[k] / n, upper95(runs[k], n)))
    pairs = sum(1 for i, a in enumerate(w2) for j, b in enumerate(w2) if i != j and a > 1.5 * b)
    print("%-80s %4d / %d = %.4f" % ("ordered pairs of seeds whose exact W₂ ratio breaks the learned method's 1.5× tolerance", pairs, n * (n - 1), pairs / max(n * (n - 1), 1)))
    for c, k in sorted(per.items(), key=lambda x: -x[1]):
        print("  %-40s failed %d times" % (c, k))


if __name__ == "__main__":
    main()
