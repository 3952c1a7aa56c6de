"""Classroom, church, museum, shop, cafe and workshop furnishings: blackboard, whiteboard, school desk, pew,
altar, pipe organ, stained glass, display case, pedestal, lectern, shop shelf, clothes rack, mannequin,
cash register, cafe table, bar stool, bar counter, restaurant booth, coffee machine, workbench, lockers."""

from __future__ import annotations

import math

import numpy as np

from ..mesh import box, cylinder, lathe, quad, rot_y
from ._common import BLACK, FURN, METAL, OBJECT, WHITE, glow, vary
from .registry import asset
from .shapes import disc, extrude, sphere, tube

BRASS = np.array([0.78, 0.62, 0.28])
CLOTH = np.array([0.95, 0.94, 0.90])
RXF = np.array([[1, 0, 0], [0, 0, -1], [0, 1, 0]], dtype=float)  # +Y -> +Z (discs facing the front)


def _board(col, surface, p, rng, chalk: bool) -> list:
    parts = [box((2.6, 1.3, 0.05), col, FURN, "wood", False, center=(0, 0.65, 0), bottom=False),
             quad((-1.22, 0.08, 0.03), (2.44, 0, 0), (0, 1.14, 0), surface, FURN, "paint"),
             box((2.5, 0.04, 0.08), col, FURN, "wood", False, center=(0, 0.04, 0.05))]
    ink = np.array([0.92, 0.92, 0.9]) if chalk else np.array([0.15, 0.25, 0.6])
    for k in range(5):
        y = 1.05 - k * 0.18
        x0 = -1.05 + rng.uniform(0, 0.2)
        parts.append(quad((x0, y, 0.035), (rng.uniform(0.8, 1.9), 0, 0), (0, 0.025, 0), ink, FURN, "paint"))
    return parts


@asset("blackboard", "interior", (2.6, 1.3, 0.1), "wall", synonyms="chalkboard, blackboards, chalkboards, chalk board, school board, greenboard",
       indoor=True, outdoor=False, collider=False)
def blackboard(p, rng):
    return _board(p.col(np.array([0.45, 0.30, 0.18])), np.array([0.12, 0.22, 0.16]), p, rng, True)


@asset("whiteboard", "interior", (2.6, 1.3, 0.1), "wall", synonyms="whiteboards, white board, dry erase board, marker board", indoor=True,
       outdoor=False, collider=False)
def whiteboard(p, rng):
    return _board(p.col(np.array([0.70, 0.71, 0.73])), np.array([0.96, 0.96, 0.95]), p, rng, False)


@asset("school_desk", "interior", (0.7, 0.85, 1.0), synonyms="student desk, classroom desk, school desks, pupil desk, desk and chair, student desks",
       indoor=True, outdoor=False)
def school_desk(p, rng):
    col, mat = p.main(np.array([0.70, 0.55, 0.35]), "wood")
    frame = np.array([0.2, 0.3, 0.45])
    parts = [box((0.7, 0.03, 0.5), col, FURN, mat, True, center=(0, 0.74, 0.2)),
             box((0.66, 0.12, 0.45), frame, FURN, "metal", True, center=(0, 0.66, 0.2))]
    for sx in (-1, 1):
        for z in (0.0, 0.42):
            parts.append(tube([[sx * 0.3, 0, z], [sx * 0.3, 0.6, z]], 0.015, frame, FURN, 5, "metal", True))
    parts += [box((0.4, 0.03, 0.38), col, FURN, mat, True, center=(0, 0.44, -0.3)), box((0.4, 0.3, 0.03), col, FURN, mat, True, center=(0, 0.68, -0.5))]
    for sx in (-1, 1):
        for z in (-0.15, -0.45):
            parts.append(tube([[sx * 0.17, 0, z], [sx * 0.17, 0.43, z]], 0.012, frame, FURN, 5, "metal", True))
    return parts


