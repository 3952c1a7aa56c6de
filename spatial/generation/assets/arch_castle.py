"""Castles and classical architecture: walls, towers, gates, castle, arches, wells, bridges, piers,
stairs, columns, colonnades, statues, ruins, temples, pyramids, obelisks, standing stones."""

from __future__ import annotations

import math

import numpy as np

from ..mesh import blob, box, cylinder, lathe, quad, rot_y
from ._common import BLACK, BUILDING, DARK_WOOD, IRON, OBJECT, RED, ROCK, STONE, WATER, WATER_C, WOOD, seed, vary
from .registry import asset
from .shapes import arch, arched_wall, band, extrude, frustum, masonry, panel, stairs, tube
from .states import handled

MARBLE = np.array([0.90, 0.89, 0.86])
SANDSTONE = np.array([0.80, 0.67, 0.47])


def merlons(x0: float, x1: float, y: float, z: float, col, mat, rng, w: float = 0.7, gap: float = 0.55, h: float = 0.8,
            d: float = 0.45) -> list:
    n = max(1, int((x1 - x0 + gap) / (w + gap)))
    step = (x1 - x0 - w) / max(n - 1, 1)
    return [box((w, h, d), vary(col, rng, 0.05), BUILDING, mat, True, center=(x0 + w / 2 + i * step, y + h / 2, z)) for i in range(n)]


def wall(L: float, H: float, T: float, col, mat, rng) -> list:
    parts = [box((L, H, T), col, BUILDING, mat, True, center=(0, H / 2, 0), bottom=False, name="wall"),
             box((L + 0.2, 0.6, T + 0.3), col * 0.85, BUILDING, mat, True, center=(0, 0.3, 0), bottom=False)]
    if mat in ("concrete", "rock", "plaster"):
        joint = np.asarray(col) * 0.55
        parts.append(masonry(L, H - 0.6, (-L / 2, 0.6, T / 2), (1, 0, 0), (0, 1, 0), joint, BUILDING))
        parts.append(masonry(L, H - 0.6, (L / 2, 0.6, -T / 2), (-1, 0, 0), (0, 1, 0), joint, BUILDING))
    parts += merlons(-L / 2, L / 2, H, T / 2 - 0.22, col, mat, rng)
    parts += merlons(-L / 2, L / 2, H, -T / 2 + 0.22, col, mat, rng, h=0.5)
    return parts


def round_tower(r: float, H: float, col, mat, rng, roof=None) -> list:
    parts = [lathe([(r * 1.08, 0.0), (r, 1.2), (r * 0.95, H)], col, BUILDING, 18, mat, True, cap_top=True, name="tower"),
             lathe([(r * 0.95, H), (r * 1.15, H + 0.5), (r * 1.15, H + 1.0)], col * 0.95, BUILDING, 18, mat, True, cap_top=True)]
    n = max(6, int(2 * math.pi * r * 1.15 / 1.2))
    for k in range(n):
        a = 2 * math.pi * k / n
        parts.append(box((0.6, 0.8, 0.4), vary(col, rng, 0.05), BUILDING, mat, True, center=(0, H + 1.4, 0)).transformed(
            rot_y(-a + math.pi / 2), (math.cos(a) * r * 1.05, 0, math.sin(a) * r * 1.05)))
    for y in (H * 0.35, H * 0.65):
        for a in (math.pi / 2 + 0.4, math.pi / 2 - 0.6, -0.3):
            nrm = np.array([math.cos(a), 0, math.sin(a)])
            rr = r * (1.0 - 0.05 * y / H) + 0.03
            parts.append(quad(nrm * rr + [0, y, 0] - np.cross([0, 1, 0], nrm) * 0.09, np.cross([0, 1, 0], nrm) * 0.18, [0, 0.9, 0], BLACK,
                              BUILDING, "plain"))
    if mat in ("concrete", "rock", "plaster"):
        joint = np.asarray(col) * 0.55
        for y in np.arange(1.6, H - 0.2, 0.45):
            rr = r * (1.0 - 0.05 * (y - 1.2) / max(H - 1.2, 1e-6)) + 0.012
            parts.append(lathe([(rr, y - 0.018), (rr, y + 0.018)], joint, BUILDING, 18, "plain", False, cap_top=False))
    if roof is not None:
        parts.append(lathe([(r * 1.25, H + 1.0), (0.0, H + 1.0 + r * 2.0)], roof, BUILDING, 18, "roof", True, cap_top=False))
    return parts


