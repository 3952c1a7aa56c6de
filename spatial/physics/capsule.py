"""Vectorized exact geometry kernels for an upright capsule against triangles.

* :func:`segment_triangle` - closest distance and separating normal between a vertical segment
  (the capsule's axis) and each triangle of a batch. A capsule of radius R touches a triangle
  where that distance is below R.
* :func:`sweep_sphere_vertical` - first contact of a sphere moving straight up or down with each
  triangle (faces, edges and vertices; exact, no tunnelling).

All inputs are float64 numpy arrays; the triangle data comes from a :class:`~.trigrid.TriBatch`.
"""

from __future__ import annotations

import numpy as np

from .trigrid import TriBatch

__all__ = ["segment_triangle", "sweep_sphere_vertical", "point_triangle"]

_EPS = 1e-12


def point_triangle(p: np.ndarray, b: TriBatch) -> tuple[np.ndarray, np.ndarray]:
    """Closest points on each triangle to point(s) ``p`` ([3] or [M,1,3] broadcast against K triangles).
    Returns (closest [...,K,3], squared distance [...,K])."""
    w = p - b.v0
    d20 = (w * b.ab).sum(-1)
    d21 = (w * b.ac).sum(-1)
    bv = (b.d11 * d20 - b.d01 * d21) * b.inv
    bw = (b.d00 * d21 - b.d01 * d20) * b.inv
    inside = (bv >= 0) & (bw >= 0) & (bv + bw <= 1)
    q_in = b.v0 + bv[..., None] * b.ab + bw[..., None] * b.ac
    # closest point on each of the 3 edges: [..., K, 3 edges, 3]
    pe = p[..., None, :] - b.ea
    t = np.clip((pe * b.ee).sum(-1) / np.maximum(b.eel, _EPS), 0.0, 1.0)
    q_e = b.ea + t[..., None] * b.ee
    d_e = ((p[..., None, :] - q_e) ** 2).sum(-1)
    j = d_e.argmin(-1)
    q_edge = np.take_along_axis(q_e, j[..., None, None], axis=-2)[..., 0, :]
    q = np.where(inside[..., None], q_in, q_edge)
    return q, ((p - q) ** 2).sum(-1)


