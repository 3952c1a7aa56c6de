"""Ray picking of splats (what the user clicked on).

Self-contained (numpy only) so the edit layer does not depend on the physics layer's raycaster:
the physics engineer's ``spatial.physics`` ray casts against the *collider*; a pick must hit the
*splats* the user sees, including objects that have no collider.

A splat is hit when the ray passes within ``k`` standard deviations of its centre in the Gaussian's
own metric (the ray's closest approach in Mahalanobis distance) and the Gaussian's alpha at that
point, ``opacity * exp(-d^2/2)``, is at least ``min_opacity``. Among hits the one whose
closest-approach point is nearest along the ray wins. Candidates are first culled with a bounding
sphere of radius ``k * max(sigma)``, so the exact test runs on few splats.
"""

from __future__ import annotations

import numpy as np

from .state import WorldState


def _quat_rows_to_mats(q: np.ndarray) -> np.ndarray:
    q = q / np.maximum(np.linalg.norm(q, axis=1, keepdims=True), 1e-12)
    w, x, y, z = q.T
    return np.stack([
        np.stack([1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y)], -1),
        np.stack([2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x)], -1),
        np.stack([2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y)], -1),
    ], -2)


def pick_splat(state: WorldState, origin, direction, max_distance: float | None = None,
               min_opacity: float = 0.1, k: float = 3.0) -> dict | None:
    """The first splat hit by the ray, as ``{"id", "t", "point", "alpha"}``, or None.

    ``origin``/``direction`` are in world coordinates (direction need not be unit); ``t`` is the
    distance along the unit ray to the closest-approach point, which is ``point``.
    """
    o = np.asarray(origin, np.float64).reshape(3)
    d = np.asarray(direction, np.float64).reshape(3)
    d = d / max(np.linalg.norm(d), 1e-30)
    t_tab = state.table
    means = t_tab.col("means")
    if means.shape[0] == 0:
        return None
    log_s = t_tab.col("log_scales")
    # bounding-sphere cull in float32 over all splats (vectorized, O(N))
    rel = means - o.astype(np.float32)
    t_c = rel @ d.astype(np.float32)
    r_max = k * np.exp(log_s.max(axis=1))
    perp2 = np.einsum("ij,ij->i", rel, rel) - t_c * t_c
    cand = (perp2 <= r_max * r_max) & (t_c >= -r_max)
    if max_distance is not None:
        cand &= t_c <= max_distance + r_max
    op_logit_min = np.log(min_opacity / (1 - min_opacity)) if 0 < min_opacity < 1 else -np.inf
    if min_opacity > 0:
        cand &= t_tab.col("logit_opacities") >= op_logit_min
    idx = np.flatnonzero(cand)
    if idx.size == 0:
        return None
    # exact Mahalanobis closest approach on the candidates (float64)
    r = _quat_rows_to_mats(t_tab.col("quats")[idx].astype(np.float64))
    inv_s = np.exp(-t_tab.col("log_scales")[idx].astype(np.float64))
    o_l = np.einsum("nji,nj->ni", r, o[None] - means[idx].astype(np.float64)) * inv_s
    d_l = np.einsum("nji,j->ni", r, d) * inv_s
    dd = np.maximum(np.einsum("ni,ni->n", d_l, d_l), 1e-30)
    od = np.einsum("ni,ni->n", o_l, d_l)
    t_star = -od / dd
    m2 = np.maximum(np.einsum("ni,ni->n", o_l, o_l) - od * od / dd, 0.0)
    alpha = 1.0 / (1.0 + np.exp(-t_tab.col("logit_opacities")[idx].astype(np.float64))) * np.exp(-0.5 * m2)
    ok = (m2 <= k * k) & (alpha >= min_opacity) & (t_star >= 0)
    if max_distance is not None:
        ok &= t_star <= max_distance
    if not ok.any():
        return None
    j = np.flatnonzero(ok)[np.argmin(t_star[ok])]
    t = float(t_star[j])
    return {"id": int(idx[j]), "t": t, "point": (o + t * d).tolist(), "alpha": float(alpha[j])}
