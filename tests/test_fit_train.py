"""spatial.fit end to end on a small ray-traced scene: quality, determinism, resume, masks, weights, MCMC budget."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from spatial.datasets.synthetic import SKY, synthetic_dataset
from spatial.errors import ValidationError
from spatial.fitting import fit
from spatial.fitting.init import splats_from_points
from spatial.fitting.trainer import photometric_loss


@pytest.fixture(scope="module")
def scene():
    ds = synthetic_dataset(n_views=24, size=48, n_points=1500, seed=0, supersample=2)
    return ds


def _tiny(scene, n_points=300, size=24):
    ds = scene.downscaled(size)
    init = splats_from_points(ds.points[:n_points], ds.point_colors[:n_points], sh_degree=1)
    return ds, init


def test_fit_improves_heldout_psnr(scene, tmp_path):
    train, test = scene.split(8)
    init = splats_from_points(scene.points, scene.point_colors, sh_degree=1)
    r = fit(init, train, steps=150, eval_views=test, background=SKY, sh_degree=1, seed=0, out_dir=tmp_path, progress=False)
    # the same splats before fitting, scored the same way
    r0 = fit(init, train, steps=1, eval_views=test, background=SKY, sh_degree=1, seed=0, progress=False,
             lrs={k: 0.0 for k in ("means", "quats", "log_scales", "logit_opacities", "sh0", "shN")})
    assert r.metrics["views"] == len(test)
    assert r.metrics["psnr"] > r0.metrics["psnr"] + 3.0, (r.metrics, r0.metrics)
    assert r.metrics["psnr"] > 19.0, r.metrics
    assert r.metrics["ssim"] > r0.metrics["ssim"]
    for name in ("curve.png", "preview.png", "metrics.json", "checkpoint/state.npz", "checkpoint/state.json"):
        assert (tmp_path / name).is_file(), name
    m = json.loads((tmp_path / "metrics.json").read_text())
    assert m["metrics"]["psnr"] == pytest.approx(r.metrics["psnr"])
    t = r.timings
    assert t["steps"] == 150 and 0 <= t["outside_share"] < 1 and t["render_forward"] > 0


def test_deterministic_for_a_seed_and_resume_is_exact(scene, tmp_path):
    ds, init = _tiny(scene)
    kw = dict(steps=40, strategy="default", background=SKY, sh_degree=1, progress=False,
              strategy_options={"refine_start": 5, "refine_every": 10, "reset_every": 30, "grow_grad2d": 1e-5})
    a = fit(init, ds, seed=3, **kw)
    b = fit(init, ds, seed=3, **kw)
    assert len(a.splats) == len(b.splats) and len(a.splats) != len(init)  # densification happened
    for f in ("means", "quats", "log_scales", "logit_opacities", "sh"):
        assert torch.equal(getattr(a.splats, f), getattr(b.splats, f)), f
    # stop at step 20, resume from the checkpoint: identical to the uninterrupted run
    fit(init, ds, seed=3, out_dir=tmp_path / "part", stop_at=20, **kw)
    c = fit(init, ds, seed=3, resume=tmp_path / "part" / "checkpoint", **kw)
    assert c.timings["steps"] == 40
    for f in ("means", "log_scales", "logit_opacities", "sh"):
        assert torch.equal(getattr(a.splats, f), getattr(c.splats, f)), f
    # a different seed gives a different result
    d = fit(init, ds, seed=4, **kw)
    assert len(d.splats) != len(a.splats) or not torch.equal(d.splats.means, a.splats.means)
    # resuming with other settings is refused
    with pytest.raises(ValidationError, match="seed"):
        fit(init, ds, seed=5, resume=tmp_path / "part" / "checkpoint", **kw)


def test_mcmc_keeps_exact_budget(scene):
    ds, init = _tiny(scene, n_points=200)
    r = fit(init, ds, steps=60, strategy="mcmc", budget=260, background=SKY, sh_degree=0, progress=False,
            strategy_options={"refine_start": 2, "refine_every": 4})
    assert len(r.splats) == 260
    assert max(h["splats"] for h in r.history) == 260


def test_zero_weights_leave_splats_unchanged(scene):
    ds, init = _tiny(scene, n_points=100)
    r = fit(init, ds, steps=5, strategy="none", weights=[0.0] * len(ds), background=SKY, sh_degree=0, progress=False)
    assert torch.allclose(r.splats.means, init.means) and torch.allclose(r.splats.sh, init.with_sh_degree(0).sh)


def test_mask_excludes_pixels_from_the_loss():
    gt = torch.rand(16, 16, 3)
    pred = gt.clone()
    mask = torch.zeros(16, 16)
    mask[:, :8] = 1
    pred[:, 8:] = 1 - pred[:, 8:]  # wrong only where masked out
    loss, l1 = photometric_loss(pred, gt, mask, 0.2)
    assert float(l1) == 0.0 and float(loss) < 0.05  # SSIM windows straddle the edge a little
    loss_full, _ = photometric_loss(pred, gt, None, 0.2)
    assert float(loss_full) > 0.1


def test_masks_are_used_in_fit(scene):
    ds, init = _tiny(scene, n_points=100)
    masks = [np.zeros((v.height, v.width), np.float32) for v in ds.views]
    r = fit(init, ds, steps=5, strategy="none", masks=masks, background=SKY, sh_degree=0, progress=False)
    assert torch.allclose(r.splats.means, init.means)  # everything masked out: nothing to learn


def test_bad_inputs(scene):
    ds, init = _tiny(scene, n_points=50)
    with pytest.raises(ValidationError, match="empty"):
        fit(init[torch.zeros(len(init), dtype=torch.bool)], ds, steps=2, progress=False)
    with pytest.raises(ValidationError, match="unknown fit option"):
        fit(init, ds, steps=2, progress=False, learning_rate=1)
    with pytest.raises(ValidationError, match="strategy"):
        fit(init, ds, steps=2, strategy="magic", progress=False)
    bad = init.clone()
    bad.means[0, 0] = float("nan")
    with pytest.raises(ValidationError, match="non-finite"):
        fit(bad, ds, steps=2, progress=False)
    v = ds.views[0]
    with pytest.raises(ValidationError, match="does not match"):
        fit(init, [(v.camera, v.image[:-1])], steps=2, progress=False)
    with pytest.raises(ValidationError, match="masks"):
        fit(init, ds, steps=2, masks=[None], progress=False)


def test_loop_thread_setting_is_restored(scene):
    ds, init = _tiny(scene, n_points=50)
    before = torch.get_num_threads()
    seen = []
    r = fit(init, ds, steps=2, strategy="none", background=SKY, sh_degree=0, progress=False, torch_threads=1,
            eval_views=ds.views[:1])
    seen.append(torch.get_num_threads())
    assert seen == [before] and r.timings["steps"] == 2
