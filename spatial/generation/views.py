"""Cameras at the spawn eye and the preview render (the generator's; see spatial.rendering for the renderer)."""

from __future__ import annotations

import numpy as np

from ..core.camera import Camera
from ..core.splats import Splats
from ..rendering.preview import frustum_cull  # noqa: F401 (the generator's stages import it from here)
from ..rendering.preview import render_preview as _render_preview
from ..rendering.preview import spawn_camera as _spawn_camera
from . import sky as sky_mod
from .shells import EYE_HEIGHT


def spawn_camera(spawn: np.ndarray, yaw_deg: float, width: int, height: int, fov_y: float = 55.0, pitch_deg: float = -4.0,
                 eye_height: float = EYE_HEIGHT) -> Camera:
    """:func:`spatial.rendering.preview.spawn_camera` at the generator's eye height."""
    return _spawn_camera(spawn, yaw_deg, width, height, fov_y, pitch_deg, eye_height)


def render_preview(splats: Splats, spawn, yaw_deg: float, width: int = 480, height: int = 270, sky: sky_mod.Sky | None = None) -> np.ndarray:
    """uint8 [H, W, 3] preview from the spawn eye (:func:`spatial.rendering.preview.render_preview`)."""
    cam = spawn_camera(np.asarray(spawn), yaw_deg, width, height)
    return _render_preview(splats, cam, background=None if sky is None else sky.horizon)
