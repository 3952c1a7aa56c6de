"""Animals from one quadruped builder (body, legs, neck, head, ears, tail by proportions) plus a waterfowl:
cow, horse, sheep, deer, dog, cat, duck. Solid (colliders) so walkers go around them."""

from __future__ import annotations

import math

import numpy as np

from ..noise import fbm
from ._common import BLACK, OBJECT, seed
from .registry import asset
from .shapes import loft, section, sphere, tube


def quadruped(L: float, H: float, W: float, col, rng, leg_col=None, head=(0.35, 0.22, 0.2), neck=0.45, neck_up=0.6, tail=0.5,
              ears=0.08, horns=0.0, antlers=0.0, patches=None, wool=False) -> list:
    """An animal facing +Z: body length ``L``, shoulder height ``H``, body width ``W``."""
    col = np.asarray(col, dtype=np.float64)
    leg_col = col * 0.85 if leg_col is None else np.asarray(leg_col)
    leg_h = H * 0.58
    bh = H - leg_h + H * 0.12
    y0 = leg_h - H * 0.05
    secs = [section(W * f, bh * g, z, y0 + bh * (1 - g) * 0.5, 12, 0.95) for z, f, g in
            ((-L / 2, 0.45, 0.5), (-L * 0.4, 0.9, 0.92), (0.0, 1.0, 1.0), (L * 0.38, 0.95, 0.98), (L / 2, 0.55, 0.7))]
    body = loft(secs, col, OBJECT, "fabric" if wool else "paint", True, name="body")
    if patches is not None:
        m = fbm(body.vertices * 2.2, seed(rng), octaves=2) > 0.0
        body.color[m] = np.asarray(patches)
    parts = [body]
    if wool:
        body.vertices += (fbm(body.vertices * 6.0, seed(rng), octaves=2) * 0.04)[:, None] * (body.vertices - body.vertices.mean(0)) / max(W, 1e-6)
    for sx in (-1, 1):
        for z in (-L * 0.36, L * 0.36):
            top = np.array([sx * W * 0.3, y0 + bh * 0.3, z])
            parts.append(tube([top, [sx * W * 0.3, leg_h * 0.5, z + 0.02], [sx * W * 0.3, 0.0, z]], [W * 0.13, W * 0.09, W * 0.08], leg_col, OBJECT, 6,
                              "paint", True))
    shoulder = np.array([0.0, y0 + bh * 0.75, L * 0.45])
    head_c = shoulder + np.array([0.0, neck * neck_up, neck * math.sqrt(max(1 - neck_up**2, 0.05))])
    parts.append(tube([shoulder, head_c], [W * 0.28, head[2] * 0.7], col, OBJECT, 8, "paint", True))
    hl, hh, hw = head
    hsecs = [section(hw * f, hh * g, head_c[2] + hl * t, head_c[1] - hh * g / 2 - 0.02 * t, 10, 0.95) for t, f, g in
             ((-0.15, 0.9, 0.9), (0.35, 1.0, 1.0), (0.85, 0.75, 0.7), (1.0, 0.55, 0.5))]
    hp = loft(hsecs, col, OBJECT, "paint", True)
    parts.append(hp)
    for sx in (-1, 1):
        parts.append(sphere(hh * 0.1, BLACK, OBJECT, (sx * hw * 0.45, head_c[1] + hh * 0.15, head_c[2] + hl * 0.35), 0, "paint"))
        if ears > 0:
            parts.append(tube([head_c + [sx * hw * 0.35, hh * 0.35, 0.0], head_c + [sx * (hw * 0.35 + ears * 0.6), hh * 0.35 + ears, -0.02]],
                              [ears * 0.35, ears * 0.1], col * 0.9, OBJECT, 5, "paint"))
        if horns > 0:
            parts.append(tube([head_c + [sx * hw * 0.3, hh * 0.45, 0.0], head_c + [sx * (hw * 0.3 + horns), hh * 0.45 + horns * 0.6, 0.03]],
                              [0.03, 0.01], np.array([0.9, 0.88, 0.8]), OBJECT, 5, "paint"))
        if antlers > 0:
            base = head_c + [sx * hw * 0.3, hh * 0.45, 0.0]
            tip = base + [sx * antlers * 0.6, antlers, -antlers * 0.2]
            parts.append(tube([base, base + (tip - base) * 0.5, tip], 0.02, np.array([0.55, 0.45, 0.32]), OBJECT, 4, "bark"))
            for t in (0.45, 0.75):
                q = base + (tip - base) * t
                parts.append(tube([q, q + [sx * 0.05, antlers * 0.35, antlers * 0.15]], 0.015, np.array([0.55, 0.45, 0.32]), OBJECT, 4, "bark"))
    if tail > 0:
        rump = np.array([0.0, y0 + bh * 0.8, -L / 2])
        parts.append(tube([rump, rump + [0, -tail * 0.5, -tail * 0.25], rump + [0, -tail, -tail * 0.3]], [W * 0.06, W * 0.04, W * 0.05], col * 0.8,
                          OBJECT, 5, "paint"))
    return parts