def flag(x: float, y: float, z: float, col, h: float = 2.0) -> list:
    return [tube([[x, y, z], [x, y + h, z]], 0.04, IRON, OBJECT, 5, "metal")] + panel((x, y + h - 0.7, z), (1.1, -0.1, 0.0), (0, 0.6, 0), col,
                                                                                     OBJECT, "fabric")


@asset("castle_wall", "architecture", (10.0, 6.0, 2.2), synonyms="castle walls, rampart, ramparts, battlement, battlements, fortification, "
       "fortress wall, city wall, city walls, defensive wall, curtain wall, crenellated wall")
def castle_wall(p, rng):
    col, mat = p.main(STONE, "concrete")
    if p.has("ruined", "broken", "destroyed", "crumbling", "collapsed"):
        handled(p, "ruined", "broken", "destroyed", "crumbling", "collapsed")
        return broken_wall(10.0, 5.2, 1.8, col, mat, rng)
    return wall(10.0, 5.2, 1.8, col, mat, rng)


def broken_wall(L: float, H: float, T: float, col, mat, rng) -> list:
    """A wall broken down to a jagged top (solid columns of masonry) with rubble at its foot."""
    parts = [box((L + 0.2, 0.6, T + 0.3), col * 0.85, BUILDING, mat, True, center=(0, 0.3, 0), bottom=False)]
    n = int(L / 0.5)
    phase = rng.uniform(0, 6.3)
    for i in range(n):
        t = i / max(n - 1, 1)
        h = H * np.clip(0.55 + 0.35 * math.sin(phase + 5.0 * t) + rng.uniform(-0.25, 0.15), 0.12, 1.0)
        parts.append(box((0.5, h, T), vary(col, rng, 0.05), BUILDING, mat, True, center=(-L / 2 + 0.25 + i * 0.5, h / 2, 0), bottom=False))
    from .shapes import blobs
    k = 10
    centers = np.stack([rng.uniform(-L / 2, L / 2, k), np.full(k, 0.1), rng.choice([-1.0, 1.0], k) * rng.uniform(T / 2 + 0.2, T / 2 + 1.2, k)], -1)
    return parts + blobs(rng.uniform(0.2, 0.45, k), centers, np.clip(col[None] * rng.uniform(0.85, 1.05, (k, 1)), 0, 1), ROCK, seed(rng), 0.3, 1,
                         "rock", True, (1.2, 0.7, 1.0))


@asset("castle_tower", "architecture", (5.5, 14.0, 5.5), synonyms="castle tower, fortress tower, donjon, defensive tower, corner tower, "
       "castle towers, bastion")
def castle_tower(p, rng):
    col, mat = p.main(STONE, "concrete")
    parts = round_tower(2.4, 11.5, col, mat, rng, None)
    return parts + flag(0, 12.9, 0, RED)


@asset("castle_gate", "architecture", (9.0, 10.0, 4.0), synonyms="gate, gatehouse, castle gate, city gate, fortress gate, portcullis, gates, "
       "town gate, main gate")
