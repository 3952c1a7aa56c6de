"""Meshes the app inserts (primitives) and the built-in fallback world.

Splats on a mesh surface always come from the edit layer's sampler
(:func:`spatial.edit.mesh_insert.mesh_to_splat_rows`), the same routine ``insert_mesh`` uses, so
a box inserted in the viewer and the built-in world's crates are made the same way.
"""

from __future__ import annotations

import math

import numpy as np
import torch

from spatial.core.labels import LABEL_IDS
from spatial.core.splats import Splats
from spatial.edit.mesh_insert import mesh_to_splat_rows
from spatial.edit.state import FIELDS
from spatial.errors import ValidationError

PRIMITIVES = ("box", "sphere", "cylinder")


def splats_from_rows(rows: dict[str, np.ndarray]) -> Splats:
    """A :class:`Splats` from splat table rows (storage space), as the edit layer produces them."""
    return Splats(*(torch.from_numpy(np.ascontiguousarray(rows[f])) for f in FIELDS))


def painted(mesh, color) -> object:
    """A copy of ``mesh`` with every vertex coloured ``color`` (RGB in [0, 1])."""
    m = mesh.copy()
    rgba = np.array([*(np.clip(np.asarray(color, np.float64)[:3], 0, 1) * 255).round(), 255], np.uint8)
    m.visual.vertex_colors = np.tile(rgba, (len(m.vertices), 1))
    return m


def colored_mesh_splats(mesh, count: int, color, label: str | int = "object", seed: int = 0,
                        jitter: float = 0.08) -> Splats:
    """``count`` surface splats on ``mesh`` in one colour, brightness varied by ``jitter`` so a flat
    surface reads as a surface."""
    from spatial.core.sh import C0

    lid = LABEL_IDS.get(label, 0) if isinstance(label, str) else int(label)
    rows = mesh_to_splat_rows(painted(mesh, color), int(count), seed=seed, label=lid)
    if jitter:
        rgb = rows["sh"][:, 0, :] * C0 + 0.5
        f = 1.0 + jitter * np.random.default_rng(seed + 1).standard_normal((len(rgb), 1))
        rows["sh"][:, 0, :] = ((np.clip(rgb * f, 0, 1) - 0.5) / C0).astype(np.float32)
    return splats_from_rows(rows)


def primitive_mesh(kind: str, size: float = 1.0):
    """A closed primitive ``2 * size`` wide, resting on y = 0, centred on x = z = 0."""
    import trimesh

    if kind == "box":
        m = trimesh.creation.box(extents=(2 * size, 2 * size, 2 * size))
    elif kind == "sphere":
        m = trimesh.creation.icosphere(subdivisions=3, radius=size)
    elif kind == "cylinder":
        m = trimesh.creation.cylinder(radius=size, height=2 * size, sections=32)
        m.apply_transform(trimesh.transformations.rotation_matrix(-math.pi / 2, [1, 0, 0]))  # axis along +Y
    else:
        raise ValidationError(f"primitive must be one of {', '.join(PRIMITIVES)}, got {kind!r}")
    m.apply_translation([0.0, size, 0.0])
    return m


def fallback_world(splat_budget: int = 12000, seed: int = 0, name: str = "courtyard"):
    """A small walled courtyard (ground, walls with a gap, a raised terrace with a step, crates, a pillar).

    Used only when ``spatial.generate`` is not installed or fails. Returns a :class:`spatial.World`
    with exact collider geometry.
    """
    import trimesh

    from spatial.world import Spawn, World

    parts: list[tuple[object, tuple[float, float, float], str]] = []

    def box(ext, centre, color, label):
        m = trimesh.creation.box(extents=ext)
        m.apply_translation(centre)
        parts.append((m, color, label))

    box((16, 0.2, 16), (0, -0.1, 0), (0.36, 0.55, 0.27), "ground")  # lawn, top at y = 0
    box((6, 0.2, 4), (0, 0.1, -5.5), (0.62, 0.58, 0.52), "floor")  # terrace, a 0.2 m step
    box((16, 2.5, 0.3), (0, 1.25, -8.0), (0.78, 0.66, 0.52), "wall")  # north wall
    box((0.3, 2.5, 16), (-8.0, 1.25, 0), (0.74, 0.62, 0.50), "wall")  # west wall
    box((0.3, 2.5, 6.5), (8.0, 1.25, -4.75), (0.74, 0.62, 0.50), "wall")  # east wall, north part
    box((0.3, 2.5, 6.5), (8.0, 1.25, 4.75), (0.74, 0.62, 0.50), "wall")  # east wall, south part (gap = gate)
    box((1.0, 1.0, 1.0), (3.0, 0.5, -2.0), (0.55, 0.36, 0.20), "object")  # crates
    box((0.8, 0.8, 0.8), (3.2, 1.4, -2.1), (0.60, 0.40, 0.22), "object")
    box((1.2, 0.6, 1.2), (-3.5, 0.3, 2.5), (0.35, 0.42, 0.66), "object")
    pillar = primitive_mesh("cylinder", 1.0)
    pillar.apply_scale([0.45, 1.5, 0.45])
    pillar.apply_translation((-3.0, 0.0, -4.0))
    parts.append((pillar, (0.85, 0.83, 0.78), "building"))

    total_area = sum(m.area for m, _, _ in parts)
    splats = [colored_mesh_splats(m, max(60, int(splat_budget * m.area / total_area)), color, label, seed * 101 + i)
              for i, (m, color, label) in enumerate(parts)]
    return World(
        splats=Splats.concat(splats),
        collider=trimesh.util.concatenate([m for m, _, _ in parts]),
        spawn=Spawn(position=(0.0, 0.0, 5.0), yaw_deg=0.0),
        name=name,
        seed=seed,
        generator={"name": "spatial_app.builders.fallback_world",
                   "note": "built-in world used when spatial.generate is unavailable"},
    )
