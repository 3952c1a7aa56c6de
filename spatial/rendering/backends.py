"""Rasterizer backends by name, and the choice ``backend="auto"`` makes.

Every backend is a module with the same three functions (see docs/rasterizer.md, "Backends"):
``is_available() -> bool``, ``description() -> str`` and
``rasterize(means, quats, scales, opacities, colors, viewmats, Ks, width, height, sh_degree, backgrounds,
near_plane, far_plane, eps2d, antialiased, means2d_grad_sink) -> (rgb, alpha, depth, meta)``.

=============  =========================================  ==============================================
name           module                                     when it is usable
=============  =========================================  ==============================================
``reference``  :mod:`spatial.rendering.reference`            always (pure PyTorch, any device and dtype)
``cpu``        :mod:`spatial.rendering.backend_cpu`          the C++ extension ``spatial._C`` was built
``cuda``       :mod:`spatial.rendering.backend_cuda`         built with nvcc and a CUDA device is present
``gsplat``     :mod:`spatial.rendering.backend_gsplat`       the gsplat package and a CUDA device are present
=============  =========================================  ==============================================
"""

from __future__ import annotations

import importlib
from types import ModuleType

import torch

from ..errors import ValidationError

MODULES = {
    "reference": "spatial.rendering.reference",
    "cpu": "spatial.rendering.backend_cpu",
    "cuda": "spatial.rendering.backend_cuda",
    "gsplat": "spatial.rendering.backend_gsplat",
}
# Fastest first, per device type; ``auto`` takes the first usable one.
AUTO_ORDER = {"cuda": ("cuda", "gsplat", "reference"), "cpu": ("cpu", "reference")}
# Devices each backend can run on (``reference`` runs anywhere).
DEVICES = {"cpu": ("cpu",), "cuda": ("cuda",), "gsplat": ("cuda",)}
# Compiled backends work in float32; ``auto`` keeps other dtypes on the reference.
COMPILED_DTYPES = (torch.float32,)


def module(name: str) -> ModuleType | None:
    """The backend module, or None when it cannot be imported here (not built)."""
    if name not in MODULES:
        raise ValidationError(f"unknown rasterizer backend {name!r}; choose one of {sorted(MODULES)} or 'auto'")
    try:
        return importlib.import_module(MODULES[name])
    except ImportError:
        return None


def is_available(name: str) -> bool:
    mod = module(name)
    if mod is None:
        return False
    try:
        return bool(mod.is_available())
    except Exception:  # a half-built extension must not break rendering with the other backends
        return False


def available_backends() -> dict[str, str]:
    """``{name: description}`` of the backends usable on this machine, fastest first."""
    out = {}
    for name in ("cuda", "gsplat", "cpu", "reference"):
        if is_available(name):
            out[name] = module(name).description()
    return out


def unavailable_backends() -> dict[str, str]:
    """``{name: why not}`` for the backends that cannot be used here."""
    reasons = {}
    for name in MODULES:
        if is_available(name):
            continue
        mod = module(name)
        if mod is None:
            reasons[name] = "not built (the compiled extension spatial._C is missing or lacks this backend)"
        elif hasattr(mod, "unavailable_reason"):
            reasons[name] = str(mod.unavailable_reason())
        else:
            reasons[name] = "not usable on this machine"
    return reasons


def resolve(name: str, device: torch.device, dtype: torch.dtype) -> str:
    """The backend that renders tensors on ``device``/``dtype`` for a requested ``name`` (or ``"auto"``)."""
    kind = "cuda" if device.type == "cuda" else "cpu"
    if name == "auto":
        for cand in AUTO_ORDER.get(kind, ("reference",)):
            if cand != "reference" and dtype not in COMPILED_DTYPES:
                continue
            if is_available(cand):
                return cand
        return "reference"
    if name not in MODULES:
        raise ValidationError(f"unknown rasterizer backend {name!r}; choose one of {sorted(MODULES)} or 'auto'")
    if name != "reference":
        if not is_available(name):
            why = unavailable_backends().get(name, "not available")
            raise ValidationError(f"rasterizer backend {name!r} is not available here: {why}")
        if device.type not in DEVICES[name]:
            raise ValidationError(f"rasterizer backend {name!r} renders {DEVICES[name][0]} tensors; inputs are on {device}")
    return name
