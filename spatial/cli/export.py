"""``spatial export WORLD --engine E -o DIR``: splats, named colliders, visual mesh, manifest, guide."""

from __future__ import annotations

from ._store_args import add_store_arg, load_world_arg


def register(sub) -> None:
    from ..exporting.engines import ENGINES

    p = sub.add_parser("export", help="export a world for a game engine or the web",
                       description="Export a world folder for a game engine: splat files in the formats the engine's "
                                   "importers read, a collider GLB with the engine's node naming, a vertex-coloured "
                                   "visual mesh, manifest.json (units, axes, spawn, labels) and IMPORT.md.")
    p.add_argument("world", help="world folder, or NAME[@VERSION] of a world in the store")
    add_store_arg(p)
    p.add_argument("--engine", required=True, choices=sorted(ENGINES), help="target engine")
    p.add_argument("-o", "--output", required=True, help="output folder")
    p.add_argument("--name", help="scene name used for files and nodes (default: the world's name)")
    p.add_argument("--no-convex", action="store_true", help="skip convex collider pieces")
    p.add_argument("--convex", action="store_true", help="write convex collider pieces where the engine skips them by default (usd)")
    p.add_argument("--no-visual", action="store_true", help="skip the visual mesh")
    p.add_argument("--binary", action="store_true", help="usd engine: write world.usdc (binary crate) instead of world.usda")
    p.set_defaults(func=run)


def run(args) -> int:
    from ..exporting import export

    convex = False if args.no_convex else (True if args.convex else None)  # None: the engine profile decides
    manifest = export(load_world_arg(args), args.engine, args.output, name=args.name, convex=convex, visual=not args.no_visual,
                      binary=args.binary)
    print(f"exported for {args.engine}: {manifest.parent} (see {manifest.name} and IMPORT.md)")
    return 0
