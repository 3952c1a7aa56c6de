"""Errors raised by the world store (all :class:`spatial.SpatialError`)."""

from __future__ import annotations

from ..errors import SpatialError, ValidationError


class StoreError(SpatialError):
    """Something about the store itself went wrong (missing world, bad name, ...)."""


class WorldNotFoundError(StoreError, KeyError):
    """No world (or version, or tag) by that name in this store."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else "not found"


class InvalidNameError(StoreError, ValidationError):
    """A world or tag name is not allowed (empty, too long, path-like, control characters), or is taken."""


class ConflictError(StoreError):
    """Optimistic concurrency: the world moved on since the version this edit was based on, and the
    edits could not be merged (they touch the same splats), or an undo/redo/checkout raced another writer.

    ``world``: the world name; ``expected``: the version number the caller based its change on;
    ``actual``: the world's head version number now; ``reason``: why it could not be merged.
    """

    def __init__(self, world: str, expected: int | None, actual: int | None, reason: str):
        self.world, self.expected, self.actual, self.reason = world, expected, actual, reason
        super().__init__(f"world {world!r} changed: your change is based on version {expected} but the head is now "
                         f"version {actual} ({reason}); reload the world and try again")


class StoreCorruptError(StoreError):
    """A stored object is missing or does not match its hash (run ``spatial worlds check``)."""


class ImportTooLargeError(StoreError, ValidationError):
    """An imported world or file is over the store's size limit (``SPATIAL_MAX_IMPORT_BYTES``)."""
