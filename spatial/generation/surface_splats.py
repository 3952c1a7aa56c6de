"""Geometry -> splats: surface-aligned flat Gaussians sampled by area, densest near the spawn.

Sampling: every face of every part gets an expected sample count proportional to
``area * part.density * focus(d)`` where ``focus(d) = floor + 1 / (1 + (d / falloff)^2)`` and
``d`` is the face's distance from the focus point (the spawn eye), plus a **detail pool**
(:data:`DETAIL_SHARE` of the budget) for small features near the spawn: a face whose area share
would sample it coarser than ``DETAIL_KAPPA x`` its inradius (and coarser than a few pixels from the
spawn) gets the difference, so chair legs, monitor bezels and sofa arms get several splats across.
Inside a face the k-th sample takes the k-th point of a low-discrepancy (R2) sequence, so samples
are evenly spread and the splats can be smaller for the same coverage.

Each sample becomes a flat Gaussian: its thin axis along the surface normal, its in-plane axes
sized from the local sample spacing (``sqrt(area per sample)``) but, on small parts, never wider
than the triangle itself along its principal axes (a uniform triangle's covariance is
``sum(e e^T) / 36`` over its edges); next to a silhouette or crease edge of a building, furniture
or object part the splat turns along the edge and narrows across it (crisp box edges, no blobs).

:data:`TIERS` are the budget tiers (draft / standard / high) of the product.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from ..core.rotation import rotmat_to_quat
from ..core.sh import rgb_to_sh
from ..core.splats import Splats
from .mesh import Part, face_areas, face_normals

#: splat budget per quality tier (surfaces + sky + particles)
TIERS = {"draft": 100_000, "standard": 500_000, "high": 2_000_000}

#: in-plane sigma as a fraction of the sample spacing (overlap so surfaces read solid)
SIGMA_PER_SPACING = 0.72
#: normal-axis sigma relative to the in-plane sigma
THICKNESS = 0.2
#: cap on an in-plane sigma in units of its triangle's standard deviation along that axis
TRIANGLE_FIT = 1.6
#: smallest minor/major in-plane sigma ratio (needles alias)
MIN_ASPECT = 0.08
#: share of the budget reserved for small features near the spawn, and the spacing they need (x inradius)
DETAIL_SHARE = 0.2
DETAIL_KAPPA = 1.5
#: triangles with 2 x inradius / longest edge above this take low-discrepancy sample positions (others: uniform)
WELL_SHAPED = 0.2
#: labels of continuous surfaces (ground, water, road, wall, floor, ceiling): splats are not clamped to their triangle
CONTINUOUS_LABELS = frozenset({1, 2, 8, 9, 10, 11})
#: labels whose sharp edges narrow the splats next to them (small man-made objects)
EDGE_AWARE_LABELS = frozenset({5, 6, 12})  # building, furniture, object
#: across-edge sigma as a fraction of the distance to the edge, and its floor (fraction of the in-plane sigma)
EDGE_FIT = 0.8
EDGE_MIN = 0.25


@dataclass
class SurfaceSamples:
    points: np.ndarray  # [N, 3]
    normals: np.ndarray  # [N, 3] unit
    tangents: np.ndarray  # [N, 3] unit, in-plane, along the face's longest edge
    sigma_u: np.ndarray  # [N] along the tangent
    sigma_v: np.ndarray  # [N] across
    base_color: np.ndarray  # [N, 3] interpolated vertex albedo
    ao: np.ndarray  # [N]
    part: np.ndarray  # [N] index into the parts list
    label: np.ndarray  # [N] int32

    def __len__(self) -> int:
        return len(self.points)

    def select(self, mask) -> "SurfaceSamples":
        return SurfaceSamples(*(getattr(self, f)[mask] for f in self.__dataclass_fields__))


def _vertex_normals(v: np.ndarray, f: np.ndarray, fn: np.ndarray, fa: np.ndarray) -> np.ndarray:
    vn = np.zeros_like(v)
    for k in range(3):
        np.add.at(vn, f[:, k], fn * fa[:, None])
    return vn / np.maximum(np.linalg.norm(vn, axis=1, keepdims=True), 1e-20)


def _detail_expected(fa: np.ndarray, inr: np.ndarray, dist: np.ndarray, dens: np.ndarray, w: np.ndarray, budget: int,
                     detail_share: float, detail_angle: float, kappa: float = DETAIL_KAPPA, cap: float = 48.0) -> np.ndarray:
    """Expected samples per face: area x focus weighting plus a **detail pool** for small features.

    A face should be sampled at a spacing no coarser than ``kappa x`` its inradius (so a chair leg,
    a monitor bezel or a sofa edge gets several splats across, not one blob), except where that is
    finer than ``detail_angle x distance`` (the feature would be smaller than a few pixels from the
    spawn). Faces whose area-weighted share falls short of that get the difference from a pool of
    ``detail_share x budget`` samples (proportionally when the pool is too small, capped at ``cap``
    per face); the rest of the budget follows the area x focus weights.
    """
    total = w.sum()
    base = w / total * budget * (1.0 - detail_share)
    target = np.maximum(kappa * inr, detail_angle * dist)
    need = fa / np.maximum(target, 1e-6) ** 2 * np.minimum(dens, 1.0)
    deficit = np.minimum(np.maximum(need - base, 0.0), cap)
    pool = detail_share * budget
    dsum = deficit.sum()
    if dsum <= 0:
        return w / total * budget
    if dsum <= pool:  # every deficit is met; what is left of the pool goes back to the area weighting
        return deficit + w / total * (budget - dsum)
    return base + deficit * (pool / dsum)


def _sharp_edges(p: Part, crease_deg: float = 70.0) -> np.ndarray:
    """[F, 3] bool: edge k of each face (opposite vertex k) is a boundary, a crease sharper than
    ``crease_deg`` or non-manifold. Vertices are welded by position (1e-4 m) first, so faces that
    share an edge geometrically but not by index (box faces with their own vertices) are neighbours."""
    q = np.round(p.vertices / 1e-4).astype(np.int64)
    _, vid = np.unique(q, axis=0, return_inverse=True)
    vid = vid.ravel()
    f = vid[p.faces]
    nf = len(f)
    e = np.sort(np.stack([f[:, [1, 2, 0]], f[:, [2, 0, 1]]], -1), axis=-1).reshape(-1, 2)  # edge k = (v[k+1], v[k+2])
    key = e[:, 0] * (int(vid.max()) + 1) + e[:, 1]
    order = np.argsort(key, kind="stable")
    ks = key[order]
    start = np.r_[True, ks[1:] != ks[:-1]]
    gid = np.cumsum(start) - 1
    count = np.bincount(gid)[gid]
    sharp_sorted = count != 2
    pair = np.nonzero(count == 2)[0]
    first = pair[start[pair]]  # first occurrence of each pair group (sorted positions)
    fn = face_normals(p.vertices, p.faces)
    fa_, fb_ = order[first] // 3, order[first + 1] // 3
    crease = (fn[fa_] * fn[fb_]).sum(1) < np.cos(np.radians(crease_deg))
    sharp_sorted[first] = crease
    sharp_sorted[first + 1] = crease
    out = np.empty(nf * 3, dtype=bool)
    out[order] = sharp_sorted
    return out.reshape(nf, 3)


def _stratified_barycentrics(face: np.ndarray, n_faces: int, rng: np.random.Generator, well_shaped: np.ndarray) -> np.ndarray:
    """Barycentric coordinates of the samples: the k-th sample of a well-shaped face takes the k-th point
    of the R2 low-discrepancy sequence (random start per face), folded into the triangle; slivers
    (``well_shaped`` False) take independent uniform points, since a lattice sheared along a long thin
    triangle leaves wide gaps.

    Evenly spread samples leave fewer gaps than independent uniform ones, so the same alpha coverage
    needs smaller (sharper) splats. ``face`` is non-decreasing (systematic sampling)."""
    n = len(face)
    starts = np.searchsorted(face, face, side="left")
    k = np.arange(n) - starts
    off = rng.uniform(size=(n_faces, 2))[face]
    g = 1.32471795724474602596  # plastic number: R2 sequence
    a = np.array([1 / g, 1 / (g * g)])
    uv = (off + (k + 1)[:, None] * a[None]) % 1.0
    flip = uv.sum(1) > 1
    uv[flip] = 1 - uv[flip]
    strat = np.stack([1 - uv[:, 0] - uv[:, 1], uv[:, 0], uv[:, 1]], -1)
    r1 = np.sqrt(rng.uniform(size=n))
    r2 = rng.uniform(size=n)
    unif = np.stack([1 - r1, r1 * (1 - r2), r1 * r2], -1)
    return np.where(well_shaped[face][:, None], strat, unif)


def _triangle_axes(v0: np.ndarray, v1: np.ndarray, v2: np.ndarray, n: np.ndarray, t: np.ndarray):
    """In-plane principal axes of uniform triangles: (major axis [N,3], sqrt eigenvalues major, minor).

    The covariance of a uniform triangle is ``sum(e e^T) / 36`` over its three edges ``e``; a lone
    sample whose Gaussian has that covariance covers its triangle without spilling far past it.
    """
    b = np.cross(n, t)
    es = (v1 - v0, v2 - v1, v0 - v2)
    cuu = sum((e * t).sum(1) ** 2 for e in es) / 36.0
    cvv = sum((e * b).sum(1) ** 2 for e in es) / 36.0
    cuv = sum((e * t).sum(1) * (e * b).sum(1) for e in es) / 36.0
    half_tr, half_diff = 0.5 * (cuu + cvv), 0.5 * (cuu - cvv)
    root = np.sqrt(half_diff**2 + cuv**2)
    l1, l2 = half_tr + root, np.maximum(half_tr - root, 0.0)
    theta = 0.5 * np.arctan2(2 * cuv, cuu - cvv)
    major = np.cos(theta)[:, None] * t + np.sin(theta)[:, None] * b
    return major, np.sqrt(l1), np.sqrt(l2)


def sample_parts(parts: list[Part], budget: int, focus: np.ndarray, rng: np.random.Generator, falloff: float = 12.0,
                 floor: float = 0.004, detail_share: float = DETAIL_SHARE, detail_angle: float | None = None) -> SurfaceSamples:
    """Draw ``budget`` samples over all faces of ``parts``: area x focus weighted plus a detail pool
    for small features near ``focus`` (see :func:`_detail_expected`).

    ``detail_angle`` (radians) is the finest feature worth resolving per metre of distance; by default
    ``0.012 x sqrt(100k / budget)`` (a few preview pixels at the draft tier, finer for bigger budgets).
    """
    focus = np.asarray(focus, dtype=np.float64)
    if detail_angle is None:
        detail_angle = 0.012 * float(np.sqrt(100_000 / max(budget, 1)))
    areas, weights, owners, inrs, dists, denss, longs = [], [], [], [], [], [], []
    for k, p in enumerate(parts):
        fa = face_areas(p.vertices, p.faces)
        tri = p.vertices[p.faces]
        c = tri.mean(1)
        d = np.linalg.norm(c - focus, axis=1)
        w = fa * p.density * (floor + 1.0 / (1.0 + (d / falloff) ** 2))
        el = np.linalg.norm(tri[:, [1, 2, 0]] - tri, axis=2)
        per = el.sum(1)
        longs.append(el.max(1))
        areas.append(fa)
        weights.append(w)
        owners.append(np.full(len(fa), k, dtype=np.int64))
        inrs.append(2 * fa / np.maximum(per, 1e-20))
        dists.append(d)
        denss.append(np.full(len(fa), p.density))
    fa_all = np.concatenate(areas)
    w_all = np.concatenate(weights)
    owner = np.concatenate(owners)
    local = np.concatenate([np.arange(len(a)) for a in areas])
    if w_all.sum() <= 0 or budget <= 0:
        raise ValueError("nothing to sample")
    inr_all, longest_all = np.concatenate(inrs), np.concatenate(longs)
    expected = _detail_expected(fa_all, inr_all, np.concatenate(dists), np.concatenate(denss), w_all, budget, detail_share, detail_angle)
    # systematic sampling: deterministic given rng, low variance, sums to the budget
    cum = np.cumsum(expected)
    u = (np.arange(budget) + rng.uniform()) * (cum[-1] / budget)
    face = np.minimum(np.searchsorted(cum, u, side="right"), len(cum) - 1)
    spacing = np.sqrt(fa_all[face] / np.maximum(expected[face], 1e-9))

    pts = np.empty((budget, 3))
    nrm = np.empty((budget, 3))
    tan = np.empty((budget, 3))
    col = np.empty((budget, 3))
    ao = np.empty(budget)
    ax1 = np.empty(budget)
    ax2 = np.empty(budget)
    edge_dist = np.full(budget, np.inf)  # distance to the nearest sharp edge (edge-aware parts only)
    edge_dir = np.zeros((budget, 3))
    bary = _stratified_barycentrics(face, len(fa_all), rng, 2 * inr_all / np.maximum(longest_all, 1e-20) > WELL_SHAPED)
    order = np.argsort(owner[face], kind="stable")
    bounds = np.searchsorted(owner[face][order], np.arange(len(parts) + 1))
    for k, p in enumerate(parts):
        sel = order[bounds[k]:bounds[k + 1]]
        if len(sel) == 0:
            continue
        lf = local[face[sel]]
        tri = p.faces[lf]
        b = bary[sel]
        v0, v1, v2 = p.vertices[tri[:, 0]], p.vertices[tri[:, 1]], p.vertices[tri[:, 2]]
        pts[sel] = b[:, :1] * v0 + b[:, 1:2] * v1 + b[:, 2:] * v2
        fn_all = face_normals(p.vertices, p.faces)
        fa_p = face_areas(p.vertices, p.faces)
        vn = _vertex_normals(p.vertices, p.faces, fn_all, fa_p)
        fn = fn_all[lf]
        sn = b[:, :1] * vn[tri[:, 0]] + b[:, 1:2] * vn[tri[:, 1]] + b[:, 2:] * vn[tri[:, 2]]
        sn /= np.maximum(np.linalg.norm(sn, axis=1, keepdims=True), 1e-20)
        smooth_ok = (sn * fn).sum(1) > 0.85
        n_s = np.where(smooth_ok[:, None], sn, fn)
        nrm[sel] = n_s
        e = np.stack([v1 - v0, v2 - v1, v0 - v2], 1)
        el = np.linalg.norm(e, axis=2)
        longest = e[np.arange(len(sel)), el.argmax(1)]
        t = longest - (longest * n_s).sum(1, keepdims=True) * n_s
        t /= np.maximum(np.linalg.norm(t, axis=1, keepdims=True), 1e-20)
        major, s1, s2 = _triangle_axes(v0, v1, v2, n_s, t)
        tan[sel] = major
        ax1[sel], ax2[sel] = s1, s2
        if p.label in EDGE_AWARE_LABELS:
            sharp = _sharp_edges(p)[lf]  # [n, 3]: edge k (opposite vertex k) is a silhouette/crease
            h = 2 * fa_p[lf][:, None] / np.maximum(el[:, [1, 2, 0]], 1e-20)  # altitude onto edge k
            dist = np.where(sharp, b * h, np.inf)
            kmin = dist.argmin(1)
            edge_dist[sel] = dist[np.arange(len(sel)), kmin]
            ev = e[np.arange(len(sel)), (kmin + 1) % 3]  # edge opposite vertex k runs v(k+1) -> v(k+2)
            ev = ev - (ev * n_s).sum(1, keepdims=True) * n_s
            edge_dir[sel] = ev / np.maximum(np.linalg.norm(ev, axis=1, keepdims=True), 1e-20)
        col[sel] = b[:, :1] * p.color[tri[:, 0]] + b[:, 1:2] * p.color[tri[:, 1]] + b[:, 2:] * p.color[tri[:, 2]]
        ao[sel] = b[:, 0] * p.ao[tri[:, 0]] + b[:, 1] * p.ao[tri[:, 1]] + b[:, 2] * p.ao[tri[:, 2]]
    # in-plane sigmas: the sample spacing, but never wider than the triangle itself along either principal
    # axis (small faces sampled once or twice keep their shape instead of spilling into blobs)
    # (a face expected to get e < 1 samples is represented by a sample standing for area / e: its clamp widens)
    sig = SIGMA_PER_SPACING * spacing
    # continuous surfaces (terrain, floors, walls, roads, water) are tiled by neighbouring triangles: no clamp
    widen = 1.0 / np.sqrt(np.clip(expected[face], 1e-6, 1.0))
    labels = np.array([p.label for p in parts], dtype=np.int32)[owner[face]]
    widen = np.where(np.isin(labels, list(CONTINUOUS_LABELS)), np.inf, widen)
    sig_u = np.minimum(sig, TRIANGLE_FIT * ax1 * widen)
    sig_v = np.minimum(sig, TRIANGLE_FIT * ax2 * widen)
    sig_v = np.maximum(sig_v, MIN_ASPECT * sig_u)
    # small objects: near a silhouette or crease edge the splat turns along the edge and narrows across it,
    # so box edges, screen bezels and sofa arms stay crisp instead of bleeding into round blobs
    near_edge = edge_dist < sig_u
    if near_edge.any():
        tan[near_edge] = edge_dir[near_edge]
        across = np.maximum(EDGE_FIT * edge_dist[near_edge], EDGE_MIN * sig_u[near_edge])
        sig_v[near_edge] = np.minimum(sig_u[near_edge], across)
    return SurfaceSamples(pts, nrm, tan, sig_u, sig_v, col, ao, owner[face], labels)


def basis_quats(normals: np.ndarray, tangents: np.ndarray) -> np.ndarray:
    """(w, x, y, z) quaternions whose local x = tangent, z = normal."""
    n = normals / np.maximum(np.linalg.norm(normals, axis=1, keepdims=True), 1e-20)
    t = tangents - (tangents * n).sum(1, keepdims=True) * n
    bad = np.linalg.norm(t, axis=1) < 1e-6
    if bad.any():
        alt = np.where(np.abs(n[bad, 1:2]) < 0.9, np.array([[0.0, 1.0, 0.0]]), np.array([[1.0, 0.0, 0.0]]))
        t[bad] = np.cross(alt, n[bad])
    t /= np.maximum(np.linalg.norm(t, axis=1, keepdims=True), 1e-20)
    b = np.cross(n, t)
    r = np.stack([t, b, n], -1)  # columns
    return rotmat_to_quat(torch.from_numpy(r)).numpy()


def make_splats(means: np.ndarray, quats: np.ndarray, scales: np.ndarray, colors: np.ndarray, opacities: np.ndarray,
                labels: np.ndarray) -> Splats:
    """Pack numpy arrays into a :class:`Splats` (storage space, SH degree 0)."""
    eps = 1e-6
    rgb = torch.from_numpy(np.clip(colors, 0, 1).astype(np.float32))
    return Splats(
        means=torch.from_numpy(means.astype(np.float32)),
        quats=torch.from_numpy(quats.astype(np.float32)),
        log_scales=torch.from_numpy(np.log(np.maximum(scales, 1e-6)).astype(np.float32)),
        logit_opacities=torch.logit(torch.from_numpy(np.clip(opacities, eps, 1 - eps).astype(np.float32))),
        sh=rgb_to_sh(rgb)[:, None, :],
        labels=torch.from_numpy(labels.astype(np.int32)),
    )