def castle_gate(p, rng):
    col, mat = p.main(STONE, "concrete")
    parts = []
    for sx in (-1, 1):
        parts.append(box((2.8, 9.0, 3.4), col, BUILDING, mat, True, center=(sx * 3.1, 4.5, 0), bottom=False))
        if mat in ("concrete", "rock", "plaster"):
            parts.append(masonry(2.8, 9.0, (sx * 3.1 - 1.4, 0.0, 1.7), (1, 0, 0), (0, 1, 0), np.asarray(col) * 0.55, BUILDING))
            parts.append(masonry(3.4, 9.0, (sx * 4.5, 0.0, 1.7) if sx > 0 else (-4.5, 0.0, -1.7), (0, 0, -1) if sx > 0 else (0, 0, 1), (0, 1, 0),
                                 np.asarray(col) * 0.55, BUILDING))
        parts += merlons(sx * 3.1 - 1.4, sx * 3.1 + 1.4, 9.0, 1.5, col, mat, rng)
        parts += merlons(sx * 3.1 - 1.4, sx * 3.1 + 1.4, 9.0, -1.5, col, mat, rng)
        for y in (4.5, 7.0):
            parts.append(quad((sx * 3.1 - 0.1, y, 1.72), (0.2, 0, 0), (0, 0.9, 0), BLACK, BUILDING))
    parts += arched_wall(3.4, 3.2, 7.2, 3.0, col * 0.96, BUILDING, None, 12, 0.0, mat)
    parts += merlons(-1.7, 1.7, 7.2, 1.3, col, mat, rng)
    parts.append(arch(3.4, 0.35, 3.2, col * 0.8, BUILDING, 3.2, 12, 0.0, mat).transformed(translation=(0, 0, 0.02)))
    if p.has("open"):
        for sx in (-1, 1):
            parts.append(box((0.12, 4.6, 1.7), DARK_WOOD, BUILDING, "wood", True, center=(sx * 1.6, 2.3, -0.2)))
    else:
        parts.append(box((3.4, 4.9, 0.15), DARK_WOOD, BUILDING, "wood", True, center=(0, 2.45, -0.4)))
        for x in np.linspace(-1.5, 1.5, 7):
            parts.append(box((0.08, 4.6, 0.08), IRON, BUILDING, "metal", False, center=(x, 2.3, 0.9)))
        for y in np.linspace(0.4, 4.0, 6):
            parts.append(box((3.3, 0.08, 0.08), IRON, BUILDING, "metal", False, center=(0, y, 0.9)))
    handled(p, "open", "closed")
    return parts + flag(3.1, 9.8, 0, RED, 1.8)


@asset("castle", "architecture", (24.0, 16.0, 24.0), synonyms="fortress, citadel, stronghold, chateau, medieval castle, castles, fort, palace, "
       "kingdom castle", emissive=True, light=(1.4, 1.0, 0.6))
def castle(p, rng):
    col, mat = p.main(STONE, "concrete")
    parts = []
    L = 18.0
    for k in range(4):
        rot = rot_y(k * math.pi / 2)
        if k == 0:
            for sx in (-1, 1):
                parts += [q.transformed(rot, (sx * 5.6, 0, L / 2)) for q in wall(6.8, 6.0, 1.8, col, mat, rng)]
            parts += [q.transformed(rot, (0, 0, L / 2)) for q in castle_gate(p, rng)]
        else:
            parts += [q.transformed(rot, tuple(rot @ np.array([0, 0, L / 2]))) for q in wall(L - 3, 6.0, 1.8, col, mat, rng)]
        c = rot @ np.array([L / 2, 0, L / 2])
        parts += [q.transformed(translation=c) for q in round_tower(2.3, 9.0, col, mat, rng, np.array([0.35, 0.22, 0.2]))]
    keep = [box((8, 13, 8), col * 0.97, BUILDING, mat, True, center=(0, 6.5, -2), bottom=False)]
    for k in range(4):
        rot = rot_y(k * math.pi / 2)
        keep += [q.transformed(rot, tuple(rot @ np.array([0, 0, 3.8]) + [0, 0, -2])) for q in merlons(-4, 4, 13, 0, col, mat, rng)]
    from ._common import glow
    wc, wm = glow(p, off=BLACK, off_material="plain")
    for y in (5.5, 9.5):
        for x in (-2.2, 0, 2.2):
            keep.append(quad((x - 0.3, y, 2.02), (0.6, 0, 0), (0, 1.2, 0), wc, BUILDING, wm))
    return parts + keep + flag(0, 13.2, -2, RED, 2.5)


@asset("stone_arch", "architecture", (4.8, 5.4, 1.0), synonyms="arch, archway, stone archway, arches, archways, roman arch, triumphal arch, "
       "arched gateway")
