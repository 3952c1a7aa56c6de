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
