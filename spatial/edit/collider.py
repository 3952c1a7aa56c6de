"""Which collider triangles follow a splat edit.

Generated worlds carry exact procedural colliders (a triangle mesh), so the collider is edited
alongside the splats instead of being rebuilt:

* **region selections** (box, sphere, ray + radius, all): the triangles whose three vertices lie
  inside the region follow the edit (deleted, moved, duplicated). A triangle that only crosses the
  region (a large floor quad under a deleted chair) stays: the collider is never cut open.
* **other selections** (ids, labels, rays without radius, and/or/not): the triangles whose three
  vertices each lie near a selected splat, "near" being within ``max(3 sigma_max, 5 cm)`` of that
  splat's centre (capped at 0.5 m), and whose centroid is closer to a selected splat than to any
  other splat: splats sample the surfaces the collider was built from, so the triangles of a deleted
  object are those surrounded by its splats, while the floor under it (covered by floor splats) stays.

``spatial.physics.collider_from_splats`` (where available) can rebuild a collider from scratch; the
edit path never needs it.
"""

from __future__ import annotations

import numpy as np

from .select import Region, Resolved
from .state import WorldState

NEAR_MIN = 0.05
NEAR_MAX = 0.5
NEAR_SIGMAS = 3.0


def _in_box(p: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Ids of the points inside the axis-aligned box (column-wise; no slow small-axis reductions)."""
    x = p[:, 0]
    idx = np.flatnonzero((x >= lo[0]) & (x <= hi[0]))
    q = p[idx]
    return idx[(q[:, 1] >= lo[1]) & (q[:, 1] <= hi[1]) & (q[:, 2] >= lo[2]) & (q[:, 2] <= hi[2])]


def faces_in_region(vertices: np.ndarray, faces: np.ndarray, region: Region) -> np.ndarray:
    """Sorted ids of the faces with all three vertices inside ``region``."""
    if faces.shape[0] == 0:
        return np.zeros(0, np.int64)
    inside = region.contains(vertices)
    return np.flatnonzero(inside[faces[:, 0]] & inside[faces[:, 1]] & inside[faces[:, 2]]).astype(np.int64)


def faces_near_splats(vertices: np.ndarray, faces: np.ndarray, means: np.ndarray, log_scales: np.ndarray,
                      others: np.ndarray | None = None) -> np.ndarray:
    """Sorted ids of the faces that belong to the given splats: each of the three vertices lies near
    one of them, and the triangle's centroid is closer to them than to any of ``others`` (the
    splats that stay; so a floor triangle under a deleted chair, surrounded by floor splats, stays)."""
    if faces.shape[0] == 0 or means.shape[0] == 0:
        return np.zeros(0, np.int64)
    from scipy.spatial import cKDTree

    radius = np.clip(NEAR_SIGMAS * np.exp(log_scales.max(axis=1)), NEAR_MIN, NEAR_MAX)
    # only vertices inside the selection's padded bounding box can qualify
    lo = means.min(0) - NEAR_MAX
    hi = means.max(0) + NEAR_MAX
    near = np.zeros(vertices.shape[0], bool)
    vi = _in_box(vertices, lo, hi)
    if vi.size == 0:
        return np.zeros(0, np.int64)
    tree = cKDTree(means.astype(np.float64))
    dist, j = tree.query(vertices[vi], k=1, distance_upper_bound=NEAR_MAX)
    ok = np.isfinite(dist)
    ok[ok] = dist[ok] <= radius[j[ok]]
    near[vi[ok]] = True
    fids = np.flatnonzero(near[faces[:, 0]] & near[faces[:, 1]] & near[faces[:, 2]]).astype(np.int64)
    if fids.size and others is not None and others.shape[0]:
        cen = vertices[faces[fids]].mean(axis=1)
        d_sel, _ = tree.query(cen, k=1)
        d_oth, _ = cKDTree(others.astype(np.float64)).query(cen, k=1)
        fids = fids[d_sel <= d_oth]
    return fids


def collider_faces_for(state: WorldState, sel: Resolved) -> np.ndarray:
    """The collider faces that follow an edit of the selected splats."""
    v, f = state.collider_vertices, state.collider_faces
    if f.shape[0] == 0:
        return np.zeros(0, np.int64)
    if sel.region is not None:
        return faces_in_region(v, f, sel.region)
    t = state.table
    means = t.col("means")
    sm = means[sel.ids]
    lo, hi = sm.min(0) - NEAR_MAX, sm.max(0) + NEAR_MAX
    box = np.zeros(means.shape[0], bool)
    box[_in_box(means, lo, hi)] = True
    box[sel.ids] = False
    return faces_near_splats(v, f, sm, t.col("log_scales")[sel.ids], means[box])


def sub_mesh(vertices: np.ndarray, faces: np.ndarray, face_ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The faces ``face_ids`` as a standalone (vertices, faces) pair, unused vertices dropped."""
    sel = faces[face_ids]
    used, inv = np.unique(sel.reshape(-1), return_inverse=True)
    return vertices[used].astype(np.float64), inv.reshape(-1, 3).astype(np.int64)
