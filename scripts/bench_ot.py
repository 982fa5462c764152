#!/usr/bin/python3
"""Reference side of `make bench-ot`: POT's log-domain Sinkhorn and scipy's
linear_sum_assignment, driven line by line by wgrad/internal/otbench so that
the two sides alternate round by round on the same data.

Protocol (one command per stdin line, one JSON object per stdout line):
  load PATH N M D     read two float64 little-endian point clouds (N×D then
                      M×D) and build M_ij = |x_i − y_j|² with ot.dist
                      (sqeuclidean, unnormalised) outside any timer
  sinkhorn REG THR IT time ot.sinkhorn(a, b, M, REG, method="sinkhorn_log",
                      stopThr=THR, numItermax=IT) with uniform a, b; reply
                      seconds, iterations, transport cost <M, plan> and the
                      final marginal error
  lsa                 time scipy.optimize.linear_sum_assignment(M); reply
                      seconds and the mean assigned cost
  quit

POT's reg multiplies −H(π); wgrad's ε multiplies KL(π‖a⊗b). On the transport
polytope the two objectives differ by a constant, so the plan and <M, plan>
are the same for ε = reg; both stop on the L2 norm of the column-marginal
error after the row update (POT checks it every 10th iteration).
"""
import json
import sys
import time
import warnings

import numpy as np
import ot
import scipy.optimize


def main():
    M = a = b = None
    out = sys.stdout
    for line in sys.stdin:
        f = line.split()
        if not f:
            continue
        cmd = f[0]
        if cmd == "quit":
            break
        if cmd == "load":
            path, n, m, d = f[1], int(f[2]), int(f[3]), int(f[4])
            raw = np.fromfile(path, dtype="<f8")
            x = raw[: n * d].reshape(n, d)
            y = raw[n * d:].reshape(m, d)
            M = ot.dist(x, y)  # metric='sqeuclidean'
            a = np.full(n, 1.0 / n)
            b = np.full(m, 1.0 / m)
            rep = {"ok": True, "versions": {"pot": ot.__version__, "numpy": np.__version__, "scipy": scipy.__version__}}
        elif cmd == "sinkhorn":
            reg, thr, it = float(f[1]), float(f[2]), int(f[3])
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                t0 = time.perf_counter()
                G, log = ot.sinkhorn(a, b, M, reg, method="sinkhorn_log", stopThr=thr, numItermax=it, log=True)
                sec = time.perf_counter() - t0
            err = float(np.linalg.norm(G.sum(0) - b))
            rep = {"sec": sec, "iter": int(log["niter"]) + 1, "transport": float(np.sum(G * M)), "err": err}
        elif cmd == "lsa":
            t0 = time.perf_counter()
            r, c = scipy.optimize.linear_sum_assignment(M)
            sec = time.perf_counter() - t0
            rep = {"sec": sec, "cost": float(M[r, c].sum() / len(r))}
        else:
            rep = {"error": "unknown command " + cmd}
        out.write(json.dumps(rep) + "\n")
        out.flush()


if __name__ == "__main__":
    main()
