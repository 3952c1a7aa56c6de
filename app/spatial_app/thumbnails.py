"""Gallery thumbnails: the world's own preview.png, else a render from the spawn point.

The render uses ``spatial.render`` (the Gaussian rasterizer) when it is installed; without it a
z-buffered point splat of the splat centres (numpy) still gives a recognisable picture.
Thumbnails are cached per world version under ``<store>/.cache/thumbs`` (versions never change).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

THUMB_W, THUMB_H = 320, 200
BACKGROUND = (12, 15, 22)


def spawn_camera(world, width: int = THUMB_W, height: int = THUMB_H, eye_height: float = 1.6):
    """A camera at the spawn's eye, looking along the spawn heading, tilted 12 degrees down."""
    from spatial.core.camera import Camera

    p = np.asarray(world.spawn.position, dtype=np.float64)
    yaw = math.radians(world.spawn.yaw_deg)
    eye = p + np.array([0.0, eye_height + 0.6, 0.0])
    pitch = math.radians(-12.0)
    fwd = np.array([-math.sin(yaw) * math.cos(pitch), math.sin(pitch), -math.cos(yaw) * math.cos(pitch)])
    return Camera.look_at(eye.tolist(), (eye + fwd).tolist(), width=width, height=height, fov_y_deg=60.0)


def point_render(world, camera) -> np.ndarray:
    """HxWx3 uint8: splat centres projected with a z-buffer, each drawn as a small disc sized by its scale."""
    s = world.splats
    h, w = camera.height, camera.width
    img = np.zeros((h, w, 3), dtype=np.uint8)
    img[:] = BACKGROUND
    if len(s) == 0:
        return img
    vm = camera.viewmat.double().numpy()
    pts = s.means.double().numpy()
    pc = pts @ vm[:3, :3].T + vm[:3, 3]
    z = pc[:, 2]
    ok = z > 0.05
    if not ok.any():
        return img
    pc, z = pc[ok], z[ok]
    cols = (np.clip(s.colors.detach().numpy()[ok], 0, 1) * 255).astype(np.uint8)
    op = s.opacities.detach().numpy()[ok]
    rad = np.clip(camera.fx * s.scales.detach().max(dim=1).values.numpy()[ok] * 1.5 / z, 0.6, 12.0)
    u = camera.fx * pc[:, 0] / z + camera.cx
    v = camera.fy * pc[:, 1] / z + camera.cy
    keep = (u > -12) & (u < w + 12) & (v > -12) & (v < h + 12) & (op > 0.2)
    order = np.argsort(-z[keep])  # far to near: near splats drawn last win
    u, v, rad, cols = u[keep][order], v[keep][order], rad[keep][order], cols[keep][order]
    for r in np.unique(np.ceil(rad).astype(int)):
        sel = np.ceil(rad).astype(int) == r
        for dy in range(-r, r + 1):
            for dx in range(-r, r + 1):
                if dx * dx + dy * dy > r * r:
                    continue
                x = np.round(u[sel] + dx).astype(int)
                y = np.round(v[sel] + dy).astype(int)
                m = (x >= 0) & (x < w) & (y >= 0) & (y < h)
                img[y[m], x[m]] = cols[sel][m]
    return img


def render_thumbnail(world, width: int = THUMB_W, height: int = THUMB_H) -> np.ndarray:
    """HxWx3 uint8 picture of ``world`` from its spawn point."""
    cam = spawn_camera(world, width, height)
    try:
        import spatial

        render = spatial.render
    except (AttributeError, ImportError):
        render = None
    if render is not None:
        try:
            out = render(world.splats, [cam])
            rgb = out[0] if isinstance(out, (tuple, list)) else out
            rgb = getattr(rgb, "colors", rgb)
            arr = rgb.detach().cpu().numpy()
            arr = arr[0] if arr.ndim == 4 else arr
            return (np.clip(arr[..., :3], 0, 1) * 255).astype(np.uint8)
        except Exception:  # a rasterizer still in progress must not break the gallery
            pass
    return point_render(world, cam)


def thumbnail_path(cache_dir: Path, world_id: str, version: int, world_folder: Path, load_world) -> Path:
    """Path of a PNG thumbnail for a world version (made and cached on first use)."""
    from PIL import Image

    from spatial.io.atomic import atomic_write

    cache_dir.mkdir(parents=True, exist_ok=True)
    out = cache_dir / f"{world_id}-v{version:04d}.png"
    if out.is_file():
        return out
    preview = world_folder / "preview.png"
    if preview.is_file():
        with Image.open(preview) as im:
            im = im.convert("RGB")
            im.thumbnail((THUMB_W, THUMB_H))
            with atomic_write(out) as f:
                im.save(f, format="PNG")
        return out
    img = render_thumbnail(load_world())
    with atomic_write(out) as f:
        Image.fromarray(img).save(f, format="PNG")
    return out
