"""A coloured triangle mesh for engines or LODs without splat support.

The collider's surface is coloured per vertex from the nearest visible splats (opacity-weighted average of
the k nearest splat colours), then written as a GLB with COLOR_0.
"""

from __future__ import annotations

import numpy as np

from ..core.colour import to_uint8


def vertex_colors_from_splats(vertices: np.ndarray, splats, k: int = 8, min_opacity: float = 0.2) -> np.ndarray:
    """RGBA uint8 per vertex from the k nearest splats (inverse-distance and opacity weighted)."""
    from scipy.spatial import cKDTree

    op = splats.opacities.detach().cpu().numpy()
    keep = op >= min_opacity
    if splats.labels is not None:
        from ..core.labels import LABEL_IDS

        keep &= splats.labels.cpu().numpy() != LABEL_IDS["sky"]
    means = splats.means.detach().cpu().numpy()[keep]
    cols = splats.colors.detach().cpu().numpy()[keep]
    if len(means) == 0:
        return np.full((len(vertices), 4), 200, np.uint8)
    k = min(k, len(means))
    dist, idx = cKDTree(means).query(vertices, k=k)
    if k == 1:
        dist, idx = dist[:, None], idx[:, None]
    w = op[keep][idx] / (dist + 1e-3)
    rgb = (cols[idx] * w[..., None]).sum(1) / w.sum(1, keepdims=True)
    out = np.empty((len(vertices), 4), np.uint8)
    out[:, :3] = to_uint8(rgb)
    out[:, 3] = 255
    return out


def visual_mesh(collider, splats):
    """Copy of ``collider`` with per-vertex colours sampled from ``splats``."""
    import trimesh

    m = trimesh.Trimesh(collider.vertices.copy(), collider.faces.copy(), process=False)
    m.visual = trimesh.visual.ColorVisuals(m, vertex_colors=vertex_colors_from_splats(m.vertices, splats))
    return m
