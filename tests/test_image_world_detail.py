"""Near-field detail (spatial.image_world.detail) and the soft colour clip it relies on."""

from __future__ import annotations

import numpy as np
import torch

from spatial.core.colour import soft_clip
from spatial.core.splats import Splats
from spatial.image_world.detail import angular_size, subdivide_near
from spatial.rendering import render
from spatial.core.camera import Camera


def _ground(n: int = 6, sigma: float = 0.6, opacity: float = 0.99) -> Splats:
    """Flat ground splats (thin in y) on a line running away from the origin along -z."""
    z = -np.arange(1, n + 1, dtype=np.float32) * 2 * sigma
    means = np.stack([np.zeros(n), np.zeros(n), z], 1)
    return Splats.from_activated(means, np.tile([1.0, 0, 0, 0], (n, 1)), np.tile([sigma, 0.002, sigma], (n, 1)),
                                 np.full(n, opacity), np.tile([0.4, 0.5, 0.6], (n, 1)))


def test_soft_clip_is_monotone_continuous_and_bounded():
    x = np.linspace(-50, 150, 20001)
    y = soft_clip(x, 0.0, 100.0, 12.0)
    assert np.all(np.diff(y) > 0)  # strictly increasing: nothing collapses onto one level
    assert y.min() > 0 and y.max() < 100
    mid = (x >= 12) & (x <= 88)
    assert np.allclose(y[mid], x[mid])
    assert np.max(np.abs(np.diff(y))) < 1.01 * (x[1] - x[0])  # slope never above 1: continuous, no jump


def test_subdivide_splits_near_pieces_first_and_keeps_coverage():
    sp = _ground()
    eye = np.array([0.0, 1.6, 0.0])
    before = angular_size(sp, eye)
    out, src = subdivide_near(sp, np.ones(len(sp), bool), eye, max_angle=0.05, max_new=3000)
    assert len(out) > len(sp) and len(src) == len(out)
    assert len(out) - len(sp) <= 3000
    # every piece points at its parent, and the labels/colours/opacities it carries are the parent's
    assert set(np.unique(src)) <= set(range(len(sp)))
    assert torch.allclose(out.sh[:, 0], sp.sh[torch.from_numpy(src), 0])
    # the nearest parent is split the most (greedy, largest-looking first)
    counts = np.bincount(src, minlength=len(sp))
    assert counts[np.argmax(before)] == counts.max() and counts[np.argmax(before)] > counts[np.argmin(before)]
    # a budget that runs out leaves the far pieces coarse, never the near ones
    small, ssrc = subdivide_near(sp, np.ones(len(sp), bool), eye, max_angle=0.05, max_new=15)
    c = np.bincount(ssrc, minlength=len(sp))
    assert c[np.argmax(before)] > 1 and c[np.argmin(before)] == 1
    # children stay inside the parent's 1-sigma square and on its plane
    p, par = out.means.numpy(), sp.means.numpy()[src]
    assert np.all(np.abs(p - par)[:, [0, 2]] <= 0.6 + 1e-5) and np.allclose(p[:, 1], 0.0, atol=1e-6)
    # a camera looking down at the ground sees the same coverage and mean colour as before
    cam = Camera.look_at((0.0, 1.6, 0.5), (0.0, 0.0, -3.0), width=96, height=72, fov_y_deg=70.0)
    with torch.no_grad():
        a, b = render(sp, cam), render(out, cam)
    assert abs(float(a.alpha.mean()) - float(b.alpha.mean())) < 0.05
    cover = a.alpha[0, ..., 0] > 0.9
    colour = [(o.rgb[0] / o.alpha[0].clamp_min(1e-6))[cover].mean(0) for o in (a, b)]  # un-premultiplied
    assert torch.allclose(colour[0], torch.tensor([0.4, 0.5, 0.6]), atol=0.01)
    assert torch.allclose(colour[1], colour[0], atol=0.01)


def test_subdivide_respects_selection_and_zero_budget():
    sp = _ground()
    sel = np.zeros(len(sp), bool)
    out, src = subdivide_near(sp, sel, (0.0, 1.6, 0.0))
    assert len(out) == len(sp) and np.array_equal(src, np.arange(len(sp)))
    out, _ = subdivide_near(sp, np.ones(len(sp), bool), (0.0, 1.6, 0.0), max_new=0)
    assert len(out) == len(sp)
    sel[3] = True
    out, src = subdivide_near(sp, sel, (0.0, 1.6, 0.0), max_new=400)
    assert set(np.nonzero(np.bincount(src) > 1)[0]) == {3}
