"""``spatial.reconstruct``: photos / a video / a COLMAP model / a transforms.json -> a World folder.

Steps: load the input (:func:`spatial.datasets.load_dataset`; structure from motion with pycolmap
for photos and videos), check it (:meth:`Dataset.validate`: enough views, finite poses, image
sizes), scale images to ``resolution``, hold out every ``holdout``-th view, seed splats from the
sparse points, :func:`spatial.fit` them, score the held-out views, and write the World atomically
(splats, cameras, metadata with the metrics, a preview render). Nothing is written when any step
fails; the error names the problem.
"""

from __future__ import annotations

import math
import os
import shutil
import tempfile
from pathlib import Path

import numpy as np
import torch

from ..core.colour import to_uint8
from ..errors import ValidationError


def _spawn_from_camera(cam):
    from ..world import Spawn

    pos = cam.position.double().numpy()
    f = cam.forward.double().numpy()
    yaw = math.degrees(math.atan2(-f[0], -f[2]))
    return Spawn((float(pos[0]), float(pos[1]) - 1.6, float(pos[2])), yaw)


def _init_splats(ds, sh_degree: int, strategy: str, seed: int, max_points: int | None):
    from .init import random_splats_in_box, splats_from_points

    g = torch.Generator().manual_seed(seed)
    opacity = 0.5 if strategy == "mcmc" else 0.1
    if ds.points is not None and len(ds.points) >= 10:
        return splats_from_points(ds.points, ds.point_colors, sh_degree, opacity, max_points=max_points, generator=g)
    # no sparse points (e.g. a transforms.json without a point cloud): random splats around the
    # point the cameras look at, inside the cameras' spread
    centres = np.stack([v.camera.position.double().numpy() for v in ds.views])
    dirs = np.stack([v.camera.forward.double().numpy() for v in ds.views])
    a = np.zeros((3, 3))
    b = np.zeros(3)
    for c, d in zip(centres, dirs):
        p = np.eye(3) - np.outer(d, d)
        a += p
        b += p @ c
    target = np.linalg.lstsq(a, b, rcond=None)[0]
    extent = float(np.linalg.norm(centres - target, axis=1).mean()) * 0.5
    return random_splats_in_box(max_points or 50_000, target, extent, sh_degree, opacity, g)


def reconstruct(
    input: "str | os.PathLike",
    out_world: "str | os.PathLike",
    steps: int = 3000,
    resolution: int | None = 512,
    budget: int | None = None,
    strategy: str = "default",
    seed: int = 0,
    holdout: int = 8,
    sh_degree: int = 3,
    splat_format: str = "ply",
    workspace: "str | os.PathLike | None" = None,
    dataset=None,
    progress: bool = True,
    max_init_points: int | None = 200_000,
    **fit_options,
):
    """Reconstruct a World from ``input`` and save it to ``out_world``; returns the :class:`~spatial.world.World`.

    ``resolution`` limits the longer image side in pixels (None: full size). ``budget`` caps the splat
    count (exact for ``strategy="mcmc"``). ``holdout``: every n-th view is held out for the report
    (0 disables; needs at least 10 views). ``dataset`` skips loading (an in-memory
    :class:`~spatial.datasets.Dataset`). The world's ``metadata["reconstruct"]`` records the input,
    frame conversion, held-out PSNR/SSIM, splat count and timings; ``fit_curve.png`` and
    ``fit_preview.png`` (target | before | after) are written beside it.
    """
    import time

    from ..datasets import load_dataset
    from ..world import World
    from .fit import fit
    from .plots import save_png

    t0 = time.perf_counter()
    out_world = Path(out_world)
    own_ws = workspace is None
    ws = Path(tempfile.mkdtemp(prefix="spatial-reconstruct-")) if own_ws else Path(workspace)
    try:
        ds = dataset if dataset is not None else load_dataset(input, max_side=resolution, workspace=ws / "data", seed=seed)
        if dataset is not None and resolution:
            ds = ds.downscaled(resolution)
        ds.validate()
        if holdout and len(ds) >= 10:
            train, test = ds.split(holdout)
        else:
            train, test = ds, None
        t_load = time.perf_counter() - t0
        init = _init_splats(ds, sh_degree, strategy, seed, max_init_points)
        if strategy == "mcmc" and budget is not None and budget < len(init):
            idx = torch.randperm(len(init), generator=torch.Generator().manual_seed(seed))[:budget]
            init = init[idx]
        result = fit(init, train, steps=steps, strategy=strategy, budget=budget, seed=seed, eval_views=test, out_dir=ws / "fit",
                     sh_degree=sh_degree, progress=progress, **fit_options)
        splats = result.splats
        if not torch.isfinite(splats.means).all():
            raise ValidationError("fit produced non-finite splat positions")
        cams = ds.cameras
        preview_cam = (test.views[0].camera if test is not None else train.views[0].camera)
        from ..rendering import render

        with torch.no_grad():
            prev = render(splats, preview_cam, backend=fit_options.get("backend", "auto")).rgb[0].clamp(0, 1)
        meta = {
            "reconstruct": {
                "input": str(input) if input is not None else ds.source,
                "dataset": ds.info,
                "views": len(ds),
                "train_views": len(train),
                "heldout_views": 0 if test is None else len(test),
                "resolution": resolution,
                "steps": result.timings["steps"],
                "strategy": strategy,
                "budget": budget,
                "seed": seed,
                "metrics_heldout": {k: v for k, v in result.metrics.items() if k != "per_view_psnr"},
                "timings": {"load_and_sfm_s": t_load, "fit_s": result.timings["total"], "it_per_s": result.timings["it_per_s"]},
            }
        }
        world = World(
            splats=splats,
            spawn=_spawn_from_camera(ds.views[0].camera),
            name=out_world.name,
            seed=seed,
            generator={"name": "spatial.reconstruct", "strategy": strategy, "steps": steps},
            cameras=cams,
            metadata=meta,
            preview=to_uint8(prev),
        )
        world.save(out_world, splat_format=splat_format)
        from PIL import Image

        for name in ("curve.png", "preview.png"):  # extras beside the (already complete) world
            src = ws / "fit" / name
            if src.is_file():
                with Image.open(src) as im:
                    save_png(out_world / f"fit_{name}", np.asarray(im.convert("RGB")))
        return world
    finally:
        if own_ws:
            shutil.rmtree(ws, ignore_errors=True)
