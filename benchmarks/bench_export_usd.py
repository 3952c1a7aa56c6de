"""OpenUSD export of a 1,000,000-splat SH-degree-3 world beside the PLY export of the same world, same run.

    .venv/bin/python benchmarks/bench_export_usd.py [--n 1000000] [--repeat 2] [--faces 100000]

The world: ``bench_formats.make_splats`` (100 m across, SH energy decaying with degree, labels) plus a terrain
collider of about ``--faces`` triangles, one camera, a scene graph of 50 instances.

* **USD**: ``spatial.export(world, "usd", out)`` (default profile: splat layer ``.usdc``, collision layer, visual
  mesh layer, root ``world.usda`` with objects, spawn, camera; no convex pieces), and the splat layer alone;
* **USD binary root**: the same with ``binary=True`` (root ``world.usdc``);
* **PLY**: ``spatial.save(world.splats, "x.ply")`` - the Inria PLY every other engine profile writes.

Best of ``--repeat`` runs, wall and CPU (user + system) seconds; the ratios are USD time / PLY time (CPU time is
the steadier one on a shared machine).
"""

from __future__ import annotations

import argparse
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import torch
import trimesh

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from bench_formats import make_splats

from spatial.exporting import export
from spatial.io import save
from spatial.world import Spawn, World


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _best(fn, repeat: int) -> tuple[float, float]:
    wall = cpu = float("inf")
    for _ in range(repeat):
        c0, t0 = _cpu(), time.perf_counter()
        fn()
        wall, cpu = min(wall, time.perf_counter() - t0), min(cpu, _cpu() - c0)
    return wall, cpu


def make_world(n: int, faces: int) -> World:
    from spatial.core.camera import Camera

    s = make_splats(n)
    g = np.random.default_rng(1)
    s.labels = torch.from_numpy(g.integers(0, 14, n).astype(np.int32))
    side = max(2, int(np.sqrt(faces / 2)))
    xs = np.linspace(-50, 50, side + 1)
    xx, zz = np.meshgrid(xs, xs)
    v = np.stack([xx.ravel(), 0.5 * np.sin(xx.ravel() / 7) * np.cos(zz.ravel() / 5), zz.ravel()], -1)
    i = np.arange(side * (side + 1)).reshape(side + 1, side)[:side].ravel()
    i = i + i // side  # lower-left vertex of each quad
    f = np.concatenate([np.stack([i, i + side + 1, i + 1], -1), np.stack([i + 1, i + side + 1, i + side + 2], -1)])
    grid = trimesh.Trimesh(v, f, process=False)
    scene = [{"id": k, "kind": "barrel", "label": 12, "position": [float(k) - 25, 0.0, 3.0], "yaw_deg": 10.0 * k,
              "scale": 1.0, "bbox": [[k - 25.5, 0.0, 2.5], [k - 24.5, 1.0, 3.5]]} for k in range(50)]
    cam = Camera.look_at([0, 1.6, 10], [0, 1, 0], 640, 480)
    w = World(splats=s, collider=grid, spawn=Spawn((0.0, 0.0, 0.0), 0.0), name="bench", cameras=[cam])
    w.metadata["scene"] = scene
    return w


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--faces", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=2)
    args = ap.parse_args()
    from spatial.io.formats.usd import write_splat_layer

    w = make_world(args.n, args.faces)
    tmp = Path(tempfile.mkdtemp(prefix="bench_usd_"))
    try:
        rows = []
        ply = _best(lambda: save(w.splats, tmp / "x.ply"), args.repeat)
        rows.append(("PLY (Inria, binary)", ply, (tmp / "x.ply").stat().st_size))
        layer = _best(lambda: write_splat_layer(w.splats, tmp / "x.usdc", w.labels), args.repeat)
        rows.append(("USD splat layer only (.usdc)", layer, (tmp / "x.usdc").stat().st_size))
        usd = _best(lambda: export(w, "usd", tmp / "usda", progress=False), args.repeat)
        rows.append(("USD export (world.usda + layers)", usd, sum(p.stat().st_size for p in (tmp / "usda").iterdir())))
        usdc = _best(lambda: export(w, "usd", tmp / "usdc", progress=False, binary=True), args.repeat)
        rows.append(("USD export --binary (world.usdc + layers)", usdc, sum(p.stat().st_size for p in (tmp / "usdc").iterdir())))
        print(f"{args.n} splats, SH degree {w.splats.sh_degree}, collider {len(w.collider.faces)} triangles, "
              f"best of {args.repeat}")
        print("| what | wall s | CPU s | MB | wall / PLY | CPU / PLY |\n|---|---|---|---|---|---|")
        for name, (wall, cpu), size in rows:
            print(f"| {name} | {wall:.2f} | {cpu:.2f} | {size / 1e6:.0f} | {wall / ply[0]:.2f} | {cpu / ply[1]:.2f} |")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