def stone_arch(p, rng):
    col, mat = p.main(STONE, "brick")
    parts = arched_wall(3.0, 3.2, 5.0, 0.9, col, BUILDING, 4.6, 12, 0.0, mat)
    parts.append(box((4.9, 0.35, 1.05), col * 0.9, BUILDING, mat, True, center=(0, 5.15, 0)))
    for sx in (-1, 1):
        parts.append(box((0.95, 0.3, 1.0), col * 0.88, BUILDING, mat, True, center=(sx * 1.95, 0.15, 0)))
    parts.append(box((0.4, 0.5, 0.95), col * 1.05, BUILDING, mat, True, center=(0, 4.75, 0)))
    return parts


@asset("well", "architecture", (2.0, 2.7, 1.9), synonyms="stone well, wishing well, water well, wells, village well, old well")
def well(p, rng):
    col, mat = p.main(STONE, "brick")
    parts = [lathe([(0.85, 0.0), (0.85, 0.85), (0.68, 0.85), (0.68, 0.2)], col, BUILDING, 20, mat, True, cap_top=False, name="well"),
             lathe([(0.9, 0.78), (0.9, 0.92), (0.64, 0.92)], col * 0.85, BUILDING, 20, mat, True, cap_top=False)]
    wat = lathe([(0.0, 0.55), (0.68, 0.55)], WATER_C * 0.6, WATER, 20, "water", False, cap_top=False)
    wat.faces = wat.faces[:, ::-1]
    parts.append(wat)
    for sx in (-1, 1):
        parts.append(box((0.14, 2.0, 0.14), WOOD, OBJECT, "wood", True, center=(sx * 0.78, 1.0, 0)))
    parts.append(tube([[-0.85, 1.65, 0], [0.95, 1.65, 0], [0.95, 1.65, 0.25], [1.05, 1.5, 0.25]], 0.04, DARK_WOOD, OBJECT, 6, "wood"))
    roof = np.array([0.45, 0.26, 0.16])
    for sz in (-1, 1):
        parts += panel((-1.0, 1.95, sz * 0.95), (2.0, 0, 0), (0, 0.65, -sz * 0.95), roof, BUILDING, "roof", back_color=roof * 0.6)
    parts.append(tube([[0, 1.65, 0], [0, 1.05, 0]], 0.01, (0.7, 0.6, 0.4), OBJECT, 4, "plain"))
    parts.append(lathe([(0.13, 0.85), (0.16, 1.05)], DARK_WOOD, OBJECT, 10, "wood", False, cap_top=False))
    return parts


@asset("stone_bridge", "architecture", (11.0, 3.6, 3.2), synonyms="bridge, arched bridge, stone bridges, bridges, old bridge, roman bridge, "
       "viaduct")
def stone_bridge(p, rng):
    col, mat = p.main(STONE, "brick")
    xs = np.linspace(-5.5, 5.5, 45)
    top = 1.6 + 1.2 * np.cos(np.pi * xs / 11.0)
    inner = np.where(np.abs(xs) < 3.4, 2.2 * np.sqrt(np.clip(1 - (xs / 3.4) ** 2, 0, 1)), 0.0)
    parts = [band(np.stack([xs, top], -1), np.stack([xs, inner], -1), 2.6, col, BUILDING, mat, True, name="bridge")]
    for sz in (-1, 1):
        parts.append(band(np.stack([xs, top + 0.8], -1), np.stack([xs, top - 0.05], -1), 0.3, col * 0.9, BUILDING, mat, True).transformed(
            translation=(0, 0, sz * 1.45)))
    parts.append(arch(6.8, 0.3, 2.7, col * 0.78, BUILDING, 0.0, 12, 0.0, mat).transformed(np.diag([1.0, 2.2 / 3.4, 1.0])))
    return parts


@asset("wooden_bridge", "architecture", (8.4, 1.9, 2.4), synonyms="footbridge, foot bridge, plank bridge, wooden footbridge, rope bridge, "
       "wooden bridges, boardwalk bridge")
