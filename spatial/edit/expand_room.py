"""``expand`` indoors: an adjoining room through a door.

The generated room (``metadata.room``: width x depth x height, centred on the origin, floor at y = 0)
is room (0, 0); rooms are ``width + 0.2`` apart along X and ``depth + 0.2`` along Z (one wall
between them). The new room on a side (north = -Z, south = +Z, east = +X, west = -X; past earlier
ones) gets a floor, a ceiling, three walls, a ceiling lamp and four pieces of furniture of its room
kind (the world's, or the one ``prompt`` names: :func:`furnishing`), lit like the world. The wall it
shares with the room it adjoins gets a door: the splats in the doorway go, and that wall's collider
triangles are replaced by the wall with a 1 m x 2.1 m opening, so the walker can go through. ``metadata.rooms`` lists the rooms.
"""

from __future__ import annotations

import math

import numpy as np

from .errors import EditError
from .state import WorldState

T = 0.2
DOOR_W, DOOR_H = 1.0, 2.1
FURNISH = ("table", "chair", "bookshelf", "potted_plant", "floor_lamp", "armchair", "rug")
#: the generator's legacy rooms furnish themselves (generation/indoor.py); what their next room gets
LEGACY_FURNISH = {"living_room": ("sofa", "armchair", "coffee_table", "rug", "floor_lamp", "potted_plant"),
                  "office": ("desk", "office_chair", "bookshelf", "filing_cabinet", "potted_plant"),
                  "warehouse": ("crate", "pallet", "barrel", "bookshelf")}


def furnishing(state: WorldState, prompt: str | None) -> tuple[str, list[str]]:
    """(room kind, floor-standing registry kinds) for the new room: the kind a ``prompt`` names ("a kitchen")
    or else the world's own room kind (``metadata.room.kind``), furnished like the generator furnishes that
    kind (:data:`spatial.generation.presets.FURNISHING`); the library's generic set when neither is known."""
    from ..generation.assets import registry
    from ..generation.presets import FURNISHING

    known = {**{k: tuple(x[0] for x in v) for k, v in FURNISHING.items()}, **LEGACY_FURNISH}
    room_kind = str(((state.meta.get("metadata") or {}).get("room") or {}).get("kind") or "")
    if prompt:
        text = " " + " ".join(str(prompt).lower().replace("-", " ").split()) + " "
        named = [k for k in known if f" {k.replace('_', ' ')} " in text or f" {k.replace('_', ' ')}s " in text]
        if named:
            room_kind = max(named, key=len)
    out = []
    for name in known.get(room_kind, FURNISH):
        kind = registry.REGISTRY.get(name) or registry.lookup(name.replace("_", " "))
        if kind is not None and kind.placement == "ground" and kind.indoor and kind.name not in out:
            out.append(kind.name)
    return room_kind, out or [k for k in FURNISH if k in registry.REGISTRY]


def _dims(state: WorldState) -> tuple[float, float, float]:
    room = (state.meta.get("metadata") or {}).get("room") or {}
    try:
        return float(room["width"]), float(room["depth"]), float(room["height"])
    except (KeyError, TypeError, ValueError):
        raise EditError("expand: this interior does not record its room size (metadata.room)") from None


def _walls_with_door(length: float, h: float, axis: int, centre: np.ndarray, color) -> list:
    """Collider boxes of a wall of ``length`` along ``axis`` (0 = x, 2 = z) with a door in its middle."""
    from ..core.labels import label_id
    from ..generation.mesh import box

    wall = label_id("wall")
    side = (length - DOOR_W) / 2
    dh = min(DOOR_H, h - 0.2)
    out = []
    for s in (-1, 1):
        c = centre.copy()
        c[axis] += s * (DOOR_W / 2 + side / 2)
        c[1] = h / 2
        size = [T, h, T]
        size[axis] = side
        out.append(box(size, color, wall, "plaster", True, center=tuple(c)))
    c = centre.copy()
    c[1] = (dh + h) / 2
    size = [T, h - dh, T]
    size[axis] = DOOR_W
    out.append(box(size, color, wall, "plaster", True, center=tuple(c)))
    return out


