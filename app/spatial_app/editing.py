"""Edits the viewer asks for, applied to a :class:`spatial.World` (splats and collider together).

A selection is a region: ``{"shape": "sphere" | "box", "center": [x, y, z], "size": r}`` (sphere
radius or box half-extent, metres). Operations: ``delete``, ``move``, ``rotate``, ``scale``,
``recolor``, ``insert_primitive``, ``insert_mesh``, ``drop_object``.

When ``spatial.edit`` (the store issue's edit operations) is installed, the app calls it, so the
browser and the ``spatial edit`` command change worlds the same way; :func:`apply_edit_local` is the
app's own implementation, used otherwise. Collider faces whose centroid lies in the region follow the
splats (deleted, moved, rotated, scaled), so walking matches what is drawn.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

import numpy as np
import torch

from spatial.core.rotation import axis_angle_to_rotmat
from spatial.core.sh import rgb_to_sh
from spatial.core.splats import Splats
from spatial.errors import ValidationError
from spatial.world import World

from .builders import PRIMITIVES, mesh_to_splats, primitive_mesh, splat_density_count

OPS = ("delete", "move", "rotate", "scale", "recolor", "insert_primitive", "insert_mesh", "drop_object")
MAX_REGION = 500.0  # metres; a selection larger than a world is a mistake


def parse_selection(sel: Any) -> dict:
    """Validate a selection dict from the browser."""
    if not isinstance(sel, dict):
        raise ValidationError("selection must be an object {shape, center, size}")
    shape = sel.get("shape", "sphere")
    if shape not in ("sphere", "box"):
        raise ValidationError(f"selection shape must be 'sphere' or 'box', got {shape!r}")
    c = sel.get("center")
    try:
        center = [float(v) for v in c]
        size = float(sel.get("size", 1.0))
    except (TypeError, ValueError):
        raise ValidationError("selection center must be 3 numbers and size a number") from None
    if len(center) != 3 or not all(math.isfinite(v) for v in center):
        raise ValidationError("selection center must be 3 finite numbers")
    if not (0 < size <= MAX_REGION):
        raise ValidationError(f"selection size must be in (0, {MAX_REGION}] m, got {size}")
    return {"shape": shape, "center": center, "size": size}


def region_mask(points: np.ndarray | torch.Tensor, sel: dict) -> np.ndarray:
    """Boolean mask of the points inside the selection region."""
    p = np.asarray(points, dtype=np.float64).reshape(-1, 3)
    d = p - np.asarray(sel["center"], dtype=np.float64)
    if sel["shape"] == "sphere":
        return (d * d).sum(axis=1) <= sel["size"] ** 2
    return (np.abs(d) <= sel["size"]).all(axis=1)


def _collider_split(collider, sel):
    """(faces inside, faces outside) of the collider as two meshes (either may be None)."""
    if collider is None or len(collider.faces) == 0:
        return None, collider
    inside = region_mask(collider.triangles_center, sel)
    if not inside.any():
        return None, collider
    a = collider.submesh([np.nonzero(inside)[0]], append=True) if inside.any() else None
    b = collider.submesh([np.nonzero(~inside)[0]], append=True) if (~inside).any() else None
    return a, b


def _concat_meshes(*meshes):
    import trimesh

    ms = [m for m in meshes if m is not None and len(m.faces)]
    if not ms:
        return None
    return ms[0].copy() if len(ms) == 1 else trimesh.util.concatenate(ms)


def _similarity(rot: np.ndarray, scale: float, pivot: np.ndarray, offset: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """x -> scale * R (x - pivot) + pivot + offset, as (scale*R, t)."""
    a = scale * rot
    t = pivot + offset - a @ pivot
    return a, t


def _transform_region(world: World, sel: dict, rot: np.ndarray, scale: float, offset) -> World:
    mask = torch.as_tensor(region_mask(world.splats.means, sel))
    if not bool(mask.any()):
        raise ValidationError("the selection holds no splats")
    pivot = np.asarray(sel["center"], dtype=np.float64)
    offset = np.asarray(offset, dtype=np.float64)
    a, t = _similarity(rot, scale, pivot, offset)
    moved = world.splats[mask].transform(rotation=torch.as_tensor(rot), translation=torch.as_tensor(t), scale=scale)
    splats = Splats.concat([world.splats[~mask], moved])
    inside, outside = _collider_split(world.collider, sel)
    if inside is not None:
        m = np.eye(4)
        m[:3, :3] = a
        m[:3, 3] = t
        inside = inside.copy()
        inside.apply_transform(m)
    return replace(world, splats=splats, collider=_concat_meshes(outside, inside))


def _ground_below(world: World, x: float, z: float, top: float) -> float | None:
    """Height of the first collider surface below (x, top, z), or None."""
    col = world.collider
    if col is None or len(col.faces) == 0:
        return None
    locs, _, _ = col.ray.intersects_location(np.array([[x, top, z]]), np.array([[0.0, -1.0, 0.0]]), multiple_hits=True)
    if len(locs) == 0:
        return None
    ys = locs[:, 1]
    ys = ys[ys <= top + 1e-6]
    return float(ys.max()) if len(ys) else None


def _insert(world: World, mesh, position, color, label="object", seed=0, rest_on_ground=True) -> World:
    """Add ``mesh`` (already sized, resting on y = 0 around x = z = 0) at ``position``."""
    x, y, z = (float(v) for v in position)
    if rest_on_ground:
        g = _ground_below(world, x, z, y + 0.5)
        if g is not None:
            y = g
    mesh = mesh.copy()
    mesh.apply_translation([x, y, z])
    n = splat_density_count(mesh, per_m2=900.0, lo=300, hi=20000)
    new = mesh_to_splats(mesh, n, color=color, label=label, seed=seed)
    splats = Splats.concat([world.splats, new.with_sh_degree(world.splats.sh_degree) if new.sh_degree != world.splats.sh_degree else new])
    return replace(world, splats=splats, collider=_concat_meshes(world.collider, mesh))


def _drop(world: World, mesh, position, color, seed=0) -> World:
    """Drop ``mesh`` from ``position``: rigid-body simulation when spatial.physics is installed, else
    a straight fall onto the first surface below."""
    try:
        from spatial.physics import drop_objects  # type: ignore[attr-defined]
    except ImportError:
        drop_objects = None
    if drop_objects is not None:
        m = mesh.copy()
        m.apply_translation([float(v) for v in position])
        try:
            placed = drop_objects(world, [m])
        except TypeError:
            placed = None
        if placed is not None:
            meshes = placed if isinstance(placed, (list, tuple)) else [placed]
            out = world
            for i, pm in enumerate(meshes):
                pm = getattr(pm, "mesh", pm)
                n = splat_density_count(pm, per_m2=900.0, lo=300, hi=20000)
                new = mesh_to_splats(pm, n, color=color, label="object", seed=seed + i)
                out = replace(out, splats=Splats.concat([out.splats, new.with_sh_degree(out.splats.sh_degree)]),
                              collider=_concat_meshes(out.collider, pm))
            return out
    return _insert(world, mesh, position, color, seed=seed, rest_on_ground=True)


def _color(params) -> tuple[float, float, float]:
    c = params.get("color", (0.8, 0.3, 0.3))
    try:
        rgb = tuple(float(v) for v in c)
    except (TypeError, ValueError):
        raise ValidationError("color must be 3 numbers in [0, 1]") from None
    if len(rgb) != 3 or not all(0.0 <= v <= 1.0 for v in rgb):
        raise ValidationError("color must be 3 numbers in [0, 1]")
    return rgb


def apply_edit_local(world: World, op: str, selection: dict, params: dict | None = None, mesh=None) -> World:
    """Apply one edit; returns a new World (the input is not modified)."""
    params = params or {}
    if op not in OPS:
        raise ValidationError(f"unknown edit {op!r}; expected one of {', '.join(OPS)}")
    sel = parse_selection(selection)
    if op == "delete":
        mask = torch.as_tensor(region_mask(world.splats.means, sel))
        if not bool(mask.any()):
            raise ValidationError("the selection holds no splats")
        _, outside = _collider_split(world.collider, sel)
        return replace(world, splats=world.splats[~mask], collider=outside)
    if op == "move":
        off = params.get("offset", [0, 0, 0])
        try:
            off = [float(v) for v in off]
        except (TypeError, ValueError):
            raise ValidationError("move offset must be 3 numbers") from None
        if len(off) != 3 or not all(math.isfinite(v) and abs(v) <= MAX_REGION for v in off):
            raise ValidationError("move offset must be 3 finite numbers (metres)")
        return _transform_region(world, sel, np.eye(3), 1.0, off)
    if op == "rotate":
        ang = float(params.get("angle_deg", 0.0))
        axis = params.get("axis", [0, 1, 0])
        if not math.isfinite(ang):
            raise ValidationError("angle must be finite")
        rot = axis_angle_to_rotmat(torch.as_tensor(axis, dtype=torch.float64), math.radians(ang)).double().numpy()
        return _transform_region(world, sel, rot, 1.0, [0, 0, 0])
    if op == "scale":
        f = float(params.get("factor", 1.0))
        if not (0.01 <= f <= 100):
            raise ValidationError(f"scale factor must be in [0.01, 100], got {f}")
        return _transform_region(world, sel, np.eye(3), f, [0, 0, 0])
    if op == "recolor":
        rgb = _color(params)
        mask = torch.as_tensor(region_mask(world.splats.means, sel))
        if not bool(mask.any()):
            raise ValidationError("the selection holds no splats")
        sh = world.splats.sh.clone()
        sh[mask, 0, :] = rgb_to_sh(torch.tensor(rgb, dtype=sh.dtype))
        sh[mask, 1:, :] = 0
        return replace(world, splats=replace(world.splats, sh=sh))
    if op in ("insert_primitive", "drop_object"):
        kind = params.get("primitive", "box")
        if kind not in PRIMITIVES:
            raise ValidationError(f"primitive must be one of {PRIMITIVES}, got {kind!r}")
        size = float(params.get("size", sel["size"]))
        size = min(max(size, 0.05), 10.0)
        m = primitive_mesh(kind, size)
        if op == "drop_object":
            c = sel["center"]
            return _drop(world, m, [c[0], c[1] + 1.5 + size, c[2]], _color(params), seed=len(world.splats))
        return _insert(world, m, sel["center"], _color(params), seed=len(world.splats))
    if op == "insert_mesh":
        if mesh is None:
            raise ValidationError("insert_mesh needs a mesh")
        m = mesh.copy()
        lo, hi = m.bounds
        ext = float(np.max(hi - lo))
        if not (ext > 0):
            raise ValidationError("the mesh is empty or flat")
        target = 2.0 * sel["size"]
        m.apply_translation([-(lo[0] + hi[0]) / 2, -lo[1], -(lo[2] + hi[2]) / 2])
        m.apply_scale(target / ext)
        return _insert(world, m, sel["center"], _color({"color": params.get("color", (0.7, 0.7, 0.7))}), seed=len(world.splats))
    raise AssertionError(op)


def apply_edit(world: World, op: str, selection: dict, params: dict | None = None, mesh=None) -> World:
    """Apply an edit with spatial.edit when it offers the operation, else with :func:`apply_edit_local`."""
    try:
        import spatial.edit as sedit  # type: ignore[import-not-found]
    except ImportError:
        sedit = None
    fn = getattr(sedit, "apply_app_edit", None) if sedit is not None else None
    if fn is not None:
        return fn(world, op, parse_selection(selection), params or {}, mesh=mesh)
    return apply_edit_local(world, op, selection, params, mesh=mesh)