def wooden_bridge(p, rng):
    col, mat = p.main(WOOD, "wood")
    parts = []
    xs = np.arange(-4.0, 4.01, 0.3)
    for x in xs:
        y = 0.6 + 0.35 * math.cos(math.pi * x / 8.4)
        parts.append(box((0.26, 0.07, 2.0), vary(col, rng, 0.1), BUILDING, mat, True, center=(x, y, 0), bottom=False))
    for sz in (-1, 1):
        parts.append(tube([[x, 0.55 + 0.35 * math.cos(math.pi * x / 8.4), sz * 0.8] for x in np.linspace(-4.1, 4.1, 9)], 0.09, col * 0.7,
                          BUILDING, 6, mat, True))
        rail = [[x, 1.55 + 0.35 * math.cos(math.pi * x / 8.4), sz * 1.0] for x in np.linspace(-4.1, 4.1, 9)]
        parts.append(tube(rail, 0.05, col * 0.85, BUILDING, 6, mat, True))
        for x in np.linspace(-4.0, 4.0, 6):
            y = 0.65 + 0.35 * math.cos(math.pi * x / 8.4)
            parts.append(box((0.12, y + 0.95, 0.12), col * 0.75, BUILDING, mat, True, center=(x, (y + 0.95) / 2, sz * 1.0)))
    return parts


@asset("pier", "architecture", (3.2, 1.7, 12.0), "water", synonyms="dock, docks, jetty, jetties, wharf, boardwalk, landing stage, piers, quay, "
       "boat dock, fishing pier, wooden pier, pontoon")
def pier(p, rng):
    col, mat = p.main(np.array([0.50, 0.38, 0.26]), "wood")
    parts = []
    for z in np.arange(-5.9, 5.95, 0.32):
        parts.append(box((3.0, 0.08, 0.28), vary(col, rng, 0.1), BUILDING, mat, True, center=(0, 1.2, z), bottom=False))
    for sx in (-1, 1):
        parts.append(box((0.15, 0.25, 12.0), col * 0.7, BUILDING, mat, True, center=(sx * 1.45, 1.05, 0)))
        for z in np.linspace(-5.8, 5.8, 6):
            parts.append(cylinder(0.13, 0.13, 1.6, col * 0.6, BUILDING, 8, mat, True).transformed(translation=(sx * 1.5, 0, z)))
    for z in (-3.0, 3.0):
        parts.append(cylinder(0.12, 0.12, 0.35, IRON, OBJECT, 8, "metal", True).transformed(translation=(1.2, 1.24, z)))
    return parts


@asset("stairs", "architecture", (3.4, 1.9, 3.2), synonyms="staircase, steps, stone steps, stairway, flight of stairs, stair, stone stairs, "
       "stone staircase, outdoor stairs, stairs up")
def stairs_kind(p, rng):
    col, mat = p.main(STONE, "rock")
    parts = stairs(2.8, 8, 0.22, 0.36, col, BUILDING, mat, z_front=1.45)
    for sx in (-1, 1):
        cheek = extrude([(1.55, 0.0), (1.55, 0.35), (-1.45, 1.95), (-1.45, 0.0)], 0.3, col * 0.88, BUILDING, mat)
        parts.append(cheek.transformed(rot_y(-math.pi / 2), (sx * 1.55, 0, 0)))
    return parts


def column_parts(h: float, r: float, col, mat, fluted: bool = True) -> list:
    shaft = lathe([(r, 0.35), (r * 0.86, h - 0.5)], col, BUILDING, 16, mat, True, cap_top=False, name="column")
    if fluted:
        ang = np.arctan2(shaft.vertices[:, 2], shaft.vertices[:, 0])
        shaft.ao = 0.85 + 0.15 * np.cos(ang * 16)
    return [box((2.6 * r, 0.2, 2.6 * r), col * 0.95, BUILDING, mat, True, center=(0, 0.1, 0), bottom=False),
            lathe([(1.2 * r, 0.2), (1.2 * r, 0.28), (r, 0.36)], col, BUILDING, 16, mat, True, cap_top=False), shaft,
            lathe([(r * 0.86, h - 0.5), (r * 1.3, h - 0.25), (r * 1.3, h - 0.22)], col, BUILDING, 16, mat, True, cap_top=False),
            box((2.8 * r, 0.22, 2.8 * r), col, BUILDING, mat, True, center=(0, h - 0.11, 0))]


@asset("column", "architecture", (1.0, 5.0, 1.0), synonyms="columns, pillar, pillars, greek column, roman column, marble column, doric column, "
       "ionic column, stone pillar")
