"""Rural, religious and camp architecture: barn, windmill, wind turbine, lighthouse, church, silo, shed,
greenhouse, tents (ridge tent, teepee, yurt), igloo, fences and low walls."""

from __future__ import annotations

import math

import numpy as np

from ..mesh import blob, box, cylinder, lathe, quad, rot_z
from ._common import BLACK, BUILDING, DARK_WOOD, GLASS, IRON, OBJECT, RED, ROCK, STONE, VEG, WHITE, glow, seed, vary
from .buildings import gable_roof, gables
from .registry import asset
from .shapes import extrude, frustum, panel, sphere, tube
from .states import handled

BARN_RED = np.array([0.62, 0.14, 0.10])


@asset("barn", "architecture", (10.5, 8.5, 14.5), synonyms="barns, red barn, stable, stables, cowshed, farm barn, hay barn, farm building")
def barn(p, rng):
    col, mat = p.main(BARN_RED, "planks")
    W, H, D = 10.0, 4.5, 14.0
    parts = [box((W, H, D), col, BUILDING, mat, True, center=(0, H / 2, 0), bottom=False, name="barn")]
    outline = [(-5.0, 0.0), (5.0, 0.0), (3.9, 2.4), (0.0, 3.6), (-3.9, 2.4)]
    parts.append(extrude(outline, D, col, BUILDING, mat).transformed(translation=(0, H, 0)))
    roof = np.array([0.28, 0.28, 0.30])
    pts = [(-5.4, H - 0.2), (-4.1, H + 2.5), (0.0, H + 3.75), (4.1, H + 2.5), (5.4, H - 0.2)]
    for (x0, y0), (x1, y1) in zip(pts[:-1], pts[1:]):
        parts += panel((x0, y0, D / 2 + 0.3), (0, 0, -D - 0.6), (x1 - x0, y1 - y0, 0), roof, BUILDING, "roof", True, back_color=roof * 0.5)
    trim = WHITE
    dw = 3.6
    open_ = p.has("open")
    handled(p, "open", "closed")
    door_c = BLACK if open_ else col * 0.9
    parts.append(quad((-dw / 2, 0.0, D / 2 + 0.03), (dw, 0, 0), (0, 3.6, 0), door_c, BUILDING, "planks"))
    for (a, b) in (((-dw / 2, 0), (dw / 2, 3.6)), ((-dw / 2, 3.6), (dw / 2, 0))) if not open_ else ():
        parts.append(tube([[a[0], a[1], D / 2 + 0.06], [b[0], b[1], D / 2 + 0.06]], 0.08, trim, BUILDING, 4, "paint"))
    for x0, y0, x1, y1 in ((-dw / 2, 0, -dw / 2, 3.6), (dw / 2, 0, dw / 2, 3.6), (-dw / 2, 3.6, dw / 2, 3.6), (-1.0, 5.0, 1.0, 5.0),
                           (-1.0, 5.0, -1.0, 6.4), (1.0, 5.0, 1.0, 6.4), (-1.0, 6.4, 1.0, 6.4)):
        parts.append(tube([[x0, y0, D / 2 + 0.07], [x1, y1, D / 2 + 0.07]], 0.1, trim, BUILDING, 4, "paint"))
    parts.append(quad((-1.0, 5.0, D / 2 + 0.03), (2.0, 0, 0), (0, 1.4, 0), col * 0.6, BUILDING, "planks"))
    for sx in (-1, 1):
        for z in (-4.0, 0.0, 4.0):
            parts.append(box((0.04, 1.0, 1.0), trim * 0.9, BUILDING, "paint", False, center=(sx * (W / 2 + 0.02), 2.1, z)))
    return parts


