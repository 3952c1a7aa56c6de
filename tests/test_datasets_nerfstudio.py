"""nerfstudio / instant-ngp transforms.json -> Dataset (OpenGL c2w -> OpenCV viewmat, up axis, undistortion)."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch
from PIL import Image

from conftest import require_fixture
from spatial.core.camera import Camera
from spatial.datasets import DatasetError
from spatial.datasets.nerfstudio import OPENGL_TO_OPENCV, load_nerfstudio
from spatial.datasets.undistort import undistort_image


def _write(tmp_path, cams, up_rot=np.eye(3), extra=None, frames_patch=None):
    """transforms.json for spatial cameras, expressed in a world rotated by ``up_rot`` (theirs = up_rot @ ours)."""
    (tmp_path / "images").mkdir(exist_ok=True)
    frames = []
    m = np.eye(4)
    m[:3, :3] = up_rot
    for i, c in enumerate(cams):
        Image.fromarray(np.full((c.height, c.width, 3), 40 + i, np.uint8)).save(tmp_path / "images" / f"{i:03d}.png")
        c2w_cv = np.linalg.inv(c.viewmat.double().numpy())
        c2w_gl = m @ c2w_cv @ OPENGL_TO_OPENCV
        frames.append({"file_path": f"images/{i:03d}.png", "transform_matrix": c2w_gl.tolist()})
    if frames_patch:
        frames_patch(frames)
    c = cams[0]
    meta = {"fl_x": c.fx, "fl_y": c.fy, "cx": c.cx, "cy": c.cy, "w": c.width, "h": c.height, "frames": frames}
    meta.update(extra or {})
    (tmp_path / "transforms.json").write_text(json.dumps(meta))
    return tmp_path / "transforms.json"


def _cams():
    return Camera.orbit([0, 0.5, 0], 3.0, 6, elevation_deg=30, width=48, height=32)


@pytest.mark.parametrize("up, rot", [("+y", np.eye(3)), ("+z", np.array([[1.0, 0, 0], [0, 0, -1], [0, 1, 0]]))])
def test_cameras_round_trip_with_up_axis_detection(tmp_path, up, rot):
    cams = _cams()
    path = _write(tmp_path, cams, rot)
    ds = load_nerfstudio(path)
    assert ds.info["up_axis"] == up
    for v, c in zip(ds.views, cams):
        assert torch.allclose(v.camera.viewmat, c.viewmat, atol=1e-5)
        assert v.camera.fx == pytest.approx(c.fx)
    assert not ds.info["undistorted"]


def test_camera_angle_x_and_missing_extension(tmp_path):
    cams = _cams()
    path = _write(tmp_path, cams)
    meta = json.loads(path.read_text())
    for k in ("fl_x", "fl_y", "cx", "cy", "w", "h"):
        meta.pop(k)
    meta["camera_angle_x"] = 2 * np.arctan(0.5 * cams[0].width / cams[0].fx)
    for f in meta["frames"]:
        f["file_path"] = f["file_path"][:-4]  # Blender style: no extension
    path.write_text(json.dumps(meta))
    ds = load_nerfstudio(tmp_path)
    assert ds.views[0].camera.fx == pytest.approx(cams[0].fx)
    assert ds.views[0].camera.cx == pytest.approx(cams[0].width / 2)


def test_fox_fixture():
    fox = require_fixture("fox")
    ds = load_nerfstudio(fox)
    meta = json.loads((fox / "transforms.json").read_text())
    assert len(ds) == 50 and ds.info["up_axis"] == "+z" and ds.info["undistorted"]
    # camera centres: their (x, y, z) becomes our (x, z, -y)
    for v, fr in zip(ds.views[:5], meta["frames"][:5]):
        t = np.asarray(fr["transform_matrix"])[:3, 3]
        np.testing.assert_allclose(v.camera.position.numpy(), [t[0], t[2], -t[1]], atol=1e-4)
        # the camera looks along -z of its OpenGL frame
        fwd = -np.asarray(fr["transform_matrix"])[:3, 2]
        np.testing.assert_allclose(v.camera.forward.numpy(), [fwd[0], fwd[2], -fwd[1]], atol=1e-5)
    assert all(v.image.shape == (480, 270, 3) for v in ds.views)
    # mean camera "up" (OpenCV -y axis) is +Y in spatial's frame
    ups = np.stack([-v.camera.viewmat[1, :3].numpy() for v in ds.views])
    assert ups.mean(0)[1] > 0.9


def test_undistortion_follows_the_brown_conrady_model():
    """Each undistorted pixel shows what the distortion model says the raw image had there."""
    h, w = 120, 160
    jj, ii = np.meshgrid(np.arange(w), np.arange(h))
    raw = np.stack([jj, ii, np.zeros_like(jj)], -1).astype(np.uint8)  # pixel stores its own (column, row)
    fx = fy = 140.0
    cx, cy = 80.0, 60.0
    dist = {"k1": 0.06, "k2": -0.08, "p1": -0.001, "p2": 0.0005}
    out, (nfx, nfy, ncx, ncy), _ = undistort_image(raw, fx, fy, cx, cy, dist)
    errs = []
    for (i, j) in [(30, 40), (60, 80), (90, 120), (15, 150), (100, 10)]:
        # pixel centre (j + .5, i + .5) in spatial's convention -> normalized ray -> distorted pixel
        x, y = (j + 0.5 - ncx) / nfx, (i + 0.5 - ncy) / nfy
        r2 = x * x + y * y
        radial = 1 + dist["k1"] * r2 + dist["k2"] * r2 * r2
        xd = x * radial + 2 * dist["p1"] * x * y + dist["p2"] * (r2 + 2 * x * x)
        yd = y * radial + dist["p1"] * (r2 + 2 * y * y) + 2 * dist["p2"] * x * y
        u, v = fx * xd + cx - 0.5, fy * yd + cy - 0.5  # back to array indices
        errs.append(max(abs(float(out[i, j, 0]) - u), abs(float(out[i, j, 1]) - v)))
    assert max(errs) < 0.6


def test_nan_pose_named(tmp_path):
    def patch(frames):
        frames[2]["transform_matrix"][0][3] = float("nan")

    path = _write(tmp_path, _cams(), frames_patch=patch)
    path.write_text(path.read_text().replace("NaN", "NaN"))
    with pytest.raises(DatasetError, match="frame 2.*NaN"):
        load_nerfstudio(path)


def test_missing_and_unreadable_images_named(tmp_path):
    path = _write(tmp_path, _cams())
    (tmp_path / "images" / "003.png").unlink()
    with pytest.raises(DatasetError, match="003.png.*missing"):
        load_nerfstudio(path)
    (tmp_path / "images" / "003.png").write_bytes(b"\x89PNG garbage")
    with pytest.raises(DatasetError, match="003.png.*cannot read"):
        load_nerfstudio(path)


def test_bad_json(tmp_path):
    (tmp_path / "transforms.json").write_text("{not json")
    with pytest.raises(DatasetError, match="invalid JSON"):
        load_nerfstudio(tmp_path)
    (tmp_path / "transforms.json").write_text(json.dumps({"frames": []}))
    with pytest.raises(DatasetError, match="no frames"):
        load_nerfstudio(tmp_path)
