"""Ground-truth test scenes: exact triangle meshes with known geometry, and splats sampled on them.

The physics test suite and benchmark build their worlds here (no fixture files), so every check can
compare against exact geometry: flat ground with a room and a door, 0.2 m stairs, a block too high to
step on, 25 and 50 degree ramps, a thin wall, and hilly terrain given by a closed-form height function.

World frame: +Y up, metres (docs/conventions.md). Every obstacle is a closed convex solid (box or
wedge) so tests can tell "inside geometry" exactly with half-space tests (:meth:`Scene.inside`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

__all__ = ["Scene", "box", "wedge", "course", "hills", "splats_from_mesh", "hills_height", "concat_objects"]


def box(lo, hi):
    """Closed axis-aligned box mesh from corner ``lo`` to corner ``hi``."""
    import trimesh

    lo, hi = np.asarray(lo, float), np.asarray(hi, float)
    m = trimesh.creation.box(extents=hi - lo)
    m.apply_translation((lo + hi) / 2)
    return m


def wedge(x0: float, x1: float, z0: float, length: float, angle_deg: float, y0: float = 0.0):
    """Closed ramp (triangular prism) rising along +Z from ``z0`` at ``angle_deg``, spanning x0..x1."""
    import trimesh

    h = length * np.tan(np.radians(angle_deg))
    z1 = z0 + length
    v = np.array(
        [[x0, y0, z0], [x0, y0, z1], [x0, y0 + h, z1], [x1, y0, z0], [x1, y0, z1], [x1, y0 + h, z1]], float
    )
    f = np.array([[0, 2, 1], [3, 4, 5], [0, 1, 4], [0, 4, 3], [1, 2, 5], [1, 5, 4], [0, 3, 5], [0, 5, 2]])
    m = trimesh.Trimesh(v, f, process=False)
    m.fix_normals()
    return m


def hills_height(x, z, amplitude: float = 2.0, seed: int = 0):
    """Smooth closed-form terrain height (metres) used by :func:`hills`."""
    x = np.asarray(x, float)
    z = np.asarray(z, float)
    rng = np.random.default_rng(seed)
    h = np.zeros(np.broadcast(x, z).shape)
    for octave in range(4):
        f = 0.06 * 2**octave
        a = amplitude / 2**octave
        ph = rng.uniform(0, 2 * np.pi, 2)
        d = rng.normal(size=2)
        d /= np.linalg.norm(d)
        h += a * np.sin(f * (d[0] * x + d[1] * z) + ph[0]) * np.cos(f * (d[1] * x - d[0] * z) + ph[1])
    return h


@dataclass
class Scene:
    """A ground-truth world: the exact collider ``mesh``, the convex ``solids`` it is made of,
    the ground height function and named landmarks (positions on the ground, +Y up)."""

    mesh: object  # trimesh.Trimesh
    solids: list = field(default_factory=list)
    ground: Callable = lambda x, z: np.zeros(np.broadcast(np.asarray(x), np.asarray(z)).shape)
    landmarks: dict = field(default_factory=dict)
    walkable_area: tuple = (-10.0, 10.0, -10.0, 10.0)  # x0, x1, z0, z1 where walks stay

    def inside(self, points, tol: float = 0.0) -> np.ndarray:
        """True where a point lies deeper than ``tol`` inside any solid (exact half-space test)."""
        from scipy.spatial import ConvexHull

        p = np.atleast_2d(np.asarray(points, float))
        out = np.zeros(len(p), bool)
        for s in self.solids:
            eq = getattr(s, "_hull_eq", None)
            if eq is None:
                eq = ConvexHull(np.asarray(s.vertices)).equations
                s._hull_eq = eq
            out |= (p @ eq[:, :3].T + eq[:, 3] < -tol).all(axis=1)
        return out


def course(seed: int = 0) -> Scene:
    """Flat obstacle course on a 60 m x 60 m ground slab (top at y = 0):

    * roofless 8 x 6 m room (walls 0.2 m thick, 3 m high) with a 1.2 m x 2.2 m door in its +Z wall;
    * stairs of five 0.2 m steps (0.3 m runs) up to a 1.0 m platform;
    * a 0.4 m block (above the default step height);
    * ramps of 25 and 50 degrees (4 m and 2 m long) rising along +Z;
    * a 5 cm thin wall, 2 m high.
    """
    import trimesh

    solids = [box((-30, -1, -30), (30, 0, 30))]
    # room: interior x -4..4, z -14..-8, door centred at x=0 in the +Z wall (z = -8 .. -7.8)
    t, H = 0.2, 3.0
    solids += [
        box((-4.2, 0, -14.2), (4.2, H, -14.0)),  # back wall
        box((-4.2, 0, -14.0), (-4.0, H, -7.8)),  # left wall
        box((4.0, 0, -14.0), (4.2, H, -7.8)),  # right wall
        box((-4.0, 0, -8.0), (-0.6, H, -8.0 + t)),  # front wall, left of the door
        box((0.6, 0, -8.0), (4.0, H, -8.0 + t)),  # front wall, right of the door
        box((-0.6, 2.2, -8.0), (0.6, H, -8.0 + t)),  # lintel
    ]
    # stairs at x 6..8, rising along +Z from z=0: step k covers z in [0.3k, ...] up to the platform
    for k in range(5):
        solids.append(box((6, 0, 0.3 * k), (8, 0.2 * (k + 1), 1.5 + 2.0)))
    solids.append(box((10, 0, 0), (12, 0.4, 2)))  # 0.4 m block
    solids.append(wedge(14, 16, 0, 4.0, 25.0))
    solids.append(wedge(18, 20, 0, 2.0, 50.0))
    solids.append(box((-10, 0, 4.975), (-6, 2.0, 5.025)))  # thin wall (5 cm)
    mesh = trimesh.util.concatenate(solids)
    landmarks = {
        "room_inside": np.array([0.0, 0.0, -11.0]),
        "room_door_outside": np.array([0.0, 0.0, -5.0]),
        "stairs_start": np.array([7.0, 0.0, -1.0]),
        "stairs_top": np.array([7.0, 1.0, 2.5]),
        "block_start": np.array([11.0, 0.0, -1.0]),
        "block_top": np.array([11.0, 0.4, 1.0]),
        "ramp25_start": np.array([15.0, 0.0, -1.0]),
        "ramp25_top": np.array([15.0, 4.0 * np.tan(np.radians(25)), 3.9]),
        "ramp50_start": np.array([19.0, 0.0, -1.0]),
        "ramp50_top": np.array([19.0, 2.0 * np.tan(np.radians(50)), 1.9]),
        "thin_wall_south": np.array([-8.0, 0.0, 3.5]),
        "thin_wall_north": np.array([-8.0, 0.0, 6.5]),
    }
    return Scene(mesh=mesh, solids=solids, landmarks=landmarks, walkable_area=(-20.0, 24.0, -20.0, 12.0))


def hills(size: float = 60.0, resolution: int = 121, amplitude: float = 2.0, seed: int = 0) -> Scene:
    """Hilly terrain ``size`` metres across: the surface of :func:`hills_height` triangulated on a
    ``resolution`` x ``resolution`` grid (slopes stay walkable), closed into a solid underneath."""
    import trimesh

    xs = np.linspace(-size / 2, size / 2, resolution)
    X, Z = np.meshgrid(xs, xs, indexing="ij")
    Y = hills_height(X, Z, amplitude, seed)
    n = resolution
    top = np.stack([X, Y, Z], -1).reshape(-1, 3)
    idx = np.arange(n * n).reshape(n, n)
    a, b, c, d = idx[:-1, :-1], idx[1:, :-1], idx[1:, 1:], idx[:-1, 1:]
    faces = np.concatenate([np.stack([a, c, b], -1).reshape(-1, 3), np.stack([a, d, c], -1).reshape(-1, 3)])
    mesh = trimesh.Trimesh(top, faces, process=False)
    if mesh.face_normals[:, 1].mean() < 0:
        mesh.invert()
    ground = lambda x, z: hills_height(x, z, amplitude, seed)  # noqa: E731
    return Scene(mesh=mesh, solids=[], ground=ground, landmarks={"centre": np.array([0.0, float(ground(0, 0)), 0.0])},
                 walkable_area=(-size / 2 + 5, size / 2 - 5, -size / 2 + 5, size / 2 - 5))


def splats_from_mesh(
    mesh,
    n: int,
    seed: int = 0,
    noise: float = 0.01,
    opacity: tuple[float, float] = (0.5, 1.0),
    floaters: float = 0.0,
    sh_degree: int = 0,
):
    """Sample ``n`` surface-aligned flat Gaussians on ``mesh`` (area-weighted): each splat lies in the
    surface plane (normal = its shortest axis, sigma ~ 0.6 x the sample spacing, thickness 1/10 of that),
    jittered by ``noise`` metres along the normal. ``floaters`` adds that fraction of low-opacity
    (0.02-0.2) random blobs in the bounding box, as reconstructions have."""
    import torch

    from ..core.rotation import rotmat_to_quat
    from ..core.splats import Splats

    rng = np.random.default_rng(seed)
    tri = np.asarray(mesh.triangles, float)
    area = np.asarray(mesh.area_faces, float)
    fid = rng.choice(len(tri), size=n, p=area / area.sum())
    r1, r2 = rng.random(n), rng.random(n)
    s1 = np.sqrt(r1)
    bary = np.stack([1 - s1, s1 * (1 - r2), s1 * r2], 1)
    pos = np.einsum("nk,nkd->nd", bary, tri[fid])
    nrm = np.asarray(mesh.face_normals, float)[fid]
    pos += nrm * rng.normal(scale=noise, size=(n, 1))
    ref = np.where(np.abs(nrm[:, :1]) < 0.9, np.array([[1.0, 0, 0]]), np.array([[0, 1.0, 0]]))
    t1 = np.cross(nrm, ref)
    t1 /= np.linalg.norm(t1, axis=1, keepdims=True)
    t2 = np.cross(nrm, t1)
    rot = np.stack([t1, t2, nrm], axis=2)  # columns: tangent, tangent, normal (local z = normal)
    spacing = np.sqrt(area.sum() / max(n, 1))
    sig = np.clip(spacing * 0.6 * np.exp(rng.normal(scale=0.2, size=(n, 1))), 1e-4, None)
    scales = np.concatenate([sig, sig, sig * 0.1], 1)
    op = rng.uniform(*opacity, size=n)
    col = np.clip(0.3 + 0.1 * pos[:, 1:2] % 1.0 + rng.normal(scale=0.05, size=(n, 3)), 0, 1)
    m = int(round(n * floaters))
    if m:
        lo, hi = mesh.bounds
        pos = np.concatenate([pos, rng.uniform(lo, hi + np.array([0, 2.0, 0]), size=(m, 3))])
        rot = np.concatenate([rot, np.broadcast_to(np.eye(3), (m, 3, 3))])
        scales = np.concatenate([scales, np.full((m, 3), spacing * 0.8)])
        op = np.concatenate([op, rng.uniform(0.02, 0.2, size=m)])
        col = np.concatenate([col, rng.random((m, 3))])
    quats = rotmat_to_quat(torch.as_tensor(rot, dtype=torch.float64)).float()
    s = Splats.from_activated(
        torch.as_tensor(pos, dtype=torch.float32), quats, torch.as_tensor(scales, dtype=torch.float32),
        torch.as_tensor(op, dtype=torch.float32), torch.as_tensor(col, dtype=torch.float32),
    )
    return s.with_sh_degree(sh_degree) if sh_degree else s


def concat_objects(objects):
    """Several objects' splats as one set, with one boolean mask per object over it (the input of
    :func:`spatial.physics.drop_objects`)."""
    from ..core.splats import Splats

    allsp = Splats.concat(objects)
    masks, off = [], 0
    for o in objects:
        m = np.zeros(len(allsp), bool)
        m[off:off + len(o)] = True
        masks.append(m)
        off += len(o)
    return allsp, masks