@asset("windmill", "architecture", (11.0, 15.5, 6.0), synonyms="windmills, wind mill, dutch windmill, old windmill, grain mill, mill")
def windmill(p, rng):
    col, mat = p.main(np.array([0.86, 0.83, 0.76]), "plaster")
    parts = [lathe([(2.8, 0.0), (2.6, 1.0), (1.7, 9.0)], col, BUILDING, 8, mat, True, cap_top=True, name="mill")]
    parts.append(lathe([(1.95, 9.0), (1.9, 9.6), (1.2, 10.8), (0.0, 11.2)], np.array([0.35, 0.25, 0.2]), BUILDING, 12, "roof", True, cap_top=False))
    parts.append(lathe([(2.9, 3.0), (2.9, 3.15)], DARK_WOOD, BUILDING, 8, "wood", True))
    parts.append(quad((-0.55, 0, 2.72), (1.1, 0, 0), (0, 2.0, 0), DARK_WOOD, BUILDING, "wood"))
    for y in (4.5, 7.0):
        parts.append(quad((-0.35, y, 2.35 - (y - 1) * 0.11 + 0.05), (0.7, 0, 0), (0, 0.9, 0), BLACK, BUILDING, "plain"))
    hub = np.array([0, 10.0, 2.25])
    parts.append(cylinder(0.25, 0.25, 0.6, DARK_WOOD, OBJECT, 8, "wood", True).transformed(np.array([[1, 0, 0], [0, 0, -1], [0, 1, 0]]), hub - [0, 0, 0.3]))
    sail = np.array([0.90, 0.88, 0.82])
    for k in range(4):
        R = rot_z(k * math.pi / 2 + 0.35)
        parts.append(tube([hub + R @ np.array([0, 0.2, 0.3]), hub + R @ np.array([0, 5.3, 0.3])], 0.07, DARK_WOOD, OBJECT, 4, "wood", True))
        parts += panel(hub + R @ np.array([0.05, 1.2, 0.25]), R @ np.array([0.95, 0, 0]), R @ np.array([0, 4.0, 0]), sail, OBJECT, "fabric")
        for t in np.linspace(1.2, 5.2, 6):
            parts.append(tube([hub + R @ np.array([0.0, t, 0.3]), hub + R @ np.array([1.0, t, 0.3])], 0.025, DARK_WOOD, OBJECT, 4, "wood"))
    return parts


@asset("wind_turbine", "urban", (20.0, 32.0, 4.0), synonyms="wind turbines, wind farm, windfarm, turbine, wind generator")
def wind_turbine(p, rng):
    col, mat = p.main(np.array([0.93, 0.93, 0.92]), "paint")
    parts = [lathe([(1.0, 0.0), (0.45, 21.0)], col, BUILDING, 14, mat, True, name="tower"),
             box((1.1, 1.2, 3.0), col, BUILDING, mat, True, center=(0, 21.4, 0.4))]
    hub = np.array([0, 21.4, 2.1])
    parts.append(sphere(0.6, col, BUILDING, hub, 1, mat, True, squash=(1, 1, 1.4)))
    for k in range(3):
        R = rot_z(k * 2 * math.pi / 3 + 0.3)
        blade = extrude([(0, 0.5), (0.55, 1.5), (0.25, 10.5), (0.0, 10.5), (-0.2, 1.5)], 0.12, col, BUILDING, mat)
        parts.append(blade.transformed(R, hub + [0, 0, 0.3]))
    return parts


@asset("lighthouse", "architecture", (5.6, 22.0, 5.6), synonyms="light house, lighthouses, beacon, beacon tower, coastal lighthouse",
       emissive=True, light=(6.0, 5.0, 3.0))
def lighthouse(p, rng):
    col, mat = p.main(RED, "paint")
    parts = [lathe([(3.0, 0.0), (3.0, 0.8)], STONE, BUILDING, 20, "rock", True, cap_top=True)]
    n = 6
    H = 15.0
    for k in range(n):
        y0, y1 = 0.8 + H * k / n, 0.8 + H * (k + 1) / n
        r0, r1 = 2.2 - 0.8 * k / n, 2.2 - 0.8 * (k + 1) / n
        parts.append(lathe([(r0, y0), (r1, y1)], col if k % 2 == 0 else WHITE, BUILDING, 18, mat, True, cap_top=(k == n - 1)))
    top = 0.8 + H
    parts.append(lathe([(1.4, top), (2.1, top + 0.3), (2.1, top + 0.45), (1.2, top + 0.45)], BLACK * 2, BUILDING, 18, "metal", True))
    parts.append(tube([[2.0 * math.cos(a), top + 1.2, 2.0 * math.sin(a)] for a in np.linspace(0, 2 * math.pi, 19)], 0.04, BLACK * 2, BUILDING, 4,
                      "metal"))
    lc, lm = glow(p, on=(1.0, 0.95, 0.7), off=np.array([0.55, 0.62, 0.65]))
    parts.append(cylinder(1.1, 1.1, 1.8, lc, BUILDING, 12, lm, False).transformed(translation=(0, top + 0.45, 0)))
    parts.append(lathe([(1.35, top + 2.25), (0.9, top + 2.9), (0.0, top + 3.4)], col, BUILDING, 16, "metal", True, cap_top=False))
    parts.append(sphere(0.18, BLACK * 2, BUILDING, (0, top + 3.55, 0), 1, "metal"))
    parts.append(quad((-0.5, 0.8, 2.2 + 0.03), (1.0, 0, 0), (0, 2.0, 0), DARK_WOOD, BUILDING, "wood"))
    return parts


@asset("church", "architecture", (9.0, 20.0, 18.0), synonyms="chapel, cathedral, churches, chapels, village church, abbey, monastery, basilica",
       emissive=True, light=(1.2, 0.9, 0.6))
def church(p, rng):
    col, mat = p.main(np.array([0.78, 0.75, 0.68]), "brick")
    roof = np.array([0.30, 0.30, 0.33])
    W, H, D = 8.0, 7.0, 13.0
    parts = [box((W, H, D), col, BUILDING, mat, True, center=(0, H / 2, -2.0), bottom=False, name="nave")]
    parts += [q.transformed(translation=(0, 0, -2.0)) for q in gable_roof(W, D, H, 3.6, 0.4, roof) + gables(W, D, H, 3.6, col)]
    parts.append(box((3.6, 13.0, 3.6), col, BUILDING, mat, True, center=(0, 6.5, 6.0), bottom=False))
    parts.append(frustum(3.8, 3.8, 0.0, 0.0, 6.0, roof, BUILDING, "roof", True, y0=13.0, center=(0, 6.0)))
    gold = np.array([0.8, 0.65, 0.3])
    parts.append(box((0.1, 1.2, 0.1), gold, BUILDING, "metal", False, center=(0, 19.6, 6.0)))
    parts.append(box((0.7, 0.1, 0.1), gold, BUILDING, "metal", False, center=(0, 19.8, 6.0)))
    wc, wm = glow(p, on=(1.0, 0.8, 0.5), off=np.array([0.18, 0.22, 0.3]))
    from .shapes import arched_wall
    for z in (-6.5, -3.5, -0.5, 2.5):
        for sx in (-1, 1):
            parts.append(quad((sx * (W / 2 + 0.03), 2.0, z + sx * 0.5), (0, 0, -sx * 1.0), (0, 3.0, 0), wc, BUILDING, wm))
    parts.append(quad((-0.8, 0, 7.83), (1.6, 0, 0), (0, 2.8, 0), DARK_WOOD, BUILDING, "wood"))
    parts.append(quad((-0.5, 9.5, 7.83), (1.0, 0, 0), (0, 1.6, 0), BLACK, BUILDING, "plain"))
    return parts


@asset("silo", "architecture", (4.4, 13.5, 4.4), synonyms="grain silo, silos, farm silo, storage silo")
def silo(p, rng):
    col, mat = p.main(np.array([0.72, 0.74, 0.76]), "metal")
    body = lathe([(2.1, 0.0), (2.1, 11.0)], col, BUILDING, 20, mat, True, cap_top=False, name="silo")
    body.ao = 0.85 + 0.15 * np.cos(body.vertices[:, 1] * 2 * math.pi / 0.8)
    prof = [(2.1 * math.cos(a), 11.0 + 2.1 * 0.8 * math.sin(a)) for a in np.linspace(0, math.pi / 2, 6)]
    parts = [body, lathe(prof, col * 1.05, BUILDING, 20, mat, True, cap_top=False)]
    for x in (-0.2, 0.2):
        parts.append(box((0.04, 11.5, 0.04), IRON, OBJECT, "metal", False, center=(x, 5.75, 2.18)))
    for y in np.arange(0.4, 11.4, 0.4):
        parts.append(box((0.4, 0.03, 0.03), IRON, OBJECT, "metal", False, center=(0, y, 2.18)))
    return parts


@asset("shed", "architecture", (3.2, 3.0, 2.8), synonyms="garden shed, toolshed, tool shed, outhouse, woodshed, storage shed, sheds, hut shed")
def shed(p, rng):
    col, mat = p.main(np.array([0.50, 0.40, 0.28]), "planks")
    parts = [box((3.0, 2.2, 2.4), col, BUILDING, mat, True, center=(0, 1.1, 0), bottom=False, name="shed")]
    parts += gable_roof(3.0, 2.4, 2.2, 0.8, 0.15, np.array([0.25, 0.3, 0.25])) + gables(3.0, 2.4, 2.2, 0.8, col)
    parts.append(quad((-0.45, 0, 1.23), (0.9, 0, 0), (0, 1.9, 0), col * 0.6, BUILDING, "planks"))
    parts.append(quad((0.7, 1.0, 1.23), (0.6, 0, 0), (0, 0.6, 0), GLASS, BUILDING, "glass"))
    return parts


