"""Trees and large plants: cherry, birch, willow, bamboo, maple, apple, cypress, jungle tree, bonsai, fern, hedge."""

from __future__ import annotations

import math

import numpy as np

from ..mesh import blob, box, lathe, rot_y
from ..noise import fbm
from ._common import BARK, OBJECT, VEG, seed, vary
from .registry import asset
from .shapes import crown, disc, petals, sphere, tube

PINK = np.array([0.95, 0.58, 0.74])


def trunk(h: float, r: float, col, lean=(0.0, 0.0), segs: int = 8) -> object:
    t = lathe([(r * 1.35, 0.0), (r, 0.5), (r * 0.7, h)], col, VEG, segs, "bark", True, cap_top=True, name="trunk")
    t.vertices[:, 0] += lean[0] * t.vertices[:, 1] / h
    t.vertices[:, 2] += lean[1] * t.vertices[:, 1] / h
    t.ao = 0.5 + 0.5 * np.clip(t.vertices[:, 1] / h, 0, 1)
    return t


def limbs(origin, n: int, length: float, rise: float, r: float, col, rng, spread: float = 1.0):
    """``n`` branches from ``origin`` outward and up; returns (parts, tip points)."""
    parts, tips = [], []
    o = np.asarray(origin, dtype=np.float64)
    for k in range(n):
        a = 2 * math.pi * k / n + rng.uniform(-0.4, 0.4)
        L = length * rng.uniform(0.75, 1.1)
        mid = o + np.array([math.cos(a) * L * 0.5 * spread, rise * 0.6, math.sin(a) * L * 0.5 * spread])
        tip = o + np.array([math.cos(a) * L * spread, rise * rng.uniform(0.8, 1.1), math.sin(a) * L * spread])
        parts.append(tube([o, mid, tip], [r, r * 0.7, r * 0.35], col, VEG, 5, "bark", False))
        tips.append(tip)
    return parts, tips


@asset("cherry_tree", "nature", (6.0, 5.0, 6.0), synonyms="sakura, cherry blossom, cherry blossoms, cherry blossom tree, cherry trees, "
       "blossom tree, flowering tree, sakura tree, cherry")
def cherry_tree(p, rng):
    col = p.col(PINK)
    bark = np.array([0.28, 0.20, 0.18])
    parts = [trunk(2.0, 0.2, bark, (rng.uniform(-0.3, 0.3), 0.0))]
    br, tips = limbs((0, 1.8, 0), 4, 2.2, 1.6, 0.14, bark, rng)
    parts += br
    if not p.has("dead", "bare", "winter", "leafless"):
        for k, t in enumerate(tips + [np.array([0, 3.6, 0])]):
            c = vary(col, rng, 0.06)
            for lobe in crown(t + [0, 0.2, 0], rng.uniform(1.1, 1.4), c, VEG, seed(rng), 4, (1.25, 0.65, 1.25), rng):
                w = (0.5 + 0.5 * fbm(lobe.vertices * 2.0, seed(rng), octaves=2))[:, None]
                lobe.color = np.clip(lobe.color * (1 - 0.22 * w) + np.array([1.0, 0.9, 0.94]) * 0.22 * w, 0, 1)
                parts.append(lobe)
        parts.append(disc(2.6, 0.02, col * 0.95, VEG, 20, "leaves", squash=(1.0, 0.9)))
    return parts


