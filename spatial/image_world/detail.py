"""Near-field detail for the generated world beyond a photo.

The generator's draft budget builds a street's road and facades from splats of 0.5-2.6 m: seen from
2 m each covers tens of pixels and renders as a smooth blob, so the continuation looks like flat
filler next to the photo's own grain. :func:`subdivide_near` splits such splats, 2 x 2 at a time over
their two largest axes (a deterministic form of 3DGS's "split"), until they look small from near the
spawn, so the texture laid on afterwards (:func:`spatial.image_world.beyond.transfer_texture`) has one
colour per few pixels, not per blob."""

from __future__ import annotations

import numpy as np
import torch

from ..core.rotation import normalize_quat, quat_to_rotmat
from ..core.splats import Splats


def angular_size(splats: Splats, eye: np.ndarray, reach: float = 0.0) -> np.ndarray:
    """Angle (radians) each splat's +-2 sigma extent along its largest axis subtends, seen from the nearest
    point of a level disc of radius ``reach`` around ``eye`` (where a visitor stands in the first steps);
    the distance is to the splat's near edge (its centre minus 2 sigma), at least 0.25 m."""
    s = splats.scales.double().numpy().max(1)
    off = splats.means.double().numpy() - np.asarray(eye, float)
    horiz = np.maximum(np.hypot(off[:, 0], off[:, 2]) - reach, 0.0)
    d = np.hypot(horiz, off[:, 1])
    return 4.0 * s / np.maximum(d - 2.0 * s, 0.25)


def _split_2x2(splats: Splats, idx: np.ndarray) -> Splats:
    """The 4 children of each splat ``idx``: centres at +-sigma/2 of its two largest axes, those two sigmas
    halved (a grid of half the spacing at each level), everything else as the parent's."""
    t = torch.from_numpy(idx)
    sig = splats.scales[t].double()
    order = torch.argsort(sig, dim=1, descending=True)
    a1, a2 = order[:, 0], order[:, 1]
    rot = quat_to_rotmat(normalize_quat(splats.quats[t].double()))
    ar = torch.arange(len(idx))
    ax1 = rot[ar, :, a1] * sig[ar, a1][:, None]
    ax2 = rot[ar, :, a2] * sig[ar, a2][:, None]
    gu = torch.tensor([-0.5, -0.5, 0.5, 0.5], dtype=torch.float64)
    gv = torch.tensor([-0.5, 0.5, -0.5, 0.5], dtype=torch.float64)
    means = splats.means[t].double()[:, None] + gu[None, :, None] * ax1[:, None] + gv[None, :, None] * ax2[:, None]
    ls = splats.log_scales[t].double().clone()
    ls[ar, a1] -= float(np.log(2.0))
    ls[ar, a2] -= float(np.log(2.0))
    return Splats(
        means.reshape(-1, 3).to(splats.means.dtype),
        splats.quats[t].repeat_interleave(4, 0),
        ls.to(splats.log_scales.dtype).repeat_interleave(4, 0),
        splats.logit_opacities[t].repeat_interleave(4, 0),
        splats.sh[t].repeat_interleave(4, 0),
        None if splats.labels is None else splats.labels[t].repeat_interleave(4, 0),
    )


def subdivide_near(splats: Splats, select: np.ndarray, eye, max_angle: float = 0.012, max_new: int = 60_000,
                   reach: float = 0.0, max_rounds: int = 40) -> tuple[Splats, np.ndarray]:
    """Split ``splats[select]`` that look larger than ``max_angle`` from ``eye`` (or from anywhere within
    ``reach`` metres of it, level), level by level, into 2 x 2 children (:func:`_split_2x2`) until every
    piece looks small enough or ``max_new`` splats have been added. Greedy, largest first: each round
    splits the pieces that look at least half as large as the largest one, so a budget that runs out leaves the far pieces coarse, never the near ones. A quadtree
    in the splat's own plane: only the part of a big ground or wall splat near the eye ends up fine, so
    the cost grows with the log of the distance range, not its square. Returns the new set and, per
    splat, the index of the ``splats`` entry it came from."""
    n = len(splats)
    src = np.arange(n)
    if n == 0 or not np.any(select) or max_new <= 0:
        return splats, src
    eye = np.asarray(eye, float)
    sel = np.asarray(select, bool).copy()
    added = 0
    for _ in range(max_rounds):
        ang = np.where(sel, angular_size(splats, eye, reach), 0.0)
        top = float(ang.max())
        room = int(max_new - added) // 3
        if top <= max_angle or room <= 0:
            break
        # largest-looking first: this round splits what looks at least half as large as the largest
        cand = np.nonzero(ang > max(max_angle, 0.5 * top))[0]
        cand = cand[np.argsort(-ang[cand], kind="stable")][:room]
        kids = _split_2x2(splats, cand)
        keep = np.ones(len(splats), bool)
        keep[cand] = False
        splats = Splats.concat([splats[torch.from_numpy(keep)], kids])
        src = np.concatenate([src[keep], np.repeat(src[cand], 4)])
        sel = np.concatenate([sel[keep], np.ones(len(kids), bool)])
        added += 3 * len(cand)
    return splats, src
