"""Water bodies: carve basins/channels/shores into the terrain and build flat water surfaces.

Each kind is an analytic shape in world (x, z), so the near and far terrain grids are carved
consistently:

* ``lake`` / ``pond`` - a noisy-rimmed bowl ahead of the spawn;
* ``river`` - a meandering channel crossing the world;
* ``sea`` - a shoreline with the sea floor sloping away, and a water plane out to the horizon;
* ``swamp`` - the water table just above the lowest hollows of flat terrain.

The water surface is **not** part of the collider (a walker wades to the bed); its splats carry
the ``water`` label, colour from depth (shallow -> deep) mixed with the reflected sky.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..core.labels import label_id
from .mesh import Part
from .noise import fbm
from .terrain import Heightfield, smoothstep

WATER = label_id("water")


@dataclass
class WaterBody:
    kind: str
    level: float
    center: tuple[float, float] = (0.0, 0.0)
    radius: float = 0.0
    heading_deg: float = 0.0  # direction from the spawn toward the water

    def to_dict(self) -> dict:
        return {"kind": self.kind, "level": round(self.level, 4), "center": [round(c, 3) for c in self.center], "radius": round(self.radius, 3)}


def _dir(heading_deg: float) -> np.ndarray:
    a = math.radians(heading_deg)
    return np.array([-math.sin(a), -math.cos(a)])


def plan(kind: str, spawn_height: float, seed: int, heading_deg: float) -> WaterBody | None:
    """Where the water goes, relative to the spawn height and the direction it should appear in."""
    if kind == "none":
        return None
    d = _dir(heading_deg)
    if kind in ("lake", "pond"):
        dist, rad = (46.0, 30.0) if kind == "lake" else (22.0, 11.0)
        c = d * dist
        return WaterBody(kind, spawn_height - (1.3 if kind == "lake" else 0.7), (float(c[0]), float(c[1])), rad, heading_deg)
    if kind == "river":
        return WaterBody(kind, spawn_height - 1.2, (float(d[0] * 20), float(d[1] * 20)), 5.5, heading_deg)
    if kind == "sea":
        return WaterBody(kind, spawn_height - 1.0, (float(d[0] * 22), float(d[1] * 22)), 0.0, heading_deg)
    if kind == "swamp":
        return WaterBody(kind, spawn_height - 0.25, (0.0, 0.0), 0.0, heading_deg)
    raise ValueError(kind)


def _signed_distance(wb: WaterBody, x: np.ndarray, z: np.ndarray, seed: int) -> np.ndarray:
    """Normalised signed distance: < 0 inside the water body (edge at 0), in units of its size."""
    d = _dir(wb.heading_deg)
    cx, cz = wb.center
    if wb.kind in ("lake", "pond"):
        ang = np.arctan2(z - cz, x - cx)
        wob = 1 + 0.18 * fbm(np.stack([np.cos(ang) * 1.5, np.sin(ang) * 1.5], -1), seed + 61, octaves=3)
        return np.hypot(x - cx, z - cz) / (wb.radius * wob) - 1.0
    if wb.kind == "river":
        # along = coordinate along the river (perpendicular to the spawn->river direction)
        side = np.array([-d[1], d[0]])
        along = x * side[0] + z * side[1]
        across = (x - cx) * d[0] + (z - cz) * d[1]
        centre = 7.0 * np.sin(along / 26.0) + 3.0 * fbm(np.stack([along / 40.0, np.zeros_like(along)], -1), seed + 62, octaves=2)
        half = wb.radius * (1 + 0.25 * fbm(np.stack([along / 30.0, np.ones_like(along)], -1), seed + 63, octaves=2))
        return np.abs(across - centre) / half - 1.0
    if wb.kind == "sea":
        side = np.array([-d[1], d[0]])
        along = x * side[0] + z * side[1]
        across = (x - cx) * d[0] + (z - cz) * d[1]
        shore = 5.0 * fbm(np.stack([along / 45.0, np.zeros_like(along)], -1), seed + 64, octaves=3)
        return -(across - shore) / 10.0  # positive on land
    return np.zeros_like(x)


def carve(h: np.ndarray, x: np.ndarray, z: np.ndarray, wb: WaterBody | None, seed: int) -> np.ndarray:
    """Terrain heights with the water body's basin, channel or shore cut in (any grid)."""
    if wb is None:
        return h
    sd = _signed_distance(wb, x, z, seed)
    lvl = wb.level
    if wb.kind in ("lake", "pond", "river"):
        depth = 3.5 if wb.kind == "lake" else (1.6 if wb.kind == "pond" else 1.8)
        inside = lvl - depth * np.clip(-sd, 0, 1) ** 0.6 - 0.15
        # banks: rise gently from the water level, meet the terrain
        bank_w = 0.5 if wb.kind != "river" else 0.9
        bank = lvl + 0.1 + (np.clip(sd, 0, None) / bank_w) * 2.5
        out = np.where(sd < 0, np.minimum(h, inside), np.minimum(h, bank))
        # never leave land lower than the water just outside the rim (no floods)
        ring = (sd >= 0) & (sd < bank_w)
        out = np.where(ring, np.maximum(out, lvl + 0.08 + 0.4 * sd), out)
        return out
    if wb.kind == "sea":
        land = sd  # metres/10 from the shoreline, positive on land
        beach = lvl + 0.15 + 0.55 * np.clip(land, 0, None) ** 1.2
        floor = lvl - 0.2 - 2.5 * np.clip(-land, 0, None) ** 0.8
        return np.where(land >= 0, np.minimum(h, beach + np.clip(h - beach, 0, None) * smoothstep(1.5, 4.0, land)), floor)
    if wb.kind == "swamp":
        return h
    return h


