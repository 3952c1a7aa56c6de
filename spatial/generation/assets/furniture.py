"""Furniture for indoor scenes, built from boxes, cylinders and lathes (front faces +Z).

Each builder is ``f(rng, color, lit) -> list[Part]`` with the footprint centred on the origin
and the bottom at y=0. Solid pieces are colliders; rugs, screens and book spines are decals.
Lamps carry ``emissive`` shades; the indoor stage adds a point light at each lamp.
"""

from __future__ import annotations

import numpy as np

from ...core.labels import label_id
from ..mesh import blob, box, cylinder, lathe, quad

FURN = label_id("furniture")
VEG = label_id("vegetation")

WOOD = np.array([0.52, 0.36, 0.22])
DARK_WOOD = np.array([0.30, 0.20, 0.12])
METAL = np.array([0.55, 0.56, 0.58])
BLACK = np.array([0.06, 0.06, 0.07])


def _c(color, default):
    return np.asarray(default if color is None else color, dtype=np.float64)


def _legs(w, d, h, color, inset=0.06, r=0.025):
    out = []
    for sx in (-1, 1):
        for sz in (-1, 1):
            out.append(box((2 * r, h, 2 * r), color, FURN, "wood", True, center=(sx * (w / 2 - inset), h / 2, sz * (d / 2 - inset))))
    return out


def sofa(rng, color=None, lit=False):
    c = _c(color, (0.32, 0.38, 0.48))
    w, d = rng.uniform(2.0, 2.4), 0.95
    parts = [box((w, 0.42, d), c * 0.85, FURN, "fabric", True, center=(0, 0.21, 0), bottom=False, name="sofa"),
             box((w, 0.5, 0.22), c, FURN, "fabric", True, center=(0, 0.67, -d / 2 + 0.11)),
             box((0.22, 0.25, d), c * 0.9, FURN, "fabric", True, center=(-w / 2 + 0.11, 0.545, 0)),
             box((0.22, 0.25, d), c * 0.9, FURN, "fabric", True, center=(w / 2 - 0.11, 0.545, 0))]
    n = 3 if w > 2.2 else 2
    cw = (w - 0.44) / n
    for i in range(n):
        parts.append(box((cw - 0.03, 0.14, d - 0.3), c * 1.08, FURN, "fabric", True, center=(-w / 2 + 0.22 + cw * (i + 0.5), 0.49, 0.08)))
    return parts


def armchair(rng, color=None, lit=False):
    c = _c(color, (0.55, 0.30, 0.22))
    w, d = 0.9, 0.9
    return [box((w, 0.42, d), c * 0.85, FURN, "fabric", True, center=(0, 0.21, 0), bottom=False),
            box((w, 0.5, 0.2), c, FURN, "fabric", True, center=(0, 0.67, -d / 2 + 0.1)),
            box((0.18, 0.22, d), c * 0.9, FURN, "fabric", True, center=(-w / 2 + 0.09, 0.53, 0)),
            box((0.18, 0.22, d), c * 0.9, FURN, "fabric", True, center=(w / 2 - 0.09, 0.53, 0)),
            box((w - 0.4, 0.12, d - 0.3), c * 1.08, FURN, "fabric", True, center=(0, 0.48, 0.08))]


def coffee_table(rng, color=None, lit=False):
    c = _c(color, DARK_WOOD)
    w, d, h = 1.2, 0.6, 0.42
    return [box((w, 0.05, d), c, FURN, "wood", True, center=(0, h - 0.025, 0))] + _legs(w, d, h - 0.05, c) + \
        [box((w - 0.15, 0.02, d - 0.15), c * 0.9, FURN, "wood", True, center=(0, 0.12, 0))]


def table(rng, color=None, lit=False):
    c = _c(color, WOOD)
    w, d, h = rng.uniform(1.4, 1.8), 0.9, 0.75
    return [box((w, 0.05, d), c, FURN, "wood", True, center=(0, h - 0.025, 0))] + _legs(w, d, h - 0.05, c * 0.9, r=0.03)


