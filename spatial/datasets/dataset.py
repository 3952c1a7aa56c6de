"""Posed image sets: the common form every dataset loader returns and :func:`spatial.fit` consumes.

A :class:`Dataset` is a list of :class:`View` (a :class:`~spatial.core.camera.Camera` in spatial's
world frame, an RGB image as ``uint8`` ``[H, W, 3]``, an optional mask and a weight) plus optional
sparse points (``[P, 3]`` float, world frame) with colours (``[P, 3]`` uint8) from
structure-from-motion, and ``info``: a JSON-able record of where the data came from and which
frame change was applied (see docs/fit.md).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import numpy as np

from ..core.camera import Camera
from ..errors import ValidationError

#: Fewest views a fit/reconstruction accepts.
MIN_VIEWS = 3


class DatasetError(ValidationError):
    """A dataset cannot be used: missing/unreadable images, bad poses, too few views, SfM failure.

    The message names the dataset (file or folder) and the problem.
    """

    def __init__(self, source, problem: str):
        self.source = str(source)
        self.problem = problem
        super().__init__(f"{self.source}: {problem}")


@dataclass
class View:
    """One posed photo: camera (world-to-camera, OpenCV axes), RGB image, optional mask and weight."""

    camera: Camera
    image: np.ndarray  # [H, W, 3] uint8
    mask: np.ndarray | None = None  # [H, W] float in [0, 1] (1 = use this pixel) or bool
    weight: float = 1.0
    name: str = ""

    @property
    def height(self) -> int:
        return int(self.image.shape[0])

    @property
    def width(self) -> int:
        return int(self.image.shape[1])

    def resized(self, width: int, height: int) -> "View":
        """Image (area-averaged), mask and intrinsics scaled to ``width`` x ``height``."""
        if (width, height) == (self.width, self.height):
            return self
        from PIL import Image

        img = np.asarray(Image.fromarray(self.image).resize((width, height), Image.Resampling.BOX if width < self.width else Image.Resampling.BICUBIC))
        mask = None
        if self.mask is not None:
            m = Image.fromarray((np.asarray(self.mask, dtype=np.float32)).astype(np.float32), mode="F")
            mask = np.asarray(m.resize((width, height), Image.Resampling.BOX), dtype=np.float32)
        return replace(self, camera=self.camera.resized(width, height), image=img, mask=mask)


@dataclass
class Dataset:
    views: list[View]
    points: np.ndarray | None = None  # [P, 3] float32, world frame
    point_colors: np.ndarray | None = None  # [P, 3] uint8
    info: dict = field(default_factory=dict)
    source: str = "<memory>"

    def __len__(self) -> int:
        return len(self.views)

    @property
    def cameras(self) -> list[Camera]:
        return [v.camera for v in self.views]

    def split(self, every: int = 8) -> tuple["Dataset", "Dataset"]:
        """(train, test): every ``every``-th view (index 0, every, 2*every, ...) is held out,
        as in the Mip-NeRF 360 / 3DGS evaluation protocol."""
        if every < 2:
            raise ValidationError(f"split every must be >= 2, got {every}")
        test = [v for i, v in enumerate(self.views) if i % every == 0]
        train = [v for i, v in enumerate(self.views) if i % every != 0]
        return replace(self, views=train), replace(self, views=test, points=None, point_colors=None)

    def downscaled(self, max_side: int | None) -> "Dataset":
        """Views scaled so that their longer side is at most ``max_side`` pixels (never upscaled)."""
        if not max_side:
            return self
        out = []
        for v in self.views:
            s = max_side / max(v.width, v.height)
            if s >= 1:
                out.append(v)
            else:
                out.append(v.resized(max(1, round(v.width * s)), max(1, round(v.height * s))))
        return replace(self, views=out)

    def scene_extent(self) -> float:
        """Radius of the camera centres around their mean, times 1.1 (3DGS's ``spatial_lr_scale``);
        falls back to the sparse points' spread for a single camera position."""
        centres = np.stack([v.camera.position.numpy() for v in self.views]).astype(np.float64)
        r = float(np.linalg.norm(centres - centres.mean(0), axis=1).max()) * 1.1 if len(centres) else 0.0
        if r < 1e-6 and self.points is not None and len(self.points):
            p = np.asarray(self.points, np.float64)
            r = float(np.linalg.norm(p - p.mean(0), axis=1).mean())
        return max(r, 1e-3)

    def validate(self, min_views: int = MIN_VIEWS) -> "Dataset":
        """Raise :class:`DatasetError` naming the problem: too few views, non-finite poses or
        intrinsics, images whose size disagrees with their camera, bad masks or weights, bad points."""
        if len(self.views) < min_views:
            raise DatasetError(self.source, f"needs at least {min_views} views, found {len(self.views)}")
        for i, v in enumerate(self.views):
            name = v.name or f"view {i}"
            c = v.camera
            if not bool(np.isfinite(c.viewmat.numpy()).all()):
                raise DatasetError(self.source, f"{name}: camera pose has NaN/Inf entries")
            r = c.viewmat[:3, :3].double()
            if abs(float(torch_det(r)) - 1) > 1e-3:
                raise DatasetError(self.source, f"{name}: camera rotation is not a proper rotation (det {float(torch_det(r)):.4f})")
            if not all(math.isfinite(x) for x in (c.fx, c.fy, c.cx, c.cy)):
                raise DatasetError(self.source, f"{name}: intrinsics are not finite")
            img = v.image
            if not isinstance(img, np.ndarray) or img.ndim != 3 or img.shape[2] != 3 or img.dtype != np.uint8:
                raise DatasetError(self.source, f"{name}: image must be uint8 [H,W,3], got {getattr(img, 'dtype', type(img))} {getattr(img, 'shape', '')}")
            if (img.shape[1], img.shape[0]) != (c.width, c.height):
                raise DatasetError(self.source, f"{name}: image is {img.shape[1]}x{img.shape[0]} but its camera says {c.width}x{c.height}")
            if v.mask is not None and tuple(np.shape(v.mask)) != img.shape[:2]:
                raise DatasetError(self.source, f"{name}: mask shape {np.shape(v.mask)} does not match image {img.shape[:2]}")
            if not (math.isfinite(v.weight) and v.weight >= 0):
                raise DatasetError(self.source, f"{name}: weight must be finite and >= 0, got {v.weight}")
        if self.points is not None:
            p = np.asarray(self.points)
            if p.ndim != 2 or p.shape[1] != 3:
                raise DatasetError(self.source, f"sparse points must be [P,3], got {p.shape}")
            if len(p) and not np.isfinite(p).all():
                raise DatasetError(self.source, "sparse points contain NaN/Inf")
        return self

    def with_world_transform(self, m: np.ndarray) -> "Dataset":
        """Apply a rigid/similarity 4x4 ``m`` (``p_new = m @ p``) to cameras and points."""
        import torch

        m = np.asarray(m, np.float64)
        s = float(np.cbrt(np.linalg.det(m[:3, :3])))
        minv = np.linalg.inv(m)
        views = []
        for v in self.views:
            vm = v.camera.viewmat.double().numpy() @ minv
            vm[:3, :] *= s  # keep rotation orthonormal: x_cam scaled with the world
            vm[3] = [0, 0, 0, 1]
            cam = replace(v.camera, viewmat=torch.tensor(vm, dtype=torch.float32))
            views.append(replace(v, camera=cam))
        pts = None if self.points is None else (np.asarray(self.points, np.float64) @ m[:3, :3].T + m[:3, 3]).astype(np.float32)
        return replace(self, views=views, points=pts)


def torch_det(r) -> float:
    import torch

    return float(torch.linalg.det(r))


def similarity_align(src: np.ndarray, dst: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
    """Umeyama: (s, R, t) minimising ||dst - (s R src + t)||^2 for point sets [N,3]."""
    src = np.asarray(src, np.float64)
    dst = np.asarray(dst, np.float64)
    mu_s, mu_d = src.mean(0), dst.mean(0)
    xs, xd = src - mu_s, dst - mu_d
    cov = xd.T @ xs / len(src)
    u, d, vt = np.linalg.svd(cov)
    sgn = np.eye(3)
    if np.linalg.det(u) * np.linalg.det(vt) < 0:
        sgn[2, 2] = -1
    r = u @ sgn @ vt
    var_s = (xs**2).sum() / len(src)
    s = float(np.trace(np.diag(d) @ sgn) / max(var_s, 1e-30))
    t = mu_d - s * r @ mu_s
    return s, r, t


def pose_errors(cams_est: list[Camera], cams_ref: list[Camera]) -> dict:
    """Align estimated camera centres to reference ones with a similarity, then report rotation
    errors (degrees) and centre errors (fraction of the reference scene size = max distance of the
    reference centres from their mean, times 2)."""
    ce = np.stack([c.position.double().numpy() for c in cams_est])
    cr = np.stack([c.position.double().numpy() for c in cams_ref])
    s, r, t = similarity_align(ce, cr)
    rot_err = []
    for a, b in zip(cams_est, cams_ref):
        # world->cam rotations; estimated world maps to reference world by r, so R_est' = R_est r^T
        ra = a.viewmat[:3, :3].double().numpy() @ r.T
        rb = b.viewmat[:3, :3].double().numpy()
        cosang = (np.trace(ra.T @ rb) - 1) / 2
        rot_err.append(math.degrees(math.acos(max(-1.0, min(1.0, cosang)))))
    aligned = (s * ce @ r.T) + t
    size = 2 * float(np.linalg.norm(cr - cr.mean(0), axis=1).max())
    cerr = np.linalg.norm(aligned - cr, axis=1) / max(size, 1e-12)
    return {
        "rotation_deg_max": float(max(rot_err)),
        "rotation_deg_mean": float(np.mean(rot_err)),
        "centre_rel_max": float(cerr.max()),
        "centre_rel_mean": float(cerr.mean()),
        "scale": s,
    }
