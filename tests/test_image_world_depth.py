"""Single-photo depth: classical accuracy on synthetic photos with known depth, the learned route
with a tiny randomly initialised transformers model, and the alignment to metres."""

from __future__ import annotations

import numpy as np
import pytest

from image_world_scenes import abs_rel, photo
from spatial.errors import ValidationError
from spatial.image_world.depth import estimate_depth

# (scene, camera yaw, AbsRel limit of the issue)
CASES = [("room", 20.0, 0.15), ("street", 0.0, 0.15), ("hills", 0.0, 0.35)]


@pytest.fixture(scope="module")
def photos():
    return {name: photo(name, yaw_deg=yaw) for name, yaw, _ in CASES}


@pytest.mark.parametrize("name,yaw,limit", CASES)
def test_classical_depth_absrel(photos, name, yaw, limit):
    rgb, gt, cam, _ = photos[name]
    d = estimate_depth(rgb)  # default: classical, everything estimated (fov, horizon, eye height)
    assert d.method == "classical"
    err = abs_rel(d.depth, gt)  # metric depth, no rescaling
    print(f"{name}: AbsRel {err:.3f} (median-scaled {abs_rel(d.depth, gt, median_scale=True):.3f}), "
          f"focal {d.focal:.1f} vs {cam.fx:.1f} ({d.fov_source}), horizon {d.horizon:.1f}, eye {d.camera_height:.2f} m")
    assert err <= limit
    # the sky is found where the scene has none of its geometry
    sky_gt = ~np.isfinite(gt)
    if sky_gt.any():
        iou = (d.sky_mask & sky_gt).sum() / (d.sky_mask | sky_gt).sum()
        assert iou > 0.85
    else:
        assert d.sky_mask.mean() < 0.01
    assert np.isfinite(d.depth[~d.sky_mask]).all() and (d.depth[~d.sky_mask] > 0).all()


def test_fov_from_vanishing_points(photos):
    rgb, _, cam, _ = photos["room"]  # two orthogonal wall directions are visible
    d = estimate_depth(rgb)
    assert d.fov_source == "vanishing_points"
    assert abs(d.focal - cam.fx) / cam.fx < 0.05
    assert abs(d.horizon - cam.cy) < 3


def test_known_focal_and_height_are_used(photos):
    rgb, gt, cam, _ = photos["street"]
    d = estimate_depth(rgb, focal=cam.fx, camera_height=1.6)
    assert d.fov_source == "given" and d.focal == pytest.approx(cam.fx)
    assert abs_rel(d.depth, gt) <= 0.15
    d2 = estimate_depth(rgb, focal=cam.fx, camera_height=3.2)
    m = np.isfinite(d.depth)
    assert np.median(d2.depth[m] / d.depth[m]) == pytest.approx(2.0, rel=0.02)  # metric scale follows the eye height


def test_alignment_recovers_scale_and_shift():
    from spatial.image_world.depth_learned import align_to_reference

    rng = np.random.default_rng(0)
    gt = rng.uniform(2, 40, (40, 50))
    pred_rel = 3.0 / gt + 0.2  # relative inverse depth: unknown scale and shift
    mask = rng.uniform(size=gt.shape) < 0.3
    depth, info = align_to_reference(pred_rel, "relative", gt, mask)
    assert info["alignment"] == "inverse_affine"
    assert np.allclose(depth, gt, rtol=1e-6)
    depth, info = align_to_reference(gt / 7.0, "metric", gt, mask)
    assert info["scale"] == pytest.approx(7.0) and np.allclose(depth, gt)
    # a prediction that runs against the ground plane is rejected, the reference kept
    depth, info = align_to_reference(-pred_rel, "relative", gt, mask)
    assert info["alignment"].startswith("failed") and np.allclose(depth, gt)


