"""Colour conversions used everywhere: sRGB <-> linear (IEC 61966-2-1) and float images -> uint8.

One implementation for the package (the generator's lighting, the formats' colour conversions, previews,
dataset images, fitting plots).
"""

from __future__ import annotations

import numpy as np

__all__ = ["srgb_to_linear", "linear_to_srgb", "to_uint8", "from_uint8"]


def srgb_to_linear(c) -> np.ndarray:
    """sRGB-encoded values -> linear (float64). Values are not clipped (negative values stay linear)."""
    c = np.asarray(c, dtype=np.float64)
    return np.where(c <= 0.04045, c / 12.92, ((np.maximum(c, 0.04045) + 0.055) / 1.055) ** 2.4)


def linear_to_srgb(c, upper: float | None = 1.0) -> np.ndarray:
    """Linear values -> sRGB encoding (float64). Inputs are clipped to ``[0, upper]`` first; ``upper=None``
    keeps values above 1 (HDR light that a later step clips or tone-maps)."""
    c = np.clip(np.asarray(c, dtype=np.float64), 0.0, upper)
    return np.where(c <= 0.0031308, c * 12.92, 1.055 * np.power(np.maximum(c, 0.0031308), 1 / 2.4) - 0.055)


def to_uint8(img, top: float = 1.0) -> np.ndarray:
    """An image (numpy array or torch tensor) with values in ``[0, top]`` -> uint8 in [0, 255], rounded to
    nearest; NaN becomes 0, values outside are clipped. uint8 input is returned as is."""
    a = img.detach().cpu().numpy() if hasattr(img, "detach") else np.asarray(img)
    if a.dtype == np.uint8:
        return a
    a = np.nan_to_num(a.astype(np.float64, copy=False), nan=0.0, posinf=top, neginf=0.0)
    return (np.clip(a / top, 0.0, 1.0) * 255.0 + 0.5).astype(np.uint8)


def from_uint8(img) -> np.ndarray:
    """uint8 image -> float32 in [0, 1]."""
    return np.asarray(img, dtype=np.float32) / 255.0


def soft_clip(x, lo: float, hi: float, knee: float) -> np.ndarray:
    """``x`` squeezed into (lo, hi) without flattening: identity on [lo + knee, hi - knee], exponential
    roll-off (continuous, with continuous slope, strictly increasing) into each bound beyond. Values a hard
    clip would collapse onto one level stay ordered, so texture pushed past a bound still shows."""
    x = np.asarray(x, dtype=np.float64)
    a, b = lo + knee, hi - knee
    out = np.where(x < a, a - knee * (1.0 - np.exp((x - a) / knee)), x)
    return np.where(x > b, b + knee * (1.0 - np.exp(-(x - b) / knee)), out)