@asset("greenhouse", "architecture", (4.2, 3.2, 6.2), synonyms="glasshouse, hothouse, conservatory, greenhouses, glass house")
def greenhouse(p, rng):
    col, mat = p.main(np.array([0.92, 0.92, 0.90]), "paint")
    glass = np.array([0.50, 0.62, 0.60])
    parts = [box((4.0, 0.4, 6.0), np.array([0.55, 0.5, 0.45]), BUILDING, "brick", True, center=(0, 0.2, 0), bottom=False)]
    for sx in (-1, 1):
        parts.append(quad((sx * 2.0, 0.4, -sx * 3.0), (0, 0, sx * 6.0), (0, 1.6, 0), glass, BUILDING, "glass", True))
        parts += panel((sx * 2.0, 2.0, -3.0), (0, 0, 6.0), (-sx * 2.0, 1.1, 0), glass, BUILDING, "glass", True)
    for sz in (-1, 1):
        parts.append(extrude([(-2.0, 0.4), (2.0, 0.4), (2.0, 2.0), (0, 3.1), (-2.0, 2.0)], 0.02, glass, BUILDING, "glass").transformed(
            translation=(0, 0, sz * 3.0)))
    for z in np.linspace(-3.0, 3.0, 9):
        parts.append(tube([[-2.02, 0.4, z], [-2.02, 2.0, z], [0, 3.12, z], [2.02, 2.0, z], [2.02, 0.4, z]], 0.05, col, BUILDING, 4, mat, True))
    for y0, y1, x0, x1 in ((2.0, 2.0, -2.02, 2.02), (1.2, 1.2, -2.03, 2.03), (2.55, 2.55, -1.04, 1.04), (3.12, 3.12, 0.0, 0.0)):
        for x in {x0, x1}:
            parts.append(tube([[x, y0, -3.0], [x, y0, 3.0]], 0.05, col, BUILDING, 4, mat, True))
    for sz in (-1, 1):
        for x in (-1.0, 0.0, 1.0):
            parts.append(tube([[x, 0.4, sz * 3.02], [x, 3.1 - abs(x) * 1.1, sz * 3.02]], 0.04, col, BUILDING, 4, mat, True))
    for k in range(8):
        parts.append(blob(0.35, np.array([0.2, 0.5, 0.18]), VEG, seed(rng), 0.4, 1, "leaves").transformed(
            translation=(rng.choice([-1.2, 1.2]), 0.7, rng.uniform(-2.5, 2.5))))
    return parts


@asset("tent", "architecture", (2.6, 1.9, 3.4), synonyms="tents, camping tent, pup tent, ridge tent, canvas tent, campsite tent, camp")
def tent(p, rng):
    col, mat = p.main(np.array([0.85, 0.45, 0.12]), "fabric")
    W, H, D = 2.4, 1.8, 3.2
    parts = []
    for sx in (-1, 1):
        parts += panel((sx * W / 2, 0.0, D / 2), (0, 0, -D), (-sx * W / 2, H, 0), col, BUILDING, mat, True, back_color=col * 0.6)
    parts.append(extrude([(-W / 2, 0), (W / 2, 0), (0, H)], 0.02, col * 0.9, BUILDING, mat).transformed(translation=(0, 0, -D / 2)))
    parts.append(extrude([(-W / 2, 0), (W / 2, 0), (0, H)], 0.02, col * 0.85, BUILDING, mat).transformed(translation=(0, 0, D / 2)))
    parts.append(extrude([(-0.45, 0.0), (0.45, 0.0), (0.0, 1.35)], 0.02, BLACK * 2, BUILDING, "plain", False).transformed(translation=(0, 0, D / 2 + 0.02)))
    parts.append(tube([[0, 0, D / 2 + 0.05], [0, H + 0.15, D / 2 + 0.05]], 0.025, IRON, OBJECT, 4, "metal"))
    return parts


@asset("teepee", "architecture", (3.6, 4.4, 3.6), synonyms="tipi, tepee, wigwam, teepees, native tent")
def teepee(p, rng):
    col, mat = p.main(np.array([0.86, 0.78, 0.62]), "fabric")
    body = lathe([(1.75, 0.0), (0.15, 3.5)], col, BUILDING, 14, mat, True, cap_top=False, name="teepee")
    body.ao = np.where((body.vertices[:, 1] > 1.2) & (body.vertices[:, 1] < 1.6), 0.55, 1.0)
    parts = [body]
    for k in range(8):
        a = 2 * math.pi * k / 8
        parts.append(tube([[1.7 * math.cos(a), 0, 1.7 * math.sin(a)], [-0.35 * math.cos(a), 4.3, -0.35 * math.sin(a)]], 0.035, DARK_WOOD, OBJECT, 4,
                          "wood"))
    parts.append(extrude([(-0.4, 0.0), (0.4, 0.0), (0.0, 1.2)], 0.02, BLACK * 2, BUILDING, "plain", False).transformed(
        np.array([[1, 0, 0], [0, 0.98, 0.2], [0, -0.2, 0.98]]), (0, 0, 1.68)))
    return parts


