"""Convex pieces for engines that want them (Unreal UCX_, Godot -convcolonly, Unity convex MeshCollider).

Each connected component of the collider becomes convex hulls with at most ``max_faces`` triangles
(Unity's convex MeshCollider limit is 255): a hull with V vertices has at most 2V - 4 faces, so hull
vertices are thinned by farthest-point sampling to ``max_faces // 2 + 2``. Large components (terrain,
floors) are cut into square tiles first; each tile becomes the hull of its triangles plus a copy pushed
``thickness`` metres down (a slab). Pieces approximate; the static concave collider stays exact.
"""

from __future__ import annotations

import numpy as np


def _farthest_points(points: np.ndarray, k: int) -> np.ndarray:
    if len(points) <= k:
        return points
    chosen = [int(np.argmax(np.linalg.norm(points - points.mean(0), axis=1)))]
    d = np.linalg.norm(points - points[chosen[0]], axis=1)
    for _ in range(k - 1):
        i = int(np.argmax(d))
        chosen.append(i)
        d = np.minimum(d, np.linalg.norm(points - points[i], axis=1))
    return points[chosen]


def hull_with_budget(points: np.ndarray, max_faces: int = 255):
    """Convex hull of ``points`` with at most ``max_faces`` triangles (None when degenerate)."""
    import trimesh
    from scipy.spatial import ConvexHull, QhullError

    pts = np.unique(np.asarray(points, dtype=np.float64).round(6), axis=0)
    if len(pts) < 4:
        return None
    try:
        hull_pts = pts[ConvexHull(pts).vertices]
    except QhullError:
        return None
    hull_pts = _farthest_points(hull_pts, max(4, max_faces // 2 + 2))
    try:
        h = ConvexHull(hull_pts)
    except QhullError:
        return None
    mesh = trimesh.Trimesh(hull_pts, h.simplices, process=True)
    mesh.fix_normals()
    if len(mesh.faces) > max_faces or mesh.volume <= 1e-9:
        return None
    return mesh


def convex_pieces(collider, max_faces: int = 255, tile: float = 8.0, thickness: float = 0.5, max_pieces: int = 2048) -> list:
    """Convex meshes approximating ``collider`` (a trimesh.Trimesh), each <= ``max_faces`` triangles."""
    if collider is None or len(collider.faces) == 0:
        return []
    pieces = []
    for comp in collider.split(only_watertight=False):
        ext = comp.extents
        if max(ext[0], ext[2]) <= tile:
            pts = comp.vertices
            if ext[1] < 0.05:  # flat piece: give it thickness so the hull has volume
                pts = np.vstack([pts, pts - [0, thickness, 0]])
            h = hull_with_budget(pts, max_faces)
            if h is not None:
                pieces.append(h)
        else:
            centres = comp.triangles_center
            keys = np.floor(centres[:, [0, 2]] / tile).astype(np.int64)
            order = np.lexsort((keys[:, 1], keys[:, 0]))
            keys_sorted = keys[order]
            splits = np.nonzero(np.any(np.diff(keys_sorted, axis=0) != 0, axis=1))[0] + 1
            for group in np.split(order, splits):
                tri = comp.triangles[group].reshape(-1, 3)
                h = hull_with_budget(np.vstack([tri, tri - [0, thickness, 0]]), max_faces)
                if h is not None:
                    pieces.append(h)
        if len(pieces) >= max_pieces:
            break
    return pieces[:max_pieces]
