"""Prompt-suite acceptance metrics of issue 15 (used by ``benchmarks/bench_generate.py --suite`` and
``tests/test_generate_compose.py``).

A suite is a JSON-lines file (``benchmarks/prompts/suite.jsonl``): one prompt per line with what the
words ask for - ``shell``, ``kinds`` (canonical kind -> exact count or null), ``relations``
(``[subject kind, relation, target kind or special target]``). For each generated world:

* **presence** - each expected kind has an instance in ``metadata.scene``, or the parser reported a
  substitution whose kind is present and has the expected kind's category;
* **counts** - an expected exact count equals the number of named instances of that kind;
* **relations** - a graph relation with that subject kind, relation and target exists and
  :func:`~spatial.generation.layout.check_relation` holds for the placed instances;
* **visible** - each named kind covers >= 0.2 % of the pixels of the 8 spawn views (rendered with
  one-hot label colours, occlusion included) or has an instance within 10 m of the first 30 m of the
  walk heading that the route check reached.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import torch

VISIBLE_SHARE = 0.002
SPECIAL = ("shell", "viewer", "water", "hill", "path", "wall")


def load_suite(path) -> list[dict]:
    return [json.loads(line) for line in Path(path).read_text().splitlines() if line.strip()]


def label_shares(world, label_ids: list[int], width: int = 128, height: int = 72, directions: int = 8) -> dict[int, float]:
    """Share of the pixels of ``directions`` spawn views (pitch 0, 60 deg fov) each label covers (occlusion included)."""
    from ..core.sh import rgb_to_sh
    from ..core.splats import Splats
    from ..rendering.api import render
    from .views import frustum_cull, spawn_camera

    s = world.splats
    if s.labels is None or not label_ids:
        return {i: 0.0 for i in label_ids}
    spawn = np.asarray(world.spawn.position, dtype=np.float64)
    eye_h = float((world.metadata or {}).get("eye_height", 1.65))
    out = {i: 0.0 for i in label_ids}
    cams = [spawn_camera(spawn, world.spawn.yaw_deg + 360.0 * k / directions, width, height, fov_y=60.0, pitch_deg=0.0, eye_height=eye_h)
            for k in range(directions)]
    total = directions * width * height
    for b in range(0, len(label_ids), 3):
        ids = label_ids[b:b + 3]
        col = torch.zeros(len(s), 3)
        for c, i in enumerate(ids):
            col[:, c] = (s.labels == i).float()
        one = Splats(s.means, s.quats, s.log_scales, s.logit_opacities, rgb_to_sh(col)[:, None, :], s.labels)
        acc = torch.zeros(3)
        with torch.no_grad():
            for cam in cams:
                img = render(frustum_cull(one, cam), [cam], near=0.05, background=torch.zeros(3)).rgb[0]
                acc += (img > 0.5).float().sum((0, 1))
        for c, i in enumerate(ids):
            out[i] = float(acc[c]) / total
    return out


def _near_walk(world, inst: dict, length: float = 30.0, radius: float = 10.0) -> bool:
    meta = world.metadata
    a = math.radians(float(meta.get("walk_heading_deg", world.spawn.yaw_deg)))
    d = np.array([-math.sin(a), -math.cos(a)])
    s = np.asarray(world.spawn.position)[[0, 2]]
    p = np.asarray(inst["position"])[[0, 2]] - s
    t = float(np.clip(p @ d, 0, length))
    return float(np.hypot(*(p - t * d))) <= radius + 0.5 * max(inst["size"][0], inst["size"][2])


def score(world, case: dict) -> dict:
    """Per-expectation results for one generated world and its suite ``case``."""
    from .assets import registry
    from .graph import Relation
    from .layout import check_relation

    meta = world.metadata
    graph = world.spec
    insts = [i for i in meta["scene"]["instances"] if i["group"]]
    groups = {g["id"]: g for g in graph["groups"]}
    kinds_present = {i["kind"] for i in insts}
    subs = {s["used"] for s in graph.get("substitutions", [])}
    res = {"id": case.get("id"), "prompt": case["prompt"], "presence": [], "counts": [], "relations": [], "visible": []}

    def category(k):
        kk = registry.REGISTRY.get(k)
        return kk.category if kk else None

    # presence and the kind each expectation maps to (itself or its same-category substitute)
    mapped = {}
    for kind in case.get("kinds", {}):
        if kind in kinds_present:
            mapped[kind] = kind
        else:
            cat = category(kind)
            alt = sorted(u for u in subs if u in kinds_present and cat is not None and category(u) == cat)
            mapped[kind] = alt[0] if alt else None
        res["presence"].append((kind, mapped[kind] is not None))
    # counts
    for kind, n in case.get("kinds", {}).items():
        if n is None:
            continue
        got = sum(1 for i in insts if i["kind"] == (mapped.get(kind) or kind) and groups.get(i["group"], {}).get("named", True))
        res["counts"].append((kind, n, got, got == n))
    # relations
    layout, site = getattr(world, "layout", None), getattr(world, "site", None)
    for subj, rel, tgt in case.get("relations", []):
        sk = mapped.get(subj, subj) or subj
        tk = tgt if tgt in SPECIAL else (mapped.get(tgt, tgt) or tgt)
        ok = False
        for r in graph["relations"]:
            g = groups.get(r["subject"])
            if g is None or g["kind"] != sk or r["relation"] != rel:
                continue
            t = r["target"]
            if tgt in SPECIAL:
                if t != tgt and not (tgt == "viewer" and t in ("viewer", "shell")):
                    continue
            elif t not in groups or groups[t]["kind"] != tk:
                continue
            ok = layout is not None and check_relation(Relation(rel, r["subject"], t), layout, site)
            if ok:
                break
        res["relations"].append((f"{subj} {rel} {tgt}", ok))
    # visible from the spawn (label pixels) or reachable near the first 30 m of the walk
    named_kinds = sorted({i["kind"] for i in insts if groups.get(i["group"], {}).get("named")})
    label_of = {i["kind"]: i["label_id"] for i in insts}
    shares = label_shares(world, sorted({label_of[k] for k in named_kinds}))
    unreachable = set(meta.get("report", {}).get("unreachable_groups", []))
    for k in named_kinds:
        share = shares.get(label_of[k], 0.0)
        walk = any(_near_walk(world, i) and i["group"] not in unreachable for i in insts if i["kind"] == k)
        res["visible"].append((k, share, share >= VISIBLE_SHARE or walk))
    return res


def summarize(results: list[dict]) -> dict:
    """Suite-level shares of the four metrics."""
    def share(key, idx):
        items = [x for r in results for x in r[key]]
        return (sum(1 for x in items if x[idx]) / len(items)) if items else 1.0, len(items)

    p, n_p = share("presence", 1)
    c, n_c = share("counts", 3)
    r, n_r = share("relations", 1)
    v, n_v = share("visible", 2)
    return {"presence": p, "presence_n": n_p, "counts": c, "counts_n": n_c, "relations": r, "relations_n": n_r, "visible": v, "visible_n": n_v}


#: issue 15 targets
TARGETS = {"presence": 0.95, "counts": 0.95, "relations": 0.90, "visible": 0.90}
