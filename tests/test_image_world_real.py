"""Image -> world on real photos (scikit-image's data folder, the fox capture): depth against the
Middlebury ground truth, photo understanding, and what lies beyond the frame."""

from __future__ import annotations

import numpy as np
import pytest

from image_world_scenes import motorcycle
from spatial.image_world.depth import estimate_depth
from spatial.image_world.metrics import baseline_depths, depth_errors


@pytest.fixture(scope="module")
def moto():
    m = motorcycle()
    if m is None:
        pytest.skip("scikit-image's motorcycle photo is not installed")
    return m


def test_motorcycle_depth_beats_baselines_and_targets(moto):
    """Classical default depth at the standard working size (640 px) vs Middlebury's ground truth."""
    import cv2

    rgb, gt = moto
    small = cv2.resize(rgb, (640, round(rgb.shape[0] * 640 / rgb.shape[1])), interpolation=cv2.INTER_AREA)
    d = estimate_depth(small, method="classical")
    pred = cv2.resize(d.depth, (gt.shape[1], gt.shape[0]), interpolation=cv2.INTER_NEAREST)
    ours = depth_errors(pred, gt)
    base = {k: depth_errors(v, gt) for k, v in baseline_depths(gt.shape).items()}
    print(f"motorcycle: ours AbsRel {ours['abs_rel']:.3f} d<1.25 {ours['delta1']:.3f}; "
          + "; ".join(f"{k} {v['abs_rel']:.3f} / {v['delta1']:.3f}" for k, v in base.items()))
    assert ours["abs_rel"] <= 0.20 and ours["delta1"] >= 0.70
    assert all(ours["abs_rel"] < v["abs_rel"] and ours["delta1"] > v["delta1"] for v in base.values())
    # an indoor photo: no sky, nothing beyond the room (the issue saw 550 m in this garage)
    assert d.sky_mask.mean() < 0.01
    assert np.nanmax(d.depth) < 10 * np.nanmedian(d.depth)
