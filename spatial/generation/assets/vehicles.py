"""Vehicles: bus, truck, van, motorcycle, bicycle, tractor, forklift, carts and wagons, boats, ships,
hot-air balloon, airplane, sled. Bodies are lofts through rounded sections (front faces +Z)."""

from __future__ import annotations

import math

import numpy as np

from ..mesh import box, cylinder, lathe, quad, rot_y
from ._common import BLACK, DARK_WOOD, GLASS, IRON, METAL, OBJECT, WOOD, glow, vary
from .registry import asset
from .shapes import extrude, loft, open_loft, panel, section, sphere, torus, triangle, tube

TIRE = np.array([0.07, 0.07, 0.07])
XAXIS = np.array([[0, 1, 0], [-1, 0, 0], [0, 0, 1]], dtype=float)  # +Y -> +X


def wheel(r: float, width: float, center, hub=(0.6, 0.6, 0.62), spokes: int = 0, tire=TIRE, material="plain") -> list:
    """A wheel with its axle along X centred at ``center``."""
    c = np.asarray(center, dtype=np.float64)
    w = cylinder(r, r, width, tire, OBJECT, 14, material, True, cap_top=True, cap_bottom=True).transformed(XAXIS, c - [width / 2, 0, 0])
    out = [w]
    for sx in (-1, 1):
        out.append(cylinder(r * 0.55, r * 0.55, 0.01, np.asarray(hub), OBJECT, 12, "metal", False).transformed(
            XAXIS if sx > 0 else np.array([[0, -1, 0], [1, 0, 0], [0, 0, 1]], dtype=float), c + [sx * width / 2, 0, 0]))
    for k in range(spokes):
        a = 2 * math.pi * k / spokes
        out.append(tube([c, c + [0, math.cos(a) * r * 0.9, math.sin(a) * r * 0.9]], r * 0.06, np.asarray(hub), OBJECT, 4, "wood"))
    return out


def body(stations, col, mat="paint", n: int = 16, round_: float = 0.35) -> object:
    """Loft through (z, y_bottom, y_top, width) stations."""
    secs = [section(w, yt - yb, z, yb, n, round_) for z, yb, yt, w in stations]
    return loft(secs, col, OBJECT, mat, True)


def window_band(x: float, y0: float, y1: float, z0: float, z1: float, n: int, p, side: int = 1, gap: float = 0.15) -> list:
    wc, wm = glow(p, on=(1.0, 0.9, 0.65), off=GLASS)
    L = (z1 - z0) / n
    x = x + side * 0.025  # decals 2.5+ cm off the body so their splats never interleave with it
    return [quad((x, y0, z0 + k * L + gap / 2) if side > 0 else (x, y0, z0 + (k + 1) * L - gap / 2), (0, 0, side * (L - gap)), (0, y1 - y0, 0), wc,
                 OBJECT, wm) for k in range(n)]


def headlights(p, W: float, y: float, z: float) -> list:
    c, m = glow(p, on=(1.0, 0.95, 0.8), off=(0.9, 0.9, 0.85), off_material="glass")
    return [quad((sx * W * 0.33 - 0.12, y, z + 0.025), (0.24, 0, 0), (0, 0.14, 0), c, OBJECT, m) for sx in (-1, 1)]


@asset("bus", "vehicle", (2.6, 3.2, 11.0), synonyms="buses, city bus, coach, school bus, double decker, autobus, minibus, trolleybus",
       emissive=True, light=(1.0, 0.9, 0.7))
