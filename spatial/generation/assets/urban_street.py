"""Street furniture and city props: neon sign, food stall, kiosk, bus stop, traffic light, fire hydrant,
post box, trash can, dumpster, phone booth, vending machine, parking meter, traffic cone, bollards,
billboard, street sign, parked bicycles, utility pole, planter."""

from __future__ import annotations

import math

import numpy as np

from ..mesh import box, cylinder, lathe, quad, rot_y
from ._common import BLACK, BUILDING, GLASS, IRON, METAL, OBJECT, WHITE, WOOD, glow, seed, vary
from .registry import asset
from .shapes import disc, extrude, panel, sphere, tube

NEON_COLS = [np.array(c) for c in ((1.0, 0.25, 0.7), (0.2, 0.9, 1.0), (1.0, 0.55, 0.1), (0.5, 1.0, 0.3), (0.75, 0.35, 1.0))]


def _glyphs(word: str, x0: float, y0: float, h: float) -> list[list]:
    """Polylines spelling ``word`` (letters O P E N B A R C F H T L I) in a box of height ``h``."""
    w = h * 0.62
    shapes = {
        "O": [[(0, 0), (1, 0), (1, 1), (0, 1), (0, 0)]], "P": [[(0, 0), (0, 1), (1, 1), (1, 0.5), (0, 0.5)]],
        "E": [[(1, 0), (0, 0), (0, 1), (1, 1)], [(0, 0.5), (0.8, 0.5)]], "N": [[(0, 0), (0, 1), (1, 0), (1, 1)]],
        "B": [[(0, 0), (0, 1), (0.8, 1), (1, 0.75), (0.8, 0.5), (0, 0.5)], [(0.8, 0.5), (1, 0.25), (0.8, 0), (0, 0)]],
        "A": [[(0, 0), (0.5, 1), (1, 0)], [(0.25, 0.5), (0.75, 0.5)]], "R": [[(0, 0), (0, 1), (1, 1), (1, 0.5), (0, 0.5), (1, 0)]],
        "C": [[(1, 0), (0, 0), (0, 1), (1, 1)]], "F": [[(0, 0), (0, 1), (1, 1)], [(0, 0.5), (0.8, 0.5)]],
        "H": [[(0, 0), (0, 1)], [(1, 0), (1, 1)], [(0, 0.5), (1, 0.5)]], "T": [[(0, 1), (1, 1)], [(0.5, 1), (0.5, 0)]],
        "L": [[(0, 1), (0, 0), (1, 0)]], "I": [[(0.5, 0), (0.5, 1)]], "M": [[(0, 0), (0, 1), (0.5, 0.5), (1, 1), (1, 0)]],
    }
    out = []
    for i, ch in enumerate(word):
        for line in shapes.get(ch, []):
            out.append([(x0 + (i * 1.35 + px) * w, y0 + py * h) for px, py in line])
    return out


@asset("neon_sign", "urban", (2.4, 1.1, 0.2), "wall", synonyms="neon, neon signs, neon light, neon lights, glowing sign, lit sign, bar sign, "
       "shop sign, open sign, signboard, cyberpunk sign", indoor=True, emissive=True, light=(1.6, 0.5, 1.2))
def neon_sign(p, rng):
    col = p.color if p.color is not None else NEON_COLS[int(rng.integers(0, len(NEON_COLS)))]
    col2 = NEON_COLS[int(rng.integers(0, len(NEON_COLS)))]
    tc, tm = glow(p, on=col, off=col * 0.85, off_material="paint")
    tc2, _ = glow(p, on=col2, off=col2 * 0.85, off_material="paint")
    parts = [box((2.4, 1.05, 0.08), np.array([0.06, 0.06, 0.08]), OBJECT, "metal", True, center=(0, 0.525, -0.06), bottom=False)]
    r = 0.025
    frame = [(-1.1, 0.08), (1.1, 0.08), (1.1, 0.97), (-1.1, 0.97), (-1.1, 0.08)]
    parts.append(tube([[x, y, 0.02] for x, y in frame], r, tc2, OBJECT, 5, tm))
    word = ["OPEN", "BAR", "CAFE", "HOTEL", "RAMEN"][int(rng.integers(0, 5))]
    h = 0.55
    width = (len(word) * 1.35 - 0.35) * h * 0.62
    for line in _glyphs(word, -width / 2, 0.25, h):
        parts.append(tube([[x, y, 0.03] for x, y in line], r, tc, OBJECT, 5, tm))
    return parts