def column(p, rng):
    col, mat = p.main(MARBLE, "plaster")
    if p.has("broken", "ruined", "fallen"):
        handled(p, "broken", "ruined", "fallen")
        return column_parts(5.0, 0.36, col, mat)[:3] + [blob(0.4, col, ROCK, seed(rng), 0.3, 1, "rock", True).transformed(translation=(0.9, 0.2, 0.4))]
    return column_parts(5.0, 0.36, col, mat)


@asset("colonnade", "architecture", (11.0, 5.8, 2.0), synonyms="row of columns, portico, peristyle, arcade, cloister walk, stoa")
def colonnade(p, rng):
    col, mat = p.main(MARBLE, "plaster")
    parts = [box((11.0, 0.3, 2.0), col * 0.9, BUILDING, mat, True, center=(0, 0.15, 0), bottom=False)]
    for x in np.linspace(-4.6, 4.6, 5):
        parts += [q.transformed(translation=(x, 0.3, 0)) for q in column_parts(4.8, 0.32, col, mat)]
    parts.append(box((10.6, 0.6, 1.4), col, BUILDING, mat, True, center=(0, 5.4, 0)))
    return parts


@asset("statue", "architecture", (1.3, 3.3, 1.3), synonyms="sculpture, statues, monument, figure, marble statue, bronze statue, stone statue, "
       "memorial, effigy, sculptures")
def statue(p, rng):
    col, mat = p.main(MARBLE, "plaster")
    base = np.array([0.62, 0.60, 0.56])
    parts = [box((1.25, 1.2, 1.25), base, BUILDING, "rock", True, center=(0, 0.6, 0), bottom=False),
             box((1.4, 0.15, 1.4), base * 0.9, BUILDING, "rock", True, center=(0, 1.25, 0))]
    y0 = 1.32
    parts.append(lathe([(0.32, y0), (0.30, y0 + 0.5), (0.2, y0 + 1.05), (0.24, y0 + 1.4), (0.1, y0 + 1.5)], col, OBJECT, 14, mat, True,
                       cap_top=True, name="robe"))
    parts.append(blob(0.14, col, OBJECT, 3, 0.08, 2, mat, True, squash=(0.9, 1.15, 1.0)).transformed(translation=(0, y0 + 1.66, 0.02)))
    parts.append(tube([[0.24, y0 + 1.36, 0], [0.42, y0 + 1.05, 0.1], [0.38, y0 + 0.75, 0.2]], 0.07, col, OBJECT, 6, mat, True))
    parts.append(tube([[-0.24, y0 + 1.36, 0], [-0.38, y0 + 1.65, 0.08], [-0.42, y0 + 1.95, 0.05]], 0.07, col, OBJECT, 6, mat, True))
    return parts


@asset("ruins", "architecture", (9.0, 4.5, 7.0), synonyms="ruin, ancient ruins, rubble, ruined walls, remains, ruined building, ruined temple, "
       "crumbling walls, ruined castle")
def ruins(p, rng):
    col, mat = p.main(STONE, "rock")
    parts = []
    for (x0, z0, L, rot) in ((-4.0, -3.0, 7.0, 0.0), (-4.0, -3.0, 5.5, -math.pi / 2)):
        R = rot_y(rot)
        n = int(L / 0.5)
        for i in range(n):
            h = max(0.3, 4.0 * (1 - abs(i - n * 0.3) / n) * rng.uniform(0.4, 1.0))
            parts.append(box((0.5, h, 0.7), vary(col, rng, 0.07), BUILDING, mat, True, center=(0, h / 2, 0), bottom=False).transformed(
                R, np.array([x0, 0, z0]) + R @ np.array([0.25 + i * 0.5, 0, 0])))
    parts += [q.transformed(translation=(2.5, 0, 1.0)) for q in column_parts(3.2, 0.3, col * 1.1, mat)[:3]]
    drum = cylinder(0.3, 0.3, 1.6, col * 1.05, BUILDING, 12, mat, True, cap_top=True, cap_bottom=True)
    parts.append(drum.transformed(np.array([[0, 1, 0], [-1, 0, 0], [0, 0, 1]]) @ rot_y(0.0), (0.5, 0.3, 2.0)))
    for k in range(6):
        parts.append(blob(rng.uniform(0.2, 0.45), vary(col, rng), ROCK, seed(rng), 0.35, 1, "rock", True).transformed(
            translation=(rng.uniform(-3.5, 3.5), 0.1, rng.uniform(-2.0, 3.0))))
    return parts