@pytest.fixture(scope="module")
def tiny_depth_model(tmp_path_factory):
    """A 15k-parameter randomly initialised Depth Anything saved like a real checkpoint (no download)."""
    import torch
    from transformers import DepthAnythingConfig, DepthAnythingForDepthEstimation, Dinov2Config, DPTImageProcessor

    torch.manual_seed(0)
    d = tmp_path_factory.mktemp("tiny_depth_anything")
    bb = Dinov2Config(image_size=32, patch_size=16, hidden_size=8, num_hidden_layers=2, num_attention_heads=2,
                      intermediate_size=16, out_indices=[1, 2], reshape_hidden_states=False)
    cfg = DepthAnythingConfig(backbone_config=bb, reassemble_hidden_size=8, patch_size=16, neck_hidden_sizes=[4, 8],
                              fusion_hidden_size=8, head_hidden_size=4)
    DepthAnythingForDepthEstimation(cfg).save_pretrained(d)
    DPTImageProcessor(size={"height": 64, "width": 64}, keep_aspect_ratio=True, ensure_multiple_of=16, do_pad=False).save_pretrained(d)
    return d


def test_learned_depth_tiny_model(photos, tiny_depth_model, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    rgb, gt, _, _ = photos["street"]
    d = estimate_depth(rgb, method="learned", model=str(tiny_depth_model))
    assert d.method == "learned" and d.depth.shape == rgb.shape[:2]
    assert d.info["model"] == str(tiny_depth_model) and d.info["prediction"] == "relative"
    assert "alignment" in d.info
    ok = ~d.sky_mask
    assert np.isfinite(d.depth[ok]).all() and (d.depth[ok] > 0).all()
    assert np.isinf(d.depth[d.sky_mask]).all()
    # "auto" picks the learned model when one is configured
    monkeypatch.setenv("SPATIAL_DEPTH_MODEL", str(tiny_depth_model))
    assert estimate_depth(rgb).method == "learned"


def test_learned_depth_errors(photos, tmp_path, monkeypatch):
    from spatial.image_world.depth_learned import LearnedDepthUnavailable

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    rgb = photos["room"][0]
    with pytest.raises(ValidationError, match="needs a model"):
        estimate_depth(rgb, method="learned")
    with pytest.raises(LearnedDepthUnavailable, match="cannot load depth model"):
        estimate_depth(rgb, method="learned", model=str(tmp_path))  # an empty folder
    with pytest.raises(LearnedDepthUnavailable):
        estimate_depth(rgb, method="learned", model="nobody/no-such-depth-model")
    with pytest.raises(ValidationError, match="method must be"):
        estimate_depth(rgb, method="magic")


def test_auto_uses_default_model_or_says_offline(photos, tiny_depth_model, monkeypatch, capsys):
    """``method="auto"`` without a configured model: the default id when it loads (here the tiny model
    stands in for Depth Anything V2 Small), else one line on stderr and the classical depth."""
    from spatial.image_world import depth as depth_mod
    from spatial.image_world import depth_learned

    monkeypatch.delenv("SPATIAL_DEPTH_MODEL", raising=False)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    rgb = photos["street"][0]
    monkeypatch.setattr(depth_learned, "_AUTO", {})
    monkeypatch.setattr(depth_learned, "DEFAULT_MODEL", str(tiny_depth_model))
    d = estimate_depth(rgb)
    assert d.method == "learned" and d.info["model"] == str(tiny_depth_model)
    monkeypatch.setattr(depth_learned, "_AUTO", {})
    monkeypatch.setattr(depth_learned, "DEFAULT_MODEL", "nobody/no-such-depth-model")
    monkeypatch.setattr(depth_mod, "_SAID", set())
    capsys.readouterr()
    d = estimate_depth(rgb)
    err = capsys.readouterr().err.strip().splitlines()
    assert d.method == "classical" and "offline" in d.info["auto"]
    assert len(err) == 1 and "using the classical method" in err[0]
    estimate_depth(rgb)  # said once per process
    assert capsys.readouterr().err == ""
