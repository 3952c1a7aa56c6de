"""Surface samples of splats: the points (and weights) that colliders and height fields are built from.

Both :mod:`spatial.physics.collider` (voxel grid -> marching cubes) and :mod:`spatial.physics.heightfield`
(top surface per cell) start from the same samples, so they live here, below both.
"""

from __future__ import annotations

import numpy as np

from ..core.labels import LABEL_IDS
from ..core.rotation import quat_to_rotmat_np
from .errors import NoSurfaceError

__all__ = ["surface_samples", "EXCLUDED_LABELS", "FOOTPRINT_SIGMA"]

EXCLUDED_LABELS = (LABEL_IDS["sky"], LABEL_IDS["particles"])
FOOTPRINT_SIGMA = 1.75  # a splat covers its surface out to this many sigmas (in its two wide axes)


def as_numpy(t):
    return t.detach().cpu().numpy() if hasattr(t, "detach") else np.asarray(t)


def surface_samples(splats, min_opacity: float = 0.3, max_splat_size: float = 2.0, sample_spacing: float | None = None,
                    report=None):
    """Points (and weights) on the opaque surfaces of ``splats``: one per splat centre plus, for splats
    wider than ``sample_spacing``, extra samples over their elliptical footprint (within 1.75 sigma).
    Raises :class:`NoSurfaceError` when nothing usable is left. ``report`` (a
    :class:`~spatial.physics.collider.ColliderReport`) gets the splat counts."""
    n = len(splats)
    if n == 0:
        raise NoSurfaceError("no splats: the world is empty, there is no surface to build a collider from")
    means = as_numpy(splats.means).astype(np.float64)
    op = as_numpy(splats.opacities).astype(np.float64)
    sc = as_numpy(splats.scales).astype(np.float64)
    finite = np.isfinite(means).all(1) & np.isfinite(op) & np.isfinite(sc).all(1)
    if not finite.any():
        raise NoSurfaceError(f"all {n} splats have non-finite (NaN/inf) positions, opacities or scales")
    opaque = finite & (op >= min_opacity)
    if not opaque.any():
        raise NoSurfaceError(f"all {n} splats are (nearly) transparent: max opacity {op[finite].max():.3g} < "
                             f"min_opacity {min_opacity}")
    keep = opaque & (sc.max(1) <= max_splat_size)
    if splats.labels is not None:
        keep &= ~np.isin(as_numpy(splats.labels), EXCLUDED_LABELS)
    if not keep.any():
        raise NoSurfaceError("no splat is usable for a collider (only sky/particle labels or huge background splats)")
    if report is not None:
        report.splats_in = n
        report.dropped_nonfinite = int((~finite).sum())
        report.dropped_transparent = int((finite & ~opaque).sum())
        report.dropped_other = int((opaque & ~keep).sum())
        report.splats_used = int(keep.sum())
    pts, w = means[keep], op[keep]
    if sample_spacing:
        sck = sc[keep]
        order = np.argsort(sck, axis=1)
        # footprints only for splats wider than a voxel (2 * sample_spacing): denser splats close the
        # surface by themselves, and sampling them would multiply the work
        wide = FOOTPRINT_SIGMA * np.take_along_axis(sck, order[:, 2:], 1)[:, 0] > 2 * sample_spacing
        if wide.any():
            idx = np.nonzero(wide)[0][:500_000]
            rot = quat_to_rotmat_np(as_numpy(splats.quats)[np.nonzero(keep)[0][idx]].astype(np.float64))
            o = order[idx]
            ax1 = np.take_along_axis(rot, o[:, None, 2:3].repeat(3, 1), 2)[..., 0] * np.take_along_axis(sck[idx], o[:, 2:3], 1)
            ax2 = np.take_along_axis(rot, o[:, None, 1:2].repeat(3, 1), 2)[..., 0] * np.take_along_axis(sck[idx], o[:, 1:2], 1)
            k = np.clip(np.ceil(2 * FOOTPRINT_SIGMA * sck[idx].max(1) / sample_spacing), 3, 9).astype(int) // 2 * 2 + 1
            extra_p, extra_w = [], []
            for kk in np.unique(k):
                sel = np.nonzero(k == kk)[0]
                g = np.linspace(-FOOTPRINT_SIGMA, FOOTPRINT_SIGMA, kk)
                u, v = [a.ravel() for a in np.meshgrid(g, g)]
                inside = u * u + v * v <= FOOTPRINT_SIGMA**2 + 1e-9
                u, v = u[inside], v[inside]
                p = pts[idx[sel]][:, None] + u[None, :, None] * ax1[sel][:, None] + v[None, :, None] * ax2[sel][:, None]
                extra_p.append(p.reshape(-1, 3))
                extra_w.append(np.repeat(w[idx[sel]], len(u)))
            pts = np.concatenate([pts] + extra_p)
            w = np.concatenate([w] + extra_w)
    return pts, w
