"""East-Asian and garden architecture: torii, pagoda, shrine, stone lantern, garden bridge, gazebo, zen garden."""

from __future__ import annotations

import math

import numpy as np

from ..mesh import blob, box, cylinder, lathe, quad, rot_y
from ._common import BLACK, BUILDING, OBJECT, ROCK, VEG, glow, seed
from .buildings import gable_roof
from .registry import asset
from .shapes import band, frustum, sphere, tube

VERMILION = np.array([0.80, 0.20, 0.10])
TILE = np.array([0.22, 0.24, 0.26])


@asset("torii", "architecture", (5.6, 5.2, 1.0), synonyms="torii gate, shinto gate, japanese gate, red gate, torii gates, shrine gate")
def torii(p, rng):
    col, mat = p.main(VERMILION, "paint")
    parts = []
    for sx in (-1, 1):
        parts.append(cylinder(0.24, 0.2, 4.5, col, BUILDING, 12, mat, True, cap_top=False).transformed(translation=(sx * 1.9, 0, 0)))
        parts.append(cylinder(0.3, 0.3, 0.35, BLACK, BUILDING, 12, mat, True).transformed(translation=(sx * 1.9, 0, 0)))
    xs = np.linspace(-2.8, 2.8, 25)
    lift = 0.28 * (np.abs(xs) / 2.8) ** 3
    parts.append(band(np.stack([xs, 4.95 + lift + 0.12], -1), np.stack([xs, 4.95 + lift - 0.02], -1), 0.55, BLACK, BUILDING, mat, True))
    parts.append(band(np.stack([xs * 0.97, 4.95 + lift * 0.97 - 0.02], -1), np.stack([xs * 0.97, 4.55 + lift * 0.97], -1), 0.45, col,
                      BUILDING, mat, True))
    parts.append(box((4.8, 0.3, 0.3), col, BUILDING, mat, True, center=(0, 3.75, 0)))
    parts.append(box((0.25, 0.65, 0.22), col, BUILDING, mat, True, center=(0, 4.22, 0)))
    return parts


@asset("pagoda", "architecture", (7.5, 16.0, 7.5), synonyms="pagodas, chinese pagoda, japanese pagoda, tiered tower, stupa, temple tower",
       emissive=True, light=(1.3, 0.8, 0.45))
def pagoda(p, rng):
    col, mat = p.main(np.array([0.72, 0.22, 0.14]), "paint")
    roof = TILE
    parts = [box((6.0, 0.8, 6.0), np.array([0.6, 0.58, 0.55]), BUILDING, "rock", True, center=(0, 0.4, 0), bottom=False)]
    y, w = 0.8, 4.2
    wc, wm = glow(p, off=np.array([0.2, 0.12, 0.08]), off_material="wood")
    for k in range(5):
        h = 2.0 if k == 0 else 1.5
        parts.append(box((w, h, w), col, BUILDING, mat, True, center=(0, y + h / 2, 0), bottom=False))
        for a in range(4):
            R = rot_y(a * math.pi / 2)
            parts.append(quad(R @ np.array([-w * 0.2, y + 0.3, w / 2 + 0.02]), R @ np.array([w * 0.4, 0, 0]), [0, h * 0.55, 0], wc, BUILDING, wm))
        y += h
        ew = w + 2.4
        parts.append(frustum(ew, ew, w * 0.55, w * 0.55, 0.9, roof, BUILDING, "roof", True, y0=y - 0.15))
        parts.append(frustum(ew + 0.3, ew + 0.3, ew, ew, 0.18, roof * 0.8, BUILDING, "roof", True, y0=y - 0.3))
        y += 0.75
        w *= 0.84
    parts.append(cylinder(0.08, 0.05, 2.6, np.array([0.7, 0.55, 0.25]), BUILDING, 8, "metal", True).transformed(translation=(0, y, 0)))
    for k in range(5):
        parts.append(lathe([(0.22, 0), (0.22, 0.06)], np.array([0.7, 0.55, 0.25]), BUILDING, 10, "metal", False).transformed(
            translation=(0, y + 0.4 + 0.35 * k, 0)))
    return parts


