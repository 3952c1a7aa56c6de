"""``spatial generate "PROMPT" -o WORLD``: text -> walkable splat world folder (offline, deterministic)."""

from __future__ import annotations

import json
import sys


def register(sub) -> None:
    p = sub.add_parser(
        "generate", help="generate a walkable splat world from a text prompt (offline)",
        description="Generate a world folder (world.json, splats, collider.glb, preview.png) from a prompt. "
                    "The prompt is read into an editable scene graph (--print-spec): shell, object groups with counts "
                    "and attributes, relations, style; --spec FILE regenerates from one. "
                    "Same prompt and seed give byte-identical files.")
    p.add_argument("prompt", nargs="?", default="", help='what to build, e.g. "a misty pine forest with a lake at sunset"')
    p.add_argument("-o", "--output", help="world folder to write")
    p.add_argument("--seed", type=int, default=None, help="world seed (default: derived from the prompt)")
    p.add_argument("--quality", choices=["draft", "standard", "high"], default="draft",
                   help="draft ~100k splats (seconds); standard ~500k refined with spatial.fit; high ~2M")
    p.add_argument("--splats", type=int, default=None, help="explicit splat budget")
    p.add_argument("--spec", help="scene graph JSON to build (skips reading the prompt; a legacy flat spec also works)")
    p.add_argument("--print-spec", action="store_true", help="print the scene graph as JSON (and exit unless -o is given)")
    p.add_argument("--save-spec", help="also write the scene graph JSON to this file")
    p.add_argument("--format", choices=["ply", "spz", "glb"], default="ply", help="splat file format inside the world folder")
    p.add_argument("--no-embedding", action="store_true", help="read the prompt with the keyword lexicon only")
    p.add_argument("--no-preview", action="store_true", help="skip the preview render")
    p.add_argument("--layout", help="a block-out (JSON {\"blocks\": [...]} or a GLB of boxes/planes/cylinders) to dress with assets "
                                    "of the prompt's style (docs/generate.md)")
    p.add_argument("--image", help="lift this photo (or 2:1 360-degree panorama) into a world; the prompt then steers what lies beyond it")
    p.add_argument("--depth", choices=["auto", "classical", "learned"], default="auto", help="depth method for --image (auto: --depth-model, else Depth Anything V2 Small when on disk or downloadable, else classical)")
    p.add_argument("--depth-model", help="transformers depth model folder or hub id for --depth learned/auto")
    p.add_argument("--fov", type=float, default=None, help="vertical field of view of --image in degrees (default: estimated)")
    p.set_defaults(func=run)


def run_image(args) -> int:
    from ..errors import SpatialError
    from ..image_world import image_to_world

    if not args.output:
        print("spatial generate: error: give -o WORLD", file=sys.stderr)
        return 2
    try:
        world = image_to_world(args.image, prompt=args.prompt or None, seed=args.seed or 0, quality=args.quality,
                               method=args.depth, model=args.depth_model, fov=args.fov, preview=not args.no_preview,
                               progress=sys.stderr.isatty())
    except SpatialError as e:
        print(f"spatial generate: error: {e}", file=sys.stderr)
        return 1
    folder = world.save(args.output, splat_format=args.format)
    t = getattr(world, "timings", {})
    m = world.metadata
    print(f"wrote {folder}: {len(world.splats):,} splats, collider {0 if world.collider is None else len(world.collider.faces):,} triangles, "
          f"{'panorama' if m.get('panorama') else 'photo'} {args.image}, input view PSNR {m.get('input_view_psnr', float('nan'))} dB, "
          f"{t.get('total', 0):.1f} s")
    if m.get("understanding"):
        from ..image_world.understand import summary_lines

        for line in summary_lines(m["understanding"]):
            print(f"  {line}")
        print(f"  beyond: {world.spec.get('scene_type')} ({(m.get('spec_reasons') or {}).get('scene', '')})")
    return 0


def run(args) -> int:
    if getattr(args, "image", None):
        return run_image(args)
    from ..errors import SpatialError

    try:
        return _run(args)
    except SpatialError as e:
        print(f"spatial generate: error: {e}", file=sys.stderr)
        return 1


def _report(graph) -> None:
    """What the parser did with the prompt's nouns: substitutions, skipped words, notes (stderr)."""
    for s in graph.substitutions:
        print(f"spatial generate: '{s['asked']}' is not in the asset library; using {s['used']} ({s['method']})", file=sys.stderr)
    for s in graph.skipped:
        print(f"spatial generate: skipped '{s['asked']}': {s['reason']}", file=sys.stderr)
    for n in graph.notes:
        print(f"spatial generate: note: {n}", file=sys.stderr)


def _run(args) -> int:
    from ..generation.graph import SceneGraph
    from ..generation.parse import parse

    use_emb = False if args.no_embedding else "auto"
    if args.spec:
        graph = SceneGraph.load(args.spec)
        if args.seed is not None:
            graph.seed = args.seed
    else:
        if not args.prompt or not args.prompt.strip():
            print("spatial generate: error: give a PROMPT or --spec FILE", file=sys.stderr)
            return 2
        graph = parse(args.prompt, seed=args.seed, use_embedding=use_emb)
    _report(graph)
    if args.save_spec:
        graph.save(args.save_spec)
    if args.print_spec:
        print(graph.to_json())
        if not args.output:
            return 0
    if not args.output:
        print("spatial generate: error: give -o WORLD (or --print-spec)", file=sys.stderr)
        return 2
    from ..generation.pipeline import build_world

    world = build_world(graph, quality=args.quality, splats=args.splats, prompt=args.prompt,
                        preview=not args.no_preview and not args.layout, progress=sys.stderr.isatty())
    if args.layout:
        from ..generation.blockout import dress

        world = dress(world, args.layout, args.prompt, preview=not args.no_preview)
        for r in world.metadata["blockout"]:
            print(f"block {r['block']} ({r['shape']}, {r['role']}): {r['kind']}, footprint IoU {r['iou']:.2f}")
    folder = world.save(args.output, splat_format=args.format)
    t = getattr(world, "timings", {})
    rep = world.metadata.get("report", {})
    for r in rep.get("unsatisfied_relations", []):
        print(f"spatial generate: could not satisfy {r['subject']} {r['relation']} {r['target']}", file=sys.stderr)
    for g in rep.get("short_groups", []):
        print(f"spatial generate: placed {g['placed']} of {g['asked']} for {g['group']} (no room)", file=sys.stderr)
    n_inst = len(world.metadata.get("scene", {}).get("instances", []))
    print(f"wrote {folder}: {len(world.splats):,} splats, collider {0 if world.collider is None else len(world.collider.faces):,} triangles, "
          f"{graph.shell.kind} ({graph.style.time_of_day}, {graph.style.weather}), {n_inst} objects, seed {graph.seed}, "
          f"spawn {tuple(round(v, 2) for v in world.spawn.position)}, {t.get('total', 0):.1f} s")
    return 0
