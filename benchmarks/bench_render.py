"""Rasterizer speed: forward and forward+backward per backend, against gsplat's own PyTorch implementation.

    .venv/bin/python benchmarks/bench_render.py                 # everything available here
    .venv/bin/python benchmarks/bench_render.py --quick         # 1 timed run instead of median of 3
    .venv/bin/python benchmarks/bench_render.py --cases 100k --threads 1

Cases (the benchmark scene of docs/performance.md: splats uniform in x, y in [-1.5, 1.5],
z in [3, 7] before an identity camera, fx = fy = W, scales log-uniform in [0.004, 0.03], opacity
sigmoid(randn), SH degree 3, background (0.1, 0.2, 0.3)):

* ``100k``: 100,000 splats at 512x512;
* ``1M``: 1,000,000 splats at 1280x720. gsplat's PyTorch path needs ~10x the memory and time of the
  100k case here, so it is measured on 100,000 splats at 1280x720 and the ratio is taken per tile-method
  pair (below; printed as such).

Each (backend, case, threads) runs in its own process (``--child``), so thread settings are clean and
the peak RSS printed is that configuration's own. Times: one warm-up, then the best of 7 timed runs
for the compiled backends (runs of tens of milliseconds, which a shared machine's bursts of load hit
one at a time) and of 3 for gsplat-torch and the reference (runs of seconds); the medians are in the
JSON. Wall clock, with CPU seconds alongside (what a 1-thread run costs on a busy machine). "fwd+bwd" = forward plus
``backward()`` of a random-weighted sum of rgb, alpha and depth into means, quats, scales, opacities, SH.

Nanoseconds per (pixel, splat) pair, forward CPU seconds (all threads, so per core) over two counts:

* **tile-method pairs** (the workload): 256 x the tile intersections of the reference binning (gsplat's:
  every tile the splat's 3.33-sigma radius box touches), i.e. the pairs the tile method of 3D Gaussian
  Splatting evaluates, where every pixel of a tile tests every splat of the tile's list. The same count
  for every backend on a scene, so these columns compare time per unit of work;
* **computed pairs**: the pairs the backend itself computed the Gaussian for (``meta["n_evaluated"]``;
  the ``cpu`` backend culls most tile-method pairs before computing anything, with exact ellipse tests
  per tile and per 8-pixel block row, and stops blocks whose pixels all terminated).

Ratios are printed on wall-clock and on CPU time; on a busy machine the CPU-time ratio of the 1-thread
runs is the meaningful one.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
CASES = {"100k": (100_000, 512, 512), "1M": (1_000_000, 1280, 720)}
GSPLAT_STANDIN = {"1M": (100_000, 1280, 720)}  # what gsplat-torch runs instead (see module docstring)
PEER = "gsplat-torch"


# ----------------------------------------------------------------------------------- child process
def _scene(n: int, width: int, height: int, seed: int = 0):
    import torch

    g = torch.Generator().manual_seed(seed)
    means = torch.stack([torch.rand(n, generator=g) * 3 - 1.5, torch.rand(n, generator=g) * 3 - 1.5, 3 + 4 * torch.rand(n, generator=g)], -1)
    quats = torch.randn(n, 4, generator=g)
    scales = torch.exp(torch.log(torch.tensor(0.004)) + torch.rand(n, 3, generator=g) * (torch.log(torch.tensor(0.03 / 0.004))))
    opacities = torch.sigmoid(torch.randn(n, generator=g))
    sh = torch.randn(n, 16, 3, generator=g) * 0.3
    viewmats = torch.eye(4)[None]
    Ks = torch.tensor([[[float(width), 0, width / 2], [0, float(width), height / 2], [0, 0, 1]]])
    bg = torch.tensor([[0.1, 0.2, 0.3]])
    return dict(means=means, quats=quats, scales=scales, opacities=opacities, colors=sh, viewmats=viewmats, Ks=Ks,
                width=width, height=height, sh_degree=3, backgrounds=bg)


def _renderer(backend: str):
    """fn(scene, sink) -> (rgb, alpha, depth, meta)."""
    if backend == PEER:
        sys.path.insert(0, str(REPO / "tests"))
        from gsplat_oracle import render_oracle

        def run(s, sink):
            return render_oracle(s["means"], s["quats"], s["scales"], s["opacities"], s["colors"], s["viewmats"], s["Ks"],
                                 s["width"], s["height"], sh_degree=3, backgrounds=s["backgrounds"])
        return run
    from spatial.rendering import backends

    mod = backends.module(backend)

    def run(s, sink):
        return mod.rasterize(**s, near_plane=0.01, far_plane=1e10, eps2d=0.3, antialiased=False, means2d_grad_sink=sink)
    return run


def _tile_pairs(s) -> int:
    """Tile-method pairs: 256 x the tile intersections of the reference binning (radius boxes)."""
    import math

    import torch

    from spatial.rendering import reference

    with torch.no_grad():
        p = reference.project(s["means"], s["quats"], s["scales"], s["viewmats"], s["Ks"], s["width"], s["height"])
        box = reference.tile_ranges(p["means2d"][0], p["radii"][0], math.ceil(s["width"] / 16), math.ceil(s["height"] / 16))
    return int(((box[:, 2] - box[:, 0]) * (box[:, 3] - box[:, 1])).sum()) * 256


def child(backend: str, n: int, width: int, height: int, threads: int, repeat: int, modes: list[str]) -> dict:
    import torch

    torch.set_num_threads(threads)
    if backend == "cpu":
        from spatial.rendering import backend_cpu

        backend_cpu.set_num_threads(threads)
    s = _scene(n, width, height)
    run = _renderer(backend)
    out: dict = {"backend": backend, "n": n, "width": width, "height": height, "threads": threads}
    diff = ("means", "quats", "scales", "opacities", "colors")

    def fwd():
        with torch.no_grad():
            return run(s, None)

    def fwdbwd():
        k = dict(s)
        for name in diff:
            k[name] = s[name].clone().requires_grad_(True)
        sink = torch.zeros(1, n, 2, requires_grad=True)
        rgb, alpha, depth, meta = run(k, sink)
        g = torch.Generator().manual_seed(1)
        loss = sum((x * torch.randn(x.shape, generator=g)).sum() for x in (rgb, alpha, depth))
        loss.backward()
        return meta

    for mode, fn in (("fwd", fwd), ("fwdbwd", fwdbwd)):
        if mode not in modes:
            continue
        result = fn()  # warm-up
        if mode == "fwd":
            meta = result[3]
            out["tile_pairs"] = _tile_pairs(s)
            if "n_evaluated" in meta:
                out["pairs"] = int(meta["n_evaluated"])
        walls, cpus = [], []
        for _ in range(repeat):
            w0, c0 = time.perf_counter(), time.process_time()
            fn()
            walls.append(time.perf_counter() - w0)
            cpus.append(time.process_time() - c0)
        out[mode] = min(walls)
        out[mode + "_cpu"] = min(cpus)
        out[mode + "_median"] = statistics.median(walls)
        out[mode + "_cpu_median"] = statistics.median(cpus)
        out["repeat"] = repeat
    out["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


# ----------------------------------------------------------------------------------- parent
def _spawn(backend, n, w, h, threads, repeat, modes, timeout) -> dict | None:
    env = dict(os.environ, OMP_NUM_THREADS=str(threads), MKL_NUM_THREADS=str(threads), SPATIAL_NUM_THREADS=str(threads))
    cmd = [sys.executable, __file__, "--child", json.dumps([backend, n, w, h, threads, repeat, modes])]
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=timeout)
    except subprocess.TimeoutExpired:
        print(f"  {backend} {n} {w}x{h} {threads} thr: timed out after {timeout} s", flush=True)
        return None
    if p.returncode != 0:
        print(f"  {backend} {n} {w}x{h} {threads} thr: failed\n{p.stderr[-2000:]}", flush=True)
        return None
    return json.loads(p.stdout.strip().splitlines()[-1])


def _fmt_s(x):
    return "-" if x is None else (f"{x * 1000:.1f} ms" if x < 1 else f"{x:.2f} s")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--cases", nargs="*", default=list(CASES), choices=list(CASES))
    ap.add_argument("--threads", nargs="*", type=int, default=None, help="thread counts (default: 1 and all cores)")
    ap.add_argument("--backends", nargs="*", default=None, help="default: every available compiled backend + reference")
    ap.add_argument("--quick", action="store_true", help="one timed run per configuration")
    ap.add_argument("--no-peer", action="store_true", help=f"skip {PEER} (gsplat's PyTorch path via the CPU shims)")
    ap.add_argument("--timeout", type=int, default=1800, help="seconds per configuration")
    ap.add_argument("--json", help="also write the results here")
    args = ap.parse_args(argv)
    if args.child:
        b, n, w, h, t, r, modes = json.loads(args.child)
        print(json.dumps(child(b, n, w, h, t, r, modes)))
        return 0

    sys.path.insert(0, str(REPO))
    from spatial.rendering import backends

    avail = backends.available_backends()
    names = args.backends or [b for b in ("cpu", "cuda", "reference") if b in avail and b != "gsplat"]
    threads = args.threads or sorted({1, os.cpu_count() or 1})
    def repeat(backend: str) -> int:
        return 1 if args.quick else (3 if backend in (PEER, "reference") else 7)

    print(f"backends here: {', '.join(avail)}; measuring {', '.join(names)}" + ("" if args.no_peer else f" and {PEER}"))
    print(f"machine: {os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f}; "
          + ("1 timed run each" if args.quick else f"best of 7 timed runs (compiled backends), of 3 ({PEER}, reference)"))
    rows = []
    for case in args.cases:
        n, w, h = CASES[case]
        for t in threads:
            peer = None
            if not args.no_peer:
                pn, pw, ph = GSPLAT_STANDIN.get(case, (n, w, h))
                peer = _spawn(PEER, pn, pw, ph, t, repeat(PEER), ["fwd", "fwdbwd"], args.timeout)
                if peer:
                    peer["case"] = case
                    rows.append(peer)
            for b in names:
                # The reference is the specification, not a renderer: forward only at 100k (its autograd graph
                # for fwd+bwd holds every (pixel, splat) pair, > 6 GiB here), and not at all at 1M.
                if b == "reference" and case == "1M":
                    continue
                modes = ["fwd"] if b == "reference" else ["fwd", "fwdbwd"]
                r = _spawn(b, n, w, h, t, repeat(b), modes, args.timeout)
                if not r:
                    continue
                r["case"] = case
                if peer:
                    same = (peer["n"], peer["width"], peer["height"]) == (n, w, h)
                    for m in ("fwd", "fwdbwd", "fwd_cpu", "fwdbwd_cpu"):
                        if r.get(m) and peer.get(m):
                            if same:
                                r[f"x_{m}"] = peer[m] / r[m]
                            elif r.get("tile_pairs") and peer.get("tile_pairs"):  # per unit of work
                                r[f"x_{m}"] = (peer[m] / peer["tile_pairs"]) / (r[m] / r["tile_pairs"])
                    r["x_basis"] = "same scene" if same else f"per tile-method pair ({PEER} on {peer['n']:,} splats {peer['width']}x{peer['height']})"
                rows.append(r)
    print()
    hdr = (f"{'case':5} {'backend':13} {'thr':>3} {'fwd':>9} {'fwd+bwd':>9} {'fwd cpu':>9} {'f+b cpu':>9} "
           f"{'x fwd':>6} {'x f+b':>6} {'x fwd':>6} {'x f+b':>6} {'tile':>6} {'computed':>8} {'peak RSS':>9}  note")
    print(" " * 24 + "wall-clock best        CPU seconds        vs gsplat wall  vs gsplat cpu  ns/pair per core")
    print(hdr)
    print("-" * len(hdr))

    def x(r, k):
        return f"{r[k]:.1f}" if r.get(k) else "-"

    def ns(r, k):
        return f"{r['fwd_cpu'] / r[k] * 1e9:.2f}" if r.get(k) else "-"

    for r in rows:
        note = f"{r['n']:,} splats {r['width']}x{r['height']}" if r["backend"] == PEER else r.get("x_basis", "")
        sep = "; " if note else ""
        if r.get("pairs"):
            note += f"{sep}{r['tile_pairs'] / 1e6:.1f} M tile-method pairs, {r['pairs'] / 1e6:.2f} M computed"
        elif r.get("tile_pairs"):
            note += f"{sep}{r['tile_pairs'] / 1e6:.1f} M tile-method pairs"
        print(f"{r['case']:5} {r['backend']:13} {r['threads']:>3} {_fmt_s(r.get('fwd')):>9} {_fmt_s(r.get('fwdbwd')):>9} "
              f"{_fmt_s(r.get('fwd_cpu')):>9} {_fmt_s(r.get('fwdbwd_cpu')):>9} {x(r, 'x_fwd'):>6} {x(r, 'x_fwdbwd'):>6} "
              f"{x(r, 'x_fwd_cpu'):>6} {x(r, 'x_fwdbwd_cpu'):>6} {ns(r, 'tile_pairs'):>6} {ns(r, 'pairs'):>8} {r['peak_rss_mib']:>7.0f} M  {note}")
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
