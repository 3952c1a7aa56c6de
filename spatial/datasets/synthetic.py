"""A synthetic posed photo set with exact ground truth: a textured triangle-mesh scene, ray traced.

Used by the tests and benchmarks of fitting and structure from motion (the cameras are known
exactly, the images are deterministic). The scene (spatial world frame, +Y up, metres): a 4 m x 4 m
ground square with a checker-and-noise texture, two boxes with stripe/noise textures and an
icosphere with a marbled texture, lit by a directional light plus ambient (Lambertian, no shadows,
view independent). Rays that miss hit a constant sky colour, so a fit renders with that background.

Ray casting uses Open3D's Embree ``RaycastingScene`` when installed (the ``physics`` extra) and
trimesh's pure-Python intersector otherwise (slower).
"""

from __future__ import annotations

import math

import numpy as np
import torch

from ..core.colour import to_uint8
from ..core.camera import Camera
from .dataset import Dataset, View

SKY = (0.62, 0.74, 0.88)
LIGHT_DIR = np.array([0.45, 0.8, 0.35]) / np.linalg.norm([0.45, 0.8, 0.35])


def _hash3(ix, iy, iz, seed: int) -> np.ndarray:
    h = (ix.astype(np.int64) * 73856093) ^ (iy.astype(np.int64) * 19349663) ^ (iz.astype(np.int64) * 83492791) ^ (seed * 2654435761)
    h = (h ^ (h >> 13)) * 1274126177
    h = h ^ (h >> 16)
    return (h & 0xFFFFFF).astype(np.float64) / float(0xFFFFFF)


def value_noise(p: np.ndarray, freq: float, seed: int = 0) -> np.ndarray:
    """Smooth 3D value noise in [0,1] at points ``p`` [M,3] with lattice spacing 1/``freq``."""
    q = p * freq
    i0 = np.floor(q).astype(np.int64)
    f = q - i0
    f = f * f * (3 - 2 * f)
    out = np.zeros(len(p))
    for dx in (0, 1):
        for dy in (0, 1):
            for dz in (0, 1):
                w = (f[:, 0] if dx else 1 - f[:, 0]) * (f[:, 1] if dy else 1 - f[:, 1]) * (f[:, 2] if dz else 1 - f[:, 2])
                out += w * _hash3(i0[:, 0] + dx, i0[:, 1] + dy, i0[:, 2] + dz, seed)
    return out


def fbm(p: np.ndarray, freq: float, octaves: int = 3, seed: int = 0) -> np.ndarray:
    tot, amp, norm = np.zeros(len(p)), 1.0, 0.0
    for o in range(octaves):
        tot += amp * value_noise(p, freq * 2**o, seed + o)
        norm += amp
        amp *= 0.5
    return tot / norm


def scene_meshes():
    """[(trimesh.Trimesh, material id)] of the scene, in spatial's world frame."""
    import trimesh

    ground = trimesh.Trimesh(vertices=[[-2, 0, -2], [2, 0, -2], [2, 0, 2], [-2, 0, 2]], faces=[[0, 2, 1], [0, 3, 2]], process=False)
    box1 = trimesh.creation.box(extents=[0.8, 0.8, 0.8])
    box1.apply_translation([0.55, 0.4, -0.35])
    box2 = trimesh.creation.box(extents=[0.5, 1.0, 0.6])
    rot = trimesh.transformations.rotation_matrix(math.radians(35), [0, 1, 0])
    box2.apply_transform(rot)
    box2.apply_translation([-0.75, 0.5, 0.45])
    sphere = trimesh.creation.icosphere(subdivisions=3, radius=0.45)
    sphere.apply_translation([-0.35, 0.45, -0.75])
    return [(ground, 0), (box1, 1), (box2, 2), (sphere, 3)]