@asset("shrine", "architecture", (4.6, 4.4, 5.0), synonyms="japanese shrine, shinto shrine, small shrine, wayside shrine, hokora, temple hall, "
       "buddhist temple, japanese temple, chinese temple, dojo", emissive=True, light=(1.2, 0.8, 0.45))
def shrine(p, rng):
    col, mat = p.main(np.array([0.45, 0.30, 0.18]), "wood")
    parts = []
    for sx in (-1, 1):
        for sz in (-1, 1):
            parts.append(box((0.2, 0.8, 0.2), col * 0.7, BUILDING, mat, True, center=(sx * 1.5, 0.4, sz * 1.7)))
    parts.append(box((3.6, 0.15, 4.0), col * 0.85, BUILDING, mat, True, center=(0, 0.85, 0)))
    parts.append(box((3.0, 2.0, 3.2), col, BUILDING, mat, True, center=(0, 1.9, -0.2)))
    wc, wm = glow(p, off=np.array([0.92, 0.88, 0.78]), off_material="plaster")
    parts.append(quad((-1.1, 1.1, 1.42), (2.2, 0, 0), (0, 1.5, 0), wc, BUILDING, wm))
    for x in (-0.55, 0.0, 0.55):
        parts.append(box((0.05, 1.5, 0.04), col * 0.6, BUILDING, mat, False, center=(x, 1.85, 1.45)))
    parts += gable_roof(4.2, 4.8, 2.9, 1.4, 0.5, TILE)
    from .buildings import gables
    parts += gables(3.0, 3.2, 2.9, 1.4 * 3.2 / 4.8, col * 0.8)
    for k in range(3):
        parts.append(box((1.4, 0.2 * (k + 1), 0.35), col * 0.8, BUILDING, mat, True, center=(0, 0.1 * (k + 1), 2.45 - 0.35 * k), bottom=False))
    parts.append(tube([[-1.0, 2.7, 2.2], [0, 2.55, 2.25], [1.0, 2.7, 2.2]], 0.06, np.array([0.85, 0.8, 0.6]), OBJECT, 5, "fabric"))
    return parts


@asset("stone_lantern", "architecture", (0.9, 1.9, 0.9), synonyms="toro, japanese lantern, garden lantern, stone lanterns, toro lantern",
       emissive=True, light=(1.0, 0.75, 0.4))
def stone_lantern(p, rng):
    col, mat = p.main(np.array([0.58, 0.57, 0.53]), "rock")
    parts = [lathe([(0.42, 0), (0.4, 0.15), (0.2, 0.22), (0.14, 0.3), (0.12, 0.95), (0.3, 1.0), (0.32, 1.08)], col, OBJECT, 6, mat, True,
                   name="lantern")]
    parts.append(box((0.38, 0.35, 0.38), col * 0.95, OBJECT, mat, True, center=(0, 1.26, 0)))
    lc, lm = glow(p, off=np.array([0.08, 0.07, 0.06]), off_material="plain")
    for a in range(4):
        R = rot_y(a * math.pi / 2)
        parts.append(quad(R @ np.array([-0.1, 1.16, 0.2]), R @ np.array([0.2, 0, 0]), [0, 0.18, 0], lc, OBJECT, lm))
    parts.append(lathe([(0.55, 1.42), (0.5, 1.5), (0.18, 1.68), (0.06, 1.72)], col, OBJECT, 6, mat, True, cap_top=True))
    parts.append(sphere(0.09, col, OBJECT, (0, 1.8, 0), 1, mat, True))
    return parts


@asset("garden_bridge", "architecture", (7.0, 2.9, 2.4), synonyms="japanese bridge, red bridge, moon bridge, arched wooden bridge, zen bridge, "
       "drum bridge, chinese bridge, red arched bridge")