@asset("food_stall", "urban", (2.8, 2.8, 2.2), synonyms="food stand, market stall, street stall, hawker stall, stall, stalls, vendor, vendor stall, "
       "food cart, ramen stand, taco stand, hot dog stand, noodle stand, yatai, market stand, street food, night market stall",
       emissive=True, light=(1.4, 0.9, 0.5))
def food_stall(p, rng):
    col, mat = p.main(np.array([0.55, 0.36, 0.2]), "wood")
    awn = NEON_COLS[0] * 0 + np.array([[0.8, 0.15, 0.12], [0.12, 0.45, 0.25], [0.15, 0.3, 0.65], [0.9, 0.6, 0.1]])[int(rng.integers(0, 4))]
    parts = [box((2.6, 1.0, 1.0), col, OBJECT, mat, True, center=(0, 0.5, 0.4), bottom=False),
             box((2.7, 0.06, 1.15), col * 1.15, OBJECT, mat, True, center=(0, 1.03, 0.45))]
    for sx in (-1, 1):
        for z in (-0.8, 0.85):
            parts.append(box((0.08, 2.4, 0.08), col * 0.8, OBJECT, mat, True, center=(sx * 1.25, 1.2, z)))
    parts.append(box((2.7, 0.1, 1.9), col * 0.8, OBJECT, mat, True, center=(0, 2.45, 0.0)))
    for k in range(8):
        c = awn if k % 2 == 0 else WHITE
        parts += panel((-1.45 + k * 0.3625, 2.5, 1.0), (0.3625, 0, 0), (0, -0.35, 0.6), c, OBJECT, "fabric", back_color=c * 0.7)
    parts.append(box((1.8, 0.45, 0.06), np.array([0.95, 0.9, 0.75]), OBJECT, "paint", False, center=(0, 2.75, 0.96)))
    for k, x in enumerate(np.linspace(-0.75, 0.75, 4)):
        parts.append(quad((x - 0.12, 2.62, 1.0), (0.24, 0, 0), (0, 0.26, 0), np.array([0.7, 0.1, 0.08]), OBJECT, "paint"))
    for x in np.linspace(-1.0, 1.0, 5):
        parts.append(lathe([(0.1, 0), (0.12, 0.12)], vary(METAL, rng), OBJECT, 10, "metal", False, cap_top=False).transformed(translation=(x, 1.06, 0.55)))
    lc, lm = glow(p, on=(1.0, 0.35, 0.2), off=(0.85, 0.2, 0.15), off_material="paint")
    for x in (-1.1, 1.1):
        parts.append(sphere(0.16, lc, OBJECT, (x, 2.05, 1.1), 1, lm, squash=(1, 1.3, 1)))
    for x in (-0.7, 0.7):
        parts.append(cylinder(0.16, 0.16, 0.05, col, OBJECT, 10, mat, True).transformed(translation=(x, 0.62, 1.45)))
        parts.append(cylinder(0.03, 0.03, 0.62, IRON, OBJECT, 5, "metal", True).transformed(translation=(x, 0.0, 1.45)))
    return parts


@asset("kiosk", "urban", (2.2, 2.9, 2.0), synonyms="newsstand, booth, ticket booth, news stand, newspaper kiosk, kiosks, information booth, "
       "ticket office, snack kiosk", emissive=True, light=(1.2, 1.0, 0.7))