@asset("birch_tree", "nature", (3.2, 9.0, 3.2), synonyms="birch, birches, silver birch, birch trees, aspen, aspens, white birch")
def birch_tree(p, rng):
    parts = []
    leaf = p.col(np.array([0.48, 0.62, 0.22]))
    for k in range(int(rng.integers(1, 4))):
        a = rng.uniform(0, 2 * math.pi)
        off = np.array([math.cos(a), 0, math.sin(a)]) * (0.0 if k == 0 else 0.35)
        h = rng.uniform(7.0, 8.5) * (1.0 if k == 0 else 0.85)
        prof = [(0.16, 0.0)] + [(0.14 - 0.1 * t, h * t) for t in np.linspace(0.05, 1.0, 16)]
        t = lathe(prof, (0.9, 0.9, 0.86), VEG, 9, "bark", True, cap_top=True, name="trunk")
        marks = fbm(t.vertices * [6.0, 2.5, 6.0], seed(rng), octaves=2) > 0.25
        t.color[marks] = np.array([0.12, 0.11, 0.10])
        t.vertices[:, [0, 2]] += off[[0, 2]] * (1 + t.vertices[:, 1:2] / h)
        parts.append(t)
        top = off * 2 + [0, h * 0.72, 0]
        parts += crown(top, 1.3, vary(leaf, rng), VEG, seed(rng), 5, (0.8, 1.6, 0.8), rng)
    return parts


@asset("willow_tree", "nature", (8.0, 7.0, 8.0), synonyms="willow, weeping willow, willows, willow trees")
def willow_tree(p, rng):
    leaf = p.col(np.array([0.50, 0.60, 0.24]))
    parts = [trunk(3.6, 0.35, BARK)]
    br, tips = limbs((0, 3.2, 0), 5, 2.0, 1.5, 0.18, BARK, rng)
    parts += br
    parts += crown((0, 5.6, 0), 2.8, leaf * 0.9, VEG, seed(rng), 6, (1.15, 0.55, 1.15), rng)
    n = 70
    for k in range(n):
        a = 2 * math.pi * k / n + rng.uniform(-0.05, 0.05)
        el = rng.uniform(0.0, 0.8)
        r0 = 3.1 * math.cos(el)
        start = np.array([math.cos(a) * r0, 5.3 + 1.3 * math.sin(el), math.sin(a) * r0])
        out = np.array([math.cos(a), 0, math.sin(a)])
        end_y = rng.uniform(0.5, 1.6)
        pts = [start, start + out * 0.6 + [0, 0.3, 0], start + out * 0.9 - [0, (start[1] - end_y) * 0.5, 0], start + out * 1.0 - [0, start[1] - end_y, 0]]
        parts.append(tube(pts, [0.07, 0.09, 0.08, 0.04], vary(leaf, rng, 0.1), VEG, 4, "leaves"))
    return parts


@asset("bamboo", "nature", (2.6, 7.0, 2.6), synonyms="bamboo grove, bamboo forest, bamboo stalks, bamboo plant, bamboo stand, bamboos, "
       "bamboo thicket, bamboo cluster")
def bamboo(p, rng):
    col = p.col(np.array([0.50, 0.62, 0.26]))
    leaf = np.array([0.30, 0.48, 0.16])
    parts = []
    for k in range(int(rng.integers(10, 15))):
        a, r = rng.uniform(0, 2 * math.pi), rng.uniform(0, 1.0)
        base = np.array([math.cos(a) * r, 0.0, math.sin(a) * r])
        h = rng.uniform(4.5, 6.8)
        lean = np.array([math.cos(a), 0, math.sin(a)]) * rng.uniform(0.1, 0.5)
        top = base + lean + [0, h, 0]
        c = vary(col, rng, 0.1)
        parts.append(tube([base, base + lean * 0.3 + [0, h * 0.5, 0], top], 0.045, c, VEG, 6, "bark", True))
        for t in np.arange(0.35, 1.0, 0.12):
            q = base + (top - base) * t
            parts.append(lathe([(0.055, 0), (0.055, 0.03)], c * 0.7, VEG, 6, "bark", False).transformed(translation=q))
        for t in (0.6, 0.72, 0.84, 0.96):
            q = base + (top - base) * t
            parts.append(petals(q, 5, rng.uniform(0.5, 0.7), 0.09, vary(leaf, rng, 0.15), VEG, -0.35))
    return parts


@asset("maple_tree", "nature", (5.0, 5.5, 5.0), synonyms="japanese maple, red maple, maple, maples, autumn tree, red tree, fall tree, "
       "acer, maple trees")
