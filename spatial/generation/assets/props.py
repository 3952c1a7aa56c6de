"""Props: barrels, lanterns (metal, paper), torches, campfire, hay bales, wheelbarrow, ladder, signpost,
treasure chest, sacks, amphorae, anvil, flagpole, scarecrow, cauldron, gravestones, picnic table,
beach umbrella, deck chair, woodpile, beehive, cannon, pumpkins, snowman, totem pole, temple bell, bucket."""

from __future__ import annotations

import math

import numpy as np

from ..mesh import blob, box, cylinder, lathe, quad, rot_y
from ._common import BARK, BLACK, DARK_WOOD, IRON, METAL, OBJECT, VEG, WHITE, WOOD, flame, glow, seed, vary
from .registry import asset
from .shapes import disc, extrude, panel, sphere, torus, tube

BRASS = np.array([0.78, 0.62, 0.28])
XR = np.array([[0, 1, 0], [-1, 0, 0], [0, 0, 1]], dtype=float)  # +Y -> +X (lying along X)


def barrel_parts(col, mat, h: float = 1.0, r: float = 0.33) -> list:
    prof = [(r * 0.82, 0.0)] + [(r * (0.82 + 0.18 * math.sin(math.pi * t)), h * t) for t in np.linspace(0.1, 0.9, 5)] + [(r * 0.82, h)]
    b = lathe(prof, col, OBJECT, 14, mat, True, cap_top=True, name="barrel")
    ang = np.arctan2(b.vertices[:, 2], b.vertices[:, 0])
    b.ao = 0.85 + 0.15 * np.cos(ang * 14)
    parts = [b]
    for y in (0.1, 0.3, 0.7, 0.9):
        rr = r * (0.82 + 0.18 * math.sin(math.pi * y)) + 0.008
        parts.append(lathe([(rr, h * y - 0.025), (rr, h * y + 0.025)], IRON, OBJECT, 14, "metal", False, cap_top=False))
    return parts


@asset("barrel", "prop", (0.7, 1.0, 0.7), synonyms="barrels, cask, casks, keg, kegs, wine barrel, wooden barrel, oil drum, drum", indoor=True)
def barrel(p, rng):
    col, mat = p.main(np.array([0.50, 0.33, 0.18]), "wood")
    return barrel_parts(col, mat)


@asset("lantern", "prop", (0.3, 0.55, 0.3), synonyms="lanterns, oil lantern, hurricane lamp, oil lamp, camping lantern, storm lantern, old lantern",
       indoor=True, emissive=True, light=(1.4, 0.9, 0.4), collider=False)
def lantern(p, rng):
    col, mat = p.main(np.array([0.15, 0.15, 0.16]), "metal")
    gc, gm = glow(p, on=(1.0, 0.78, 0.4), off=np.array([0.75, 0.78, 0.72]))
    return [cylinder(0.13, 0.12, 0.05, col, OBJECT, 10, mat, False),
            cylinder(0.1, 0.1, 0.26, gc, OBJECT, 10, gm, False).transformed(translation=(0, 0.05, 0)),
            lathe([(0.13, 0.31), (0.1, 0.36), (0.04, 0.42)], col, OBJECT, 10, mat, False),
            torus(0.06, 0.01, col, OBJECT, 12, 4, mat).transformed(np.array([[1, 0, 0], [0, 0, -1], [0, 1, 0]], dtype=float), (0, 0.49, 0))] + \
        [tube([[math.cos(a) * 0.11, 0.05, math.sin(a) * 0.11], [math.cos(a) * 0.11, 0.31, math.sin(a) * 0.11]], 0.008, col, OBJECT, 3, mat)
         for a in np.linspace(0, 2 * math.pi, 4, endpoint=False)]


@asset("paper_lantern", "prop", (0.5, 0.9, 0.5), "hanging", synonyms="chinese lantern, paper lanterns, japanese lantern paper, red lantern, "
       "red lanterns, chinese lanterns, chochin, festival lanterns, hanging lantern, hanging lanterns", indoor=True,
       emissive=True, light=(1.5, 0.5, 0.25), collider=False)
def paper_lantern(p, rng):
    col = p.col(np.array([0.85, 0.12, 0.08]))
    lc, lm = glow(p, on=col * 1.15, off=col, off_material="fabric")
    prof = [(0.12, 0.1)] + [(0.12 + 0.13 * math.sin(math.pi * t), 0.1 + 0.55 * t) for t in np.linspace(0.1, 0.9, 6)] + [(0.12, 0.65)]
    body = lathe(prof, lc, OBJECT, 14, lm, False, cap_top=False, name="lantern")
    body.ao = 0.85 + 0.15 * np.cos(body.vertices[:, 1] * 2 * math.pi / 0.07)
    parts = [body, cylinder(0.12, 0.12, 0.05, BLACK, OBJECT, 12, "paint", False).transformed(translation=(0, 0.05, 0)),
             cylinder(0.12, 0.12, 0.05, BLACK, OBJECT, 12, "paint", False).transformed(translation=(0, 0.65, 0)),
             tube([[0, 0.7, 0], [0, 0.9, 0]], 0.006, BLACK, OBJECT, 3, "plain")]
    for k in range(5):
        a = 2 * math.pi * k / 5
        parts.append(tube([[math.cos(a) * 0.03, 0.05, math.sin(a) * 0.03], [math.cos(a) * 0.05, 0.0, math.sin(a) * 0.05]], 0.005, np.array([0.95, 0.8, 0.2]),
                          OBJECT, 3, "fabric"))
    return parts


