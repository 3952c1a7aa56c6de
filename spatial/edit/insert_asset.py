"""``insert_asset``: build a kind from the asset library, splat it, light it like the world, add its collider.

The op (docs/edits.md) names a kind of the registry (:mod:`spatial.generation.assets.registry`),
builder ``params`` (colour, material, scale, state, lit), a ``seed`` and one placement
(``translate``/``rotate``/``scale``) or several (``placements``: ``[{"position", "yaw_deg", "scale"}]``,
one instance each, all in one version). With ``ground`` (default true) every instance is dropped onto
the world's collider: rays cast down at its footprint's corners and centre, and its base goes to the
lowest hit (so it never floats; 3 cm sunk, like the generator's).

Splats come from the generator's own surface sampler (:func:`~spatial.generation.surface_splats.sample_parts`,
flat surface-aligned Gaussians), coloured by the generator's procedural albedo and lit by the world's
sky (sun, sky ambient, ambient occlusion, a contact shadow near the ground, the world's distance fog),
so a new well at noon looks like the generator's wells. Every splat gets the kind's label (added to the
legend), and the instance's collider parts go into the collider. The world's ``metadata.scene`` list
(the generator's instances) gains one entry per instance.
"""

from __future__ import annotations

import math
import zlib

import numpy as np

from .errors import EditError
from .state import WorldState

#: splats per square metre of asset surface, and the per-instance bounds
DEFAULT_DENSITY = 300.0
MIN_SPLATS, MAX_SPLATS = 300, 8_000
MAX_PLACEMENTS = 200
#: how far below the lowest footprint hit the base sits (no visible gap on slopes)
SINK = 0.03


def _registry():
    from ..generation.assets import registry

    return registry


def resolve_kind(word: str):
    """The registry kind for a canonical name or any word the registry's lookup resolves; EditError if none."""
    reg = _registry()
    k = reg.REGISTRY.get(word) or reg.lookup(word)
    if k is None:
        try:
            reg.get(word)
        except KeyError as e:
            raise EditError(str(e).strip("'\"")) from None
    return k


# ---------------------------------------------------------------------- schema
def parse_insert_asset(op: dict, out: dict, w: str) -> None:
    """Validate the ``insert_asset`` fields of ``op`` into ``out`` (normalized)."""
    from .schema import _bool, _int, _num, _parse_transform_fields, _vec

    kind = op["kind"]
    if not isinstance(kind, str) or not kind.strip():
        raise EditError(f"{w}.kind must be an asset kind name")
    out["kind"] = resolve_kind(kind.strip()).name
    params = op.get("params", {})
    if not isinstance(params, dict):
        raise EditError(f"{w}.params must be an object")
    p: dict = {}
    for k, v in params.items():
        if k == "color":
            p["color"] = None if v is None else _vec(v, 3, f"{w}.params.color", 0.0, 1.0)
        elif k == "material":
            if not isinstance(v, str) or len(v) > 40:
                raise EditError(f"{w}.params.material must be a material word")
            p["material"] = v.strip().lower()
        elif k == "scale":
            p["scale"] = _num(v, f"{w}.params.scale", 0.05, 20.0)
        elif k == "state":
            if isinstance(v, str):
                v = v.replace(",", " ").split()
            if not isinstance(v, list) or not all(isinstance(s, str) and len(s) < 30 for s in v) or len(v) > 16:
                raise EditError(f"{w}.params.state must be a list of words")
            p["state"] = [s.lower() for s in v]
        elif k == "lit":
            p["lit"] = _bool(v, f"{w}.params.lit")
        else:
            raise EditError(f"{w}.params: unknown key {k!r}; allowed: color, material, scale, state, lit")
    out["params"] = p
    out["seed"] = _int(op.get("seed", 0), f"{w}.seed", lo=0)
    if "placements" in op:
        if any(k in op for k in ("translate", "rotate", "scale")):
            raise EditError(f"{w}: give 'placements' or translate/rotate/scale, not both")
        pl = op["placements"]
        if not isinstance(pl, list) or not (1 <= len(pl) <= MAX_PLACEMENTS):
            raise EditError(f"{w}.placements must be a list of 1..{MAX_PLACEMENTS} placements")
        norm = []
        for i, e in enumerate(pl):
            wi = f"{w}.placements[{i}]"
            if not isinstance(e, dict) or set(e) - {"position", "yaw_deg", "scale"}:
                raise EditError(f"{wi} must be {{'position': [x,y,z], 'yaw_deg': a, 'scale': s}}")
            norm.append({"position": _vec(e.get("position"), 3, f"{wi}.position"),
                         "yaw_deg": _num(e.get("yaw_deg", 0.0), f"{wi}.yaw_deg"),
                         "scale": _num(e.get("scale", 1.0), f"{wi}.scale", 0.05, 20.0)})
        out["placements"] = norm
    else:
        _parse_transform_fields(op, out, w, default_pivot=None)
    out["ground"] = _bool(op.get("ground", True), f"{w}.ground")
    out["density"] = _num(op.get("density", DEFAULT_DENSITY), f"{w}.density", 10.0, 1e5)
    out["collider"] = _bool(op.get("collider", True), f"{w}.collider")
    if "label" in op:
        lab = op["label"]
        out["label"] = lab if isinstance(lab, str) and lab else _int(lab, f"{w}.label", lo=0)