def chair(rng, color=None, lit=False):
    c = _c(color, WOOD)
    return [box((0.45, 0.04, 0.45), c, FURN, "wood", True, center=(0, 0.45, 0)),
            box((0.45, 0.45, 0.04), c, FURN, "wood", True, center=(0, 0.7, -0.205))] + _legs(0.45, 0.45, 0.43, c * 0.9, 0.03, 0.018)


def bookshelf(rng, color=None, lit=False):
    c = _c(color, DARK_WOOD)
    w, d, h = rng.uniform(0.9, 1.4), 0.35, 2.0
    parts = [box((w, h, 0.03), c * 0.8, FURN, "wood", True, center=(0, h / 2, -d / 2 + 0.015)),
             box((0.03, h, d), c, FURN, "wood", True, center=(-w / 2 + 0.015, h / 2, 0)),
             box((0.03, h, d), c, FURN, "wood", True, center=(w / 2 - 0.015, h / 2, 0))]
    shelves = 5
    for k in range(shelves + 1):
        y = 0.05 + k * (h - 0.08) / shelves
        parts.append(box((w - 0.06, 0.025, d), c, FURN, "wood", True, center=(0, y, 0)))
        if k < shelves:
            x = -w / 2 + 0.05
            while x < w / 2 - 0.1:
                bw = rng.uniform(0.025, 0.06)
                bh = rng.uniform(0.18, 0.3)
                col = np.array([[0.6, 0.12, 0.1], [0.12, 0.25, 0.5], [0.15, 0.4, 0.2], [0.8, 0.7, 0.45], [0.2, 0.2, 0.22],
                                [0.7, 0.45, 0.15]])[int(rng.integers(0, 6))]
                parts.append(box((bw, bh, d * 0.8), col, FURN, "paint", False, center=(x + bw / 2, y + 0.0125 + bh / 2, 0.02)))
                x += bw + rng.uniform(0.0, 0.01)
                if rng.uniform() < 0.06:
                    x += rng.uniform(0.05, 0.15)
    return parts


def lamp(rng, color=None, lit=False):
    shade_c = _c(color, (0.93, 0.88, 0.76))
    parts = [cylinder(0.18, 0.18, 0.03, METAL * 0.5, FURN, 12, "metal", True),
             cylinder(0.02, 0.02, 1.45, METAL * 0.5, FURN, 6, "metal", True),
             lathe([(0.26, 1.38), (0.16, 1.68)], shade_c if not lit else np.array([1.0, 0.85, 0.6]), FURN, 16, "emissive" if lit else "fabric",
                   False, cap_top=False, name="lampshade")]
    return parts


def rug(rng, color=None, lit=False):
    c = _c(color, (0.60, 0.22, 0.18))
    w, d = rng.uniform(2.2, 3.0), rng.uniform(1.6, 2.0)
    p = quad((-w / 2, 0.012, d / 2), (w, 0, 0), (0, 0, -d), c, FURN, "carpet", False, subdiv=2)
    border = quad((-w / 2 - 0.08, 0.008, d / 2 + 0.08), (w + 0.16, 0, 0), (0, 0, -d - 0.16), c * 0.55, FURN, "carpet", False)
    return [p, border]


def tv(rng, color=None, lit=False):
    stand = box((1.6, 0.5, 0.42), _c(color, (0.18, 0.17, 0.17)), FURN, "wood", True, center=(0, 0.25, 0), bottom=False)
    screen = box((1.3, 0.78, 0.05), BLACK, FURN, "plain", True, center=(0, 0.5 + 0.08 + 0.39, -0.05))
    glow = quad((-0.62, 0.62, -0.02), (1.24, 0, 0), (0, 0.7, 0), np.array([0.25, 0.35, 0.55]) if lit else np.array([0.04, 0.05, 0.06]),
                FURN, "emissive" if lit else "glass")
    return [stand, screen, glow]


