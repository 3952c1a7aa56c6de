"""Enclosed shells: a ``cave``, a ``tunnel`` or a ``mine`` - a closed rock tube with no sky.

The tube runs from just behind the spawn 80 m ahead along -Z with a gentle meander: an uneven
floor (a heightfield) and a noise-displaced arch for walls and ceiling, closed at both ends, so
every view from the spawn ends on rock. A tunnel is rounder and smoother with a lit ceiling strip;
a mine is narrow with timber frames every 4 m and a lantern line. Light comes only from point
lights (the shell's lamps and every emissive object the prompt adds: crystals, lanterns, torches).
"""

from __future__ import annotations

import math

import numpy as np

from ..core.labels import label_id
from .layout import Site
from .materials import PointLight
from .mesh import Part, box
from .noise import fbm
from .shells import Scene, stage_rng

ROCK = label_id("rock")
GROUND = label_id("ground")
BUILDING = label_id("building")

#: (half width, height, roughness, rock colour, floor colour)
PROFILES = {
    "cave": (7.5, 8.0, 1.0, (0.34, 0.31, 0.29), (0.36, 0.32, 0.28)),
    "tunnel": (5.5, 6.0, 0.15, (0.45, 0.44, 0.42), (0.30, 0.30, 0.30)),
    "mine": (3.2, 3.8, 0.45, (0.40, 0.34, 0.28), (0.38, 0.31, 0.24)),
}
U0, U1 = -9.0, 80.0


def _centre(u):
    return 2.0 * np.sin(np.asarray(u) / 23.0)