@asset("torch", "prop", (0.3, 1.8, 0.3), synonyms="torches, tiki torch, standing torch, flaming torch, brazier, braziers, fire bowl, wall torch",
       indoor=True, emissive=True, light=(2.0, 1.0, 0.35))
def torch(p, rng):
    col, mat = p.main(np.array([0.20, 0.18, 0.16]), "metal")
    return [tube([[0, 0, 0], [0, 1.45, 0]], 0.03, DARK_WOOD, OBJECT, 6, "wood", True),
            lathe([(0.04, 1.4), (0.14, 1.55), (0.15, 1.6)], col, OBJECT, 10, mat, True, cap_top=False),
            flame((0, 1.52, 0), 0.3, p, rng)]


@asset("campfire", "prop", (1.4, 0.8, 1.4), synonyms="camp fire, bonfire, fire pit, firepit, fire, fires, campfires, cooking fire, bonfires",
       emissive=True, light=(3.5, 1.7, 0.5))
def campfire(p, rng):
    a = 2 * np.pi * np.arange(10) / 10
    from .shapes import blobs
    parts = blobs(np.full(10, 0.13), np.stack([np.cos(a) * 0.55, np.full(10, 0.08), np.sin(a) * 0.55], -1),
                  np.clip(np.array([0.5, 0.48, 0.45])[None] * rng.uniform(0.9, 1.1, (10, 1)), 0, 1), OBJECT, seed(rng), 0.3, 1, "rock", True,
                  (1.2, 0.8, 1.0))
    for k in range(5):
        a = 2 * math.pi * k / 5
        d = np.array([math.cos(a), 0, math.sin(a)])
        parts.append(tube([d * 0.4 + [0, 0.05, 0], [0, 0.35, 0]], 0.05, BARK, OBJECT, 5, "bark", True))
    parts.append(disc(0.38, 0.01, np.array([0.12, 0.1, 0.09]), OBJECT, 12, "plain"))
    for k in range(3):
        parts.append(flame((rng.uniform(-0.1, 0.1), 0.05, rng.uniform(-0.1, 0.1)), rng.uniform(0.45, 0.65), p, rng))
    return parts


@asset("hay_bale", "prop", (1.6, 1.3, 1.4), synonyms="hay bales, hay, haystack, haystacks, straw bale, straw bales, bale of hay, round bale")
def hay_bale(p, rng):
    col, mat = p.main(np.array([0.85, 0.72, 0.40]), "fabric")
    r = 0.65
    b = cylinder(r, r, 1.4, col, OBJECT, 16, mat, True, cap_top=True, cap_bottom=True, name="bale").transformed(XR, (-0.7, r, 0))
    b.ao = 0.85 + 0.15 * np.cos(b.vertices[:, 0] * 2 * math.pi / 0.25)
    return [b, disc(r * 0.7, 0.0, col * 0.85, OBJECT, 14, mat).transformed(np.array([[0, -1, 0], [1, 0, 0], [0, 0, 1]], dtype=float), (0.71, r, 0)),
            disc(r * 0.7, 0.0, col * 0.85, OBJECT, 14, mat).transformed(XR, (-0.71, r, 0))]


@asset("wheelbarrow", "prop", (0.7, 0.8, 1.5), synonyms="wheelbarrows, wheel barrow, barrow, garden cart")
def wheelbarrow(p, rng):
    col, mat = p.main(np.array([0.25, 0.45, 0.25]), "metal")
    tray = lathe([(0.12, 0.0), (0.34, 0.32)], col, OBJECT, 4, mat, True, cap_top=False).transformed(rot_y(math.pi / 4))
    tray.vertices[:, 2] *= 1.5
    tray.faces = np.concatenate([tray.faces, tray.faces[:, ::-1]])
    tray.ao = np.clip(0.6 + tray.vertices[:, 1], 0, 1)
    parts = [tray.transformed(translation=(0, 0.38, 0))]
    from .vehicles import wheel
    parts += wheel(0.18, 0.08, (0, 0.18, 0.55))
    for sx in (-1, 1):
        parts.append(tube([[sx * 0.12, 0.18, 0.55], [sx * 0.25, 0.45, -0.1], [sx * 0.28, 0.55, -0.75]], 0.02, IRON, OBJECT, 5, "metal", True))
        parts.append(tube([[sx * 0.22, 0.38, -0.3], [sx * 0.22, 0.0, -0.35]], 0.02, IRON, OBJECT, 5, "metal", True))
    return parts


@asset("ladder", "prop", (0.55, 3.0, 0.6), synonyms="ladders, wooden ladder, step ladder, stepladder", indoor=True)
def ladder(p, rng):
    col, mat = p.main(WOOD, "wood")
    lean = np.array([0, 2.9, -0.5])
    parts = [tube([[sx * 0.22, 0, 0.25], np.array([sx * 0.22, 0, 0.25]) + lean], 0.03, col, OBJECT, 5, mat, True) for sx in (-1, 1)]
    for t in np.linspace(0.08, 0.95, 10):
        q = np.array([0, 0, 0.25]) + lean * t
        parts.append(tube([q - [0.22, 0, 0], q + [0.22, 0, 0]], 0.018, col * 0.9, OBJECT, 4, mat, True))
    return parts


