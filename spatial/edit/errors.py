"""Errors raised by edit operations.

Every one is a :class:`spatial.errors.ValidationError`, so callers that already catch
``ValidationError`` (or ``SpatialError``) handle bad edits; the subclasses let an app tell
the user *what* was wrong. A failed edit never changes the world it was applied to.
"""

from __future__ import annotations

from ..errors import ValidationError


class EditError(ValidationError):
    """An edit operation is malformed or cannot be applied to this world."""


class UnknownOpError(EditError):
    """The ``op`` (or selection ``type``) name is not one spatial knows."""


class EmptySelectionError(EditError):
    """The selection matched no splat, so the edit would do nothing."""


class SelectionRangeError(EditError):
    """Splat ids in a selection are outside ``[0, N)`` for the world being edited."""


class InsertTooLargeError(EditError):
    """An insert (mesh file, other world, duplicate) exceeds the configured size limits."""
