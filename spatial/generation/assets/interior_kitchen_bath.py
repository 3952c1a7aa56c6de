"""Kitchen, bathroom and bedroom furniture: stove, fridge, counter, sink, microwave, washing machine,
bathtub, toilet, shower, bathroom sink, mirror, wardrobe, dresser, nightstand."""

from __future__ import annotations


import numpy as np

from ..mesh import box, cylinder, lathe, quad
from ._common import BLACK, FURN, METAL, WOOD, glow
from .registry import asset
from .shapes import disc, loft, section, sphere, tube

STEEL = np.array([0.72, 0.73, 0.75])
CERAMIC = np.array([0.94, 0.94, 0.93])
CAB = np.array([0.86, 0.84, 0.78])
TOP = np.array([0.30, 0.30, 0.32])


def handle(x: float, y: float, z: float, length: float = 0.15, vertical: bool = False, col=METAL) -> object:
    size = (0.02, length, 0.02) if vertical else (length, 0.02, 0.02)
    return box(size, col, FURN, "metal", False, center=(x, y, z + 0.025))


def cabinet_run(w: float, d: float, col, mat, doors: int, top=TOP) -> list:
    """Base cabinets (0.9 m) with a worktop, a plinth, door seams and handles; front at +d/2."""
    parts = [box((w, 0.82, d - 0.03), col, FURN, mat, True, center=(0, 0.51, -0.015), bottom=False),
             box((w - 0.04, 0.1, d - 0.08), BLACK * 2, FURN, "plain", True, center=(0, 0.05, -0.04), bottom=False),
             box((w + 0.02, 0.04, d + 0.02), top, FURN, "concrete", True, center=(0, 0.94, 0))]
    dw = w / doors
    for k in range(doors):
        x = -w / 2 + dw * (k + 0.5)
        parts.append(quad((x - dw / 2 + 0.01, 0.12, d / 2 - 0.015 + 0.02), (dw - 0.02, 0, 0), (0, 0.56, 0), col * 0.96, FURN, mat))
        parts.append(quad((x - dw / 2 + 0.01, 0.7, d / 2 - 0.015 + 0.02), (dw - 0.02, 0, 0), (0, 0.18, 0), col * 0.98, FURN, mat))
        parts.append(handle(x, 0.78, d / 2 - 0.015))
        parts.append(handle(x + dw * 0.35, 0.6, d / 2 - 0.015, 0.12, True))
    seam = np.asarray(col) * 0.45
    z = d / 2 - 0.015 + 0.03
    for k in range(1, doors):
        parts.append(quad((-w / 2 + dw * k - 0.008, 0.1, z), (0.016, 0, 0), (0, 0.8, 0), seam, FURN, "plain"))
    parts.append(quad((-w / 2, 0.685, z), (w, 0, 0), (0, 0.014, 0), seam, FURN, "plain"))
    return parts


@asset("stove", "interior", (0.8, 1.0, 0.7), synonyms="oven, cooker, kitchen stove, gas stove, stoves, ovens, cooktop, hob, kitchen range, "
       "wood stove", indoor=True, outdoor=False, emissive=True, light=(1.0, 0.5, 0.2))
def stove(p, rng):
    col, mat = p.main(np.array([0.88, 0.88, 0.88]), "metal")
    parts = [box((0.76, 0.9, 0.66), col, FURN, mat, True, center=(0, 0.45, 0), bottom=False),
             box((0.76, 0.03, 0.66), BLACK * 2, FURN, "glass", True, center=(0, 0.915, 0)),
             box((0.76, 0.16, 0.06), col * 0.95, FURN, mat, True, center=(0, 1.0, -0.3))]
    wc, wm = glow(p, on=(1.0, 0.55, 0.2), off=BLACK * 2)
    parts.append(quad((-0.28, 0.22, 0.355), (0.56, 0, 0), (0, 0.38, 0), wc, FURN, wm))
    parts.append(box((0.6, 0.03, 0.03), STEEL, FURN, "metal", False, center=(0, 0.68, 0.37)))
    bc, bm = glow(p, on=(1.0, 0.35, 0.1), off=np.array([0.12, 0.12, 0.13]), off_material="metal")
    for x in (-0.18, 0.18):
        for z in (-0.15, 0.15):
            parts.append(lathe([(0.1, 0.935), (0.11, 0.94)], bc, FURN, 12, bm, False, cap_top=False).transformed(translation=(x, 0, z)))
    for x in np.linspace(-0.28, 0.28, 5):
        parts.append(cylinder(0.02, 0.02, 0.03, BLACK, FURN, 8, "plain", False).transformed(
            np.array([[1, 0, 0], [0, 0, -1], [0, 1, 0]], dtype=float), (x, 0.8, 0.33)))
    return parts