def plant(rng, color=None, lit=False):
    pot = lathe([(0.14, 0.0), (0.2, 0.38), (0.19, 0.42)], _c(color, (0.62, 0.35, 0.22)), FURN, 12, "plain", True, cap_top=True)
    soil = np.array([0.2, 0.15, 0.1])
    pot_top = lathe([(0.0, 0.4), (0.18, 0.4)], soil, FURN, 12, "plain", False, cap_top=False)
    pot_top.faces = pot_top.faces[:, ::-1]
    leaves = blob(0.35, np.array([0.2, 0.45, 0.18]), VEG, int(rng.integers(0, 2**31)), 0.45, 2, "leaves", squash=(1, 1.3, 1))
    leaves = leaves.transformed(translation=(0, 0.85, 0))
    leaves.ao = np.clip(0.5 + 0.5 * (leaves.vertices[:, 1] - 0.5) / 0.8, 0.4, 1)
    return [pot, pot_top, leaves]


def desk(rng, color=None, lit=False):
    c = _c(color, (0.78, 0.74, 0.66))
    w, d, h = 1.6, 0.8, 0.74
    return [box((w, 0.04, d), c, FURN, "wood", True, center=(0, h - 0.02, 0)),
            box((0.04, h - 0.04, d - 0.05), METAL * 0.7, FURN, "metal", True, center=(-w / 2 + 0.04, (h - 0.04) / 2, 0)),
            box((0.04, h - 0.04, d - 0.05), METAL * 0.7, FURN, "metal", True, center=(w / 2 - 0.04, (h - 0.04) / 2, 0)),
            box((w - 0.1, 0.4, 0.02), METAL * 0.7, FURN, "metal", True, center=(0, h - 0.3, -d / 2 + 0.05))]


def office_chair(rng, color=None, lit=False):
    c = _c(color, (0.20, 0.25, 0.34))
    return [cylinder(0.3, 0.3, 0.06, BLACK, FURN, 5, "plain", True),
            cylinder(0.03, 0.03, 0.42, METAL, FURN, 6, "metal", True),
            box((0.5, 0.08, 0.48), c, FURN, "fabric", True, center=(0, 0.48, 0)),
            box((0.46, 0.55, 0.06), c, FURN, "fabric", True, center=(0, 0.85, -0.24))]


def monitor(rng, color=None, lit=False):
    return [box((0.22, 0.02, 0.18), BLACK, FURN, "plain", True, center=(0, 0.01, 0)),
            box((0.04, 0.3, 0.04), BLACK, FURN, "plain", True, center=(0, 0.15, -0.04)),
            box((0.62, 0.38, 0.03), BLACK, FURN, "plain", True, center=(0, 0.42, -0.02)),
            # switched on where the room is lit (offices): a light desktop reads as a screen at any distance
            quad((-0.29, 0.25, 0.0), (0.58, 0, 0), (0, 0.34, 0), np.array([0.62, 0.72, 0.86]) if lit else np.array([0.10, 0.13, 0.18]), FURN,
                 "emissive" if lit else "glass")]


def cabinet(rng, color=None, lit=False):
    c = _c(color, (0.70, 0.70, 0.68))
    parts = [box((0.9, 1.2, 0.5), c, FURN, "metal", True, center=(0, 0.6, 0), bottom=False)]
    for y in (0.35, 0.75, 1.05):
        parts.append(box((0.2, 0.03, 0.03), METAL * 0.5, FURN, "metal", False, center=(0, y, 0.26)))
    return parts


def crate(rng, color=None, lit=False):
    s = rng.uniform(0.6, 1.1)
    c = _c(color, (0.62, 0.47, 0.28)) * rng.uniform(0.85, 1.1)
    return [box((s, s * rng.uniform(0.7, 1.0), s), c, FURN, "wood", True, center=(0, s * 0.45, 0), bottom=False, name="crate")]