@asset("signpost", "prop", (1.4, 2.4, 1.0), synonyms="sign post, wooden sign, direction sign, fingerpost, signposts, trail sign, guidepost, "
       "waymarker")
def signpost(p, rng):
    col, mat = p.main(np.array([0.50, 0.36, 0.22]), "wood")
    parts = [box((0.12, 2.3, 0.12), col * 0.85, OBJECT, mat, True, center=(0, 1.15, 0), bottom=False)]
    for k, (y, a) in enumerate(((2.0, 0.3), (1.7, -0.4), (1.4, 0.9))):
        board = extrude([(-0.05, -0.1), (0.55, -0.1), (0.7, 0.0), (0.55, 0.1), (-0.05, 0.1)], 0.04, vary(col, rng, 0.1), OBJECT, mat, False)
        parts.append(board.transformed(rot_y(a + (math.pi if k == 1 else 0)), (0, y, 0)))
    return parts


@asset("treasure_chest", "prop", (0.9, 0.7, 0.6), synonyms="chest, chests, treasure, trunk, trunks, treasure chests, storage chest, old chest, "
       "pirate chest", indoor=True)
def treasure_chest(p, rng):
    col, mat = p.main(np.array([0.45, 0.28, 0.14]), "wood")
    parts = [box((0.9, 0.42, 0.56), col, OBJECT, mat, True, center=(0, 0.21, 0), bottom=False)]
    # half-cylinder lid along X
    ang = np.linspace(0, math.pi, 9)
    secs = [np.stack([np.full(9, x), 0.42 + np.sin(ang) * 0.22, np.cos(ang) * 0.28], -1) for x in (-0.45, 0.45)]
    from .shapes import loft
    parts.append(loft(secs, col * 1.05, OBJECT, mat, True))
    for x in (-0.35, 0.35):
        parts.append(box((0.06, 0.44, 0.58), BRASS, OBJECT, "metal", False, center=(x, 0.22, 0)))
        parts.append(loft([np.stack([np.full(9, x + dx), 0.42 + np.sin(ang) * 0.23, np.cos(ang) * 0.29], -1) for dx in (-0.03, 0.03)], BRASS, OBJECT,
                          "metal", False))
    parts.append(box((0.1, 0.12, 0.03), BRASS, OBJECT, "metal", False, center=(0, 0.4, 0.29)))
    if p.has("open"):
        for k in range(12):
            parts.append(disc(0.04, 0.0, np.array([0.95, 0.78, 0.2]), OBJECT, 8, "metal").transformed(translation=(rng.uniform(-0.3, 0.3), 0.43, rng.uniform(-0.2, 0.2))))
    return parts


@asset("sacks", "prop", (1.0, 0.7, 0.8), synonyms="sack, bag, bags, grain sack, grain sacks, flour sacks, sandbags, sandbag, burlap sacks", indoor=True)
def sacks(p, rng):
    col, mat = p.main(np.array([0.72, 0.62, 0.45]), "fabric")
    parts = []
    for k, (x, z) in enumerate(((-0.25, 0.0), (0.25, 0.05), (0.0, -0.2))):
        s = blob(0.28, vary(col, rng, 0.06), OBJECT, seed(rng), 0.15, 2, mat, True, squash=(0.9, 1.2, 0.75)).transformed(translation=(x, 0.3, z))
        parts.append(s)
        parts.append(lathe([(0.06, 0.6), (0.09, 0.68), (0.04, 0.7)], col * 0.9, OBJECT, 8, mat, False).transformed(translation=(x, -0.02, z)))
    return parts


@asset("amphora", "prop", (0.5, 0.9, 0.5), synonyms="amphorae, amphoras, clay pot, clay pots, jar, jars, urn, urns, pottery, earthenware jar, "
       "pot, pots, planter pot", indoor=True)
def amphora(p, rng):
    col, mat = p.main(np.array([0.72, 0.40, 0.24]), "plain")
    parts = [lathe([(0.1, 0.0), (0.16, 0.08), (0.24, 0.3), (0.22, 0.55), (0.1, 0.7), (0.07, 0.78), (0.1, 0.85)], col, OBJECT, 14, mat, True,
                   cap_top=False, name="amphora")]
    parts.append(lathe([(0.225, 0.4), (0.228, 0.46)], np.array([0.2, 0.12, 0.08]), OBJECT, 14, "paint", False))
    for sx in (-1, 1):
        parts.append(tube([[sx * 0.08, 0.78, 0], [sx * 0.2, 0.76, 0], [sx * 0.18, 0.58, 0]], 0.02, col, OBJECT, 5, mat))
    return parts


