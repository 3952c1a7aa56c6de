"""Read and write 1,000,000 splats (SH degree 3) in every format; compare with splat-transform 2.7.1.

    .venv/bin/python benchmarks/bench_formats.py [--n 1000000] [--repeat 2] [--no-peer] [--markdown]

Ours: ``spatial.save`` / ``spatial.load`` (full decode into torch ``Splats`` in spatial's frame, NaN checks,
quaternion normalization and frame conversion included). Peer, measured in the same run on the same files:
``@playcanvas/splat-transform`` 2.7.1 on node (tests/node, ``make node``):

* read F  = time(``splat-transform F null``) - node start-up (``splat-transform --version``);
* write F = time(``splat-transform src.ply F``) - time(``splat-transform src.ply null``)
  (its PLY read and start-up are subtracted, so only its encoder is counted).

The ratio is peer time / our time: above 1 means spatial is faster. Best of ``--repeat`` runs each.
"""

from __future__ import annotations

import argparse
import os
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


def best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def peer(*args, repeat: int) -> float:
    def run():
        r = subprocess.run([str(TOOL), "-q", "-w", *map(str, args)], capture_output=True, text=True)
        if r.returncode:
            raise RuntimeError(f"splat-transform {args}: {r.stderr[-500:]}")

    return best(run, repeat)


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
        print(f"{args.n:,} splats, SH degree 3, torch {torch.__version__}, {os.cpu_count()} CPU(s); best of {args.repeat}",
              flush=True)
        rows = []
        ours = {}
        for label, name, opts, _, _, _ in FORMATS:
            p = folder / name
            tw = best(lambda: save(s, p, **opts), args.repeat)
            tr = best(lambda: load(p), args.repeat)
            ours[name] = (tw, tr, p.stat().st_size)
            print(f"  ours  {label:30s} write {tw:7.2f} s   read {tr:7.2f} s   {p.stat().st_size / 1e6:7.1f} MB", flush=True)
        peer_read, peer_write, startup, ply_null = {}, {}, None, None
        if has_peer:
            startup = best(lambda: subprocess.run([str(TOOL), "--version"], capture_output=True), args.repeat)
            src = folder / "b.ply"
            ply_null = peer(src, "null", repeat=args.repeat)
            for label, name, opts, can_read, can_write, wargs in FORMATS:
                if can_read:
                    peer_read[name] = max(peer(folder / name, "null", repeat=args.repeat) - startup, 1e-3)
                if can_write:
                    out = folder / ("peer_" + name)
                    peer_write[name] = max(peer(src, *wargs, out, repeat=args.repeat) - ply_null, 1e-3)
                print(f"  peer  {label:30s} write {peer_write.get(name, float('nan')):7.2f} s   "
                      f"read {peer_read.get(name, float('nan')):7.2f} s", flush=True)
            print(f"  peer  node start-up {startup:.2f} s (subtracted), PLY read incl. start-up {ply_null:.2f} s", flush=True)
        for label, name, *_ in FORMATS:
            tw, tr, size = ours[name]
            for op, t, pt in (("read", tr, peer_read.get(name)), ("write", tw, peer_write.get(name))):
                rows.append((label, op, t, pt, size))
        fmt_ratio = lambda t, pt: "n/a" if pt is None else f"{pt / t:.2f}x"  # noqa: E731
        if args.markdown:
            print("\n| format | op | spatial (s) | splat-transform (s) | ratio (peer/ours) | spatial MB/s (file) |")
            print("|---|---|---:|---:|---:|---:|")
            for label, op, t, pt, size in rows:
                print(f"| {label} | {op} | {t:.2f} | {'n/a' if pt is None else f'{pt:.2f}'} | {fmt_ratio(t, pt)} | "
                      f"{size / 1e6 / t:.0f} |")
        else:
            print(f"\n{'format':30s} {'op':5s} {'spatial':>9s} {'peer':>9s} {'peer/ours':>10s}")
            for label, op, t, pt, size in rows:
                print(f"{label:30s} {op:5s} {t:8.2f}s {'n/a' if pt is None else f'{pt:8.2f}s':>9s} {fmt_ratio(t, pt):>10s}")
        if has_peer:
            misses = [f"{lab} {op}" for lab, op, t, pt, _ in rows
                      if pt is not None and (lab, op) in {("PLY (binary)", "read"), ("SPZ v3 (gzip)", "read"),
                                                          ("SPZ v4 (zstd)", "read"), ("SPZ v3 (gzip)", "write"),
                                                          ("SPZ v4 (zstd)", "write")} and pt < t]
            print("\ntargets (faster than splat-transform for PLY read, SPZ read, SPZ write):",
                  "met" if not misses else "MISSED: " + ", ".join(misses))
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
