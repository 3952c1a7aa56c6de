"""Extend the photo beyond its frame (colour + depth), so a turned camera still sees a consistent scene.

The canvas grows by a margin on each side (a wider camera with the same focal length).

* **depth** continues per row: the ground plane's depth depends only on the row for a level
  camera, so replicating a row's edge value continues the floor/road exactly; walls continue
  fronto-parallel; the sky mask is replicated the same way;
* **colour** is a mirror of the photo at its border (texture statistics stay those of the photo),
  blended with distance into a pyramid "push-pull" fill of the border colours (low-frequency
  continuation), so it fades to the local average instead of repeating recognisable content; the
  mirrored photo's fine detail (its high-pass, :data:`DETAIL_KEEP`) rides on that fill, so the margin
  keeps the photo's grain and never turns into a flat band.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


#: share of the mirrored photo's high-pass detail kept on the smooth fill far from the photo
DETAIL_KEEP = 0.8
#: 8-bit levels of local variation below which the lifted canvas gets grain (:func:`grain_floor`)
GRAIN_FLOOR = 3.0


@dataclass
class Canvas:
    rgb: np.ndarray  # uint8 [H',W',3]
    depth: np.ndarray  # float32 [H',W'] camera z (inf = sky)
    sky: np.ndarray  # bool [H',W']
    inside: np.ndarray  # bool [H',W'] True on the original photo
    offset: tuple[int, int]  # (left, top) of the photo in the canvas


def push_pull(img: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """Fill invalid pixels of ``img`` ([H,W,C] float) from a mip pyramid of the valid ones."""
    import cv2

    levels = []
    cur, w = img * valid[..., None], valid.astype(np.float32)
    while min(cur.shape[:2]) > 2:
        levels.append((cur, w))
        cur = cv2.resize(cur, (max(1, cur.shape[1] // 2), max(1, cur.shape[0] // 2)), interpolation=cv2.INTER_AREA)
        w = cv2.resize(w, (max(1, w.shape[1] // 2), max(1, w.shape[0] // 2)), interpolation=cv2.INTER_AREA)
        if cur.ndim == 2:
            cur = cur[..., None]
    filled = cur / np.maximum(w, 1e-6)[..., None]
    for c, wt in reversed(levels):
        up = cv2.resize(filled, (c.shape[1], c.shape[0]), interpolation=cv2.INTER_LINEAR)
        if up.ndim == 2:
            up = up[..., None]
        a = np.clip(wt, 0, 1)[..., None]
        filled = c / np.maximum(wt, 1e-6)[..., None] * a + up * (1 - a)
    return filled


def extend(rgb: np.ndarray, depth: np.ndarray, sky: np.ndarray, left: int, right: int, top: int, bottom: int) -> Canvas:
    """The photo on a canvas grown by the given margins (pixels)."""
    import cv2

    H, W = depth.shape
    border = dict(top=top, bottom=bottom, left=left, right=right)
    # mirror up to the photo's own size, then replicate (margins wider than the photo)
    mirrored = cv2.copyMakeBorder(rgb, borderType=cv2.BORDER_REFLECT_101, **{k: min(v, s - 1) for (k, v), s in
                                  zip(border.items(), (H, H, W, W))})
    mirrored = cv2.copyMakeBorder(mirrored, top - min(top, H - 1), bottom - min(bottom, H - 1), left - min(left, W - 1),
                                  right - min(right, W - 1), cv2.BORDER_REPLICATE)
    Hc, Wc = mirrored.shape[:2]
    inside = np.zeros((Hc, Wc), bool)
    inside[top:top + H, left:left + W] = True
    canvas_f = np.zeros((Hc, Wc, 3), np.float32)
    canvas_f[inside] = rgb.reshape(-1, 3).astype(np.float32)
    smooth = push_pull(canvas_f, inside)
    from scipy.ndimage import distance_transform_edt

    dist = distance_transform_edt(~inside)
    blend = np.clip(dist / max(8.0, 0.15 * max(H, W)), 0, 1)[..., None]
    # far from the photo the colour is the smooth fill plus the mirrored photo's fine detail (its
    # high-pass): the texture continues without repeating recognisable shapes, and no band is flat
    mf = mirrored.astype(np.float32)
    k = max(3, (round(0.02 * max(H, W)) | 1))
    detail = mf - cv2.GaussianBlur(mf, (k, k), 0)
    col = mf * (1 - blend) + (smooth + DETAIL_KEEP * detail) * blend
    col[inside] = rgb.reshape(-1, 3)
    d = np.where(sky, 0.0, depth).astype(np.float32)
    d = cv2.copyMakeBorder(d, top, bottom, left, right, cv2.BORDER_REPLICATE)
    s = cv2.copyMakeBorder(sky.astype(np.uint8), top, bottom, left, right, cv2.BORDER_REPLICATE).astype(bool)
    d = np.where(s, np.inf, d).astype(np.float32)
    return Canvas(np.clip(col + 0.5, 0, 255).astype(np.uint8), d, s, inside, (left, top))


def add_grain(filled: np.ndarray, rgb: np.ndarray, source: np.ndarray, seed: int = 0) -> np.ndarray:
    """``filled`` (uint8 [H,W,3], an inpainted or smooth fill) with the photo's grain synthesised on top:
    noise whose local amplitude is the photo's high-pass spread around ``source`` pixels (push-pulled
    into the rest), so a filled region has the texture strength of its surroundings without copying
    (and ghosting) the shapes that occluded it."""
    import cv2

    H, W = filled.shape[:2]
    f = rgb.astype(np.float32)
    k = max(3, round(0.01 * max(H, W)) | 1)
    hp = f - cv2.GaussianBlur(f, (k, k), 0)
    amp = np.sqrt(cv2.GaussianBlur(hp * hp, (4 * k + 1, 4 * k + 1), 0))
    s = min(1.0, 128.0 / max(H, W))
    small = cv2.resize(amp, (max(1, round(W * s)), max(1, round(H * s))), interpolation=cv2.INTER_AREA)
    ssrc = cv2.resize(source.astype(np.uint8), (small.shape[1], small.shape[0]), interpolation=cv2.INTER_NEAREST).astype(bool)
    amp = cv2.resize(push_pull(small, ssrc) if ssrc.any() else small, (W, H), interpolation=cv2.INTER_LINEAR)
    noise = np.random.default_rng(seed).standard_normal((H, W, 1)).astype(np.float32)
    noise = cv2.GaussianBlur(noise, (3, 3), 0)[..., None] * 1.6  # slightly correlated, unit spread
    return np.clip(filled.astype(np.float32) + noise * amp + 0.5, 0, 255).astype(np.uint8)


def grain_floor(img: np.ndarray, mask: np.ndarray, floor: float = GRAIN_FLOOR, window: int = 7, seed: int = 0) -> np.ndarray:
    """``img`` (uint8 [H,W,3]) with luminance grain topped up where it is smoother than ``floor`` 8-bit
    levels (local standard deviation over ``window`` pixels) under ``mask``: grain synthesis (as film
    grain is re-added after compression), so a defocused backdrop or a plain wall seen magnified from
    a step closer renders as a photographed surface, not as a plastic fill. Textured pixels are left
    as they are; noise of at most ``floor`` levels where the photo has none."""
    import cv2

    grey = cv2.cvtColor(img, cv2.COLOR_RGB2GRAY).astype(np.float32)
    k = (window, window)
    m = cv2.blur(grey, k)
    local = np.sqrt(np.maximum(cv2.blur(grey * grey, k) - m * m, 0.0))
    amp = np.clip(floor - local, 0.0, floor) * np.asarray(mask, np.float32)
    if not amp.any():
        return img
    noise = np.random.default_rng(seed).standard_normal(grey.shape).astype(np.float32)
    return np.clip(img.astype(np.float32) + (noise * amp)[..., None] + 0.5, 0, 255).astype(np.uint8)
