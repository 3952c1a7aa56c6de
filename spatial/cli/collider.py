"""``spatial collider WORLD_OR_SPLATFILE -o collider.glb [--budget N]``: build a collider mesh."""

from __future__ import annotations

import json
from pathlib import Path


def register(sub) -> None:
    p = sub.add_parser(
        "collider",
        help="build a static collider mesh (GLB, +Y up, metres) from a world folder or a splat file",
        description="Build a static collider triangle mesh for walking and physics. A world folder that already "
                    "has a collider (generated worlds keep their exact procedural geometry) is exported as is "
                    "(decimated to --budget) unless --rebuild; otherwise the collider is reconstructed from the "
                    "splats (voxel density grid, flood fill, marching cubes, surface snapping, decimation).",
    )
    p.add_argument("input", help="world folder (with world.json) or splat file (.ply, .spz, .splat, .glb)")
    p.add_argument("-o", "--output", required=True, help="output mesh (.glb; .obj/.ply/.stl also work)")
    p.add_argument("--budget", type=int, default=200_000, help="maximum triangle count (default 200000)")
    p.add_argument("--voxel", type=float, default=None, help="voxel size in metres (default 0.1, auto-coarsened)")
    p.add_argument("--method", choices=["grid", "heightfield"], default="grid", help="grid (3D, default) or heightfield (2.5D)")
    p.add_argument("--rebuild", action="store_true", help="rebuild from splats even if the world has a collider")
    p.add_argument("--json", action="store_true", help="print a JSON report")
    p.set_defaults(func=run)


def run(args) -> int:
    import numpy as np

    from ..errors import ValidationError
    from ..io.atomic import atomic_write
    from ..physics.collider import collider_from_splats, simplify_mesh

    src = Path(args.input)
    seeds = None
    existing = None
    if src.is_dir():
        from ..world import World

        world = World.load(src, load_preview=False)
        splats = world.splats
        existing = world.collider
        # free-space seeds for the flood fill: above the spawn's feet and at the capture cameras
        seeds = [np.asarray(world.spawn.position, float) + [0.0, 1.0, 0.0]]
        seeds += [np.asarray(c.position, float).reshape(3) for c in world.cameras]
    else:
        from ..io.registry import load

        splats = load(src)
    if args.budget < 4:
        raise ValidationError(f"--budget must be >= 4, got {args.budget}")
    if existing is not None and len(existing.faces) and not args.rebuild:
        mesh = simplify_mesh(existing, args.budget)
        source = "world collider"
    else:
        mesh = collider_from_splats(splats, budget=args.budget, voxel=args.voxel, seeds=seeds, method=args.method,
                                    progress=not args.json)
        source = "splats"
    out = Path(args.output)
    data = mesh.export(file_type=out.suffix.lstrip(".").lower() or "glb")
    with atomic_write(out, "wb") as fh:
        fh.write(data if isinstance(data, bytes) else data.encode())
    report = {"output": str(out), "source": source, "faces": int(len(mesh.faces)), "vertices": int(len(mesh.vertices)),
              "bounds": np.asarray(mesh.bounds).round(4).tolist() if len(mesh.faces) else None,
              "report": mesh.metadata.get("spatial_collider")}
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print(f"wrote {out}: {report['faces']} triangles from the {source}")
    return 0
