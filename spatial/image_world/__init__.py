"""Image -> world: lift one photo (or a 360-degree panorama) into a walkable splat world, offline.

* :func:`image_to_world` - the pipeline (also ``spatial.generate(image=...)`` and
  ``spatial generate --image PHOTO``); see docs/image_world.md.
* :func:`estimate_depth` / :class:`DepthResult` - single-photo depth (classical or learned).
"""

from .depth import DepthResult, estimate_depth
from .pipeline import image_to_world

__all__ = ["DepthResult", "estimate_depth", "image_to_world"]