def garden_bridge(p, rng):
    col, mat = p.main(VERMILION, "paint")
    xs = np.linspace(-3.4, 3.4, 29)
    deck = 0.25 + 1.45 * np.cos(np.pi * xs / 6.8)
    parts = [band(np.stack([xs, deck + 0.12], -1), np.stack([xs, deck - 0.08], -1), 1.8, np.array([0.45, 0.32, 0.2]), BUILDING, "wood", True)]
    for sz in (-1, 1):
        parts.append(tube(np.stack([xs, deck + 0.95, np.full_like(xs, sz * 1.0)], -1), 0.06, col, BUILDING, 6, mat, True))
        parts.append(tube(np.stack([xs, deck + 0.5, np.full_like(xs, sz * 1.0)], -1), 0.04, col, BUILDING, 6, mat, False))
        parts.append(band(np.stack([xs, deck - 0.05], -1), np.stack([xs, deck - 0.35], -1), 0.12, col, BUILDING, mat, True).transformed(
            translation=(0, 0, sz * 0.95)))
        for x in np.linspace(-3.3, 3.3, 7):
            y = 0.25 + 1.45 * math.cos(math.pi * x / 6.8)
            parts.append(box((0.12, 1.1, 0.12), col, BUILDING, mat, True, center=(x, y + 0.5, sz * 1.0)))
            parts.append(sphere(0.08, np.array([0.75, 0.6, 0.25]), BUILDING, (x, y + 1.1, sz * 1.0), 1, "metal"))
    return parts


@asset("gazebo", "architecture", (4.6, 4.2, 4.6), synonyms="pavilion, bandstand, summerhouse, gazebos, garden pavilion, pergola, kiosk pavilion")
def gazebo(p, rng):
    col, mat = p.main(np.array([0.92, 0.90, 0.86]), "paint")
    from .shapes import post_ring
    parts = [lathe([(2.3, 0), (2.3, 0.35)], np.array([0.6, 0.58, 0.55]), BUILDING, 8, "rock", True, cap_top=True)]
    parts += [q.transformed(translation=(0, 0.35, 0)) for q in post_ring(8, 2.05, 2.6, 0.08, col, BUILDING, mat, math.pi / 8)]
    parts.append(lathe([(2.05, 1.15), (2.05, 1.22)], col, BUILDING, 8, mat, False).transformed(rot_y(math.pi / 8)))
    parts.append(lathe([(2.5, 2.9), (2.5, 3.0), (0.0, 4.1)], np.array([0.32, 0.40, 0.38]), BUILDING, 8, "roof", True, cap_top=False).transformed(
        rot_y(math.pi / 8)))
    parts.append(sphere(0.12, col, BUILDING, (0, 4.15, 0), 1, mat))
    return parts


@asset("zen_garden", "nature", (6.0, 1.2, 4.0), synonyms="rock garden, karesansui, raked gravel, sand garden, zen rock garden, dry garden, "
       "raked sand", collider=True)
def zen_garden(p, rng):
    col, mat = p.main(np.array([0.86, 0.84, 0.78]), "sand")
    g = quad((-2.9, 0.03, 1.9), (5.8, 0, 0), (0, 0, -3.8), col, ROCK, mat, False, subdiv=40)
    g.faces = g.faces[:, ::-1]
    g.ao = 0.82 + 0.18 * np.cos(g.vertices[:, 2] * 2 * math.pi / 0.18)
    parts = [g]
    for sx in (-1, 1):
        parts.append(box((6.0, 0.12, 0.1), np.array([0.35, 0.3, 0.25]), ROCK, "wood", True, center=(0, 0.06, sx * 1.95)))
        parts.append(box((0.1, 0.12, 3.9), np.array([0.35, 0.3, 0.25]), ROCK, "wood", True, center=(sx * 2.95, 0.06, 0)))
    for x, z, s in ((-1.5, -0.5, 0.9), (1.0, 0.6, 0.6), (1.9, -0.9, 0.45)):
        r = blob(s, np.array([0.42, 0.41, 0.38]), ROCK, seed(rng), 0.3, 2, "rock", True, squash=(1.0, 0.8, 0.8)).transformed(translation=(x, s * 0.4, z))
        parts.append(r)
        parts.append(blob(s * 1.3, np.array([0.25, 0.38, 0.14]), VEG, seed(rng), 0.2, 1, "grass", squash=(1.0, 0.08, 1.0)).transformed(
            translation=(x, 0.04, z)))
        ring = lathe([(s * 1.5, 0.045), (s * 1.55, 0.045)], col * 0.8, ROCK, 24, mat, False, cap_top=False).transformed(translation=(x, 0, z))
        parts.append(ring)
    return parts