INSERT_ASSET_FIELDS = ["params", "seed", "placements", "translate", "rotate", "scale", "ground", "density", "collider", "label"]


# ---------------------------------------------------------------------- lighting (shared with expand and block-out)
from ..generation.splat_parts import budget_factor, eye_point, parts_to_rows, shade_samples, world_sky  # noqa: E402,F401


# ---------------------------------------------------------------------- geometry
def _rot_from(op: dict) -> np.ndarray:
    from .ops import rotation_matrix

    return rotation_matrix(op.get("rotate"))


def instance_transforms(op: dict) -> list[tuple[np.ndarray, np.ndarray, float]]:
    """(rotation 3x3, position, scale) of every instance of a normalized op."""
    from ..generation.mesh import rot_y

    if "placements" in op:
        return [(rot_y(math.radians(p["yaw_deg"])), np.asarray(p["position"], np.float64), float(p["scale"]))
                for p in op["placements"]]
    return [(_rot_from(op), np.asarray(op.get("translate", [0.0, 0.0, 0.0]), np.float64), float(op.get("scale", 1.0)))]


def ground_height(state: WorldState, xz: np.ndarray, y_from: float, mesh=None) -> np.ndarray:
    """Collider height under points ``xz`` [M,2] for rays cast down from ``y_from`` (nan where none)."""
    from ..physics.rays import raycast

    if mesh is None:
        mesh = collider_mesh(state)
    if mesh is None:
        return np.full(len(xz), np.nan)
    o = np.stack([xz[:, 0], np.full(len(xz), y_from), xz[:, 1]], 1)
    hits = raycast(mesh, o, np.array([[0.0, -1.0, 0.0]]), max_distance=max(400.0, y_from + 2000.0))
    return np.where(hits.hit, hits.points[:, 1], np.nan)


def collider_mesh(state: WorldState):
    """The state's collider as a trimesh (None when it has none); cached on the state's arrays."""
    if state.collider_faces.shape[0] == 0:
        return None
    import trimesh

    key = (id(state.collider_vertices), id(state.collider_faces), state.collider_faces.shape[0])
    cached = getattr(state, "_collider_cache", None)
    if cached is not None and cached[0] == key:
        return cached[1]
    m = trimesh.Trimesh(state.collider_vertices, state.collider_faces, process=False)
    try:
        object.__setattr__(state, "_collider_cache", (key, m))
    except AttributeError:
        pass
    return m


def place_parts(parts, rot: np.ndarray, pos: np.ndarray, scale: float, state: WorldState | None, ground: bool):
    """Parts moved to ``pos`` (rotated, scaled); with ``ground`` their base rests on the collider under them."""
    placed = [p.transformed(rot, pos, scale) for p in parts]
    if not ground or state is None:
        return placed, float(pos[1])
    v = np.concatenate([p.vertices for p in (q for q in placed if q.collider)] or [p.vertices for p in placed])
    lo, hi = v.min(0), v.max(0)
    c = (lo + hi) / 2
    hx, hz = (hi[0] - lo[0]) * 0.4, (hi[2] - lo[2]) * 0.4
    xz = np.array([[c[0], c[2]], [c[0] - hx, c[2] - hz], [c[0] + hx, c[2] - hz], [c[0] - hx, c[2] + hz], [c[0] + hx, c[2] + hz],
                   [pos[0], pos[2]]])
    y = ground_height(state, xz, float(pos[1]) + 3.0)
    if not np.isfinite(y).any():
        y = ground_height(state, xz, float(pos[1]) + 60.0)
    if not np.isfinite(y).any():
        raise EditError(f"insert_asset: no ground under ({pos[0]:.2f}, {pos[2]:.2f}) to stand on")
    base = float(np.nanmin(y)) - SINK
    dy = base - float(pos[1])
    return [p.transformed(None, (0.0, dy, 0.0), 1.0) for p in placed], base


