"""Writer processes for the store's crash and concurrency tests (run as scripts, not collected).

``python tests/store_worker.py crash STORE WORLD TOTAL``
    applies the deterministic op :func:`crash_op` for each next version until the world's head is
    version TOTAL, compacting (writing snapshots) every few versions; prints ``ready`` once open.
``python tests/store_worker.py concurrent STORE WORLD AUTHOR SEED N GOFILE OUT``
    waits for GOFILE, then commits N id-selected translations, retrying on ConflictError; writes the
    committed ops and counts of merges/conflicts to OUT (JSON).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def crash_op(k: int, n: int) -> dict:
    """The op that makes version ``k`` from a world of ``n`` splats (deterministic, torch-free)."""
    rng = np.random.default_rng(1000 + k)
    ids = sorted(set(int(i) for i in rng.integers(0, n, 12)))
    kind = k % 4
    if kind == 0:
        return {"op": "move", "select": {"type": "ids", "ids": ids}, "translate": [float(v) for v in rng.normal(size=3)]}
    if kind == 1:
        return {"op": "opacity", "select": {"type": "ids", "ids": ids}, "set": float(rng.uniform(0.05, 0.95))}
    if kind == 2:
        return {"op": "delete", "select": {"type": "ids", "ids": ids}}
    return {"op": "duplicate", "select": {"type": "ids", "ids": ids}, "translate": [0.0, 1.0, 0.0]}


def crash(store_dir: str, world: str, total: int) -> int:
    from spatial.store import Store

    import scipy.spatial  # noqa: F401  (warm the edit path's imports so kills land in the save work)

    st = Store(store_dir, author="crash-writer")
    h = st.open(world)
    _ = h.state
    print("ready", flush=True)
    while True:
        k = h.version.num + 1
        if k > total:
            break
        h.apply(crash_op(k, h.state.n))
        if k % 6 == 0:
            h.compact(force=True)
    print("torch imported:", "torch" in sys.modules, flush=True)
    return 0


def concurrent(store_dir: str, world: str, author: str, seed: int, n_ops: int, gofile: str, out: str) -> int:
    from spatial.store import ConflictError, Store

    st = Store(store_dir, author=author)
    h = st.open(world, compact=False)
    n = h.state.n
    rng = np.random.default_rng(seed)
    print("ready", flush=True)
    while not Path(gofile).exists():
        time.sleep(0.005)
    committed, conflicts, merges = [], 0, 0
    for k in range(n_ops):
        # even rounds: both writers move the same splats (the later one gets a ConflictError, refreshes and
        # retries); odd rounds: each its own range (the later one is merged over the other's version)
        if k % 2 == 0:
            ids = [0, 5, 10, 15, 20, 25]
        else:
            lo = 100 if seed % 2 else 200
            ids = sorted(set(int(i) for i in rng.integers(lo, lo + 40, 6)))
        t = [float(v) for v in rng.normal(size=3)]
        op = {"op": "move", "select": {"type": "ids", "ids": ids}, "translate": t}
        for _attempt in range(200):
            try:
                c = h.apply(op)
                merges += int(c.merged)
                committed.append({"version": c.version.num, "ids": ids, "translate": t})
                break
            except ConflictError:
                conflicts += 1
                h.refresh()
        else:
            raise RuntimeError("could not commit after 200 attempts")
        # lockstep: start the next round only when both writers committed this one, so each round one of
        # them writes over a head that moved under it (the test then counts merges and conflicts exactly)
        Path(f"{gofile}.{author}.{k}").write_text("")
        while len(list(Path(gofile).parent.glob(f"{Path(gofile).name}.*.{k}"))) < 2:
            time.sleep(0.002)
    Path(out).write_text(json.dumps({"committed": committed, "conflicts": conflicts, "merges": merges}))
    return 0


if __name__ == "__main__":
    mode = sys.argv[1]
    if mode == "crash":
        sys.exit(crash(sys.argv[2], sys.argv[3], int(sys.argv[4])))
    sys.exit(concurrent(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]), int(sys.argv[6]), sys.argv[7], sys.argv[8]))
