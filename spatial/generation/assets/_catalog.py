"""Imports every module that declares kinds (the registry imports this once, at its end)."""

from . import legacy  # noqa: F401
