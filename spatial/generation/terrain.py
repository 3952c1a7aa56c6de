"""Terrain: heightfields from fBm / ridged noise, shaped per scene type, eroded, meshed.

A :class:`Heightfield` is a square grid of heights (row index = z, column index = x, world
frame +Y up). Its triangle mesh *is* the terrain collider, and :meth:`Heightfield.height_at`
interpolates on exactly those triangles, so a spawn point computed with it lies on the collider.

Erosion (both vectorised numpy, deterministic):

* :func:`thermal_erosion` moves material down slopes steeper than the talus angle.
* :func:`hydraulic_erosion` is a grid water/sediment model: rain, flow to lower neighbours
  in proportion to the height drop, sediment capacity proportional to flow times slope,
  erosion where the water carries less than its capacity and deposition where it carries more.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import ndimage

from .noise import fbm, grid_points, ridged
from .spec import SceneSpec


@dataclass
class Heightfield:
    heights: np.ndarray  # [n, n] metres; row = z index, column = x index
    extent: float  # side length in metres, centred on the origin

    @property
    def n(self) -> int:
        return self.heights.shape[0]

    @property
    def cell(self) -> float:
        return self.extent / (self.n - 1)

    @property
    def origin(self) -> float:
        return -self.extent / 2

    def grid_xz(self) -> tuple[np.ndarray, np.ndarray]:
        return grid_points(self.n, self.extent)

    # ------------------------------------------------------------------ queries
    def height_at(self, x, z) -> np.ndarray:
        """Height on the mesh triangles (exactly what the collider holds); clamps outside the grid."""
        x = np.asarray(x, dtype=np.float64)
        z = np.asarray(z, dtype=np.float64)
        gx = np.clip((x - self.origin) / self.cell, 0, self.n - 1 - 1e-9)
        gz = np.clip((z - self.origin) / self.cell, 0, self.n - 1 - 1e-9)
        j = np.floor(gx).astype(np.int64)
        i = np.floor(gz).astype(np.int64)
        u, v = gx - j, gz - i
        h = self.heights
        h00, h01, h10, h11 = h[i, j], h[i, j + 1], h[i + 1, j], h[i + 1, j + 1]
        upper = u >= v  # triangle (00, 01, 11)
        a = h00 + u * (h01 - h00) + v * (h11 - h01)
        b = h00 + v * (h10 - h00) + u * (h11 - h10)
        return np.where(upper, a, b)

    def normals(self) -> np.ndarray:
        """Per-vertex unit normals [n, n, 3] (central differences)."""
        gz, gx = np.gradient(self.heights, self.cell)
        nrm = np.stack([-gx, np.ones_like(gx), -gz], -1)
        return nrm / np.linalg.norm(nrm, axis=-1, keepdims=True)

    def slope_deg(self) -> np.ndarray:
        return np.degrees(np.arccos(np.clip(self.normals()[..., 1], -1, 1)))

    def normal_at(self, x, z) -> np.ndarray:
        e = self.cell * 0.5
        hx = (self.height_at(x + e, z) - self.height_at(x - e, z)) / (2 * e)
        hz = (self.height_at(x, z + e) - self.height_at(x, z - e)) / (2 * e)
        nrm = np.stack([-hx, np.ones_like(hx), -hz], -1)
        return nrm / np.linalg.norm(nrm, axis=-1, keepdims=True)

    def to_mesh(self) -> tuple[np.ndarray, np.ndarray]:
        """(vertices [n*n, 3], faces [2(n-1)^2, 3]) with upward (+Y) normals."""
        x, z = self.grid_xz()
        v = np.stack([x.ravel(), self.heights.ravel(), z.ravel()], -1)
        n = self.n
        idx = np.arange(n * n).reshape(n, n)
        a, b, c, d = idx[:-1, :-1].ravel(), idx[:-1, 1:].ravel(), idx[1:, :-1].ravel(), idx[1:, 1:].ravel()
        # triangles (00, 11, 01) and (00, 10, 11): counter-clockwise seen from +Y
        f = np.concatenate([np.stack([a, d, b], -1), np.stack([a, c, d], -1)])
        return v, f

    def cavity(self, radius_m: float = 6.0) -> np.ndarray:
        """Ambient-occlusion proxy in [0, 1] (1 = open): how far a vertex lies below its blurred surroundings."""
        blur = ndimage.gaussian_filter(self.heights, radius_m / self.cell, mode="nearest")
        return np.clip(1.0 - 0.12 * np.maximum(blur - self.heights, 0.0), 0.45, 1.0)


# ---------------------------------------------------------------------------------------- erosion
def _shift(a: np.ndarray, di: int, dj: int) -> np.ndarray:
    """``out[i, j] = a[i - di, j - dj]`` with zeros flowing in at the border (no wrap-around)."""
    out = np.zeros_like(a)
    n, m = a.shape
    out[max(di, 0):n + min(di, 0), max(dj, 0):m + min(dj, 0)] = a[max(-di, 0):n + min(-di, 0), max(-dj, 0):m + min(-dj, 0)]
    return out


_NEIGHBOURS = ((1, 0), (-1, 0), (0, 1), (0, -1))


def _neighbour(h: np.ndarray, di: int, dj: int) -> np.ndarray:
    """Height of the neighbour at offset (di, dj) (edge cells see themselves)."""
    pad = np.pad(h, 1, mode="edge")
    return pad[1 + di:pad.shape[0] - 1 + di, 1 + dj:pad.shape[1] - 1 + dj]


def thermal_erosion(h: np.ndarray, cell: float, talus_deg: float = 33.0, iterations: int = 40, rate: float = 0.25) -> np.ndarray:
    """Slide material from each cell to lower 4-neighbours where the drop exceeds the talus angle (mass conserving)."""
    h = h.copy()
    t = math.tan(math.radians(talus_deg)) * cell
    for _ in range(iterations):
        change = np.zeros_like(h)
        for di, dj in _NEIGHBOURS:
            excess = np.maximum(h - _neighbour(h, di, dj) - t, 0.0) * rate * 0.25
            change -= excess
            change += _shift(excess, di, dj)  # the neighbour at (i+di, j+dj) receives it
        h += change
    return h


def hydraulic_erosion(h: np.ndarray, cell: float, iterations: int = 60, rain: float = 0.01, capacity: float = 1.2,
                      erode: float = 0.3, deposit: float = 0.3, evaporation: float = 0.05) -> np.ndarray:
    """Grid hydraulic erosion (water + suspended sediment per cell, 4-neighbour outflow)."""
    h = h.copy()
    w = np.zeros_like(h)
    s = np.zeros_like(h)
    shifts = _NEIGHBOURS
    for _ in range(iterations):
        w += rain
        surf = h + w
        drops = [np.maximum(surf - _neighbour(surf, di, dj), 0.0) for di, dj in shifts]
        total = sum(drops) + 1e-12
        moved = np.minimum(w, total * 0.5)  # water that leaves the cell this step
        slope = np.clip(total / (4 * cell), 0, 2)
        cap = capacity * moved * slope
        delta = np.where(s < cap, erode * (cap - s), -deposit * (s - cap))
        delta = np.clip(delta, -s, 0.05)  # never deposit more than carried, erode at most 5 cm a step
        h -= delta
        s += delta
        # route water and sediment proportionally to the drops
        frac_leave = np.where(w > 0, moved / np.maximum(w, 1e-12), 0.0)
        s_moved = s * frac_leave
        w_new = w - moved
        s_new = s - s_moved
        for (di, dj), d in zip(shifts, drops):
            share = d / total
            w_new += _shift(moved * share, di, dj)
            s_new += _shift(s_moved * share, di, dj)
        w = w_new * (1 - evaporation)
        s = s_new
    return h + s  # drop what is still suspended


def smoothstep(e0: float, e1: float, x: np.ndarray) -> np.ndarray:
    t = np.clip((x - e0) / (e1 - e0), 0.0, 1.0)
    return t * t * (3 - 2 * t)


# ---------------------------------------------------------------------------------------- scene shapes
def base_heights(spec: SceneSpec, x: np.ndarray, z: np.ndarray, seed: int) -> np.ndarray:
    """Uneroded terrain height (metres) of the spec's scene type at world coordinates ``x``, ``z``
    (any shape), before erosion, spawn flattening and water carving."""
    x = np.asarray(x, dtype=np.float64)
    z = np.asarray(z, dtype=np.float64)
    p = np.stack([x, z], -1)
    r = np.hypot(x, z)
    st = spec.scene_type
    relief = float(spec.relief)
    rolling = fbm(p / 70.0, seed, octaves=5) * (1.5 + 14.0 * relief)
    detail = fbm(p / 9.0, seed + 1, octaves=3) * (0.15 + 0.5 * relief)
    if spec.family != "nature":
        return np.zeros_like(x)
    if st == "snowy_mountains":
        peaks = ridged(p / 95.0, seed + 2, octaves=6) * (30 + 70 * relief)
        valley = fbm(p / 50.0, seed + 3, octaves=4) * 4
        return peaks * smoothstep(22, 85, r) + valley + detail * 2
    if st == "desert":
        warp = fbm(p / 40.0, seed + 4, octaves=3) * 12
        dunes = np.abs(np.sin((x * 0.8 + z * 0.6 + warp) / 11.0)) ** 1.6 * (1.5 + 5 * relief)
        return dunes * smoothstep(6, 30, r) + rolling * 0.5 + detail * 0.3
    if st == "canyon":
        centre = 7.0 * np.sin(x / 33.0) + 4 * fbm(np.stack([x / 50.0, np.zeros_like(x)], -1), seed + 5, octaves=3)
        half = 9.0 + 3.0 * (fbm(np.stack([x / 40.0, np.ones_like(x)], -1), seed + 6, octaves=2) + 1)
        d = np.abs(z - centre)
        height = 14 + 22 * relief
        wall = smoothstep(half, half + 10, d)
        strata = np.floor(wall * height / 3.0) * 3.0 / max(height, 1e-6)  # terraces like sedimentary layers
        wall = 0.55 * wall + 0.45 * strata
        mesa = wall * height + fbm(p / 25.0, seed + 7, octaves=4) * 2.0 * wall
        return mesa + detail * 0.6 + fbm(p / 60.0, seed + 8, octaves=3) * 1.0
    if st == "swamp":
        return fbm(p / 22.0, seed + 9, octaves=4) * 0.9 + detail * 0.4 + 0.15
    if st == "beach":
        return detail * 0.3 + fbm(p / 40.0, seed + 10, octaves=3) * 0.8
    return rolling + detail


def flatten_spawn(h: np.ndarray, extent: float, radius: float = 7.0, falloff: float = 18.0, keep: float = 0.0) -> np.ndarray:
    """Blend the terrain toward a gentle plane around the origin (the spawn area)."""
    n = h.shape[0]
    x, z = grid_points(n, extent)
    r = np.hypot(x, z)
    cell = extent / (n - 1)
    smooth = ndimage.gaussian_filter(h, 10.0 / cell, mode="nearest")
    w = smoothstep(radius, radius + falloff, r)
    target = keep * h + (1 - keep) * smooth
    return w * h + (1 - w) * target


def erode_for(spec: SceneSpec, h: np.ndarray, cell: float) -> np.ndarray:
    """Erosion passes suited to the scene type (mountains and canyons get more)."""
    if spec.family != "nature":
        return h
    st = spec.scene_type
    if st in ("snowy_mountains", "canyon"):
        h = hydraulic_erosion(h, cell, iterations=40)
        return thermal_erosion(h, cell, talus_deg=40 if st == "canyon" else 36, iterations=20)
    if st in ("desert", "beach", "swamp"):
        return thermal_erosion(h, cell, talus_deg=30, iterations=10)
    h = hydraulic_erosion(h, cell, iterations=20)
    return thermal_erosion(h, cell, talus_deg=33, iterations=10)