def asset_instance_rows(state: WorldState, kind, params: dict, seed: int, rot, pos, scale, ground: bool, density: float,
                        label_id: int, rng_stream: int = 0):
    """(rows, collider parts, instance record) of one instance."""
    reg = _registry()
    try:
        parts = reg.build(kind.name, params, rng=np.random.default_rng([seed, rng_stream]))
    except (ValueError, RuntimeError) as e:
        raise EditError(f"insert_asset {kind.name}: {e}") from None
    placed, base = place_parts(parts, rot, pos, scale, state, ground)
    area = float(sum(p.area() for p in placed))
    tier = budget_factor(state.meta)
    n = int(np.clip(area * density * tier, MIN_SPLATS * tier, MAX_SPLATS * tier))
    v_all = np.concatenate([p.vertices for p in placed])
    centre = (v_all.min(0) + v_all.max(0)) / 2
    rng = np.random.default_rng([seed, rng_stream, 7])
    rows = parts_to_rows(placed, [label_id] * len(placed), n, centre, rng, state.meta, seed, state.table.sh_coeffs,
                         falloff=1e6, base_y=base)
    yaw = math.degrees(math.atan2(rot[0, 2], rot[0, 0])) if abs(rot[1, 1] - 1) < 1e-9 else None
    record = {"kind": kind.name, "label": kind.label_name, "label_id": int(label_id), "group": None,
              "position": [round(float(pos[0]), 4), round(base, 4), round(float(pos[2]), 4)],
              "yaw_deg": None if yaw is None else round(yaw % 360.0, 3), "scale": round(float(scale), 4),
              "bbox": [[round(float(x), 4) for x in v_all.min(0)], [round(float(x), 4) for x in v_all.max(0)]],
              "params": params, "seed": int(seed), "source": "edit"}
    return rows, [p for p in placed if p.collider], record


def compute_insert_asset(state: WorldState, op: dict, ctx) -> "object":
    """The Delta of a normalized ``insert_asset`` op."""
    from .delta import Delta
    from .ops import _check_growth, _legend_meta, ensure_label

    kind = resolve_kind(op["kind"])
    legend = state.legend()
    lab, changed = ensure_label(legend, op.get("label", kind.label_name))
    all_rows, col_parts, records = [], [], []
    for i, (rot, pos, scale) in enumerate(instance_transforms(op)):
        rows, cp, rec = asset_instance_rows(state, kind, op.get("params", {}), op["seed"] + i, rot, pos, scale,
                                            op.get("ground", True), op.get("density", DEFAULT_DENSITY), lab, i)
        all_rows.append(rows)
        col_parts += cp
        records.append(rec)
    rows = {f: np.concatenate([r[f] for r in all_rows]) for f in all_rows[0]}
    _check_growth(state, int(rows["means"].shape[0]), ctx, f"insert_asset {kind.name}")
    d = Delta(n_before=state.n, faces_before=int(state.collider_faces.shape[0]), added=rows)
    meta = {}
    if changed:
        meta.update(_legend_meta(legend))
    md = dict(state.meta.get("metadata") or {})
    # metadata.scene: the generator's {"instances": [...], ...} (older worlds: a bare list, or none)
    scene = md.get("scene")
    scene = dict(scene) if isinstance(scene, dict) else {"instances": list(scene) if isinstance(scene, list) else []}
    insts = list(scene.get("instances") or [])
    next_id = 1 + max([int(e["id"]) for e in insts if isinstance(e, dict) and isinstance(e.get("id"), int)] + [len(insts) - 1])
    for j, rec in enumerate(records):
        insts.append({"id": next_id + j, **rec})
    scene["instances"] = insts
    md["scene"] = scene
    meta["metadata"] = md
    d.meta = meta
    if op.get("collider", True) and col_parts:
        from ..generation.mesh import merge

        m = merge(col_parts)
        d.collider_vertices = m.vertices.astype(np.float64)
        d.collider_faces = m.faces.astype(np.int64)
    return d
