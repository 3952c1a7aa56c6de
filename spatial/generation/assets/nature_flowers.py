"""Flowers, small plants and fungi: sunflowers, tulips, roses, lavender, wildflowers, flower beds,
mushrooms (plain, glowing, giant), lily pads."""

from __future__ import annotations

import math

import numpy as np

from ..mesh import box, cylinder, lathe, rot_y
from ._common import OBJECT, VEG, glow, seed, vary
from .plants import grass_clump
from .registry import asset
from .shapes import blobs, disc, panel, petals, sphere, tube

STEM = np.array([0.30, 0.48, 0.18])


@asset("sunflower", "nature", (1.0, 2.1, 1.0), synonyms="sunflowers, sun flower, sunflower field, field of sunflowers, sunflower plant",
       collider=False)
def sunflower(p, rng):
    col = p.col(np.array([0.98, 0.78, 0.08]))
    parts = []
    for k in range(3):
        a = 2 * math.pi * k / 3 + rng.uniform(-0.3, 0.3)
        base = np.array([math.cos(a) * 0.25, 0, math.sin(a) * 0.25]) if k else np.zeros(3)
        h = rng.uniform(1.5, 2.0)
        head = base + [0, h, 0.12]
        parts.append(tube([base, base + [0, h * 0.6, 0.02], head], 0.025, STEM, VEG, 5, "leaves"))
        for y in (0.45, 0.8, 1.1):
            side = rng.choice([-1, 1])
            parts += panel(base + [0, h * y / 1.5, 0], (side * 0.3, 0.12, 0.05), (0, 0.08, 0.18), STEM * 1.1, VEG, "leaves")
        facing = np.array([rng.uniform(-0.2, 0.2), -0.25, 1.0])
        facing /= np.linalg.norm(facing)
        parts.append(petals(head - facing * 0.01, 20, 0.16, 0.075, vary(col, rng, 0.05), VEG, 0.1, facing, r0=0.12))
        parts.append(cylinder(0.14, 0.12, 0.04, np.array([0.28, 0.17, 0.07]), VEG, 14, "plain", False).transformed(
            __import__("spatial.generation.mesh", fromlist=["align_y_to"]).align_y_to(facing), head))
    return parts


@asset("tulips", "nature", (1.0, 0.55, 1.0), synonyms="tulip, tulip bed, tulip field, field of tulips, daffodils, daffodil", collider=False)
def tulips(p, rng):
    palette = [np.array(c) for c in ((0.86, 0.10, 0.12), (0.98, 0.82, 0.12), (0.95, 0.45, 0.62), (0.97, 0.95, 0.92), (0.62, 0.18, 0.5))]
    base_col = p.color if p.color is not None else palette[int(rng.integers(0, len(palette)))]
    parts = []
    for k in range(14):
        x, z = rng.uniform(-0.45, 0.45), rng.uniform(-0.45, 0.45)
        h = rng.uniform(0.35, 0.5)
        parts.append(tube([[x, 0, z], [x + rng.uniform(-0.03, 0.03), h, z]], 0.008, STEM, VEG, 4, "leaves"))
        c = vary(base_col, rng, 0.08)
        parts.append(lathe([(0.0, 0.0), (0.035, 0.015), (0.042, 0.05), (0.032, 0.085)], c, VEG, 6, "leaves", False, cap_top=True).transformed(
            translation=(x, h, z)))
        parts += panel([x, 0.0, z], (0.05, 0.22, 0.02), (0.04, 0.0, 0.04), STEM * 1.1, VEG, "leaves")
    return parts


@asset("rose_bush", "nature", (1.3, 1.1, 1.3), synonyms="roses, rose, rosebush, rose bushes, rose garden, flowering bush, azalea, "
       "hydrangea, camellia", collider=False)
def rose_bush(p, rng):
    col = p.col(np.array([0.80, 0.06, 0.12]))
    from .plants import bush
    parts = bush(1.2, seed(rng), np.array([0.16, 0.34, 0.12]))
    v = np.concatenate([q.vertices for q in parts])
    top = v[v[:, 1] > 0.35]
    pick = top[rng.integers(0, len(top), 22)] * 1.02
    cols = np.clip(col[None] * rng.uniform(0.9, 1.1, (22, 1)), 0, 1)
    return parts + blobs(np.full(22, 0.065), pick, cols, VEG, seed(rng), 0.3, 1, "leaves")


