"""The optimisable splat parameters, their Adam optimiser, and the surgery densification needs.

:class:`SplatParams` keeps one ``torch.nn.Parameter`` per attribute (storage space, as in
:class:`~spatial.core.splats.Splats`): ``means``, ``quats``, ``log_scales``, ``logit_opacities``,
``sh0`` ``[N,1,3]`` and ``shN`` ``[N,K-1,3]``, each in its own Adam param group with its own
learning rate (3DGS / gsplat defaults, :data:`DEFAULT_LRS`). Adding, removing or rewriting splats
keeps the Adam moments of untouched splats and zeroes them for new or rewritten ones, as gsplat's
``ops.py`` does.
"""

from __future__ import annotations

from typing import Callable

import torch

from ..core.rotation import normalize_quat, quat_to_rotmat
from ..core.splats import Splats

#: Learning rates of 3DGS/gsplat (``means`` is multiplied by the scene scale and decays to 1%).
DEFAULT_LRS = {
    "means": 1.6e-4,
    "quats": 1e-3,
    "log_scales": 5e-3,
    "logit_opacities": 5e-2,
    "sh0": 2.5e-3,
    "shN": 2.5e-3 / 20,
}
NAMES = tuple(DEFAULT_LRS)


class SplatParams:
    """Parameters + optimiser. ``lrs`` override :data:`DEFAULT_LRS`; ``scene_scale`` multiplies the means LR."""

    def __init__(self, splats: Splats, sh_degree: int, scene_scale: float = 1.0, lrs: dict | None = None, eps: float = 1e-15):
        s = splats.with_sh_degree(sh_degree).detach()
        self.sh_degree = sh_degree
        self.scene_scale = float(scene_scale)
        self.lrs = dict(DEFAULT_LRS, **(lrs or {}))
        self.labels = None if s.labels is None else s.labels.clone()
        tensors = {
            "means": s.means.float(),
            "quats": s.quats.float(),
            "log_scales": s.log_scales.float(),
            "logit_opacities": s.logit_opacities.float(),
            "sh0": s.sh[:, :1].float(),
            "shN": s.sh[:, 1:].float(),
        }
        self.params = {k: torch.nn.Parameter(v.clone().contiguous()) for k, v in tensors.items()}
        groups = []
        for k, p in self.params.items():
            lr = self.lrs[k] * (self.scene_scale if k == "means" else 1.0)
            groups.append({"params": [p], "lr": lr, "name": k, "initial_lr": lr})
        try:
            self.optimizer = torch.optim.Adam(groups, eps=eps, fused=True)
        except (RuntimeError, TypeError):  # pragma: no cover - fused Adam unsupported on this build
            self.optimizer = torch.optim.Adam(groups, eps=eps)

    # ------------------------------------------------------------------ views
    def __len__(self) -> int:
        return int(self.params["means"].shape[0])

    def __getitem__(self, name: str) -> torch.nn.Parameter:
        return self.params[name]

    def splats(self, detach: bool = False) -> Splats:
        """A :class:`Splats` view of the parameters (differentiable unless ``detach``)."""
        p = {k: (v.detach() if detach else v) for k, v in self.params.items()}
        sh = torch.cat([p["sh0"], p["shN"]], 1)
        labels = None if self.labels is None else self.labels.clone()
        return Splats(p["means"], p["quats"], p["log_scales"], p["logit_opacities"], sh, labels)

    def group(self, name: str) -> dict:
        for g in self.optimizer.param_groups:
            if g["name"] == name:
                return g
        raise KeyError(name)

    def set_lr(self, name: str, lr: float) -> None:
        self.group(name)["lr"] = lr

    # ------------------------------------------------------------------ surgery
    def _update(self, param_fn: Callable[[str, torch.Tensor], torch.Tensor], state_fn: Callable[[str, torch.Tensor], torch.Tensor],
                labels_fn: Callable[[torch.Tensor], torch.Tensor] | None = None) -> None:
        """Replace every parameter by ``param_fn(name, data)`` and each Adam moment by ``state_fn(name, moment)``."""
        for g in self.optimizer.param_groups:
            name = g["name"]
            old = g["params"][0]
            st = self.optimizer.state.pop(old, {})
            new = torch.nn.Parameter(param_fn(name, old.data).contiguous())
            for k, v in list(st.items()):
                if k != "step" and isinstance(v, torch.Tensor) and v.shape == old.shape:
                    st[k] = state_fn(name, v).contiguous()
            g["params"] = [new]
            if st:
                self.optimizer.state[new] = st
            self.params[name] = new
        if self.labels is not None and labels_fn is not None:
            self.labels = labels_fn(self.labels)

    @torch.no_grad()
    def append(self, new: dict[str, torch.Tensor], source_idx: torch.Tensor | None = None) -> None:
        """Append splats given as a dict of storage tensors (every name in :data:`NAMES`); their Adam
        moments start at zero. ``source_idx`` gives labels for the new splats (copied from those)."""
        n_new = int(new["means"].shape[0])
        self._update(
            lambda k, p: torch.cat([p, new[k].to(p.dtype)]),
            lambda k, v: torch.cat([v, v.new_zeros((n_new,) + v.shape[1:])]),
            (lambda lab: torch.cat([lab, lab[source_idx] if source_idx is not None else lab.new_zeros(n_new)])),
        )

    @torch.no_grad()
    def keep(self, mask: torch.Tensor) -> None:
        """Keep only splats where ``mask`` is True."""
        self._update(lambda k, p: p[mask], lambda k, v: v[mask], lambda lab: lab[mask])

    @torch.no_grad()
    def duplicate(self, mask: torch.Tensor) -> None:
        """Clone the selected splats in place (3DGS "clone")."""
        idx = mask.nonzero().squeeze(1)
        self.append({k: self.params[k].data[idx] for k in NAMES}, idx)

    @torch.no_grad()
    def split(self, mask: torch.Tensor, generator: torch.Generator | None = None, revised_opacity: bool = False) -> None:
        """Replace each selected splat by two samples of itself with sigma / 1.6 (3DGS "split")."""
        idx = mask.nonzero().squeeze(1)
        if len(idx) == 0:
            return
        p = self.params
        scales = torch.exp(p["log_scales"].data[idx])
        rot = quat_to_rotmat(normalize_quat(p["quats"].data[idx]))
        noise = torch.randn((2, len(idx), 3), generator=generator, dtype=scales.dtype)
        samples = torch.einsum("nij,nj,bnj->bni", rot, scales, noise)
        new = {
            "means": (p["means"].data[idx][None] + samples).reshape(-1, 3),
            "log_scales": torch.log(scales / 1.6).repeat(2, 1),
        }
        op = p["logit_opacities"].data[idx]
        if revised_opacity:
            op = torch.logit(1 - torch.sqrt(1 - torch.sigmoid(op)))
        new["logit_opacities"] = op.repeat(2)
        for k in ("quats", "sh0", "shN"):
            v = p[k].data[idx]
            new[k] = v.repeat((2,) + (1,) * (v.ndim - 1))
        keep = ~mask
        src = idx.repeat(2)
        labels_new = None if self.labels is None else self.labels[src]
        self.keep(keep)
        self.append(new)
        if labels_new is not None:
            self.labels[-len(src):] = labels_new

    @torch.no_grad()
    def reset_opacity(self, max_opacity: float) -> None:
        """Clamp opacities to at most ``max_opacity`` and zero their Adam moments (3DGS opacity reset)."""
        cap = float(torch.logit(torch.tensor(max_opacity)))
        self._update(lambda k, p: p.clamp_max(cap) if k == "logit_opacities" else p,
                     lambda k, v: torch.zeros_like(v) if k == "logit_opacities" else v)

    @torch.no_grad()
    def rewrite(self, idx: torch.Tensor, values: dict[str, torch.Tensor]) -> None:
        """Overwrite splats ``idx`` with ``values`` (any subset of names) and zero all their Adam moments."""
        def pf(k, p):
            if k in values:
                p = p.clone()
                p[idx] = values[k].to(p.dtype)
            return p

        def sf(k, v):
            v = v.clone()
            v[idx] = 0
            return v

        self._update(pf, sf)

    # ------------------------------------------------------------------ state
    def state_arrays(self) -> dict[str, torch.Tensor]:
        """Parameters and Adam moments as plain tensors (for checkpoints)."""
        out = {}
        for g in self.optimizer.param_groups:
            k = g["name"]
            p = g["params"][0]
            out[f"param/{k}"] = p.detach().clone()
            st = self.optimizer.state.get(p, {})
            for sk, sv in st.items():
                if isinstance(sv, torch.Tensor):
                    out[f"adam/{k}/{sk}"] = sv.detach().clone().reshape(sv.shape) if sv.ndim else sv.detach().clone().reshape(1)
        if self.labels is not None:
            out["labels"] = self.labels.clone()
        return out

    def load_state_arrays(self, arrays: dict[str, torch.Tensor]) -> None:
        self.labels = arrays.get("labels")
        for g in self.optimizer.param_groups:
            k = g["name"]
            old = g["params"][0]
            self.optimizer.state.pop(old, None)
            new = torch.nn.Parameter(arrays[f"param/{k}"].float().contiguous())
            g["params"] = [new]
            self.params[k] = new
            st = {}
            for sk in ("step", "exp_avg", "exp_avg_sq"):
                key = f"adam/{k}/{sk}"
                if key in arrays:
                    v = arrays[key]
                    st[sk] = v.reshape(()) .float() if sk == "step" else v.float().contiguous()
            if st:
                self.optimizer.state[new] = st
