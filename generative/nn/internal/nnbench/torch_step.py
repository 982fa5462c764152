# Copyright ©2026 The rgflow Authors. All rights reserved.
"""PyTorch side of `make bench-nn`: one training step of the benchmark
network, driven line by line from stdin by the Go harness (nnbench), so
that the two sides run interleaved in one session.

Protocol (one command per line):
  setup L B T   build the network for an L×L lattice, batch B, T threads;
                replies "ready <number of parameters>"
  run N         time N training steps; replies the N step times in ms
  quit

The architecture mirrors generative/nn's benchmark body: four periodic
(circular) 3×3 convolutions, 1→32→32→32→1 channels, SiLU after the first
three, each of those with an additive per-channel projection of a time
embedding u = SiLU(fc2(SiLU(fc1(sinusoids(1000 t))))) of width 32; MSE
loss and Adam.

Run it with /usr/bin/python3 (Debian's python3-torch 1.13) and
MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=68719476736
MALLOC_TOP_PAD_=1073741824 (malloc keeps freed memory, so that the tensors
of every step reuse it) and OMP_NUM_THREADS=T OPENBLAS_NUM_THREADS=T; the
harness sets these.
"""
import math
import sys
import time

import torch
import torch.nn as nn


class Net(nn.Module):
    def __init__(self, C=32, D=32, H=32):
        super().__init__()
        self.D = D
        self.convs = nn.ModuleList(
            [nn.Conv2d(1 if i == 0 else C, 1 if i == 3 else C, 3, padding=1, padding_mode="circular") for i in range(4)])
        self.fc1 = nn.Linear(D, H)
        self.fc2 = nn.Linear(H, H)
        self.proj = nn.ModuleList([nn.Linear(H, C, bias=False) for _ in range(3)])
        self.act = nn.SiLU()
        half = D // 2
        self.register_buffer("omega", torch.pow(10000.0, -torch.arange(half, dtype=torch.float32) / half))

    def forward(self, x, t):
        a = 1000.0 * t[:, None] * self.omega[None, :]
        u = self.act(self.fc2(self.act(self.fc1(torch.cat([torch.sin(a), torch.cos(a)], 1)))))
        h = x
        for i in range(3):
            h = self.act(self.convs[i](h) + self.proj[i](u)[:, :, None, None])
        return self.convs[3](h)


def main():
    torch.manual_seed(1)
    state = {}
    for line in sys.stdin:
        cmd = line.split()
        if not cmd:
            continue
        if cmd[0] == "setup":
            L, B, T = int(cmd[1]), int(cmd[2]), int(cmd[3])
            torch.set_num_threads(T)
            net = Net()
            opt = torch.optim.Adam(net.parameters(), lr=1e-3)
            x = torch.randn(B, 1, L, L)
            y = torch.randn(B, 1, L, L)
            t = torch.rand(B)

            def step():
                opt.zero_grad(set_to_none=True)
                loss = ((net(x, t) - y) ** 2).mean()
                loss.backward()
                opt.step()

            for _ in range(3):
                step()
            state["step"] = step
            n = sum(p.numel() for p in net.parameters())
            print("ready", n, torch.__version__, torch.get_num_threads(), torch.backends.mkldnn.is_available(), flush=True)
        elif cmd[0] == "run":
            ms = []
            for _ in range(int(cmd[1])):
                t0 = time.perf_counter()
                state["step"]()
                ms.append((time.perf_counter() - t0) * 1e3)
            print(" ".join("%.3f" % v for v in ms), flush=True)
        elif cmd[0] == "quit":
            return


if __name__ == "__main__":
    main()
