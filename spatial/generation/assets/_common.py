"""Labels, colours and small helpers shared by the category modules."""

from __future__ import annotations

import numpy as np

from ...core.labels import label_id
from ..mesh import Part, blob

BUILDING = label_id("building")
OBJECT = label_id("object")
FURN = label_id("furniture")
VEG = label_id("vegetation")
ROCK = label_id("rock")
WATER = label_id("water")

STONE = np.array([0.60, 0.58, 0.54])
DARK_STONE = np.array([0.42, 0.41, 0.39])
WOOD = np.array([0.52, 0.36, 0.22])
DARK_WOOD = np.array([0.30, 0.20, 0.12])
METAL = np.array([0.55, 0.56, 0.58])
IRON = np.array([0.17, 0.17, 0.18])
BLACK = np.array([0.05, 0.05, 0.06])
WHITE = np.array([0.92, 0.92, 0.90])
RED = np.array([0.72, 0.12, 0.10])
GLASS = np.array([0.28, 0.36, 0.42])
WATER_C = np.array([0.16, 0.34, 0.38])
LEAF = np.array([0.22, 0.42, 0.13])
BARK = np.array([0.33, 0.24, 0.17])
WARM = np.array([1.0, 0.82, 0.52])
FIRE = np.array([1.0, 0.55, 0.15])


def seed(rng: np.random.Generator) -> int:
    return int(rng.integers(0, 2**31))


def glow(p, on=WARM, off=(0.86, 0.85, 0.80), off_material: str = "glass"):
    """(colour, material) of a light-emitting surface: emissive when lit, ``off`` otherwise."""
    return (np.asarray(on, dtype=np.float64), "emissive") if p.lit else (np.asarray(off, dtype=np.float64), off_material)


def flame(center, height: float, p, rng, color=FIRE) -> Part:
    """A flame tongue: emissive when lit, bright orange paint by day (fire still reads as fire)."""
    f = blob(height * 0.3, np.asarray(color), OBJECT, seed(rng), 0.3, 1, "emissive" if p.lit else "paint", squash=(0.8, 1.7, 0.8))
    v = f.vertices
    t = np.clip((v[:, 1] - v[:, 1].min()) / max(float(np.ptp(v[:, 1])), 1e-6), 0, 1)
    f.vertices = v * np.stack([1 - 0.75 * t, np.ones_like(t), 1 - 0.75 * t], -1)  # a tongue: narrow toward the tip
    f = f.transformed(translation=np.asarray(center, dtype=np.float64) + [0, height * 0.5, 0])
    f.color = np.clip(np.asarray(color) * (1 - t[:, None]) + np.array([1.0, 0.78, 0.25]) * t[:, None], 0, 1)
    return f


def vary(color, rng, amount: float = 0.08) -> np.ndarray:
    return np.clip(np.asarray(color, dtype=np.float64) * rng.uniform(1 - amount, 1 + amount), 0, 1)
