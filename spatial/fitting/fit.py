"""``spatial.fit``: optimise splats so that they render like a set of posed photos."""

from __future__ import annotations

import os
from dataclasses import fields
from pathlib import Path

import torch

from ..core.splats import Splats
from ..errors import ValidationError
from .trainer import FitConfig, FitResult, Trainer, as_views


def fit(
    init,
    views,
    steps: int = 3000,
    strategy: str = "default",
    budget: int | None = None,
    seed: int = 0,
    masks=None,
    weights=None,
    eval_views=None,
    out_dir: "str | os.PathLike | None" = None,
    resume: "str | os.PathLike | None" = None,
    **options,
) -> FitResult:
    """Fit Gaussian splats to posed images.

    Args:
        init: initial :class:`~spatial.core.splats.Splats` (e.g. from
            :func:`spatial.fitting.init.splats_from_points`), or a :class:`~spatial.datasets.Dataset`
            whose sparse points seed the splats.
        views: training views: a :class:`~spatial.datasets.Dataset`, a list of
            :class:`~spatial.datasets.View`, or ``(Camera, image)`` pairs (image ``uint8 [H,W,3]`` or
            float in [0, 1]). Cameras are world-to-camera in OpenCV axes (docs/conventions.md).
        steps: optimisation steps (one view each).
        strategy: ``"default"`` (3DGS clone/split/prune with opacity reset), ``"mcmc"``
            (relocation + SGLD noise; exactly ``budget`` splats) or ``"none"`` (fixed count).
        budget: splat cap (default) or exact count (mcmc; default 3x the initial count).
        seed: makes view order, splits and MCMC noise reproducible (bit-identical on the CPU backends).
        masks: optional per-view ``[H,W]`` masks (1 = pixel counts) for the loss.
        weights: optional per-view loss weights.
        eval_views: held-out views scored (PSNR, SSIM) at the end and every ``eval_every`` steps.
        out_dir: when set, writes ``curve.png`` (training curve), ``preview.png`` (ground truth |
            before | after on the first held-out or training view), ``metrics.json`` and a
            ``checkpoint/`` folder (every ``checkpoint_every`` steps and at the end).
        resume: a checkpoint folder to continue from (same strategy, seed and steps).
        **options: any other :class:`~spatial.fitting.trainer.FitConfig` field (``sh_degree``,
            ``ssim_lambda``, ``background``, ``lrs``, ``backend``, ``max_seconds``, ``eval_every``,
            ``checkpoint_every``, ``progress``, ``strategy_options``, ``torch_threads``, ...).

    Returns a :class:`~spatial.fitting.trainer.FitResult` (``splats``, ``history``, held-out
    ``metrics``, ``timings``, written ``files``).
    """
    from ..datasets.dataset import Dataset

    known = {f.name for f in fields(FitConfig)}
    bad = set(options) - known
    if bad:
        raise ValidationError(f"unknown fit option(s): {', '.join(sorted(bad))}")
    cfg = FitConfig(steps=int(steps), strategy=strategy, budget=budget, seed=int(seed), **options)
    if isinstance(init, Dataset):
        from .init import splats_from_points

        if init.points is None or len(init.points) == 0:
            raise ValidationError(f"{init.source}: dataset has no sparse points to start from; pass initial splats")
        init = splats_from_points(init.points, init.point_colors, cfg.sh_degree,
                                  init_opacity=0.5 if strategy == "mcmc" else 0.1,
                                  generator=torch.Generator().manual_seed(cfg.seed))
    if not isinstance(init, Splats):
        raise ValidationError(f"init must be a Splats or a Dataset, got {type(init).__name__}")
    train = as_views(views, masks, weights)
    ev = as_views(eval_views) if eval_views is not None else None
    trainer = Trainer(init, train, cfg, ev)
    files: dict[str, str] = {}
    out = Path(out_dir) if out_dir is not None else None
    preview_view = (trainer.eval or trainer.train)
    before = trainer.render_view(preview_view.cameras[0], init.with_sh_degree(min(cfg.sh_degree, init.sh_degree)) if out else None) if out else None
    if resume is not None:
        trainer.restore(resume)
    trainer.run(out)
    metrics = trainer.evaluate() if trainer.eval is not None else {}
    if trainer.eval is not None and (not trainer.eval_history or trainer.eval_history[-1]["step"] != trainer.step):
        trainer.eval_history.append({"step": trainer.step, "psnr": metrics["psnr"], "ssim": metrics["ssim"]})
    t = trainer.times
    render_t = t["render_forward"] + t["render_backward"]
    n_steps = trainer.step
    timings = {
        **t,
        "steps": n_steps,
        "it_per_s": n_steps / max(t["total"], 1e-9),
        "outside_share": max(0.0, 1 - render_t / max(t["total"], 1e-9)),
    }
    splats = trainer.params.splats(detach=True).clone()
    if out is not None:
        from .plots import save_png, side_by_side, training_curve

        out.mkdir(parents=True, exist_ok=True)
        files["checkpoint"] = str(trainer.checkpoint(out / "checkpoint"))
        if trainer.history:
            files["curve"] = str(training_curve(trainer.history, trainer.eval_history, out / "curve.png",
                                                f"spatial.fit ({cfg.strategy}), {len(splats)} splats"))
        after = trainer.render_view(preview_view.cameras[0])
        files["preview"] = str(save_png(out / "preview.png", side_by_side(
            [preview_view.images[0], before, after], ["target" + (" (held out)" if trainer.eval else ""), "before", "after"])))
        import json

        from ..io.atomic import atomic_write

        with atomic_write(out / "metrics.json", "w") as f:
            json.dump({"metrics": metrics, "timings": timings, "splats": len(splats)}, f, indent=1)
        files["metrics"] = str(out / "metrics.json")
    return FitResult(splats, trainer.history, trainer.eval_history, metrics, timings,
                     {k: v for k, v in vars(cfg).items()}, files)
