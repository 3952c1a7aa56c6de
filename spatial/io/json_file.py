"""Small JSON documents (scene specs, scene graphs, world.json, fit checkpoints): bounded reads with errors
naming the file, format and version checks, atomic writes."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Callable

from ..errors import FormatError, ValidationError
from .atomic import atomic_write

MAX_BYTES = 1024 * 1024


def write_json(path: "str | os.PathLike", text: str) -> Path:
    """Write ``text`` (already serialised JSON) and a newline to ``path`` atomically."""
    path = Path(path)
    with atomic_write(path, "w") as f:
        f.write(text + "\n")
    return path


def read_json(path: "str | os.PathLike", parse: Callable[[Any], Any], what: str = "spec file",
              max_bytes: int = MAX_BYTES) -> Any:
    """``parse(json.load(path))``; any problem (missing, too large, not JSON, a ValidationError from ``parse``)
    is a :class:`FormatError` naming the file."""
    path = Path(path)
    if not path.is_file():
        raise FormatError(path, f"{what} is missing")
    if path.stat().st_size > max_bytes:
        raise FormatError(path, f"{what} is larger than {max_bytes // (1024 * 1024)} MiB")
    try:
        d = json.loads(path.read_text())
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise FormatError(path, f"invalid JSON: {e}") from None
    try:
        return parse(d)
    except ValidationError as e:
        raise FormatError(path, str(e)) from None


def versioned(fmt: str, version: int, what: str) -> Callable[[Any], dict]:
    """A ``parse`` for :func:`read_json`: the document must be an object whose ``format`` is ``fmt`` and
    whose ``version`` is at most ``version`` (a newer one names both)."""

    def parse(d: Any) -> dict:
        if not isinstance(d, dict) or d.get("format") != fmt:
            raise ValidationError(f"not a {fmt} file")
        try:
            v = int(d.get("version", 0))
        except (TypeError, ValueError):
            raise ValidationError(f"{what} version {d.get('version')!r} is not a number") from None
        if v > version:
            raise ValidationError(f"{what} version {v} is newer than this spatial supports ({version})")
        return d

    return parse