def bus(p, rng):
    col, mat = p.main(np.array([0.85, 0.65, 0.10]), "paint")
    L, W = 10.8, 2.5
    parts = [body([(-L / 2, 0.35, 3.0, W), (-L / 2 + 0.1, 0.32, 3.1, W), (L / 2 - 0.15, 0.32, 3.1, W), (L / 2, 0.35, 2.95, W * 0.98)], col, mat, 16,
                  0.15)]
    for side in (-1, 1):
        parts += window_band(side * (W / 2 + 0.01), 1.5, 2.6, -L / 2 + 0.6, L / 2 - 1.5, 6, p, side)
        parts.append(quad((side * (W / 2 + 0.035), 0.5, L / 2 - 1.3 if side > 0 else L / 2 - 0.3), (0, 0, -side * 1.0) if side > 0 else (0, 0, -1.0),
                          (0, 2.2, 0), GLASS * 0.7, OBJECT, "glass"))
    parts.append(quad((-W * 0.45, 1.3, L / 2 + 0.04), (W * 0.9, 0, 0), (0, 1.4, 0), GLASS, OBJECT, "glass"))
    parts.append(quad((-W * 0.3, 2.75, L / 2 + 0.05), (W * 0.6, 0, 0), (0, 0.25, 0), np.array([0.1, 0.1, 0.1]), OBJECT, "paint"))
    parts += headlights(p, W, 0.7, L / 2 + 0.03)
    parts.append(box((W + 0.05, 0.12, L), np.array([0.15, 0.15, 0.15]), OBJECT, "paint", False, center=(0, 0.45, 0)))
    for z in (-L / 2 + 2.0, L / 2 - 2.2):
        for sx in (-1, 1):
            parts += wheel(0.5, 0.3, (sx * (W / 2 - 0.2), 0.5, z))
    return parts


@asset("truck", "vehicle", (2.5, 3.4, 8.0), synonyms="lorry, trucks, delivery truck, box truck, semi, truck and trailer, pickup, pickup truck, "
       "lorries, dump truck, fire truck, fire engine, garbage truck", emissive=True, light=(1.0, 0.95, 0.8))
def truck(p, rng):
    col, mat = p.main(np.array([0.85, 0.85, 0.84]), "paint")
    cab = np.array([0.15, 0.30, 0.62]) if p.color is None else col * 0.85
    parts = [box((2.4, 2.9, 5.4), col, OBJECT, mat, True, center=(0, 0.75 + 1.45, -1.2), bottom=False),
             body([(1.6, 0.6, 2.7, 2.3), (3.0, 0.6, 2.6, 2.3), (3.7, 0.6, 2.2, 2.25), (3.9, 0.6, 1.5, 2.2)], cab, "paint", 14, 0.2)]
    parts.append(quad((-1.0, 1.7, 3.55), (2.0, 0, 0), (0, 0.75, 0.15), GLASS, OBJECT, "glass"))
    for sx in (-1, 1):
        parts.append(quad((sx * 1.16, 1.7, 2.0 if sx > 0 else 3.1), (0, 0, 1.1 if sx > 0 else -1.1), (0, 0.7, 0), GLASS, OBJECT, "glass"))
    parts += headlights(p, 2.2, 0.9, 3.92)
    parts.append(box((2.2, 0.25, 7.6), IRON, OBJECT, "metal", False, center=(0, 0.55, -0.2)))
    for z in (2.8, -2.0, -3.2):
        for sx in (-1, 1):
            parts += wheel(0.5, 0.35, (sx * 1.0, 0.5, z))
    return parts


@asset("van", "vehicle", (2.0, 2.4, 5.0), synonyms="vans, minivan, delivery van, camper van, campervan, ambulance, food truck",
       emissive=True, light=(1.0, 0.95, 0.8))
def van(p, rng):
    col, mat = p.main(np.array([0.92, 0.92, 0.92]), "paint")
    L, W = 4.9, 1.95
    parts = [body([(-L / 2, 0.35, 2.3, W), (-L / 2 + 0.1, 0.3, 2.35, W), (L / 2 - 1.2, 0.3, 2.35, W), (L / 2 - 0.45, 0.32, 1.5, W * 0.98),
                   (L / 2, 0.35, 1.05, W * 0.95)], col, mat, 16, 0.3)]
    parts.append(quad((-0.85, 1.45, L / 2 - 0.43), (1.7, 0, 0), (0, 0.8, -0.68), GLASS * 0.6, OBJECT, "glass"))
    for side in (-1, 1):
        x = side * (W / 2 + 0.03)
        parts.append(quad((x, 1.35, L / 2 - 1.45 if side > 0 else L / 2 - 0.55), (0, 0, side * 0.9), (0, 0.75, 0), GLASS * 0.6, OBJECT, "glass"))
        parts.append(quad((x, 1.45, -L / 2 + 0.4 if side > 0 else L / 2 - 1.7), (0, 0, side * 2.1), (0, 0.6, 0), GLASS * 0.6, OBJECT, "glass"))
        parts.append(quad((x, 0.85, -L / 2 + 0.1 if side > 0 else L / 2 - 0.1), (0, 0, side * (L - 0.2)), (0, 0.12, 0), np.array([0.15, 0.35, 0.7]),
                          OBJECT, "paint"))
    parts.append(box((W * 0.98, 0.25, 0.12), np.array([0.12, 0.12, 0.12]), OBJECT, "plain", True, center=(0, 0.45, L / 2 + 0.02)))
    parts.append(box((W * 0.98, 0.25, 0.12), np.array([0.12, 0.12, 0.12]), OBJECT, "plain", True, center=(0, 0.45, -L / 2 - 0.02)))
    parts += headlights(p, W, 0.75, L / 2 + 0.01)
    for z in (-L / 2 + 0.9, L / 2 - 0.9):
        for sx in (-1, 1):
            parts += wheel(0.36, 0.25, (sx * (W / 2 - 0.14), 0.36, z))
    return parts


@asset("bicycle", "vehicle", (0.6, 1.1, 1.8), synonyms="bike, cycle, push bike, bicycles, bikes, mountain bike, road bike")
def bicycle(p, rng):
    return bicycle_parts(p.col(np.array([0.15, 0.35, 0.65])))


def bicycle_parts(col) -> list:
    r = 0.34
    parts = []
    for z in (-0.52, 0.52):
        parts.append(torus(r, 0.025, TIRE, OBJECT, 20, 5, "plain", True).transformed(XAXIS, (0, r + 0.025, z)))
        for k in range(6):
            a = k * math.pi / 3
            parts.append(tube([[0, r, z], [0, r + math.cos(a) * r, z + math.sin(a) * r]], 0.004, METAL, OBJECT, 3, "metal"))
    y = r + 0.025
    bb, seat, head, rear, front = [0, y, -0.05], [0, y + 0.45, -0.2], [0, y + 0.48, 0.35], [0, y, -0.52], [0, y, 0.52]
    for a, b in ((rear, bb), (bb, seat), (seat, rear), (bb, head), (seat, head), (head, front)):
        parts.append(tube([a, b], 0.018, col, OBJECT, 5, "paint", True))
    parts.append(box((0.1, 0.04, 0.22), BLACK, OBJECT, "fabric", False, center=(0, y + 0.5, -0.22)))
    parts.append(tube([[-0.25, y + 0.6, 0.32], [0, y + 0.56, 0.35], [0.25, y + 0.6, 0.32]], 0.014, BLACK, OBJECT, 4, "metal"))
    return parts


@asset("motorcycle", "vehicle", (0.8, 1.2, 2.1), synonyms="motorbike, motorcycles, scooter, moped, motor bike, vespa, motorbikes, chopper",
       emissive=True, light=(1.0, 0.95, 0.8))
def motorcycle(p, rng):
    col, mat = p.main(np.array([0.70, 0.08, 0.06]), "paint")
    parts = wheel(0.32, 0.14, (0, 0.32, -0.72)) + wheel(0.32, 0.12, (0, 0.32, 0.72))
    parts.append(body([(-0.55, 0.45, 0.8, 0.3), (-0.2, 0.42, 0.9, 0.35), (0.2, 0.5, 1.05, 0.42), (0.45, 0.6, 1.0, 0.3)], col, mat, 10, 0.6))
    parts.append(box((0.3, 0.1, 0.6), BLACK, OBJECT, "fabric", True, center=(0, 0.88, -0.35)))
    parts.append(box((0.35, 0.35, 0.45), METAL * 0.7, OBJECT, "metal", True, center=(0, 0.45, 0.05)))
    parts.append(tube([[0, 0.32, 0.72], [0, 1.05, 0.5]], 0.03, METAL, OBJECT, 5, "metal"))
    parts.append(tube([[-0.35, 1.1, 0.45], [0, 1.05, 0.5], [0.35, 1.1, 0.45]], 0.02, BLACK, OBJECT, 4, "metal"))
    parts.append(tube([[0.15, 0.4, 0.0], [0.18, 0.35, -0.7], [0.18, 0.42, -0.9]], 0.04, METAL * 1.2, OBJECT, 5, "metal"))
    c, m = glow(p, on=(1, 0.95, 0.8), off=(0.9, 0.9, 0.85), off_material="glass")
    parts.append(sphere(0.08, c, OBJECT, (0, 0.95, 0.58), 1, m))
    return parts


@asset("tractor", "vehicle", (2.2, 2.8, 3.8), synonyms="tractors, farm tractor, bulldozer, digger, excavator")
def tractor(p, rng):
    col, mat = p.main(np.array([0.20, 0.48, 0.18]), "paint")
    parts = [box((1.0, 0.9, 2.2), col, OBJECT, mat, True, center=(0, 1.05, 0.55)),
             box((1.3, 0.5, 1.2), col * 0.9, OBJECT, mat, True, center=(0, 0.95, -1.0))]
    for x in (-0.55, 0.55):
        for z in (-1.5, -0.5):
            parts.append(tube([[x, 1.2, z], [x, 2.6, z]], 0.03, BLACK, OBJECT, 4, "metal", True))
    parts.append(box((1.3, 0.06, 1.2), col, OBJECT, mat, True, center=(0, 2.62, -1.0)))
    parts.append(quad((-0.55, 1.4, -0.4), (1.1, 0, 0), (0, 1.1, 0), GLASS, OBJECT, "glass"))
    parts.append(tube([[0.3, 1.5, 1.2], [0.3, 2.3, 1.2]], 0.06, BLACK, OBJECT, 6, "metal"))
    parts += wheel(0.8, 0.45, (0.85, 0.8, -1.0), hub=(0.85, 0.7, 0.1)) + wheel(0.8, 0.45, (-0.85, 0.8, -1.0), hub=(0.85, 0.7, 0.1))
    parts += wheel(0.45, 0.28, (0.7, 0.45, 1.3), hub=(0.85, 0.7, 0.1)) + wheel(0.45, 0.28, (-0.7, 0.45, 1.3), hub=(0.85, 0.7, 0.1))
    return parts


@asset("forklift", "vehicle", (1.2, 2.3, 3.0), synonyms="forklifts, fork lift, lift truck, pallet truck", indoor=True)
def forklift(p, rng):
    col, mat = p.main(np.array([0.92, 0.66, 0.08]), "paint")
    parts = [box((1.1, 0.9, 1.9), col, OBJECT, mat, True, center=(0, 0.75, -0.3)),
             box((1.0, 0.6, 0.5), np.array([0.2, 0.2, 0.2]), OBJECT, "metal", True, center=(0, 1.0, -1.0))]
    for x in (-0.48, 0.48):
        for z in (-0.9, 0.4):
            parts.append(tube([[x, 1.2, z], [x, 2.2, z]], 0.035, BLACK, OBJECT, 4, "metal", True))
    parts.append(box((1.05, 0.05, 1.4), BLACK, OBJECT, "metal", True, center=(0, 2.22, -0.25)))
    parts.append(box((0.9, 0.5, 0.1), BLACK, OBJECT, "plain", True, center=(0, 1.4, -0.2)))
    for x in (-0.35, 0.35):
        parts.append(box((0.08, 2.1, 0.12), IRON, OBJECT, "metal", True, center=(x, 1.05, 0.75)))
        parts.append(box((0.12, 0.05, 1.1), IRON, OBJECT, "metal", True, center=(x * 0.8, 0.1, 1.3)))
    parts += wheel(0.3, 0.22, (0.45, 0.3, 0.35)) + wheel(0.3, 0.22, (-0.45, 0.3, 0.35))
    parts += wheel(0.25, 0.2, (0.45, 0.25, -1.0)) + wheel(0.25, 0.2, (-0.45, 0.25, -1.0))
    return parts


@asset("cart", "vehicle", (1.6, 1.2, 2.8), synonyms="wooden cart, handcart, hand cart, carts, push cart, market cart, farm cart, hay cart, "
       "pushcart, barrow cart")
def cart(p, rng):
    col, mat = p.main(WOOD, "wood")
    parts = [box((1.3, 0.08, 1.7), col, OBJECT, mat, True, center=(0, 0.62, -0.15))]
    for sx in (-1, 1):
        parts.append(box((0.06, 0.4, 1.7), col * 0.9, OBJECT, mat, True, center=(sx * 0.65, 0.86, -0.15)))
        parts.append(tube([[sx * 0.4, 0.62, 0.7], [sx * 0.3, 0.4, 1.4]], 0.03, col * 0.8, OBJECT, 5, mat, True))
        parts += wheel(0.55, 0.08, (sx * 0.72, 0.55, -0.3), hub=DARK_WOOD, spokes=8, tire=DARK_WOOD * 0.8, material="wood")
    for sz in (-1, 1):
        parts.append(box((1.3, 0.4, 0.06), col * 0.9, OBJECT, mat, True, center=(0, 0.86, -0.15 + sz * 0.82)))
    parts.append(tube([[-0.3, 0.4, 1.4], [0.3, 0.4, 1.4]], 0.03, col * 0.8, OBJECT, 5, mat))
    for k in range(int(rng.integers(0, 4))):
        parts.append(sphere(0.12, vary(np.array([0.8, 0.3, 0.1]), rng, 0.2), OBJECT, (rng.uniform(-0.4, 0.4), 0.8, rng.uniform(-0.7, 0.4)), 1, "paint"))
    return parts


@asset("covered_wagon", "vehicle", (2.0, 2.8, 4.0), synonyms="wagon, wagons, covered wagons, stagecoach, horse cart, horse carriage, carriage, "
       "caravan wagon, prairie wagon")
def covered_wagon(p, rng):
    col, mat = p.main(np.array([0.92, 0.88, 0.78]), "fabric")
    wood = WOOD
    parts = [box((1.5, 0.6, 3.2), wood, OBJECT, "wood", True, center=(0, 1.1, 0))]
    secs = []
    for z in np.linspace(-1.6, 1.6, 5):
        ang = np.linspace(0, math.pi, 12)
        secs.append(np.stack([np.cos(ang) * 0.85, 1.4 + np.sin(ang) * 1.2, np.full(12, z)], -1))
    parts.append(open_loft(secs, col, OBJECT, mat))
    for z, r in ((-1.1, 0.7), (1.1, 0.55)):
        for sx in (-1, 1):
            parts += wheel(r, 0.08, (sx * 0.85, r, z), hub=DARK_WOOD, spokes=10, tire=DARK_WOOD * 0.7, material="wood")
    parts.append(tube([[0, 0.9, 1.6], [0, 0.6, 2.4]], 0.05, wood * 0.8, OBJECT, 5, "wood"))
    return parts


@asset("rowboat", "vehicle", (1.5, 0.8, 4.0), "water", synonyms="boat, boats, rowing boat, dinghy, skiff, fishing boat, row boat, small boat, "
       "wooden boat, punt, gondola")