@asset("pew", "interior", (3.0, 1.0, 0.7), synonyms="pews, church bench, church pew, church pews, chapel bench", indoor=True, outdoor=False)
def pew(p, rng):
    col, mat = p.main(np.array([0.40, 0.25, 0.14]), "wood")
    parts = [box((3.0, 0.06, 0.45), col, FURN, mat, True, center=(0, 0.45, 0.05)),
             box((3.0, 0.55, 0.05), col, FURN, mat, True, center=(0, 0.72, -0.2)).transformed(np.eye(3)),
             box((3.0, 0.18, 0.04), col * 0.9, FURN, mat, True, center=(0, 0.3, 0.25))]
    for sx in (-1, 1):
        parts.append(extrude([(-0.28, 0.0), (0.3, 0.0), (0.3, 0.6), (-0.15, 1.0), (-0.28, 1.0)], 0.06, col * 0.85, FURN, mat).transformed(
            rot_y(-math.pi / 2), (sx * 1.5, 0, 0)))
    return parts


@asset("altar", "interior", (2.0, 1.8, 0.9), synonyms="church altar, altars, altar table, communion table, sanctuary altar, offering table",
       indoor=True, outdoor=True, emissive=True, light=(1.0, 0.6, 0.25))
def altar(p, rng):
    col, mat = p.main(np.array([0.85, 0.83, 0.78]), "plaster")
    parts = [box((2.4, 0.15, 1.3), col * 0.85, FURN, "rock", True, center=(0, 0.075, 0), bottom=False),
             box((1.8, 0.85, 0.8), col, FURN, mat, True, center=(0, 0.575, 0), bottom=False),
             box((1.95, 0.06, 0.9), col * 1.03, FURN, mat, True, center=(0, 1.03, 0))]
    parts.append(quad((-0.9, 0.35, 0.41), (1.8, 0, 0), (0, 0.68, 0), CLOTH, FURN, "fabric"))
    parts.append(quad((-0.2, 0.35, 0.42), (0.4, 0, 0), (0, 0.68, 0), np.array([0.6, 0.1, 0.12]), FURN, "fabric"))
    parts.append(box((0.05, 0.55, 0.05), BRASS, FURN, "metal", False, center=(0, 1.34, -0.2)))
    parts.append(box((0.3, 0.05, 0.05), BRASS, FURN, "metal", False, center=(0, 1.48, -0.2)))
    from ._common import flame
    for x in (-0.7, 0.7):
        parts.append(cylinder(0.04, 0.04, 0.35, WHITE, FURN, 8, "paint", False).transformed(translation=(x, 1.06, -0.1)))
        parts.append(flame((x, 1.41, -0.1), 0.06, p, rng, np.array([1.0, 0.75, 0.3])))
    return parts


@asset("pipe_organ", "interior", (3.0, 4.5, 1.2), "wall", synonyms="organ, church organ, organ pipes, pipe organs", indoor=True, outdoor=False)
def pipe_organ(p, rng):
    col, mat = p.main(np.array([0.40, 0.25, 0.14]), "wood")
    parts = [box((3.0, 1.5, 1.0), col, FURN, mat, True, center=(0, 0.75, 0), bottom=False),
             box((3.0, 3.0, 0.3), col * 0.8, FURN, mat, True, center=(0, 3.0, -0.35))]
    n = 15
    for k in range(n):
        x = -1.35 + 2.7 * k / (n - 1)
        h = 1.2 + 1.6 * (1 - abs(k - (n - 1) / 2) / ((n - 1) / 2)) ** 0.8
        parts.append(lathe([(0.07, 1.5), (0.07, 1.5 + h), (0.0, 1.5 + h + 0.1)], vary(np.array([0.8, 0.76, 0.6]), rng, 0.05), FURN, 8, "metal", True).transformed(
            translation=(x, 0, 0.05)))
    parts.append(box((1.4, 0.06, 0.3), BLACK, FURN, "paint", False, center=(0, 0.95, 0.55)))
    parts.append(box((1.3, 0.02, 0.2), CLOTH, FURN, "paint", False, center=(0, 0.99, 0.58)))
    return parts


@asset("stained_glass", "interior", (1.4, 3.0, 0.15), "wall", synonyms="stained glass window, stained glass windows, rose window, church window, "
       "leaded glass", indoor=True, outdoor=False, emissive=True, light=(0.9, 0.7, 0.9), collider=False)
def stained_glass(p, rng):
    from .shapes import arched_wall
    stone = np.array([0.7, 0.68, 0.62])
    parts = arched_wall(1.1, 2.2, 3.0, 0.12, stone, FURN, 1.4, 10, 0.25, "rock")
    for q in parts:
        q.collider = False
    cols = [np.array(c) for c in ((0.8, 0.1, 0.1), (0.1, 0.2, 0.75), (0.95, 0.75, 0.1), (0.1, 0.6, 0.25), (0.55, 0.15, 0.6))]
    mat = "emissive" if p.lit else "glass"
    for i in range(4):
        for j in range(7):
            c = cols[int(rng.integers(0, len(cols)))] * (1.0 if p.lit else 0.8)
            parts.append(quad((-0.55 + i * 0.275, 0.05 + j * 0.33, 0.0), (0.27, 0, 0), (0, 0.32, 0), c, FURN, mat))
    ang = np.linspace(math.pi, 0, 9)
    parts.append(extrude([(math.cos(a) * 0.53, 2.35 + math.sin(a) * 0.6) for a in ang], 0.01, cols[2] * (1.0 if p.lit else 0.8), FURN, mat, False))
    return parts


@asset("display_case", "interior", (1.2, 1.3, 0.7), synonyms="vitrine, showcase, glass case, museum case, display cabinet, exhibit case, "
       "display cases, glass cabinet, jewelry case, museum display", indoor=True, outdoor=False, emissive=True, light=(1.0, 1.0, 0.95))
def display_case(p, rng):
    col, mat = p.main(np.array([0.30, 0.22, 0.16]), "wood")
    parts = [box((1.2, 0.8, 0.7), col, FURN, mat, True, center=(0, 0.4, 0), bottom=False)]
    # glass reads by its frame and its reflections: slim edges, a glazed top, a faint glint on the front
    for sx in (-1, 1):
        for sz in (-1, 1):
            parts.append(box((0.03, 0.45, 0.03), BRASS, FURN, "metal", True, center=(sx * 0.585, 1.025, sz * 0.335)))
        parts.append(box((0.03, 0.03, 0.7), BRASS, FURN, "metal", False, center=(sx * 0.585, 1.25, 0)))
    for sz in (-1, 1):
        parts.append(box((1.2, 0.03, 0.03), BRASS, FURN, "metal", False, center=(0, 1.25, sz * 0.335)))
    parts.append(quad((-0.57, 1.25, 0.32), (1.14, 0, 0), (0, 0, -0.64), np.array([0.7, 0.8, 0.84]), FURN, "glass", True))
    for x in (-0.45, 0.1):
        parts.append(quad((x, 0.85, 0.352), (0.08, 0, 0), (0.12, 0.35, 0), np.array([0.85, 0.9, 0.95]), FURN, "glass"))
    lc, lm = glow(p, on=(1.0, 1.0, 0.95), off=np.array([0.9, 0.88, 0.82]), off_material="fabric")
    parts.append(quad((-0.55, 0.81, 0.3), (1.1, 0, 0), (0, 0, -0.6), lc, FURN, lm))
    parts.append(lathe([(0.05, 0.81), (0.1, 0.9), (0.06, 1.05), (0.08, 1.1)], np.array([0.75, 0.5, 0.2]), OBJECT, 10, "paint", False).transformed(translation=(-0.3, 0, 0)))
    parts.append(sphere(0.07, np.array([0.85, 0.7, 0.3]), OBJECT, (0.1, 0.88, 0.05), 1, "metal"))
    parts.append(box((0.18, 0.12, 0.03), np.array([0.5, 0.3, 0.6]), OBJECT, "paint", False, center=(0.35, 0.87, -0.1)))
    return parts


@asset("pedestal", "interior", (0.7, 1.6, 0.7), synonyms="plinth, exhibit, exhibits, museum exhibit, pedestal with vase, artifact, sculpture stand, "
       "bust, museum piece", indoor=True, outdoor=False)
