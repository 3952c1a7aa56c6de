"""3DGS adaptive density control: clone, split and prune on the screen-space gradient, with opacity reset.

The rules are those of Kerbl et al. 2023 as gsplat's ``DefaultStrategy`` implements them:

* every render, the norm of dL/d(means2d) (in NDC units: x scaled by W/2, y by H/2) is accumulated
  per visible splat, with a visibility count;
* every ``refine_every`` steps between ``refine_start`` and ``refine_stop``: splats whose mean
  gradient exceeds ``grow_grad2d`` are **cloned** when small (max sigma <= ``grow_scale3d`` x scene
  scale) or **split** into two samples with sigma / 1.6 when large; then splats with opacity below
  ``prune_opacity`` (and, after the first reset, splats larger than ``prune_scale3d`` x scene scale)
  are **pruned**;
* every ``reset_every`` steps the opacities are clamped to 2 x ``prune_opacity``.

The 3DGS schedule is for 30,000 steps; :meth:`DefaultStrategy.for_steps` scales it to shorter runs.
``budget`` caps the number of splats: when growth would exceed it, only the splats with the largest
gradients grow.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import torch

from .params import SplatParams
from .schedule import compressed_schedule, schedule_position


@dataclass
class DefaultStrategy:
    prune_opacity: float = 0.005
    grow_grad2d: float = 0.0002
    grow_scale3d: float = 0.01
    prune_scale3d: float = 0.1
    refine_start: int = 500
    refine_stop: int = 15_000
    refine_every: int = 100
    reset_every: int = 3000
    budget: int | None = None
    revised_opacity: bool = False
    schedule_steps: int = 30_000  # the run length the schedule is laid out for
    name: str = "default"

    @classmethod
    def for_steps(cls, steps: int, budget: int | None = None, **overrides) -> "DefaultStrategy":
        """The 3DGS schedule compressed to ``steps`` (identical at 30,000 steps)."""
        kw = dict(compressed_schedule(steps, 0.5), reset_every=max(300, int(3000 * min(1.0, steps / 30_000))),
                  budget=budget)
        kw.update(overrides)
        return cls(**kw)

    # ------------------------------------------------------------------ state
    def init_state(self, n: int) -> dict:
        return {"grad2d": torch.zeros(n), "count": torch.zeros(n)}

    def state_dict(self, state: dict) -> dict:
        return {f"strategy/{k}": v for k, v in state.items()}

    def config(self) -> dict:
        return asdict(self)

    def regularization(self, params: SplatParams) -> torch.Tensor | float:
        return 0.0

    # ------------------------------------------------------------------ hooks
    @torch.no_grad()
    def after_backward(self, params: SplatParams, state: dict, step: int, out, generator: torch.Generator, scene_scale: float,
                       lr_means: float, progress: float | None = None) -> dict:
        """Accumulate gradients and refine. ``out`` is the :class:`RenderOutput` of this step (one
        camera). ``progress`` (fraction of the run done; under a wall-clock budget the larger of the
        step and time fractions) ends densification and resets at the same fraction of the run as the
        step schedule would, when time runs out before the steps do. Returns counters for the log
        (``grown``, ``split``, ``pruned``, ``reset``)."""
        log = {}
        if schedule_position(step, progress, self.schedule_steps) >= self.refine_stop:
            return log
        state["grad2d"] += out.screen_grad_norm(ndc=True).sum(0)  # [N], 0 where not visible
        state["count"] += out.visible.sum(0).float()
        if step > self.refine_start and step % self.refine_every == 0:
            log.update(self._grow(params, state, scene_scale, generator))
            log.update(self._prune(params, scene_scale, step))
            state.update(self.init_state(len(params)))
        if step > 0 and step % self.reset_every == 0:
            params.reset_opacity(self.prune_opacity * 2)
            log["reset"] = 1
        return log

    def _grow(self, params: SplatParams, state: dict, scene_scale: float, generator) -> dict:
        n = len(params)
        avg = state["grad2d"] / state["count"].clamp_min(1)
        high = avg > self.grow_grad2d
        if self.budget is not None:
            room = max(0, self.budget - n)
            if int(high.sum()) > room:  # keep the largest gradients only
                if room == 0:
                    return {"grown": 0, "split": 0}
                thresh = torch.topk(avg, room).values[-1]
                high &= avg >= thresh
        small = torch.exp(params["log_scales"].data).max(-1).values <= self.grow_scale3d * scene_scale
        dup = high & small
        spl = high & ~small
        n_dup, n_split = int(dup.sum()), int(spl.sum())
        if n_dup:
            params.duplicate(dup)
            spl = torch.cat([spl, torch.zeros(n_dup, dtype=torch.bool)])
        if n_split:
            params.split(spl, generator, self.revised_opacity)
        return {"grown": n_dup, "split": n_split}

    def _prune(self, params: SplatParams, scene_scale: float, step: int) -> dict:
        prune = torch.sigmoid(params["logit_opacities"].data) < self.prune_opacity
        if step > self.reset_every:
            prune |= torch.exp(params["log_scales"].data).max(-1).values > self.prune_scale3d * scene_scale
        if int(prune.sum()) >= len(params):  # never remove everything
            return {"pruned": 0}
        n = int(prune.sum())
        if n:
            params.keep(~prune)
        return {"pruned": n}


@dataclass
class NoDensification(DefaultStrategy):
    """Keeps the initial splats: no growth, no pruning, no reset (the baseline of the benchmarks)."""

    name: str = "none"

    @torch.no_grad()
    def after_backward(self, params, state, step, out, generator, scene_scale, lr_means, progress=None) -> dict:
        return {}
