"""Landforms and water features: cliff, rock spire, natural arch, crystals, stalagmites, stalactites, waterfall,
pond, koi pond, stream, volcano, iceberg, fallen log, tree stump."""

from __future__ import annotations

import math

import numpy as np

from ..mesh import blob, cylinder, lathe, rot_y
from ..noise import fbm
from ._common import BARK, OBJECT, ROCK, VEG, WATER, WATER_C, glow, seed, vary
from .plants import grass_clump
from .registry import asset
from .shapes import blobs, disc, noisy_box, tube

CLIFF = np.array([0.52, 0.48, 0.43])


def _strata(part, col, seed_: int, amount: float = 0.18) -> None:
    y = part.vertices[:, 1]
    n = fbm(part.vertices * 0.3, seed_, octaves=2)
    band_ = np.sin(y * 2.4 + 2.0 * n)
    part.color = np.clip(np.asarray(col) * (1 + amount * band_)[:, None], 0, 1)
    part.ao = 0.6 + 0.4 * np.clip(0.5 + 0.5 * band_, 0, 1)


@asset("cliff", "nature", (12.0, 8.0, 4.0), synonyms="cliffs, cliff face, rock face, crag, crags, escarpment, bluff, rocky cliff, "
       "mesa, butte, rock cliff")
def cliff(p, rng):
    col, mat = p.main(CLIFF, "rock")
    parts = []
    # overlapping slabs of different heights: an irregular skyline, buttresses and recesses in the face
    x = -5.4
    while x < 5.0:
        w = rng.uniform(2.2, 3.6)
        h = rng.uniform(5.5, 8.0)
        d = rng.uniform(2.6, 3.6)
        s = seed(rng)
        slab = noisy_box((w, h, d), col, ROCK, s, 0.55, 8, mat, True, 0.45, center=(min(x + w / 2, 5.5 - w / 2), 0, rng.uniform(-0.5, 0.3)))
        _strata(slab, col * rng.uniform(0.9, 1.08), s, 0.2)
        parts.append(slab)
        x += w * 0.75
    k = 9
    centers = np.stack([rng.uniform(-5.0, 5.0, k), np.full(k, 0.15), rng.uniform(1.6, 2.6, k)], -1)
    parts += blobs(rng.uniform(0.3, 0.8, k), centers, np.clip(col[None] * rng.uniform(0.85, 1.05, (k, 1)), 0, 1), ROCK, seed(rng), 0.35, 1, mat,
                   True, (1.2, 0.7, 1.0))
    return parts


@asset("rock_spire", "nature", (3.0, 9.0, 3.0), synonyms="hoodoo, hoodoos, rock pillar, sea stack, rock tower, pinnacle, rock formation, "
       "rock needle, pillar rock")
def rock_spire(p, rng):
    col, mat = p.main(np.array([0.70, 0.45, 0.30]), "rock")
    prof = [(1.4, 0.0), (1.0, 1.5), (0.75, 4.0), (0.65, 6.5), (0.9, 7.3), (1.0, 7.9), (0.4, 8.5), (0.0, 8.6)]
    s = lathe(prof, col, ROCK, 12, mat, True, cap_top=False, name="spire")
    n = fbm(s.vertices * 0.8, seed(rng), octaves=3)
    s.vertices[:, [0, 2]] *= (1 + 0.3 * n)[:, None]
    _strata(s, col, seed(rng), 0.22)
    return [s]


@asset("natural_arch", "nature", (10.0, 7.0, 3.0), synonyms="rock arch, sea arch, stone arch formation, natural bridge, arch rock")
def natural_arch(p, rng):
    col, mat = p.main(np.array([0.72, 0.46, 0.30]), "rock")
    from .shapes import arched_wall
    parts = arched_wall(5.0, 2.0, 6.2, 2.6, col, ROCK, None, 16, 0.0, mat)[:1]
    for sx in (-1, 1):
        parts.append(noisy_box((2.6, 6.0, 2.8), col, ROCK, seed(rng), 0.35, 6, mat, True, 0.6, center=(sx * 3.75, 0, 0)))
    for q in parts:
        n = np.stack([fbm(q.vertices * 0.5, seed(rng) + k, octaves=2) for k in range(3)], -1)
        q.vertices = q.vertices + n * 0.35
        q.vertices[:, 1] = np.maximum(q.vertices[:, 1], 0.0)
        _strata(q, col, 5)
    return parts


