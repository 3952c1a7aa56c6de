"""Errors raised by spatial.physics (all :class:`spatial.errors.SpatialError` subclasses)."""

from __future__ import annotations

from ..errors import SpatialError, ValidationError

__all__ = ["PhysicsError", "EmptyColliderError", "NoSurfaceError", "NoWalkableGroundError", "ValidationError"]


class PhysicsError(SpatialError):
    """Base class of the physics layer's errors."""


class EmptyColliderError(PhysicsError, ValueError):
    """A collider (or the input it is built from) holds no usable geometry."""


class NoSurfaceError(EmptyColliderError):
    """Splats hold no surface to build a collider from (empty, all transparent, or no finite positions)."""


class NoWalkableGroundError(PhysicsError, ValueError):
    """A world has no ground a walker can stand on (no spawn point, no walkable area)."""
