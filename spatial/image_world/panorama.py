"""Equirectangular 360-degree panoramas: detection, depth and lifting into a full surround world.

**Detection** (:func:`is_equirectangular`): aspect ratio 2:1 (within 2 %) and a seamless wrap: the
first and last columns differ no more than neighbouring columns do.

**Depth**: the classical model works unchanged on an equirectangular image of a level camera,
because every column is a vertical half-plane through the eye (the property the pop-up needs) and
the equator is the horizon. The photo is cut into :data:`FACES` perspective faces (90 degrees wide,
looking out horizontally), each gets :func:`~spatial.image_world.depth.estimate_depth` at a shared
focal length and eye height, and the face depths are resampled back to the panorama as *ray
distances* (the faces overlap in yaw; each pixel takes the face that sees it most centrally).

**Lifting**: one splat per panorama pixel along its ray, sized by the neighbouring ray points (as
:func:`~spatial.image_world.lift.surface_splats` does for photos); sky pixels on the sky sphere.
Views from the spawn eye reproduce the panorama; moving shows parallax from the depth.
"""

from __future__ import annotations

import math

import numpy as np

FACES = 8
FACE_FOV = 90.0


def is_equirectangular(rgb: np.ndarray) -> bool:
    """2:1 aspect and a left/right seam no stronger than the image's typical column step."""
    h, w = rgb.shape[:2]
    if h < 32 or abs(w / h - 2.0) > 0.04:
        return False
    a = rgb.astype(np.float32)
    seam = np.abs(a[:, 0] - a[:, -1]).mean()
    typical = np.abs(np.diff(a, axis=1)).mean()
    return bool(seam <= 2.5 * typical + 2.0)


def directions(h: int, w: int) -> np.ndarray:
    """Unit world directions [h,w,3] of equirectangular pixel centres (column 0 = -Z centre at w/2)."""
    lon = ((np.arange(w) + 0.5) / w - 0.5) * 2 * np.pi  # 0 at the centre column, looking -Z
    lat = (0.5 - (np.arange(h) + 0.5) / h) * np.pi  # +90 at the top
    lon, lat = np.meshgrid(lon, lat)
    return np.stack([np.sin(lon) * np.cos(lat), np.sin(lat), -np.cos(lon) * np.cos(lat)], -1)


def sample_equirect(pano: np.ndarray, dirs: np.ndarray, order: int = 1) -> np.ndarray:
    """Bilinear lookup of ``pano`` [H,W,C] (or [H,W]) along world directions ``dirs`` [...,3] (wraps in longitude)."""
    from scipy.ndimage import map_coordinates

    H, W = pano.shape[:2]
    d = dirs / np.linalg.norm(dirs, axis=-1, keepdims=True)
    lon = np.arctan2(d[..., 0], -d[..., 2])
    lat = np.arcsin(np.clip(d[..., 1], -1, 1))
    x = (lon / (2 * np.pi) + 0.5) * W - 0.5
    y = (0.5 - lat / np.pi) * H - 0.5
    p = pano if pano.ndim == 3 else pano[..., None]
    pad = np.concatenate([p[:, -1:], p, p[:, :1]], 1).astype(np.float32)
    out = np.stack([map_coordinates(pad[..., c], [y.ravel(), x.ravel() + 1], order=order, mode="nearest").reshape(x.shape)
                    for c in range(p.shape[2])], -1)
    return out if pano.ndim == 3 else out[..., 0]


def face_rays(size: int, yaw_deg: float) -> np.ndarray:
    """World ray directions [size,size,3] (camera z = 1) of a level 90-degree face turned by ``yaw_deg`` (CCW from -Z)."""
    f = 0.5 * size / math.tan(math.radians(FACE_FOV) / 2)
    j, i = np.meshgrid(np.arange(size) + 0.5, np.arange(size) + 0.5)
    x, y = (j - size / 2) / f, (i - size / 2) / f
    a = math.radians(yaw_deg)
    right = np.array([math.cos(a), 0.0, -math.sin(a)])
    fwd = np.array([-math.sin(a), 0.0, -math.cos(a)])
    return x[..., None] * right + (-y)[..., None] * np.array([0, 1.0, 0]) + fwd