def segment_triangle(a: np.ndarray, length: float, b: TriBatch) -> tuple[np.ndarray, np.ndarray]:
    """Distance from the vertical segment ``a`` .. ``a + (0, length, 0)`` to each triangle.

    Returns (distance [K], unit normal [K,3] pointing from the triangle towards the segment).
    Exact: the minimum over the segment's end points vs the triangle, the segment vs the three
    edges, and the segment piercing the triangle (distance 0, normal = face normal on the side
    holding the longer part of the segment)."""
    K = len(b)
    if K == 0:
        return np.zeros(0), np.zeros((0, 3))
    ends = np.stack([a, a + np.array([0.0, length, 0.0])])[:, None, :]  # [2,1,3]
    q_pt, d_pt = point_triangle(ends, b)  # [2,K,3], [2,K]
    cands_seg = [np.broadcast_to(ends, q_pt.shape)]
    cands_tri = [q_pt]
    cands_d = [d_pt]
    if length > 1e-9:
        # segment vs edges: S1(s) = a + s*L*y, S2(t) = ea + t*ee
        r = a - b.ea  # [K,3,3]
        e_ = np.maximum(b.eel, _EPS)
        f = (b.ee * r).sum(-1)
        c = length * r[..., 1]
        bb = length * b.ee[..., 1]
        a_ = length * length
        den = a_ * e_ - bb * bb
        s = np.where(den > 1e-12 * a_ * e_, np.clip((bb * f - c * e_) / np.maximum(den, _EPS), 0, 1), 0.0)
        t = (bb * s + f) / e_
        lo, hi = t < 0, t > 1
        s = np.where(lo, np.clip(-c / a_, 0, 1), np.where(hi, np.clip((bb - c) / a_, 0, 1), s))
        t = np.clip(t, 0, 1)
        p1 = a + (s * length)[..., None] * np.array([0.0, 1.0, 0.0])  # [K,3,3]
        p2 = b.ea + t[..., None] * b.ee
        d2 = ((p1 - p2) ** 2).sum(-1)
        cands_seg.append(np.moveaxis(p1, 1, 0))
        cands_tri.append(np.moveaxis(p2, 1, 0))
        cands_d.append(np.moveaxis(d2, 1, 0))
    seg = np.concatenate(cands_seg)  # [C,K,3]
    tri = np.concatenate(cands_tri)
    d2 = np.concatenate(cands_d)
    k = d2.argmin(0)
    ar = np.arange(K)
    ps, pt, dmin = seg[k, ar], tri[k, ar], np.sqrt(d2[k, ar])
    # piercing: the vertical line through a crosses the triangle interior within the segment
    if length > 1e-9:
        v = b.verts
        x0, z0 = v[:, 0, 0] - a[0], v[:, 0, 2] - a[2]
        x1, z1 = v[:, 1, 0] - a[0], v[:, 1, 2] - a[2]
        x2, z2 = v[:, 2, 0] - a[0], v[:, 2, 2] - a[2]
        w0 = x1 * z2 - x2 * z1
        w1 = x2 * z0 - x0 * z2
        w2 = x0 * z1 - x1 * z0
        area = w0 + w1 + w2
        ok = np.abs(area) > 1e-12
        inside = ok & (((w0 >= 0) & (w1 >= 0) & (w2 >= 0)) | ((w0 <= 0) & (w1 <= 0) & (w2 <= 0)))
        if inside.any():
            yh = (w0 * v[:, 0, 1] + w1 * v[:, 1, 1] + w2 * v[:, 2, 1]) / np.where(ok, area, 1.0)
            pierce = inside & (yh >= a[1]) & (yh <= a[1] + length)
            dmin = np.where(pierce, 0.0, dmin)
            ps = np.where(pierce[:, None], np.stack([np.full(K, a[0]), yh, np.full(K, a[2])], 1), ps)
            pt = np.where(pierce[:, None], ps, pt)
    diff = ps - pt
    nrm = diff / np.maximum(dmin, _EPS)[:, None]
    tiny = dmin < 1e-9
    if tiny.any():
        mid = a + np.array([0.0, length / 2, 0.0])
        side = np.sign(((mid - b.v0) * b.n).sum(-1))
        side = np.where(side == 0, 1.0, side)
        nrm = np.where(tiny[:, None], b.n * side[:, None], nrm)
    return dmin, nrm