@asset("fridge", "interior", (0.8, 1.9, 0.72), synonyms="refrigerator, refrigerators, fridges, freezer, icebox, fridge freezer", indoor=True,
       outdoor=False)
def fridge(p, rng):
    col, mat = p.main(np.array([0.90, 0.90, 0.90]), "metal")
    parts = [box((0.78, 1.85, 0.68), col, FURN, mat, True, center=(0, 0.925, 0), bottom=False)]
    parts.append(box((0.78, 0.015, 0.02), col * 0.6, FURN, "plain", False, center=(0, 1.25, 0.345)))
    parts.append(box((0.03, 0.45, 0.04), STEEL * 0.8, FURN, "metal", False, center=(0.3, 1.55, 0.36)))
    parts.append(box((0.03, 0.55, 0.04), STEEL * 0.8, FURN, "metal", False, center=(0.3, 0.9, 0.36)))
    return parts


@asset("kitchen_counter", "interior", (2.4, 0.95, 0.62), synonyms="counter, counters, countertop, countertops, kitchen cabinets, worktop, kitchen "
       "counters, kitchen unit, kitchen island, cupboards, cupboard", indoor=True, outdoor=False)
def kitchen_counter(p, rng):
    col, mat = p.main(CAB, "paint")
    parts = cabinet_run(2.4, 0.62, col, mat, 4)
    parts.append(lathe([(0.09, 0.96), (0.11, 1.12), (0.1, 1.15)], np.array([0.8, 0.3, 0.2]), FURN, 10, "paint", False).transformed(translation=(-0.7, 0, 0)))
    parts.append(box((0.35, 0.02, 0.25), WOOD, FURN, "wood", False, center=(0.5, 0.97, 0.05)))
    return parts


@asset("kitchen_sink", "interior", (1.2, 1.25, 0.62), synonyms="sink, sinks, kitchen sinks, basin sink, washing up sink", indoor=True, outdoor=False)
def kitchen_sink(p, rng):
    col, mat = p.main(CAB, "paint")
    parts = cabinet_run(1.2, 0.62, col, mat, 2)
    parts.append(box((0.7, 0.01, 0.42), STEEL * 0.85, FURN, "metal", False, center=(0, 0.965, 0.02)))
    parts.append(box((0.62, 0.01, 0.36), STEEL * 0.55, FURN, "metal", False, center=(0, 0.97, 0.02)))
    parts.append(tube([[0, 0.96, -0.24], [0, 1.25, -0.24], [0, 1.28, -0.12], [0, 1.18, -0.02]], 0.015, STEEL, FURN, 6, "metal"))
    return parts


@asset("microwave", "interior", (0.5, 0.3, 0.38), "table_top", synonyms="microwave oven, microwaves, toaster oven", indoor=True, outdoor=False)
def microwave(p, rng):
    col, mat = p.main(np.array([0.85, 0.85, 0.86]), "metal")
    return [box((0.5, 0.3, 0.38), col, FURN, mat, True, center=(0, 0.15, 0), bottom=False),
            quad((-0.22, 0.05, 0.2), (0.32, 0, 0), (0, 0.2, 0), BLACK * 2, FURN, "glass"),
            quad((0.13, 0.05, 0.2), (0.09, 0, 0), (0, 0.2, 0), np.array([0.3, 0.3, 0.32]), FURN, "plain")]


@asset("washing_machine", "interior", (0.6, 0.85, 0.6), synonyms="washer, washing machines, laundry machine, dryer, tumble dryer, dishwasher",
       indoor=True, outdoor=False)
def washing_machine(p, rng):
    col, mat = p.main(np.array([0.94, 0.94, 0.94]), "paint")
    return [box((0.6, 0.85, 0.58), col, FURN, mat, True, center=(0, 0.425, 0), bottom=False),
            cylinder(0.2, 0.2, 0.03, np.array([0.6, 0.62, 0.65]), FURN, 16, "metal", False).transformed(
                np.array([[1, 0, 0], [0, 0, -1], [0, 1, 0]], dtype=float), (0, 0.45, 0.29)),
            disc(0.15, 0.0, np.array([0.2, 0.25, 0.3]), FURN, 16, "glass").transformed(np.array([[1, 0, 0], [0, 0, -1], [0, 1, 0]], dtype=float), (0, 0.45, 0.33)),
            quad((-0.28, 0.74, 0.295), (0.56, 0, 0), (0, 0.08, 0), np.array([0.75, 0.76, 0.78]), FURN, "metal")]


