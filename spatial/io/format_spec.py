"""What a splat file format is (:class:`SplatFormat`) and the table the built-in formats register into.

The format modules (:mod:`spatial.io.formats`) import this module; :mod:`spatial.io.registry` (``load``,
``save``, ``inspect``, detection) imports the formats. Nothing here imports either, so there is no cycle.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from .. import settings
from ..core.splats import Splats

__all__ = ["FORMATS", "HEAD_BYTES", "MAX_FILE_BYTES", "SplatFormat", "register_format"]

#: Largest file any reader accepts unless told otherwise (bytes). Protects memory from hostile files.
MAX_FILE_BYTES = int(settings.get("SPATIAL_MAX_FILE_BYTES"))
HEAD_BYTES = 4096


@dataclass
class SplatFormat:
    name: str
    extensions: tuple[str, ...]
    #: ``sniff(head_bytes, path) -> bool``: does the content look like this format?
    sniff: Callable[[bytes, Path], bool]
    #: ``read(path) -> Splats``; raise FormatError on any problem.
    read: Callable[[Path], Splats] | None = None
    #: ``write(splats, path, **options)``; must write atomically.
    write: Callable[..., None] | None = None
    #: ``inspect(path) -> dict`` with at least ``format``, ``version``, ``count``, ``sh_degree``.
    inspect: Callable[[Path], dict] | None = None
    description: str = ""
    write_options: dict[str, str] = field(default_factory=dict)


FORMATS: dict[str, SplatFormat] = {}


def register_format(fmt: SplatFormat) -> SplatFormat:
    FORMATS[fmt.name] = fmt
    return fmt
