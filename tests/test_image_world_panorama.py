"""360-degree panoramas: detection, a full surround world, and views from the spawn that match."""

from __future__ import annotations


import numpy as np
import pytest
import torch

from image_world_scenes import panorama, photo
from spatial.image_world import image_to_world
from spatial.image_world.panorama import face_rays, is_equirectangular, sample_equirect
from spatial.image_world.pipeline import psnr, view_camera
from spatial.rendering import render


@pytest.fixture(scope="module")
def street_pano():
    return panorama("street", 256)


def test_detection(street_pano):
    assert is_equirectangular(street_pano)
    rgb, *_ = photo("street", 256, 128)  # 2:1 but a plain photo: its edges do not wrap
    assert not is_equirectangular(rgb)
    assert not is_equirectangular(street_pano[:, :200])


def test_panorama_world_views_match(street_pano):
    w = image_to_world(street_pano, quality="draft", seed=0)
    assert w.metadata["panorama"] is True
    eye = w.metadata["eye_height"]
    assert 1.0 <= eye <= 2.0
    scores = []
    for k in range(8):  # 8 directions from the spawn, 90 degree views
        yaw = 45.0 * k + 22.5  # between the fitted views too
        size = 96
        cam = view_camera(eye, yaw, size)
        target = np.clip(sample_equirect(street_pano, face_rays(size, yaw)) + 0.5, 0, 255).astype(np.uint8)
        with torch.no_grad():
            out = render(w.splats, cam)
        shown = (out.rgb[0].clamp(0, 1).numpy() * 255 + 0.5).astype(np.uint8)
        scores.append(psnr(shown, target))
        assert float(out.alpha.mean()) > 0.99
    print("panorama view PSNR:", [round(s, 2) for s in scores])
    assert min(scores) >= 25.0
    # surround geometry: ground under the spawn all around, buildings left and right
    assert w.collider is not None and len(w.collider.faces) > 1000
    b = w.collider.bounds
    print("collider bounds", b)
    assert b[0][0] < -6 and b[1][0] > 6 and b[0][2] < -20 and b[1][2] > 5  # buildings at |x| = 9, street along z
