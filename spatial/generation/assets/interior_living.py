"""Living-room, library and hall pieces: fireplace, piano, reading lamp, desk lamp, chandelier, ceiling lamp,
painting, grandfather clock, wall clock, vase, candles, globe, aquarium, books, curtains."""

from __future__ import annotations

import math

import numpy as np

from ..mesh import blob, box, cylinder, lathe, quad, rot_y
from ._common import BLACK, DARK_WOOD, FURN, GLASS, OBJECT, VEG, WATER, glow, seed, vary, flame
from .registry import asset
from .shapes import disc, sphere, torus, tube

BRASS = np.array([0.78, 0.62, 0.28])


@asset("fireplace", "interior", (1.9, 1.5, 0.7), "wall", synonyms="hearth, fire place, fireplaces, open fire, stone fireplace, brick fireplace, "
       "chimney piece, mantelpiece", indoor=True, outdoor=False, emissive=True, light=(3.0, 1.6, 0.6))
def fireplace(p, rng):
    col, mat = p.main(np.array([0.62, 0.34, 0.24]), "brick")
    parts = [box((0.45, 1.15, 0.6), col, FURN, mat, True, center=(x, 0.575, 0), bottom=False) for x in (-0.72, 0.72)]
    parts.append(box((1.9, 0.35, 0.6), col, FURN, mat, True, center=(0, 1.0, 0)))
    parts.append(box((2.05, 0.08, 0.72), DARK_WOOD, FURN, "wood", True, center=(0, 1.22, 0.04)))
    parts.append(box((1.0, 0.82, 0.05), BLACK * 1.5, FURN, "plain", True, center=(0, 0.41, -0.27)))
    parts.append(box((1.9, 0.05, 0.8), np.array([0.45, 0.43, 0.4]), FURN, "rock", True, center=(0, 0.025, 0.15), bottom=False))
    for k in range(3):
        parts.append(cylinder(0.06, 0.06, 0.7, np.array([0.35, 0.24, 0.15]), FURN, 6, "bark", False).transformed(
            np.array([[0, 1, 0], [-1, 0, 0], [0, 0, 1]], dtype=float) @ rot_y(0), (-0.35, 0.1 + 0.08 * (k == 2), -0.1 + 0.1 * k - 0.05 * (k == 2))))
    for k in range(3):
        parts.append(flame((rng.uniform(-0.2, 0.2), 0.15, rng.uniform(-0.12, 0.05)), rng.uniform(0.3, 0.45), p, rng))
    parts.append(lathe([(0.06, 1.26), (0.08, 1.4), (0.05, 1.45)], np.array([0.3, 0.4, 0.6]), OBJECT, 8, "paint", False).transformed(translation=(0.6, 0, 0)))
    return parts


@asset("piano", "interior", (1.5, 1.3, 1.9), synonyms="grand piano, pianos, concert piano, baby grand, keyboard instrument, upright piano",
       indoor=True, outdoor=False)