@asset("anvil", "prop", (0.8, 0.8, 0.4), synonyms="anvils, blacksmith anvil, forge anvil", indoor=True)
def anvil(p, rng):
    col, mat = p.main(np.array([0.20, 0.20, 0.22]), "metal")
    parts = [box((0.5, 0.45, 0.4), np.array([0.35, 0.25, 0.15]), OBJECT, "wood", True, center=(0, 0.225, 0), bottom=False),
             box((0.3, 0.08, 0.24), col, OBJECT, mat, True, center=(0, 0.49, 0)), box((0.16, 0.12, 0.14), col, OBJECT, mat, True, center=(0, 0.59, 0)),
             box((0.5, 0.12, 0.2), col, OBJECT, mat, True, center=(0.02, 0.71, 0))]
    parts.append(extrude([(0.27, 0.65), (0.27, 0.77), (0.52, 0.74)], 0.16, col, OBJECT, mat))
    return parts


@asset("flagpole", "prop", (1.6, 7.0, 0.3), synonyms="flag, flags, flag pole, banner, banners, pennant, flagpoles, standard flag")
def flagpole(p, rng):
    col = p.col(np.array([0.75, 0.12, 0.12]))
    parts = [cylinder(0.06, 0.04, 7.0, METAL, OBJECT, 8, "metal", True), sphere(0.07, BRASS, OBJECT, (0, 7.0, 0), 1, "metal")]
    n = 8
    from ..mesh import Part
    v, f = [], []
    for i in range(n + 1):
        x = 1.5 * i / n
        z = 0.1 * math.sin(i * 1.1)
        v += [[x, 5.9, z], [x, 6.85, z]]
    for i in range(n):
        a = 2 * i
        f += [[a, a + 2, a + 3], [a, a + 3, a + 1]]
    f = np.array(f)
    flag = Part(np.array(v), np.concatenate([f, f[:, ::-1]]), col, OBJECT, "fabric", False, name="flag")
    flag.ao = np.repeat(0.8 + 0.2 * np.cos(np.arange(n + 1) * 1.1), 2)
    band = Part(np.array(v) * [1, 1, 1] + [0, 0, 0.002], np.concatenate([f, f[:, ::-1]]), col, OBJECT, "fabric", False)
    band.color[1::2] = WHITE
    band.vertices[1::2, 1] = 6.35
    band.vertices[0::2, 1] = 6.2
    return parts + [flag, band]


@asset("scarecrow", "prop", (1.4, 1.9, 0.4), synonyms="scarecrows, straw man, field scarecrow")
def scarecrow(p, rng):
    col = p.col(np.array([0.35, 0.45, 0.65]))
    straw = np.array([0.85, 0.74, 0.42])
    return [tube([[0, 0, 0], [0, 1.85, 0]], 0.04, WOOD, OBJECT, 5, "wood", True), tube([[-0.7, 1.35, 0], [0.7, 1.35, 0]], 0.035, WOOD, OBJECT, 5, "wood"),
            lathe([(0.25, 0.75), (0.22, 1.1), (0.2, 1.4), (0.05, 1.45)], col, OBJECT, 8, "fabric", True),
            tube([[-0.2, 1.35, 0], [-0.62, 1.35, 0]], 0.08, col * 0.9, OBJECT, 6, "fabric"), tube([[0.2, 1.35, 0], [0.62, 1.35, 0]], 0.08, col * 0.9,
                                                                                               OBJECT, 6, "fabric"),
            sphere(0.15, straw, OBJECT, (0, 1.6, 0), 1, "fabric"),
            lathe([(0.28, 1.68), (0.28, 1.7), (0.12, 1.72), (0.1, 1.88), (0.0, 1.9)], np.array([0.55, 0.42, 0.2]), OBJECT, 12, "fabric", False)]


@asset("cauldron", "prop", (0.8, 0.9, 0.8), synonyms="cauldrons, witch's cauldron, witches cauldron, cooking pot, big pot, kettle pot", indoor=True,
       emissive=True, light=(0.4, 1.2, 0.3))
def cauldron(p, rng):
    col, mat = p.main(np.array([0.12, 0.12, 0.13]), "metal")
    brew_c, brew_m = glow(p, on=(0.4, 0.95, 0.3), off=(0.3, 0.55, 0.2), off_material="water")
    prof = [(0.0, 0.1)] + [(0.35 * math.sin(a), 0.42 - 0.32 * math.cos(a)) for a in np.linspace(0.2, math.pi * 0.62, 6)] + [(0.3, 0.6)]
    parts = [lathe(prof, col, OBJECT, 16, mat, True, cap_top=False), lathe([(0.31, 0.6), (0.34, 0.62)], col, OBJECT, 16, mat, False),
             disc(0.3, 0.55, brew_c, OBJECT, 14, brew_m)]
    for k in range(3):
        a = 2 * math.pi * k / 3
        parts.append(tube([[math.cos(a) * 0.2, 0.15, math.sin(a) * 0.2], [math.cos(a) * 0.28, 0.0, math.sin(a) * 0.28]], 0.03, col, OBJECT, 4, mat, True))
    for k in range(4):
        parts.append(sphere(0.04, brew_c, OBJECT, (rng.uniform(-0.15, 0.15), 0.57, rng.uniform(-0.15, 0.15)), 0, brew_m))
    return parts


@asset("gravestone", "prop", (0.7, 1.0, 0.25), synonyms="tombstone, tombstones, headstone, headstones, grave, graves, gravestones, tomb, crypt stone, "
       "cemetery, graveyard")
def gravestone(p, rng):
    col, mat = p.main(np.array([0.55, 0.55, 0.53]), "rock")
    ang = np.linspace(0, math.pi, 9)
    outline = [(0.3, 0.0)] + [(math.cos(a) * 0.3, 0.75 + math.sin(a) * 0.25) for a in ang] + [(-0.3, 0.0)]
    parts = [extrude(outline, 0.16, col, OBJECT, mat).transformed(rot_y(rng.uniform(-0.08, 0.08)))]
    parts.append(box((0.7, 0.08, 0.3), col * 0.9, OBJECT, mat, True, center=(0, 0.04, 0), bottom=False))
    for k in range(3):
        parts.append(quad((-0.18 + 0.04 * (k == 1), 0.55 - 0.12 * k, 0.085), (0.36 - 0.08 * (k == 1), 0, 0), (0, 0.03, 0), col * 0.55, OBJECT, "paint"))
    return parts


@asset("picnic_table", "prop", (1.9, 0.8, 1.6), synonyms="picnic tables, picnic bench, outdoor table, park table, garden table")
def picnic_table(p, rng):
    col, mat = p.main(np.array([0.58, 0.42, 0.26]), "wood")
    parts = [box((1.9, 0.05, 0.75), col, OBJECT, mat, True, center=(0, 0.76, 0))]
    for sz in (-1, 1):
        parts.append(box((1.9, 0.05, 0.28), col, OBJECT, mat, True, center=(0, 0.45, sz * 0.65)))
    for sx in (-0.75, 0.75):
        for sz in (-1, 1):
            parts.append(tube([[sx, 0.0, sz * 0.75], [sx, 0.76, sz * 0.1]], 0.04, col * 0.85, OBJECT, 4, mat, True))
        parts.append(box((0.05, 0.05, 1.55), col * 0.85, OBJECT, mat, True, center=(sx, 0.4, 0)))
    return parts


@asset("beach_umbrella", "prop", (2.2, 2.4, 2.2), synonyms="parasol, parasols, beach umbrella, patio umbrella, sun umbrella, umbrella, umbrellas, "
       "sunshade, market umbrella", collider=True)
def beach_umbrella(p, rng):
    col = p.col(np.array([0.90, 0.25, 0.20]))
    can = lathe([(1.1, 1.95), (0.6, 2.2), (0.0, 2.35)], col, OBJECT, 16, "fabric", False, cap_top=False)
    ang = np.arctan2(can.vertices[:, 2], can.vertices[:, 0])
    stripe = (np.floor((ang + math.pi) / (2 * math.pi) * 16) % 2).astype(bool)
    can.color[stripe] = WHITE
    can.faces = np.concatenate([can.faces, can.faces[:, ::-1]])
    return [tube([[0, 0, 0], [0, 2.4, 0]], 0.025, WHITE * 0.9, OBJECT, 6, "metal", True), can]


@asset("deck_chair", "prop", (0.65, 0.9, 1.4), synonyms="deck chairs, sun lounger, sun loungers, lounger, beach chair, beach chairs, deckchair, "
       "lawn chair, adirondack chair", indoor=False)
def deck_chair(p, rng):
    col = p.col(np.array([0.20, 0.50, 0.75]))
    frame = np.array([0.70, 0.55, 0.35])
    parts = []
    for sx in (-1, 1):
        parts.append(tube([[sx * 0.3, 0, 0.6], [sx * 0.3, 0.35, 0.2], [sx * 0.3, 0.9, -0.55]], 0.025, frame, OBJECT, 4, "wood", True))
        parts.append(tube([[sx * 0.3, 0, -0.45], [sx * 0.3, 0.4, 0.45]], 0.025, frame, OBJECT, 4, "wood", True))
    for k in range(9):
        t0, t1 = k / 9, (k + 1) / 9
        def pt(t):
            pts = np.array([[0, 0.35, 0.55], [0, 0.3, 0.15], [0, 0.85, -0.5]])
            return pts[0] * (1 - t) ** 2 + 2 * pts[1] * t * (1 - t) + pts[2] * t * t
        c = col if k % 2 == 0 else WHITE
        a, b = pt(t0), pt(t1)
        parts += panel(a - [0.28, 0, 0], (0.56, 0, 0), b - a, c, OBJECT, "fabric")
    return parts


@asset("woodpile", "prop", (1.8, 1.0, 0.7), synonyms="firewood, log pile, wood pile, stack of logs, stacked firewood, cordwood, logpile, lumber, "
       "lumber pile, stack of wood")
def woodpile(p, rng):
    col, mat = p.main(BARK, "bark")
    parts = []
    r = 0.09
    for row in range(5):
        n = 9 - row
        for i in range(n):
            x = (i - (n - 1) / 2) * 2 * r + rng.uniform(-0.01, 0.01)
            y = r + row * r * 1.75
            log = cylinder(r * rng.uniform(0.85, 1.0), r, 0.7, vary(col, rng), OBJECT, 7, mat, True, cap_top=True, cap_bottom=True)
            log.color[-2:] = np.array([0.78, 0.62, 0.42])
            log.color[7:14] = np.array([0.72, 0.56, 0.38])
            parts.append(log.transformed(np.array([[1, 0, 0], [0, 0, -1], [0, 1, 0]], dtype=float), (x, y, -0.35)))
    return parts


@asset("beehive", "prop", (0.6, 0.9, 0.6), synonyms="beehives, bee hive, apiary, skep, hive")
def beehive(p, rng):
    col, mat = p.main(np.array([0.92, 0.90, 0.82]), "paint")
    parts = [box((0.6, 0.15, 0.6), col * 0.8, OBJECT, mat, True, center=(0, 0.075, 0), bottom=False)]
    for k in range(3):
        parts.append(box((0.55, 0.2, 0.5), vary(col, rng, 0.05), OBJECT, mat, True, center=(0, 0.25 + 0.21 * k, 0)))
    parts.append(box((0.62, 0.06, 0.56), np.array([0.4, 0.4, 0.42]), OBJECT, "metal", True, center=(0, 0.8, 0)))
    parts.append(quad((-0.12, 0.16, 0.255), (0.24, 0, 0), (0, 0.03, 0), BLACK, OBJECT, "plain"))
    return parts


@asset("cannon", "prop", (1.0, 1.0, 2.2), synonyms="cannons, old cannon, artillery, field gun")
def cannon(p, rng):
    col, mat = p.main(np.array([0.15, 0.15, 0.16]), "metal")
    barrel_ = lathe([(0.2, 0.0), (0.2, 0.1), (0.17, 0.2), (0.12, 1.6), (0.15, 1.65), (0.15, 1.75), (0.09, 1.76)], col, OBJECT, 12, mat, True, cap_top=True)
    from ..mesh import rot_x
    R = np.array([[1, 0, 0], [0, 0, -1], [0, 1, 0]], dtype=float)  # +Y -> +Z
    parts = [barrel_.transformed(rot_x(-0.2) @ R, (0, 0.62, -0.6))]
    parts.append(box((0.5, 0.3, 1.2), np.array([0.42, 0.28, 0.16]), OBJECT, "wood", True, center=(0, 0.4, -0.3)))
    from .vehicles import wheel
    for sx in (-1, 1):
        parts += wheel(0.4, 0.08, (sx * 0.35, 0.4, 0.0), hub=np.array([0.42, 0.28, 0.16]), spokes=8, tire=np.array([0.3, 0.2, 0.12]), material="wood")
    return parts


@asset("pumpkins", "prop", (0.9, 0.5, 0.9), synonyms="pumpkin, pumpkin patch, gourds, squash, jack o lantern, jack-o-lantern, pumpkins pile")
def pumpkins(p, rng):
    col = p.col(np.array([0.92, 0.48, 0.08]))
    parts = []
    for k, (x, z, s) in enumerate(((0.0, 0.0, 1.0), (0.35, 0.2, 0.7), (-0.3, 0.25, 0.6))):
        b = sphere(0.22 * s, vary(col, rng, 0.08), VEG, (x, 0.16 * s, z), 2, "paint", True, squash=(1.2, 0.75, 1.2))
        ang = np.arctan2(b.vertices[:, 2] - z, b.vertices[:, 0] - x)
        b.vertices[:, [0, 2]] = (b.vertices[:, [0, 2]] - [x, z]) * (1 + 0.06 * np.cos(ang * 10))[:, None] + [x, z]
        b.ao = 0.75 + 0.25 * np.cos(ang * 10) ** 2
        parts.append(b)
        parts.append(tube([[x, 0.3 * s, z], [x + 0.02, 0.38 * s, z]], 0.025 * s, np.array([0.35, 0.3, 0.15]), VEG, 5, "bark"))
    return parts


@asset("snowman", "prop", (0.9, 1.8, 0.9), synonyms="snowmen, snow man, frosty")
def snowman(p, rng):
    snow = np.array([0.95, 0.96, 0.98])
    col = p.col(np.array([0.75, 0.12, 0.1]))
    parts = [sphere(0.42, snow, OBJECT, (0, 0.38, 0), 2, "snow", True), sphere(0.3, snow, OBJECT, (0, 0.98, 0), 2, "snow", True),
             sphere(0.2, snow, OBJECT, (0, 1.42, 0), 2, "snow", True)]
    parts.append(lathe([(0.0, 0.0), (0.035, 0.0), (0.0, 0.2)], np.array([0.95, 0.5, 0.1]), OBJECT, 8, "paint", False).transformed(
        np.array([[1, 0, 0], [0, 0, -1], [0, 1, 0]], dtype=float), (0, 1.42, 0.18)))
    for x in (-0.07, 0.07):
        parts.append(sphere(0.025, BLACK, OBJECT, (x, 1.5, 0.17), 0, "paint"))
    for y in (0.9, 1.05):
        parts.append(sphere(0.03, BLACK, OBJECT, (0, y, 0.29), 0, "paint"))
    parts.append(torus(0.2, 0.05, col, OBJECT, 16, 5, "fabric").transformed(translation=(0, 1.25, 0)))
    parts.append(cylinder(0.17, 0.17, 0.03, BLACK, OBJECT, 12, "paint", False).transformed(translation=(0, 1.58, 0)))
    parts.append(cylinder(0.11, 0.11, 0.2, BLACK, OBJECT, 12, "paint", False).transformed(translation=(0, 1.6, 0)))
    for sx in (-1, 1):
        parts.append(tube([[sx * 0.25, 1.0, 0], [sx * 0.6, 1.25, 0], [sx * 0.7, 1.35, 0.05]], 0.02, BARK, OBJECT, 4, "bark"))
    return parts