def surface(wb: WaterBody, hf: Heightfield, colors: dict, sky_horizon: np.ndarray, far_extent: float, seed: int,
            far: Heightfield | None = None) -> list[Part]:
    """Water-surface parts at ``wb.level`` over every cell whose terrain dips below it (+ the open sea)."""
    parts = []
    for field, ext in ((hf, hf.extent), (far, None)):
        if field is None:
            continue
        part = _surface_over(field, wb.level, colors, sky_horizon, seed, exclude_inner=None if ext else hf.extent)
        if part is not None:
            parts.append(part)
    if wb.kind == "sea":
        # open sea from the far terrain's edge to the horizon
        half = far_extent / 2
        big = 3.0 * half
        d = _dir(wb.heading_deg)
        verts, faces = [], []
        k = 0
        for i in range(-3, 3):
            for j in range(-3, 3):
                x0, z0 = i * big / 3, j * big / 3
                cx, cz = x0 + big / 6, z0 + big / 6
                if max(abs(cx), abs(cz)) < half or (cx * d[0] + cz * d[1]) < 0:
                    continue
                verts += [[x0, wb.level, z0], [x0 + big / 3, wb.level, z0], [x0 + big / 3, wb.level, z0 + big / 3], [x0, wb.level, z0 + big / 3]]
                faces += [[k, k + 2, k + 1], [k, k + 3, k + 2]]
                k += 4
        if verts:
            v = np.array(verts, dtype=np.float64)
            col = 0.6 * colors["water_deep"] + 0.4 * sky_horizon
            parts.append(Part(v, np.array(faces), col, WATER, "water", False, density=0.3, name="open_sea"))
    return parts


def _surface_over(hf: Heightfield, level: float, colors: dict, sky_horizon: np.ndarray, seed: int, exclude_inner: float | None) -> Part | None:
    h = hf.heights
    under = h < level
    cell_under = under[:-1, :-1] | under[1:, :-1] | under[:-1, 1:] | under[1:, 1:]
    if exclude_inner is not None:
        c = np.linspace(-hf.extent / 2, hf.extent / 2, hf.n)
        mid = (c[:-1] + c[1:]) / 2
        inner = (np.abs(mid)[:, None] < exclude_inner / 2) & (np.abs(mid)[None, :] < exclude_inner / 2)
        cell_under &= ~inner
    if not cell_under.any():
        return None
    n = hf.n
    x, z = hf.grid_xz()
    idx = np.arange(n * n).reshape(n, n)
    ii, jj = np.nonzero(cell_under)
    a, b, c2, d = idx[ii, jj], idx[ii, jj + 1], idx[ii + 1, jj], idx[ii + 1, jj + 1]
    faces = np.concatenate([np.stack([a, d, b], -1), np.stack([a, c2, d], -1)])
    used = np.unique(faces)
    remap = np.full(n * n, -1)
    remap[used] = np.arange(len(used))
    v = np.stack([x.ravel()[used], np.full(len(used), level), z.ravel()[used]], -1)
    depth = np.clip(level - h.ravel()[used], 0, None)
    t = smoothstep(0.0, 2.5, depth)[:, None]
    col = colors["water_shallow"] * (1 - t) + colors["water_deep"] * t
    col = 0.7 * col + 0.3 * np.asarray(sky_horizon)  # sky reflection (Fresnel at grazing views)
    return Part(v, remap[faces], col, WATER, "water", False, density=0.6, name="water")
