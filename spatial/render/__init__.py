"""Differentiable Gaussian-splat rasterization (gsplat 1.5.3 semantics; see docs/rasterizer.md).

* :func:`render` - render a :class:`~spatial.core.splats.Splats` from :class:`~spatial.core.camera.Camera` s.
* :func:`rasterize` - the same with gsplat's functional arguments (``from spatial import rasterize``).
* :func:`available_backends` - ``{name: description}`` of the backends usable here.

Backends: ``reference`` (pure PyTorch, the specification), ``cpu`` (C++ kernels), ``cuda`` (CUDA
kernels), ``gsplat`` (the gsplat package on CUDA); ``backend="auto"`` picks the fastest usable one.
"""

import sys
import types

from .api import RenderOutput, rasterize, render
from .backends import available_backends, unavailable_backends

__all__ = ["RenderOutput", "available_backends", "rasterize", "render", "unavailable_backends"]


class _CallableModule(types.ModuleType):
    """``spatial.render`` names both this package and the function; the package is callable so that
    ``spatial.render(splats, cameras)`` works whichever of the two an import order left on ``spatial``."""

    def __call__(self, *args, **kwargs) -> RenderOutput:
        return render(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule
