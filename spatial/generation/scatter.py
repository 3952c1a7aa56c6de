"""Scatter: Poisson-disk placement filtered by slope, height and moisture masks.

:func:`poisson_disk` is dart throwing with a KD-tree: uniform candidates in random order,
each kept only if no kept point lies within ``radius`` (a maximal Poisson-disk set for the
candidate count). :func:`scatter` then keeps each point with the probability a density mask
gives at its location, so trees avoid cliffs, water, the spawn clearing and the walk trail.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
from scipy.spatial import cKDTree


def poisson_disk(rng: np.random.Generator, bounds: tuple[float, float, float, float], radius: float, max_points: int = 200000) -> np.ndarray:
    """Points [M, 2] in ``bounds`` = (x0, z0, x1, z1) with pairwise distance >= ``radius``."""
    x0, z0, x1, z1 = bounds
    area = (x1 - x0) * (z1 - z0)
    n_cand = int(min(max_points * 3, max(8, 2.2 * area / (radius * radius))))
    cand = np.stack([rng.uniform(x0, x1, n_cand), rng.uniform(z0, z1, n_cand)], -1)
    tree = cKDTree(cand)
    pairs = tree.query_pairs(radius, output_type="ndarray")
    if len(pairs) == 0:
        return cand
    # neighbour lists (CSR) over the conflict graph; greedy keep in candidate order
    a = np.concatenate([pairs[:, 0], pairs[:, 1]])
    b = np.concatenate([pairs[:, 1], pairs[:, 0]])
    order = np.argsort(a, kind="stable")
    a, b = a[order], b[order]
    starts = np.searchsorted(a, np.arange(n_cand + 1))
    alive = np.ones(n_cand, dtype=bool)
    keep = np.zeros(n_cand, dtype=bool)
    for i in range(n_cand):
        if alive[i]:
            keep[i] = True
            alive[b[starts[i]:starts[i + 1]]] = False
    return cand[keep][:max_points]


@dataclass
class Placement:
    """One placed instance: position (x, y, z), yaw in radians, scale factor, per-instance seed."""

    position: np.ndarray
    yaw: float
    scale: float
    seed: int


def scatter(rng: np.random.Generator, bounds, radius: float, density: Callable[[np.ndarray, np.ndarray], np.ndarray],
            height: Callable[[np.ndarray, np.ndarray], np.ndarray], scale_range=(0.8, 1.2), max_count: int | None = None) -> list[Placement]:
    """Poisson-disk points kept with probability ``density(x, z)`` in [0, 1], lifted onto ``height(x, z)``."""
    pts = poisson_disk(rng, bounds, radius)
    if len(pts) == 0:
        return []
    p = np.clip(density(pts[:, 0], pts[:, 1]), 0, 1)
    keep = rng.uniform(size=len(pts)) < p
    pts = pts[keep]
    if max_count is not None and len(pts) > max_count:
        # keep the most suitable ones first (deterministic)
        pts = pts[np.argsort(-np.clip(density(pts[:, 0], pts[:, 1]), 0, 1), kind="stable")[:max_count]]
    ys = height(pts[:, 0], pts[:, 1])
    yaws = rng.uniform(0, 2 * np.pi, len(pts))
    scales = rng.uniform(scale_range[0], scale_range[1], len(pts))
    seeds = rng.integers(0, 2**31 - 1, len(pts))
    return [Placement(np.array([x, y, z]), float(a), float(s), int(sd)) for (x, z), y, a, s, sd in zip(pts, ys, yaws, scales, seeds)]


def count_scatter(rng: np.random.Generator, bounds, count: int, density, height, min_dist: float, scale_range=(0.8, 1.2)) -> list[Placement]:
    """Exactly ``count`` placements (fewer only if the mask leaves no room): the best-masked Poisson-disk points."""
    pts = poisson_disk(rng, bounds, min_dist)
    if len(pts) == 0 or count <= 0:
        return []
    p = np.clip(density(pts[:, 0], pts[:, 1]), 0, 1)
    score = p * (0.5 + 0.5 * rng.uniform(size=len(pts)))
    idx = np.argsort(-score, kind="stable")
    idx = idx[p[idx] > 0.05][:count]
    pts = pts[idx]
    ys = height(pts[:, 0], pts[:, 1])
    out = []
    for (x, z), y in zip(pts, ys):
        out.append(Placement(np.array([x, y, z]), float(rng.uniform(0, 2 * np.pi)), float(rng.uniform(*scale_range)), int(rng.integers(0, 2**31 - 1))))
    return out


def trail_distance(x: np.ndarray, z: np.ndarray, heading_deg: float, length: float) -> np.ndarray:
    """Distance from (x, z) to the walk trail: the segment from the origin along ``heading_deg`` (0 = -Z, CCW positive)."""
    a = np.radians(heading_deg)
    d = np.array([-np.sin(a), -np.cos(a)])
    t = np.clip(x * d[0] + z * d[1], 0, length)
    return np.hypot(x - t * d[0], z - t * d[1])