def pedestal(p, rng):
    col, mat = p.main(np.array([0.92, 0.91, 0.88]), "plaster")
    parts = [box((0.6, 1.0, 0.6), col, FURN, mat, True, center=(0, 0.5, 0), bottom=False),
             box((0.7, 0.06, 0.7), col * 0.95, FURN, mat, True, center=(0, 1.03, 0)),
             box((0.7, 0.06, 0.7), col * 0.95, FURN, mat, True, center=(0, 0.03, 0), bottom=False)]
    if rng.uniform() < 0.5:
        parts.append(lathe([(0.08, 1.06), (0.17, 1.2), (0.15, 1.38), (0.07, 1.5), (0.1, 1.56)], np.array([0.62, 0.32, 0.18]), OBJECT, 14, "paint", True,
                           cap_top=False))
    else:
        bronze = np.array([0.5, 0.36, 0.2])
        parts.append(lathe([(0.12, 1.06), (0.15, 1.16), (0.1, 1.3)], bronze, OBJECT, 12, "metal", True))
        parts.append(sphere(0.13, bronze, OBJECT, (0, 1.44, 0), 2, "metal", True, squash=(0.85, 1.1, 0.95)))
    return parts


@asset("lectern", "interior", (0.6, 1.2, 0.5), synonyms="podium, pulpit, rostrum, lecterns, speaker stand, reading stand", indoor=True, outdoor=True)
def lectern(p, rng):
    col, mat = p.main(np.array([0.42, 0.27, 0.15]), "wood")
    parts = [box((0.55, 0.06, 0.45), col, FURN, mat, True, center=(0, 0.03, 0), bottom=False),
             box((0.35, 1.0, 0.3), col, FURN, mat, True, center=(0, 0.55, 0))]
    top = extrude([(-0.22, 0.0), (0.25, 0.0), (0.25, 0.06), (-0.22, 0.22)], 0.6, col * 1.1, FURN, mat)
    parts.append(top.transformed(rot_y(-math.pi / 2), (0, 1.0, 0)))
    parts.append(box((0.3, 0.02, 0.2), CLOTH, OBJECT, "paint", False, center=(0, 1.17, 0.02)).transformed(np.eye(3)))
    return parts


@asset("shop_shelf", "interior", (2.0, 1.8, 0.6), synonyms="store shelf, supermarket shelf, grocery shelf, shop shelves, aisle shelf, store shelves, "
       "shelves of goods, grocery shelves, shelving unit, gondola shelf", indoor=True, outdoor=False)
def shop_shelf(p, rng):
    col, mat = p.main(np.array([0.85, 0.86, 0.88]), "metal")
    parts = [box((2.0, 1.75, 0.05), col * 0.9, FURN, mat, True, center=(0, 0.875, 0), bottom=False)]
    for sx in (-1, 1):
        parts.append(box((0.04, 1.8, 0.6), col, FURN, mat, True, center=(sx * 1.0, 0.9, 0), bottom=False))
    palette = [(0.85, 0.2, 0.15), (0.95, 0.8, 0.15), (0.2, 0.45, 0.8), (0.25, 0.65, 0.3), (0.95, 0.95, 0.92), (0.9, 0.5, 0.15)]
    for y in (0.1, 0.5, 0.9, 1.3):
        for sz in (-1, 1):
            parts.append(box((1.96, 0.03, 0.27), col, FURN, mat, True, center=(0, y, sz * 0.16)))
            x = -0.95
            while x < 0.9:
                w = rng.uniform(0.08, 0.18)
                h = rng.uniform(0.12, 0.3)
                c = np.array(palette[int(rng.integers(0, len(palette)))])
                parts.append(box((w, h, 0.22), c, OBJECT, "paint", False, center=(x + w / 2, y + 0.015 + h / 2, sz * 0.16)))
                x += w + 0.015
    return parts


@asset("clothes_rack", "interior", (1.5, 1.7, 0.6), synonyms="clothing rack, clothes rail, garment rack, coat rack, coat stand, hanging clothes, "
       "dress rack, racks of clothes", indoor=True, outdoor=False)
