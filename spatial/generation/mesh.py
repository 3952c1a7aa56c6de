"""Triangle-mesh parts: the geometry every stage produces and the splat sampler consumes.

A :class:`Part` is a triangle mesh with one semantic label, one material name, per-vertex base
colour (albedo before procedural variation) and per-vertex ambient occlusion. ``collider=True``
parts go verbatim into the world's collider; the rest (foliage, water, grass, decals) only
become splats. Primitive builders return parts in local coordinates; :meth:`Part.transformed`
places them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np


@dataclass
class Part:
    vertices: np.ndarray  # [V, 3] float64
    faces: np.ndarray  # [F, 3] int64, counter-clockwise seen from outside
    color: np.ndarray  # [V, 3] base albedo (sRGB 0..1)
    label: int
    material: str = "plain"
    collider: bool = False
    ao: np.ndarray | None = None  # [V] ambient occlusion factor 0..1 (1 = open)
    #: splat density multiplier (thin decals and far backdrops need fewer, foliage more)
    density: float = 1.0
    name: str = ""

    def __post_init__(self):
        self.vertices = np.asarray(self.vertices, dtype=np.float64).reshape(-1, 3)
        self.faces = np.asarray(self.faces, dtype=np.int64).reshape(-1, 3)
        c = np.asarray(self.color, dtype=np.float64)
        self.color = np.broadcast_to(c, self.vertices.shape).copy() if c.ndim == 1 else c.reshape(-1, 3)
        if self.ao is None:
            self.ao = np.ones(len(self.vertices))

    def transformed(self, rotation: np.ndarray | None = None, translation=(0.0, 0.0, 0.0), scale=1.0) -> "Part":
        """``v -> R (scale * v) + t`` (``scale`` may be a 3-vector; mirror scales flip the winding)."""
        s = np.broadcast_to(np.asarray(scale, dtype=np.float64), (3,))
        r = np.eye(3) if rotation is None else np.asarray(rotation, dtype=np.float64)
        v = (self.vertices * s) @ r.T + np.asarray(translation, dtype=np.float64)
        f = self.faces if np.prod(np.sign(s)) > 0 else self.faces[:, ::-1]
        return replace(self, vertices=v, faces=f.copy(), color=self.color.copy(), ao=self.ao.copy())

    def with_color(self, color) -> "Part":
        return replace(self, color=np.broadcast_to(np.asarray(color, dtype=np.float64), self.vertices.shape).copy())

    def area(self) -> float:
        return float(face_areas(self.vertices, self.faces).sum())


def face_areas(v: np.ndarray, f: np.ndarray) -> np.ndarray:
    return 0.5 * np.linalg.norm(np.cross(v[f[:, 1]] - v[f[:, 0]], v[f[:, 2]] - v[f[:, 0]]), axis=1)


def face_normals(v: np.ndarray, f: np.ndarray) -> np.ndarray:
    n = np.cross(v[f[:, 1]] - v[f[:, 0]], v[f[:, 2]] - v[f[:, 0]])
    return n / np.maximum(np.linalg.norm(n, axis=1, keepdims=True), 1e-20)


def merge(parts: list[Part], label: int | None = None, material: str | None = None, name: str = "") -> Part:
    """One part from several (label/material of the first unless given)."""
    if not parts:
        raise ValueError("merge needs at least one part")
    offs = np.cumsum([0] + [len(p.vertices) for p in parts[:-1]])
    return Part(
        np.concatenate([p.vertices for p in parts]),
        np.concatenate([p.faces + o for p, o in zip(parts, offs)]),
        np.concatenate([p.color for p in parts]),
        parts[0].label if label is None else label,
        parts[0].material if material is None else material,
        any(p.collider for p in parts),
        np.concatenate([p.ao for p in parts]),
        parts[0].density,
        name or parts[0].name,
    )


def rot_y(angle: float) -> np.ndarray:
    c, s = math.cos(angle), math.sin(angle)
    return np.array([[c, 0, s], [0, 1, 0], [-s, 0, c]])


def rot_x(angle: float) -> np.ndarray:
    c, s = math.cos(angle), math.sin(angle)
    return np.array([[1, 0, 0], [0, c, -s], [0, s, c]])


def rot_z(angle: float) -> np.ndarray:
    c, s = math.cos(angle), math.sin(angle)
    return np.array([[c, -s, 0], [s, c, 0], [0, 0, 1]])


def align_y_to(direction) -> np.ndarray:
    """Rotation taking +Y to the unit ``direction``."""
    d = np.asarray(direction, dtype=np.float64)
    d = d / np.linalg.norm(d)
    y = np.array([0.0, 1.0, 0.0])
    c = float(d @ y)
    if c > 1 - 1e-9:
        return np.eye(3)
    if c < -1 + 1e-9:
        return np.diag([1.0, -1.0, -1.0])
    axis = np.cross(y, d)
    s = np.linalg.norm(axis)
    k = axis / s
    kx = np.array([[0, -k[2], k[1]], [k[2], 0, -k[0]], [-k[1], k[0], 0]])
    return np.eye(3) + s * kx + (1 - c) * (kx @ kx)


# ---------------------------------------------------------------------------------------- primitives
def box(size, color, label: int, material: str = "plain", collider: bool = True, center=(0.0, 0.0, 0.0), name: str = "",
        bottom: bool = True) -> Part:
    """Axis-aligned box with ``size`` (sx, sy, sz) centred at ``center`` (outward normals).
    ``bottom=False`` drops the downward face (objects standing on the ground never show it)."""
    sx, sy, sz = (float(v) / 2 for v in size)
    v = np.array([[-sx, -sy, -sz], [sx, -sy, -sz], [sx, sy, -sz], [-sx, sy, -sz],
                  [-sx, -sy, sz], [sx, -sy, sz], [sx, sy, sz], [-sx, sy, sz]]) + np.asarray(center, dtype=np.float64)
    f = [[0, 2, 1], [0, 3, 2],  # -z
         [4, 5, 6], [4, 6, 7],  # +z
         [0, 4, 7], [0, 7, 3],  # -x
         [1, 2, 6], [1, 6, 5],  # +x
         [3, 7, 6], [3, 6, 2]]  # +y
    if bottom:
        f += [[0, 1, 5], [0, 5, 4]]  # -y
    return Part(v, np.array(f), color, label, material, collider, name=name)


def quad(corner, edge_u, edge_v, color, label: int, material: str = "plain", collider: bool = False, subdiv: int = 1, name: str = "") -> Part:
    """Parallelogram ``corner + s*edge_u + t*edge_v`` (s, t in [0,1]); normal = edge_u x edge_v."""
    n = max(1, int(subdiv))
    s = np.linspace(0, 1, n + 1)
    ss, tt = np.meshgrid(s, s, indexing="ij")
    v = np.asarray(corner, float) + ss.reshape(-1, 1) * np.asarray(edge_u, float) + tt.reshape(-1, 1) * np.asarray(edge_v, float)
    idx = np.arange((n + 1) ** 2).reshape(n + 1, n + 1)
    a, b, c, d = idx[:-1, :-1].ravel(), idx[1:, :-1].ravel(), idx[:-1, 1:].ravel(), idx[1:, 1:].ravel()
    f = np.concatenate([np.stack([a, b, d], -1), np.stack([a, d, c], -1)])
    return Part(v, f, color, label, material, collider, name=name)


def cylinder(radius_bottom: float, radius_top: float, height: float, color, label: int, segments: int = 8, material: str = "plain",
             collider: bool = False, cap_top: bool = True, cap_bottom: bool = False, name: str = "") -> Part:
    """Cylinder or truncated cone along +Y from y=0 to y=height."""
    a = np.linspace(0, 2 * math.pi, segments, endpoint=False)
    ring = np.stack([np.cos(a), np.zeros_like(a), np.sin(a)], -1)
    v = np.concatenate([ring * radius_bottom, ring * radius_top + [0, height, 0]])
    i = np.arange(segments)
    j = (i + 1) % segments
    f = np.concatenate([np.stack([i, segments + j, j], -1), np.stack([i, segments + i, segments + j], -1)])
    verts = [v]
    faces = [f]
    if cap_top and radius_top > 0:
        c = len(v)
        verts.append(np.array([[0, height, 0]]))
        faces.append(np.stack([np.full(segments, c), segments + j, segments + i], -1))
    if cap_bottom and radius_bottom > 0:
        c = sum(len(x) for x in verts)
        verts.append(np.array([[0, 0, 0]]))
        faces.append(np.stack([np.full(segments, c), i, j], -1))
    return Part(np.concatenate(verts), np.concatenate(faces), color, label, material, collider, name=name)


def cone(radius: float, height: float, color, label: int, segments: int = 10, material: str = "plain", name: str = "") -> Part:
    """Cone along +Y with its base (open) at y=0."""
    a = np.linspace(0, 2 * math.pi, segments, endpoint=False)
    v = np.concatenate([np.stack([np.cos(a) * radius, np.zeros_like(a), np.sin(a) * radius], -1), [[0, height, 0]]])
    i = np.arange(segments)
    f = np.stack([i, np.full(segments, segments), (i + 1) % segments], -1)
    return Part(v, f, color, label, material, name=name)


_ICO_CACHE: dict[int, tuple[np.ndarray, np.ndarray]] = {}


def icosphere(subdivisions: int = 2) -> tuple[np.ndarray, np.ndarray]:
    """Unit icosphere (vertices, faces) with outward winding."""
    if subdivisions in _ICO_CACHE:
        v, f = _ICO_CACHE[subdivisions]
        return v.copy(), f.copy()
    t = (1 + 5**0.5) / 2
    v = np.array([[-1, t, 0], [1, t, 0], [-1, -t, 0], [1, -t, 0], [0, -1, t], [0, 1, t], [0, -1, -t], [0, 1, -t],
                  [t, 0, -1], [t, 0, 1], [-t, 0, -1], [-t, 0, 1]], dtype=np.float64)
    f = np.array([[0, 11, 5], [0, 5, 1], [0, 1, 7], [0, 7, 10], [0, 10, 11], [1, 5, 9], [5, 11, 4], [11, 10, 2], [10, 7, 6],
                  [7, 1, 8], [3, 9, 4], [3, 4, 2], [3, 2, 6], [3, 6, 8], [3, 8, 9], [4, 9, 5], [2, 4, 11], [6, 2, 10],
                  [8, 6, 7], [9, 8, 1]])
    verts = list(v / np.linalg.norm(v, axis=1, keepdims=True))
    for _ in range(subdivisions):
        cache: dict[tuple[int, int], int] = {}

        def mid(a, b):
            key = (a, b) if a < b else (b, a)
            if key not in cache:
                m = verts[a] + verts[b]
                verts.append(m / np.linalg.norm(m))
                cache[key] = len(verts) - 1
            return cache[key]

        nf = []
        for a, b, c in f:
            ab, bc, ca = mid(a, b), mid(b, c), mid(c, a)
            nf += [[a, ab, ca], [b, bc, ab], [c, ca, bc], [ab, bc, ca]]
        f = np.array(nf)
    v = np.array(verts)
    # make winding outward
    n = face_normals(v, f)
    if float((n * v[f].mean(1)).sum()) < 0:
        f = f[:, ::-1]
    _ICO_CACHE[subdivisions] = (v, f)
    return v.copy(), f.copy()


def blob(radius, color, label: int, seed: int, roughness: float = 0.25, subdivisions: int = 2, material: str = "plain",
         collider: bool = False, squash=(1.0, 1.0, 1.0), name: str = "") -> Part:
    """Icosphere displaced by multi-octave noise: rocks, bushes, canopy lobes."""
    from .noise import fbm

    v, f = icosphere(subdivisions)
    d = 1.0 + roughness * fbm(v * 1.3, seed, octaves=3)
    v = v * d[:, None] * radius * np.asarray(squash)
    return Part(v, f, color, label, material, collider, name=name)


def lathe(profile, color, label: int, segments: int = 10, material: str = "plain", collider: bool = False, cap_top: bool = True,
          name: str = "") -> Part:
    """Surface of revolution about +Y from ``profile`` = [(radius, y), ...] bottom to top."""
    prof = np.asarray(profile, dtype=np.float64)
    a = np.linspace(0, 2 * math.pi, segments, endpoint=False)
    ring = np.stack([np.cos(a), np.zeros_like(a), np.sin(a)], -1)
    rows = [ring * r + [0, y, 0] for r, y in prof]
    v = np.concatenate(rows)
    i = np.arange(segments)
    j = (i + 1) % segments
    faces = []
    for k in range(len(prof) - 1):
        b, t = k * segments, (k + 1) * segments
        faces.append(np.stack([b + i, t + j, b + j], -1))
        faces.append(np.stack([b + i, t + i, t + j], -1))
    if cap_top and prof[-1, 0] > 0:
        c = len(v)
        v = np.concatenate([v, [[0, prof[-1, 1], 0]]])
        t = (len(prof) - 1) * segments
        faces.append(np.stack([np.full(segments, c), t + j, t + i], -1))
    return Part(v, np.concatenate(faces), color, label, material, collider, name=name)
