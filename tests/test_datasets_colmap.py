"""COLMAP sparse models (text and binary) -> Dataset in spatial's world frame."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from PIL import Image

from spatial.core.camera import Camera
from spatial.datasets import DatasetError
from spatial.datasets.colmap import load_colmap, read_model, write_model_text


def _scene(tmp_path, n=5, size=(40, 30)):
    cams = Camera.orbit([0.2, 0.1, -0.3], 3.0, n, elevation_deg=25, width=size[0], height=size[1])
    names = [f"img_{i}.png" for i in range(n)]
    (tmp_path / "images").mkdir()
    rng = np.random.default_rng(0)
    for nm in names:
        Image.fromarray(rng.integers(0, 255, (size[1], size[0], 3), dtype=np.uint8)).save(tmp_path / "images" / nm)
    pts = rng.normal(size=(20, 3)).astype(np.float32)
    cols = rng.integers(0, 255, (20, 3), dtype=np.uint8)
    write_model_text(tmp_path / "sparse" / "0", cams, names, pts, cols)
    return cams, names, pts, cols


def _check(ds, cams, pts, cols):
    assert len(ds) == len(cams)
    for v, c in zip(ds.views, cams):
        assert torch.allclose(v.camera.viewmat, c.viewmat, atol=1e-5)
        assert (v.camera.fx, v.camera.cx, v.camera.width, v.camera.height) == pytest.approx((c.fx, c.cx, c.width, c.height))
    np.testing.assert_allclose(ds.points, pts, atol=1e-5)
    np.testing.assert_array_equal(ds.point_colors, cols)


def test_text_model_round_trip(tmp_path):
    cams, names, pts, cols = _scene(tmp_path)
    ds = load_colmap(tmp_path)
    _check(ds, cams, pts, cols)
    assert ds.info["source_format"] == "colmap text"
    # world frame: COLMAP stores the mirror image (x, y flipped) of spatial's points
    raw = read_model(tmp_path / "sparse" / "0")
    np.testing.assert_allclose(raw.points, pts * np.array([-1, -1, 1]), atol=1e-5)


def test_binary_model_written_by_pycolmap(tmp_path):
    pycolmap = pytest.importorskip("pycolmap")
    cams, names, pts, cols = _scene(tmp_path)
    rec = pycolmap.Reconstruction()
    rec.read_text(str(tmp_path / "sparse" / "0"))
    binary = tmp_path / "bin" / "sparse" / "0"
    binary.mkdir(parents=True)
    rec.write_binary(str(binary))
    (tmp_path / "bin" / "images").symlink_to(tmp_path / "images")
    ds = load_colmap(tmp_path / "bin")
    assert ds.info["source_format"] == "colmap binary"
    _check(ds, cams, pts, cols)


def test_projection_of_points_matches(tmp_path):
    """A point seen by COLMAP at pixel (u, v) lands at the same pixel with spatial's camera."""
    cams, names, pts, cols = _scene(tmp_path)
    ds = load_colmap(tmp_path)
    raw = read_model(tmp_path / "sparse" / "0")
    img = sorted(raw.images.values(), key=lambda x: x.name)[0]
    from spatial.core.rotation import quat_to_rotmat

    r = quat_to_rotmat(torch.tensor(img.qvec)).numpy()
    xc = raw.points @ r.T + img.tvec
    cam = raw.cameras[img.camera_id]
    f, cx, cy = cam.params[0], cam.params[2], cam.params[3]
    uv_colmap = np.stack([f * xc[:, 0] / xc[:, 2] + cx, f * xc[:, 1] / xc[:, 2] + cy], 1)
    c = ds.views[0].camera
    vm = c.viewmat.double().numpy()
    xs = ds.points.astype(np.float64) @ vm[:3, :3].T + vm[:3, 3]
    uv = np.stack([c.fx * xs[:, 0] / xs[:, 2] + c.cx, c.fy * xs[:, 1] / xs[:, 2] + c.cy], 1)
    np.testing.assert_allclose(uv, uv_colmap, atol=1e-3)


def test_simple_radial_is_undistorted(tmp_path):
    cams, names, pts, cols = _scene(tmp_path, n=3)
    txt = tmp_path / "sparse" / "0" / "cameras.txt"
    lines = [ln for ln in txt.read_text().splitlines() if not ln.startswith("#")]
    out = []
    for ln in lines:
        f = ln.split()
        out.append(f"{f[0]} SIMPLE_RADIAL {f[2]} {f[3]} {f[4]} {f[6]} {f[7]} 0.08")
    txt.write_text("\n".join(out) + "\n")
    ds = load_colmap(tmp_path)
    assert ds.views[0].camera.fx != pytest.approx(cams[0].fx)  # new pinhole after undistortion
    ds2 = load_colmap(tmp_path, undistort=False)
    assert ds2.views[0].camera.fx == pytest.approx(cams[0].fx)


def test_missing_image_names_the_file(tmp_path):
    _scene(tmp_path)
    (tmp_path / "images" / "img_2.png").unlink()
    with pytest.raises(DatasetError, match="img_2.png.*missing"):
        load_colmap(tmp_path)


def test_unreadable_image_names_the_file(tmp_path):
    _scene(tmp_path)
    (tmp_path / "images" / "img_1.png").write_bytes(b"not a png")
    with pytest.raises(DatasetError, match="img_1.png.*cannot read"):
        load_colmap(tmp_path)


def test_nan_pose_is_rejected(tmp_path):
    _scene(tmp_path)
    p = tmp_path / "sparse" / "0" / "images.txt"
    lines = p.read_text().splitlines()
    i = next(k for k, ln in enumerate(lines) if ln and not ln.startswith("#"))
    f = lines[i].split()
    f[5] = "nan"
    lines[i] = " ".join(f)
    p.write_text("\n".join(lines) + "\n")
    with pytest.raises(DatasetError, match="NaN"):
        load_colmap(tmp_path)


def test_truncated_and_hostile_binary(tmp_path):
    pycolmap = pytest.importorskip("pycolmap")
    _scene(tmp_path)
    rec = pycolmap.Reconstruction()
    rec.read_text(str(tmp_path / "sparse" / "0"))
    b = tmp_path / "b" / "sparse" / "0"
    b.mkdir(parents=True)
    rec.write_binary(str(b))
    data = (b / "images.bin").read_bytes()
    (b / "images.bin").write_bytes(data[: len(data) // 2])
    with pytest.raises(DatasetError, match="images.bin.*(truncated|more than the file can hold)"):
        read_model(b)
    (b / "images.bin").write_bytes((10**12).to_bytes(8, "little") + data[8:])
    with pytest.raises(DatasetError, match="more than the file can hold"):
        read_model(b)


def test_no_model(tmp_path):
    with pytest.raises(DatasetError, match="no COLMAP sparse model"):
        load_colmap(tmp_path)
