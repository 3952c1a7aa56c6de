"""The optimisation loop: render a training view, L1 + D-SSIM loss, Adam, densification strategy.

One step (batch of one view, as 3DGS): pick the next view of a seeded per-epoch shuffle, render it
with :func:`spatial.render` at the current SH degree, take
``loss = w_view * ((1 - lambda) L1 + lambda (1 - SSIM)) + strategy regulariser`` over the view's
mask, back-propagate, step Adam (means LR decays exponentially from ``1.6e-4 x scene scale`` to 1%
of it), then let the strategy refine (:mod:`.strategy_default`, :mod:`.strategy_mcmc`).

The time spent inside the rasterizer (forward and backward) is measured separately from the rest
(loss, optimiser, strategy) by back-propagating the loss to the rendered image first.
"""

from __future__ import annotations

import json
import math
import os
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import torch

from ..core.colour import to_uint8
from ..core.splats import Splats
from ..errors import ValidationError
from . import metrics as _metrics
from .checkpoint import load_checkpoint, save_checkpoint
from .loss import photometric_loss
from .params import SplatParams
from .strategy_default import DefaultStrategy, NoDensification
from .strategy_mcmc import MCMCStrategy


@dataclass
class FitConfig:
    """Every knob of :func:`spatial.fit` (defaults follow 3DGS/gsplat, compressed to ``steps``)."""

    steps: int = 3000
    strategy: str = "default"  # "default" | "mcmc" | "none"
    budget: int | None = None  # max splats (default) / exact count (mcmc; default 3x initial)
    seed: int = 0
    sh_degree: int = 3
    sh_interval: int | None = None  # steps per SH band; default steps // 12 clamped to [50, 1000]
    ssim_lambda: float = 0.2
    background: tuple[float, float, float] = (0.0, 0.0, 0.0)
    lrs: dict | None = None
    means_lr_final: float = 0.01  # final / initial means LR
    scene_scale: float | None = None
    backend: str = "auto"
    antialiased: bool = False
    max_seconds: float | None = None  # wall-clock budget; LR decay then follows elapsed time
    eval_every: int = 0  # held-out evaluation every N steps (0: only at the end)
    log_every: int = 10
    checkpoint_every: int = 0  # 0: only at the end (when out_dir is set)
    stop_at: int | None = None  # pause after this step (the checkpoint lets a later call resume)
    progress: bool = True
    strategy_options: dict = field(default_factory=dict)
    # torch intra-op threads during the loop; None = 1 with the C++ ``cpu`` rasterizer (it runs its own
    # thread pool on every core; torch's OpenMP workers spinning beside it slowed steps ~5x), else unchanged
    torch_threads: int | None = None


@dataclass
class FitResult:
    splats: Splats
    history: list[dict]
    eval_history: list[dict]
    metrics: dict  # held-out {"psnr","ssim"[,"lpips"], "views"} (empty without eval views)
    timings: dict  # seconds: total, render_forward, render_backward, other; steps, it_per_s, outside_share
    config: dict
    files: dict  # name -> path (curve, preview, checkpoint)

    def summary(self) -> str:
        m = self.metrics
        s = f"{len(self.splats)} splats, {self.timings['steps']} steps in {self.timings['total']:.1f} s ({self.timings['it_per_s']:.2f} it/s)"
        if m:
            s += f"; held-out PSNR {m['psnr']:.2f} dB, SSIM {m['ssim']:.4f}"
        return s


class _Views:
    """Training views as float tensors, with masks and weights."""

    def __init__(self, views):
        self.cameras, self.images, self.masks, self.weights, self.names = [], [], [], [], []
        for v in views:
            img = v.image
            t = torch.from_numpy(np.array(img, copy=True)).float() / 255.0 if isinstance(img, np.ndarray) and img.dtype == np.uint8 else torch.as_tensor(img).float()
            if t.ndim != 3 or t.shape[2] != 3:
                raise ValidationError(f"view {v.name or len(self.images)}: image must be [H,W,3], got {list(t.shape)}")
            if (t.shape[1], t.shape[0]) != (v.camera.width, v.camera.height):
                raise ValidationError(f"view {v.name or len(self.images)}: image {t.shape[1]}x{t.shape[0]} does not match its camera {v.camera.width}x{v.camera.height}")
            self.cameras.append(v.camera)
            self.images.append(t.contiguous())
            m = None if v.mask is None else torch.as_tensor(np.asarray(v.mask, np.float32))
            self.masks.append(m)
            self.weights.append(float(v.weight))
            self.names.append(v.name)

    def __len__(self) -> int:
        return len(self.images)


