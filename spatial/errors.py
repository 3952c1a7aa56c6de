"""Exception types shared by every layer of spatial.

One documented exception per kind of failure, so callers can catch them without
knowing which module raised them:

* :class:`SpatialError` - base class of everything below.
* :class:`FormatError` - a file is malformed, truncated, hostile or unsupported.
  The message always names the file and the problem.
* :class:`ValidationError` - an argument or an edit has the wrong shape, type or value.
"""

from __future__ import annotations

import os


class SpatialError(Exception):
    """Base class for all errors raised on purpose by spatial."""


class FormatError(SpatialError, ValueError):
    """A splat/mesh/world file cannot be read or written as asked.

    ``path`` is the file concerned (or ``"<bytes>"``), ``problem`` what is wrong.
    """

    def __init__(self, path: "str | os.PathLike | None", problem: str):
        self.path = str(path) if path is not None else "<bytes>"
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")


class ValidationError(SpatialError, ValueError):
    """An input value (tensor shape, parameter, edit operation) is invalid."""