@asset("totem_pole", "prop", (1.6, 6.0, 0.8), synonyms="totem, totems, totem poles, carved pole")
def totem_pole(p, rng):
    col, mat = p.main(np.array([0.55, 0.35, 0.20]), "wood")
    paints = [np.array(c) for c in ((0.75, 0.15, 0.1), (0.1, 0.3, 0.55), (0.1, 0.1, 0.1), (0.15, 0.45, 0.4), (0.9, 0.75, 0.2))]
    parts = [cylinder(0.35, 0.3, 5.4, col, OBJECT, 12, mat, True)]
    for k in range(4):
        y = 0.6 + k * 1.25
        c = paints[int(rng.integers(0, len(paints)))]
        parts.append(box((0.6, 0.5, 0.1), c, OBJECT, "paint", False, center=(0, y + 0.4, 0.33)))
        for x in (-0.15, 0.15):
            parts.append(disc(0.07, 0.0, WHITE, OBJECT, 10, "paint").transformed(np.array([[1, 0, 0], [0, 0, -1], [0, 1, 0]], dtype=float), (x, y + 0.5, 0.385)))
        parts.append(box((0.3, 0.08, 0.08), BLACK, OBJECT, "paint", False, center=(0, y + 0.25, 0.4)))
    parts += panel((-0.8, 5.0, 0.1), (1.6, 0, 0), (0, 0.5, -0.1), paints[0], OBJECT, "paint")
    parts.append(extrude([(-0.2, 0), (0.2, 0), (0, 0.6)], 0.3, paints[2], OBJECT, "paint").transformed(translation=(0, 5.4, 0)))
    return parts


@asset("temple_bell", "prop", (1.6, 2.8, 1.6), synonyms="bell, bells, bronze bell, temple bells, bell tower small, church bell, belfry")
def temple_bell(p, rng):
    col, mat = p.main(np.array([0.45, 0.32, 0.18]), "metal")
    wood = np.array([0.4, 0.26, 0.14])
    parts = []
    for sx in (-1, 1):
        parts.append(box((0.15, 2.5, 0.15), wood, OBJECT, "wood", True, center=(sx * 0.7, 1.25, 0)))
    parts.append(box((1.8, 0.15, 0.25), wood, OBJECT, "wood", True, center=(0, 2.5, 0)))
    parts += [q.transformed(translation=(0, 2.5, 0)) for q in panel((-0.9, 0.1, 0.5), (1.8, 0, 0), (0, 0.25, -0.5), np.array([0.2, 0.2, 0.22]), OBJECT, "roof")]
    parts += [q.transformed(translation=(0, 2.5, 0)) for q in panel((0.9, 0.1, -0.5), (-1.8, 0, 0), (0, 0.25, 0.5), np.array([0.2, 0.2, 0.22]), OBJECT, "roof")]
    parts.append(lathe([(0.42, 0.7), (0.4, 0.8), (0.3, 1.6), (0.25, 2.0), (0.0, 2.05)], col, OBJECT, 16, mat, True, cap_top=False))
    parts.append(tube([[0, 2.05, 0], [0, 2.45, 0]], 0.03, BLACK, OBJECT, 4, "metal"))
    return parts


@asset("bucket", "prop", (0.35, 0.4, 0.35), synonyms="buckets, pail, pails, wooden bucket, metal bucket, water bucket", indoor=True)
def bucket(p, rng):
    col, mat = p.main(np.array([0.55, 0.56, 0.58]), "metal")
    b = lathe([(0.0, 0.0), (0.13, 0.0), (0.17, 0.3)], col, OBJECT, 14, mat, True, cap_top=False)
    b.faces = np.concatenate([b.faces, b.faces[:, ::-1]])
    return [b, tube([[-0.17, 0.3, 0], [-0.1, 0.42, 0], [0.1, 0.42, 0], [0.17, 0.3, 0]], 0.006, IRON, OBJECT, 3, "metal"),
            disc(0.15, 0.22, np.array([0.2, 0.35, 0.4]), OBJECT, 12, "water")]


@asset("leaf_pile", "prop", (1.6, 0.4, 1.6), synonyms="leaves, leaf, fallen leaves, pile of leaves, autumn leaves, leaf piles, dead leaves",
       collider=False)
def leaf_pile(p, rng):
    col = p.col(np.array([0.80, 0.42, 0.12]))
    pile = blob(0.8, col, VEG, seed(rng), 0.3, 2, "leaves", squash=(1.0, 0.3, 1.0))
    pile.vertices[:, 1] = np.maximum(pile.vertices[:, 1], 0.0)
    from ..noise import fbm
    pile.color = np.clip(col * (0.8 + 0.3 * fbm(pile.vertices * 4, seed(rng), octaves=2))[:, None], 0, 1)
    parts = [pile]
    for k in range(40):
        a, r = rng.uniform(0, 2 * math.pi), rng.uniform(0.6, 1.1)
        c = vary(np.array([[0.85, 0.45, 0.1], [0.75, 0.2, 0.08], [0.9, 0.7, 0.2]])[k % 3], rng, 0.1)
        parts.append(disc(0.05, 0.0, c, VEG, 6, "leaves", squash=(1.0, 0.6)).transformed(rot_y(rng.uniform(0, 6.3)), (math.cos(a) * r, 0.01, math.sin(a) * r)))
    return parts


