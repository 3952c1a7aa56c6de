"""Rays against the collider mesh and against splats (picking for the app's edit tools)."""

from __future__ import annotations

import weakref
from dataclasses import dataclass

import numpy as np

from ..errors import ValidationError

__all__ = ["RayHits", "raycast", "SplatPick", "pick_splat"]


@dataclass
class RayHits:
    """Per ray: ``hit`` [N] bool, ``distance`` [N] (inf on a miss; along the normalized direction),
    ``points`` [N,3], ``normals`` [N,3] (face normal facing the ray origin), ``faces`` [N] (-1 on a miss)."""

    hit: np.ndarray
    distance: np.ndarray
    points: np.ndarray
    normals: np.ndarray
    faces: np.ndarray

    def __len__(self) -> int:
        return len(self.hit)


_SCENES: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def _scene(mesh):
    """Open3D ray scene (Embree BVH) for ``mesh``, cached while the mesh object lives."""
    import open3d as o3d

    v = np.asarray(mesh.vertices, np.float32)
    f = np.asarray(mesh.faces, np.uint32)
    key = (len(v), len(f), hash(v[: min(len(v), 64)].tobytes()), hash(f[-min(len(f), 64):].tobytes()))
    try:
        cached = _SCENES.get(mesh)
    except TypeError:
        cached = None
    if cached is not None and cached[0] == key:
        return cached[1]
    rs = o3d.t.geometry.RaycastingScene()
    rs.add_triangles(o3d.core.Tensor(v), o3d.core.Tensor(f))
    try:
        _SCENES[mesh] = (key, rs)
    except TypeError:
        pass
    return rs


def raycast(mesh, origins, directions, max_distance: float = np.inf) -> RayHits:
    """First hit of each ray ``origins[i] + t * directions[i]`` (t in [0, max_distance]) on ``mesh``."""
    o = np.atleast_2d(np.asarray(origins, np.float64))
    d = np.atleast_2d(np.asarray(directions, np.float64))
    o, d = np.broadcast_arrays(o, d)
    if o.shape[-1] != 3:
        raise ValidationError("origins and directions must be [N,3]")
    n = len(o)
    ln = np.linalg.norm(d, axis=1)
    good = np.isfinite(o).all(1) & np.isfinite(ln) & (ln > 0)
    dist = np.full(n, np.inf)
    faces = np.full(n, -1, np.int64)
    normals = np.zeros((n, 3))
    if mesh is not None and len(getattr(mesh, "faces", [])) and good.any():
        import open3d as o3d

        du = d[good] / ln[good, None]
        rays = np.concatenate([o[good], du], 1).astype(np.float32)
        ans = _scene(mesh).cast_rays(o3d.core.Tensor(rays))
        t = ans["t_hit"].numpy().astype(np.float64)
        fid = ans["primitive_ids"].numpy().astype(np.int64)
        nrm = ans["primitive_normals"].numpy().astype(np.float64)
        ok = np.isfinite(t) & (t <= max_distance)
        gi = np.nonzero(good)[0]
        dist[gi[ok]] = t[ok]
        faces[gi[ok]] = fid[ok]
        flip = (nrm * du).sum(1) > 0
        nrm[flip] *= -1
        normals[gi[ok]] = nrm[ok]
    hit = np.isfinite(dist)
    dn = np.where(good[:, None], d / np.where(ln > 0, ln, 1)[:, None], 0)
    points = np.where(hit[:, None], o + dn * np.where(hit, dist, 0)[:, None], np.nan)
    return RayHits(hit, dist, points, normals, faces)


@dataclass
class SplatPick:
    """The splat a ray selects: ``index`` (-1 if none), ``distance`` along the ray to its densest
    point, ``point`` [3], ``weight`` (its share of the ray's opacity, T_i * alpha_i)."""

    index: int
    distance: float
    point: np.ndarray
    weight: float


def pick_splat(splats, origin, direction, min_weight: float = 0.05, max_distance: float = np.inf) -> SplatPick:
    """Front-most splat that visibly covers the ray, weighted by opacity.

    Each Gaussian's peak response along the ray is ``alpha_i = opacity_i * exp(-0.5 * m_i^2)`` with
    ``m_i`` the Mahalanobis distance of the ray to its centre (at ``t_i = d^T S^-1 (mu - o) / d^T S^-1 d``);
    splats are composited front to back (``T_i = prod_{j<i} (1 - alpha_j)``) and the one with the largest
    contribution ``T_i * alpha_i`` wins (as a renderer would show it). Returns ``index=-1`` when
    nothing reaches ``min_weight``."""
    import torch

    o = torch.as_tensor(np.asarray(origin, np.float64)).reshape(3)
    d = torch.as_tensor(np.asarray(direction, np.float64)).reshape(3)
    if not (torch.isfinite(o).all() and torch.isfinite(d).all() and d.norm() > 0):
        raise ValidationError("origin and direction must be finite 3-vectors, direction non-zero")
    d = d / d.norm()
    none = SplatPick(-1, float("inf"), np.full(3, np.nan), 0.0)
    if len(splats) == 0:
        return none
    mu = splats.means.detach().double()
    sc = splats.scales.detach().double()
    op = splats.opacities.detach().double()
    ok = torch.isfinite(mu).all(1) & torch.isfinite(sc).all(1) & torch.isfinite(op) & (op > 1e-3)
    # cheap cull: centre within 3 sigma_max of the ray, in front of the origin
    rel = mu - o
    tc = rel @ d
    perp = (rel - tc[:, None] * d).norm(dim=1)
    smax = sc.max(1).values
    cand = torch.nonzero(ok & (perp <= 3 * smax) & (tc >= -3 * smax)).flatten()
    if len(cand) == 0:
        return none
    from ..core.rotation import quat_to_rotmat

    R = quat_to_rotmat(splats.quats.detach()[cand].double())
    inv_s2 = 1.0 / sc[cand].clamp_min(1e-8) ** 2
    # S^-1 = R diag(1/s^2) R^T; work in each Gaussian's local frame
    dl = torch.einsum("nji,j->ni", R, d)
    rl = torch.einsum("nji,nj->ni", R, rel[cand])
    a = (dl * dl * inv_s2).sum(1)
    b = (dl * rl * inv_s2).sum(1)
    t = b / a
    m2 = ((rl - t[:, None] * dl) ** 2 * inv_s2).sum(1)
    alpha = (op[cand] * torch.exp(-0.5 * m2)).clamp(max=0.999)
    keep = (t >= 0) & (t <= max_distance) & (alpha > 1e-4)
    if not keep.any():
        return none
    t, alpha, idx = t[keep], alpha[keep], cand[keep]
    order = torch.argsort(t)
    t, alpha, idx = t[order], alpha[order], idx[order]
    T = torch.cumprod(torch.cat([torch.ones(1, dtype=alpha.dtype), 1 - alpha[:-1]]), 0)
    wgt = T * alpha
    k = int(torch.argmax(wgt))
    if float(wgt[k]) < min_weight:
        return none
    pt = (o + t[k] * d).numpy()
    return SplatPick(int(idx[k]), float(t[k]), pt, float(wgt[k]))
