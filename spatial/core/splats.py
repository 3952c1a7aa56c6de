"""The one splat data model that flows through spatial.

A :class:`Splats` holds N 3D Gaussians in spatial's world frame (right-handed, +Y up,
metres; see docs/conventions.md) in their *storage* parameterization:

=============  ==========  ==========================================================
field          shape       meaning
=============  ==========  ==========================================================
``means``      [N, 3]      centre positions
``quats``      [N, 4]      rotation quaternions (w, x, y, z); not necessarily unit
``log_scales`` [N, 3]      natural log of the per-axis standard deviations
``logit_opacities`` [N]    logit of opacity in [0, 1]
``sh``         [N, K, 3]   SH colour coefficients, K = (degree+1)^2, DC first
``labels``     [N] or None int32 semantic label ids (legend lives on the World)
=============  ==========  ==========================================================

Activated accessors (:attr:`scales`, :attr:`opacities`, :attr:`rotations`, :attr:`colors`)
give the linear values renderers and file formats need.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Iterable, Sequence

import torch

from ..errors import ValidationError
from . import sh as _sh
from .rotation import covariance, normalize_quat, quat_multiply, quat_to_rotmat, rotmat_to_quat


def _as_tensor(x, dtype=torch.float32, device=None) -> torch.Tensor:
    """Tensor on ``device``; float tensors keep their precision (float64 stays float64), others become ``dtype``."""
    if isinstance(x, torch.Tensor):
        if x.is_floating_point() and dtype.is_floating_point:
            dtype = x.dtype
        return x.to(dtype=dtype, device=device) if device is not None else x.to(dtype=dtype)
    return torch.as_tensor(x, dtype=dtype, device=device)


@dataclass
class Splats:
    """A set of 3D Gaussians (see module docstring for the parameterization)."""

    means: torch.Tensor
    quats: torch.Tensor
    log_scales: torch.Tensor
    logit_opacities: torch.Tensor
    sh: torch.Tensor
    labels: torch.Tensor | None = None

    # ------------------------------------------------------------------ construction
    def __post_init__(self):
        dev = self.means.device if isinstance(self.means, torch.Tensor) else None
        self.means = _as_tensor(self.means, device=dev)
        self.quats = _as_tensor(self.quats, device=dev)
        self.log_scales = _as_tensor(self.log_scales, device=dev)
        self.logit_opacities = _as_tensor(self.logit_opacities, device=dev)
        self.sh = _as_tensor(self.sh, device=dev)
        if self.labels is not None:
            self.labels = _as_tensor(self.labels, dtype=torch.int32, device=dev)
        self.validate()

    def validate(self) -> "Splats":
        """Check shapes; raises :class:`ValidationError` naming the offending field."""
        n = self.means.shape[0] if self.means.ndim == 2 else -1
        expect = {
            "means": (n, 3),
            "quats": (n, 4),
            "log_scales": (n, 3),
            "logit_opacities": (n,),
        }
        if self.means.ndim != 2 or self.means.shape[1] != 3:
            raise ValidationError(f"means must have shape [N,3], got {tuple(self.means.shape)}")
        for name, shape in expect.items():
            t = getattr(self, name)
            if tuple(t.shape) != shape:
                raise ValidationError(f"{name} must have shape {list(shape)}, got {list(t.shape)}")
        if self.sh.ndim != 3 or self.sh.shape[0] != n or self.sh.shape[2] != 3:
            raise ValidationError(f"sh must have shape [N,K,3], got {list(self.sh.shape)}")
        try:
            _sh.degree_from_coeffs(self.sh.shape[1])
        except ValueError as e:
            raise ValidationError(str(e)) from None
        if self.labels is not None and tuple(self.labels.shape) != (n,):
            raise ValidationError(f"labels must have shape [N], got {list(self.labels.shape)}")
        return self

    @classmethod
    def empty(cls, sh_degree: int = 0, device=None) -> "Splats":
        k = _sh.num_coeffs(sh_degree)
        z = lambda *s: torch.zeros(*s, device=device)  # noqa: E731
        return cls(z(0, 3), z(0, 4), z(0, 3), z(0), z(0, k, 3))

    @classmethod
    def from_activated(
        cls,
        means,
        quats=None,
        scales=None,
        opacities=None,
        colors=None,
        sh=None,
        labels=None,
    ) -> "Splats":
        """Build from linear values: ``scales`` (sigma, >0), ``opacities`` in [0,1],
        ``colors`` RGB in [0,1] (DC only) or ``sh`` [N,K,3] coefficients."""
        means = _as_tensor(means)
        n = means.shape[0]
        if quats is None:
            quats = torch.zeros(n, 4)
            quats[:, 0] = 1
        scales = torch.full((n, 3), 0.01) if scales is None else _as_tensor(scales)
        if scales.ndim == 1:
            scales = scales[:, None].expand(n, 3)
        opacities = torch.ones(n) if opacities is None else _as_tensor(opacities)
        if sh is None:
            colors = torch.full((n, 3), 0.5) if colors is None else _as_tensor(colors)
            sh = _sh.rgb_to_sh(colors)[:, None, :]
        eps = 1e-7
        return cls(
            means,
            _as_tensor(quats),
            torch.log(scales.clamp_min(1e-30)),
            torch.logit(opacities.clamp(eps, 1 - eps)),
            _as_tensor(sh),
            labels,
        )

    # ------------------------------------------------------------------ basic properties
    def __len__(self) -> int:
        return int(self.means.shape[0])

    @property
    def num_splats(self) -> int:
        return len(self)

    @property
    def sh_degree(self) -> int:
        return _sh.degree_from_coeffs(self.sh.shape[1])

    @property
    def device(self) -> torch.device:
        return self.means.device

    @property
    def scales(self) -> torch.Tensor:
        """Linear per-axis standard deviations [N,3]."""
        return torch.exp(self.log_scales)

    @property
    def opacities(self) -> torch.Tensor:
        """Opacities in [0,1] [N]."""
        return torch.sigmoid(self.logit_opacities)

    @property
    def rotations(self) -> torch.Tensor:
        """Unit quaternions (w,x,y,z) [N,4]."""
        return normalize_quat(self.quats)

    @property
    def colors(self) -> torch.Tensor:
        """View-independent RGB from the DC term, clamped to [0,1] [N,3]."""
        return _sh.sh_to_rgb(self.sh[:, 0, :]).clamp(0, 1)

    def covariances(self) -> torch.Tensor:
        """World-space covariance matrices [N,3,3]."""
        return covariance(self.quats, self.scales)

    def bounds(self) -> tuple[torch.Tensor, torch.Tensor]:
        """Axis-aligned box of the finite centres (min [3], max [3]); zeros for an empty set."""
        m = self.means[torch.isfinite(self.means).all(-1)]
        if m.shape[0] == 0:
            z = torch.zeros(3, device=self.device)
            return z, z.clone()
        return m.min(0).values, m.max(0).values

    # ------------------------------------------------------------------ tensor plumbing
    def _map(self, fn) -> "Splats":
        vals = {f.name: (None if getattr(self, f.name) is None else fn(getattr(self, f.name))) for f in fields(self)}
        return Splats(**vals)

    def to(self, device=None, dtype: torch.dtype | None = None) -> "Splats":
        """Move to a device and/or cast float fields to ``dtype`` (labels stay int32)."""

        def mv(t):
            if t.dtype == torch.int32:
                return t.to(device=device)
            return t.to(device=device, dtype=dtype or t.dtype)

        return self._map(mv)

    def clone(self) -> "Splats":
        return self._map(lambda t: t.detach().clone())

    def detach(self) -> "Splats":
        return self._map(lambda t: t.detach())

    def __getitem__(self, index) -> "Splats":
        """Index or mask along the splat axis (int, slice, bool mask, index tensor)."""
        if isinstance(index, int):
            index = slice(index, index + 1 if index != -1 else None)
        if isinstance(index, torch.Tensor) and index.dtype == torch.bool and index.shape != (len(self),):
            raise ValidationError(f"mask has shape {list(index.shape)}, expected [{len(self)}]")
        return self._map(lambda t: t[index])

    def with_sh_degree(self, degree: int) -> "Splats":
        """Truncate or zero-pad the SH coefficients to ``degree``."""
        k = _sh.num_coeffs(degree)
        cur = self.sh.shape[1]
        if k <= cur:
            sh = self.sh[:, :k].clone()
        else:
            sh = torch.cat([self.sh, self.sh.new_zeros(len(self), k - cur, 3)], 1)
        return replace(self, sh=sh)

    @staticmethod
    def concat(items: Sequence["Splats"] | Iterable["Splats"]) -> "Splats":
        """Concatenate splat sets; SH is padded to the highest degree; labels are kept when any set has them."""
        items = list(items)
        if not items:
            return Splats.empty()
        deg = max(s.sh_degree for s in items)
        items = [s.with_sh_degree(deg) for s in items]
        any_labels = any(s.labels is not None for s in items)
        labels = None
        if any_labels:
            labels = torch.cat(
                [s.labels if s.labels is not None else torch.zeros(len(s), dtype=torch.int32, device=s.device) for s in items]
            )
        return Splats(
            torch.cat([s.means for s in items]),
            torch.cat([s.quats for s in items]),
            torch.cat([s.log_scales for s in items]),
            torch.cat([s.logit_opacities for s in items]),
            torch.cat([s.sh for s in items]),
            labels,
        )

    # ------------------------------------------------------------------ geometry
    def transform(self, rotation=None, translation=None, scale: float = 1.0) -> "Splats":
        """Apply ``x -> scale * R x + t`` (a similarity). Quaternions, log-scales and the SH
        coefficients (view dependence) are rotated consistently; ``scale`` must be > 0."""
        if not (scale > 0):
            raise ValidationError(f"uniform scale must be > 0, got {scale}")
        r = torch.eye(3, dtype=torch.float64) if rotation is None else torch.as_tensor(rotation, dtype=torch.float64)
        if r.shape == (4,):
            r = quat_to_rotmat(r)
        if r.shape != (3, 3) or not torch.allclose(r @ r.T, torch.eye(3, dtype=torch.float64), atol=1e-5) or torch.det(r) < 0:
            raise ValidationError("rotation must be a proper 3x3 rotation matrix or a (w,x,y,z) quaternion")
        t = torch.zeros(3, dtype=torch.float64) if translation is None else torch.as_tensor(translation, dtype=torch.float64)
        if t.shape != (3,) or not torch.isfinite(t).all():
            raise ValidationError("translation must be 3 finite numbers")
        dt, dev = self.means.dtype, self.device
        means = (scale * (self.means.double() @ r.T.to(dev)) + t.to(dev)).to(dt)
        q_r = rotmat_to_quat(r).to(dev).to(dt)
        quats = quat_multiply(q_r.expand_as(self.quats), self.quats)
        log_scales = self.log_scales + float(torch.log(torch.tensor(scale)))
        sh = _sh.rotate_sh(self.sh, r) if self.sh.shape[1] > 1 else self.sh.clone()
        return replace(self, means=means, quats=quats, log_scales=log_scales, sh=sh)

    def mirror(self, flips: tuple[int, int, int]) -> "Splats":
        """Mirror axes by signs ``flips`` = (fx, fy, fz) (each +-1). With an even number of -1
        this is a rotation by 180 degrees; used by file-format frame conversions."""
        f = torch.tensor(flips, dtype=self.means.dtype, device=self.device)
        qf = torch.tensor([1.0, flips[1] * flips[2], flips[0] * flips[2], flips[0] * flips[1]], dtype=self.quats.dtype, device=self.device)
        signs = _sh.flip_signs(self.sh_degree, flips).to(self.sh.dtype).to(self.device)
        return replace(self, means=self.means * f, quats=self.quats * qf, sh=self.sh * signs[None, :, None])

    def normalized(self) -> "Splats":
        """Copy with unit quaternions."""
        return replace(self, quats=normalize_quat(self.quats))

    def __repr__(self) -> str:
        return f"Splats(n={len(self)}, sh_degree={self.sh_degree}, device={self.device}, labels={'yes' if self.labels is not None else 'no'})"