def as_views(views, masks=None, weights=None) -> list:
    """Normalise ``views`` (a Dataset, Views, or (Camera, image) pairs) to a list of View objects,
    applying optional per-view ``masks`` and ``weights``."""
    from ..datasets.dataset import Dataset, View

    if isinstance(views, Dataset):
        vs = list(views.views)
    else:
        vs = []
        for i, v in enumerate(views):
            if isinstance(v, View):
                vs.append(v)
            elif isinstance(v, (tuple, list)) and len(v) == 2:
                img = v[1]
                if isinstance(img, torch.Tensor):
                    img = img.detach().cpu().numpy()
                img = np.asarray(img)
                if img.dtype != np.uint8:
                    img = to_uint8(img) if img.dtype.kind == "f" else img.astype(np.uint8)
                vs.append(View(v[0], img, None, 1.0, v[0].name or f"view_{i:04d}"))
            else:
                raise ValidationError(f"view {i}: expected a View or a (Camera, image) pair, got {type(v).__name__}")
    from dataclasses import replace

    if masks is not None:
        if len(masks) != len(vs):
            raise ValidationError(f"got {len(masks)} masks for {len(vs)} views")
        vs = [replace(v, mask=None if m is None else np.asarray(m.detach().cpu().numpy() if isinstance(m, torch.Tensor) else m, np.float32)) for v, m in zip(vs, masks)]
    if weights is not None:
        if len(weights) != len(vs):
            raise ValidationError(f"got {len(weights)} weights for {len(vs)} views")
        vs = [replace(v, weight=float(w)) for v, w in zip(vs, weights)]
    for i, v in enumerate(vs):
        if v.mask is not None and tuple(np.shape(v.mask)) != (v.camera.height, v.camera.width):
            raise ValidationError(f"view {v.name or i}: mask shape {np.shape(v.mask)} does not match {v.camera.height}x{v.camera.width}")
        if not (math.isfinite(v.weight) and v.weight >= 0):
            raise ValidationError(f"view {v.name or i}: weight must be finite and >= 0")
    return vs


def make_strategy(name: str, steps: int, budget: int | None, n_init: int, options: dict | None = None):
    options = dict(options or {})
    if name == "default":
        return DefaultStrategy.for_steps(steps, budget, **options)
    if name == "mcmc":
        return MCMCStrategy.for_steps(steps, budget if budget is not None else max(3 * n_init, n_init + 1000), **options)
    if name in ("none", None):
        return NoDensification(**options)
    raise ValidationError(f"strategy must be 'default', 'mcmc' or 'none', got {name!r}")