def maple_tree(p, rng):
    col = p.col(np.array([0.78, 0.16, 0.08]))
    parts = [trunk(1.6, 0.16, np.array([0.3, 0.22, 0.2]), (0.3, 0.0))]
    br, tips = limbs((0.3, 1.5, 0), 5, 1.9, 1.4, 0.1, np.array([0.3, 0.22, 0.2]), rng)
    parts += br
    for t in tips + [np.array([0.3, 3.4, 0])]:
        parts += crown(t + [0, 0.3, 0], 1.0, vary(col, rng, 0.12), VEG, seed(rng), 4, (1.3, 0.5, 1.3), rng)
    return parts


@asset("apple_tree", "nature", (4.6, 4.6, 4.6), synonyms="fruit tree, orchard tree, apple trees, orange tree, lemon tree, fruit trees, "
       "orchard")
def apple_tree(p, rng):
    fruit = p.col(np.array([0.80, 0.10, 0.08]))
    parts = [trunk(1.5, 0.15, BARK)]
    br, tips = limbs((0, 1.4, 0), 4, 1.4, 1.2, 0.1, BARK, rng)
    parts += br
    lobes = crown((0, 3.0, 0), 1.9, np.array([0.24, 0.45, 0.15]), VEG, seed(rng), 6, (1.1, 0.85, 1.1), rng)
    parts += lobes
    for k in range(26):
        a, el = rng.uniform(0, 2 * math.pi), rng.uniform(-0.5, 0.7)
        r = 2.0
        c = np.array([math.cos(a) * math.cos(el) * r * 1.05, 3.0 + math.sin(el) * r * 0.85, math.sin(a) * math.cos(el) * r * 1.05])
        parts.append(sphere(0.09, vary(fruit, rng, 0.1), VEG, c, 1, "paint"))
    return parts


@asset("cypress_tree", "nature", (1.8, 10.0, 1.8), synonyms="cypress, italian cypress, cypresses, poplar, poplars, columnar tree, cedar, "
       "cedars, juniper")
def cypress_tree(p, rng):
    col = p.col(np.array([0.14, 0.28, 0.12]))
    parts = [trunk(1.2, 0.12, BARK)]
    prof = [(0.0, 0.6)] + [(0.85 * math.sin(math.pi * min(1.0, t ** 0.7)) * (1 - 0.25 * t), 0.6 + 9.0 * t) for t in np.linspace(0.04, 1.0, 12)]
    c = lathe(prof, col, VEG, 12, "needles", False, cap_top=False)
    n = fbm(c.vertices * 1.6, seed(rng), octaves=3)
    c.vertices[:, [0, 2]] *= (1 + 0.25 * n)[:, None]
    c.ao = 0.55 + 0.45 * (np.linalg.norm(c.vertices[:, [0, 2]], axis=1) / 0.85).clip(0, 1)
    return parts + [c]


@asset("jungle_tree", "nature", (9.0, 15.0, 9.0), synonyms="rainforest tree, tropical tree, kapok, kapok tree, ceiba, giant tree, jungle trees, "
       "rain forest tree, banyan, banyan tree, mahogany")
def jungle_tree(p, rng):
    leaf = p.col(np.array([0.16, 0.40, 0.12]))
    bark = np.array([0.45, 0.40, 0.32])
    parts = [trunk(11.0, 0.45, bark, (0.0, 0.0), 10)]
    for k in range(5):
        a = 2 * math.pi * k / 5 + rng.uniform(-0.3, 0.3)
        d = np.array([math.cos(a), 0, math.sin(a)])
        parts.append(tube([d * 0.2 + [0, 2.2, 0], d * 0.9 + [0, 0.8, 0], d * 1.6 + [0, 0.0, 0]], [0.25, 0.18, 0.08], bark, VEG, 4, "bark", True))
    br, tips = limbs((0, 10.5, 0), 5, 3.2, 1.8, 0.25, bark, rng)
    parts += br
    for t in tips + [np.array([0, 12.8, 0])]:
        parts += crown(t + [0, 0.4, 0], 2.0, vary(leaf, rng), VEG, seed(rng), 4, (1.3, 0.55, 1.3), rng)
    for k in range(8):
        t = tips[k % len(tips)]
        L = rng.uniform(3.0, 7.0)
        parts.append(tube([t, t + [rng.uniform(-0.3, 0.3), -L * 0.5, rng.uniform(-0.3, 0.3)], t + [0, -L, 0]], 0.03, np.array([0.25, 0.35, 0.15]), VEG, 4,
                          "leaves"))
    return parts