def pallet(rng, color=None, lit=False):
    c = _c(color, (0.66, 0.52, 0.33))
    parts = [box((1.2, 0.03, 1.0), c, FURN, "wood", True, center=(0, 0.135, 0))]
    for x in (-0.55, 0.0, 0.55):
        parts.append(box((0.1, 0.12, 1.0), c * 0.85, FURN, "wood", True, center=(x, 0.06, 0)))
    return parts


def rack(rng, color=None, lit=False):
    """Pallet rack: orange beams, blue uprights, three levels loaded with boxes."""
    w, d, h = 2.7, 1.1, 4.5
    up = _c(color, (0.15, 0.3, 0.6))
    beam = np.array([0.9, 0.45, 0.1])
    parts = []
    for sx in (-1, 1):
        for sz in (-1, 1):
            parts.append(box((0.08, h, 0.08), up, FURN, "metal", True, center=(sx * (w / 2 - 0.04), h / 2, sz * (d / 2 - 0.04))))
    for y in (0.15, 1.6, 3.05):
        for sz in (-1, 1):
            parts.append(box((w, 0.12, 0.06), beam, FURN, "metal", True, center=(0, y, sz * (d / 2 - 0.04))))
        parts.append(box((w - 0.1, 0.03, d - 0.1), c := np.array([0.5, 0.4, 0.3]), FURN, "wood", True, center=(0, y + 0.075, 0)))
        x = -w / 2 + 0.15
        while x < w / 2 - 0.6:
            s = rng.uniform(0.5, 0.8)
            parts.append(box((s, s * rng.uniform(0.6, 1.1), d - 0.25), np.array([0.72, 0.56, 0.36]) * rng.uniform(0.8, 1.1), FURN, "plain", True,
                             center=(x + s / 2, y + 0.09 + s * 0.4, 0), bottom=False))
            x += s + rng.uniform(0.05, 0.2)
    return parts


def bed(rng, color=None, lit=False):
    c = _c(color, (0.85, 0.85, 0.9))
    return [box((1.6, 0.35, 2.1), DARK_WOOD, FURN, "wood", True, center=(0, 0.175, 0), bottom=False),
            box((1.55, 0.2, 2.0), c, FURN, "fabric", True, center=(0, 0.45, 0.03)),
            box((1.6, 0.9, 0.08), DARK_WOOD, FURN, "wood", True, center=(0, 0.45, -1.05)),
            box((0.6, 0.12, 0.35), np.array([0.95, 0.95, 0.95]), FURN, "fabric", False, center=(-0.38, 0.6, -0.75)),
            box((0.6, 0.12, 0.35), np.array([0.95, 0.95, 0.95]), FURN, "fabric", False, center=(0.38, 0.6, -0.75))]


FURNITURE_BUILDERS = {
    "sofa": sofa, "armchair": armchair, "coffee_table": coffee_table, "table": table, "chair": chair, "bookshelf": bookshelf,
    "lamp": lamp, "rug": rug, "tv": tv, "plant": plant, "desk": desk, "office_chair": office_chair, "monitor": monitor,
    "cabinet": cabinet, "rack": rack, "crate": crate, "pallet": pallet, "bed": bed,
}

#: approximate footprint (width along X, depth along Z) used by the room layout
FOOTPRINTS = {
    "sofa": (2.4, 1.0), "armchair": (0.9, 0.9), "coffee_table": (1.2, 0.6), "table": (1.8, 0.9), "chair": (0.5, 0.5),
    "bookshelf": (1.4, 0.35), "lamp": (0.5, 0.5), "rug": (3.0, 2.0), "tv": (1.6, 0.45), "plant": (0.5, 0.5), "desk": (1.6, 0.8),
    "office_chair": (0.6, 0.6), "monitor": (0.6, 0.2), "cabinet": (0.9, 0.5), "rack": (2.7, 1.1), "crate": (1.1, 1.1),
    "pallet": (1.2, 1.0), "bed": (1.6, 2.1),
}
