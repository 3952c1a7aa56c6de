"""100 one-splat recolours of a 1,000,000-splat world through the app: cache size and disk growth.

    .venv/bin/python benchmarks/bench_app_cache.py [--n 1000000] [--edits 100] [--sh-degree 3] [--cache-mb 2048]

Each edit is what the viewer does: ``POST /api/worlds/{w}/edit`` (a recolour of one splat, with the
page's Origin and token) and then ``GET`` of the new version's ``splats.ply``. Measured: the app cache's
largest size over the run (it must stay under its budget), the store's growth (database + objects,
the cache excluded) per 100 edits as a fraction of the base world (target < 5 %), and the time per
edit + reload.

Baseline measured in the same run: **one version folder per edit**, what the app cache wrote before
(a full ``splats.ply`` + ``collider.glb`` for every edit response, kept for ten minutes): the bytes of
one version folder times the number of edits.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "app"))


def make_world(n: int, sh_degree: int):
    import torch
    import trimesh

    from spatial.core.splats import Splats
    from spatial.world import World

    g = torch.Generator().manual_seed(0)
    k = (sh_degree + 1) ** 2
    s = Splats(means=(torch.rand(n, 3, generator=g) * 2 - 1) * torch.tensor([100.0, 2.0, 100.0]),
               quats=torch.randn(n, 4, generator=g), log_scales=torch.rand(n, 3, generator=g) * 2 - 5,
               logit_opacities=torch.randn(n, generator=g), sh=torch.randn(n, k, 3, generator=g) * 0.3,
               labels=torch.zeros(n, dtype=torch.int32))
    ground = trimesh.creation.box((200, 0.2, 200))
    return World(splats=s, collider=ground, name="big")


def dir_bytes(p: Path) -> int:
    return sum(f.stat().st_size for f in p.rglob("*") if f.is_file())


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--edits", type=int, default=100)
    ap.add_argument("--sh-degree", type=int, default=3)
    ap.add_argument("--cache-mb", type=float, default=2048)
    args = ap.parse_args()

    from fastapi.testclient import TestClient

    import spatial_app as app_pkg

    tmp = Path(tempfile.mkdtemp(prefix="bench-app-cache-"))
    try:
        cfg = app_pkg.AppConfig(store=tmp / "store", port=7860, make_default_world=False, cache_mb=args.cache_mb)
        state = app_pkg.AppState(cfg)
        t0 = time.perf_counter()
        wid = state.library.add(make_world(args.n, args.sh_degree), "big").id
        print(f"world: {args.n:,} splats, SH degree {args.sh_degree}, imported in {time.perf_counter() - t0:.1f} s")
        store = state.library.store
        cache = tmp / "store" / "app-cache"

        def store_bytes() -> int:
            with store._lock:  # the WAL's size is reused space, not growth: fold it into the database first
                store.con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            return store.size_bytes()

        with TestClient(app_pkg.create_app(cfg, state), base_url="http://127.0.0.1:7860") as c:
            c.headers.update({"origin": "http://127.0.0.1:7860", "x-spatial-token": c.get("/api/session").json()["token"]})
            info = c.get(f"/api/worlds/{wid}").json()
            assert c.get(info["files"]["splats"]).status_code == 200
            base_world = store_bytes()
            folder_bytes = dir_bytes(cache)  # one version folder: what every edit used to write
            store0, peak_cache, times = store_bytes(), dir_bytes(cache), []
            v = info["version"]
            for i in range(args.edits):
                t = time.perf_counter()
                r = c.post(f"/api/worlds/{wid}/edit", json={"op": {"op": "recolor", "select": {"type": "ids", "ids": [i * 97]},
                                                                     "rgb": [1, 0, 0]}, "parent": v})
                assert r.status_code == 200, r.text[:200]
                v = r.json()["version"]
                assert c.get(r.json()["files"]["splats"]).status_code == 200
                times.append(time.perf_counter() - t)
                peak_cache = max(peak_cache, dir_bytes(cache))
            growth = store_bytes() - store0
            # compaction (a snapshot once a head is 100 deltas past one) rewrites the chunks the edits touched
            with state.library.world_lock(wid):
                state.library.handle(wid).compact(force=True)
            growth_compacted = store_bytes() - store0
        state.close()
        times.sort()
        budget = args.cache_mb * 1024 * 1024
        old = folder_bytes * args.edits
        print(f"base world in the store: {base_world / 1e6:.1f} MB; one version folder: {folder_bytes / 1e6:.1f} MB")
        print(f"edit + reload: median {times[len(times) // 2] * 1000:.0f} ms, max {times[-1] * 1000:.0f} ms")
        print(f"app cache: peak {peak_cache / 1e6:.1f} MB (budget {budget / 1e6:.0f} MB) -> "
              f"{'within' if peak_cache <= budget else 'OVER'} budget")
        print(f"store growth over {args.edits} edits: {growth / 1e3:.1f} kB = "
              f"{100 * growth / base_world * 100 / args.edits:.3f} % of the base world per 100 edits (target < 5 %)")
        print(f"  ... and after compacting the head: {growth_compacted / 1e6:.2f} MB = "
              f"{100 * growth_compacted / base_world:.2f} % of the base world (the snapshot shares every chunk "
              "the edits did not touch)")
        print(f"baseline (a version folder per edit, as before): {old / 1e6:.0f} MB written for {args.edits} edits; "
              f"now the cache peaked at {peak_cache / 1e6:.1f} MB: {old / max(peak_cache, 1):.1f}x less")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
