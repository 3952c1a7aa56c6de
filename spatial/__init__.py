"""spatial: an open-source Gaussian-splat world builder.

The public API is small and flat (names resolve lazily so ``import spatial`` stays fast):

* data: :class:`Splats`, :class:`Camera`, :class:`World`
* files: :func:`load`, :func:`save`, :func:`inspect`
* rendering: :func:`render`, :func:`rasterize`
* making worlds: :func:`generate`, :func:`fit`, :func:`reconstruct`
* editing and versions: :func:`apply_edit`, :class:`Store` (see docs/edits.md, docs/store.md)
* subpackages (nouns; the verbs above are functions only): ``core``, ``io``, ``rendering``, ``fitting``,
  ``generation``, ``image_world``, ``physics``, ``edit``, ``store``, ``exporting``, ``datasets``, ``batch``

The 0.1 package paths ``spatial.render``, ``spatial.fit``, ``spatial.generate`` and ``spatial.export``
still import (with a DeprecationWarning) until 0.3; see :mod:`spatial._deprecated_paths`.
"""

from __future__ import annotations

import importlib
import sys
import types

from . import _deprecated_paths

__version__ = "0.2.0"

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
    "fit": ("spatial.fitting.fit", "fit"),
    "reconstruct": ("spatial.fitting.reconstruct", "reconstruct"),
    "generate": ("spatial.creation", "generate"),
    "image_to_world": ("spatial.image_world.pipeline", "image_to_world"),
    "render": ("spatial.rendering.api", "render"),
    "rasterize": ("spatial.rendering.api", "rasterize"),
    "RenderOutput": ("spatial.rendering.api", "RenderOutput"),
    "export": ("spatial.exporting", "export"),
    "batch": ("spatial.batch", None),
    "core": ("spatial.core", None),
    "io": ("spatial.io", None),
    "rendering": ("spatial.rendering", None),
    "fitting": ("spatial.fitting", None),
    "generation": ("spatial.generation", None),
    "image_world": ("spatial.image_world", None),
    "physics": ("spatial.physics", None),
    "edit": ("spatial.edit", None),
    "store": ("spatial.store", None),
    "exporting": ("spatial.exporting", None),
    "datasets": ("spatial.datasets", None),
    "Store": ("spatial.store.store", "Store"),
    "WorldHandle": ("spatial.store.handle", "WorldHandle"),
    "ConflictError": ("spatial.store.errors", "ConflictError"),
    "apply_edit": ("spatial.edit.apply", "apply_edit"),
    "apply_edits": ("spatial.edit.apply", "apply_edits"),
    "edit_text": ("spatial.edit.text", "edit_text"),
    "expand": ("spatial.edit.expand", "expand"),
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


class _Package(types.ModuleType):
    """``spatial`` itself: importing a deprecated 0.1 path (``import spatial.render.api``) makes the import
    system bind the old package name on ``spatial``; the verb stays the function."""

    def __setattr__(self, name, value):
        if name in _deprecated_paths.VERBS and isinstance(value, types.ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
_deprecated_paths.install()