def piano(p, rng):
    col, mat = p.main(np.array([0.04, 0.04, 0.05]), "paint")
    a = np.linspace(0, math.pi, 12)
    outline = [(-0.72, 0.8), (0.72, 0.8), (0.72, -0.2)] + [(0.72 - 0.4 + 0.4 * math.cos(t), -0.2 - 0.9 * math.sin(t) * 0.5) for t in a[1:6]] + \
        [(-0.1, -1.05), (-0.72, -1.05)]
    from .shapes import extrude
    top = extrude([(x, -z) for x, z in outline], 0.35, col, FURN, mat)
    parts = [top.transformed(np.array([[1, 0, 0], [0, 0, 1], [0, -1, 0]], dtype=float), (0, 0.92, 0))]
    lid = extrude([(x, -z) for x, z in outline], 0.02, col * 1.4, FURN, mat, False)
    R = np.array([[1, 0, 0], [0, 0, 1], [0, -1, 0]], dtype=float)
    parts.append(lid.transformed(np.array([[math.cos(0.7), -math.sin(0.7), 0], [math.sin(0.7), math.cos(0.7), 0], [0, 0, 1]]) @ R, (0.72, 0.95, 0)))
    parts.append(tube([[0.0, 0.95, -0.2], [-0.1, 1.45, -0.25]], 0.01, col, FURN, 4, mat))
    parts.append(box((1.44, 0.1, 0.25), col, FURN, mat, True, center=(0, 0.7, 0.92)))
    parts.append(box((1.3, 0.02, 0.16), np.array([0.95, 0.94, 0.9]), FURN, "paint", False, center=(0, 0.76, 0.95)))
    for x in np.linspace(-0.6, 0.6, 22):
        parts.append(box((0.02, 0.02, 0.09), BLACK, FURN, "paint", False, center=(x, 0.775, 0.91)))
    for x, z in ((-0.6, 0.7), (0.6, 0.7), (0.0, -0.9)):
        parts.append(lathe([(0.06, 0.0), (0.07, 0.4), (0.08, 0.76)], col, FURN, 8, mat, True).transformed(translation=(x, 0, z)))
    parts.append(box((0.8, 0.06, 0.35), col, FURN, mat, True, center=(0, 0.48, 1.4)))
    for sx in (-1, 1):
        parts.append(box((0.05, 0.46, 0.3), col, FURN, mat, True, center=(sx * 0.35, 0.23, 1.4)))
    return parts


@asset("reading_lamp", "interior", (0.6, 1.6, 0.7), synonyms="reading lamps, arc lamp, arched floor lamp, reading light, library lamp, "
       "standard lamp", indoor=True, outdoor=False, emissive=True, light=(1.5, 1.2, 0.75))
def reading_lamp(p, rng):
    col, mat = p.main(np.array([0.65, 0.50, 0.22]), "metal")
    sc, sm = glow(p, on=(1.0, 0.86, 0.55), off=np.array([0.15, 0.35, 0.2]), off_material="paint")
    return [cylinder(0.16, 0.14, 0.04, col, FURN, 14, mat, True),
            tube([[0, 0.04, 0], [0, 1.25, 0], [0.05, 1.45, 0.12], [0.05, 1.5, 0.3]], 0.015, col, FURN, 6, mat, True),
            lathe([(0.2, 1.32), (0.07, 1.52), (0.0, 1.53)], sc, FURN, 14, sm, False).transformed(translation=(0.05, 0.0, 0.35)),
            sphere(0.05, np.array([1.0, 0.95, 0.8]) if p.lit else np.array([0.9, 0.9, 0.85]), FURN, (0.05, 1.34, 0.35), 1,
                   "emissive" if p.lit else "glass")]


@asset("desk_lamp", "interior", (0.3, 0.45, 0.25), "table_top", synonyms="table lamp, desk lamps, bankers lamp, banker's lamp, table lamps, "
       "green lamp, bedside lamp", indoor=True, outdoor=False, emissive=True, light=(1.0, 0.85, 0.55))
def desk_lamp(p, rng):
    col = p.col(np.array([0.10, 0.42, 0.22]))
    bc, bm = glow(p, on=(1.0, 0.9, 0.65), off=np.array([0.9, 0.9, 0.85]))
    parts = [cylinder(0.11, 0.1, 0.03, BRASS, FURN, 14, "metal", True), tube([[0, 0.03, 0], [0, 0.33, 0]], 0.012, BRASS, FURN, 6, "metal")]
    shade = lathe([(0.16, 0.3), (0.14, 0.36), (0.08, 0.42), (0.0, 0.43)], col, FURN, 14, "glass", False, cap_top=False)
    shade.vertices[:, 2] *= 0.55
    parts += [shade, disc(0.13, 0.305, bc, FURN, 12, bm, squash=(1.0, 0.5)).transformed(np.diag([1.0, -1.0, 1.0]), (0, 0.61, 0))]
    return parts


