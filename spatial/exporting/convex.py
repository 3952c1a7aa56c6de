"""Convex pieces for engines that want them (Unreal UCX_, Godot -convcolonly, Unity convex MeshCollider).

Each connected component of the collider becomes convex hulls with at most ``max_faces`` triangles
(Unity's convex MeshCollider limit is 255): a hull with V vertices has at most 2V - 4 faces, so hull
vertices are thinned to ``max_faces // 2 + 2`` extreme points (``spatial.physics.convex_hull_of_points``). Large components (terrain,
floors) are cut into square tiles first; each tile becomes the hull of its triangles plus a copy pushed
``thickness`` metres down (a slab). Pieces approximate; the static concave collider stays exact.
"""

from __future__ import annotations

import numpy as np


def hull_with_budget(points: np.ndarray, max_faces: int = 255):
    """Convex hull of ``points`` with at most ``max_faces`` triangles (None when degenerate)."""
    from ..physics.convex import convex_hull_of_points
    from ..physics.errors import EmptyColliderError

    try:  # a hull with V vertices has at most 2V - 4 faces
        mesh = convex_hull_of_points(points, max_vertices=max(4, max_faces // 2 + 2))
    except EmptyColliderError:
        return None
    if len(mesh.faces) > max_faces or mesh.volume <= 1e-9:
        return None
    return mesh


def convex_pieces(collider, max_faces: int = 255, tile: float = 8.0, thickness: float = 0.5, max_pieces: int = 2048) -> tuple[list, int]:
    """Convex meshes approximating ``collider`` (a trimesh.Trimesh), each <= ``max_faces`` triangles.

    Returns ``(pieces, skipped)``: when there are more than ``max_pieces`` candidates, the largest are
    kept (ground tiles before small props) and ``skipped`` counts the rest."""
    if collider is None or len(collider.faces) == 0:
        return [], 0
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
    if len(pieces) <= max_pieces:
        return pieces, 0
    order = np.argsort([-float(np.prod(np.maximum(p.extents, 1e-3))) for p in pieces], kind="stable")
    keep = sorted(order[:max_pieces])
    return [pieces[i] for i in keep], len(pieces) - max_pieces
