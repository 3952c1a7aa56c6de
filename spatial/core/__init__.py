"""Core types: splats, cameras, rotations and spherical harmonics. Imports only torch."""

from .camera import Camera, stack_cameras
from .splats import Splats

__all__ = ["Camera", "Splats", "stack_cameras"]
