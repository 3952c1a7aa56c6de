"""File I/O: splat formats (load/save by content and extension), atomic writes, world folders."""

import importlib

__all__ = ["FORMATS", "detect_format", "inspect", "load", "register_format", "save"]


def __getattr__(name: str):
    # Resolved lazily so that ``spatial.io.atomic`` (used by the world store) does not import torch.
    if name in __all__:
        return getattr(importlib.import_module(".registry", __name__), name)
    if name in ("registry", "formats", "atomic"):
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
