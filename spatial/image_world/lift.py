"""Depth map -> layered splats in spatial's world frame.

The photo's camera is level at eye height ``h`` above the ground plane ``y = 0``, at the origin,
looking along -Z (spawn yaw 0), principal point on the horizon row (a level camera with a shifted
lens explains a horizon off the image centre exactly). A pixel ``(u, v)`` with camera depth ``z``
lands at ``X = (u + .5 - cx) z / f``, ``Y = h - (v + .5 - cy) z / f``, ``Z = -z``.

Layers:

* **foreground**: one flat Gaussian per pixel (a stride outside the photo), oriented to the local
  surface: its covariance is ``k^2 (a a^T + b b^T) + thin^2 n n^T`` with ``a``, ``b`` the 3D
  steps to the neighbouring pixels (the smaller one-sided difference, so depth edges do not
  stretch splats) - the pixel's footprint on the surface, however slanted;
* **background**: behind depth discontinuities. Near the silhouette of a nearer surface, the
  depth behind it is the farthest depth within the parallax band (a maximum filter), capped by
  the ground plane (the floor continues under furniture); its colour is inpainted from the far
  side with OpenCV (Telea) with the near surface masked out, so a moving camera sees plausible
  content instead of holes;
* **sky**: sky pixels on a sphere of radius :data:`SKY_RADIUS` around the eye.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch

from ..core.camera import Camera
from ..core.labels import label_id
from ..core.rotation import rotmat_to_quat
from ..core.sh import rgb_to_sh
from ..core.splats import Splats

SKY_RADIUS = 600.0
#: pixel footprint sigma (pixels) of a foreground splat
FOOTPRINT = 0.5
#: footprint sigma per grid step of the strided layers (margins, background, sky): neighbouring
#: Gaussians overlap enough that the layer is opaque between them (0.5 left ~3 % see-through dots)
STRIDED_FOOTPRINT = 0.75
#: pixel stride of the far backdrop of enclosed photos
BACKDROP_STRIDE = 4
#: baseline (metres) whose parallax the background layer must cover
BACKGROUND_BASELINE = 2.0

#: layer ids reported by :func:`lift` (``stats["layers"]``, one per splat)
LAYER_PHOTO, LAYER_MARGIN, LAYER_BACKGROUND = 0, 1, 2

GROUND, SKY, OBJECT, WALL = label_id("ground"), label_id("sky"), label_id("object"), label_id("wall")


@dataclass
class PhotoCamera:
    """Intrinsics of the (possibly extended) canvas and the eye height: the photo's level camera."""

    focal: float
    cx: float
    cy: float
    width: int
    height: int
    eye_height: float

    def camera(self, name: str = "photo") -> Camera:
        """The spatial :class:`Camera` (world-to-camera, OpenCV axes) at the eye looking along -Z."""
        vm = torch.tensor([[1.0, 0, 0, 0], [0, -1, 0, self.eye_height], [0, 0, -1, 0], [0, 0, 0, 1]])
        return Camera(self.focal, self.focal, self.cx, self.cy, self.width, self.height, vm, name)

    def points(self, depth: np.ndarray, rows: np.ndarray | None = None, cols: np.ndarray | None = None) -> np.ndarray:
        """World points [...,3] of pixels with camera depth ``depth`` (pixel grid unless rows/cols given)."""
        if rows is None:
            rows, cols = np.meshgrid(np.arange(depth.shape[0]), np.arange(depth.shape[1]), indexing="ij")
        xc = (cols + 0.5 - self.cx) / self.focal * depth
        yc = (rows + 0.5 - self.cy) / self.focal * depth
        return np.stack([xc, self.eye_height - yc, -depth], -1)

    def ray_lengths(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """|ray| per unit camera depth."""
        return np.sqrt(1 + ((cols + 0.5 - self.cx) / self.focal) ** 2 + ((rows + 0.5 - self.cy) / self.focal) ** 2)


def surface_splats(P: np.ndarray, rgb: np.ndarray, valid: np.ndarray, labels: np.ndarray, footprint: float = FOOTPRINT,
                   opacity: float = 0.99, max_stretch: float = 12.0, min_sigma: np.ndarray | None = None) -> Splats:
    """Flat Gaussians for the valid pixels of a grid of world points ``P`` [H,W,3].

    ``min_sigma`` [H,W] bounds the in-plane size from below (the fronto-parallel footprint)."""
    H, W = valid.shape

    def step(axis):
        fwd = np.diff(P, axis=axis, append=np.take(P, [-1], axis=axis))
        bwd = -np.diff(P[::-1] if axis == 0 else P[:, ::-1], axis=axis, append=np.take(P[::-1] if axis == 0 else P[:, ::-1], [-1], axis=axis))
        bwd = bwd[::-1] if axis == 0 else bwd[:, ::-1]
        nf, nb = np.linalg.norm(fwd, axis=-1), np.linalg.norm(bwd, axis=-1)
        nf = np.where(nf == 0, np.inf, nf)
        nb = np.where(nb == 0, np.inf, nb)
        return np.where((nf <= nb)[..., None], fwd, -bwd), np.minimum(nf, nb)

    a, na = step(1)
    b, nb = step(0)
    sel = valid
    a, b, na, nb = a[sel], b[sel], na[sel], nb[sel]
    fp = np.full(len(a), 1e-3) if min_sigma is None else min_sigma[sel]
    # clamp the steps: at most max_stretch x the fronto-parallel footprint, never 0
    for v, nv in ((a, na), (b, nb)):
        bad = ~np.isfinite(nv) | (nv < 1e-9)
        scale = np.where(bad, 0.0, np.minimum(1.0, max_stretch * fp / np.maximum(nv, 1e-12)))
        v *= scale[:, None]
    a = a.astype(np.float64)
    b = b.astype(np.float64)
    cov = footprint ** 2 * (a[:, :, None] * a[:, None, :] + b[:, :, None] * b[:, None, :])
    n = np.cross(a, b)
    nn = np.linalg.norm(n, axis=1, keepdims=True)
    n = np.where(nn > 1e-12, n / np.maximum(nn, 1e-12), np.array([0.0, 0.0, 1.0]))
    # thickness from the clamped steps: an isolated pixel (a far neighbour on every side) must not get a
    # metre-thick normal axis from the unclamped depth jump
    na, nb = np.linalg.norm(a, axis=1), np.linalg.norm(b, axis=1)
    thin = np.maximum(0.1 * footprint * np.sqrt(na * nb), 1e-4)
    thin = np.where(np.isfinite(thin), thin, 1e-3)
    iso = (fp * footprint) ** 2
    cov += (thin ** 2)[:, None, None] * n[:, :, None] * n[:, None, :] + (iso * 0.05)[:, None, None] * np.eye(3)
    evals, evecs = np.linalg.eigh(cov.astype(np.float32))
    evals, evecs = evals.astype(np.float64), evecs.astype(np.float64)
    evecs[np.linalg.det(evecs) < 0, :, 0] *= -1
    scales = np.sqrt(np.maximum(evals, 1e-12))
    scales[:, 1:] = np.maximum(scales[:, 1:], (fp * footprint)[:, None])
    q = rotmat_to_quat(torch.from_numpy(evecs)).float()
    means = torch.from_numpy(P[sel].astype(np.float32))
    cols = torch.from_numpy(rgb[sel].astype(np.float32) / 255.0)
    n_s = len(means)
    return Splats(means, q, torch.log(torch.from_numpy(scales.astype(np.float32))),
                  torch.full((n_s,), math.log(opacity / (1 - opacity))), rgb_to_sh(cols)[:, None, :],
                  torch.from_numpy(labels[sel].astype(np.int32)))


def _strided(mask: np.ndarray, inside: np.ndarray, stride: int) -> np.ndarray:
    """``mask`` keeping every pixel inside the photo and every ``stride``-th outside it."""
    if stride <= 1:
        return mask
    grid = np.zeros_like(mask)
    grid[::stride, ::stride] = True
    return mask & (inside | grid)


def lift(rgb: np.ndarray, depth: np.ndarray, sky: np.ndarray, ground: np.ndarray, cam: PhotoCamera,
         inside: np.ndarray | None = None, margin_stride: int = 2, background: bool = True) -> tuple[Splats, dict]:
    """Layered splats (foreground + background + sky) for a canvas.

    Returns (splats, stats); ``stats["layers"]`` holds each splat's layer (:data:`LAYER_PHOTO`:
    the photo's own pixels and sky, :data:`LAYER_MARGIN`: outpainted margins,
    :data:`LAYER_BACKGROUND`: disocclusion layer)."""
    import cv2
    from scipy.ndimage import maximum_filter

    H, W = depth.shape
    inside = np.ones((H, W), bool) if inside is None else inside
    rows, cols = np.meshgrid(np.arange(H), np.arange(W), indexing="ij")
    finite = np.isfinite(depth) & ~sky
    ray = cam.ray_lengths(rows, cols)
    labels = np.where(ground, GROUND, WALL).astype(np.int32)
    labels[sky] = SKY
    out, stats, layers = [], {}, []

    # ---- foreground (and a stride outside the photo: the outpainted margins)
    d = np.where(finite, depth, 1.0)
    P = cam.points(d)
    stride_map = np.where(inside, 1.0, float(margin_stride))
    fp = d / cam.focal * stride_map
    keep = _strided(finite, inside, margin_stride)
    if margin_stride > 1:  # strided pixels: steps computed on the strided grid
        fg = surface_splats(P, rgb, keep & inside, labels, min_sigma=fp)
        out.append(fg)
        layers.append(np.full(len(fg), LAYER_PHOTO, np.int8))
        if (keep & ~inside).any():
            Ps = P[::margin_stride, ::margin_stride]
            ks = (keep & ~inside)[::margin_stride, ::margin_stride]
            mg = surface_splats(Ps, rgb[::margin_stride, ::margin_stride], ks, labels[::margin_stride, ::margin_stride],
                                min_sigma=fp[::margin_stride, ::margin_stride], footprint=STRIDED_FOOTPRINT)
            out.append(mg)
            layers.append(np.full(len(mg), LAYER_MARGIN, np.int8))
    else:
        fg = surface_splats(P, rgb, keep, labels, min_sigma=fp)
        out.append(fg)
        layers.append(np.where(inside[keep], LAYER_PHOTO, LAYER_MARGIN).astype(np.int8))
    stats["foreground"] = int(sum(len(s) for s in out))

    # ---- background layer behind depth discontinuities
    if background and finite.any():
        zf = np.where(finite, depth, 0.0).astype(np.float32)
        z10 = float(np.quantile(depth[finite], 0.1))
        photo_side = max(int(inside.any(0).sum()), int(inside.any(1).sum()))
        band = int(np.clip(cam.focal * BACKGROUND_BASELINE / max(z10, 0.1), 3, 0.15 * photo_side))
        zmax = maximum_filter(zf, size=2 * band + 1, mode="nearest")
        # the ground plane continues under near things: cap at the plane's depth below the horizon
        v_rel = rows + 0.5 - cam.cy
        plane = np.where(v_rel > 0.5, cam.focal * cam.eye_height / np.maximum(v_rel, 0.5), np.inf)
        zbg = np.minimum(zmax, plane)
        occl = finite & (zbg > 1.12 * zf)
        stats["background_band_px"] = band
        if occl.any():
            # colour behind: inpaint with the near surface masked (wider than the band), at <= 512 px
            near = maximum_filter(occl.astype(np.uint8), size=2 * max(2, band // 3) + 1) > 0
            s = min(1.0, 512.0 / max(H, W))
            small = cv2.resize(rgb, (max(1, round(W * s)), max(1, round(H * s))), interpolation=cv2.INTER_AREA) if s < 1 else rgb
            msk = cv2.resize(near.astype(np.uint8), (small.shape[1], small.shape[0]), interpolation=cv2.INTER_NEAREST) if s < 1 else near.astype(np.uint8)
            filled = cv2.inpaint(np.ascontiguousarray(small), msk, max(3, round(5 * s)), cv2.INPAINT_TELEA)
            if s < 1:
                filled = cv2.resize(filled, (W, H), interpolation=cv2.INTER_LINEAR)
            from .outpaint import add_grain

            filled = add_grain(filled, rgb, finite & ~near, seed=2)  # the inpainted band gets the photo's grain
            Pb = cam.points(np.where(occl, zbg, d))
            bl = np.where(plane[:, :1].repeat(W, 1) <= zmax, GROUND, WALL).astype(np.int32)
            bst = 2
            bmask = _strided(occl, np.zeros_like(occl), bst)
            bg = surface_splats(Pb[::bst, ::bst] if bst > 1 else Pb, filled[::bst, ::bst] if bst > 1 else filled,
                                bmask[::bst, ::bst] if bst > 1 else bmask, bl[::bst, ::bst] if bst > 1 else bl,
                                footprint=STRIDED_FOOTPRINT, min_sigma=(np.where(occl, zbg, d) / cam.focal * bst)[::bst, ::bst] if bst > 1 else np.where(occl, zbg, d) / cam.focal)
            out.append(bg)
            layers.append(np.full(len(bg), LAYER_BACKGROUND, np.int8))
            stats["background"] = len(bg)

    # ---- far backdrop (enclosed photos): a back wall just behind the farthest surface, with the floor
    # plane continuing under everything, coloured from the farthest surfaces and the floor; walking
    # forward past near things or sideways always ends on it, never on an empty band
    if background and not sky.any() and finite.any():
        from .outpaint import add_grain, push_pull

        zb = 1.05 * float(np.quantile(depth[finite], 0.98))
        v_rel = rows + 0.5 - cam.cy
        plane = np.where(v_rel > 0.5, cam.focal * cam.eye_height / np.maximum(v_rel, 0.5), np.inf)
        on_floor = plane < zb
        zback = np.where(on_floor, plane, zb)
        src = finite & ((np.where(finite, depth, 0) >= 0.8 * zb / 1.05) | (ground & on_floor))
        if src.sum() < 64:
            src = finite
        s = min(1.0, 256.0 / max(H, W))
        small = cv2.resize(rgb, (max(1, round(W * s)), max(1, round(H * s))), interpolation=cv2.INTER_AREA).astype(np.float32)
        ssrc = cv2.resize(src.astype(np.uint8), (small.shape[1], small.shape[0]), interpolation=cv2.INTER_NEAREST).astype(bool)
        fill = cv2.resize(push_pull(small, ssrc), (W, H), interpolation=cv2.INTER_LINEAR)
        # the photo's grain keeps the backdrop from being a flat fill
        fill = add_grain(np.clip(fill + 0.5, 0, 255).astype(np.uint8), rgb, src, seed=1)
        bst = BACKDROP_STRIDE
        bmask = np.zeros((H, W), bool)
        bmask[::bst, ::bst] = True
        Pk = cam.points(zback)
        bl = np.where(on_floor, GROUND, WALL).astype(np.int32)
        bk = surface_splats(Pk[::bst, ::bst], fill[::bst, ::bst], bmask[::bst, ::bst], bl[::bst, ::bst], footprint=STRIDED_FOOTPRINT,
                            min_sigma=(zback / cam.focal * bst)[::bst, ::bst])
        out.append(bk)
        layers.append(np.full(len(bk), LAYER_BACKGROUND, np.int8))
        stats["far_backdrop"] = len(bk)

    # ---- sky backdrop: the sky continues behind everything standing against it above the horizon
    # (towers, trees, rooftops), so a step sideways uncovers sky rather than a hole
    if background and sky.any():
        from .outpaint import push_pull

        back = ~sky & (rows + 0.5 < cam.cy + 0.02 * H)
        if back.any():
            s = min(1.0, 256.0 / max(H, W))
            small = cv2.resize(rgb, (max(1, round(W * s)), max(1, round(H * s))), interpolation=cv2.INTER_AREA).astype(np.float32)
            ssky = cv2.resize(sky.astype(np.uint8), (small.shape[1], small.shape[0]), interpolation=cv2.INTER_NEAREST).astype(bool)
            fill = cv2.resize(push_pull(small, ssky), (W, H), interpolation=cv2.INTER_LINEAR)
            fill = np.clip(fill + 0.5, 0, 255).astype(np.uint8)
            r = SKY_RADIUS / ray
            bst = max(2, margin_stride)
            bmask = np.zeros_like(back)
            bmask[::bst, ::bst] = back[::bst, ::bst]
            Pk = cam.points(r)
            sl = np.full((H, W), SKY, np.int32)
            bk = surface_splats(Pk[::bst, ::bst], fill[::bst, ::bst], bmask[::bst, ::bst], sl[::bst, ::bst], footprint=STRIDED_FOOTPRINT,
                                min_sigma=(r / cam.focal * bst)[::bst, ::bst])
            out.append(bk)
            layers.append(np.full(len(bk), LAYER_BACKGROUND, np.int8))
            stats["sky_backdrop"] = len(bk)

    # ---- sky on a sphere around the eye
    if sky.any():
        r = SKY_RADIUS / ray
        Ps = cam.points(r)
        ks = _strided(sky, inside, margin_stride)
        sp = surface_splats(Ps, rgb, ks, labels, footprint=STRIDED_FOOTPRINT, min_sigma=r / cam.focal * stride_map)
        out.append(sp)
        layers.append(np.where(inside[ks], LAYER_PHOTO, LAYER_MARGIN).astype(np.int8))
        stats["sky"] = len(sp)
    stats["layers"] = np.concatenate(layers) if layers else np.zeros(0, np.int8)
    return Splats.concat(out), stats
