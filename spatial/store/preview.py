"""Thumbnails (preview.png) for stored versions.

Edited versions get a fresh preview rendered on demand (and cached as an object): the splats are
rendered with :func:`spatial.render` from the world's first camera, else from the spawn point
(eye height 1.6 m, looking along the spawn yaw), else from outside the bounds. Big worlds are
thinned to :data:`MAX_PREVIEW_SPLATS` splats first (scales grown to keep coverage). If the renderer
is unavailable, a numpy point renderer is used instead.
"""

from __future__ import annotations

import io
import math

import numpy as np

from ..edit.state import WorldState

PREVIEW_SIZE = (256, 160)
MAX_PREVIEW_SPLATS = 150_000


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
        yaw = math.radians(float(spawn.get("yaw_deg", 0.0)))
        eye = np.array(pos, np.float64) + [0, 1.6, 0]
        fwd = np.array([-math.sin(yaw), -0.15, -math.cos(yaw)])
        return Camera.look_at(eye.tolist(), (eye + fwd).tolist(), width, height, fov_y_deg=60.0)
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


def _thin(state: WorldState, max_n: int):
    import torch

    from ..core.splats import Splats

    t = state.table
    n = t.n
    if n > max_n:
        idx = np.random.default_rng(0).choice(n, size=max_n, replace=False)
        idx.sort()
        grow = math.log(math.sqrt(n / max_n))
    else:
        idx = np.arange(n)
        grow = 0.0
    return Splats(
        torch.from_numpy(t.col("means")[idx].copy()),
        torch.from_numpy(t.col("quats")[idx].copy()),
        torch.from_numpy(t.col("log_scales")[idx].copy() + np.float32(grow)),
        torch.from_numpy(t.col("logit_opacities")[idx].copy()),
        torch.from_numpy(t.col("sh")[idx].copy()),
    )


def _points_render(splats, cam, width: int, height: int) -> np.ndarray:
    """Fallback: nearest opaque splat centre per pixel."""
    m = splats.means.numpy().astype(np.float64)
    vm = cam.viewmat.numpy().astype(np.float64)
    k = cam.K.numpy().astype(np.float64)
    pc = m @ vm[:3, :3].T + vm[:3, 3]
    z = pc[:, 2]
    ok = (z > 0.05) & (splats.opacities.numpy() > 0.2)
    uv = pc[ok] @ k.T
    u = np.floor(uv[:, 0] / uv[:, 2]).astype(np.int64)
    v = np.floor(uv[:, 1] / uv[:, 2]).astype(np.int64)
    col = splats.colors.numpy()[ok]
    z = z[ok]
    inside = (u >= 0) & (u < width) & (v >= 0) & (v < height)
    u, v, z, col = u[inside], v[inside], z[inside], col[inside]
    img = np.zeros((height, width, 3), np.float32)
    if u.size:
        pix = v * width + u
        order = np.lexsort((z, pix))
        first = np.ones(order.size, bool)
        first[1:] = pix[order][1:] != pix[order][:-1]
        sel = order[first]
        img.reshape(-1, 3)[pix[sel]] = col[sel]
    return img


def render_preview(state: WorldState, size: tuple[int, int] = PREVIEW_SIZE) -> np.ndarray:
    """HxWx3 uint8 preview of a state."""
    width, height = size
    if state.n == 0:
        return np.zeros((height, width, 3), np.uint8)
    cam = preview_camera(state, width, height)
    splats = _thin(state, MAX_PREVIEW_SPLATS)
    try:
        from ..rendering import render

        out = render(splats, cam, background=[0.0, 0.0, 0.0])
        img = out.rgb[0].detach().clamp(0, 1).numpy()
    except Exception:  # noqa: BLE001 - renderer missing/unusable here: fall back to points
        img = _points_render(splats, cam, width, height)
    return (np.clip(img, 0, 1) * 255 + 0.5).astype(np.uint8)


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