def kiosk(p, rng):
    col, mat = p.main(np.array([0.20, 0.38, 0.30]), "paint")
    parts = [box((2.0, 2.4, 1.8), col, BUILDING, mat, True, center=(0, 1.2, 0), bottom=False),
             box((2.3, 0.15, 2.1), col * 0.8, BUILDING, mat, True, center=(0, 2.55, 0.05))]
    wc, wm = glow(p, on=(1.0, 0.9, 0.65), off=GLASS)
    parts.append(quad((-0.8, 1.0, 0.93), (1.6, 0, 0), (0, 1.0, 0), wc, BUILDING, wm))
    parts.append(box((2.1, 0.05, 0.3), col * 1.1, BUILDING, mat, True, center=(0, 0.98, 1.05)))
    parts.append(box((1.8, 0.3, 0.05), np.array([0.95, 0.85, 0.3]), BUILDING, "paint", False, center=(0, 2.35, 0.93)))
    for k in range(6):
        parts.append(quad((-0.95 + 0.32 * k, 0.25, 0.935), (0.26, 0, 0), (0, 0.36, 0), vary(np.array([0.8, 0.7, 0.6]), rng, 0.3), BUILDING, "paint"))
    return parts


@asset("bus_stop", "urban", (3.2, 2.6, 1.6), synonyms="bus shelter, bus stop shelter, tram stop, bus stops, transit shelter, bus station shelter",
       emissive=True, light=(1.0, 1.0, 1.1))
def bus_stop(p, rng):
    col, mat = p.main(np.array([0.25, 0.27, 0.30]), "metal")
    glass = np.array([0.55, 0.66, 0.70])
    parts = [box((3.0, 0.08, 1.5), col, OBJECT, mat, True, center=(0, 2.4, 0))]
    for sx in (-1, 1):
        for z in (-0.65, 0.65):
            parts.append(box((0.07, 2.4, 0.07), col, OBJECT, mat, True, center=(sx * 1.45, 1.2, z)))
        parts.append(quad((sx * 1.45, 0.2, -0.65 if sx > 0 else 0.6), (0, 0, 1.25) if sx > 0 else (0, 0, -1.25), (0, 2.0, 0), glass, OBJECT, "glass", True))
    parts.append(quad((-1.4, 0.2, -0.66), (2.8, 0, 0), (0, 2.0, 0), glass, OBJECT, "glass", True))
    ac, am = glow(p, on=(0.9, 0.95, 1.0), off=(0.85, 0.35, 0.2), off_material="paint")
    parts.append(quad((0.5, 0.5, -0.62), (0.8, 0, 0), (0, 1.4, 0), ac, OBJECT, am))
    parts.append(box((1.6, 0.05, 0.4), WOOD, OBJECT, "wood", True, center=(-0.5, 0.48, -0.4)))
    for x in (-1.1, 0.1):
        parts.append(box((0.05, 0.46, 0.3), IRON, OBJECT, "metal", True, center=(x, 0.23, -0.4)))
    parts.append(tube([[1.7, 0, 0.6], [1.7, 2.8, 0.6]], 0.04, IRON, OBJECT, 5, "metal", True))
    parts.append(cylinder(0.25, 0.25, 0.03, np.array([0.1, 0.3, 0.75]), OBJECT, 16, "paint", False).transformed(
        np.array([[1, 0, 0], [0, 0, -1], [0, 1, 0]], dtype=float), (1.7, 2.55, 0.63)))
    return parts


@asset("traffic_light", "urban", (0.5, 3.6, 0.5), synonyms="traffic lights, stoplight, stoplights, traffic signal, traffic signals, stop light, "
       "signal light", emissive=True, light=(1.5, 0.25, 0.15))
def traffic_light(p, rng):
    col, mat = p.main(np.array([0.16, 0.17, 0.16]), "metal")
    parts = [cylinder(0.08, 0.07, 3.5, col, OBJECT, 8, mat, True, name="pole"),
             box((0.36, 1.0, 0.3), col, OBJECT, mat, True, center=(0, 3.0, 0.1))]
    on = 0 if p.has("red", "stop") or not p.has("green", "go") else 2
    for k, c in enumerate(((0.95, 0.12, 0.08), (0.98, 0.7, 0.1), (0.15, 0.9, 0.3))):
        c = np.array(c)
        lit = k == on
        lc, lm = (c, "emissive") if (p.lit and lit) else ((c if lit else c * 0.3), "paint")
        y = 3.32 - 0.31 * k
        parts.append(disc(0.1, 0.0, lc, OBJECT, 12, lm).transformed(np.array([[1, 0, 0], [0, 0, -1], [0, 1, 0]], dtype=float), (0, y, 0.26)))
        parts.append(box((0.26, 0.03, 0.14), col, OBJECT, mat, False, center=(0, y + 0.12, 0.32)))
    return parts


