"""Photo -> World end to end: the input view is reproduced, a moved and turned camera keeps seeing
content, the world is walkable from the spawn, and the public entry points reach the pipeline."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from image_world_scenes import photo
from spatial.core.camera import Camera
from spatial.image_world import image_to_world
from spatial.image_world.pipeline import psnr
from spatial.rendering import render


@pytest.fixture(scope="module")
def room_world():
    rgb, gt, cam, _ = photo("room", yaw_deg=20.0)
    return rgb, image_to_world(rgb, quality="draft", seed=3)


@pytest.fixture(scope="module")
def street_world():
    rgb, gt, cam, _ = photo("street")
    return rgb, image_to_world(rgb, quality="draft", seed=3)


def _render(world, cam):
    with torch.no_grad():
        return render(world.splats, cam)


@pytest.mark.parametrize("which", ["room", "street"])
def test_input_view_reproduced(which, room_world, street_world):
    rgb, w = room_world if which == "room" else street_world
    cam = w.cameras[0]
    assert (cam.width, cam.height) == (rgb.shape[1], rgb.shape[0])
    out = _render(w, cam)
    shown = (out.rgb[0].clamp(0, 1).numpy() * 255 + 0.5).astype(np.uint8)
    p = psnr(shown, rgb)
    print(f"{which}: input view PSNR {p:.2f} dB, {len(w.splats)} splats, timings { {k: round(v, 1) for k, v in w.timings.items()} }")
    assert p >= 30.0
    assert w.metadata["refine"]["status"] == "done"
    assert w.metadata["input_view_psnr"] == pytest.approx(p, abs=0.05)


@pytest.mark.parametrize("which", ["room", "street"])
@pytest.mark.parametrize("dx,yaw", [(1.0, 15.0), (1.0, -15.0), (-1.0, 15.0), (-1.0, -15.0)])
def test_moved_camera_coverage(which, dx, yaw, room_world, street_world):
    """1 m sideways and a 15 degree turn: the disocclusion layer, the outpainted margins and the
    procedural continuation leave no holes."""
    rgb, w = room_world if which == "room" else street_world
    c0 = w.cameras[0]
    eye = np.array([dx, w.metadata["eye_height"], 0.0])
    a = math.radians(yaw)
    fwd = np.array([-math.sin(a), 0.0, -math.cos(a)])
    cam = Camera(c0.fx, c0.fy, c0.cx, c0.cy, c0.width, c0.height, Camera.look_at_viewmat(eye, eye + fwd))
    cov = float(_render(w, cam).alpha.mean())
    assert cov >= 0.97, f"alpha coverage {cov:.4f}"


def test_world_contents(room_world, street_world, tmp_path):
    from spatial.world import World

    rgb, w = street_world
    assert w.spawn.position == (0.0, 0.0, 0.0) and w.spawn.yaw_deg == 0.0
    assert w.collider is not None and len(w.collider.faces) > 1000
    assert w.spec["scene_type"] == "city_street"
    from spatial.generation.spec import INDOOR_SCENES

    room = room_world[1]
    assert room.spec["scene_type"] in INDOOR_SCENES and room.metadata["understanding"]["indoor"] is True
    assert w.metadata["understanding"]["indoor"] is False and w.metadata["understanding"]["regions"]["sky"] > 0.05
    # the ground under the spawn is the collider's: a ray straight down from the eye hits it near y = 0
    import open3d as o3d

    rs = o3d.t.geometry.RaycastingScene()
    rs.add_triangles(o3d.core.Tensor(np.asarray(w.collider.vertices, np.float32)), o3d.core.Tensor(np.asarray(w.collider.faces, np.uint32)))
    hit = rs.cast_rays(o3d.core.Tensor(np.array([[0, 1.0, -3.0, 0, -1, 0]], np.float32)))["t_hit"].numpy()[0]
    assert abs(1.0 - hit) < 0.1
    # labels: sky and ground exist
    labels = set(torch.unique(w.splats.labels).tolist())
    assert {1, 7} <= labels
    folder = w.save(tmp_path / "world")
    back = World.load(folder)
    assert len(back.splats) == len(w.splats) and back.metadata["depth"]["method"] == "classical"


def test_generate_image_entry_points(tmp_path, capsys):
    import spatial
    from PIL import Image

    rgb, _, _, _ = photo("street", 160, 120)
    p = tmp_path / "street.png"
    Image.fromarray(rgb).save(p)
    w = spatial.generate(image=str(p), prompt="a city street at sunset", seed=1, quality="draft", refine=False)
    assert w.generator["name"] == "spatial.image_world" and w.spec["time_of_day"] == "sunset"
    from spatial.cli import main

    out = tmp_path / "cli_world"
    capsys.readouterr()
    rc = main(["generate", "--image", str(p), "-o", str(out), "--quality", "draft", "--no-preview"])
    assert rc == 0 and (out / "world.json").is_file() and (out / "collider.glb").is_file()
    report = capsys.readouterr().out
    assert "photo: outdoor" in report and "light: " in report and "beyond: " in report  # the understanding is printed
    import json

    meta = json.loads((out / "world.json").read_text())["metadata"]
    assert meta["understanding"]["indoor"] is False and "palette" in meta["understanding"]  # and recorded
    rc = main(["generate", "--image", str(tmp_path / "missing.png"), "-o", str(tmp_path / "x")])
    assert rc == 1


def test_app_image_upload_uses_pipeline(tmp_path):
    from PIL import Image

    from spatial_app.making import from_image

    rgb, _, _, _ = photo("room", 128, 96, yaw_deg=20.0)
    p = tmp_path / "room.jpg"
    Image.fromarray(rgb).save(p, quality=95)
    w = from_image(str(p), seed=0, quality="draft")
    assert w.generator["name"] == "spatial.image_world" and len(w.splats) > 10_000
