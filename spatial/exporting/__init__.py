"""Export a world for a game engine or the web: splats, named colliders, a visual mesh, a manifest, a guide.

    spatial.export(world, "unreal", "out/")      # or spatial export WORLD --engine unreal -o out/

See docs/export.md for what each engine gets and why.
"""

from __future__ import annotations

import json
import math
import os
import re
from pathlib import Path

from ..errors import ValidationError
from .engines import ENGINES, EngineProfile, get_engine

__all__ = ["ENGINES", "export"]

EXPORT_FORMAT = "spatial.export"


def _scene_name(name: str) -> str:
    s = re.sub(r"[^A-Za-z0-9_]+", "_", name).strip("_") or "World"
    return s[0].upper() + s[1:] if s[0].isalpha() else "W_" + s


def _write_glb(scene, path: Path) -> None:
    from ..io.atomic import atomic_write_bytes

    atomic_write_bytes(path, scene.export(file_type="glb"))


def _check_out_dir(out_dir: Path) -> None:
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise ValidationError(f"cannot create output folder {out_dir}: {e.strerror or e}") from None
    if not os.access(out_dir, os.W_OK):
        raise ValidationError(f"output folder {out_dir} is not writable")


def export(world, engine: str, out_dir: "str | os.PathLike", *, name: str | None = None, convex: bool | None = None,
           visual: bool = True, max_convex_faces: int = 255, progress: bool = True, binary: bool = False) -> Path:
    """Write ``world`` (a :class:`spatial.World` or a world folder) for ``engine``; returns ``manifest.json``'s path.

    ``convex``: write convex collider pieces (default: the profile's choice, on except for usd).
    ``binary``: the usd engine writes ``world.usdc`` instead of ``world.usda``."""
    import trimesh

    from ..io.atomic import atomic_write_bytes
    from ..io.registry import save
    from ..world import World
    from .convex import convex_pieces
    from .guides import guide
    from .visual_mesh import visual_mesh

    profile: EngineProfile = get_engine(engine)
    convex = profile.convex if convex is None else bool(convex)
    if not isinstance(world, World):
        world = World.load(world)
    out_dir = Path(out_dir)
    _check_out_dir(out_dir)
    scene = _scene_name(name or world.name)
    files = []

    for out in profile.splats:
        s = world.splats if out.sh_degree is None else world.splats.with_sh_degree(out.sh_degree)
        fn = out.filename.format(name=scene)
        save(s, out_dir / fn, format=out.format, **out.options)
        files.append({"path": fn, "kind": "splats", "format": out.format, **out.options, "note": out.note})

    convex_names: list[str] = []
    skipped = 0
    static = profile.static_name(scene)
    usd_counts: dict = {}
    if profile.usd:
        from .usd import write_usd_stage

        usd_files, usd_counts = write_usd_stage(world, out_dir, scene, binary=binary, convex=convex,
                                                max_convex_faces=max_convex_faces, visual=visual)
        files += usd_files
        skipped = usd_counts.get("convex_pieces_skipped", 0)
        convex_names = [profile.convex_name(scene, i) for i in range(usd_counts.get("convex_pieces", 0))]
    elif world.collider is not None and len(world.collider.faces):
        col = trimesh.Scene()
        col.add_geometry(world.collider, node_name=static, geom_name=static)
        if convex:
            pieces, skipped = convex_pieces(world.collider, max_faces=max_convex_faces)
            for i, piece in enumerate(pieces):
                nm = profile.convex_name(scene, i)
                col.add_geometry(piece, node_name=nm, geom_name=nm)
                convex_names.append(nm)
        fn = f"{scene}_collision.glb"
        _write_glb(col, out_dir / fn)
        files.append({"path": fn, "kind": "collider", "static_node": static, "convex_nodes": len(convex_names)})
        if profile.sidecar:
            side = {"static": [static], "convex": convex_names, "max_convex_triangles": max_convex_faces}
            atomic_write_bytes(out_dir / f"{scene}_colliders.json", json.dumps(side, indent=2).encode())
            files.append({"path": f"{scene}_colliders.json", "kind": "collider-sidecar"})
        if visual:
            vis = trimesh.Scene()
            vis.add_geometry(visual_mesh(world.collider, world.splats), node_name=scene, geom_name=scene)
            fn = f"{scene}_visual.glb"
            _write_glb(vis, out_dir / fn)
            files.append({"path": fn, "kind": "visual-mesh"})

    if profile.web_page:
        from .webpage import write_web_page

        files += write_web_page(world, out_dir, scene)

    spawn = world.spawn.position
    manifest = {
        "format": EXPORT_FORMAT,
        "version": 1,
        "engine": profile.name,
        "engine_title": profile.title,
        "scene": scene,
        "units": "metres",
        "source_frame": "glTF: right-handed, +Y up, metres",
        "engine_frame": profile.frame,
        "spawn": {
            "position": list(spawn),
            "yaw_deg": world.spawn.yaw_deg,
            "engine": list(profile.to_engine(spawn)),
        },
        "labels": {str(k): v for k, v in sorted(world.labels.items())},
        "prompt": world.prompt,
        "seed": world.seed,
        "generator": world.generator,
        "counts": {
            "splats": len(world.splats),
            "sh_degree": world.splats.sh_degree,
            "collider_triangles": 0 if world.collider is None else int(len(world.collider.faces)),
            "convex_pieces": len(convex_names),
            "convex_pieces_skipped": skipped,  # smallest props beyond the piece cap (still in the static collider)
            **{k: usd_counts[k] for k in ("objects", "cameras") if k in usd_counts},
        },
        "files": files,
    }
    atomic_write_bytes(out_dir / "IMPORT.md", guide(profile.name, scene, static).encode())
    path = out_dir / "manifest.json"
    atomic_write_bytes(path, json.dumps(manifest, indent=2, allow_nan=False, default=_json_default).encode())
    return path


def _json_default(o):
    if isinstance(o, float) and not math.isfinite(o):
        return None
    return str(o)