SKIN = [np.array(c) for c in ((0.93, 0.76, 0.62), (0.78, 0.57, 0.42), (0.55, 0.38, 0.26), (0.36, 0.24, 0.17))]
CLOTHES = [np.array(c) for c in ((0.2, 0.3, 0.55), (0.6, 0.15, 0.15), (0.25, 0.45, 0.3), (0.85, 0.8, 0.7), (0.15, 0.15, 0.17), (0.9, 0.6, 0.2))]


@asset("person", "prop", (0.55, 1.75, 0.35), synonyms="people, man, men, woman, women, pedestrian, pedestrians, crowd, villager, villagers, "
       "passerby, human, humans, tourist, tourists, child, children, kid, kids, visitor, visitors", indoor=True)
def person(p, rng):
    skin = SKIN[int(rng.integers(0, len(SKIN)))]
    top = p.color if p.color is not None else CLOTHES[int(rng.integers(0, len(CLOTHES)))]
    legs = CLOTHES[int(rng.integers(0, len(CLOTHES)))] * 0.8
    h = rng.uniform(0.92, 1.05)
    parts = []
    for sx in (-1, 1):
        parts.append(tube([[sx * 0.09, 0.0, 0.0], [sx * 0.09, 0.45 * h, 0.01], [sx * 0.1, 0.88 * h, 0.0]], [0.065, 0.06, 0.075], legs, OBJECT, 6,
                          "fabric", True))
        parts.append(box((0.1, 0.07, 0.24), BLACK * 2, OBJECT, "paint", True, center=(sx * 0.09, 0.035, 0.05)))
        parts.append(tube([[sx * 0.2, 1.38 * h, 0.0], [sx * 0.24, 1.1 * h, 0.03], [sx * 0.25, 0.85 * h, 0.06]], [0.05, 0.045, 0.04], top * 0.95, OBJECT, 6,
                          "fabric"))
        parts.append(sphere(0.045, skin, OBJECT, (sx * 0.25, 0.8 * h, 0.06), 1, "paint"))
    parts.append(lathe([(0.17, 0.86 * h), (0.19, 1.1 * h), (0.21, 1.35 * h), (0.12, 1.44 * h), (0.05, 1.46 * h)], top, OBJECT, 10, "fabric", True,
                       cap_top=True))
    parts[-1].vertices[:, 2] *= 0.65
    parts.append(tube([[0, 1.44 * h, 0], [0, 1.52 * h, 0]], 0.045, skin, OBJECT, 6, "paint"))
    parts.append(sphere(0.11, skin, OBJECT, (0, 1.62 * h, 0.01), 2, "paint", True, squash=(0.9, 1.1, 1.0)))
    hair = np.array([[0.1, 0.07, 0.05], [0.35, 0.22, 0.1], [0.75, 0.6, 0.3], [0.6, 0.6, 0.6]])[int(rng.integers(0, 4))]
    parts.append(sphere(0.115, hair, OBJECT, (0, 1.66 * h, -0.012), 1, "fabric", squash=(0.95, 0.85, 1.0)))
    return parts


@asset("crate", "prop", (0.9, 0.85, 0.9), synonyms="crates, wooden crate, wooden crates, box, boxes, wooden box, shipping box, cardboard box, "
       "supply crate, packing crate", indoor=True)
def crate(p, rng):
    col, mat = p.main(np.array([0.66, 0.50, 0.30]), "wood")
    s = rng.uniform(0.7, 0.9)
    parts = [box((s, s, s), vary(col, rng, 0.08) * 0.92, OBJECT, mat, True, center=(0, s / 2, 0), bottom=False, name="crate")]
    e, t = 0.07, 0.02
    frame = col * 1.08
    for a in range(4):
        R = rot_y(a * math.pi / 2)
        for (cx, cy, w, h) in ((0, e / 2, s, e), (0, s - e / 2, s, e), (-s / 2 + e / 2, s / 2, e, s), (s / 2 - e / 2, s / 2, e, s)):
            parts.append(box((w, h, t), frame, OBJECT, mat, False, center=(0, 0, 0)).transformed(R, R @ np.array([cx, cy, s / 2 + t / 2])))
        L = math.hypot(s - 2 * e, s - 2 * e)
        diag = box((L, e, t), frame, OBJECT, mat, False).transformed(np.array([[math.cos(math.pi / 4), -math.sin(math.pi / 4), 0],
                                                                                [math.sin(math.pi / 4), math.cos(math.pi / 4), 0], [0, 0, 1]]))
        parts.append(diag.transformed(R, R @ np.array([0, s / 2, s / 2 + t / 2])))
    for (cx, cz, w, d) in ((0, -s / 2 + e / 2, s, e), (0, s / 2 - e / 2, s, e), (-s / 2 + e / 2, 0, e, s), (s / 2 - e / 2, 0, e, s)):
        parts.append(box((w, t, d), frame, OBJECT, mat, False, center=(cx, s + t / 2, cz)))
    return parts
