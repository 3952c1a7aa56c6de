"""Thumbnails (preview.png) for stored versions.

Edited versions get a fresh preview rendered on demand (and cached as an object) with
:func:`spatial.rendering.preview.render_preview`: from the world's first camera, else from the spawn point
(:func:`~spatial.rendering.preview.spawn_camera`: eye height 1.6 m, looking along the spawn yaw, slightly
down), else from outside the bounds. Big worlds are thinned to :data:`MAX_PREVIEW_SPLATS` splats first
(scales grown to keep coverage).
"""

from __future__ import annotations

import io
import math

import numpy as np

from ..edit.state import WorldState
from ..rendering.preview import render_preview as _render, spawn_camera, thin

PREVIEW_SIZE = (256, 160)
MAX_PREVIEW_SPLATS = 150_000
PITCH_DEG = -math.degrees(math.atan(0.15))  # the thumbnails' slight downward look


def preview_camera(state: WorldState, width: int, height: int):
    from ..core.camera import Camera

    cams = state.meta.get("cameras") or []
    if cams:
        try:
            c = Camera.from_dict(cams[0])
            return c.resized(width, height)
        except Exception:  # noqa: BLE001 - a bad camera entry only costs the preview its viewpoint
            pass
    means = state.table.col("means")
    spawn = state.meta.get("spawn") or {}
    pos = spawn.get("position") or [0, 0, 0]
    has_spawn = any(abs(float(v)) > 1e-9 for v in pos) or bool(state.meta.get("generator"))
    if has_spawn:
        return spawn_camera(pos, float(spawn.get("yaw_deg", 0.0)), width, height, fov_y=60.0, pitch_deg=PITCH_DEG)
    if means.shape[0]:
        idx = np.linspace(0, means.shape[0] - 1, min(means.shape[0], 100_000)).astype(np.int64)
        m = means[idx].astype(np.float64)
        lo, hi = np.percentile(m, 2, axis=0), np.percentile(m, 98, axis=0)
    else:
        lo, hi = np.full(3, -1.0), np.full(3, 1.0)
    centre = (lo + hi) / 2
    ext = max(float(np.linalg.norm(hi - lo)), 1e-3)
    eye = centre + np.array([0.0, 0.45, 0.9]) * ext
    return Camera.look_at(eye.tolist(), centre.tolist(), width, height, fov_y_deg=50.0)


def _state_splats(state: WorldState):
    """The state's splats as :class:`Splats` sharing the table's memory (thinning copies only kept rows)."""
    import torch

    from ..core.splats import Splats

    t = state.table
    return Splats(*(torch.from_numpy(t.col(k)) for k in ("means", "quats", "log_scales", "logit_opacities", "sh")))


def render_preview(state: WorldState, size: tuple[int, int] = PREVIEW_SIZE) -> np.ndarray:
    """HxWx3 uint8 preview of a state."""
    width, height = size
    if state.n == 0:
        return np.zeros((height, width, 3), np.uint8)
    cam = preview_camera(state, width, height)
    return _render(thin(_state_splats(state), MAX_PREVIEW_SPLATS), cam, background=[0.0, 0.0, 0.0])


def png_bytes(img: np.ndarray) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.fromarray(np.asarray(img, np.uint8)).save(buf, format="PNG")
    return buf.getvalue()


def png_to_array(data: bytes) -> np.ndarray:
    from PIL import Image

    with Image.open(io.BytesIO(data)) as im:
        if im.format != "PNG":
            raise ValueError("preview is not a PNG")
        return np.asarray(im.convert("RGB"))