@asset("crystals", "nature", (1.6, 1.7, 1.6), synonyms="crystal, crystal cluster, gems, gem, gemstones, gemstone, amethyst, quartz, geode, "
       "glowing crystals, crystal formation, crystal formations, crystal shards", emissive=True, light=(0.5, 0.9, 2.0))
def crystals(p, rng):
    base = p.color if p.color is not None else np.array([0.45, 0.72, 1.0])
    cc, cm = glow(p, on=base, off=base * 0.85, off_material="glass")
    parts = [blob(0.55, np.array([0.32, 0.31, 0.33]), ROCK, seed(rng), 0.3, 1, "rock", True, squash=(1.2, 0.45, 1.0))]
    for k in range(8):
        a = 2 * math.pi * k / 8 + rng.uniform(-0.3, 0.3)
        tilt = 0.0 if k == 0 else rng.uniform(0.25, 0.7)
        d = np.array([math.cos(a) * math.sin(tilt), math.cos(tilt), math.sin(a) * math.sin(tilt)])
        h = rng.uniform(0.7, 1.5) * (1.2 if k == 0 else 1.0)
        r = h * 0.12
        cr = lathe([(r, 0.0), (r, h * 0.78), (0.0, h)], vary(cc, rng, 0.1), OBJECT, 6, cm, True, cap_top=False)
        cr.ao = 0.65 + 0.35 * np.clip(cr.vertices[:, 1] / h, 0, 1)
        from ..mesh import align_y_to
        parts.append(cr.transformed(align_y_to(d), (math.cos(a) * 0.2, 0.05, math.sin(a) * 0.2)))
    return parts


def _dripstones(rng, col, n: int, hmax: float, spread: float) -> list:
    parts = []
    for k in range(n):
        a, r = rng.uniform(0, 2 * math.pi), rng.uniform(0, spread)
        h = rng.uniform(0.3, 1.0) * hmax
        rb = h * rng.uniform(0.16, 0.22)
        s = lathe([(rb, 0.0), (rb * 0.55, h * 0.4), (rb * 0.25, h * 0.8), (0.0, h)], vary(col, rng), ROCK, 8, "rock", True, cap_top=False)
        s.vertices[:, [0, 2]] *= (1 + 0.2 * fbm(s.vertices * 3, seed(rng), octaves=2))[:, None]
        parts.append(s.transformed(translation=(math.cos(a) * r, 0, math.sin(a) * r)))
    return parts


@asset("stalagmites", "nature", (1.8, 2.2, 1.8), synonyms="stalagmite, dripstone, cave formations, cave formation, dripstones",
       indoor=True)
def stalagmites(p, rng):
    col, mat = p.main(np.array([0.66, 0.58, 0.48]), "rock")
    return _dripstones(rng, col, 6, 2.2, 0.8)


@asset("stalactites", "nature", (1.8, 2.0, 1.8), "ceiling", synonyms="stalactite, hanging rocks, cave ceiling spikes, icicles, icicle",
       indoor=True)
def stalactites(p, rng):
    col, mat = p.main(np.array([0.66, 0.58, 0.48]), "rock")
    flip = np.diag([1.0, -1.0, 1.0])
    return [q.transformed(flip, (0, 2.0, 0)) for q in _dripstones(rng, col, 7, 2.0, 0.8)]


