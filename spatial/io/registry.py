"""Splat file formats, keyed by name, detected by content with the extension as a hint.

Each format module registers a :class:`SplatFormat`. ``load``/``save`` pick the format:

* ``load(path)``: read the first bytes, ask every format's ``sniff``; when several (or none)
  claim the content, the extension decides (``.splat`` has no magic at all).
* ``save(splats, path, format=None, **options)``: the format named, else the extension.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from ..core.splats import Splats
from ..errors import FormatError
from .format_spec import FORMATS, HEAD_BYTES, MAX_FILE_BYTES, SplatFormat, register_format

__all__ = ["FORMATS", "HEAD_BYTES", "MAX_FILE_BYTES", "SplatFormat", "register_format", "format_for_extension",
           "detect_format", "load", "save", "inspect"]

def _ensure_loaded() -> None:
    # Import the built-in format modules (each registers itself with .format_spec; they never import this
    # module, so the dependency goes one way: registry -> formats -> format_spec).
    from . import formats  # noqa: F401


def _ext(path: Path) -> str:
    name = path.name.lower()
    # longest match over all formats, so ".compressed.ply" wins over ".ply"
    for ext in sorted((e for fmt in FORMATS.values() for e in fmt.extensions), key=len, reverse=True):
        if name.endswith(ext):
            return ext
    return path.suffix.lower()


def format_for_extension(path: "str | os.PathLike") -> SplatFormat | None:
    _ensure_loaded()
    path = Path(path)
    ext = _ext(path)
    for fmt in FORMATS.values():
        if ext in fmt.extensions:
            return fmt
    return None


def detect_format(path: "str | os.PathLike") -> SplatFormat:
    """The format of an existing file, by content first and extension second."""
    _ensure_loaded()
    path = Path(path)
    if not path.is_file():
        raise FormatError(path, "no such file")
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise FormatError(path, f"file is {size} bytes, over the {MAX_FILE_BYTES}-byte limit (SPATIAL_MAX_FILE_BYTES)")
    with open(path, "rb") as f:
        head = f.read(HEAD_BYTES)
    claims = [fmt for fmt in FORMATS.values() if fmt.sniff(head, path)]
    by_ext = format_for_extension(path)
    if len(claims) == 1:
        return claims[0]
    if by_ext is not None and (not claims or by_ext in claims):
        return by_ext
    if claims:
        return claims[0]
    raise FormatError(path, "unrecognized splat file (no known magic bytes and no known extension)")


def load(path: "str | os.PathLike", format: str | None = None) -> Splats:
    """Read a splat file into :class:`Splats` in spatial's world frame."""
    _ensure_loaded()
    path = Path(path)
    fmt = FORMATS.get(format) if format else detect_format(path)
    if fmt is None:
        raise FormatError(path, f"unknown format {format!r}; known: {', '.join(sorted(FORMATS))}")
    if fmt.read is None:
        raise FormatError(path, f"format {fmt.name} cannot be read")
    return fmt.read(path)


def save(splats: Splats, path: "str | os.PathLike", format: str | None = None, **options: Any) -> Path:
    """Write ``splats`` to ``path`` (format from ``format`` or the extension). Returns the path."""
    _ensure_loaded()
    path = Path(path)
    fmt = FORMATS.get(format) if format else format_for_extension(path)
    if fmt is None:
        raise FormatError(path, f"cannot tell the format to write from {path.name!r}; pass format= one of {', '.join(sorted(FORMATS))}")
    if fmt.write is None:
        raise FormatError(path, f"format {fmt.name} cannot be written")
    fmt.write(splats, path, **options)
    return path


def inspect(path: "str | os.PathLike") -> dict:
    """Cheap facts about a file (format, version, count, SH degree, ...) plus, when the format has
    no header-only probe, values computed from a full read."""
    _ensure_loaded()
    path = Path(path)
    fmt = detect_format(path)
    info: dict[str, Any] = {"path": str(path), "format": fmt.name, "bytes": path.stat().st_size}
    if fmt.inspect is not None:
        info.update(fmt.inspect(path))
    return info
