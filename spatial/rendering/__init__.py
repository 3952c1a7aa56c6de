"""Differentiable Gaussian-splat rasterization (gsplat 1.5.3 semantics; see docs/rasterizer.md).

* :func:`render` - render a :class:`~spatial.core.splats.Splats` from :class:`~spatial.core.camera.Camera` s.
* :func:`rasterize` - the same with gsplat's functional arguments (``from spatial import rasterize``).
* :func:`available_backends` - ``{name: description}`` of the backends usable here.

Backends: ``reference`` (pure PyTorch, the specification), ``cpu`` (C++ kernels), ``cuda`` (CUDA
kernels), ``gsplat`` (the gsplat package on CUDA); ``backend="auto"`` picks the fastest usable one.
"""

from .api import RenderOutput, rasterize, render
from .backends import available_backends, unavailable_backends

__all__ = ["RenderOutput", "available_backends", "rasterize", "render", "unavailable_backends"]