@asset("chandelier", "interior", (1.3, 1.2, 1.3), "ceiling", synonyms="chandeliers, crystal chandelier, candelabra, hanging candelabra, "
       "light fixture chandelier", indoor=True, outdoor=False, emissive=True, light=(3.0, 2.4, 1.5), collider=False)
def chandelier(p, rng):
    col, mat = p.main(BRASS, "metal")
    lc, lm = glow(p, on=(1.0, 0.85, 0.5), off=np.array([0.95, 0.93, 0.88]), off_material="paint")
    parts = [tube([[0, 0.5, 0], [0, 1.2, 0]], 0.015, col, FURN, 5, mat), sphere(0.1, col, FURN, (0, 0.45, 0), 1, mat),
             torus(0.55, 0.025, col, FURN, 24, 5, mat).transformed(translation=(0, 0.35, 0)),
             torus(0.3, 0.02, col, FURN, 16, 5, mat).transformed(translation=(0, 0.55, 0))]
    for k in range(8):
        a = 2 * math.pi * k / 8
        c = np.array([math.cos(a) * 0.55, 0.35, math.sin(a) * 0.55])
        parts.append(tube([[0, 0.4, 0], c * [0.5, 1, 0.5] + [0, -0.05, 0], c], 0.012, col, FURN, 4, mat))
        parts.append(cylinder(0.02, 0.02, 0.12, np.array([0.96, 0.94, 0.88]), FURN, 6, "paint", False).transformed(translation=c))
        parts.append(sphere(0.035, lc, FURN, c + [0, 0.16, 0], 1, lm, squash=(1, 1.5, 1)))
        for d in (0.1, 0.2):
            parts.append(sphere(0.025, np.array([0.85, 0.9, 0.95]), FURN, c * 0.8 + [0, -d, 0], 0, "glass"))
    parts.append(sphere(0.08, np.array([0.85, 0.9, 0.95]), FURN, (0, 0.05, 0), 1, "glass", squash=(1, 1.5, 1)))
    return parts


@asset("ceiling_lamp", "interior", (0.5, 0.9, 0.5), "ceiling", synonyms="pendant lamp, pendant light, ceiling light, hanging lamp, hanging light, "
       "light fixture, ceiling lights, light bulb, lightbulb", indoor=True, outdoor=False, emissive=True, light=(1.8, 1.5, 1.1), collider=False)
def ceiling_lamp(p, rng):
    col = p.col(np.array([0.15, 0.16, 0.17]))
    lc, lm = glow(p, on=(1.0, 0.9, 0.7), off=np.array([0.9, 0.9, 0.85]))
    return [tube([[0, 0.3, 0], [0, 0.9, 0]], 0.008, BLACK, FURN, 4, "plain"),
            lathe([(0.24, 0.0), (0.2, 0.08), (0.06, 0.28), (0.04, 0.32)], col, FURN, 16, "metal", False, cap_top=True),
            sphere(0.06, lc, FURN, (0, 0.04, 0), 1, lm)]


PAINT_PALETTES = [((0.45, 0.65, 0.85), (0.3, 0.5, 0.2), (0.95, 0.85, 0.5)), ((0.9, 0.55, 0.3), (0.5, 0.2, 0.2), (0.2, 0.2, 0.3)),
                  ((0.2, 0.3, 0.5), (0.85, 0.85, 0.75), (0.1, 0.15, 0.25)), ((0.7, 0.6, 0.45), (0.3, 0.25, 0.2), (0.85, 0.75, 0.55))]


@asset("painting", "interior", (1.0, 0.8, 0.06), "wall", synonyms="paintings, picture, pictures, art, artwork, artworks, portrait, framed picture, "
       "canvas, framed painting, landscape painting, wall art, poster, posters, photo frame", indoor=True, outdoor=False, collider=False)
