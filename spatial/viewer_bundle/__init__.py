"""The browser viewer bundle, shipped as package data.

``viewer.esm.js`` is three.js + Spark + Rapier and the viewer's own code in one ES module (Spark's and
Rapier's WASM inlined). ``npm run build`` in ``app/viewer`` writes it here from the viewer's sources and lock
file; the build backend (``build_backend/spatial_build.py``) runs that build for every wheel, sdist and
editable install, so an installed package carries it. The app serves it at ``/viewer/viewer.esm.js`` and
``spatial export --engine threejs`` copies it next to the exported world.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

__all__ = ["BUNDLE_NAME", "bundle_path"]

BUNDLE_NAME = "viewer.esm.js"


def bundle_path() -> Path | None:
    """Path of the installed ``viewer.esm.js``, or None when this install was built without it."""
    res = resources.files(__name__).joinpath(BUNDLE_NAME)
    path = Path(str(res))
    return path if path.is_file() else None