def rowboat(p, rng):
    col, mat = p.main(np.array([0.55, 0.36, 0.22]), "wood")
    secs = []
    for z, w, d in ((-1.9, 0.55, 0.5), (-1.4, 1.1, 0.6), (-0.5, 1.4, 0.65), (0.5, 1.35, 0.65), (1.4, 0.9, 0.7), (1.95, 0.1, 0.78)):
        a = np.linspace(math.pi, 2 * math.pi, 9)
        pts = np.stack([np.cos(a) * w / 2, 0.75 + np.sin(a) * d, np.full(9, z)], -1)
        secs.append(pts)
    hull = open_loft(secs, col, OBJECT, mat, True, name="hull")
    hull.ao = 0.7 + 0.3 * np.clip(hull.vertices[:, 1] / 0.75, 0, 1)
    parts = [hull]
    for z in (-0.9, 0.3):
        parts.append(box((1.3, 0.05, 0.25), col * 1.2, OBJECT, mat, True, center=(0, 0.5, z)))
    trim = np.array([0.9, 0.88, 0.82]) if p.color is None else col * 0.7
    parts.append(tube(np.stack([s[0] for s in secs]), 0.03, trim, OBJECT, 4, "paint"))
    parts.append(tube(np.stack([s[-1] for s in secs]), 0.03, trim, OBJECT, 4, "paint"))
    for sx in (-1, 1):
        parts.append(tube([[sx * 0.6, 0.72, -0.3], [sx * 1.3, 0.2, 0.2]], 0.025, WOOD * 1.2, OBJECT, 4, "wood"))
    return parts


@asset("sailboat", "vehicle", (2.6, 9.0, 7.5), "water", synonyms="sailboats, sailing boat, yacht, sail boat, sloop, catamaran, sailing yacht")
def sailboat(p, rng):
    col, mat = p.main(np.array([0.92, 0.92, 0.90]), "paint")
    hull = body([(-3.3, 0.3, 1.25, 1.8), (-1.5, 0.0, 1.3, 2.5), (1.0, 0.05, 1.35, 2.4), (2.8, 0.35, 1.45, 1.3), (3.6, 0.9, 1.5, 0.15)], col, mat, 14,
                0.55)
    parts = [hull, box((1.4, 0.5, 2.2), col * 0.95, OBJECT, mat, True, center=(0, 1.55, -0.8))]
    parts.append(tube(np.array([[-1.15, 1.35, -3.2], [-1.2, 1.35, 0.0], [-0.65, 1.45, 2.8]]), 0.04, np.array([0.3, 0.2, 0.1]), OBJECT, 4, "wood"))
    parts.append(tube([[0, 1.3, 0.3], [0, 8.8, 0.3]], 0.06, METAL, OBJECT, 6, "metal", True))
    sail = np.array([0.97, 0.96, 0.92])
    parts.append(triangle((0.02, 1.9, 0.2), (0.02, 8.6, 0.3), (0.02, 1.9, -3.1), sail, OBJECT, "fabric"))
    parts.append(tube([[0, 1.9, 0.3], [0, 1.9, -3.1]], 0.05, METAL, OBJECT, 4, "metal"))
    parts.append(triangle((0.0, 1.6, 3.5), (0.0, 8.3, 0.45), (0.0, 1.9, 0.55), sail * 0.97, OBJECT, "fabric"))
    return parts


@asset("canoe", "vehicle", (0.9, 0.5, 4.6), "water", synonyms="kayak, canoes, kayaks, dugout, pirogue, paddle boat")
def canoe(p, rng):
    col, mat = p.main(np.array([0.78, 0.25, 0.10]), "paint")
    secs = []
    for z, w, rise in ((-2.3, 0.05, 0.5), (-1.9, 0.45, 0.42), (-0.8, 0.82, 0.38), (0.8, 0.82, 0.38), (1.9, 0.45, 0.42), (2.3, 0.05, 0.5)):
        a = np.linspace(math.pi, 2 * math.pi, 9)
        secs.append(np.stack([np.cos(a) * w / 2, rise + np.sin(a) * 0.36, np.full(9, z)], -1))
    parts = [open_loft(secs, col, OBJECT, mat, True, name="canoe")]
    parts.append(tube([[0.5, 0.3, -0.3], [-0.3, 0.5, 0.9]], 0.02, WOOD, OBJECT, 4, "wood"))
    return parts


