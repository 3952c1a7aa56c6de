"""Where the store lives, and which names are allowed."""

from __future__ import annotations

import getpass
import os
import re
from pathlib import Path

from .. import settings
from .errors import InvalidNameError

ENV_STORE = "SPATIAL_STORE"
ENV_AUTHOR = "SPATIAL_AUTHOR"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ._\-]{0,127}$")


def default_store_dir() -> Path:
    """``$SPATIAL_STORE`` if set, else the platform's per-user data folder (``.../spatial/store``)."""
    env = settings.get(ENV_STORE)
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("spatial", appauthor=False)) / "store"


def resolve_store_dir(path: "str | os.PathLike | None") -> Path:
    return Path(path).expanduser() if path else default_store_dir()


def default_author() -> str:
    a = settings.get(ENV_AUTHOR)
    if a:
        return a[:200]
    try:
        return getpass.getuser()[:200]
    except Exception:  # noqa: BLE001 - no user database (containers)
        return "unknown"


def check_name(name: str, what: str = "world") -> str:
    """World/tag names: 1-128 characters of letters, digits, space, ``._-``, starting with a letter or
    digit, not ending in space or dot, no ``..``. Names are only ever database keys - no file is
    named after them - so this is about readable, portable names, not the only line of defence."""
    if not isinstance(name, str) or not _NAME.match(name) or ".." in name or name[-1] in " .":
        raise InvalidNameError(f"{what} name {name!r} is not allowed: use 1-128 letters, digits, spaces, '.', '_' "
                               "or '-', starting with a letter or digit (no '/', '..', or control characters)")
    return name
