"""Read and write 1,000,000 splats (SH degree 3) in every format; compare with splat-transform 2.7.1.

    .venv/bin/python benchmarks/bench_formats.py [--n 1000000] [--repeat 2] [--no-peer] [--markdown]

Ours: ``spatial.save`` / ``spatial.load`` (full decode into torch ``Splats`` in spatial's frame, NaN checks,
quaternion normalization and frame conversion included). Peer, measured in the same run on the same files:
``@playcanvas/splat-transform`` 2.7.1 on node (tests/node, ``make node``):

* read F  = time(``splat-transform F null``) - node start-up (``splat-transform --version``);
* write F = time(``splat-transform src.ply F``) - time(``splat-transform src.ply null``)
  (its PLY read and start-up are subtracted, so only its encoder is counted).

The ratio is peer time / our time: above 1 means spatial is faster. Best of ``--repeat`` runs each, ours and
the peer's alternating per format. Wall time and CPU time (user + system; ours from this process, the peer's
from its child processes) are both reported: on a shared, loaded machine the CPU-time ratio is the steadier one.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import torch

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from spatial.core.splats import Splats  # noqa: E402
from spatial.io import load, save  # noqa: E402

TOOL = REPO / "tests" / "node" / "node_modules" / ".bin" / "splat-transform"
#: (label, file name, save options, peer can read, peer can write, peer write args)
FORMATS = [
    ("PLY (binary)", "b.ply", {}, True, True, []),
    ("compressed PLY", "b.compressed.ply", {}, True, True, []),
    (".splat", "b.splat", {}, True, False, []),
    ("SPZ v3 (gzip)", "b3.spz", {"version": 3}, True, True, ["--spz-version", "3"]),
    ("SPZ v4 (zstd)", "b4.spz", {"version": 4}, True, True, []),
    ("SPZ v2", "b2.spz", {"version": 2}, True, False, []),
    ("GLB (KHR_gaussian_splatting)", "b.glb", {}, False, True, []),
]


def make_splats(n: int, seed: int = 0) -> Splats:
    """A plausible large scene: 100 m across, small anisotropic splats, SH energy decaying with degree."""
    g = np.random.default_rng(seed)
    sh = np.empty((n, 16, 3), np.float32)
    sh[:, 0] = g.normal(0.0, 1.0, (n, 3))
    for lo, hi, sd in ((1, 4, 0.25), (4, 9, 0.12), (9, 16, 0.06)):
        sh[:, lo:hi] = g.normal(0.0, sd, (n, hi - lo, 3))
    return Splats(
        torch.from_numpy(g.uniform(-50, 50, (n, 3)).astype(np.float32)),
        torch.from_numpy(g.normal(size=(n, 4)).astype(np.float32)),
        torch.from_numpy(g.uniform(-6, -1, (n, 3)).astype(np.float32)),
        torch.from_numpy(g.normal(0, 2, n).astype(np.float32)),
        torch.from_numpy(sh),
    )


def _cpu(who) -> float:
    r = resource.getrusage(who)
    return r.ru_utime + r.ru_stime


class Timing:
    """Best wall time and best CPU time (user + system, this process or its children) over runs."""

    def __init__(self):
        self.wall = self.cpu = float("inf")

    def add(self, wall: float, cpu: float) -> "Timing":
        self.wall, self.cpu = min(self.wall, wall), min(self.cpu, cpu)
        return self

    def minus(self, other: "Timing") -> "Timing":
        return Timing().add(max(self.wall - other.wall, 1e-3), max(self.cpu - other.cpu, 1e-3))


def measure(fn, repeat: int = 1, children: bool = False, into: Timing | None = None) -> Timing:
    who = resource.RUSAGE_CHILDREN if children else resource.RUSAGE_SELF
    t = into or Timing()
    for _ in range(repeat):
        c0, t0 = _cpu(who), time.perf_counter()
        fn()
        t.add(time.perf_counter() - t0, _cpu(who) - c0)
    return t


def peer(*args, repeat: int = 1, into: Timing | None = None) -> Timing:
    def run():
        r = subprocess.run([str(TOOL), "-q", "-w", *map(str, args)], capture_output=True, text=True)
        if r.returncode:
            raise RuntimeError(f"splat-transform {args}: {r.stderr[-500:]}")

    return measure(run, repeat, children=True, into=into)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--no-peer", action="store_true", help="skip splat-transform")
    ap.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    ap.add_argument("--keep", help="folder for the files (default: a temporary folder, removed)")
    args = ap.parse_args(argv)
    has_peer = not args.no_peer and TOOL.exists() and shutil.which("node")
    if not args.no_peer and not has_peer:
        print("splat-transform not installed (run `make node`): peer columns skipped", file=sys.stderr)
    folder = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="bench_formats_"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        s = make_splats(args.n)
        print(f"{args.n:,} splats, SH degree 3, torch {torch.__version__}, {os.cpu_count()} CPU(s); best of {args.repeat}, "
              "ours and splat-transform interleaved per format", flush=True)
        src = folder / "b.ply"
        save(s, src)
        startup = None
        if has_peer:
            startup = measure(lambda: subprocess.run([str(TOOL), "--version"], capture_output=True), args.repeat, True)
            print(f"  splat-transform: node start-up {startup.wall:.2f} s wall / {startup.cpu:.2f} s CPU "
                  "(subtracted from its read times; its PLY read is subtracted from its write times)", flush=True)
        rows = []
        for label, name, opts, can_read, can_write, wargs in FORMATS:
            p = folder / name
            tw, tr, pw, pr = Timing(), Timing(), None, None
            for _ in range(args.repeat):  # alternate ours and the peer so load changes hit both alike
                measure(lambda: save(s, p, **opts), into=tw)
                if has_peer and can_write:
                    base = peer(src, "null")
                    full = peer(src, *wargs, folder / ("peer_" + name))
                    d = full.minus(base)
                    pw = d if pw is None else pw.add(d.wall, d.cpu)
                measure(lambda: load(p), into=tr)
                if has_peer and can_read:
                    d = peer(p, "null").minus(startup)
                    pr = d if pr is None else pr.add(d.wall, d.cpu)
            size = p.stat().st_size
            show = lambda v: "   n/a" if v is None else f"{v.wall:6.2f}"  # noqa: E731
            print(f"  {label:30s} write {tw.wall:6.2f} s (peer {show(pw)})   read {tr.wall:6.2f} s (peer {show(pr)})   "
                  f"{size / 1e6:6.1f} MB", flush=True)
            rows.append((label, "read", tr, pr, size))
            rows.append((label, "write", tw, pw, size))
        ratio = lambda a, b: "n/a" if b is None else f"{b / a:.2f}x"  # noqa: E731
        if args.markdown:
            print("\n| format | op | spatial wall (s) | splat-transform wall (s) | wall ratio | spatial CPU (s) | "
                  "splat-transform CPU (s) | CPU ratio |")
            print("|---|---|---:|---:|---:|---:|---:|---:|")
            for label, op, t, pt, size in rows:
                print(f"| {label} | {op} | {t.wall:.2f} | {'n/a' if pt is None else f'{pt.wall:.2f}'} | "
                      f"{ratio(t.wall, pt and pt.wall)} | {t.cpu:.2f} | {'n/a' if pt is None else f'{pt.cpu:.2f}'} | "
                      f"{ratio(t.cpu, pt and pt.cpu)} |")
        else:
            print(f"\n{'format':30s} {'op':5s} {'spatial':>9s} {'peer':>9s} {'ratio':>7s} {'cpu':>7s} {'peer cpu':>9s} {'ratio':>7s}")
            for label, op, t, pt, size in rows:
                print(f"{label:30s} {op:5s} {t.wall:8.2f}s {'n/a' if pt is None else f'{pt.wall:8.2f}s':>9s} "
                      f"{ratio(t.wall, pt and pt.wall):>7s} {t.cpu:6.2f}s {'n/a' if pt is None else f'{pt.cpu:8.2f}s':>9s} "
                      f"{ratio(t.cpu, pt and pt.cpu):>7s}")
        print("ratio = splat-transform time / spatial time (above 1: spatial is faster)")
        if has_peer:
            targets = {("PLY (binary)", "read"), ("SPZ v3 (gzip)", "read"), ("SPZ v4 (zstd)", "read"),
                       ("SPZ v3 (gzip)", "write"), ("SPZ v4 (zstd)", "write")}
            misses = [f"{lab} {op} ({kind})" for lab, op, t, pt, _ in rows if pt is not None and (lab, op) in targets
                      for kind, a, b in (("wall", t.wall, pt.wall), ("CPU", t.cpu, pt.cpu)) if b < a]
            print("targets (faster than splat-transform for PLY read, SPZ read, SPZ write):",
                  "met on wall and CPU time" if not misses else "MISSED: " + ", ".join(misses))
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
