"""Benchmark text -> world generation (draft and standard tiers) on this machine.

    .venv/bin/python benchmarks/bench_generate.py [--standard] [--prompts N]

Prints wall-clock seconds per stage and in total for each prompt, and a ratio against a
baseline measured in the same run: the **naive sampler baseline** - the same scene's meshes
turned into splats with ``trimesh.sample.sample_surface`` (uniform by area, no focus weighting)
plus a flat per-part colour - i.e. the cheapest possible "geometry -> splats" step without
materials, lighting, sky or preview. The ratio says how much the full pipeline costs over that
floor. Targets from issue 6: draft <= 15 s, standard <= 3 min on the 2-core machine.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

PROMPTS = [
    "a misty pine forest with a lake at sunset",
    "a desert with sand dunes at noon",
    "a city street at night",
    "a cozy living room",
]


def naive_baseline(prompt: str, seed: int, budget: int) -> float:
    """Seconds for: layout + uniform area sampling of all parts with trimesh + flat colours."""
    import numpy as np
    import trimesh

    from spatial.generate.prompt import parse_prompt
    from spatial.generate.world_builder import _group_parts, build_indoor, build_nature, build_urban
    from spatial.generate import sky as sky_mod

    t = time.perf_counter()
    spec, _ = parse_prompt(prompt, seed=seed, use_embedding=False)
    if spec.family == "nature":
        sc = build_nature(spec, "draft")
    elif spec.family == "urban":
        sc = build_urban(spec, "draft")
    else:
        sc = build_indoor(spec, "draft", sky_mod.make_sky(spec.time_of_day, spec.weather, seed, indoor=True))
    parts = _group_parts(sc.parts)
    mesh = trimesh.util.concatenate([trimesh.Trimesh(p.vertices, p.faces, process=False) for p in parts])
    pts, fid = trimesh.sample.sample_surface(mesh, budget, seed=seed)
    _ = np.full((len(pts), 3), 0.5)
    return time.perf_counter() - t


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--standard", action="store_true", help="also time the standard tier (minutes)")
    ap.add_argument("--prompts", type=int, default=len(PROMPTS))
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)
    import torch

    import spatial
    from spatial.render import available_backends

    print(f"torch threads: {torch.get_num_threads()}, render backends: {', '.join(available_backends())}")
    rows = []
    for prompt in PROMPTS[: args.prompts]:
        t = time.perf_counter()
        w = spatial.generate(prompt, seed=args.seed, quality="draft", use_embedding=False)
        total = time.perf_counter() - t
        base = naive_baseline(prompt, args.seed, len(w.splats))
        tm = w.timings
        rows.append(("draft", prompt, total, base, len(w.splats)))
        print(f"draft    {total:6.2f} s  baseline {base:5.2f} s  ratio {total / base:5.1f}x  splats {len(w.splats):7d}  "
              f"layout {tm['layout_total']:.2f}  collider {tm['collider']:.2f}  splats {tm['splats_total']:.2f}  "
              f"preview {tm.get('preview', 0):.2f}   '{prompt}'", flush=True)
    # the embedding model adds a one-off load when the lexicon is silent
    from spatial.generate.prompt import PromptEmbedder, parse_prompt

    t = time.perf_counter()
    e = PromptEmbedder()
    ok = e.available()
    load = time.perf_counter() - t
    if ok:
        t = time.perf_counter()
        parse_prompt("towering evergreens in a northern taiga", seed=1, use_embedding=True, embedder=e)
        per = time.perf_counter() - t
        print(f"prompt embedding: model load {load:.2f} s (once per process), first classification {per:.2f} s")
    if args.standard:
        for prompt in PROMPTS[:1]:
            t = time.perf_counter()
            w = spatial.generate(prompt, seed=args.seed, quality="standard", use_embedding=False)
            total = time.perf_counter() - t
            base = naive_baseline(prompt, args.seed, len(w.splats))
            rows.append(("standard", prompt, total, base, len(w.splats)))
            print(f"standard {total:6.2f} s  baseline {base:5.2f} s  ratio {total / base:5.1f}x  splats {len(w.splats):7d}  "
                  f"refine {w.timings.get('refine', 0):.1f} s ({(w.metadata.get('refine') or {}).get('status')})   '{prompt}'", flush=True)
    drafts = [r[2] for r in rows if r[0] == "draft"]
    print(f"draft median {statistics.median(drafts):.2f} s (target <= 15 s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
