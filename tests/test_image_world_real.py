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


# ------------------------------------------------------------------ understanding (fast: depth only)
from image_world_scenes import REAL_PHOTOS, fox_capture, real_photos, skimage_data  # noqa: E402

PHOTOS = real_photos()


@pytest.mark.parametrize("name,path,indoor", PHOTOS, ids=[p[0] for p in PHOTOS])
def test_real_photo_understood(name, path, indoor):
    from spatial.image_world.photo import load_photo
    from spatial.image_world.understand import understand

    photo = load_photo(path, max_side=384)
    d = estimate_depth(photo.rgb, method="classical")
    u = understand(photo.rgb, d)
    assert u["indoor"] is indoor, u["reasons"]
    assert set(u["materials"]) == {"vegetation", "water", "snow", "sand", "road"}
    assert len(u["palette"]) >= 3 and 1500 <= u["light"]["colour_temperature_k"] <= 15000
    if indoor:
        assert d.sky_mask.mean() < 0.01 and u["room_kind"] in ("living_room", "office", "warehouse")
    else:
        assert d.sky_mask.mean() > 0.2  # rocket.jpg's dusk sky (0 before), camera.png's overcast sky
    if name == "rocket.jpg":
        assert u["light"]["time"] in ("dusk", "night")


def test_enough_real_photos():
    """The acceptance set holds at least 8 real photos (the fixtures of this repository's CI)."""
    if len(PHOTOS) < len(REAL_PHOTOS):
        pytest.skip("some real photos are absent here")
    assert len(PHOTOS) >= 8


# ------------------------------------------------------------------ the world beyond, gallery checks
#: mean colour of the turn-180 view within this CIELAB distance (CIE76 Delta E*ab) of the photo's
TURN_DELTA_E = 25.0
@pytest.mark.slow
@pytest.mark.parametrize("name,path,indoor", PHOTOS, ids=[p[0] for p in PHOTOS])
def test_real_photo_world_gallery(name, path, indoor):
    """Draft world of each real photo: beyond matches indoor/outdoor, every gallery view is covered
    (alpha >= 0.99), no flat filler region the photo does not have above 2 %, the turn-180 view keeps
    the photo's colours."""
    from spatial.generation.spec import INDOOR_SCENES
    from spatial.image_world import image_to_world
    from spatial.image_world.views import check_views, render_views

    w = image_to_world(path, quality="draft", seed=0)
    assert (w.spec["scene_type"] in INDOOR_SCENES) is indoor and w.metadata["understanding"]["indoor"] is indoor
    views = render_views(w, size=320)
    c = check_views(views, views[0]["rgb"])
    print(name, w.spec["scene_type"], c)
    assert min(c["alpha"]) >= 0.99
    assert c["turn180_delta_e"] <= TURN_DELTA_E
    # the spawn stands on the collider and the walker can move from it
    from spatial.physics import walkable

    m = walkable(w.collider, bounds=(-10, 10, -10, 10))
    assert m.nearest((0.0, 0.0, 0.0), 1.0) >= 0 and int(m.reachable_from((0.0, 0.0, 0.0)).sum()) >= 16
    excess = max(f - c["flat"][0] for f in c["flat"])
    assert excess <= 0.02


# ------------------------------------------------------------------ multi-view: the fox capture
def test_fox_novel_views_beat_unchanged_input():
    """Lift frame 0001 (its known field of view) and render the poses of the next 4 frames, translation
    scaled by median depth: PSNR against those real photos beats showing the input photo unchanged."""
    import math

    import torch
    from PIL import Image

    from image_world_scenes import fox_novel_views
    from spatial.image_world import image_to_world
    from spatial.fitting.metrics import psnr_uint8 as psnr
    from spatial.rendering import render

    fox = fox_capture()
    if fox is None:
        pytest.skip("the fox capture is absent")
    folder, tf = fox
    fov = math.degrees(2 * math.atan(0.5 * tf["h"] / tf["fl_y"]))
    w = image_to_world(str(folder / "images" / "0001.jpg"), quality="draft", seed=0, fov=fov, beyond=False)
    p0 = np.asarray(Image.open(folder / "images" / "0001.jpg").convert("RGB"))
    ours, base = [], []
    for name, cam, rgb in fox_novel_views(w, 4):
        with torch.no_grad():
            out = (render(w.splats, cam).rgb[0].clamp(0, 1).numpy() * 255 + 0.5).astype(np.uint8)
        ours.append(psnr(out, rgb))
        base.append(psnr(p0, rgb))
        print(f"{name}: lifted {ours[-1]:.2f} dB, input unchanged {base[-1]:.2f} dB")
    assert np.mean(ours) > np.mean(base) + 1.0
    assert all(o > b for o, b in zip(ours, base))