def albedo(points: np.ndarray, material: np.ndarray, detail: float = 1.0) -> np.ndarray:
    """Procedural colour [M,3] in [0,1] of surface points by material id."""
    col = np.zeros((len(points), 3))
    n1 = fbm(points, 3.0 * detail, 3, 1)
    n2 = fbm(points, 9.0 * detail, 2, 7)
    m = material == 0
    if m.any():
        p = points[m]
        checker = ((np.floor(p[:, 0] * 2) + np.floor(p[:, 2] * 2)) % 2)[:, None]
        a, b = np.array([0.85, 0.78, 0.62]), np.array([0.35, 0.45, 0.3])
        col[m] = (checker * a + (1 - checker) * b) * (0.7 + 0.5 * n1[m, None]) * (0.85 + 0.3 * n2[m, None])
    m = material == 1
    if m.any():
        p = points[m]
        stripes = 0.5 + 0.5 * np.sin(p[:, 1] * 18 + 3 * n1[m])
        col[m] = np.stack([0.8 * stripes + 0.15, 0.3 + 0.2 * n2[m], 0.25 + 0.5 * (1 - stripes)], -1)
    m = material == 2
    if m.any():
        p = points[m]
        dots = (np.sin(p[:, 0] * 14) * np.sin(p[:, 1] * 14) * np.sin(p[:, 2] * 14) > 0.1).astype(float)
        col[m] = np.stack([0.2 + 0.3 * n1[m], 0.35 + 0.4 * dots, 0.75 - 0.3 * n2[m]], -1)
    m = material == 3
    if m.any():
        p = points[m]
        marble = 0.5 + 0.5 * np.sin(8 * p[:, 0] + 10 * n1[m])
        col[m] = np.stack([0.9 * marble + 0.1, 0.75 * marble + 0.2 * n2[m], 0.3 + 0.2 * (1 - marble)], -1)
    return np.clip(col, 0, 1)


class _Caster:
    def __init__(self, meshes):
        self.meshes = meshes
        verts, faces, mats, off = [], [], [], 0
        for m, mat in meshes:
            verts.append(np.asarray(m.vertices, np.float64))
            faces.append(np.asarray(m.faces) + off)
            mats.append(np.full(len(m.faces), mat))
            off += len(m.vertices)
        self.vertices = np.concatenate(verts)
        self.faces = np.concatenate(faces)
        self.face_material = np.concatenate(mats)
        v = self.vertices[self.faces]
        n = np.cross(v[:, 1] - v[:, 0], v[:, 2] - v[:, 0])
        self.face_normals = n / np.linalg.norm(n, axis=1, keepdims=True)
        try:
            import open3d as o3d

            self._scene = o3d.t.geometry.RaycastingScene()
            self._scene.add_triangles(o3d.core.Tensor(self.vertices.astype(np.float32)), o3d.core.Tensor(self.faces.astype(np.uint32)))
            self._o3d = o3d
        except ImportError:  # pragma: no cover - open3d is in the physics extra
            import trimesh

            self._scene = None
            self._tm = trimesh.Trimesh(self.vertices, self.faces, process=False)

    def cast(self, origins: np.ndarray, dirs: np.ndarray):
        """(t [M] (inf = miss), face index [M] (-1 = miss))."""
        if self._scene is not None:
            rays = np.concatenate([origins, dirs], 1).astype(np.float32)
            r = self._scene.cast_rays(self._o3d.core.Tensor(rays))
            t = r["t_hit"].numpy().astype(np.float64)
            f = r["primitive_ids"].numpy().astype(np.int64)
            f[~np.isfinite(t)] = -1
            f[f >= len(self.faces)] = -1
            return t, f
        loc, ray_idx, tri_idx = self._tm.ray.intersects_location(origins, dirs, multiple_hits=False)
        t = np.full(len(origins), np.inf)
        f = np.full(len(origins), -1)
        d = np.einsum("ij,ij->i", loc - origins[ray_idx], dirs[ray_idx])
        t[ray_idx], f[ray_idx] = d, tri_idx
        return t, f


