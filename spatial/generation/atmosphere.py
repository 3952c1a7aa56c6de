"""Atmosphere: fog and aerial haze by distance, and weather particles.

Splat colours are view-independent, so fog is baked relative to the **spawn eye point**:
``c = c * T + fog * (1 - T)`` with transmittance ``T = exp(-density * distance)`` (in linear
RGB). Far from the spawn the baked fog is approximate; the renderer-side fog of the viewer can
take over there. The sky dome gets the same haze toward its horizon.

Snow is a volume of small white splats (label ``particles``) around the spawn.
"""

from __future__ import annotations

import numpy as np

from .noise import hash_cells
from .sky import Sky, linear_to_srgb, srgb_to_linear


def apply_fog(colors_srgb: np.ndarray, points: np.ndarray, eye: np.ndarray, sky: Sky, max_fog: float = 1.0) -> np.ndarray:
    """Blend ``colors_srgb`` toward the sky's fog colour by distance from ``eye``."""
    if sky.fog_density <= 0 or len(points) == 0:
        return colors_srgb
    d = np.linalg.norm(points - eye[None], axis=1)
    t = np.exp(-sky.fog_density * d)
    t = 1 - (1 - t) * max_fog
    c = srgb_to_linear(colors_srgb) * t[:, None] + srgb_to_linear(sky.fog_color)[None] * (1 - t[:, None])
    return linear_to_srgb(c)


def fog_sky(colors_srgb: np.ndarray, dirs: np.ndarray, sky: Sky) -> np.ndarray:
    """Thicken fog near the horizon of the dome (fog weather hides the far sky)."""
    if sky.weather != "fog":
        return colors_srgb
    h = np.clip(1 - np.abs(dirs[:, 1]) / 0.5, 0, 1) ** 1.5 * 0.85 + 0.1
    return colors_srgb * (1 - h[:, None]) + sky.fog_color[None] * h[:, None]


def snow_particles(n: int, center: np.ndarray, radius: float, height: float, ground_fn, seed: int) -> dict:
    """Snowflakes: ``n`` small splats in a cylinder around ``center``, denser near it, above the ground."""
    i = np.arange(n)
    r = radius * np.sqrt(hash_cells(seed, i, np.zeros(n, dtype=np.int64))) ** 1.6
    a = 2 * np.pi * hash_cells(seed, i, np.ones(n, dtype=np.int64))
    x = center[0] + r * np.cos(a)
    z = center[2] + r * np.sin(a)
    g = ground_fn(x, z)
    y = g + 0.3 + height * hash_cells(seed, i, np.full(n, 2, dtype=np.int64))
    means = np.stack([x, y, z], -1)
    sigma = 0.012 + 0.02 * hash_cells(seed, i, np.full(n, 3, dtype=np.int64))
    return {"means": means, "sigma": sigma, "colors": np.tile([[0.96, 0.97, 1.0]], (n, 1))}