def clothes_rack(p, rng):
    col, mat = p.main(np.array([0.75, 0.76, 0.78]), "metal")
    parts = []
    for sx in (-1, 1):
        parts.append(tube([[sx * 0.7, 0.0, 0], [sx * 0.7, 1.6, 0]], 0.02, col, FURN, 5, mat, True))
        parts.append(tube([[sx * 0.7, 0.02, -0.28], [sx * 0.7, 0.02, 0.28]], 0.02, col, FURN, 5, mat, True))
    parts.append(tube([[-0.72, 1.6, 0], [0.72, 1.6, 0]], 0.015, col, FURN, 5, mat))
    for k, x in enumerate(np.linspace(-0.6, 0.6, 9)):
        c = vary(np.array([[0.7, 0.15, 0.2], [0.15, 0.25, 0.5], [0.9, 0.85, 0.75], [0.2, 0.2, 0.22], [0.4, 0.55, 0.35]])[int(rng.integers(0, 5))], rng, 0.1)
        L = rng.uniform(0.6, 1.0)
        parts.append(extrude([(-0.2, 0.0), (0.2, 0.0), (0.22, L - 0.12), (0.08, L), (-0.08, L), (-0.22, L - 0.12)], 0.04, c, FURN, "fabric", False).transformed(
            rot_y(math.pi / 2), (x, 1.55 - L, 0)))
    return parts


@asset("mannequin", "interior", (0.5, 1.8, 0.35), synonyms="mannequins, dummy, dress form, tailor's dummy, shop dummy, display dummy", indoor=True,
       outdoor=False)
def mannequin(p, rng):
    col, mat = p.main(np.array([0.92, 0.90, 0.86]), "paint")
    dress = vary(np.array([0.7, 0.15, 0.2]), rng, 0.2)
    return [cylinder(0.18, 0.18, 0.03, BLACK, FURN, 12, "metal", True), tube([[0, 0.03, 0], [0, 0.75, 0]], 0.015, METAL, FURN, 5, "metal", True),
            lathe([(0.3, 0.7), (0.2, 1.05), (0.13, 1.15), (0.17, 1.35), (0.19, 1.45), (0.07, 1.5)], dress, FURN, 14, "fabric", True),
            tube([[0, 1.5, 0], [0, 1.58, 0]], 0.04, col, FURN, 6, mat), sphere(0.1, col, FURN, (0, 1.7, 0), 1, mat, squash=(0.85, 1.15, 0.95))]


@asset("cash_register", "interior", (0.45, 0.35, 0.4), "table_top", synonyms="till, cash registers, checkout, register, point of sale", indoor=True,
       outdoor=False)
def cash_register(p, rng):
    col, mat = p.main(np.array([0.20, 0.20, 0.22]), "paint")
    return [box((0.42, 0.1, 0.4), col, OBJECT, mat, True, center=(0, 0.05, 0), bottom=False),
            extrude([(-0.2, 0.1), (0.15, 0.1), (-0.2, 0.2)], 0.38, col * 1.2, OBJECT, mat).transformed(rot_y(-math.pi / 2), (0, 0, 0)),
            box((0.04, 0.18, 0.04), col, OBJECT, mat, True, center=(0, 0.19, -0.15)),
            box((0.24, 0.12, 0.03), col, OBJECT, mat, True, center=(0, 0.32, -0.15)),
            quad((-0.1, 0.28, -0.13), (0.2, 0, 0), (0, 0.07, 0), np.array([0.3, 0.7, 0.4]), OBJECT, "paint")]


@asset("cafe_table", "interior", (1.6, 0.95, 1.6), synonyms="bistro table, cafe tables, round table, coffee shop table, restaurant table, "
       "table with chairs, dining set, patio table, bistro set", indoor=True, outdoor=True)