@asset("sailing_ship", "vehicle", (6.0, 18.0, 20.0), "water", synonyms="pirate ship, galleon, tall ship, ship, ships, old ship, frigate, "
       "schooner, clipper")
def sailing_ship(p, rng):
    col, mat = p.main(np.array([0.38, 0.24, 0.14]), "wood")
    parts = [body([(-9.0, 1.0, 6.0, 4.0), (-7.0, 0.2, 5.0, 5.6), (0.0, 0.0, 4.3, 5.8), (6.0, 0.4, 4.6, 4.2), (9.8, 2.0, 5.2, 0.4)], col, mat, 14, 0.6)]
    parts.append(box((5.2, 2.0, 4.0), col * 0.85, OBJECT, mat, True, center=(0, 6.3, -7.0)))
    parts.append(tube([[0, 4.5, 9.5], [0, 6.5, 13.0]], 0.15, col * 0.8, OBJECT, 6, mat))
    sail = np.array([0.92, 0.88, 0.78])
    for z, h in ((-4.0, 13.0), (1.5, 15.5), (6.5, 12.0)):
        parts.append(tube([[0, 4.0, z], [0, 4.0 + h, z]], 0.18, DARK_WOOD, OBJECT, 6, "wood", True))
        for k, (y0, w) in enumerate(((5.5, 5.6), (5.5 + h * 0.33, 4.8), (5.5 + h * 0.62, 3.6))):
            hh = h * 0.27
            parts += panel((-w / 2, y0, z + 0.25), (w, 0, 0), (0, hh, 0), sail, OBJECT, "fabric", back_color=sail * 0.8)
            parts.append(tube([[-w / 2 - 0.2, y0 + hh, z + 0.2], [w / 2 + 0.2, y0 + hh, z + 0.2]], 0.08, DARK_WOOD, OBJECT, 4, "wood"))
    parts.append(tube([[0, 4.0 + 15.5, 1.5], [0, 4.0 + 16.8, 1.5]], 0.03, DARK_WOOD, OBJECT, 4, "wood"))
    parts += panel((0, 4.0 + 16.0, 1.5), (0, 0, 1.2), (0, 0.7, 0), BLACK * 2, OBJECT, "fabric")
    for z in (-4.5, -1.5, 1.5, 4.5):
        for sx in (-1, 1):
            parts.append(quad((sx * 2.9, 2.8, z - 0.25 * sx), (0, 0, 0.5 * sx), (0, 0.5, 0), BLACK, OBJECT, "plain"))
    return parts


@asset("hot_air_balloon", "vehicle", (6.0, 12.0, 6.0), synonyms="hot air balloon, balloon, balloons, hot air balloons, airship, blimp, zeppelin")
def hot_air_balloon(p, rng):
    col = p.col(np.array([0.85, 0.18, 0.15]))
    prof = [(0.0, 4.0), (1.0, 4.3), (2.4, 5.6), (3.0, 7.5), (2.9, 9.2), (2.2, 10.8), (1.0, 11.7), (0.0, 11.9)]
    env = lathe(prof, col, OBJECT, 16, "fabric", False, cap_top=False, name="envelope")
    ang = np.arctan2(env.vertices[:, 2], env.vertices[:, 0])
    stripe = (np.floor((ang + math.pi) / (2 * math.pi) * 8) % 2).astype(bool)
    env.color[stripe] = np.array([0.98, 0.85, 0.2]) if p.color is None else col * 0.6
    parts = [env, box((1.2, 0.9, 1.2), np.array([0.55, 0.4, 0.22]), OBJECT, "wood", True, center=(0, 0.45, 0), bottom=False)]
    for sx in (-1, 1):
        for sz in (-1, 1):
            parts.append(tube([[sx * 0.55, 0.9, sz * 0.55], [sx * 0.9, 4.3, sz * 0.9]], 0.015, np.array([0.3, 0.25, 0.2]), OBJECT, 3, "plain"))
    return parts


