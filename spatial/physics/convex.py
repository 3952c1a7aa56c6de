"""Convex decomposition of movable props (CoACD), for dynamic rigid bodies and engine exports.

Static worlds stay one concave triangle mesh (never decompose terrain: slow and pointless); only
props that move get hulls. Rock-like props are best served by one convex hull
(:func:`convex_hull_of_points`); concave props (chairs, arches, rooms) by CoACD parts.
"""

from __future__ import annotations

import numpy as np

from ..errors import ValidationError
from .errors import EmptyColliderError

__all__ = ["convex_decomposition", "convex_hull_of_points"]


def convex_hull_of_points(points, max_vertices: int = 255):
    """Convex hull mesh of ``points`` [N,3] (at most ``max_vertices`` hull vertices, as engines require)."""
    import trimesh
    from scipy.spatial import ConvexHull, QhullError

    p = np.asarray(points, np.float64)
    p = p[np.isfinite(p).all(1)]
    if len(p) < 4:
        raise EmptyColliderError(f"need at least 4 finite points for a convex hull, got {len(p)}")
    try:
        hull = ConvexHull(p)
    except QhullError as e:
        raise EmptyColliderError(f"points are degenerate (flat or collinear): {str(e).splitlines()[0]}") from None
    v = p[hull.vertices]
    if len(v) > max_vertices:  # keep extreme points along many directions
        rng = np.random.default_rng(0)
        dirs = rng.normal(size=(max_vertices * 4, 3))
        idx = (v @ dirs.T).argmax(0)
        _, first = np.unique(idx, return_index=True)
        v = v[idx[np.sort(first)][:max_vertices]]  # first distinct extremes: unbiased (not by index order)
    return trimesh.convex.convex_hull(v)


def convex_decomposition(mesh, threshold: float = 0.05, max_hulls: int = 16, max_hull_vertices: int = 64,
                         preprocess_resolution: int = 50, seed: int = 0) -> list:
    """Approximate ``mesh`` by convex parts with CoACD (``threshold`` = concavity tolerance, 0.05-0.1).

    Returns a list of convex ``trimesh.Trimesh`` (at most ``max_hulls``, each with at most
    ``max_hull_vertices`` vertices). Expect seconds to tens of seconds per object on 2 cores: run it
    offline or in a worker and cache by mesh hash."""
    import coacd
    import trimesh

    if mesh is None or len(getattr(mesh, "faces", [])) == 0:
        raise EmptyColliderError("cannot decompose an empty mesh")
    if not 0 < threshold <= 1:
        raise ValidationError(f"threshold must be in (0, 1], got {threshold}")
    coacd.set_log_level("error")
    parts = coacd.run_coacd(
        coacd.Mesh(np.asarray(mesh.vertices, np.float64), np.asarray(mesh.faces, np.int32)),
        threshold=threshold, max_convex_hull=int(max_hulls), preprocess_mode="auto",
        preprocess_resolution=int(preprocess_resolution), max_ch_vertex=int(max_hull_vertices), seed=int(seed),
    )
    return [trimesh.Trimesh(np.asarray(v), np.asarray(f), process=True) for v, f in parts]