def cafe_table(p, rng):
    col, mat = p.main(np.array([0.88, 0.86, 0.82]), "paint")
    parts = [disc(0.4, 0.74, col, FURN, 20, mat), cylinder(0.4, 0.4, 0.03, col * 0.9, FURN, 20, mat, True).transformed(translation=(0, 0.71, 0)),
             cylinder(0.035, 0.035, 0.71, BLACK, FURN, 8, "metal", True), cylinder(0.25, 0.22, 0.03, BLACK, FURN, 14, "metal", True)]
    chair_c = np.array([0.45, 0.3, 0.18]) if p.color is None else col * 0.8
    for a in (0.0, math.pi):
        R = rot_y(a)
        c = R @ np.array([0, 0, 0.65])
        parts.append(cylinder(0.2, 0.2, 0.04, chair_c, FURN, 14, "wood", True).transformed(translation=c + [0, 0.44, 0]))
        for k in range(4):
            b = 2 * math.pi * k / 4 + math.pi / 4
            parts.append(tube([c + [math.cos(b) * 0.15, 0.44, math.sin(b) * 0.15], c + [math.cos(b) * 0.2, 0.0, math.sin(b) * 0.2]], 0.012, BLACK, FURN, 4,
                              "metal", True))
        back = R @ np.array([0, 0, 0.85])
        parts.append(tube([back + R @ np.array([-0.17, 0.46, 0]), back + R @ np.array([-0.17, 0.85, 0]), back + R @ np.array([0.17, 0.85, 0]),
                           back + R @ np.array([0.17, 0.46, 0])], 0.015, BLACK, FURN, 4, "metal", True))
    return parts


@asset("bar_stool", "interior", (0.45, 0.8, 0.45), synonyms="barstool, bar stools, stool, stools, counter stool, high stool", indoor=True, outdoor=True)
def bar_stool(p, rng):
    col, mat = p.main(np.array([0.55, 0.12, 0.10]), "fabric")
    return [cylinder(0.2, 0.2, 0.08, col, FURN, 16, mat, True).transformed(translation=(0, 0.72, 0)),
            cylinder(0.04, 0.04, 0.72, METAL, FURN, 8, "metal", True), cylinder(0.22, 0.2, 0.03, METAL, FURN, 16, "metal", True),
            lathe([(0.17, 0.3), (0.17, 0.32)], METAL, FURN, 14, "metal", False)]


@asset("bar_counter", "interior", (3.0, 2.2, 1.4), synonyms="bar, pub counter, bars, bar top, saloon bar, pub bar, counter bar, reception desk, "
       "front desk, service counter, shop counter, checkout counter", indoor=True, outdoor=False)
def bar_counter(p, rng):
    col, mat = p.main(np.array([0.38, 0.22, 0.12]), "wood")
    parts = [box((3.0, 1.05, 0.6), col, FURN, mat, True, center=(0, 0.525, 0.35), bottom=False),
             box((3.1, 0.05, 0.7), col * 1.2, FURN, mat, True, center=(0, 1.08, 0.35)),
             box((3.0, 0.1, 0.05), BRASS, FURN, "metal", False, center=(0, 0.15, 0.68))]
    parts.append(box((3.0, 2.2, 0.3), col * 0.8, FURN, mat, True, center=(0, 1.1, -0.55), bottom=False))
    for y in (1.2, 1.6):
        parts.append(box((2.9, 0.03, 0.25), col, FURN, mat, True, center=(0, y, -0.3)))
        for x in np.linspace(-1.3, 1.3, 14):
            c = vary(np.array([[0.2, 0.4, 0.15], [0.5, 0.25, 0.1], [0.75, 0.75, 0.7], [0.3, 0.1, 0.1]])[int(rng.integers(0, 4))], rng, 0.1)
            parts.append(lathe([(0.035, 0.0), (0.035, 0.2), (0.012, 0.26), (0.012, 0.3)], c, OBJECT, 6, "glass", False).transformed(translation=(x, y + 0.015, -0.3)))
    return parts


