"""Cameras at the spawn eye and the preview render (the generator's; see spatial.rendering for the renderer)."""

from __future__ import annotations

import math

import numpy as np
import torch

from ..core.camera import Camera
from ..core.splats import Splats
from . import sky as sky_mod
from .shells import EYE_HEIGHT


def spawn_camera(spawn: np.ndarray, yaw_deg: float, width: int, height: int, fov_y: float = 55.0, pitch_deg: float = -4.0,
                 eye_height: float = EYE_HEIGHT) -> Camera:
    """Camera at the spawn eye looking along ``yaw_deg`` (0 = -Z, CCW) and pitched by ``pitch_deg``."""
    a, p = math.radians(yaw_deg), math.radians(pitch_deg)
    eye = np.asarray(spawn, dtype=np.float64) + [0, eye_height, 0]
    d = np.array([-math.sin(a) * math.cos(p), math.sin(p), -math.cos(a) * math.cos(p)])
    return Camera.look_at(eye.tolist(), (eye + d).tolist(), width, height, fov_y)


def frustum_cull(splats: Splats, cam: Camera, margin_sigmas: float = 3.5) -> Splats:
    """The splats whose 3.5-sigma sphere can touch ``cam``'s view (renders faster, same image)."""
    with torch.no_grad():
        vm = cam.viewmat
        xc = splats.means @ vm[:3, :3].T + vm[:3, 3]
        r = splats.scales.max(1).values * margin_sigmas
        z = xc[:, 2]
        tx = cam.width / (2 * cam.fx)
        ty = cam.height / (2 * cam.fy)
        nx = math.sqrt(1 + tx * tx)
        ny = math.sqrt(1 + ty * ty)
        keep = (z > -r) & (xc[:, 0].abs() - tx * z <= r * nx) & (xc[:, 1].abs() - ty * z <= r * ny)
    return splats[keep]


def render_preview(splats: Splats, spawn, yaw_deg: float, width: int = 480, height: int = 270, sky: sky_mod.Sky | None = None) -> np.ndarray:
    """uint8 [H, W, 3] preview from the spawn eye (via :func:`spatial.render`)."""
    from ..rendering.api import render

    cam = spawn_camera(np.asarray(spawn), yaw_deg, width, height)
    bg = None if sky is None else torch.tensor(sky.horizon, dtype=torch.float32)
    with torch.no_grad():
        out = render(frustum_cull(splats, cam), [cam], background=bg, near=0.05)
    img = out.rgb[0].clamp(0, 1).numpy()
    return (img * 255 + 0.5).astype(np.uint8)