@asset("cow", "nature", (0.9, 1.6, 2.4), synonyms="cows, cattle, bull, bulls, calf, calves, ox, oxen, dairy cow, herd of cows")
def cow(p, rng):
    col = p.col(np.array([0.95, 0.94, 0.92]))
    return quadruped(2.0, 1.35, 0.75, col, rng, head=(0.5, 0.34, 0.3), neck=0.35, neck_up=0.3, tail=0.75, ears=0.1, horns=0.12,
                     patches=None if p.color is not None else np.array([0.1, 0.09, 0.09]))


@asset("horse", "nature", (0.7, 2.0, 2.4), synonyms="horses, pony, ponies, stallion, mare, foal, steed")
def horse(p, rng):
    col = p.col(np.array([0.45, 0.28, 0.16]))
    parts = quadruped(1.9, 1.55, 0.6, col, rng, head=(0.6, 0.28, 0.22), neck=0.75, neck_up=0.75, tail=0.8, ears=0.1)
    mane = col * 0.35
    sh = np.array([0.0, 1.55, 0.9])
    parts.append(tube([sh, sh + [0, 0.55, 0.3]], 0.06, mane, OBJECT, 5, "fabric"))
    return parts


@asset("sheep", "nature", (0.7, 1.0, 1.3), synonyms="lamb, lambs, flock of sheep, ewe, ram, goat, goats")
def sheep(p, rng):
    col = p.col(np.array([0.92, 0.90, 0.84]))
    return quadruped(1.05, 0.85, 0.62, col, rng, leg_col=np.array([0.12, 0.11, 0.1]), head=(0.28, 0.2, 0.18), neck=0.18, neck_up=0.4, tail=0.1,
                     ears=0.07, wool=True)


@asset("deer", "nature", (0.6, 1.8, 1.7), synonyms="stag, stags, doe, does, fawn, reindeer, elk, moose, antelope")
def deer(p, rng):
    col = p.col(np.array([0.62, 0.42, 0.24]))
    return quadruped(1.35, 1.15, 0.45, col, rng, head=(0.36, 0.18, 0.15), neck=0.55, neck_up=0.8, tail=0.12, ears=0.1, antlers=0.45)


@asset("dog", "nature", (0.35, 0.7, 1.0), synonyms="dogs, puppy, puppies, hound, doggy, pet dog, wolf, wolves, fox, foxes", indoor=True)
def dog(p, rng):
    col = p.col(np.array([0.72, 0.52, 0.30]))
    return quadruped(0.75, 0.55, 0.28, col, rng, head=(0.22, 0.15, 0.13), neck=0.18, neck_up=0.7, tail=0.28, ears=0.07)


@asset("cat", "nature", (0.25, 0.4, 0.6), synonyms="cats, kitten, kittens, kitty, tabby, pet cat", indoor=True)
def cat(p, rng):
    col = p.col(np.array([0.45, 0.42, 0.40]))
    parts = quadruped(0.45, 0.28, 0.17, col, rng, head=(0.1, 0.1, 0.1), neck=0.08, neck_up=0.8, tail=0.3, ears=0.05)
    return parts


@asset("duck", "nature", (0.3, 0.35, 0.45), "water", synonyms="ducks, duckling, ducklings, swan, swans, goose, geese, waterfowl, mallard",
       collider=False)
def duck(p, rng):
    col = p.col(np.array([0.55, 0.45, 0.32]))
    body = sphere(0.14, col, OBJECT, (0, 0.1, 0), 2, "paint", False, squash=(0.9, 0.65, 1.4))
    head_c = np.array([0.0, 0.28, 0.16])
    return [body, tube([[0, 0.15, 0.12], head_c], 0.04, np.array([0.1, 0.35, 0.15]), OBJECT, 6, "paint"),
            sphere(0.06, np.array([0.1, 0.35, 0.15]), OBJECT, head_c, 1, "paint"),
            tube([head_c + [0, -0.01, 0.04], head_c + [0, -0.02, 0.11]], [0.025, 0.015], np.array([0.95, 0.65, 0.1]), OBJECT, 5, "paint"),
            tube([[0, 0.14, -0.17], [0, 0.2, -0.24]], [0.04, 0.01], col * 0.8, OBJECT, 4, "paint")]