def render_scene(cameras: list[Camera], supersample: int = 2, detail: float = 1.0, meshes=None) -> list[np.ndarray]:
    """Ray trace the scene into uint8 images ([H,W,3]) for each camera (``supersample``^2 rays per pixel)."""
    caster = _Caster(meshes or scene_meshes())
    images = []
    ss = max(1, int(supersample))
    for cam in cameras:
        w, h = cam.width, cam.height
        off = (np.arange(ss) + 0.5) / ss
        u = (np.arange(w * ss) // ss + np.tile(off, w))[None, :].repeat(h * ss, 0)
        v = (np.arange(h * ss) // ss + np.tile(off, h))[:, None].repeat(w * ss, 1)
        dirs_c = np.stack([(u - cam.cx) / cam.fx, (v - cam.cy) / cam.fy, np.ones_like(u)], -1).reshape(-1, 3)
        c2w = np.linalg.inv(cam.viewmat.double().numpy())
        dirs = dirs_c @ c2w[:3, :3].T
        dirs /= np.linalg.norm(dirs, axis=1, keepdims=True)
        origins = np.broadcast_to(c2w[:3, 3], dirs.shape).copy()
        t, f = caster.cast(origins, dirs)
        hit = f >= 0
        col = np.tile(np.array(SKY), (len(dirs), 1))
        if hit.any():
            p = origins[hit] + dirs[hit] * t[hit, None]
            n = caster.face_normals[f[hit]]
            n = np.where((np.einsum("ij,ij->i", n, dirs[hit]) > 0)[:, None], -n, n)
            shade = 0.35 + 0.65 * np.clip(n @ LIGHT_DIR, 0, 1)
            col[hit] = albedo(p, caster.face_material[f[hit]], detail) * shade[:, None]
        img = col.reshape(h, ss, w, ss, 3).mean((1, 3))
        images.append(to_uint8(img))
    return images


def sample_surface_points(n: int, seed: int = 0, noise: float = 0.0, detail: float = 1.0, meshes=None) -> tuple[np.ndarray, np.ndarray]:
    """``n`` random surface points ([n,3] float32) with their lit colour ([n,3] uint8): a stand-in for SfM points."""
    import trimesh

    meshes = meshes or scene_meshes()
    allm = trimesh.util.concatenate([m for m, _ in meshes])
    mats = np.concatenate([np.full(len(m.faces), k) for m, k in meshes])
    rng = np.random.default_rng(seed)
    areas = allm.area_faces
    fi = rng.choice(len(areas), size=n, p=areas / areas.sum())
    tri = allm.triangles[fi]
    r1, r2 = rng.random(n), rng.random(n)
    s = np.sqrt(r1)
    p = tri[:, 0] * (1 - s)[:, None] + tri[:, 1] * (s * (1 - r2))[:, None] + tri[:, 2] * (s * r2)[:, None]
    nrm = allm.face_normals[fi]
    shade = 0.35 + 0.65 * np.clip(nrm @ LIGHT_DIR, 0, 1)
    col = albedo(p, mats[fi], detail) * shade[:, None]
    if noise > 0:
        p = p + rng.normal(scale=noise, size=p.shape)
    return p.astype(np.float32), to_uint8(col)


def orbit_cameras(n: int, size: int = 128, radius: float = 4.2, target=(0.0, 0.35, 0.0), elevations=(22.0, 40.0), fov_y_deg: float = 45.0,
                  width: int | None = None) -> list[Camera]:
    """``n`` cameras on a ring around the scene, alternating between two elevations."""
    cams = []
    t = np.asarray(target, np.float64)
    for i in range(n):
        az = 2 * math.pi * i / n
        el = math.radians(elevations[i % len(elevations)])
        eye = t + radius * np.array([math.cos(el) * math.sin(az), math.sin(el), math.cos(el) * math.cos(az)])
        cams.append(Camera.look_at(eye.tolist(), t.tolist(), width or size, size, fov_y_deg, name=f"view_{i:03d}.png"))
    return cams


def synthetic_dataset(n_views: int = 48, size: int = 128, n_points: int = 4000, seed: int = 0, supersample: int = 2,
                      detail: float = 1.0, point_noise: float = 0.0) -> Dataset:
    """The scene from :func:`orbit_cameras` with exact cameras and sampled surface points."""
    cams = orbit_cameras(n_views, size)
    imgs = render_scene(cams, supersample, detail)
    pts, cols = sample_surface_points(n_points, seed, point_noise, detail)
    views = [View(c, im, None, 1.0, c.name) for c, im in zip(cams, imgs)]
    info = {"source_format": "synthetic ray-traced mesh scene", "background": list(SKY), "n_views": n_views, "size": size}
    return Dataset(views, pts, cols, info, "<synthetic>")