def painting(p, rng):
    frame = p.col(np.array([0.70, 0.55, 0.25]))
    sky, land, sun = (np.array(c) for c in PAINT_PALETTES[int(rng.integers(0, len(PAINT_PALETTES)))])
    parts = [box((1.0, 0.8, 0.04), frame, FURN, "wood", False, center=(0, 0.4, 0), bottom=False)]
    hz = rng.uniform(0.3, 0.45)
    parts.append(quad((-0.42, 0.08 + hz, 0.025), (0.84, 0, 0), (0, 0.64 - hz, 0), sky, FURN, "paint"))
    parts.append(quad((-0.42, 0.08, 0.025), (0.84, 0, 0), (0, hz, 0), land, FURN, "paint"))
    parts.append(disc(0.07, 0.0, sun, FURN, 12, "paint").transformed(np.array([[1, 0, 0], [0, 0, -1], [0, 1, 0]], dtype=float),
                                                                    (rng.uniform(-0.25, 0.25), 0.08 + hz + rng.uniform(0.1, 0.3), 0.03)))
    pts = [(-0.42, 0.08 + hz)] + [(x, 0.08 + hz + rng.uniform(0.0, 0.15)) for x in np.linspace(-0.3, 0.3, 4)] + [(0.42, 0.08 + hz)]
    from .shapes import extrude
    parts.append(extrude(pts + [(0.42, 0.08 + hz - 0.01), (-0.42, 0.08 + hz - 0.01)], 0.002, land * 0.7, FURN, "paint", False).transformed(
        translation=(0, 0, 0.028)))
    return parts


@asset("grandfather_clock", "interior", (0.55, 2.1, 0.35), synonyms="grandfather clock, pendulum clock, longcase clock, tall clock, floor clock",
       indoor=True, outdoor=False)
def grandfather_clock(p, rng):
    col, mat = p.main(np.array([0.35, 0.20, 0.12]), "wood")
    parts = [box((0.5, 0.35, 0.33), col, FURN, mat, True, center=(0, 0.175, 0), bottom=False),
             box((0.38, 1.2, 0.27), col, FURN, mat, True, center=(0, 0.95, 0)),
             box((0.5, 0.5, 0.33), col, FURN, mat, True, center=(0, 1.8, 0)),
             box((0.55, 0.12, 0.36), col * 0.8, FURN, mat, True, center=(0, 2.1, 0))]
    parts.append(disc(0.17, 0.0, np.array([0.95, 0.92, 0.82]), FURN, 20, "paint").transformed(np.array([[1, 0, 0], [0, 0, -1], [0, 1, 0]], dtype=float), (0, 1.8, 0.17)))
    parts.append(box((0.015, 0.13, 0.01), BLACK, FURN, "paint", False, center=(0, 1.85, 0.18)))
    parts.append(box((0.1, 0.015, 0.01), BLACK, FURN, "paint", False, center=(0.04, 1.8, 0.18)))
    parts.append(quad((-0.13, 0.5, 0.14), (0.26, 0, 0), (0, 0.9, 0), GLASS * 0.8, FURN, "glass"))
    parts.append(tube([[0, 1.35, 0.145], [0, 0.75, 0.145]], 0.008, BRASS, FURN, 4, "metal"))
    parts.append(disc(0.07, 0.0, BRASS, FURN, 12, "metal").transformed(np.array([[1, 0, 0], [0, 0, -1], [0, 1, 0]], dtype=float), (0, 0.72, 0.15)))
    return parts


@asset("wall_clock", "interior", (0.45, 0.45, 0.06), "wall", synonyms="clock, wall clocks, station clock, kitchen clock", indoor=True, outdoor=True,
       collider=False)
