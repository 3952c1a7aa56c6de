"""Splats from triangle meshes, primitives for the Insert tool, and the built-in fallback world.

The app needs splats for things the user adds (a box, an uploaded mesh) and, before the text -> world
generator is installed, a small world so the viewer is never empty. All of them come from one routine:
sample points on a mesh surface (area-weighted), and put a flat Gaussian at each point, oriented with
the surface (thin along the normal), coloured per part.
"""

from __future__ import annotations

import math

import numpy as np
import torch

from spatial.core.labels import LABEL_IDS
from spatial.core.rotation import rotmat_to_quat
from spatial.core.splats import Splats

PRIMITIVES = ("box", "sphere", "cylinder")


def _frames_from_normals(normals: np.ndarray) -> np.ndarray:
    """Rotation matrices whose third column is each normal (columns: tangent, bitangent, normal)."""
    n = normals / np.maximum(np.linalg.norm(normals, axis=1, keepdims=True), 1e-12)
    helper = np.where(np.abs(n[:, 1:2]) < 0.9, np.array([[0.0, 1.0, 0.0]]), np.array([[1.0, 0.0, 0.0]]))
    t = np.cross(helper, n)
    t /= np.maximum(np.linalg.norm(t, axis=1, keepdims=True), 1e-12)
    b = np.cross(n, t)
    return np.stack([t, b, n], axis=2)


def mesh_to_splats(mesh, count: int, color=(0.6, 0.6, 0.6), label: str | int = "object", seed: int = 0,
                   opacity: float = 0.95, jitter: float = 0.08) -> Splats:
    """Sample ``count`` surface splats on a ``trimesh.Trimesh``.

    Each splat is a disc about as wide as the mean sample spacing (sigma = 0.6 * sqrt(area / count)),
    10x thinner along the face normal. ``color`` is an RGB triple in [0, 1]; when the mesh carries
    per-vertex or per-face colours those win. ``jitter`` varies the brightness a little so flat
    surfaces read as surfaces, not as a flat fill.
    """
    import trimesh

    if count <= 0 or mesh is None or len(mesh.faces) == 0:
        return Splats.empty()
    rng = np.random.default_rng(seed)
    points, face_idx = trimesh.sample.sample_surface(mesh, count, seed=int(rng.integers(2**31)))
    normals = np.asarray(mesh.face_normals)[face_idx]
    area = float(mesh.area)
    sigma = 0.6 * math.sqrt(max(area, 1e-9) / count)
    scales = np.tile(np.array([[sigma, sigma, sigma * 0.1]]), (count, 1))
    rot = _frames_from_normals(normals)
    quats = rotmat_to_quat(torch.as_tensor(rot, dtype=torch.float64)).float()
    rgb = np.tile(np.asarray(color, dtype=np.float64)[None, :3], (count, 1))
    vis = getattr(mesh, "visual", None)
    try:
        if vis is not None and getattr(vis, "kind", None) == "face" and len(vis.face_colors) == len(mesh.faces):
            rgb = np.asarray(vis.face_colors)[face_idx, :3] / 255.0
        elif vis is not None and getattr(vis, "kind", None) == "vertex" and len(vis.vertex_colors) == len(mesh.vertices):
            rgb = np.asarray(vis.vertex_colors)[mesh.faces[face_idx]][:, :, :3].mean(axis=1) / 255.0
    except Exception:  # visuals of odd files: keep the plain colour
        pass
    rgb = np.clip(rgb * (1.0 + jitter * rng.standard_normal((count, 1))), 0.0, 1.0)
    lid = LABEL_IDS.get(label, 0) if isinstance(label, str) else int(label)
    return Splats.from_activated(
        means=torch.as_tensor(points, dtype=torch.float32),
        quats=quats,
        scales=torch.as_tensor(scales, dtype=torch.float32),
        opacities=torch.full((count,), float(opacity)),
        colors=torch.as_tensor(rgb, dtype=torch.float32),
        labels=torch.full((count,), lid, dtype=torch.int32),
    )


def primitive_mesh(kind: str, size: float):
    """A closed primitive whose bounding box is ``2 * size`` wide, resting on y = 0, centred on x = z = 0."""
    import trimesh

    if kind == "box":
        m = trimesh.creation.box(extents=(2 * size, 2 * size, 2 * size))
    elif kind == "sphere":
        m = trimesh.creation.icosphere(subdivisions=3, radius=size)
    elif kind == "cylinder":
        m = trimesh.creation.cylinder(radius=size, height=2 * size, sections=32)
        m.apply_transform(trimesh.transformations.rotation_matrix(-math.pi / 2, [1, 0, 0]))  # axis along +Y
    else:
        from spatial.errors import ValidationError

        raise ValidationError(f"primitive must be one of {PRIMITIVES}, got {kind!r}")
    m.apply_translation([0.0, size, 0.0])
    return m


def splat_density_count(mesh, per_m2: float, lo: int = 200, hi: int = 60000) -> int:
    """How many splats to sample on ``mesh`` for ``per_m2`` splats per square metre (clamped)."""
    return int(np.clip(mesh.area * per_m2, lo, hi))


def fallback_world(splat_budget: int = 12000, seed: int = 0, name: str = "courtyard"):
    """A small walled courtyard (ground, walls with a gap, a raised terrace with a step, crates, a pillar).

    Used only when ``spatial.generate`` is not installed, and by tests that need a tiny world with
    known geometry. Returns a :class:`spatial.World` with exact collider geometry.
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
    pillar = trimesh.creation.cylinder(radius=0.45, height=3.0, sections=24)
    pillar.apply_transform(trimesh.transformations.rotation_matrix(-math.pi / 2, [1, 0, 0]))
    pillar.apply_translation((-3.0, 1.5, -4.0))
    parts.append((pillar, (0.85, 0.83, 0.78), "building"))

    total_area = sum(m.area for m, _, _ in parts)
    splats = []
    for i, (m, color, label) in enumerate(parts):
        n = max(60, int(splat_budget * m.area / total_area))
        splats.append(mesh_to_splats(m, n, color=color, label=label, seed=seed * 101 + i))
    collider = trimesh.util.concatenate([m for m, _, _ in parts])
    return World(
        splats=Splats.concat(splats),
        collider=collider,
        spawn=Spawn(position=(0.0, 0.0, 5.0), yaw_deg=0.0),
        name=name,
        prompt="",
        seed=seed,
        generator={"name": "spatial_app.builders.fallback_world", "note": "built-in world used while spatial.generate is unavailable"},
    )
