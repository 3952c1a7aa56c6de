"""Deterministic lattice value noise and fractal sums, evaluated at arbitrary points (numpy).

Every generator stage draws its detail from these functions, so a world depends only on its
seed: the lattice values come from an integer hash of (cell, seed), not from a global RNG.
"""

from __future__ import annotations

import numpy as np

_M1 = np.uint64(0x9E3779B97F4A7C15)
_M2 = np.uint64(0xBF58476D1CE4E5B9)
_M3 = np.uint64(0x94D049BB133111EB)


def _mix(h: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser (uint64 -> well-mixed uint64)."""
    with np.errstate(over="ignore"):
        h = (h ^ (h >> np.uint64(30))) * _M2
        h = (h ^ (h >> np.uint64(27))) * _M3
        return h ^ (h >> np.uint64(31))


def hash_cells(seed: int, *coords: np.ndarray) -> np.ndarray:
    """Uniform [0, 1) float per integer lattice cell (any number of integer coordinate arrays)."""
    with np.errstate(over="ignore"):
        h = np.full(np.broadcast(*coords).shape, np.uint64(seed & 0xFFFFFFFFFFFF) * _M1 + np.uint64(1), dtype=np.uint64)
        for c in coords:
            h = _mix(h ^ (c.astype(np.int64).view(np.uint64) + _M1))
    return (h >> np.uint64(11)).astype(np.float64) * (1.0 / 9007199254740992.0)


def _fade(t: np.ndarray) -> np.ndarray:
    return t * t * t * (t * (t * 6 - 15) + 10)


def value_noise(points: np.ndarray, seed: int) -> np.ndarray:
    """Smooth value noise in [-1, 1] at ``points`` [..., D] (D = 2 or 3), one lattice cell per unit."""
    p = np.asarray(points, dtype=np.float64)
    d = p.shape[-1]
    i0 = np.floor(p)
    f = _fade(p - i0)
    i0 = i0.astype(np.int64)
    out = np.zeros(p.shape[:-1])
    for corner in range(1 << d):
        offs = [(corner >> k) & 1 for k in range(d)]
        w = np.ones(p.shape[:-1])
        for k in range(d):
            w = w * (f[..., k] if offs[k] else 1 - f[..., k])
        out += w * hash_cells(seed, *[i0[..., k] + offs[k] for k in range(d)])
    return out * 2 - 1


def fbm(points: np.ndarray, seed: int, octaves: int = 5, frequency: float = 1.0, lacunarity: float = 2.0, gain: float = 0.5) -> np.ndarray:
    """Fractal Brownian motion: sum of ``octaves`` of value noise, normalised to about [-1, 1]."""
    p = np.asarray(points, dtype=np.float64)
    total = np.zeros(p.shape[:-1])
    amp, norm, freq = 1.0, 0.0, frequency
    for o in range(octaves):
        # rotate-ish offset per octave to hide lattice alignment
        total += amp * value_noise(p * freq + 17.31 * (o + 1), seed + 1013 * o)
        norm += amp
        amp *= gain
        freq *= lacunarity
    return total / norm


def ridged(points: np.ndarray, seed: int, octaves: int = 5, frequency: float = 1.0, lacunarity: float = 2.0, gain: float = 0.5) -> np.ndarray:
    """Ridged multifractal in [0, 1]: ``(1 - |n|)^2`` per octave, sharp crests like mountain ridges."""
    p = np.asarray(points, dtype=np.float64)
    total = np.zeros(p.shape[:-1])
    amp, norm, freq = 1.0, 0.0, frequency
    prev = np.ones(p.shape[:-1])
    for o in range(octaves):
        n = 1.0 - np.abs(value_noise(p * freq + 7.7 * (o + 1), seed + 7919 * o))
        n = n * n
        total += amp * n * prev
        prev = np.clip(n * 1.5, 0, 1)
        norm += amp
        amp *= gain
        freq *= lacunarity
    return total / norm


def grid_points(n: int, extent: float) -> tuple[np.ndarray, np.ndarray]:
    """(x, z) coordinate grids [n, n] covering ``[-extent/2, extent/2]^2``; row index = z, column = x."""
    c = np.linspace(-extent / 2, extent / 2, n)
    z, x = np.meshgrid(c, c, indexing="ij")
    return x, z
