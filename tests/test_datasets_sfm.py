"""Structure from motion with pycolmap recovers known cameras (similarity-aligned)."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from conftest import require_fixture
from spatial.datasets import DatasetError, pose_errors

pytest.importorskip("pycolmap")


def test_sfm_recovers_rendered_cameras(tmp_path):
    from spatial.datasets.sfm import run_sfm
    from spatial.datasets.synthetic import orbit_cameras, render_scene

    cams = orbit_cameras(20, 256, elevations=(20, 38))
    photos = tmp_path / "photos"
    photos.mkdir()
    for c, im in zip(cams, render_scene(cams, supersample=1, detail=2.0)):
        Image.fromarray(im).save(photos / c.name)
    ds = run_sfm(photos, tmp_path / "ws", num_threads=2)
    assert ds.info["registered"] == len(cams)
    ref = {c.name: c for c in cams}
    err = pose_errors([v.camera for v in ds.views], [ref[v.name] for v in ds.views])
    assert err["rotation_deg_max"] <= 2.0, err
    assert err["centre_rel_max"] <= 0.05, err
    assert len(ds.points) > 100 and np.isfinite(ds.points).all()


@pytest.mark.slow
def test_sfm_on_fox_agrees_with_transforms_json(tmp_path):
    from spatial.datasets.nerfstudio import load_nerfstudio
    from spatial.datasets.sfm import run_sfm

    fox = require_fixture("fox")
    ds = run_sfm(fox / "images", tmp_path / "ws", num_threads=2)
    ref = {v.name: v.camera for v in load_nerfstudio(fox).views}
    assert ds.info["registered"] >= 45
    err = pose_errors([v.camera for v in ds.views], [ref[v.name] for v in ds.views])
    assert err["rotation_deg_max"] <= 3.0, err


def test_sfm_failure_is_reported(tmp_path):
    from spatial.datasets.sfm import run_sfm

    photos = tmp_path / "p"
    photos.mkdir()
    for i in range(4):
        Image.fromarray(np.full((64, 64, 3), 30 * i, np.uint8)).save(photos / f"{i}.png")  # featureless
    with pytest.raises(DatasetError, match="structure from motion"):
        run_sfm(photos, tmp_path / "ws")


def test_too_few_photos(tmp_path):
    from spatial.datasets.sfm import run_sfm

    photos = tmp_path / "p"
    photos.mkdir()
    Image.fromarray(np.zeros((8, 8, 3), np.uint8)).save(photos / "a.png")
    with pytest.raises(DatasetError, match="at least 3 photos"):
        run_sfm(photos)
