"""Benchmark text -> world generation (draft, standard and high tiers) on this machine.

    .venv/bin/python benchmarks/bench_generate.py [--standard] [--high] [--prompts N] [--scenes]

``--scenes`` adds the per-scene-type acceptance table: one draft world (seed 1) per scene type
(all 15 + night and snowfall variants), each checked for **views from the spawn in 8 directions**
(alpha coverage >= 0.99, surfaces alone covering >= 0.99 of the pixels below the horizon, no
quantised colour over 80 %) and **walkability** (spawn on the collider;
the character controller walks >= 30 m outdoors / across the room indoors without falling or
sticking), printed as a pass/fail table (``spatial.generation.checks``).

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


#: one prompt per scene type (plus two variants): the acceptance table of ``--scenes``
SCENE_PROMPTS = [
    ("conifer_forest", "a misty pine forest with a lake at sunset"),
    ("broadleaf_forest", "a dense oak forest on a sunny day"),
    ("meadow", "a meadow of wildflowers with rolling hills at dawn"),
    ("desert", "a desert with sand dunes and cacti at noon"),
    ("snowy_mountains", "snowy mountains with pine trees on a clear day"),
    ("beach", "a tropical beach with palm trees at sunset"),
    ("lake", "a calm lake surrounded by hills at dawn"),
    ("canyon", "a red rock canyon at midday"),
    ("swamp", "a foggy swamp with dead trees"),
    ("village", "a village with three red houses"),
    ("city_street", "a city street on a sunny afternoon"),
    ("plaza", "a town plaza with a fountain on an overcast day"),
    ("living_room", "a cozy living room with a red sofa"),
    ("office", "an open plan office"),
    ("warehouse", "a warehouse full of racks and crates"),
    ("city_street", "a city street at night"),
    ("conifer_forest", "a pine forest while snow is falling"),
]


def scene_table(seed: int) -> bool:
    """Generate one draft world per scene type and print the view / walk acceptance table."""
    import spatial
    from spatial.generation.checks import view_coverage, walk_check
    from spatial.generation.spec import SCENE_TYPES

    covered = {st for st, _ in SCENE_PROMPTS}
    missing = set(SCENE_TYPES) - covered
    assert not missing, f"scene types without a prompt: {sorted(missing)}"
    print("\n| scene type | prompt | time / weather | gen s | min alpha | min alpha>0.9 | min surface alpha below horizon | top colour | views "
          "| on collider | walked / target m | walk | result |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    all_ok = True
    for st, prompt in SCENE_PROMPTS:
        t = time.perf_counter()
        w = spatial.generate(prompt, seed=seed, quality="draft", use_embedding=False, preview=False)
        gen = time.perf_counter() - t
        assert w.spec["scene_type"] == st, (prompt, w.spec["scene_type"])
        v = view_coverage(w)
        k = walk_check(w)
        ok = v["ok"] and k["ok"]
        all_ok &= ok
        why = "" if k["ok"] else (" (fell)" if k["fell"] else " (stuck)" if k["stuck"] else "")
        print(f"| {st} | {prompt} | {w.spec['time_of_day']} / {w.spec['weather']} | {gen:.1f} | {v['min_alpha']:.4f} | "
              f"{v['min_alpha_full']:.4f} | {v['min_surface_alpha_below_horizon']:.4f} | {v['max_top_colour']:.2f} | {'pass' if v['ok'] else 'FAIL'} | "
              f"{'yes' if k['on_collider'] else 'NO'} | {k['walked_m']:.1f} / {k['target_m']:.1f} | {'pass' if k['ok'] else 'FAIL' + why} | "
              f"{'**pass**' if ok else '**FAIL**'} |", flush=True)
    print(f"scene types: {len(covered)} / {len(SCENE_TYPES)}, all pass: {all_ok}")
    return all_ok


def naive_baseline(prompt: str, seed: int, budget: int) -> float:
    """Seconds for: layout + uniform area sampling of all parts with trimesh + flat colours."""
    import numpy as np
    import trimesh

    from spatial.generation.prompt import parse_prompt
    from spatial.generation.world_builder import _group_parts, build_indoor, build_nature, build_urban
    from spatial.generation import sky as sky_mod

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
    ap.add_argument("--high", action="store_true", help="also time the high tier once (2M splats, 400 fit steps: minutes)")
    ap.add_argument("--scenes", action="store_true", help="per-scene-type view coverage and walk table (all scene types)")
    ap.add_argument("--scenes-only", action="store_true", help="only the per-scene-type table")
    args = ap.parse_args(argv)
    if args.scenes_only:
        return 0 if scene_table(args.seed) else 1
    import torch

    import spatial
    from spatial.rendering import available_backends

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
    from spatial.generation.prompt import PromptEmbedder, parse_prompt

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
    if args.high:
        prompt = PROMPTS[0]
        t = time.perf_counter()
        w = spatial.generate(prompt, seed=args.seed, quality="high", use_embedding=False)
        total = time.perf_counter() - t
        base = naive_baseline(prompt, args.seed, len(w.splats))
        ref = w.metadata.get("refine") or {}
        tm = w.timings
        rows.append(("high", prompt, total, base, len(w.splats)))
        print(f"high     {total:6.2f} s  baseline {base:5.2f} s  ratio {total / base:5.1f}x  splats {len(w.splats):7d}  "
              f"splats {tm['splats_total']:.1f} s  refine {tm.get('refine', 0):.1f} s ({ref.get('steps_run')} steps, {ref.get('views')} views, "
              f"{ref.get('reference_splats')} reference splats, loss {ref.get('loss_first')} -> {ref.get('loss_last')})   '{prompt}'", flush=True)
    drafts = [r[2] for r in rows if r[0] == "draft"]
    print(f"draft median {statistics.median(drafts):.2f} s (target <= 15 s)")
    if args.scenes:
        return 0 if scene_table(args.seed) else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
