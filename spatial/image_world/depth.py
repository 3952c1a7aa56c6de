"""One interface for single-photo depth: :func:`estimate_depth` -> :class:`DepthResult`.

``method="classical"`` (default without a model) is the offline pop-up of
:mod:`.depth_classical`; ``method="learned"`` runs a ``transformers`` depth model
(:mod:`.depth_learned`) aligned to metres with the classical ground plane; ``"auto"`` uses the
learned model when one is given (argument or ``$SPATIAL_DEPTH_MODEL``), else Depth Anything V2 Small
(:data:`.depth_learned.DEFAULT_MODEL`) when its weights are on disk or can be downloaded (progress bar),
and otherwise says so in one line on stderr and uses the classical method.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from .. import settings
from ..errors import ValidationError

ENV_MODEL = "SPATIAL_DEPTH_MODEL"
METHODS = ("auto", "classical", "learned")


@dataclass
class DepthResult:
    """Depth of one photo in metres, with the camera it implies.

    ``depth`` is camera-space z ([H,W] float32; ``inf`` on the sky), ``focal`` the focal length in
    pixels, ``fov`` the vertical field of view in degrees, ``horizon`` the horizon row,
    ``camera_height`` the eye height above the ground plane (metres)."""

    depth: np.ndarray
    fov: float
    focal: float
    sky_mask: np.ndarray
    ground_mask: np.ndarray
    horizon: float
    camera_height: float
    method: str
    fov_source: str = "default"
    info: dict = field(default_factory=dict)
    #: [H,W] bool: the ceiling plane found indoors (None when unknown)
    ceiling_mask: np.ndarray | None = None

    @property
    def height(self) -> int:
        return int(self.depth.shape[0])

    @property
    def width(self) -> int:
        return int(self.depth.shape[1])

    def to_dict(self) -> dict:
        """JSON-able summary (no arrays)."""
        return {"method": self.method, "fov_y_deg": round(self.fov, 3), "focal_px": round(self.focal, 3),
                "fov_source": self.fov_source, "horizon_row": round(self.horizon, 2), "camera_height_m": round(self.camera_height, 3),
                "size": [self.width, self.height], "sky_fraction": round(float(self.sky_mask.mean()), 4),
                "median_depth_m": round(float(np.median(self.depth[np.isfinite(self.depth)])), 4) if np.isfinite(self.depth).any() else None,
                "info": _jsonable(self.info)}


def _jsonable(x):
    if isinstance(x, dict):
        return {str(k): _jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_jsonable(v) for v in x]
    if isinstance(x, (np.floating, np.integer)):
        return x.item()
    return x


_SAID: set = set()


def _say_once(line: str) -> None:
    """One line on stderr per process and message (the offline fallback of ``method="auto"``)."""
    import sys

    if line not in _SAID:
        _SAID.add(line)
        print(line, file=sys.stderr)


def estimate_depth(image: np.ndarray, method: str = "auto", model: str | None = None, focal: float | None = None,
                   camera_height: float | None = None, exif_focal: float | None = None, device: str = "cpu",
                   horizon: float | None = None) -> DepthResult:
    """Depth of ``image`` (uint8 [H,W,3]) in metres.

    Args:
        method: ``"auto"`` (a configured model, else Depth Anything V2 Small when it is on disk or can be
            downloaded, else classical with one line on stderr saying why), ``"classical"`` or ``"learned"``.
        model: learned model folder or hub id (default ``$SPATIAL_DEPTH_MODEL``).
        focal: known focal length in pixels (skips the field-of-view estimate).
        camera_height: known eye height in metres (default: estimated, 1.6 m outdoors).
        exif_focal: focal length from the photo's EXIF, in pixels (used if vanishing points fail).
        horizon: known horizon row in pixels (may lie outside the image: negative above its top).
    """
    from .depth_classical import estimate_classical

    if method not in METHODS:
        raise ValidationError(f"method must be one of {', '.join(METHODS)}; got {method!r}")
    img = np.asarray(image)
    if img.ndim != 3 or img.shape[2] != 3 or img.dtype != np.uint8:
        raise ValidationError(f"image must be uint8 [H,W,3], got {img.dtype} {list(img.shape)}")
    if min(img.shape[:2]) < 16:
        raise ValidationError(f"image is {img.shape[1]}x{img.shape[0]} pixels; at least 16x16 is needed for depth")
    model = model or settings.get(ENV_MODEL) or None
    if method == "learned" and not model:
        raise ValidationError(f"method='learned' needs a model folder or hub id (model=... or ${ENV_MODEL})")
    auto_note = None
    if method == "auto" and model is None:
        from .depth_learned import resolve_auto

        model, auto_note = resolve_auto(device)
        if model is None:
            _say_once(f"depth: {auto_note}; using the classical method")
    use_learned = method == "learned" or (method == "auto" and model is not None)
    c = estimate_classical(img, focal=focal, camera_height=camera_height, exif_focal=exif_focal, horizon=horizon)
    if auto_note:
        c.info["auto"] = auto_note
    H = img.shape[0]
    fov = math.degrees(2 * math.atan(0.5 * H / c.focal))
    if not use_learned:
        return DepthResult(c.depth, fov, c.focal, c.sky_mask, c.ground_mask, c.horizon, c.camera_height, "classical", c.fov_source, c.info,
                           c.ceiling_mask)
    from .depth_learned import align_to_reference, predict_raw

    pred, kind = predict_raw(img, model, device)
    rows = np.arange(H)[:, None] + 0.5
    reliable = c.ground_mask & (rows - c.horizon > 0.1 * H) & ~c.sky_mask
    if reliable.sum() < 16:  # no visible ground: align to everything the classical model placed
        reliable = ~c.sky_mask & np.isfinite(c.depth)
    depth, info = align_to_reference(pred, kind, c.depth, reliable)
    depth = np.where(c.sky_mask, np.inf, depth).astype(np.float32)
    info = dict(info, model=str(model), prediction=kind, classical=c.info)
    return DepthResult(depth, fov, c.focal, c.sky_mask, c.ground_mask, c.horizon, c.camera_height, "learned", c.fov_source, info,
                       c.ceiling_mask)