@asset("fire_hydrant", "urban", (0.45, 0.8, 0.45), synonyms="hydrant, fire hydrants, fireplug, fire plug, hydrants")
def fire_hydrant(p, rng):
    col, mat = p.main(np.array([0.80, 0.12, 0.08]), "paint")
    parts = [lathe([(0.17, 0.0), (0.17, 0.06), (0.12, 0.08), (0.12, 0.55), (0.15, 0.58), (0.14, 0.63), (0.08, 0.72), (0.03, 0.78)], col, OBJECT, 12, mat,
                   True, cap_top=True, name="hydrant")]
    for a in (0.0, math.pi):
        parts.append(cylinder(0.05, 0.05, 0.1, col * 0.9, OBJECT, 8, mat, False).transformed(np.array([[0, 1, 0], [-1, 0, 0], [0, 0, 1]], dtype=float) @ rot_y(0), (0, 0.42, 0)).transformed(rot_y(a), (0, 0, 0)))
    parts.append(cylinder(0.07, 0.07, 0.12, col * 0.9, OBJECT, 8, mat, False).transformed(np.array([[1, 0, 0], [0, 0, -1], [0, 1, 0]], dtype=float), (0, 0.4, 0.1)))
    return parts


@asset("post_box", "urban", (0.6, 1.5, 0.6), synonyms="mailbox, mail box, postbox, letterbox, letter box, pillar box, post boxes, mailboxes")
def post_box(p, rng):
    col, mat = p.main(np.array([0.78, 0.08, 0.06]), "paint")
    prof = [(0.3, 0.0), (0.3, 0.12), (0.26, 0.16), (0.26, 1.2), (0.3, 1.24), (0.3, 1.3)] + [(0.3 * math.cos(a), 1.3 + 0.18 * math.sin(a)) for a in
                                                                                            np.linspace(0.3, math.pi / 2, 4)]
    parts = [lathe(prof, col, OBJECT, 16, mat, True, cap_top=False, name="postbox")]
    parts.append(lathe([(0.31, 0.0), (0.31, 0.1)], BLACK, OBJECT, 16, "paint", False))
    parts.append(quad((-0.12, 1.05, 0.285), (0.24, 0, 0), (0, 0.04, 0), BLACK, OBJECT, "plain"))
    parts.append(quad((-0.08, 0.75, 0.285), (0.16, 0, 0), (0, 0.12, 0), WHITE, OBJECT, "paint"))
    return parts


@asset("trash_can", "urban", (0.6, 1.0, 0.6), synonyms="trash bin, garbage can, rubbish bin, litter bin, bin, bins, waste bin, trash cans, "
       "garbage bin, wastebasket, trashcan", indoor=True)
def trash_can(p, rng):
    col, mat = p.main(np.array([0.22, 0.32, 0.24]), "metal")
    body = lathe([(0.25, 0.0), (0.28, 0.9)], col, OBJECT, 14, mat, True, cap_top=False, name="bin")
    ang = np.arctan2(body.vertices[:, 2], body.vertices[:, 0])
    body.ao = 0.85 + 0.15 * np.cos(ang * 14)
    return [body, lathe([(0.3, 0.9), (0.3, 0.94), (0.15, 0.98), (0.0, 0.99)], col * 0.85, OBJECT, 14, mat, True, cap_top=False)]


