"""3DGS as Markov chain Monte Carlo (Kheradmand et al., NeurIPS 2024), as gsplat's ``MCMCStrategy``.

* **Relocation** every ``refine_every`` steps between ``refine_start`` and ``refine_stop``: "dead"
  splats (opacity <= ``min_opacity``) are moved onto live ones sampled in proportion to opacity;
  the source and its copies share its opacity and shrink so that the rendered image is unchanged to
  first order (the paper's Eq. 9: ``o' = 1 - (1 - o)^(1/n)``, ``sigma' = o / (sum_i sum_k C(i-1,k)
  (-1)^k o'^(k+1) / sqrt(k+1)) * sigma``).
* **Growth** by 5% per refinement (same sampling and rule) until exactly ``budget`` splats exist.
* **SGLD noise** after every step: ``means += lr_means * noise_lr * sigmoid(-k (o - (1 - x0))) * Sigma eps``
  (large for transparent splats, vanishing for opaque ones; ``Sigma`` the splat's covariance).
* **Regularisers**: ``opacity_reg * mean(o) + scale_reg * mean(sigma)``.

The budget is exact: the splat count never exceeds ``budget`` and reaches it unless the run is
shorter than the growth schedule.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import torch

from ..core.rotation import normalize_quat, quat_to_rotmat
from .params import SplatParams
from .schedule import compressed_schedule, schedule_position

N_MAX = 51


def _binoms(n_max: int = N_MAX) -> torch.Tensor:
    b = torch.zeros(n_max, n_max)
    for n in range(n_max):
        for k in range(n + 1):
            b[n, k] = math.comb(n, k)
    return b


def relocation(opacities: torch.Tensor, scales: torch.Tensor, ratios: torch.Tensor, binoms: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """New (opacity [M], scales [M,3]) for splats copied ``ratios`` times in total (source included)."""
    n_max = binoms.shape[0]
    r = ratios.clamp(1, n_max).to(torch.int64)
    new_op = 1.0 - torch.pow(1.0 - opacities, 1.0 / r.to(opacities.dtype))
    # denom = sum_{i=1..n} sum_{k=0..i-1} C(i-1,k) (-1)^k / sqrt(k+1) * o'^(k+1); n is small in practice
    denom = torch.zeros_like(opacities)
    for i in range(1, int(r.max()) + 1 if len(r) else 1):
        active = r >= i
        for k in range(i):
            term = float(binoms[i - 1, k]) * ((-1.0) ** k) / math.sqrt(k + 1) * new_op ** (k + 1)
            denom = denom + torch.where(active, term, torch.zeros_like(term))
    coeff = opacities / denom
    return new_op, coeff[:, None] * scales


@dataclass
class MCMCStrategy:
    budget: int = 1_000_000
    noise_lr: float = 5e5
    refine_start: int = 500
    refine_stop: int = 25_000
    refine_every: int = 100
    min_opacity: float = 0.005
    growth: float = 0.05
    opacity_reg: float = 0.01
    scale_reg: float = 0.01
    schedule_steps: int = 30_000  # the run length the schedule is laid out for
    name: str = "mcmc"

    @classmethod
    def for_steps(cls, steps: int, budget: int, **overrides) -> "MCMCStrategy":
        """gsplat's schedule (30,000 steps) compressed to ``steps``; growth fast enough to reach the budget."""
        kw = dict(compressed_schedule(steps, 25_000 / 30_000), budget=int(budget))
        kw.update(overrides)
        return cls(**kw)

    def __post_init__(self):
        self._binoms = _binoms()

    def init_state(self, n: int) -> dict:
        return {}

    def state_dict(self, state: dict) -> dict:
        return {}

    def config(self) -> dict:
        return asdict(self)

    def regularization(self, params: SplatParams) -> torch.Tensor | float:
        reg = 0.0
        if self.opacity_reg > 0:
            reg = reg + self.opacity_reg * torch.sigmoid(params["logit_opacities"]).mean()
        if self.scale_reg > 0:
            reg = reg + self.scale_reg * torch.exp(params["log_scales"]).mean()
        return reg

    # ------------------------------------------------------------------ hooks
    @torch.no_grad()
    def after_backward(self, params: SplatParams, state: dict, step: int, out, generator: torch.Generator, scene_scale: float,
                       lr_means: float, progress: float | None = None) -> dict:
        """Relocate/grow on schedule (``progress``: see :meth:`DefaultStrategy.after_backward`), then add noise."""
        log = {}
        pos = schedule_position(step, progress, self.schedule_steps)
        if self.refine_start < step and pos < self.refine_stop and step % self.refine_every == 0:
            log["relocated"] = self._relocate(params, generator)
            log["grown"] = self._add(params, generator)
        self._noise(params, generator, lr_means * self.noise_lr)
        return log

    def _sample(self, probs: torch.Tensor, n: int, generator) -> torch.Tensor:
        probs = probs.clamp_min(0) + 1e-12
        if len(probs) > 2**24 - 1:  # torch.multinomial's limit
            u = torch.rand(n, generator=generator, dtype=torch.float64)
            c = torch.cumsum(probs.double(), 0)
            return torch.searchsorted(c, u * c[-1]).clamp_max(len(probs) - 1)
        return torch.multinomial(probs, n, replacement=True, generator=generator)

    def _relocate(self, params: SplatParams, generator) -> int:
        op = torch.sigmoid(params["logit_opacities"].data)
        dead = op <= self.min_opacity
        n_dead = int(dead.sum())
        if n_dead == 0 or n_dead == len(params):
            return 0
        dead_idx = dead.nonzero().squeeze(1)
        alive_idx = (~dead).nonzero().squeeze(1)
        sampled = alive_idx[self._sample(op[alive_idx], n_dead, generator)]
        ratios = torch.bincount(sampled, minlength=len(params))[sampled] + 1
        new_op, new_scales = relocation(op[sampled], torch.exp(params["log_scales"].data[sampled]), ratios, self._binoms)
        eps = torch.finfo(torch.float32).eps
        new_op = new_op.clamp(self.min_opacity, 1 - eps)
        logit, logsc = torch.logit(new_op), torch.log(new_scales)
        # sources get the new values, dead slots become copies of their sources
        vals_src = {"logit_opacities": logit, "log_scales": logsc}
        params.rewrite(sampled, vals_src)
        copies = {k: params[k].data[sampled].clone() for k in ("means", "quats", "log_scales", "logit_opacities", "sh0", "shN")}
        params.rewrite(dead_idx, copies)
        if params.labels is not None:
            params.labels[dead_idx] = params.labels[sampled]
        return n_dead

    def _add(self, params: SplatParams, generator) -> int:
        n = len(params)
        target = min(self.budget, int(math.ceil((1 + self.growth) * n)))
        n_new = max(0, target - n)
        if n_new == 0:
            return 0
        op = torch.sigmoid(params["logit_opacities"].data)
        sampled = self._sample(op, n_new, generator)
        ratios = torch.bincount(sampled, minlength=n)[sampled] + 1
        new_op, new_scales = relocation(op[sampled], torch.exp(params["log_scales"].data[sampled]), ratios, self._binoms)
        eps = torch.finfo(torch.float32).eps
        new_op = new_op.clamp(self.min_opacity, 1 - eps)
        params.rewrite(sampled, {"logit_opacities": torch.logit(new_op), "log_scales": torch.log(new_scales)})
        params.append({k: params[k].data[sampled].clone() for k in ("means", "quats", "log_scales", "logit_opacities", "sh0", "shN")}, sampled)
        return n_new

    def _noise(self, params: SplatParams, generator, scaler: float) -> None:
        op = torch.sigmoid(params["logit_opacities"].data)
        scales = torch.exp(params["log_scales"].data)
        r = quat_to_rotmat(normalize_quat(params["quats"].data))
        m = r * scales[:, None, :]
        cov = m @ m.transpose(1, 2)
        gate = torch.sigmoid(100.0 * ((1 - op) - 0.995))  # ~1 for transparent splats, ~0 for opaque
        noise = torch.randn(params["means"].shape, generator=generator) * gate[:, None] * scaler
        params["means"].data.add_(torch.einsum("nij,nj->ni", cov, noise))