def panorama_depth(pano: np.ndarray, method: str = "auto", model=None, camera_height: float | None = None, face_size: int | None = None):
    """(ray distance [H,W] in metres (inf = sky), sky mask [H,W], ground mask [H,W], eye height, info)."""
    from .depth import estimate_depth

    H, W = pano.shape[:2]
    size = face_size or int(np.clip(W // 4, 64, 512))
    f = 0.5 * size / math.tan(math.radians(FACE_FOV) / 2)
    dirs = directions(H, W)
    best = np.full((H, W), -np.inf)
    dist = np.full((H, W), np.inf, np.float32)
    sky = np.zeros((H, W), bool)
    ground = np.zeros((H, W), bool)
    heights = []
    for k in range(FACES):
        yaw = 360.0 * k / FACES
        rays = face_rays(size, yaw)
        face = np.clip(sample_equirect(pano, rays) + 0.5, 0, 255).astype(np.uint8)
        d = estimate_depth(face, method=method, model=model, focal=f, camera_height=camera_height)
        heights.append(d.camera_height)
        # pano pixel -> face pixel
        a = math.radians(yaw)
        right = np.array([math.cos(a), 0.0, -math.sin(a)])
        fwd = np.array([-math.sin(a), 0.0, -math.cos(a)])
        zc = dirs @ fwd
        xc = dirs @ right / np.maximum(zc, 1e-6)
        yc = -dirs[..., 1] / np.maximum(zc, 1e-6)
        u, v = xc * f + size / 2, yc * f + size / 2
        ok = (zc > 0.2) & (u >= 0) & (u < size) & (v >= 0) & (v < size)
        score = np.where(ok, zc, -np.inf)
        take = score > best
        if not take.any():
            continue
        ui, vi = np.clip(u[take].astype(int), 0, size - 1), np.clip(v[take].astype(int), 0, size - 1)
        z = d.depth[vi, ui]
        dist[take] = z / np.maximum(zc[take], 1e-6)  # camera z -> distance along the unit ray
        sky[take] = d.sky_mask[vi, ui]
        ground[take] = d.ground_mask[vi, ui]
        best = np.where(take, score, best)
    # straight down / up (outside every face): the ground below, the sky (or ceiling) above
    h_eye = float(np.median(heights)) if heights else 1.6
    down = ~np.isfinite(best) & (dirs[..., 1] < 0)
    dist[down] = h_eye / np.maximum(-dirs[..., 1][down], 1e-3)
    ground |= down
    dist[sky] = np.inf
    return dist, sky, ground, h_eye, {"faces": FACES, "face_size": size, "face_heights": [round(x, 3) for x in heights]}


def lift_panorama(pano: np.ndarray, dist: np.ndarray, sky: np.ndarray, ground: np.ndarray, eye_height: float):
    """Splats of a panorama around the eye at (0, eye_height, 0)."""
    from .lift import GROUND, SKY, SKY_RADIUS, WALL, surface_splats

    H, W = dist.shape
    dirs = directions(H, W)
    r = np.where(sky | ~np.isfinite(dist), SKY_RADIUS, dist)
    P = dirs * r[..., None] + np.array([0.0, eye_height, 0.0])
    # wrap one column so the seam has neighbours on both sides
    labels = np.where(ground, GROUND, WALL).astype(np.int32)
    labels[sky] = SKY
    ang = np.pi / H  # angular pixel size
    cosl = np.cos(np.arcsin(np.clip(dirs[..., 1], -1, 1)))
    min_sigma = r * ang * np.maximum(cosl, 0.05)
    # views of a panorama usually sample it more finely than its pixels: overlap the splats more
    return surface_splats(P, pano, np.ones((H, W), bool), labels, footprint=0.75, min_sigma=min_sigma, max_stretch=6.0)