@asset("yurt", "architecture", (5.2, 3.4, 5.2), synonyms="ger, yurts, mongolian tent, round tent")
def yurt(p, rng):
    col, mat = p.main(np.array([0.90, 0.88, 0.82]), "fabric")
    parts = [lathe([(2.5, 0.0), (2.5, 1.8)], col, BUILDING, 20, mat, True, cap_top=False, name="yurt"),
             lathe([(2.6, 1.75), (0.5, 3.0), (0.5, 3.2), (0.0, 3.25)], col * 0.95, BUILDING, 20, mat, True, cap_top=False)]
    parts.append(lathe([(2.52, 0.9), (2.52, 1.0)], np.array([0.6, 0.2, 0.15]), BUILDING, 20, "fabric", False))
    parts.append(quad((-0.45, 0.0, 2.53), (0.9, 0, 0), (0, 1.6, 0), np.array([0.7, 0.25, 0.12]), BUILDING, "wood"))
    return parts


@asset("igloo", "architecture", (3.6, 1.9, 4.4), synonyms="igloos, snow house, snow hut")
def igloo(p, rng):
    col, mat = p.main(np.array([0.90, 0.93, 0.97]), "brick")
    prof = [(1.8 * math.cos(a), 1.8 * math.sin(a)) for a in np.linspace(0, math.pi / 2, 8)]
    parts = [lathe(prof, col, BUILDING, 20, mat, True, cap_top=False, name="igloo")]
    tun = [(0.6 * math.cos(a), 0.6 * math.sin(a)) for a in np.linspace(0, math.pi, 9)]
    from .shapes import band
    outer = np.array(tun)
    inner = outer * 0.75
    parts.append(band(outer, inner, 1.0, col * 0.97, BUILDING, mat, True).transformed(translation=(0, 0, 1.9)))
    parts.append(quad((-0.45, 0, 1.42), (0.9, 0, 0), (0, 0.45, 0), BLACK * 2, BUILDING, "plain"))
    return parts


@asset("fence", "architecture", (4.0, 1.2, 0.2), synonyms="fences, picket fence, white fence, wooden fence, fencing, fence section, "
       "garden fence, white picket fence, railing, railings, garden gate, fence gate")
def fence(p, rng):
    col, mat = p.main(np.array([0.92, 0.91, 0.88]), "paint")
    parts = []
    broken = p.has("broken", "ruined", "old", "abandoned")
    for x in (-1.95, 0.0, 1.95):
        parts.append(box((0.1, 1.15, 0.1), col * 0.95, BUILDING, mat, True, center=(x, 0.575, 0)))
    for y in (0.3, 0.85):
        parts.append(box((4.0, 0.08, 0.04), col * 0.9, BUILDING, mat, True, center=(0, y, -0.06)))
    for x in np.arange(-1.85, 1.9, 0.16):
        if broken and rng.uniform() < 0.25:
            continue
        h = 1.0 if not broken else rng.uniform(0.6, 1.0)
        parts.append(box((0.08, h - 0.08, 0.025), vary(col, rng, 0.04), BUILDING, mat, True, center=(x, (h - 0.08) / 2, -0.02)))
        parts.append(extrude([(-0.04, 0), (0.04, 0), (0, 0.08)], 0.025, col, BUILDING, mat, False).transformed(translation=(x, h - 0.08, -0.02)))
    return parts


@asset("stone_wall", "architecture", (4.0, 1.0, 0.8), synonyms="stone walls, dry stone wall, drystone wall, garden wall, low wall, field wall, "
       "rock wall, wall")
def stone_wall(p, rng):
    col, mat = p.main(STONE, "rock")
    radii, centers, cols, squash = [], [], [], []
    for row, y in enumerate((0.17, 0.47, 0.75)):
        x = -1.9 + (0.2 if row % 2 else 0.0)
        while x < 1.9:
            s = rng.uniform(0.32, 0.5)
            radii.append(s / 2)
            centers.append((x + s / 2, y, rng.uniform(-0.04, 0.04)))
            cols.append(vary(col, rng, 0.12))
            squash.append((1.1, 0.7, 1.4 - 0.2 * row))
            x += s * 0.95
    from .shapes import blobs
    return blobs(radii, centers, np.array(cols), ROCK, seed(rng), 0.2, 1, mat, True, np.array(squash))