@asset("restaurant_booth", "interior", (1.8, 1.2, 2.0), synonyms="diner booth, booth seating, banquette, restaurant booths, diner booths", indoor=True, outdoor=False)
def restaurant_booth(p, rng):
    col, mat = p.main(np.array([0.65, 0.12, 0.12]), "fabric")
    parts = [box((1.0, 0.04, 0.7), np.array([0.85, 0.84, 0.8]), FURN, "paint", True, center=(0, 0.74, 0)),
             cylinder(0.05, 0.05, 0.72, METAL, FURN, 8, "metal", True)]
    for sz in (-1, 1):
        parts.append(box((1.8, 0.45, 0.5), col, FURN, mat, True, center=(0, 0.225, sz * 0.75), bottom=False))
        parts.append(box((1.8, 0.7, 0.15), col * 0.9, FURN, mat, True, center=(0, 0.8, sz * 0.95)))
    return parts


@asset("coffee_machine", "interior", (0.5, 0.5, 0.45), "table_top", synonyms="espresso machine, coffee maker, coffee machines, espresso maker",
       indoor=True, outdoor=False)
def coffee_machine(p, rng):
    col, mat = p.main(np.array([0.75, 0.76, 0.78]), "metal")
    parts = [box((0.5, 0.4, 0.4), col, OBJECT, mat, True, center=(0, 0.25, -0.02), bottom=False),
             box((0.5, 0.05, 0.45), BLACK, OBJECT, "plain", True, center=(0, 0.025, 0), bottom=False),
             box((0.5, 0.06, 0.42), col * 0.8, OBJECT, mat, True, center=(0, 0.48, -0.02))]
    for x in (-0.12, 0.12):
        parts.append(cylinder(0.03, 0.03, 0.05, BLACK, OBJECT, 8, "metal", False).transformed(translation=(x, 0.16, 0.2)))
        parts.append(lathe([(0.03, 0.05), (0.04, 0.11)], WHITE, OBJECT, 10, "paint", False).transformed(translation=(x, 0, 0.2)))
    return parts


@asset("workbench", "interior", (2.0, 1.6, 0.8), synonyms="work bench, tool bench, workshop table, workbenches, carpenter's bench, tool wall",
       indoor=True, outdoor=False)
def workbench(p, rng):
    col, mat = p.main(np.array([0.62, 0.48, 0.30]), "wood")
    parts = [box((2.0, 0.08, 0.8), col, FURN, mat, True, center=(0, 0.86, 0))]
    for sx in (-1, 1):
        for sz in (-1, 1):
            parts.append(box((0.08, 0.82, 0.08), col * 0.8, FURN, mat, True, center=(sx * 0.92, 0.41, sz * 0.34)))
    parts.append(box((1.9, 0.03, 0.7), col * 0.85, FURN, mat, True, center=(0, 0.2, 0)))
    parts.append(box((2.0, 0.8, 0.03), np.array([0.7, 0.62, 0.45]), FURN, "wood", True, center=(0, 1.3, -0.39)))
    for x in np.linspace(-0.8, 0.8, 7):
        parts.append(box((0.03, rng.uniform(0.2, 0.35), 0.03), vary(np.array([0.3, 0.3, 0.32]), rng, 0.3), OBJECT, "metal", False,
                         center=(x, 1.4, -0.35)))
    parts.append(box((0.3, 0.15, 0.2), np.array([0.7, 0.1, 0.08]), OBJECT, "paint", True, center=(0.5, 0.975, 0.1)))
    return parts


@asset("lockers", "interior", (1.8, 1.9, 0.5), synonyms="locker, school lockers, gym lockers, locker row, metal lockers", indoor=True, outdoor=False)
def lockers(p, rng):
    col, mat = p.main(np.array([0.25, 0.42, 0.62]), "metal")
    parts = [box((1.8, 1.85, 0.48), col, FURN, mat, True, center=(0, 0.925, 0), bottom=False)]
    for k in range(6):
        x = -0.75 + 0.3 * k
        parts.append(quad((x - 0.13, 0.1, 0.245), (0.26, 0, 0), (0, 1.65, 0), col * 1.1, FURN, mat))
        for j in range(4):
            parts.append(quad((x - 0.08, 1.55 + j * 0.04, 0.25), (0.16, 0, 0), (0, 0.015, 0), col * 0.5, FURN, "plain"))
        parts.append(box((0.02, 0.1, 0.02), METAL, FURN, "metal", False, center=(x + 0.09, 0.95, 0.26)))
    return parts
