"""A triangle soup with precomputed per-triangle data and a uniform XZ-column spatial hash.

:class:`TriangleGrid` is the acceleration structure behind the character controller: it answers
"which triangles may touch this box" with a few array slices, and hands out :class:`TriBatch`
views (triangle data for a candidate subset) that the vectorized kernels in :mod:`.capsule` consume.
Columns are vertical (2D hash over X and Z) because worlds are mostly 2.5D; the Y range is
filtered per query with the triangles' bounding boxes.
"""

from __future__ import annotations

import numpy as np

from ..errors import ValidationError

__all__ = ["TriangleGrid", "TriBatch"]


class TriBatch:
    """Per-triangle arrays for a subset of triangles (all float64).

    ``v0`` [K,3] first vertex; ``ab``, ``ac`` [K,3] edges from v0; ``n`` [K,3] unit normal;
    ``d00, d01, d11, inv`` [K] barycentric helpers; ``ea`` [K,3,3] edge start points (v0,v1,v2);
    ``ee`` [K,3,3] edge vectors (v1-v0, v2-v1, v0-v2); ``eel`` [K,3] squared edge lengths;
    ``verts`` [K,3,3]; ``ids`` [K] triangle indices in the full mesh.
    """

    __slots__ = ("v0", "ab", "ac", "n", "d00", "d01", "d11", "inv", "ea", "ee", "eel", "verts", "ids", "lo", "hi")

    def __len__(self) -> int:
        return len(self.ids)

    def take(self, idx) -> "TriBatch":
        b = TriBatch.__new__(TriBatch)
        for k in TriBatch.__slots__:
            setattr(b, k, getattr(self, k)[idx])
        return b


class TriangleGrid:
    """Triangles of a mesh bucketed into vertical XZ columns of ``cell`` metres."""

    def __init__(self, vertices, faces, cell: float = 1.0):
        v = np.asarray(vertices, np.float64)
        f = np.asarray(faces, np.int64)
        if v.ndim != 2 or v.shape[1] != 3 or f.ndim != 2 or f.shape[1] != 3:
            raise ValidationError("collider must have vertices [V,3] and faces [F,3]")
        if len(f) and (f.min() < 0 or f.max() >= len(v)):
            raise ValidationError("collider faces index missing vertices")
        tri = v[f] if len(f) else np.zeros((0, 3, 3))
        ok = np.isfinite(tri).all(axis=(1, 2))
        ab = tri[:, 1] - tri[:, 0]
        ac = tri[:, 2] - tri[:, 0]
        n = np.cross(ab, ac)
        ln = np.linalg.norm(n, axis=1)
        ok &= ln > 1e-12
        tri, ab, ac, n, ln = tri[ok], ab[ok], ac[ok], n[ok], ln[ok]
        self.face_ids = np.nonzero(ok)[0]
        self.cell = float(cell)
        b = TriBatch.__new__(TriBatch)
        b.v0 = tri[:, 0].copy()
        b.ab, b.ac = ab, ac
        b.n = n / ln[:, None]
        b.d00 = (ab * ab).sum(1)
        b.d01 = (ab * ac).sum(1)
        b.d11 = (ac * ac).sum(1)
        b.inv = 1.0 / (b.d00 * b.d11 - b.d01**2)
        b.ea = tri.copy()
        b.ee = np.roll(tri, -1, axis=1) - tri
        b.eel = (b.ee**2).sum(-1)
        b.verts = tri
        b.ids = np.arange(len(tri))
        b.lo = tri.min(1)
        b.hi = tri.max(1)
        self.all = b
        self._build_hash()

    def __len__(self) -> int:
        return len(self.all)

    def _build_hash(self) -> None:
        b = self.all
        if len(b) == 0:
            self.origin = np.zeros(2)
            self.shape = (1, 1)
            self.starts = np.zeros(2, np.int64)
            self.entries = np.zeros(0, np.int64)
            return
        lo2 = b.lo[:, [0, 2]]
        hi2 = b.hi[:, [0, 2]]
        self.origin = lo2.min(0)
        i0 = np.floor((lo2 - self.origin) / self.cell).astype(np.int64)
        i1 = np.floor((hi2 - self.origin) / self.cell).astype(np.int64)
        self.shape = tuple(int(s) for s in i1.max(0) + 1)
        nx_, nz_ = i1[:, 0] - i0[:, 0] + 1, i1[:, 1] - i0[:, 1] + 1
        cnt = nx_ * nz_
        tid = np.repeat(np.arange(len(b)), cnt)
        k = np.arange(cnt.sum()) - np.repeat(np.cumsum(cnt) - cnt, cnt)
        ix = i0[tid, 0] + k // nz_[tid]
        iz = i0[tid, 1] + k % nz_[tid]
        key = ix * self.shape[1] + iz
        order = np.argsort(key, kind="stable")
        self.entries = tid[order]
        self.starts = np.searchsorted(key[order], np.arange(self.shape[0] * self.shape[1] + 1))

    def query_ids(self, lo, hi) -> np.ndarray:
        """Indices of triangles whose bounding box overlaps the box [lo, hi] (3-vectors)."""
        if len(self.all) == 0:
            return np.zeros(0, np.int64)
        c0 = np.floor((np.array([lo[0], lo[2]]) - self.origin) / self.cell).astype(np.int64)
        c1 = np.floor((np.array([hi[0], hi[2]]) - self.origin) / self.cell).astype(np.int64)
        c0 = np.maximum(c0, 0)
        c1 = np.minimum(c1, np.array(self.shape) - 1)
        if (c1 < c0).any():
            return np.zeros(0, np.int64)
        parts = []
        for ix in range(c0[0], c1[0] + 1):
            s = self.starts[ix * self.shape[1] + c0[1]]
            e = self.starts[ix * self.shape[1] + c1[1] + 1]
            parts.append(self.entries[s:e])
        ids = np.unique(np.concatenate(parts)) if parts else np.zeros(0, np.int64)
        b = self.all
        m = (b.lo[ids] <= hi).all(1) & (b.hi[ids] >= lo).all(1)
        return ids[m]

    def batch(self, lo, hi) -> TriBatch:
        """:class:`TriBatch` of the triangles overlapping the box [lo, hi]."""
        return self.all.take(self.query_ids(np.asarray(lo, float), np.asarray(hi, float)))