def wall_clock(p, rng):
    col = p.col(np.array([0.12, 0.12, 0.13]))
    R = np.array([[1, 0, 0], [0, 0, -1], [0, 1, 0]], dtype=float)
    parts = [cylinder(0.22, 0.22, 0.05, col, OBJECT, 24, "metal", False).transformed(R, (0, 0.22, -0.025)),
             disc(0.19, 0.0, np.array([0.96, 0.95, 0.92]), OBJECT, 24, "paint").transformed(R, (0, 0.22, 0.03))]
    for k in range(12):
        a = 2 * math.pi * k / 12
        parts.append(box((0.012, 0.03, 0.005), BLACK, OBJECT, "paint", False, center=(math.sin(a) * 0.16, 0.22 + math.cos(a) * 0.16, 0.034)))
    parts.append(box((0.012, 0.13, 0.005), BLACK, OBJECT, "paint", False, center=(0, 0.28, 0.037)))
    parts.append(box((0.09, 0.012, 0.005), BLACK, OBJECT, "paint", False, center=(0.045, 0.22, 0.037)))
    return parts


@asset("vase", "interior", (0.3, 0.6, 0.3), "table_top", synonyms="vases, flower vase, vase of flowers, bouquet, flowers in a vase, urn vase",
       indoor=True, outdoor=False)
def vase(p, rng):
    col, mat = p.main(np.array([0.20, 0.35, 0.65]), "paint")
    parts = [lathe([(0.07, 0.0), (0.12, 0.08), (0.13, 0.18), (0.07, 0.3), (0.06, 0.34), (0.08, 0.37)], col, OBJECT, 14, mat, True, cap_top=False)]
    for k in range(7):
        a = 2 * math.pi * k / 7
        tip = np.array([math.cos(a) * 0.1, rng.uniform(0.5, 0.6), math.sin(a) * 0.1])
        parts.append(tube([[0, 0.3, 0], tip], 0.005, np.array([0.3, 0.5, 0.2]), VEG, 3, "leaves"))
        parts.append(blob(0.04, vary(np.array([[0.95, 0.9, 0.9], [0.9, 0.3, 0.4], [0.95, 0.8, 0.2]])[k % 3], rng, 0.1), VEG, seed(rng), 0.3, 1,
                          "leaves").transformed(translation=tip))
    return parts


@asset("candles", "interior", (0.3, 0.35, 0.2), "table_top", synonyms="candle, candlestick, candlesticks, candle holder, tea lights, candelabrum",
       indoor=True, outdoor=False, emissive=True, light=(0.9, 0.55, 0.2), collider=False)
def candles(p, rng):
    col = p.col(np.array([0.96, 0.94, 0.86]))
    parts = []
    for k, (x, h) in enumerate(((-0.08, 0.22), (0.0, 0.3), (0.08, 0.18))):
        parts.append(cylinder(0.035, 0.035, 0.02, BRASS, OBJECT, 10, "metal", False).transformed(translation=(x, 0, 0)))
        parts.append(cylinder(0.022, 0.022, h, col, OBJECT, 10, "paint", False).transformed(translation=(x, 0.02, 0)))
        parts.append(flame((x, 0.02 + h, 0), 0.05, p, rng, np.array([1.0, 0.75, 0.3])))
    return parts


@asset("globe", "interior", (0.4, 0.55, 0.4), "table_top", synonyms="globes, world globe, terrestrial globe, desk globe", indoor=True, outdoor=False)
def globe(p, rng):
    g = sphere(0.17, np.array([0.25, 0.45, 0.7]), OBJECT, (0, 0.34, 0), 2, "paint")
    from ..noise import fbm
    land = fbm(g.vertices * 6, seed(rng), octaves=2) > 0.1
    g.color[land] = np.array([0.75, 0.65, 0.4])
    return [cylinder(0.1, 0.12, 0.04, DARK_WOOD, OBJECT, 12, "wood", True), tube([[0, 0.04, 0], [0, 0.14, 0]], 0.02, DARK_WOOD, OBJECT, 6, "wood"),
            torus(0.19, 0.01, BRASS, OBJECT, 20, 4, "metal").transformed(np.array([[1, 0, 0], [0, 0, -1], [0, 1, 0]], dtype=float), (0, 0.34, 0)), g]


@asset("aquarium", "interior", (1.2, 1.3, 0.45), synonyms="fish tank, aquariums, fishtank, tank of fish", indoor=True, outdoor=False,
       emissive=True, light=(0.4, 0.7, 1.0))