@asset("bathtub", "interior", (0.85, 0.75, 1.75), synonyms="bath, bath tub, tub, clawfoot tub, bathtubs, baths, hot tub, jacuzzi", indoor=True,
       outdoor=False)
def bathtub(p, rng):
    col, mat = p.main(CERAMIC, "paint")
    secs = [section(w, 0.5, z, 0.15, 16, 0.75) for z, w in ((-0.85, 0.6), (-0.8, 0.8), (0.6, 0.82), (0.82, 0.7), (0.86, 0.5))]
    tub = loft(secs, col, FURN, mat, True, name="tub")
    parts = [tub, disc(0.3, 0.66, np.array([0.6, 0.75, 0.82]), FURN, 16, "glass", squash=(1.2, 2.6))]
    for sx in (-1, 1):
        for z in (-0.65, 0.65):
            parts.append(sphere(0.07, np.array([0.8, 0.65, 0.3]), FURN, (sx * 0.3, 0.07, z), 1, "metal", True))
    parts.append(tube([[0, 0.62, -0.8], [0, 0.85, -0.8], [0, 0.85, -0.66]], 0.02, STEEL, FURN, 6, "metal"))
    return parts


@asset("toilet", "interior", (0.45, 0.8, 0.7), synonyms="toilets, wc, lavatory, loo, commode, water closet", indoor=True, outdoor=False)
def toilet(p, rng):
    col, mat = p.main(CERAMIC, "paint")
    bowl = loft([section(w, 0.12, z, y, 12, 0.9) for z, y, w in ((-0.12, 0.0, 0.22), (-0.1, 0.25, 0.36), (0.2, 0.28, 0.38), (0.3, 0.25, 0.3),
                                                                  (0.32, 0.05, 0.2))], col, FURN, mat, True)
    parts = [bowl, box((0.2, 0.3, 0.3), col, FURN, mat, True, center=(0, 0.15, -0.05), bottom=False),
             disc(0.19, 0.41, col * 0.97, FURN, 16, mat, center=(0, 0.08), squash=(1.0, 1.25)),
             box((0.42, 0.38, 0.18), col, FURN, mat, True, center=(0, 0.6, -0.22)),
             box((0.44, 0.03, 0.2), col * 0.97, FURN, mat, True, center=(0, 0.8, -0.22))]
    return parts


@asset("shower", "interior", (0.95, 2.2, 0.95), synonyms="shower cubicle, shower stall, showers, shower cabin, shower enclosure", indoor=True,
       outdoor=False)
def shower(p, rng):
    col, mat = p.main(np.array([0.70, 0.82, 0.86]), "glass")
    parts = [box((0.9, 0.08, 0.9), CERAMIC, FURN, "paint", True, center=(0, 0.04, 0), bottom=False)]
    for (c, u) in (((-0.45, 0.08, 0.45), (0.9, 0, 0)), ((0.45, 0.08, 0.45), (0, 0, -0.9)), ((-0.45, 0.08, -0.45), (0, 0, 0.9))):
        parts.append(quad(c, u, (0, 1.95, 0), col, FURN, mat, True))
    parts.append(quad((-0.45, 0.08, -0.45), (0.9, 0, 0), (0, 2.1, 0), np.array([0.9, 0.9, 0.88]), FURN, "paint", True))
    parts.append(tube([[0, 1.0, -0.43], [0, 2.05, -0.43], [0, 2.1, -0.25]], 0.015, STEEL, FURN, 6, "metal"))
    parts.append(cylinder(0.1, 0.1, 0.03, STEEL, FURN, 12, "metal", False).transformed(translation=(0, 2.05, -0.22)))
    for x in (-0.45, 0.45):
        parts.append(box((0.03, 2.0, 0.03), STEEL, FURN, "metal", False, center=(x, 1.08, 0.45)))
    return parts


@asset("bathroom_sink", "interior", (0.7, 1.0, 0.5), synonyms="washbasin, wash basin, vanity, vanity unit, bathroom sinks, lavabo, hand basin, "
       "pedestal sink", indoor=True, outdoor=False)
