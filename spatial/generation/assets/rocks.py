"""Rocks: icospheres displaced by multi-octave noise, flattened and half buried. Colliders."""

from __future__ import annotations

import numpy as np

from ...core.labels import label_id
from ..mesh import Part, blob, rot_y

ROCK = label_id("rock")


def rock(size: float, seed: int, color, snow: float = 0.0, moss=None) -> list[Part]:
    """A boulder about ``size`` metres across, its base ``0.3 * size`` below y=0 (sits in the ground)."""
    r = np.random.default_rng(seed & 0x7FFFFFFFFFFFFFFF)
    squash = (1.0, r.uniform(0.45, 0.75), r.uniform(0.7, 1.0))
    p = blob(size / 2, color, ROCK, seed, roughness=0.32, subdivisions=2, material="rock", collider=True, squash=squash, name="rock")
    p = p.transformed(rot_y(r.uniform(0, 2 * np.pi)), (0, size * squash[1] * 0.5 * 0.4, 0))
    y = p.vertices[:, 1]
    top = np.clip(y / max(float(y.max()), 1e-6), 0, 1)
    p.ao = 0.45 + 0.55 * top
    n_up = top  # upward-facing-ish: tops catch snow and moss
    if snow > 0:
        w = np.clip(snow * (n_up - 0.3) * 1.6, 0, 0.95)[:, None]
        p.color = p.color * (1 - w) + np.array([0.92, 0.94, 0.97]) * w
    elif moss is not None:
        w = np.clip((n_up - 0.5) * 1.2, 0, 0.6)[:, None]
        p.color = p.color * (1 - w) + np.asarray(moss) * w
    return [p]