def aquarium(p, rng):
    col = p.col(np.array([0.15, 0.15, 0.16]))
    wc, wm = glow(p, on=(0.45, 0.75, 0.95), off=np.array([0.35, 0.6, 0.7]), off_material="water")
    parts = [box((1.2, 0.7, 0.45), col, FURN, "wood", True, center=(0, 0.35, 0), bottom=False),
             box((1.2, 0.55, 0.42), wc, WATER, wm, True, center=(0, 0.975, 0)),
             box((1.22, 0.06, 0.44), col, FURN, "plain", False, center=(0, 1.28, 0))]
    for k in range(6):
        c = np.array([rng.uniform(-0.45, 0.45), rng.uniform(0.8, 1.15), 0.225])
        parts.append(disc(0.04, 0.0, vary(np.array([[0.98, 0.5, 0.1], [0.9, 0.9, 0.2], [0.2, 0.5, 0.95]])[k % 3], rng, 0.1), OBJECT, 8, "paint",
                          squash=(1.0, 0.5)).transformed(np.array([[1, 0, 0], [0, 0, -1], [0, 1, 0]], dtype=float), c + [0, 0, 0.01]))
    for x in (-0.4, 0.3):
        parts.append(tube([[x, 0.72, 0.15], [x + 0.03, 1.1, 0.15]], 0.015, np.array([0.2, 0.55, 0.25]), VEG, 4, "leaves"))
    return parts


@asset("books", "interior", (0.4, 0.3, 0.3), "table_top", synonyms="book, stack of books, pile of books, book stack, novels, open book", indoor=True,
       outdoor=False)
def books(p, rng):
    parts = []
    y = 0.0
    for k in range(int(rng.integers(3, 6))):
        h = rng.uniform(0.03, 0.06)
        c = p.color if p.color is not None else np.array([[0.6, 0.12, 0.1], [0.12, 0.25, 0.5], [0.15, 0.4, 0.2], [0.8, 0.7, 0.45], [0.2, 0.2, 0.22]])[
            int(rng.integers(0, 5))]
        w, d = rng.uniform(0.22, 0.3), rng.uniform(0.16, 0.22)
        parts.append(box((w, h, d), c, OBJECT, "paint", True, center=(rng.uniform(-0.02, 0.02), y + h / 2, 0)).transformed(rot_y(rng.uniform(-0.3, 0.3))))
        parts.append(box((w - 0.01, h * 0.8, 0.005), np.array([0.95, 0.92, 0.85]), OBJECT, "paint", False, center=(0.005, y + h / 2, d / 2)))
        y += h
    return parts


@asset("curtains", "interior", (2.0, 2.5, 0.2), "wall", synonyms="curtain, drapes, drapery, window curtains, theatre curtain, stage curtain",
       indoor=True, outdoor=False, collider=False)
def curtains(p, rng):
    col, mat = p.main(np.array([0.60, 0.12, 0.14]), "fabric")
    parts = [tube([[-1.05, 2.45, 0], [1.05, 2.45, 0]], 0.02, BRASS, FURN, 5, "metal")]
    for sx in (-1, 1):
        n = 14
        xs = np.linspace(0, 0.75, n)
        from ..mesh import Part
        v, f = [], []
        for i, x in enumerate(xs):
            z = 0.06 * math.sin(i * math.pi / 1.5)
            v += [[sx * (1.0 - x), 0.02, z], [sx * (1.0 - x * 0.9), 2.42, z]]
        for i in range(n - 1):
            a = 2 * i
            f += [[a, a + 2, a + 3], [a, a + 3, a + 1]]
        f = np.array(f)
        part = Part(np.array(v), np.concatenate([f, f[:, ::-1]]), col, FURN, mat, False)
        part.ao = np.repeat(0.75 + 0.25 * np.cos(np.arange(n) * math.pi / 1.5 * 2) ** 2, 2)
        parts.append(part)
    return parts