@asset("lavender", "nature", (1.0, 0.75, 1.0), synonyms="lavender bush, lavender field, lavender plants, lavenders, heather", collider=False)
def lavender(p, rng):
    col = p.col(np.array([0.52, 0.30, 0.82]))
    parts = grass_clump(0.45, seed(rng), np.array([0.45, 0.55, 0.40]), blades=30, lean=0.3, width=0.02)
    for k in range(26):
        a, r = rng.uniform(0, 2 * math.pi), rng.uniform(0.0, 0.35)
        top = np.array([math.cos(a) * r * 1.4, rng.uniform(0.55, 0.72), math.sin(a) * r * 1.4])
        parts.append(tube([[math.cos(a) * r * 0.3, 0, math.sin(a) * r * 0.3], top - [0, 0.12, 0]], 0.006, STEM, VEG, 3, "grass"))
        parts.append(sphere(0.035, vary(col, rng), VEG, top - [0, 0.08, 0], 1, "leaves", squash=(1, 3.5, 1)))
    return parts


@asset("wildflowers", "nature", (1.6, 0.5, 1.6), synonyms="flowers, flower, wild flowers, flower patch, daisies, daisy, poppies, poppy, "
       "meadow flowers, blossoms, bluebells, buttercups, dandelions, flower meadow, wildflower", collider=False)
def wildflowers(p, rng):
    palette = [(0.95, 0.95, 0.92), (0.95, 0.82, 0.15), (0.85, 0.15, 0.12), (0.45, 0.45, 0.9), (0.9, 0.5, 0.75)]
    parts = []
    for k in range(6):
        off = np.array([rng.uniform(-0.6, 0.6), 0, rng.uniform(-0.6, 0.6)])
        parts += [q.transformed(translation=off) for q in grass_clump(0.35, seed(rng), np.array([0.34, 0.5, 0.18]), blades=10)]
    for k in range(30):
        x, z = rng.uniform(-0.75, 0.75), rng.uniform(-0.75, 0.75)
        h = rng.uniform(0.22, 0.45)
        c = p.color if p.color is not None else np.array(palette[int(rng.integers(0, len(palette)))])
        parts.append(tube([[x, 0, z], [x, h, z]], 0.005, STEM, VEG, 3, "grass"))
        parts.append(petals((x, h, z), 6, 0.05, 0.035, vary(c, rng, 0.06), VEG, 0.2))
        parts.append(sphere(0.015, np.array([0.95, 0.75, 0.1]), VEG, (x, h + 0.01, z), 0, "plain"))
    return parts


@asset("flower_bed", "nature", (2.2, 0.75, 1.1), synonyms="flowerbed, flower beds, garden bed, raised bed, planter bed, flower box, "
       "flower planter, garden", collider=True)
def flower_bed(p, rng):
    col, mat = p.main(np.array([0.45, 0.32, 0.2]), "wood")
    parts = [box((2.2, 0.35, 1.1), col, OBJECT, mat, True, center=(0, 0.175, 0), bottom=False)]
    parts.append(box((2.05, 0.02, 0.95), np.array([0.25, 0.18, 0.12]), OBJECT, "plain", False, center=(0, 0.34, 0)))
    palette = [(0.9, 0.2, 0.25), (0.98, 0.8, 0.2), (0.6, 0.3, 0.8), (0.97, 0.97, 0.95), (0.95, 0.5, 0.2)]
    heads, cols = [], []
    for k in range(16):
        x, z = -0.9 + 1.8 * (k % 8) / 7 + rng.uniform(-0.05, 0.05), (-0.22 if k < 8 else 0.22)
        parts += [q.transformed(translation=(x, 0.34, z)) for q in grass_clump(0.22, seed(rng), np.array([0.3, 0.5, 0.18]), blades=6)]
        heads.append((x, 0.6, z))
        cols.append(palette[int(rng.integers(0, len(palette)))])
    return parts + blobs(np.full(len(heads), 0.09), heads, np.array(cols), VEG, seed(rng), 0.35, 1, "leaves")