def bathroom_sink(p, rng):
    col, mat = p.main(CERAMIC, "paint")
    parts = [lathe([(0.1, 0.0), (0.07, 0.1), (0.06, 0.7)], col, FURN, 12, mat, True, cap_top=False),
             lathe([(0.06, 0.7), (0.3, 0.78), (0.32, 0.86), (0.27, 0.86), (0.05, 0.78)], col, FURN, 16, mat, True, cap_top=False)]
    parts[1].vertices[:, 2] *= 0.7
    parts.append(tube([[0, 0.86, -0.2], [0, 1.0, -0.2], [0, 1.0, -0.1]], 0.015, STEEL, FURN, 6, "metal"))
    return parts


@asset("mirror", "interior", (0.7, 1.0, 0.06), "wall", synonyms="mirrors, wall mirror, bathroom mirror, looking glass, vanity mirror", indoor=True,
       outdoor=False, collider=False)
def mirror(p, rng):
    col, mat = p.main(np.array([0.55, 0.45, 0.25]), "wood")
    return [box((0.7, 1.0, 0.04), col, FURN, mat, False, center=(0, 0.5, 0), bottom=False),
            quad((-0.3, 0.08, 0.025), (0.6, 0, 0), (0, 0.84, 0), np.array([0.72, 0.8, 0.85]), FURN, "glass")]


@asset("wardrobe", "interior", (1.2, 2.1, 0.6), synonyms="closet, armoire, wardrobes, closets, clothes cabinet, cupboard tall, linen cupboard",
       indoor=True, outdoor=False)
def wardrobe(p, rng):
    col, mat = p.main(np.array([0.45, 0.30, 0.18]), "wood")
    parts = [box((1.2, 2.0, 0.58), col, FURN, mat, True, center=(0, 1.05, 0), bottom=False),
             box((1.26, 0.08, 0.62), col * 0.8, FURN, mat, True, center=(0, 2.06, 0)),
             box((1.16, 0.1, 0.56), col * 0.7, FURN, mat, True, center=(0, 0.05, 0), bottom=False)]
    for x in (-0.3, 0.3):
        parts.append(quad((x - 0.27, 0.2, 0.305), (0.54, 0, 0), (0, 1.7, 0), col * 1.08, FURN, mat))
        parts.append(quad((x - 0.2, 0.3, 0.31), (0.4, 0, 0), (0, 1.5, 0), col * 0.92, FURN, mat))
    for x in (-0.05, 0.05):
        parts.append(sphere(0.025, np.array([0.8, 0.65, 0.3]), FURN, (x, 1.1, 0.33), 1, "metal"))
    return parts


@asset("dresser", "interior", (1.1, 0.9, 0.5), synonyms="chest of drawers, dressers, drawers, bureau, commode chest, sideboard, cabinet drawers",
       indoor=True, outdoor=False)
def dresser(p, rng):
    col, mat = p.main(np.array([0.55, 0.38, 0.24]), "wood")
    parts = [box((1.1, 0.82, 0.48), col, FURN, mat, True, center=(0, 0.47, 0), bottom=False),
             box((1.14, 0.04, 0.52), col * 0.85, FURN, mat, True, center=(0, 0.9, 0))]
    for k in range(4):
        y = 0.15 + k * 0.19
        parts.append(quad((-0.52, y, 0.245), (1.04, 0, 0), (0, 0.17, 0), col * 1.07, FURN, mat))
        parts.append(handle(0, y + 0.085, 0.245, 0.14))
    for x in (-0.5, 0.5):
        parts.append(box((0.05, 0.08, 0.05), col * 0.7, FURN, mat, True, center=(x, 0.04, 0.2)))
    return parts


@asset("nightstand", "interior", (0.5, 0.6, 0.4), synonyms="bedside table, night stand, nightstands, night table, end table", indoor=True,
       outdoor=False)
def nightstand(p, rng):
    col, mat = p.main(np.array([0.50, 0.34, 0.20]), "wood")
    return [box((0.5, 0.5, 0.4), col, FURN, mat, True, center=(0, 0.3, 0), bottom=False),
            box((0.52, 0.03, 0.42), col * 0.85, FURN, mat, True, center=(0, 0.565, 0)),
            quad((-0.22, 0.35, 0.205), (0.44, 0, 0), (0, 0.18, 0), col * 1.08, FURN, mat),
            handle(0, 0.44, 0.205, 0.1)]