@asset("bonsai", "nature", (0.6, 0.55, 0.45), "table_top", synonyms="bonsai tree, bonsais, miniature tree", indoor=True)
def bonsai(p, rng):
    leaf = p.col(np.array([0.22, 0.42, 0.16]))
    pot = box((0.5, 0.1, 0.35), np.array([0.35, 0.22, 0.18]), OBJECT, "paint", True, center=(0, 0.05, 0), bottom=False)
    parts = [pot, tube([[0, 0.1, 0], [0.08, 0.22, 0], [-0.06, 0.33, 0.02], [0.04, 0.42, 0]], [0.05, 0.04, 0.03, 0.02], BARK, VEG, 5, "bark", True)]
    for c in ((0.14, 0.3, 0.0), (-0.14, 0.38, 0.02), (0.02, 0.47, 0.0)):
        parts.append(blob(0.12, vary(leaf, rng), VEG, seed(rng), 0.3, 1, "leaves", squash=(1.3, 0.5, 1.1)).transformed(translation=c))
    return parts


def frond(length: float, width: float, col, arch: float = 0.5, n: int = 7):
    from ..mesh import Part

    s = np.linspace(0, 1, n + 1)
    spine = np.stack([s * length, arch * length * np.sin(s * math.pi * 0.7) - 0.5 * length * s**2, np.zeros_like(s)], -1)
    w = width * np.sin(s * math.pi) * (1 - 0.4 * s)
    left, right = spine + np.stack([0 * s, -0.1 * w, w], -1), spine + np.stack([0 * s, -0.1 * w, -w], -1)
    v = np.concatenate([left, spine, right])
    m = n + 1
    f = []
    for i in range(n):
        f += [[i, m + i + 1, m + i], [i, i + 1, m + i + 1], [m + i, m + i + 1, 2 * m + i + 1], [m + i, 2 * m + i + 1, 2 * m + i]]
    f = np.array(f)
    f = np.concatenate([f, f[:, ::-1]])
    return Part(v, f, col, VEG, "leaves", False, ao=np.concatenate([0.6 + 0.4 * s] * 3))


@asset("fern", "nature", (1.6, 0.9, 1.6), synonyms="ferns, bracken, fern plant, fiddlehead, undergrowth fern", collider=False)
def fern(p, rng):
    col = p.col(np.array([0.26, 0.48, 0.16]))
    parts = []
    for k in range(int(rng.integers(8, 13))):
        a = 2 * math.pi * k / 10 + rng.uniform(-0.2, 0.2)
        fr = frond(rng.uniform(0.7, 0.9), 0.16, vary(col, rng, 0.1), rng.uniform(0.7, 1.1))
        parts.append(fr.transformed(rot_y(a), (0, 0.05, 0)))
    return parts


@asset("hedge", "nature", (3.0, 1.4, 1.0), synonyms="hedges, hedgerow, boxwood, privet, hedge row, topiary, trimmed hedge", collider=True)
def hedge(p, rng):
    col = p.col(np.array([0.18, 0.36, 0.12]))
    parts = [box((2.9, 0.2, 0.8), BARK, VEG, "bark", True, center=(0, 0.1, 0), bottom=False)]
    for x in np.linspace(-1.1, 1.1, 4):
        b = blob(0.75, vary(col, rng, 0.06), VEG, seed(rng), 0.12, 2, "leaves", squash=(0.85, 0.9, 0.62)).transformed(translation=(x, 0.68, 0))
        b.vertices = np.clip(b.vertices, [-1.5, 0.0, -0.5], [1.5, 1.4, 0.5])
        b.ao = 0.6 + 0.4 * np.clip(b.vertices[:, 1] / 1.4, 0, 1)
        parts.append(b)
    return parts
