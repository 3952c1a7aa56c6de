"""File I/O: splat formats (load/save by content and extension), atomic writes, world folders."""

from .registry import FORMATS, detect_format, inspect, load, register_format, save

__all__ = ["FORMATS", "detect_format", "inspect", "load", "register_format", "save"]