def _mushroom(h: float, r: float, cap, spots: bool, mat: str, rng) -> list:
    stem = lathe([(r * 0.3, 0), (r * 0.22, h * 0.9)], np.array([0.92, 0.9, 0.84]), VEG, 8, "plain", False)
    prof = [(r * math.cos(a), h * 0.85 + r * 0.75 * math.sin(a)) for a in np.linspace(0, math.pi / 2, 6)]
    c = lathe([(r * 0.2, h * 0.85)] + prof, cap, VEG, 14, mat, False, cap_top=False)
    parts = [stem, c]
    if spots:
        for k in range(7):
            a, el = rng.uniform(0, 2 * math.pi), rng.uniform(0.3, 1.2)
            q = np.array([r * math.cos(el) * math.cos(a), h * 0.85 + r * 0.75 * math.sin(el), r * math.cos(el) * math.sin(a)])
            parts.append(sphere(r * 0.12, np.array([0.96, 0.95, 0.9]), VEG, q * 1.01, 0, "plain", squash=(1, 0.4, 1)))
    return parts


@asset("mushrooms", "nature", (0.7, 0.35, 0.7), synonyms="mushroom, toadstool, fungi, fungus, fly agaric, mushroom cluster, mushroom patch, "
       "toadstools", collider=False)
def mushrooms(p, rng):
    cap = p.col(np.array([0.80, 0.12, 0.08]))
    parts = []
    for k in range(5):
        a, r = rng.uniform(0, 2 * math.pi), rng.uniform(0.0, 0.25)
        s = rng.uniform(0.6, 1.0)
        parts += [q.transformed(translation=(math.cos(a) * r, 0, math.sin(a) * r)) for q in _mushroom(0.3 * s, 0.12 * s, vary(cap, rng), True, "paint",
                                                                                                         rng)]
    return parts


@asset("glowing_mushrooms", "nature", (0.8, 0.4, 0.8), synonyms="bioluminescent mushrooms, glowing fungi, luminous mushrooms, glowing mushroom, "
       "fairy mushrooms, magic mushrooms", collider=False, emissive=True, light=(0.3, 0.9, 1.2))
def glowing_mushrooms(p, rng):
    col = p.col(np.array([0.35, 0.85, 0.95]))
    cc, cm = glow(p, on=col, off=col * 0.8, off_material="paint")
    parts = []
    for k in range(6):
        a, r = rng.uniform(0, 2 * math.pi), rng.uniform(0.0, 0.3)
        s = rng.uniform(0.6, 1.1)
        parts += [q.transformed(translation=(math.cos(a) * r, 0, math.sin(a) * r)) for q in _mushroom(0.32 * s, 0.1 * s, vary(cc, rng), False, cm, rng)]
    return parts


@asset("giant_mushroom", "nature", (3.2, 4.2, 3.2), synonyms="giant mushrooms, huge mushroom, mushroom tree, big mushroom, fantasy mushroom, "
       "giant toadstool", collider=True)
def giant_mushroom(p, rng):
    cap = p.col(np.array([0.78, 0.15, 0.10]))
    parts = _mushroom(4.0, 1.5, cap, True, "paint", rng)
    parts[0] = lathe([(0.5, 0), (0.4, 0.5), (0.3, 3.6)], np.array([0.9, 0.88, 0.8]), VEG, 10, "plain", True, name="stem")
    parts.append(lathe([(0.32, 2.6), (0.6, 2.45), (0.62, 2.5)], np.array([0.92, 0.9, 0.84]), VEG, 12, "plain", False))
    return parts


@asset("lily_pads", "nature", (2.4, 0.15, 2.4), "water", synonyms="lily pad, lilypads, lilypad, water lilies, water lily, lotus, lotus flowers, "
       "lotus flower, lotuses", collider=False)
def lily_pads(p, rng):
    flower = p.col(np.array([0.96, 0.62, 0.78]))
    parts = []
    for k in range(8):
        a, r = rng.uniform(0, 2 * math.pi), rng.uniform(0.0, 1.0)
        c = np.array([math.cos(a) * r, 0.01, math.sin(a) * r])
        pad = disc(rng.uniform(0.16, 0.3), 0.0, vary(np.array([0.22, 0.45, 0.15]), rng), VEG, 12, "leaves")
        pad.faces = pad.faces[1:]  # the notch
        parts.append(pad.transformed(rot_y(rng.uniform(0, 2 * math.pi)), c))
    for k in range(2):
        c = np.array([rng.uniform(-0.6, 0.6), 0.02, rng.uniform(-0.6, 0.6)])
        parts.append(petals(c, 8, 0.12, 0.06, flower, VEG, 0.6))
        parts.append(petals(c + [0, 0.02, 0], 6, 0.08, 0.05, flower * 1.05, VEG, 1.0))
        parts.append(sphere(0.025, np.array([0.98, 0.85, 0.2]), VEG, c + [0, 0.05, 0], 0, "plain"))
    return parts