@asset("dumpster", "urban", (2.0, 1.5, 1.3), synonyms="dumpsters, waste container, garbage container, trash container, skip bin")
def dumpster(p, rng):
    col, mat = p.main(np.array([0.15, 0.38, 0.22]), "metal")
    parts = [box((1.9, 1.2, 1.2), col, OBJECT, mat, True, center=(0, 0.75, 0), bottom=False),
             box((2.0, 0.1, 1.3), col * 0.8, OBJECT, mat, True, center=(0, 1.02, 0))]
    for sx in (-1, 1):
        parts += panel((sx * 0.95 - (0.95 if sx > 0 else 0), 1.38, -0.65), (0.95, 0, 0), (0, 0.1, 1.3), BLACK * 3, OBJECT, "plain")
    for sx in (-1, 1):
        for sz in (-1, 1):
            parts += [cylinder(0.08, 0.08, 0.06, BLACK, OBJECT, 8, "plain", True).transformed(np.array([[0, 1, 0], [-1, 0, 0], [0, 0, 1]], dtype=float),
                                                                                            (sx * 0.7 - 0.03, 0.08, sz * 0.45))]
    return parts


@asset("phone_booth", "urban", (1.0, 2.6, 1.0), synonyms="telephone booth, phone box, telephone box, red phone box, call box, phone booths",
       emissive=True, light=(1.0, 0.9, 0.7))
def phone_booth(p, rng):
    col, mat = p.main(np.array([0.78, 0.08, 0.06]), "paint")
    parts = [box((1.0, 0.1, 1.0), col, BUILDING, mat, True, center=(0, 0.05, 0), bottom=False),
             box((0.9, 2.25, 0.9), col, BUILDING, mat, True, center=(0, 1.2, 0)),
             box((1.0, 0.2, 1.0), col, BUILDING, mat, True, center=(0, 2.4, 0))]
    parts.append(lathe([(0.5, 2.5), (0.3, 2.6), (0.0, 2.62)], col, BUILDING, 4, mat, True).transformed(rot_y(math.pi / 4)))
    wc, wm = glow(p, on=(1.0, 0.9, 0.7), off=GLASS * 0.8)
    sc, sm = glow(p, on=(1.0, 1.0, 0.95), off=(0.92, 0.92, 0.9), off_material="paint")
    for a in range(4):
        R = rot_y(a * math.pi / 2)
        for i in range(3):
            for j in range(6):
                parts.append(quad(R @ np.array([-0.33 + i * 0.23, 0.85 + j * 0.21, 0.48]), R @ np.array([0.2, 0, 0]), [0, 0.18, 0], wc, BUILDING, wm))
        parts.append(quad(R @ np.array([-0.35, 2.2, 0.48]), R @ np.array([0.7, 0, 0]), [0, 0.14, 0], sc, BUILDING, sm))
    return parts


@asset("vending_machine", "urban", (1.0, 1.9, 0.8), synonyms="vending machines, drinks machine, soda machine, snack machine, drink machine",
       indoor=True, emissive=True, light=(0.8, 0.9, 1.1))
def vending_machine(p, rng):
    col, mat = p.main(np.array([0.80, 0.10, 0.10]), "paint")
    parts = [box((1.0, 1.85, 0.75), col, OBJECT, mat, True, center=(0, 0.925, 0), bottom=False)]
    wc, wm = glow(p, on=(0.9, 0.95, 1.0), off=(0.7, 0.75, 0.78), off_material="glass")
    parts.append(quad((-0.42, 0.75, 0.40), (0.62, 0, 0), (0, 0.95, 0), wc, OBJECT, wm))
    for j in range(4):
        for i in range(5):
            c = vary(np.array([[0.9, 0.2, 0.1], [0.1, 0.4, 0.8], [0.95, 0.8, 0.1], [0.2, 0.7, 0.3]])[(i + j) % 4], rng, 0.1)
            parts.append(quad((-0.39 + i * 0.115, 0.82 + j * 0.23, 0.415), (0.08, 0, 0), (0, 0.15, 0), c, OBJECT, "paint"))
    parts.append(quad((0.26, 1.0, 0.40), (0.12, 0, 0), (0, 0.4, 0), BLACK, OBJECT, "plain"))
    parts.append(quad((-0.35, 0.2, 0.40), (0.7, 0, 0), (0, 0.22, 0), BLACK, OBJECT, "plain"))
    return parts