def build(graph, spec, tier: str) -> tuple[Scene, Site]:
    kind = graph.shell.kind
    hw, hh, rough, rock_c, floor_c = PROFILES[kind]
    seed = spec.seed
    rng = stage_rng(seed, "cave")
    if "rock" in spec.palette:
        rock_c = spec.palette["rock"]
    sc = Scene(indoor=True, enclosed=True)
    nu = int((U1 - U0) / 0.8) + 1
    u = np.linspace(U0, U1, nu)

    def width(uu):
        return hw * (1.0 + 0.25 * rough * fbm(np.stack([np.asarray(uu) / 17.0, np.zeros_like(uu)], -1), seed + 5, octaves=3))

    def floor_h(x, z):
        x, z = np.asarray(x, dtype=np.float64), np.asarray(z, dtype=np.float64)
        n = fbm(np.stack([x / 5.0, z / 5.0], -1), seed + 9, octaves=3)
        r = np.abs(x - _centre(-z)) / np.maximum(width(-z), 1e-3)
        return 0.35 * rough * n + 0.6 * np.clip(r - 0.55, 0, None) ** 2 * hh

    # ---- floor heightfield over the tube's footprint
    nx = 33
    s = np.linspace(-1.05, 1.05, nx)
    U, Sx = np.meshgrid(u, s, indexing="ij")
    X = _centre(U) + Sx * width(u)[:, None]
    Z = -U
    Y = floor_h(X, Z)
    Y = Y - floor_h(0.0, 0.0)
    V = np.stack([X, Y, Z], -1).reshape(-1, 3)
    idx = np.arange(nu * nx).reshape(nu, nx)
    a, b, c, d = idx[:-1, :-1], idx[1:, :-1], idx[1:, 1:], idx[:-1, 1:]
    F = np.concatenate([np.stack([a, b, c], -1).reshape(-1, 3), np.stack([a, c, d], -1).reshape(-1, 3)])
    F = _orient(V, F, np.array([0.0, 1.0, 0.0]))
    col = np.asarray(floor_c) * (0.85 + 0.3 * (0.5 + 0.5 * fbm(V[:, [0, 2]] / 3.0, seed + 11, octaves=3)))[:, None]
    floor = Part(V, F, col, GROUND, "rock", True, name="cave_floor")
    y0 = float(floor_h(0.0, 0.0))

    # ---- arch: walls and ceiling (theta 0 = right floor edge, pi = left)
    nt = 28
    th = np.linspace(-0.25, math.pi + 0.25, nt)
    UU, TT = np.meshgrid(u, th, indexing="ij")
    n1 = fbm(np.stack([UU / 6.0, TT * 2.2], -1), seed + 21, octaves=4)
    n2 = fbm(np.stack([UU / 2.0, TT * 6.0], -1), seed + 22, octaves=2)
    w = width(u)[:, None] * (1.0 + rough * (0.22 * n1 + 0.06 * n2))
    h = hh * (1.0 + rough * (0.25 * n1 + 0.05 * n2))
    AX = _centre(UU) + w * np.cos(TT)
    AY = np.maximum(h * np.sin(TT), -1.0) - y0 + 0.0
    AZ = -UU
    AV = np.stack([AX, AY - 0.4, AZ], -1).reshape(-1, 3)
    idx = np.arange(nu * nt).reshape(nu, nt)
    a, b, c, d = idx[:-1, :-1], idx[1:, :-1], idx[1:, 1:], idx[:-1, 1:]
    AF = np.concatenate([np.stack([a, b, c], -1).reshape(-1, 3), np.stack([a, c, d], -1).reshape(-1, 3)])
    axis = np.stack([_centre(-AV[:, 2]), np.full(len(AV), hh * 0.35), AV[:, 2]], -1)
    AF = _orient_to(AV, AF, axis)
    shade = 0.8 + 0.35 * (0.5 + 0.5 * fbm(AV[:, [0, 2]] / 2.5 + AV[:, [1, 1]] / 3.0, seed + 31, octaves=3))
    arch = Part(AV, AF, np.asarray(rock_c) * shade[:, None], ROCK, "rock", True, name="cave_wall")
    # ---- end caps (fans toward the axis)
    caps = []
    for uu in (U0, U1):
        i = 0 if uu == U0 else nu - 1
        ring = AV.reshape(nu, nt, 3)[i]
        centre = np.array([[_centre(uu), hh * 0.3 - y0, -uu]])
        cv = np.concatenate([centre, ring, [[ring[-1][0], -1.0 - y0, -uu], [ring[0][0], -1.0 - y0, -uu]]])
        m = len(cv) - 1
        cf = np.array([[0, k, k + 1] for k in range(1, m)] + [[0, m, 1]])
        inward = np.array([0.0, 0.0, -1.0 if uu == U0 else 1.0])
        cf = _orient(cv, cf, inward)
        caps.append(Part(cv, cf, np.asarray(rock_c) * 0.9, ROCK, "rock", True, name="cave_end"))
    sc.parts = [floor, arch] + caps
    # ---- kind-specific fittings and lights
    lights = []
    lamp_c = np.array([1.0, 0.72, 0.42])
    if kind == "mine":
        wood = np.array([0.40, 0.28, 0.16])
        for k, uu in enumerate(np.arange(2.0, U1 - 4, 4.0)):
            cx = float(_centre(uu))
            ww = float(width(uu)) * 0.8
            yb = float(floor_h(cx, -uu)) - y0
            for sgn in (-1, 1):
                sc.parts.append(box((0.25, hh * 0.8, 0.25), wood, BUILDING, "wood", True, center=(cx + sgn * ww, yb + hh * 0.4, -uu), bottom=False))
            sc.parts.append(box((2 * ww + 0.4, 0.28, 0.3), wood, BUILDING, "wood", True, center=(cx, yb + hh * 0.8 + 0.14, -uu), bottom=False))
            if k % 2 == 0:
                lp = np.array([cx + 0.9 * ww, yb + hh * 0.72, -uu + 0.3])
                sc.parts.append(box((0.18, 0.24, 0.18), lamp_c, BUILDING, "emissive", False, center=tuple(lp)))
                lights.append(PointLight(lp, lamp_c * 2.4, 0.3))
        for sgn in (-1, 1):  # rails
            sc.parts.append(box((0.07, 0.1, U1 - 2), np.array([0.35, 0.33, 0.32]), BUILDING, "metal", False,
                                center=(0.55 * sgn + 0.0, 0.05, -(U1 - 2) / 2 - 1)))
    elif kind == "tunnel":
        for uu in np.arange(0.0, U1 - 2, 6.0):
            cx = float(_centre(uu))
            lp = np.array([cx, hh - 0.6 - y0, -uu])
            sc.parts.append(box((0.4, 0.08, 1.6), np.array([1.0, 0.95, 0.85]), BUILDING, "emissive", False, center=tuple(lp)))
            lights.append(PointLight(lp - [0, 0.3, 0], np.array([1.0, 0.95, 0.85]) * 3.5, 0.4))
    else:
        # a cave: a few dim torches on the walls so the rock reads even without glowing objects
        for k, uu in enumerate(np.arange(3.0, U1 - 4, 8.0)):
            sgn = 1 if k % 2 else -1
            cx = float(_centre(uu))
            lp = np.array([cx + sgn * (float(width(uu)) * 0.78), 1.9, -uu])
            lp[1] = float(floor_h(lp[0], lp[2])) - y0 + 1.9
            sc.parts.append(box((0.16, 0.3, 0.16), lamp_c, BUILDING, "emissive", False, center=tuple(lp)))
            lights.append(PointLight(lp, lamp_c * 4.5, 0.3))
    sc.lights = lights
    sc.spawn = np.array([0.0, float(floor_h(0.0, 0.0)) - y0, 0.0])
    sc.yaw_deg = 0.0
    sc.walk_heading_deg = 0.0
    sc.walk_target_m = 30.0
    sc.ground_fn = lambda x, z: floor_h(x, z) - y0
    sc.room = None

    def ground(x, z):
        return floor_h(x, z) - y0

    def usable(x, z):
        x, z = np.asarray(x, dtype=np.float64), np.asarray(z, dtype=np.float64)
        uu = -z
        return (np.abs(x - _centre(uu)) < width(uu) * 0.62 - 0.4) & (uu > U0 + 3) & (uu < U1 - 3)

    walls = []
    for sgn in (-1, 1):
        pts = [(float(_centre(uu) + sgn * width(uu) * 0.6), float(-uu)) for uu in np.arange(2.0, U1 - 4, 8.0)]
        for p0, p1 in zip(pts[:-1], pts[1:]):
            walls.append((p0, p1, (-float(sgn), 0.0)) if sgn > 0 else (p1, p0, (1.0, 0.0)))
    site = Site(sc.spawn.copy(), 0.0, 0.0, (-hw * 1.3, -(U1 - 3), hw * 1.3, -(U0 + 3)), ground, usable, indoor=True, ceiling=hh * 0.85,
                anchors={"middle": (float(_centre(22.0)), -22.0)}, walls=walls, corridor_half_width=1.0 if kind != "mine" else 0.7,
                corridor_length=34.0, max_radius=U1)
    del rng
    return sc, site


def _orient(v: np.ndarray, f: np.ndarray, direction: np.ndarray) -> np.ndarray:
    """Flip faces whose normal points against ``direction``."""
    n = np.cross(v[f[:, 1]] - v[f[:, 0]], v[f[:, 2]] - v[f[:, 0]])
    flip = (n @ direction) < 0
    f = f.copy()
    f[flip] = f[flip][:, ::-1]
    return f


def _orient_to(v: np.ndarray, f: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Flip faces whose normal points away from ``target`` (per-vertex points inside the tube)."""
    n = np.cross(v[f[:, 1]] - v[f[:, 0]], v[f[:, 2]] - v[f[:, 0]])
    c = v[f].mean(1)
    t = target[f].mean(1)
    flip = np.einsum("ij,ij->i", n, t - c) < 0
    f = f.copy()
    f[flip] = f[flip][:, ::-1]
    return f