@asset("waterfall", "nature", (9.0, 9.0, 7.0), synonyms="waterfalls, falls, cascade, cascades, water fall, tropical waterfall")
def waterfall(p, rng):
    col, mat = p.main(CLIFF, "rock")
    s = seed(rng)
    rock = noisy_box((9.0, 8.0, 3.0), col, ROCK, s, 0.7, 10, mat, True, 0.35, center=(0, 0, -2.0))
    _strata(rock, col, s, 0.12)
    parts = [rock]
    white = np.array([0.86, 0.92, 0.95])
    # the falling sheet: from the lip (y = 8, z = -0.4) arcing out and down to the pool
    t = np.linspace(0, 1, 16)
    zc = -0.3 + 0.9 * np.sqrt(t)
    yc = 8.05 - 7.9 * t
    for k, w in enumerate((2.6, 2.2)):
        v, f = [], []
        for i in range(len(t)):
            v += [[-w / 2, yc[i], zc[i] + 0.05 * k], [w / 2, yc[i], zc[i] + 0.05 * k]]
        for i in range(len(t) - 1):
            a = 2 * i
            f += [[a, a + 1, a + 3], [a, a + 3, a + 2]]
        from ..mesh import Part
        sheet = Part(np.array(v), np.array(f), white if k else WATER_C * 1.8, WATER, "water", False, name="waterfall")
        sheet.ao = np.tile([0.75, 0.95], len(t))
        sheet.density = 1.6
        parts.append(sheet)
    pool = disc(3.0, 0.12, WATER_C, WATER, 24, "water", center=(0, 1.8), squash=(1.3, 0.9))
    parts.append(pool)
    for k in range(7):
        parts.append(blob(rng.uniform(0.35, 0.6), white, WATER, seed(rng), 0.3, 1, "water", squash=(1, 0.6, 1)).transformed(
            translation=(rng.uniform(-1.2, 1.2), 0.15, 0.6 + rng.uniform(-0.3, 0.4))))
    for k in range(10):
        a = 2 * math.pi * k / 10
        parts.append(blob(rng.uniform(0.35, 0.6), vary(col, rng), ROCK, seed(rng), 0.3, 1, "rock", True).transformed(
            translation=(math.cos(a) * 3.9, 0.15, 1.8 + math.sin(a) * 2.7)))
    return parts


def _pond(rng, rx: float, rz: float, water, stone, n_stones: int) -> list:
    parts = [disc(1.0, 0.12, water, WATER, 28, "water", squash=(rx, rz)),
             disc(1.0, 0.02, water * 0.5, WATER, 28, "water", squash=(rx + 0.1, rz + 0.1))]
    a = 2 * np.pi * np.arange(n_stones) / n_stones + rng.uniform(-0.05, 0.05, n_stones)
    radii = rng.uniform(0.25, 0.4, n_stones)
    centers = np.stack([np.cos(a) * (rx + 0.15), np.full(n_stones, 0.05), np.sin(a) * (rz + 0.15)], -1)
    cols = np.clip(stone[None] * rng.uniform(0.9, 1.1, (n_stones, 1)), 0, 1)
    return parts + blobs(radii, centers, cols, ROCK, seed(rng), 0.3, 1, "rock", True, (1.2, 0.55, 1.0))


@asset("pond", "nature", (6.0, 0.8, 4.5), synonyms="ponds, small lake, garden pond, pool of water, puddle, water hole, watering hole, lagoon")
def pond(p, rng):
    water = p.col(WATER_C)
    parts = _pond(rng, 2.7, 2.0, water, np.array([0.5, 0.48, 0.44]), 30)
    for k in range(3):
        a = rng.uniform(0, 2 * math.pi)
        parts += [q.transformed(translation=(math.cos(a) * 2.8, 0, math.sin(a) * 2.1)) for q in grass_clump(0.9, seed(rng), np.array([0.4, 0.5, 0.2]),
                                                                                                      14, lean=0.1, width=0.02)]
    return parts


@asset("fish_pond", "nature", (5.0, 0.6, 4.0), synonyms="koi pond, fish pond, koi pool, carp pond, goldfish pond, fishpond, koi ponds")
def fish_pond(p, rng):
    water = p.col(np.array([0.14, 0.30, 0.30]))
    parts = _pond(rng, 2.2, 1.7, water, np.array([0.55, 0.53, 0.5]), 26)
    from ..mesh import Part
    for k in range(8):
        a, r = rng.uniform(0, 2 * math.pi), rng.uniform(0.2, 1.3)
        c = np.array([math.cos(a) * r, 0.125, math.sin(a) * r * 0.75])
        body = disc(0.26, 0.0, np.array([0.98, 0.45, 0.08]) if k % 3 else np.array([0.97, 0.95, 0.92]), OBJECT, 10, "paint", squash=(1.0, 0.36))
        tail = Part(np.array([[-0.22, 0, 0], [-0.42, 0, 0.11], [-0.42, 0, -0.11]]), np.array([[0, 1, 2]]), body.color[0] * 0.95, OBJECT, "paint")
        tail.faces = tail.faces[:, ::-1]
        patch = disc(0.09, 0.002, np.array([0.95, 0.95, 0.92]) if k % 3 else np.array([0.9, 0.35, 0.05]), OBJECT, 8, "paint", center=(0.05, 0))
        parts += [q.transformed(rot_y(rng.uniform(0, 2 * math.pi)), c) for q in (body, tail, patch)]
    for k in range(4):
        c = np.array([rng.uniform(-1.5, 1.5), 0.125, rng.uniform(-1.0, 1.0)])
        pad = disc(rng.uniform(0.15, 0.22), 0.0, np.array([0.22, 0.45, 0.15]), VEG, 12, "leaves")
        pad.faces = pad.faces[1:]
        parts.append(pad.transformed(rot_y(rng.uniform(0, 6.28)), c))
    return parts


