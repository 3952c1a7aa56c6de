"""Depth accuracy measures used by the image -> world checks and benchmark (median-scaled, like the
single-image depth literature: Eigen et al. 2014)."""

from __future__ import annotations

import numpy as np


def depth_errors(pred: np.ndarray, gt: np.ndarray, mask: np.ndarray | None = None, median_scale: bool = True) -> dict:
    """AbsRel (mean ``|p - g| / g``) and delta<1.25 (share of pixels with ``max(p/g, g/p) < 1.25``)
    over pixels where both depths are finite and positive; with ``median_scale`` the prediction is first
    multiplied by ``median(gt) / median(pred)`` (a single photo has no metric scale)."""
    m = np.isfinite(gt) & (gt > 0) & np.isfinite(pred) & (pred > 0)
    if mask is not None:
        m &= mask
    if not m.any():
        return {"abs_rel": float("nan"), "delta1": float("nan"), "pixels": 0}
    p, g = pred[m].astype(np.float64), gt[m].astype(np.float64)
    if median_scale:
        p = p * np.median(g) / np.median(p)
    r = np.maximum(p / g, g / p)
    return {"abs_rel": float(np.mean(np.abs(p - g) / g)), "delta1": float(np.mean(r < 1.25)), "pixels": int(m.sum())}


def baseline_depths(shape: tuple[int, int]) -> dict[str, np.ndarray]:
    """Weight-free baselines of the same size: a constant depth, and the row prior "farther towards the
    top of the image" (depth growing linearly from 1 at the bottom row to 3 at the top row)."""
    h, w = shape
    rows = (np.arange(h, dtype=np.float64) + 0.5) / h
    return {"constant": np.ones((h, w)), "row_prior": np.broadcast_to((1.0 + 2.0 * (1.0 - rows))[:, None], (h, w)).copy()}


def flat_filler_share(img: np.ndarray, tol: float = 1.0, window: int = 7, mask: np.ndarray | None = None) -> float:
    """Share of the image covered by its largest *flat* region: 8-connected pixels whose ``window`` x
    ``window`` neighbourhood has a standard deviation below ``tol`` (8-bit levels) in every channel -
    an empty band, a solid fill, a colour smeared by a fill. Real surfaces, even plain walls under
    real light or rendered with texture, vary by more than a level over a few pixels. ``mask`` limits
    the search (e.g. to pixels that are not sky: a clear sky is smooth by nature)."""
    import cv2
    from scipy.ndimage import label

    f = img.astype(np.float32)
    k = (window, window)
    mean = cv2.blur(f, k)
    var = np.maximum(cv2.blur(f * f, k) - mean * mean, 0)
    flat = (np.sqrt(var) < tol).all(-1)
    if mask is not None:
        flat &= mask
    if not flat.any():
        return 0.0
    lab, n = label(flat, structure=np.ones((3, 3), bool))
    return float(np.bincount(lab.ravel())[1:].max() / flat.size)


def mean_lab_distance(a: np.ndarray, b: np.ndarray, mask_a: np.ndarray | None = None, mask_b: np.ndarray | None = None) -> float:
    """CIE76 distance (Delta E*ab) between the mean CIELAB colours of two uint8 RGB images (or their masked pixels)."""
    import cv2

    def mean_lab(x, m):
        lab = cv2.cvtColor(x.astype(np.float32) / 255.0, cv2.COLOR_RGB2Lab)
        return lab.reshape(-1, 3).mean(0) if m is None else lab[m].mean(0)

    return float(np.linalg.norm(mean_lab(a, mask_a) - mean_lab(b, mask_b)))