class Trainer:
    """Holds the state of one fit; :meth:`run` trains, :meth:`evaluate` scores views."""

    def __init__(self, init: Splats, train_views, config: FitConfig, eval_views=None):
        from ..rendering import render  # noqa: F401  (fail early when rendering is unavailable)

        self.cfg = config
        if config.steps < 1:
            raise ValidationError(f"steps must be >= 1, got {config.steps}")
        if len(init) == 0:
            raise ValidationError("cannot fit an empty splat set (no initial points)")
        for name in ("means", "log_scales", "logit_opacities", "sh"):
            if not torch.isfinite(getattr(init, name)).all():
                raise ValidationError(f"initial splats have non-finite {name}")
        self.train = _Views(train_views)
        if len(self.train) == 0:
            raise ValidationError("no training views")
        self.eval = _Views(eval_views) if eval_views else None
        self.scene_scale = config.scene_scale or _scene_scale(self.train.cameras)
        self.params = SplatParams(init, config.sh_degree, self.scene_scale, config.lrs)
        self.strategy = make_strategy(config.strategy, config.steps, config.budget, len(init), config.strategy_options)
        if isinstance(self.strategy, MCMCStrategy) and len(init) > self.strategy.budget:
            raise ValidationError(f"MCMC budget {self.strategy.budget} is below the initial splat count {len(init)}")
        self.state = self.strategy.init_state(len(init))
        self.generator = torch.Generator().manual_seed(int(config.seed))
        self.step = 0
        self.history: list[dict] = []
        self.eval_history: list[dict] = []
        self.times = {"render_forward": 0.0, "render_backward": 0.0, "other": 0.0, "total": 0.0}
        self.background = torch.tensor(config.background, dtype=torch.float32)
        self.sh_interval = config.sh_interval or max(50, min(1000, config.steps // 12))
        self._gt_stats: dict[int, tuple] = {}  # filtered target moments for SSIM, per view

    # ------------------------------------------------------------------ schedule
    def view_index(self, step: int) -> int:
        n = len(self.train)
        epoch, k = divmod(step, n)
        g = torch.Generator().manual_seed(int(self.cfg.seed) * 1_000_003 + epoch)
        return int(torch.randperm(n, generator=g)[k])

    def sh_degree_at(self, step: int) -> int:
        return min(self.cfg.sh_degree, step // self.sh_interval)

    def means_lr(self, progress: float) -> float:
        lr0 = self.params.group("means")["initial_lr"]
        return lr0 * self.cfg.means_lr_final ** min(1.0, max(0.0, progress))

    # ------------------------------------------------------------------ one step
    def train_step(self, progress: float) -> dict:
        from ..rendering import render

        cfg = self.cfg
        step = self.step
        i = self.view_index(step)
        cam, gt, mask, w = self.train.cameras[i], self.train.images[i], self.train.masks[i], self.train.weights[i]
        lr_means = self.means_lr(progress)
        self.params.set_lr("means", lr_means)

        t0 = time.perf_counter()
        splats = self.params.splats()
        out = render(splats, cam, sh_degree=self.sh_degree_at(step), background=self.background, backend=cfg.backend,
                     antialiased=cfg.antialiased)
        t1 = time.perf_counter()
        rgb = out.rgb[0]
        img = rgb.detach().requires_grad_(True)
        stats = None
        if cfg.ssim_lambda > 0:
            stats = self._gt_stats.get(i)
            if stats is None:
                stats = self._gt_stats[i] = _metrics.target_stats(gt)
        loss_img, l1 = photometric_loss(img, gt, mask, cfg.ssim_lambda, stats)
        loss = loss_img * w
        loss.backward()
        t2 = time.perf_counter()
        rgb.backward(img.grad)
        t3 = time.perf_counter()
        reg = self.strategy.regularization(self.params)
        if isinstance(reg, torch.Tensor):
            reg.backward()
        self.params.optimizer.step()
        self.params.optimizer.zero_grad(set_to_none=True)
        log = self.strategy.after_backward(self.params, self.state, step, out, self.generator, self.scene_scale, lr_means,
                                           progress if cfg.max_seconds else None)
        t4 = time.perf_counter()
        self.times["render_forward"] += t1 - t0
        self.times["render_backward"] += t3 - t2
        self.times["other"] += (t2 - t1) + (t4 - t3)
        with torch.no_grad():
            mse = float(_metrics.mse(rgb.detach().clamp(0, 1), gt, mask))
        self.step += 1
        return {"loss": float(loss_img.detach()), "l1": float(l1.detach()), "psnr": -10 * math.log10(max(mse, 1e-12)), **log}

    # ------------------------------------------------------------------ evaluation
    @torch.no_grad()
    def render_view(self, camera, splats: Splats | None = None) -> torch.Tensor:
        from ..rendering import render

        s = self.params.splats(detach=True) if splats is None else splats
        deg = min(self.cfg.sh_degree, s.sh_degree) if splats is not None else self.sh_degree_at(self.step)
        return render(s, camera, sh_degree=deg, background=self.background, backend=self.cfg.backend,
                      antialiased=self.cfg.antialiased).rgb[0].clamp(0, 1)

    @torch.no_grad()
    def evaluate(self, views: "_Views | None" = None, with_lpips: bool = False) -> dict:
        views = views or self.eval
        if views is None or len(views) == 0:
            return {}
        per = []
        for cam, img, mask in zip(views.cameras, views.images, views.masks):
            per.append(_metrics.image_metrics(self.render_view(cam), img, mask, with_lpips))
        out = {k: float(np.mean([p[k] for p in per])) for k in ("psnr", "ssim")}
        if with_lpips and per and per[0].get("lpips") is not None:
            out["lpips"] = float(np.mean([p["lpips"] for p in per]))
        out["views"] = len(per)
        out["per_view_psnr"] = [p["psnr"] for p in per]
        return out

    # ------------------------------------------------------------------ checkpoints
    def checkpoint(self, folder) -> Path:
        arrays = self.params.state_arrays()
        arrays.update(self.strategy.state_dict(self.state))
        arrays["rng/generator"] = self.generator.get_state()
        meta = {
            "step": self.step,
            "config": _jsonable(asdict(self.cfg)),
            "scene_scale": self.scene_scale,
            "history": self.history,
            "eval_history": self.eval_history,
            "times": self.times,
        }
        return save_checkpoint(folder, arrays, meta)

    def restore(self, folder) -> None:
        arrays, meta = load_checkpoint(folder)
        cfg = meta.get("config", {})
        for key in ("strategy", "seed", "sh_degree", "steps", "budget"):
            if key in cfg and cfg[key] != getattr(self.cfg, key):
                raise ValidationError(f"checkpoint {folder} was made with {key}={cfg[key]!r}, this fit has {getattr(self.cfg, key)!r}")
        self.params.load_state_arrays(arrays)
        self.state = {k.split("/", 1)[1]: v.float() for k, v in arrays.items() if k.startswith("strategy/")}
        if not self.state:
            self.state = self.strategy.init_state(len(self.params))
        self.generator.set_state(arrays["rng/generator"].to(torch.uint8))
        self.step = int(meta["step"])
        self.scene_scale = float(meta.get("scene_scale", self.scene_scale))
        self.history = list(meta.get("history", []))
        self.eval_history = list(meta.get("eval_history", []))
        self.times.update(meta.get("times", {}))

    # ------------------------------------------------------------------ loop
    def loop_threads(self) -> int | None:
        """torch intra-op threads for the loop (None: leave torch's setting alone)."""
        if self.cfg.torch_threads is not None:
            return int(self.cfg.torch_threads)
        from ..rendering.backends import resolve

        return 1 if resolve(self.cfg.backend, torch.device("cpu"), torch.float32) == "cpu" else None

    def run(self, out_dir: "str | os.PathLike | None" = None) -> None:
        threads = self.loop_threads()
        old = torch.get_num_threads()
        if threads is not None and threads != old:
            torch.set_num_threads(max(1, threads))
        try:
            self._run(out_dir)
        finally:
            if torch.get_num_threads() != old:
                torch.set_num_threads(old)

    def _run(self, out_dir: "str | os.PathLike | None" = None) -> None:
        cfg = self.cfg
        from tqdm.auto import tqdm

        start_total = self.times["total"]
        t_start = time.perf_counter()
        bar = tqdm(total=cfg.steps, initial=self.step, disable=not cfg.progress, desc=f"fit ({cfg.strategy})", unit="it",
                   dynamic_ncols=True, leave=False)
        ema_loss = ema_psnr = None
        try:
            while self.step < cfg.steps:
                elapsed = start_total + time.perf_counter() - t_start
                if cfg.max_seconds is not None and elapsed >= cfg.max_seconds:
                    break
                if cfg.stop_at is not None and self.step >= cfg.stop_at:
                    break
                progress = self.step / cfg.steps
                if cfg.max_seconds:
                    progress = max(progress, elapsed / cfg.max_seconds)
                rec = self.train_step(progress)
                ema_loss = rec["loss"] if ema_loss is None else 0.9 * ema_loss + 0.1 * rec["loss"]
                ema_psnr = rec["psnr"] if ema_psnr is None else 0.9 * ema_psnr + 0.1 * rec["psnr"]
                if not math.isfinite(rec["loss"]):
                    raise ValidationError(f"loss became {rec['loss']} at step {self.step}; try a lower learning rate")
                if self.step % cfg.log_every == 0 or self.step == cfg.steps:
                    self.history.append({"step": self.step, "loss": ema_loss, "psnr": ema_psnr, "splats": len(self.params),
                                         "time": start_total + time.perf_counter() - t_start})
                    bar.set_postfix(loss=f"{ema_loss:.4f}", psnr=f"{ema_psnr:.2f}", n=len(self.params), refresh=False)
                if cfg.eval_every and self.eval is not None and self.step % cfg.eval_every == 0:
                    m = self.evaluate()
                    self.eval_history.append({"step": self.step, "psnr": m["psnr"], "ssim": m["ssim"]})
                if out_dir is not None and cfg.checkpoint_every and self.step % cfg.checkpoint_every == 0:
                    self.times["total"] = start_total + time.perf_counter() - t_start
                    self.checkpoint(Path(out_dir) / "checkpoint")
                bar.update(1)
        finally:
            bar.close()
            self.times["total"] = start_total + time.perf_counter() - t_start


def _scene_scale(cameras) -> float:
    c = torch.stack([cam.position.double() for cam in cameras])
    r = float((c - c.mean(0)).norm(dim=1).max()) * 1.1
    return max(r, 1e-3) if len(cameras) > 1 else 1.0


def _jsonable(x):
    return json.loads(json.dumps(x, default=lambda o: o.tolist() if hasattr(o, "tolist") else str(o)))
