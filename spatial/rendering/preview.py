"""Preview renders: the camera at a world's spawn eye, and a small uint8 picture of splats from a camera.

One place for every preview (the store's version thumbnails, the generator's and image -> world's
``World.preview``)::

    cam = spawn_camera(spawn_xyz, yaw_deg, 480, 270)            # eye 1.6 m above the spawn point
    img = render_preview(splats, cam, background=sky_rgb)        # uint8 [270, 480, 3]
    img = render_preview(splats, cam, max_splats=150_000)        # thinned first (big worlds, thumbnails)
"""

from __future__ import annotations

import math

import numpy as np
import torch

from ..core.camera import Camera
from ..core.colour import to_uint8
from ..core.splats import Splats

__all__ = ["EYE_HEIGHT", "spawn_camera", "frustum_cull", "thin", "render_preview"]

#: camera height above the spawn point (the walker's eye height, ControllerParams.eye_height)
EYE_HEIGHT = 1.6


def spawn_camera(spawn, yaw_deg: float, width: int, height: int, fov_y: float = 55.0, pitch_deg: float = -4.0,
                 eye_height: float = EYE_HEIGHT) -> Camera:
    """Camera ``eye_height`` above ``spawn`` looking along ``yaw_deg`` (0 = -Z, counter-clockwise seen from
    above), pitched by ``pitch_deg`` (negative looks down)."""
    a, p = math.radians(yaw_deg), math.radians(pitch_deg)
    eye = np.asarray(spawn, dtype=np.float64) + [0, eye_height, 0]
    d = np.array([-math.sin(a) * math.cos(p), math.sin(p), -math.cos(a) * math.cos(p)])
    return Camera.look_at(eye.tolist(), (eye + d).tolist(), width, height, fov_y)


def frustum_cull(splats: Splats, cam: Camera, margin_sigmas: float = 3.5) -> Splats:
    """The splats whose ``margin_sigmas`` sphere can touch ``cam``'s view (renders faster, same image)."""
    with torch.no_grad():
        vm = cam.viewmat.to(splats.means.dtype)
        xc = splats.means @ vm[:3, :3].T + vm[:3, 3]
        r = splats.scales.max(1).values * margin_sigmas
        z = xc[:, 2]
        tx = cam.width / (2 * cam.fx)
        ty = cam.height / (2 * cam.fy)
        nx = math.sqrt(1 + tx * tx)
        ny = math.sqrt(1 + ty * ty)
        keep = (z > -r) & (xc[:, 0].abs() - tx * z <= r * nx) & (xc[:, 1].abs() - ty * z <= r * ny)
    return splats[keep]


def thin(splats: Splats, max_splats: int, seed: int = 0) -> Splats:
    """At most ``max_splats`` splats, a seeded random subset with scales grown by sqrt(n / max_splats) so the
    thinned set still covers the surfaces (previews of big worlds)."""
    n = len(splats)
    if n <= max_splats:
        return splats
    idx = np.sort(np.random.default_rng(seed).choice(n, size=max_splats, replace=False))
    out = splats[torch.from_numpy(idx)]
    out.log_scales = out.log_scales + math.log(math.sqrt(n / max_splats))
    return out


def render_preview(splats: Splats, cam: Camera, background=None, max_splats: int | None = None,
                   near: float = 0.05) -> np.ndarray:
    """uint8 [H, W, 3] render of ``splats`` from ``cam`` with :func:`spatial.render` (frustum-culled, and
    thinned to ``max_splats`` when given). ``background``: RGB in [0, 1] (default black)."""
    from .api import render

    if len(splats) == 0:
        return np.zeros((cam.height, cam.width, 3), np.uint8)
    if max_splats is not None:
        splats = thin(splats, max_splats)
    bg = None if background is None else torch.as_tensor(background, dtype=torch.float32)
    with torch.no_grad():
        out = render(frustum_cull(splats, cam), [cam], background=bg, near=near)
    return to_uint8(out.rgb[0])