def sweep_sphere_vertical(c: np.ndarray, radius: float, sign: float, dist: float, b: TriBatch):
    """Sweep the sphere (centre ``c``, ``radius``) along ``sign`` * +Y by up to ``dist``.

    Returns (t [K], contact normal [K,3]) per triangle: ``t`` is the travel before first contact
    (``inf`` when the triangle is not hit within ``dist``; 0 when the sphere already overlaps it
    and moves further in). The normal points from the contact point to the sphere centre."""
    K = len(b)
    inf = np.full(K, np.inf)
    if K == 0:
        return inf, np.zeros((0, 3))
    R = radius
    # face: offset plane on the centre's side, approached along the motion
    m = c - b.v0
    dn = (m * b.n).sum(-1)
    ny = b.n[:, 1]
    side = np.where(dn >= 0, 1.0, -1.0)
    appr = sign * ny * side < -1e-9
    t_face = (np.abs(dn) - R) / np.maximum(np.abs(ny), 1e-12)
    hit = c + np.outer(t_face, [0.0, sign, 0.0]) - (side * R)[:, None] * b.n
    w = hit - b.v0
    d20 = (w * b.ab).sum(-1)
    d21 = (w * b.ac).sum(-1)
    bv = (b.d11 * d20 - b.d01 * d21) * b.inv
    bw = (b.d00 * d21 - b.d01 * d20) * b.inv
    in_tri = (bv >= -1e-9) & (bw >= -1e-9) & (bv + bw <= 1 + 1e-9)
    t_face = np.where(appr & in_tri & (np.abs(dn) > 0.5 * R), t_face, np.inf)  # deeper overlaps: edges/vertices
    n_face = b.n * side[:, None]
    # edges: infinite cylinders of radius R around the edge lines, restricted to the segment
    me = c - b.ea  # [K,3,3]
    el = np.sqrt(np.maximum(b.eel, _EPS))
    eh = b.ee / el[..., None]
    mp = me - (me * eh).sum(-1)[..., None] * eh
    A = 1.0 - eh[..., 1] ** 2
    B = sign * mp[..., 1]
    C = (mp**2).sum(-1) - R * R
    disc = B * B - A * C
    okq = (A > 1e-9) & (disc >= 0) & (B < 0)
    t_e = (-B - np.sqrt(np.maximum(disc, 0))) / np.where(A > 1e-9, A, 1.0)
    pos = c + t_e[..., None] * np.array([0.0, sign, 0.0])
    sp = ((pos - b.ea) * eh).sum(-1) / el
    okq &= (sp >= 0) & (sp <= 1)
    t_e = np.where(okq, t_e, np.inf)
    # vertices
    mv = c - b.verts  # [K,3,3]
    Bv = sign * mv[..., 1]
    Cv = (mv**2).sum(-1) - R * R
    discv = Bv * Bv - Cv
    t_v = np.where((discv >= 0) & (Bv < 0), -Bv - np.sqrt(np.maximum(discv, 0)), np.inf)
    allt = np.concatenate([t_face[:, None], t_e, t_v], 1)  # [K,7]
    j = allt.argmin(1)
    t = allt[np.arange(K), j]
    # contact normal: centre at contact minus the closest feature point
    cen = c + np.outer(np.where(np.isfinite(t), np.maximum(t, 0), 0), [0.0, sign, 0.0])
    ke = np.clip(j - 1, 0, 2)
    kv = np.clip(j - 4, 0, 2)
    ar = np.arange(K)
    sp_sel = np.clip(((cen - b.ea[ar, ke]) * eh[ar, ke]).sum(-1) / el[ar, ke], 0, 1)
    q_edge = b.ea[ar, ke] + (sp_sel * el[ar, ke])[:, None] * eh[ar, ke]
    q_vert = b.verts[ar, kv]
    nq = cen - np.where((j == 0)[:, None], cen - R * n_face, np.where((j < 4)[:, None], q_edge, q_vert))
    nrm = nq / np.maximum(np.linalg.norm(nq, axis=1), _EPS)[:, None]
    t = np.where(t < -R, np.inf, np.maximum(t, 0.0))
    t = np.where(t <= dist, t, np.inf)
    return t, nrm


# ---------------------------------------------------------------------- dispatch
def _np_segment_contacts(ax, ay, az, L, R, ids, V, N, out_d, out_n, out_id, _grid=None):
    b = _grid.all.take(ids)
    d, n = segment_triangle(np.array([ax, ay, az]), L, b)
    m = np.nonzero(d < R)[0]
    k = len(m)
    out_d[:k], out_n[:k], out_id[:k] = d[m], n[m], ids[m]
    return k


def _np_sweep_vertical(cx, cy, cz, R, sign, dist, ids, V, N, _grid=None):
    b = _grid.all.take(ids)
    t, nrm = sweep_sphere_vertical(np.array([cx, cy, cz]), R, sign, dist, b)
    if len(t) == 0 or not np.isfinite(t.min()):
        return np.inf, 0.0, 0.0, 0.0, 0.0
    k = int(t.argmin())
    ties = t <= t[k] + 1e-6
    return float(t[k]), float(np.abs(b.n[ties, 1]).max()), *map(float, nrm[k])


def kernels(prefer_compiled: bool = True):
    """``(segment_contacts, sweep_vertical, compiled)``: the numba kernels when numba is installed
    (and ``prefer_compiled``), else numpy equivalents with the same signature (pass ``_grid=``)."""
    if prefer_compiled:
        try:
            from . import _capsule_jit as J

            return J.segment_contacts, J.sweep_vertical, True
        except ImportError:  # pragma: no cover - numba is part of the physics extra
            pass
    return _np_segment_contacts, _np_sweep_vertical, False