@asset("airplane", "vehicle", (11.0, 3.0, 8.5), synonyms="plane, aeroplane, aircraft, airplanes, planes, propeller plane, biplane, small plane, "
       "jet, airliner")
def airplane(p, rng):
    col, mat = p.main(np.array([0.92, 0.92, 0.94]), "paint")
    parts = [body([(-4.2, 1.6, 2.0, 0.2), (-3.0, 1.3, 2.2, 0.7), (0.0, 0.9, 2.4, 1.4), (2.6, 0.9, 2.3, 1.3), (3.8, 1.3, 2.0, 0.6)], col, mat, 14,
                  0.9)]
    wing = extrude([(-5.4, 0.0), (5.4, 0.0), (5.0, 1.3), (-5.0, 1.3)], 0.12, col, OBJECT, mat)
    parts.append(wing.transformed(np.array([[1, 0, 0], [0, 0, -1], [0, 1, 0]], dtype=float), (0, 1.4, 0.9)))
    tail = extrude([(-1.8, 0.0), (1.8, 0.0), (1.4, 0.8), (-1.4, 0.8)], 0.08, col, OBJECT, mat)
    parts.append(tail.transformed(np.array([[1, 0, 0], [0, 0, -1], [0, 1, 0]], dtype=float), (0, 1.8, -3.4)))
    parts.append(extrude([(0.0, 0.0), (1.2, 0.0), (0.3, 1.3), (0.0, 1.3)], 0.08, np.array([0.75, 0.12, 0.1]), OBJECT, mat).transformed(
        rot_y(math.pi / 2), (0, 2.0, -3.0)))
    parts.append(quad((-0.4, 1.95, 2.0), (0.8, 0, 0), (0, 0.35, -0.7), GLASS, OBJECT, "glass"))
    parts.append(cylinder(0.3, 0.1, 0.35, BLACK, OBJECT, 10, "metal", True).transformed(np.array([[1, 0, 0], [0, 0, -1], [0, 1, 0]], dtype=float), (0, 1.65, 3.8)))
    parts += panel((-0.08, 0.5, 4.16), (0.16, 0, 0), (0, 2.3, 0), BLACK, OBJECT, "metal")
    for sx in (-1, 1):
        parts.append(tube([[sx * 0.5, 1.0, 1.0], [sx * 0.9, 0.3, 1.1]], 0.04, METAL, OBJECT, 4, "metal"))
        parts += wheel(0.28, 0.12, (sx * 0.9, 0.28, 1.1))
    return parts


@asset("sled", "vehicle", (1.0, 0.9, 2.2), synonyms="sleigh, sledge, toboggan, sleds, sleighs, santa sleigh, dog sled")
def sled(p, rng):
    col, mat = p.main(np.array([0.70, 0.12, 0.10]), "paint")
    parts = [box((0.8, 0.06, 1.5), col, OBJECT, mat, True, center=(0, 0.33, -0.15))]
    for sx in (-1, 1):
        parts.append(box((0.04, 0.22, 1.5), col * 0.85, OBJECT, mat, True, center=(sx * 0.4, 0.45, -0.15)))
        parts.append(tube([[sx * 0.42, 0.05, -0.95], [sx * 0.42, 0.02, 0.6], [sx * 0.42, 0.12, 0.9], [sx * 0.42, 0.35, 1.0], [sx * 0.42, 0.55, 0.85],
                           [sx * 0.42, 0.5, 0.72]], 0.03, METAL, OBJECT, 5, "metal", True))
        for z in (-0.6, 0.3):
            parts.append(tube([[sx * 0.42, 0.04, z], [sx * 0.42, 0.34, z]], 0.025, METAL, OBJECT, 4, "metal"))
    return parts