@asset("parking_meter", "urban", (0.3, 1.5, 0.3), synonyms="parking meters, pay station, parking machine")
def parking_meter(p, rng):
    col, mat = p.main(np.array([0.55, 0.56, 0.58]), "metal")
    return [cylinder(0.04, 0.04, 1.15, IRON, OBJECT, 6, "metal", True),
            box((0.22, 0.32, 0.16), col, OBJECT, mat, True, center=(0, 1.3, 0)),
            lathe([(0.11, 1.46), (0.06, 1.5)], col, OBJECT, 8, mat, True),
            quad((-0.07, 1.3, 0.10), (0.14, 0, 0), (0, 0.1, 0), GLASS, OBJECT, "glass")]


@asset("traffic_cone", "urban", (0.4, 0.75, 0.4), synonyms="traffic cones, cone, cones, safety cone, road cone", indoor=True)
def traffic_cone(p, rng):
    col, mat = p.main(np.array([0.98, 0.42, 0.05]), "paint")
    parts = [box((0.4, 0.04, 0.4), col * 0.8, OBJECT, mat, True, center=(0, 0.02, 0), bottom=False)]
    for k, (y0, y1) in enumerate(((0.04, 0.3), (0.3, 0.42), (0.42, 0.55), (0.55, 0.72))):
        r0, r1 = 0.16 - 0.18 * y0, 0.16 - 0.18 * y1
        parts.append(lathe([(r0, y0), (r1, y1)], WHITE if k == 2 else col, OBJECT, 12, mat, True, cap_top=(k == 3)))
    return parts


@asset("bollards", "urban", (2.4, 0.9, 0.3), synonyms="bollard, posts, barrier posts, traffic posts")
def bollards(p, rng):
    col, mat = p.main(np.array([0.2, 0.2, 0.22]), "metal")
    parts = []
    for x in (-1.0, 0.0, 1.0):
        parts.append(lathe([(0.11, 0.0), (0.1, 0.8), (0.06, 0.88), (0.0, 0.9)], col, OBJECT, 10, mat, True, cap_top=False).transformed(translation=(x, 0, 0)))
        parts.append(lathe([(0.105, 0.65), (0.105, 0.72)], np.array([0.9, 0.8, 0.2]), OBJECT, 10, "paint", False).transformed(translation=(x, 0, 0)))
    return parts


@asset("billboard", "urban", (6.4, 7.0, 0.8), synonyms="billboards, advertisement, advertising board, ad board, hoarding, poster board, "
       "giant screen", emissive=True, light=(2.0, 2.0, 2.0))
def billboard(p, rng):
    col, mat = p.main(np.array([0.25, 0.26, 0.28]), "metal")
    parts = []
    for x in (-1.8, 1.8):
        parts.append(box((0.3, 4.2, 0.3), col, OBJECT, mat, True, center=(x, 2.1, -0.2)))
    parts.append(box((6.4, 3.0, 0.25), col, OBJECT, mat, True, center=(0, 5.5, -0.2)))
    ad_mat = "emissive" if p.lit else "paint"
    c1, c2 = vary(np.array([0.95, 0.75, 0.2]), rng, 0.3), vary(np.array([0.15, 0.45, 0.85]), rng, 0.3)
    parts.append(quad((-3.05, 4.15, -0.06), (6.1, 0, 0), (0, 2.7, 0), c1, OBJECT, ad_mat))
    parts.append(quad((-3.05, 4.15, -0.05), (3.2, 0, 0), (0, 2.7, 0), c2, OBJECT, ad_mat))
    parts.append(disc(0.8, 0.0, np.array([0.95, 0.95, 0.9]), OBJECT, 16, ad_mat).transformed(np.array([[1, 0, 0], [0, 0, -1], [0, 1, 0]], dtype=float), (1.5, 5.5, -0.04)))
    parts.append(box((6.2, 0.08, 0.7), IRON, OBJECT, "metal", False, center=(0, 4.0, 0.2)))
    return parts


@asset("street_sign", "urban", (0.8, 2.6, 0.2), synonyms="stop sign, road sign, traffic sign, street signs, sign, signs, road signs, "
       "warning sign, yield sign, street name sign")