# ------------------------------------------------------------------ portraits, out-of-focus foliage, grain
def test_portrait_backdrop_is_not_sky():
    """matplotlib's grace_hopper.jpg (a studio portrait before a blue backdrop and a flag): the backdrop
    was taken for a sky (18 %) and its lower part for water (21 %), so the world beyond was a lake. The
    face cue makes it an indoor portrait with no sky."""
    from pathlib import Path

    import matplotlib

    from spatial.image_world.faces import largest_face
    from spatial.image_world.photo import load_photo
    from spatial.image_world.understand import understand

    path = Path(matplotlib.get_data_path()) / "sample_data" / "grace_hopper.jpg"
    if not path.is_file():
        pytest.skip("matplotlib's sample data is not installed")
    photo = load_photo(path, max_side=384)
    assert largest_face(photo.rgb) >= 0.25
    d = estimate_depth(photo.rgb, method="classical")
    u = understand(photo.rgb, d)
    assert u["portrait"] and u["indoor"], u["reasons"]
    assert d.sky_mask.mean() < 0.01 and u["materials"]["water"] == 0.0
    # a landscape has no face: the cue stays off
    rocket = load_photo(skimage_data("rocket.jpg"), max_side=384) if skimage_data("rocket.jpg") else None
    if rocket is not None:
        assert largest_face(rocket.rgb) == 0.0


def test_saturated_teal_is_not_sky_but_blue_is():
    """A defocused teal background (a flower photo's foliage) is not a sky; the same layout in sky blue is."""
    rng = np.random.default_rng(0)
    H, W = 240, 320
    ground = np.clip(rng.normal(110, 25, (H // 2, W, 3)), 0, 255)
    ground[..., 2] *= 0.6
    for top, is_sky in (((8, 72, 74), False), ((110, 160, 225), True)):
        img = np.concatenate([np.broadcast_to(np.array(top, float), (H // 2, W, 3)), ground], 0)
        img = np.clip(img + rng.normal(0, 1.0, img.shape), 0, 255).astype(np.uint8)
        d = estimate_depth(img, method="classical")
        assert bool(d.sky_mask.mean() > 0.3) is is_sky, (top, d.sky_mask.mean())


def test_grain_floor_tops_up_only_smooth_pixels():
    from spatial.image_world.outpaint import grain_floor

    rng = np.random.default_rng(1)
    img = np.full((64, 128, 3), 120, np.uint8)
    img[:, 64:] = np.clip(rng.normal(120, 12, (64, 64, 3)), 0, 255).astype(np.uint8)  # textured right half
    mask = np.ones((64, 128), bool)
    mask[:32, :64] = False  # e.g. sky: kept smooth
    out = grain_floor(img, mask, floor=3.0, seed=0)
    assert np.array_equal(out[:32, :64], img[:32, :64])
    assert 2.0 < out[40:, 8:56].astype(float).std() < 3.5  # the smooth part gets about 3 levels
    assert np.abs(out[:, 72:].astype(int) - img[:, 72:]).mean() < 0.5  # texture left (almost) alone


def test_terrain_seen_from_low_is_outdoors():
    """gradio's cheetah.jpg (a motion-blurred savanna, no sky): its top had been taken for a ceiling and
    the photo for a room; the top is the ground's own surface, so it is open terrain (outdoors)."""
    from pathlib import Path

    from spatial.image_world.photo import load_photo
    from spatial.image_world.understand import understand

    try:
        import gradio
    except ImportError:
        pytest.skip("gradio (the app extra) is not installed")
    path = Path(gradio.__file__).parent / "media_assets" / "images" / "cheetah.jpg"
    if not path.is_file():
        pytest.skip("gradio's media assets are not installed")
    photo = load_photo(path, max_side=512)
    u = understand(photo.rgb, estimate_depth(photo.rgb, method="classical"))
    assert not u["indoor"] and not u["portrait"], u["reasons"]
    assert any("open terrain" in r for r in u["reasons"])