def compute_expand_room(state: WorldState, op: dict, ctx) -> "object":
    from ..core.labels import label_id
    from ..generation import materials
    from ..generation.expand import SIDES
    from ..generation.mesh import box, merge, quad, rot_y
    from .delta import Delta
    from .expand import _spec
    from .insert_asset import budget_factor, parts_to_rows, resolve_kind
    from .ops import _check_growth, _legend_meta, ensure_label

    if op["side"] == "all":
        raise EditError("expand: an interior grows one room at a time (north, south, east or west)")
    W, D, H = _dims(state)
    spec = _spec(state, op.get("prompt"))
    pal = materials.palette(spec)
    md = dict(state.meta.get("metadata") or {})
    rooms = [tuple(r) for r in md.get("rooms") or [[0, 0]]]
    di, dj = SIDES[op["side"]]
    i, j = 0, 0
    while (i + di, j + dj) in rooms:
        i, j = i + di, j + dj
    ni, nj = i + di, j + dj
    pitch = np.array([W + T, 0.0, D + T])
    c_old = np.array([i, 0, j]) * pitch
    c_new = np.array([ni, 0, nj]) * pitch
    shared = (c_old + c_new) / 2
    axis = 2 if di != 0 else 0  # the shared wall runs along z for east/west neighbours
    length = D if di != 0 else W
    # the doorway: splats there go; the shared wall's collider faces are replaced by a wall with a door
    half = np.array([T / 2 + 0.08, DOOR_H / 2, T / 2 + 0.08])
    half[axis] = DOOR_W / 2
    dc = shared + np.array([0, DOOR_H / 2, 0])
    m = state.table.col("means")
    inside = np.all(np.abs(m - dc) <= half, axis=1)
    # whatever stood where the new room goes (the lawn and trees outside the window) goes too, sky excepted
    room_half = np.array([W / 2 - 0.02, H / 2 + 0.5, D / 2 - 0.02])  # inside the walls (the shared one stays)
    rc = c_new + np.array([0.0, H / 2, 0.0])
    sky = np.isin(state.table.col("labels"), [k for k, v in state.legend().items() if v in ("sky", "particles")])
    inside |= np.all(np.abs(m - rc) <= room_half, axis=1) & ~sky
    cen = state.collider_vertices[state.collider_faces].mean(axis=1) if state.collider_faces.shape[0] else np.zeros((0, 3))
    in_room = np.flatnonzero(np.all(np.abs(cen - rc) <= room_half, axis=1)) if cen.size else np.zeros(0, np.int64)
    slab = np.ones(3) * 1e9
    slab[1] = H / 2 + 0.05
    slab[axis] = length / 2 + T
    slab[2 - axis] = T / 2 + 0.03
    wall_faces = np.flatnonzero(np.all(np.abs(cen - (shared + np.array([0, H / 2, 0]))) <= slab, axis=1))
    new_wall = _walls_with_door(length + 2 * T, H, axis, shared.copy(), pal["wall"])
    # the new room: floor, ceiling, three walls (inner faces + solid collider boxes), a lamp
    wl, fl, cl = label_id("wall"), label_id("floor"), label_id("ceiling")
    x0, z0 = c_new[0] - W / 2, c_new[2] - D / 2
    parts = [quad((x0, 0.0, z0 + D), (W, 0, 0), (0, 0, -D), pal["floor"], fl, "planks", True, subdiv=4, name="floor"),
             quad((x0, H, z0), (W, 0, 0), (0, 0, D), pal["ceiling"], cl, "plaster", True, subdiv=4, name="ceiling")]
    for s_axis, s in ((0, -1), (0, 1), (2, -1), (2, 1)):
        out_dir = np.zeros(3)
        out_dir[s_axis] = s
        if np.allclose(c_new + out_dir * 1.0 - c_old, 0, atol=1e-6) or np.dot(out_dir, c_old - c_new) > 0:
            continue  # the shared wall (already there, now with a door)
        L = D if s_axis == 0 else W
        wc = c_new + out_dir * ((W if s_axis == 0 else D) / 2 + T / 2)
        size = [T, H, T]
        size[2 - s_axis] = L + 2 * T
        parts.append(box(size, pal["wall"], wl, "plaster", True, center=(wc[0], H / 2, wc[2])))
    parts.append(box((0.5, 0.06, 0.5), np.array([1.0, 0.95, 0.85]), label_id("object"), "emissive", False,
                     center=(c_new[0], H - 0.03, c_new[2])))
    legend = state.legend()
    changed = False
    owner = [p.label for p in parts]
    rng = np.random.default_rng([abs(int(spec.seed)) & 0xFFFFFFFF, ni & 0xFFFF, nj & 0xFFFF])
    from ..generation.assets import registry

    room_kind, choices = furnishing(state, op.get("prompt"))
    spots = [(-0.3, -0.3), (0.3, 0.25), (-0.32, 0.3), (0.3, -0.3)]
    for k, (fx, fz) in zip(rng.permutation(choices)[:4] if choices else [], spots):
        kind = resolve_kind(str(k))
        lab, ch = ensure_label(legend, kind.label_name)
        changed |= ch
        pos = c_new + np.array([fx * W, 0.0, fz * D])
        for p in registry.build(kind.name, {}, rng=np.random.default_rng(int(rng.integers(0, 2**31)))):
            parts.append(p.transformed(rot_y(math.atan2(c_new[0] - pos[0], c_new[2] - pos[2])), pos, 1.0))
            owner.append(lab)
    budget = int(20_000 * budget_factor(state.meta))
    rows = parts_to_rows(parts, owner, budget, c_new + np.array([0, 1.6, 0]), rng, state.meta, int(spec.seed), state.table.sh_coeffs,
                         falloff=8.0)
    _check_growth(state, int(rows['means'].shape[0]), ctx, "expand")
    col = merge([p for p in parts if p.collider] + new_wall)
    d = Delta(n_before=state.n, faces_before=int(state.collider_faces.shape[0]), removed=np.flatnonzero(inside).astype(np.int64),
              added=rows, collider_removed=np.union1d(wall_faces, in_room).astype(np.int64), collider_vertices=col.vertices.astype(np.float64),
              collider_faces=col.faces.astype(np.int64))
    md["rooms"] = [list(r) for r in rooms] + [[ni, nj]]
    md["room_kinds"] = {**dict(md.get("room_kinds") or {}), f"{ni},{nj}": room_kind or "room"}
    d.meta = {"metadata": md, **(_legend_meta(legend) if changed else {})}
    return d
