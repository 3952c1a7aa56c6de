"""The gallery views of a photo world and their checks (docs/image_world.md, tests, benchmark).

Five views from the photo's eye, level, with the photo camera's intrinsics: the **input view**,
**1 m right**, **2 m forward**, **turned 90 degrees** (left) and **turned 180 degrees**. Each is checked
for coverage (mean alpha), for the largest flat filler region outside the sky
(:func:`.metrics.flat_filler_share`) and, for the turn, for the CIELAB distance of its mean colour to
the photo's (:func:`.metrics.mean_lab_distance`).
"""

from __future__ import annotations

import math

import numpy as np
import torch

from ..core.colour import to_uint8

#: (name, metres right, metres forward, yaw in degrees CCW)
GALLERY = (("input view", 0.0, 0.0, 0.0), ("1 m right", 1.0, 0.0, 0.0), ("2 m forward", 0.0, 2.0, 0.0),
           ("turn 90", 0.0, 0.0, 90.0), ("turn 180", 0.0, 0.0, 180.0))


def moved_camera(world, right: float = 0.0, forward: float = 0.0, yaw_deg: float = 0.0, size: int | None = None):
    """The photo camera (``world.cameras[0]``) moved ``right``/``forward`` metres and turned ``yaw_deg``."""
    from ..core.camera import Camera

    c0 = world.cameras[0]
    fx, fy, cx, cy, W, H = c0.fx, c0.fy, c0.cx, c0.cy, c0.width, c0.height
    if size is not None and max(W, H) > size:
        s = size / max(W, H)
        fx, fy, cx, cy, W, H = fx * s, fy * s, cx * s, cy * s, max(8, round(W * s)), max(8, round(H * s))
    eye = np.array([right, float(world.metadata.get("eye_height", 1.6)), -forward])
    a = math.radians(yaw_deg)
    fwd = np.array([-math.sin(a), 0.0, -math.cos(a)])
    return Camera(fx, fy, cx, cy, W, H, Camera.look_at_viewmat(eye, eye + fwd))


def render_views(world, size: int | None = None) -> list[dict]:
    """Render the :data:`GALLERY` views: dicts with name, rgb (uint8), alpha (mean), sky (per-pixel
    weight of sky-labelled splats)."""
    from ..core.labels import label_id
    from ..core.sh import rgb_to_sh
    from ..rendering import render

    sp = world.splats
    sky_sp = None
    if sp.labels is not None:
        sky_sp = sp.with_sh_degree(0).clone()
        w = (sp.labels == label_id("sky")).float()[:, None].repeat(1, 3)
        sky_sp.sh[:, 0] = rgb_to_sh(w)
    out = []
    for name, dx, dz, yaw in GALLERY:
        cam = moved_camera(world, dx, dz, yaw, size)
        with torch.no_grad():
            o = render(sp, cam)
            skyw = render(sky_sp, cam).rgb[0, ..., 0].numpy() if sky_sp is not None else np.zeros((cam.height, cam.width))
        rgb = to_uint8(o.rgb[0])
        out.append({"name": name, "rgb": rgb, "alpha": float(o.alpha.mean()), "sky": skyw})
    return out


def check_views(views: list[dict], photo: np.ndarray) -> dict:
    """Figures of the gallery views: alpha per view, the largest flat non-sky region per view, the
    CIELAB distance of the turn-180 view's mean colour to the photo's."""
    import cv2

    from .metrics import flat_filler_share, mean_lab_distance

    alphas, flats = [], []
    for v in views:
        img = v["rgb"]
        notsky = v["sky"] < 0.5
        flats.append(flat_filler_share(img, mask=notsky))
        alphas.append(v["alpha"])
    turn = views[-1]["rgb"]
    ph = cv2.resize(photo, (turn.shape[1], turn.shape[0]), interpolation=cv2.INTER_AREA) if photo.shape[:2] != turn.shape[:2] else photo
    return {"alpha": [round(a, 4) for a in alphas], "flat": [round(f, 4) for f in flats],
            "turn180_delta_e": round(mean_lab_distance(turn, ph), 2)}


def sheet(views: list[dict], height: int = 160) -> np.ndarray:
    """The views side by side at ``height`` pixels (uint8), with thin separators."""
    import cv2

    tiles = []
    for v in views:
        im = v["rgb"]
        w = max(1, round(im.shape[1] * height / im.shape[0]))
        tiles.append(cv2.resize(im, (w, height), interpolation=cv2.INTER_AREA))
        tiles.append(np.full((height, 3, 3), 255, np.uint8))
    return np.concatenate(tiles[:-1], 1)