@asset("stream", "nature", (3.5, 0.5, 10.0), synonyms="creek, brook, rivulet, stream segment, river, small river, running water, streams, "
       "creeks, brooks, rivers, river segment, canal")
def stream(p, rng):
    water = p.col(np.array([0.20, 0.38, 0.42]))
    z = np.linspace(-5, 5, 26)
    x = 0.5 * np.sin(z * 0.6 + rng.uniform(0, 3))
    w = 1.1 + 0.2 * np.sin(z * 1.3)
    from ..mesh import Part
    v, f = [], []
    for i in range(len(z)):
        v += [[x[i] - w[i], 0.1, z[i]], [x[i] + w[i], 0.1, z[i]]]
    for i in range(len(z) - 1):
        a = 2 * i
        f += [[a, a + 3, a + 1], [a, a + 2, a + 3]]
    surf = Part(np.array(v), np.array(f), water, WATER, "water", False, name="stream")
    surf.ao = np.tile([0.85, 0.85], len(z))
    bed = Part(np.array(v) - [0, 0.08, 0] + np.tile([[-0.3, 0, 0], [0.3, 0, 0]], (len(z), 1)), np.array(f), np.array([0.45, 0.40, 0.32]), ROCK,
               "sand", False)
    parts = [surf, bed]
    idx = np.repeat(np.arange(0, len(z), 2), 2)
    side = np.tile([-1.0, 1.0], len(idx) // 2)
    centers = np.stack([x[idx] + side * (w[idx] + rng.uniform(0.0, 0.3, len(idx))), np.full(len(idx), 0.05), z[idx] + rng.uniform(-0.2, 0.2, len(idx))], -1)
    cols = np.clip(np.array([0.52, 0.5, 0.46])[None] * rng.uniform(0.92, 1.08, (len(idx), 1)), 0, 1)
    parts += blobs(rng.uniform(0.12, 0.3, len(idx)), centers, cols, ROCK, seed(rng), 0.3, 1, "rock", True, (1.2, 0.6, 1.0))
    for k in range(3):
        s = rng.uniform(0.2, 0.35)
        i = int(rng.integers(0, len(z)))
        parts.append(blob(s, np.array([0.48, 0.47, 0.44]), ROCK, seed(rng), 0.3, 1, "rock", True, squash=(1.3, 0.6, 1)).transformed(
            translation=(x[i] + rng.uniform(-0.5, 0.5), 0.05, z[i])))
    return parts


@asset("volcano", "nature", (40.0, 17.0, 40.0), synonyms="volcanoes, erupting volcano, active volcano, volcanic mountain, lava mountain",
       emissive=True, light=(6.0, 2.0, 0.5))
def volcano(p, rng):
    col, mat = p.main(np.array([0.30, 0.27, 0.26]), "rock")
    prof = [(20.0, 0.0), (15.0, 3.0), (9.0, 9.0), (5.0, 14.5), (4.2, 15.0), (3.4, 14.2), (2.6, 13.0)]
    cone = lathe(prof, col, ROCK, 36, mat, True, cap_top=False, name="volcano")
    n = fbm(cone.vertices * 0.15, seed(rng), octaves=4)
    cone.vertices[:, [0, 2]] *= (1 + 0.12 * n)[:, None]
    cone.ao = 0.55 + 0.45 * np.clip(cone.vertices[:, 1] / 15, 0, 1)
    lava_c, lava_m = glow(p, on=(1.0, 0.42, 0.08), off=(0.95, 0.38, 0.06), off_material="paint")
    parts = [cone, disc(2.7, 13.1, lava_c, OBJECT, 16, lava_m)]
    for k in range(4):
        a = rng.uniform(-0.8, 0.8) + (0 if k < 2 else math.pi)
        pts = []
        for t in np.linspace(0.0, 1.0, 10):
            y = 14.6 * (1 - t)
            r = np.interp(y, [pr[1] for pr in prof[:5]], [pr[0] for pr in prof[:5]]) * 1.02 + 0.15
            aa = a + 0.15 * math.sin(t * 6 + k)
            pts.append([math.cos(aa) * r, y + 0.1, math.sin(aa) * r])
        parts.append(tube(pts, np.linspace(0.5, 0.9, 10), lava_c, OBJECT, 4, lava_m))
    smoke = np.array([0.45, 0.44, 0.44])
    for k in range(5):
        parts.append(blob(2.0 + 0.5 * k, smoke * (1 + 0.05 * k), OBJECT, seed(rng), 0.3, 1, "plain").transformed(
            translation=(0.6 * k, 15.5 + 0.6 * k * 0.1 + 0.0, -0.8 * k)))
    for q in parts[-5:]:
        q.vertices[:, 1] = np.minimum(q.vertices[:, 1], 17.0 * 2 - 1)
    return parts


@asset("iceberg", "nature", (8.0, 5.0, 6.0), "water", synonyms="icebergs, ice floe, ice floes, ice block, glacier, glacier chunk, ice sheet")
def iceberg(p, rng):
    col = p.col(np.array([0.86, 0.93, 0.98]))
    s = seed(rng)
    b = noisy_box((7.0, 4.0, 5.0), col, ROCK, s, 1.0, 8, "snow", True, 0.3)
    b.vertices[:, 1] *= 1 + 0.25 * (b.vertices[:, 1] > 1.0)
    b.ao = 0.7 + 0.3 * np.clip(b.vertices[:, 1] / 4.5, 0, 1)
    b.color = np.clip(col * (0.9 + 0.1 * b.ao[:, None]) - np.array([0.12, 0.04, 0.0]) * (1 - b.ao[:, None]) * 2, 0, 1)
    return [b]


@asset("fallen_log", "nature", (3.2, 0.7, 0.7), synonyms="log, logs, fallen tree, fallen logs, tree trunk, driftwood, downed tree, timber")
def fallen_log(p, rng):
    col, mat = p.main(BARK, "bark")
    r = rng.uniform(0.25, 0.32)
    body = cylinder(r, r * 0.9, 3.0, col, VEG, 10, mat, True, cap_top=True, cap_bottom=True, name="log")
    n_top = len(body.vertices) - 2
    body.color[n_top:] = np.array([0.72, 0.58, 0.40])
    R = np.array([[0, 1, 0], [-1, 0, 0], [0, 0, 1]], dtype=float)
    parts = [body.transformed(R, (-1.5, r, 0))]
    parts.append(blob(0.3, np.array([0.3, 0.42, 0.15]), VEG, seed(rng), 0.4, 1, "leaves", squash=(1.6, 0.35, 0.9)).transformed(
        translation=(rng.uniform(-0.6, 0.6), 2 * r, 0)))
    parts.append(tube([[0.5, r, 0], [0.7, r + 0.35, 0.2], [0.8, r + 0.55, 0.35]], [0.06, 0.04, 0.02], col, VEG, 4, mat))
    return parts


@asset("tree_stump", "nature", (0.9, 0.6, 0.9), synonyms="stump, stumps, tree stumps, chopping block, cut tree")
def tree_stump(p, rng):
    col, mat = p.main(BARK, "bark")
    s = lathe([(0.45, 0.0), (0.33, 0.12), (0.3, 0.5)], col, VEG, 12, mat, True, cap_top=True, name="stump")
    top = s.vertices[:, 1] >= 0.5 - 1e-9
    s.color[top] = np.array([0.74, 0.60, 0.42])
    parts = [s, disc(0.24, 0.501, np.array([0.62, 0.48, 0.32]), VEG, 12, "wood")]
    for k in range(5):
        a = 2 * math.pi * k / 5 + rng.uniform(-0.3, 0.3)
        parts.append(tube([[math.cos(a) * 0.2, 0.15, math.sin(a) * 0.2], [math.cos(a) * 0.55, 0.03, math.sin(a) * 0.55]], [0.08, 0.03], col, VEG, 4,
                          mat))
    return parts
