"""spatial: an open-source Gaussian-splat world builder.

The public API is small and flat (names resolve lazily so ``import spatial`` stays fast):

* data: :class:`Splats`, :class:`Camera`, :class:`World`
* files: :func:`load`, :func:`save`, :func:`inspect`
* rendering: :func:`render`, :func:`rasterize`
* making worlds: :func:`generate`, :func:`fit`, :func:`reconstruct`
* editing and versions: :func:`apply_edit`, :class:`Store` (see docs/edits.md, docs/store.md)
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

_LAZY = {
    "Splats": ("spatial.core.splats", "Splats"),
    "Camera": ("spatial.core.camera", "Camera"),
    "World": ("spatial.world", "World"),
    "Spawn": ("spatial.world", "Spawn"),
    "load": ("spatial.io.registry", "load"),
    "save": ("spatial.io.registry", "save"),
    "inspect": ("spatial.io.registry", "inspect"),
    "SpatialError": ("spatial.errors", "SpatialError"),
    "FormatError": ("spatial.errors", "FormatError"),
    "ValidationError": ("spatial.errors", "ValidationError"),
    "fit": ("spatial.fit.fit", "fit"),
    "reconstruct": ("spatial.fit.reconstruct", "reconstruct"),
    "generate": ("spatial.generate.api", "generate"),
    "image_to_world": ("spatial.image_world.pipeline", "image_to_world"),
    "render": ("spatial.render.api", "render"),
    "rasterize": ("spatial.render.api", "rasterize"),
    "RenderOutput": ("spatial.render.api", "RenderOutput"),
    "export": ("spatial.export", "export"),
    "batch": ("spatial.batch", None),
    "Store": ("spatial.store.store", "Store"),
    "WorldHandle": ("spatial.store.handle", "WorldHandle"),
    "ConflictError": ("spatial.store.errors", "ConflictError"),
    "apply_edit": ("spatial.edit.apply", "apply_edit"),
    "apply_edits": ("spatial.edit.apply", "apply_edits"),
    "parse_op": ("spatial.edit.schema", "parse_op"),
    "EditError": ("spatial.edit.errors", "EditError"),
}


def __getattr__(name: str):
    try:
        mod, attr = _LAZY[name]
    except KeyError:
        raise AttributeError(f"module 'spatial' has no attribute {name!r}") from None
    module = importlib.import_module(mod)
    value = module if attr is None else getattr(module, attr)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(_LAZY))


__all__ = sorted(_LAZY) + ["__version__"]
