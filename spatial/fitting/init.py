"""Initial splats for fitting: from sparse SfM points (3DGS) or random inside the cameras' view.

* :func:`splats_from_points` puts one isotropic splat on each point, sigma = mean distance to its 3
  nearest neighbours (x ``init_scale``), opacity ``init_opacity``, colour from the point colour.
* :func:`random_splats_in_view` samples points uniformly in a box around the scene
  (gsplat's ``init_type="random"``) or, when ``views`` are given, on camera rays at random depths
  with the colour of the pixel they come from.
"""

from __future__ import annotations

import numpy as np
import torch

from ..core import sh as _sh
from ..core.splats import Splats


def knn_mean_distance(points: torch.Tensor, k: int = 3) -> torch.Tensor:
    """Mean distance of each point to its ``k`` nearest other points ([N]; scipy's k-d tree)."""
    from scipy.spatial import cKDTree

    n = points.shape[0]
    if n <= 1:
        return torch.ones(n)
    p = points.double().numpy()
    d, _ = cKDTree(p).query(p, k=min(k + 1, n))
    return torch.as_tensor(d[:, 1:].mean(1), dtype=torch.float32)


def splats_from_points(points, colors=None, sh_degree: int = 3, init_opacity: float = 0.1, init_scale: float = 1.0,
                       max_points: int | None = None, generator: torch.Generator | None = None) -> Splats:
    """One splat per point (``points`` [P,3] world frame, ``colors`` [P,3] uint8 or float in [0,1])."""
    pts = torch.as_tensor(np.asarray(points), dtype=torch.float32)
    if colors is None:
        cols = torch.full((len(pts), 3), 0.5)
    else:
        c = np.asarray(colors)
        cols = torch.as_tensor(c.astype(np.float32) / (255.0 if c.dtype == np.uint8 else 1.0))
    if max_points is not None and len(pts) > max_points:
        idx = torch.randperm(len(pts), generator=generator)[:max_points]
        pts, cols = pts[idx], cols[idx]
    dist = knn_mean_distance(pts).clamp_min(1e-7) * init_scale
    n = len(pts)
    quats = torch.zeros(n, 4)
    quats[:, 0] = 1
    sh = torch.zeros(n, _sh.num_coeffs(sh_degree), 3)
    sh[:, 0] = _sh.rgb_to_sh(cols)
    return Splats(pts, quats, torch.log(dist)[:, None].repeat(1, 3), torch.full((n,), float(torch.logit(torch.tensor(init_opacity)))), sh)


def random_splats_in_box(n: int, center, extent: float, sh_degree: int = 3, init_opacity: float = 0.1,
                         generator: torch.Generator | None = None) -> Splats:
    """``n`` splats uniform in the cube ``center +- extent`` with random colours."""
    c = torch.as_tensor(np.asarray(center, np.float32))
    pts = c + (torch.rand(n, 3, generator=generator) * 2 - 1) * extent
    cols = torch.rand(n, 3, generator=generator)
    return splats_from_points(pts.numpy(), cols.numpy(), sh_degree, init_opacity, generator=generator)


def splats_from_views(views, n: int, depth_range: tuple[float, float], sh_degree: int = 3, init_opacity: float = 0.1,
                      generator: torch.Generator | None = None) -> Splats:
    """``n`` splats on random pixel rays of ``views`` (list of :class:`~spatial.datasets.dataset.View`)
    at depths uniform in ``depth_range`` (camera z), coloured by their pixel."""
    per = [n // len(views) + (1 if i < n % len(views) else 0) for i in range(len(views))]
    pts, cols = [], []
    for v, m in zip(views, per):
        if m == 0:
            continue
        c = v.camera
        j = torch.rand(m, generator=generator) * c.width
        i = torch.rand(m, generator=generator) * c.height
        z = depth_range[0] + torch.rand(m, generator=generator) * (depth_range[1] - depth_range[0])
        xc = torch.stack([(j - c.cx) / c.fx * z, (i - c.cy) / c.fy * z, z], -1).double()
        c2w = torch.linalg.inv(c.viewmat.double())
        pts.append((xc @ c2w[:3, :3].T + c2w[:3, 3]).float())
        img = torch.as_tensor(v.image)
        cols.append(img[i.long().clamp_max(c.height - 1), j.long().clamp_max(c.width - 1)].float() / 255)
    return splats_from_points(torch.cat(pts).numpy(), torch.cat(cols).numpy(), sh_degree, init_opacity, generator=generator)
