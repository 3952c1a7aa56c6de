"""The *collider* stage: the exact collision mesh of a generated world."""

from __future__ import annotations

import numpy as np

from .mesh import Part, merge


def make_collider(parts: list[Part]):
    """The exact collider: every collider-flagged part's triangles, concatenated (no re-estimation)."""
    import trimesh

    cols = [p for p in parts if p.collider and len(p.faces)]
    if not cols:
        return None
    m = merge(cols)
    return trimesh.Trimesh(vertices=m.vertices.astype(np.float64), faces=m.faces.astype(np.int64), process=False)