def street_sign(p, rng):
    col, mat = p.main(np.array([0.80, 0.08, 0.08]), "paint")
    a = np.linspace(0, 2 * math.pi, 8, endpoint=False) + math.pi / 8
    octagon = [(math.cos(t) * 0.38, math.sin(t) * 0.38) for t in a]
    parts = [cylinder(0.03, 0.03, 2.6, METAL, OBJECT, 6, "metal", True),
             extrude(octagon, 0.03, col, OBJECT, mat, False).transformed(translation=(0, 2.15, 0.05)),
             extrude([(x * 0.86, y * 0.86) for x, y in octagon], 0.01, WHITE, OBJECT, "paint", False).transformed(translation=(0, 2.15, 0.062)),
             extrude([(x * 0.78, y * 0.78) for x, y in octagon], 0.01, col, OBJECT, mat, False).transformed(translation=(0, 2.15, 0.07))]
    parts.append(box((0.45, 0.05, 0.015), WHITE, OBJECT, "paint", False, center=(0, 2.15, 0.08)))
    return parts


@asset("bicycle_rack", "urban", (2.4, 1.1, 1.9), synonyms="parked bicycles, parked bikes, bike rack, bicycle rack, bicycle parking, bike parking, "
       "row of bicycles, bikes parked")
def bicycle_rack(p, rng):
    from .vehicles import bicycle_parts
    parts = []
    for k, x in enumerate((-0.8, 0.0, 0.8)):
        parts.append(tube([[x - 0.05, 0, -0.2], [x - 0.05, 0.7, -0.2], [x - 0.05, 0.7, 0.2], [x - 0.05, 0, 0.2]], 0.025, METAL, OBJECT, 5, "metal", True))
        col = p.color if p.color is not None else np.array([[0.7, 0.1, 0.1], [0.1, 0.3, 0.6], [0.15, 0.15, 0.15], [0.2, 0.5, 0.25]])[int(rng.integers(0, 4))]
        parts += [q.transformed(translation=(x + 0.12, 0, 0)) for q in bicycle_parts(col)]
    return parts


@asset("utility_pole", "urban", (2.2, 9.0, 0.4), synonyms="telephone pole, power pole, electric pole, power line, power lines, telegraph pole, "
       "utility poles, electricity pole, pylon pole")
def utility_pole(p, rng):
    col, mat = p.main(np.array([0.36, 0.28, 0.20]), "wood")
    parts = [cylinder(0.14, 0.11, 9.0, col, OBJECT, 8, mat, True, name="pole"),
             box((2.0, 0.12, 0.12), col, OBJECT, mat, False, center=(0, 8.3, 0))]
    for x in (-0.9, -0.35, 0.35, 0.9):
        parts.append(cylinder(0.04, 0.03, 0.16, np.array([0.7, 0.75, 0.7]), OBJECT, 6, "glass", False).transformed(translation=(x, 8.36, 0)))
    parts.append(cylinder(0.25, 0.25, 0.7, np.array([0.5, 0.52, 0.5]), OBJECT, 10, "metal", False, cap_bottom=True).transformed(translation=(0, 6.6, 0.35)))
    for x in (-0.9, 0.9):
        parts.append(tube([[x, 8.5, -1.5], [x, 8.3, 0], [x, 8.5, 1.5]] if False else [[x, 8.52, 0.0], [x, 8.45, 0.2]], 0.01, BLACK, OBJECT, 3, "plain"))
    return parts


@asset("planter", "urban", (1.2, 1.6, 1.2), synonyms="planters, plant box, tree planter, concrete planter, planter box, flower pot large")
def planter(p, rng):
    col, mat = p.main(np.array([0.62, 0.61, 0.58]), "concrete")
    parts = [box((1.2, 0.6, 1.2), col, OBJECT, mat, True, center=(0, 0.3, 0), bottom=False),
             box((1.05, 0.02, 1.05), np.array([0.25, 0.18, 0.12]), OBJECT, "plain", False, center=(0, 0.59, 0))]
    from .plants import bush
    parts += [q.transformed(translation=(0, 0.5, 0)) for q in bush(1.0, seed(rng), np.array([0.22, 0.42, 0.16]))]
    return parts