@asset("greek_temple", "architecture", (12.0, 8.5, 9.0), synonyms="temple, temples, parthenon, roman temple, ancient temple, marble temple, "
       "pantheon")
def greek_temple(p, rng):
    col, mat = p.main(MARBLE, "plaster")
    parts = []
    for k in range(3):
        parts.append(box((12.0 - 0.6 * k, 0.3, 9.0 - 0.6 * k), col * (0.88 + 0.04 * k), BUILDING, mat, True, center=(0, 0.15 + 0.3 * k, 0)))
    y = 0.9
    for x in np.linspace(-4.8, 4.8, 6):
        for z in (-3.6, 3.6):
            parts += [q.transformed(translation=(x, y, z)) for q in column_parts(5.2, 0.36, col, mat)]
    for z in (-1.2, 1.2):
        for x in (-4.8, 4.8):
            parts += [q.transformed(translation=(x, y, z)) for q in column_parts(5.2, 0.36, col, mat)]
    parts.append(box((8.0, 5.0, 5.0), col * 0.8, BUILDING, mat, True, center=(0, y + 2.5, 0)))
    parts.append(box((11.0, 0.8, 8.4), col, BUILDING, mat, True, center=(0, y + 5.6, 0)))
    ped = extrude([(-5.7, 0), (5.7, 0), (0, 1.6)], 8.8, col * 0.97, BUILDING, mat)
    parts.append(ped.transformed(translation=(0, y + 6.0, 0)))
    return parts


@asset("pyramid", "architecture", (20.0, 13.0, 20.0), synonyms="pyramids, egyptian pyramid, great pyramid, step pyramid, ziggurat, mayan pyramid")
def pyramid(p, rng):
    col, mat = p.main(SANDSTONE, "brick")
    parts = []
    for k in range(8):
        w = 20.0 * (1 - k / 8)
        parts.append(frustum(w, w, w - 2.3, w - 2.3, 1.6, vary(col, rng, 0.03), BUILDING, mat, True, y0=k * 1.6))
    return parts


@asset("obelisk", "architecture", (1.8, 9.0, 1.8), synonyms="obelisks, needle monument, stone needle, monument spire")
def obelisk(p, rng):
    col, mat = p.main(np.array([0.72, 0.64, 0.52]), "rock")
    return [box((1.8, 0.6, 1.8), col * 0.85, BUILDING, mat, True, center=(0, 0.3, 0), bottom=False),
            frustum(1.1, 1.1, 0.75, 0.75, 7.6, col, BUILDING, mat, True, y0=0.6),
            frustum(0.75, 0.75, 0.0, 0.0, 0.7, np.array([0.85, 0.68, 0.3]), BUILDING, "metal", True, y0=8.2)]


@asset("standing_stones", "architecture", (12.0, 4.6, 12.0), synonyms="stonehenge, stone circle, standing stone, menhir, menhirs, monolith, "
       "monoliths, megaliths, megalith, dolmen, henge")
def standing_stones(p, rng):
    col, mat = p.main(np.array([0.55, 0.55, 0.52]), "rock")
    parts = []
    n = 10
    for k in range(n):
        a = 2 * math.pi * k / n
        h = rng.uniform(3.2, 4.2)
        s = blob(1.0, vary(col, rng), ROCK, seed(rng), 0.12, 2, mat, True, squash=(0.6, h / 2, 0.35))
        parts.append(s.transformed(rot_y(-a), (math.cos(a) * 5.3, h / 2 - 0.1, math.sin(a) * 5.3)))
        if k % 2 == 0:
            a2 = a + math.pi / n
            lint = blob(1.0, vary(col, rng), ROCK, seed(rng), 0.1, 1, mat, True, squash=(0.4, 0.3, 1.9))
            parts.append(lint.transformed(rot_y(-a2), (math.cos(a2) * 5.3, 4.1, math.sin(a2) * 5.3)))
    return parts

