"""``expand``: grow a world past its edge (one version per expansion; undo takes it back).

``{"op": "expand", "side": "north"|"south"|"east"|"west"|"all", "prompt": "..."}``. Outdoor worlds gain
the next tile on that side (:mod:`spatial.generation.expand`: terrain continuous with the seam, the same
biome and style, or the biome a ``prompt`` names): the backdrop splats and collider triangles the tile
replaces go, its terrain and objects come in as splats lit like the world (labels: ``ground`` and each
object's kind) with their collider triangles, and ``metadata.tiles`` lists the tiles. Interiors gain
an adjoining room through a door (:mod:`.expand_room`).

:func:`expand` is ``spatial.expand(world, side, prompt=None)``.
"""

from __future__ import annotations

import numpy as np

from .errors import EditError
from .state import WorldState

SIDES = ("north", "south", "east", "west", "all")
#: splats of a new tile per draft-world budget (100k): about half a world's worth, mostly terrain
TILE_SHARE = 0.45


def parse_expand(op: dict, out: dict, w: str) -> None:
    side = op["side"]
    if side not in SIDES:
        raise EditError(f"{w}.side must be one of {', '.join(SIDES)}, got {side!r}")
    out["side"] = side
    if op.get("prompt") not in (None, ""):
        p = op["prompt"]
        if not isinstance(p, str) or len(p) > 2000:
            raise EditError(f"{w}.prompt must be a text of at most 2000 characters")
        out["prompt"] = p


def _spec(state: WorldState, prompt: str | None):
    from ..generation.spec import SceneSpec, preset

    d = dict(state.meta.get("spec") or {})
    try:
        spec = SceneSpec.from_dict(d)
    except Exception:  # a spec from another generator version: keep what this one understands
        keep = {k: d[k] for k in ("scene_type", "time_of_day", "weather", "relief", "vegetation_density", "tree_kind",
                                  "grass_density", "rock_density", "snow_cover", "extent_m", "seed") if k in d}
        try:
            spec = preset(keep.pop("scene_type", "meadow"), **keep)
        except Exception:
            spec = preset("meadow")
    if prompt:
        from ..generation.prompt import parse_prompt

        asked, _ = parse_prompt(prompt, seed=spec.seed, use_embedding=False)
        for k in ("scene_type", "relief", "vegetation_density", "tree_kind", "grass_density", "rock_density", "snow_cover"):
            setattr(spec, k, getattr(asked, k))
    return spec


def _family(state: WorldState) -> str:
    md = state.meta.get("metadata") or {}
    fam = md.get("scene_family")
    if fam:
        return str(fam)
    return "indoor" if md.get("room") else "nature"


def compute_expand(state: WorldState, op: dict, ctx) -> "object":
    if _family(state) == "indoor":
        from .expand_room import compute_expand_room

        return compute_expand_room(state, op, ctx)
    sides = ["north", "south", "east", "west"] if op["side"] == "all" else [op["side"]]
    return _expand_outdoor(state, sides, op.get("prompt"), ctx)


def _expand_outdoor(state: WorldState, sides: list[str], prompt, ctx):
    from ..core.labels import LABEL_IDS
    from ..generation import expand as gx
    from ..generation.mesh import merge
    from .delta import Delta
    from .insert_asset import budget_factor, collider_mesh, ground_height, parts_to_rows
    from .ops import _check_growth, _legend_meta, ensure_label

    spec = _spec(state, prompt)
    md = dict(state.meta.get("metadata") or {})
    tiles = [list(t) for t in md.get("tiles") or [[0, 0]]]
    mesh = collider_mesh(state)
    if mesh is None:
        raise EditError("expand needs a world with a collider (a generated outdoor world)")

    def ground(xz):
        return ground_height(state, xz, 2000.0, mesh)

    legend = state.legend()
    changed = False
    means = state.table.col("means")
    labels = state.table.col("labels")
    sky = np.isin(labels, [k for k, v in legend.items() if v in ("sky", "particles")] or [LABEL_IDS["sky"]])
    remove = np.zeros(state.n, bool)
    faces_rm = []
    parts_all, owner_label = [], []
    new_tiles = []
    for side in sides:
        new, old = gx.next_tile(tiles + new_tiles, side, float(spec.extent_m))
        try:
            terrain, objs = gx.tile_parts(spec, new, old, ground, abs(int(spec.seed) + 7919 * (new.i * 31 + new.j)))
        except ValueError as e:
            raise EditError(f"expand {side}: {e}") from None
        x0, z0, x1, z1 = new.bounds
        inside = (means[:, 0] > x0) & (means[:, 0] < x1) & (means[:, 2] > z0) & (means[:, 2] < z1)
        remove |= inside & ~sky
        # backdrop triangles the tile replaces: every face whose centroid lies on the tile (those crossing its
        # edge too, so no old far-terrain facet pokes through the new terrain next to the seam)
        cen = state.collider_vertices[state.collider_faces].mean(axis=1)
        faces_rm.append(np.flatnonzero((cen[:, 0] > x0) & (cen[:, 0] < x1) & (cen[:, 2] > z0) & (cen[:, 2] < z1)))
        parts_all.append(terrain)
        owner_label.append(LABEL_IDS["ground"])
        for kind, ps in objs:
            from .insert_asset import resolve_kind

            lab, ch = ensure_label(legend, resolve_kind(kind).label_name)
            changed |= ch
            for p in ps:
                parts_all.append(p)
                owner_label.append(lab)
        new_tiles.append([new.i, new.j])
    # one part per (owner label, material, collider flag): far fewer parts for the sampler to loop over
    groups: dict = {}
    for p, o in zip(parts_all, owner_label):
        groups.setdefault((o, p.label, p.material, p.collider), []).append(p)
    parts_all = [merge(g) for g in groups.values()]
    owner_label = [key[0] for key in groups]
    area = min(1.0, (float(spec.extent_m) / 200.0) ** 2)  # the share is for the generator's 200 m tile
    budget = max(5000, int(100_000 * TILE_SHARE * budget_factor(state.meta) * area)) * len(sides)
    rng = np.random.default_rng([int(spec.seed) & 0xFFFFFFFF, len(tiles), 77])
    eye = np.asarray((state.meta.get("spawn") or {}).get("position", [0, 0, 0]), np.float64)
    rows = parts_to_rows(parts_all, owner_label, budget, eye, rng, state.meta, int(spec.seed), state.table.sh_coeffs,
                         falloff=80.0, floor=0.3)
    _check_growth(state, int(rows['means'].shape[0]), ctx, "expand")
    col = merge([p for p in parts_all if p.collider])
    d = Delta(n_before=state.n, faces_before=int(state.collider_faces.shape[0]), removed=np.flatnonzero(remove).astype(np.int64),
              added=rows, collider_removed=np.unique(np.concatenate(faces_rm)).astype(np.int64),
              collider_vertices=col.vertices.astype(np.float64), collider_faces=col.faces.astype(np.int64))
    md["tiles"] = tiles + new_tiles
    meta = {"metadata": md}
    if changed:
        meta.update(_legend_meta(legend))
    d.meta = meta
    return d


def expand(world, side: str = "north", prompt: str | None = None, **ctx_kwargs):
    """``spatial.expand``: the world grown by a tile (outdoors) or a room (indoors) on ``side``.
    Returns an :class:`~spatial.edit.apply.EditResult` (``.world``, ``.delta``, ``.op``)."""
    from .apply import apply_edit

    op = {"op": "expand", "side": side}
    if prompt:
        op["prompt"] = prompt
    return apply_edit(world, op, **ctx_kwargs)
