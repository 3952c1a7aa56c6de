"""``block``: one block-out block dressed into an existing world (the app's block tool).

``{"op": "block", "shape": "box"|"plane"|"cylinder", "position": [x, y, z] or [x, z], "size": [sx, sy, sz],
"yaw_deg": a, "kind": "tower", "seed": 0}`` (a cylinder may give ``radius`` and ``height``): the block
gets the asset of the world's style whose footprint matches it, exactly as
:func:`spatial.generation.blockout.dress` does for a whole layout (docs/generate.md "Block-out"): the
objects standing in its footprint go (the ground stays), the fitted asset comes in as lit splats
labelled with its kind, solid. ``metadata.blockout`` records the block, its kind and footprint IoU.
"""

from __future__ import annotations

import numpy as np

from .errors import EditError
from .state import WorldState

FIELDS = ("shape", "position", "size", "radius", "height", "yaw_deg", "kind", "seed")


def parse_block_op(op: dict, out: dict, w: str) -> None:
    from ..errors import ValidationError
    from ..generation.blockout import parse_block
    from .schema import _int

    d = {k: op[k] for k in FIELDS if k in op and k != "seed"}
    try:
        b = parse_block(d, 0)
    except ValidationError as e:
        raise EditError(f"{w}: {e}") from None
    out["shape"] = b.shape
    out["position"] = [None if not np.isfinite(v) else round(float(v), 4) for v in b.position]
    out["size"] = [round(float(v), 4) for v in b.size]
    out["yaw_deg"] = float(b.yaw_deg)
    if b.kind:
        from .insert_asset import resolve_kind

        out["kind"] = resolve_kind(b.kind).name
    out["seed"] = _int(op.get("seed", 0), f"{w}.seed", lo=0)


def compute_block(state: WorldState, op: dict, ctx) -> "object":
    from matplotlib.path import Path as MPath

    from ..generation import materials
    from ..generation.blockout import Block, _footprint_polygon, _style, dress_block
    from ..generation.mesh import merge
    from .delta import Delta
    from .expand import _spec
    from .insert_asset import budget_factor, collider_mesh, ground_height, parts_to_rows
    from .objects import SURFACE_LABELS
    from .ops import _check_growth, _legend_meta, ensure_label

    pos = np.array([np.nan if v is None else v for v in op["position"]], np.float64)
    b = Block(op["shape"], pos, np.asarray(op["size"], np.float64), float(op.get("yaw_deg", 0.0)), op.get("kind"))
    mesh = collider_mesh(state)
    if np.isfinite(pos[1]):
        gy = float(pos[1])
    else:
        y0 = float((state.meta.get("spawn") or {}).get("position", [0, 0, 0])[1])
        g = ground_height(state, pos[[0, 2]][None], y0 + 60.0, mesh) if mesh is not None else np.array([np.nan])
        if not np.isfinite(g[0]):
            raise EditError("block: no ground under the block to stand on")
        gy = float(g[0])
    spec = _spec(state, None)
    style = _style(str(state.meta.get("prompt") or ""), dict(state.meta.get("spec") or {}))
    kind, parts, iou = dress_block(b, style, int(op.get("seed", 0)), gy, materials.palette(spec))
    legend = state.legend()
    name = kind.label_name if kind is not None else ("road" if b.role == "floor" else "wall")
    lab, changed = ensure_label(legend, name)
    # clear the objects standing in the footprint (the ground stays)
    hull = MPath(_footprint_polygon(b, pad=0.3))
    m = state.table.col("means")
    labels = state.table.col("labels")
    surface = [k for k, v in legend.items() if v in SURFACE_LABELS]
    near = np.flatnonzero((np.abs(m[:, 0] - pos[0]) < b.size.max() + 2) & (np.abs(m[:, 2] - pos[2]) < b.size.max() + 2))
    inside = near[hull.contains_points(m[near][:, [0, 2]].astype(np.float64))]
    removed = np.sort(inside[~np.isin(labels[inside], surface)]).astype(np.int64)
    faces = np.zeros(0, np.int64)
    if state.collider_faces.shape[0]:
        cen = state.collider_vertices[state.collider_faces].mean(axis=1)
        f_in = np.flatnonzero(hull.contains_points(cen[:, [0, 2]]) & (cen[:, 1] > gy + 0.25))
        faces = f_in.astype(np.int64)
    budget = int(np.clip(sum(p.area() for p in parts) * 300.0, 400, 12000) * budget_factor(state.meta))
    rng = np.random.default_rng([int(op.get("seed", 0)), 99])
    rows = parts_to_rows(parts, [lab] * len(parts), budget, np.array([pos[0], gy + 1.0, pos[2]]), rng, state.meta,
                         int(op.get("seed", 0)), state.table.sh_coeffs, falloff=1e6, base_y=gy)
    _check_growth(state, int(rows["means"].shape[0]), ctx, "block")
    d = Delta(n_before=state.n, faces_before=int(state.collider_faces.shape[0]), removed=removed, added=rows,
              collider_removed=faces)
    solid = [p for p in parts if p.collider]
    if solid:
        cm = merge(solid)
        d.collider_vertices, d.collider_faces = cm.vertices.astype(np.float64), cm.faces.astype(np.int64)
    md = dict(state.meta.get("metadata") or {})
    md["blockout"] = list(md.get("blockout") or []) + [{"block": len(md.get("blockout") or []), "shape": b.shape, "role": b.role,
                                                        "kind": kind.name if kind is not None else name, "iou": round(iou, 3)}]
    d.meta = {"metadata": md, **(_legend_meta(legend) if changed else {})}
    return d
