"""Rail and transit: subway platform, rails, train car, steam locomotive, tram, turnstiles, ticket machine, escalator."""

from __future__ import annotations


import numpy as np

from ..mesh import box, cylinder, quad
from ._common import BLACK, BUILDING, GLASS, IRON, METAL, OBJECT, ROCK, WHITE, glow, vary
from .registry import asset
from .shapes import frustum, panel, tube
from .vehicles import body, headlights, wheel, window_band

CONCRETE = np.array([0.62, 0.61, 0.58])


@asset("subway_platform", "urban", (14.0, 3.4, 4.0), synonyms="platform, train platform, metro platform, station platform, subway station "
       "platform, railway platform, underground platform, tube platform, platforms", indoor=True, emissive=True, light=(1.2, 1.2, 1.1))
def subway_platform(p, rng):
    col, mat = p.main(CONCRETE, "paving")
    parts = [box((14.0, 1.1, 4.0), col, BUILDING, mat, True, center=(0, 0.55, 0), bottom=False, name="platform")]
    parts.append(box((14.0, 0.01, 0.45), np.array([0.95, 0.78, 0.10]), BUILDING, "paint", False, center=(0, 1.105, 1.7)))
    parts.append(box((14.0, 0.12, 0.1), col * 0.7, BUILDING, "concrete", True, center=(0, 1.04, 2.03)))
    for x in (-4.5, 4.5):
        parts.append(box((0.5, 2.3, 0.5), np.array([0.85, 0.84, 0.80]), BUILDING, "paint", True, center=(x, 2.25, -0.8)))
        parts.append(box((0.52, 0.4, 0.52), np.array([0.15, 0.35, 0.6]), BUILDING, "paint", False, center=(x, 1.3, -0.8)))
    sc, sm = glow(p, on=(0.95, 0.97, 1.0), off=WHITE, off_material="paint")
    parts.append(tube([[0, 1.1, -0.5], [0, 3.0, -0.5]], 0.04, IRON, OBJECT, 5, "metal", True))
    parts.append(box((2.4, 0.5, 0.08), np.array([0.1, 0.2, 0.45]), OBJECT, "paint", False, center=(0, 3.0, -0.5)))
    parts.append(quad((-1.1, 2.85, -0.43), (2.2, 0, 0), (0, 0.3, 0), sc, OBJECT, sm))
    for x in (-2.2, 2.2):
        parts.append(box((1.6, 0.06, 0.45), np.array([0.6, 0.45, 0.3]), OBJECT, "wood", True, center=(x, 1.55, -1.3)))
        for dx in (-0.6, 0.6):
            parts.append(box((0.06, 0.45, 0.4), IRON, OBJECT, "metal", True, center=(x + dx, 1.325, -1.3)))
    return parts


@asset("rails", "urban", (2.6, 0.35, 10.0), synonyms="rail, railway, railroad, train tracks, tracks, railroad tracks, rail track, subway tracks, "
       "railway track, railway tracks, train track, track, railroad track", indoor=True)
def rails(p, rng):
    col, mat = p.main(np.array([0.45, 0.42, 0.40]), "metal")
    parts = [frustum(2.8, 10.0, 2.4, 10.0, 0.18, np.array([0.42, 0.40, 0.38]), ROCK, "rock", True)]
    for z in np.arange(-4.8, 4.9, 0.6):
        parts.append(box((2.3, 0.1, 0.24), vary(np.array([0.35, 0.26, 0.18]), rng, 0.1), OBJECT, "wood", True, center=(0, 0.23, z)))
    for x in (-0.72, 0.72):
        parts.append(box((0.07, 0.1, 10.0), col, OBJECT, mat, True, center=(x, 0.33, 0)))
        parts.append(box((0.12, 0.02, 10.0), col * 0.8, OBJECT, mat, False, center=(x, 0.29, 0)))
    return parts


@asset("train_car", "vehicle", (3.0, 4.0, 16.0), synonyms="train, trains, subway car, metro car, subway train, train carriage, railcar, railway "
       "carriage, passenger car, coach car, subway, metro train, commuter train, underground train", indoor=True,
       emissive=True, light=(1.1, 1.1, 1.0))
def train_car(p, rng):
    col, mat = p.main(np.array([0.78, 0.79, 0.80]), "metal")
    L, W = 15.6, 2.9
    parts = [body([(-L / 2, 0.9, 3.9, W * 0.95), (-L / 2 + 0.2, 0.85, 4.0, W), (L / 2 - 0.2, 0.85, 4.0, W), (L / 2, 0.9, 3.9, W * 0.95)], col, mat, 16,
                  0.12)]
    stripe = np.array([0.15, 0.35, 0.70]) if p.color is None else col * 0.6
    for side in (-1, 1):
        parts += window_band(side * (W / 2 + 0.01), 2.2, 3.3, -L / 2 + 0.5, L / 2 - 0.5, 7, p, side, 0.5)
        parts.append(quad((side * (W / 2 + 0.03), 1.6, -L / 2 if side > 0 else L / 2), (0, 0, side * L), (0, 0.25, 0), stripe, OBJECT, "paint"))
        for z in (-4.0, 0.0, 4.0):
            parts.append(quad((side * (W / 2 + 0.035), 1.0, z - 0.65 * side), (0, 0, 1.3 * side), (0, 2.2, 0), np.array([0.55, 0.56, 0.58]), OBJECT,
                              "metal"))
    for sz in (-1, 1):
        parts.append(quad((-0.9 * sz, 2.3, sz * (L / 2 + 0.03)), (1.8 * sz, 0, 0), (0, 1.1, 0), GLASS, OBJECT, "glass"))
    parts += headlights(p, W, 1.4, L / 2 + 0.02)
    for z in (-L / 2 + 2.5, L / 2 - 2.5):
        parts.append(box((2.2, 0.5, 2.6), np.array([0.15, 0.15, 0.15]), OBJECT, "metal", True, center=(0, 0.6, z)))
        for dz in (-0.9, 0.9):
            parts += wheel(0.42, 0.12, (0.72, 0.42, z + dz), tire=IRON) + wheel(0.42, 0.12, (-0.72, 0.42, z + dz), tire=IRON)
    parts.append(box((1.4, 0.35, 3.0), np.array([0.55, 0.56, 0.58]), OBJECT, "metal", False, center=(0, 4.05, 0)))
    return parts


@asset("locomotive", "vehicle", (2.8, 4.4, 9.0), synonyms="steam locomotive, steam train, steam engine, engine, locomotives, train engine, "
       "choo choo")
def locomotive(p, rng):
    col, mat = p.main(np.array([0.12, 0.12, 0.13]), "metal")
    red = np.array([0.65, 0.1, 0.08])
    parts = [box((2.4, 0.4, 8.6), red, OBJECT, "paint", True, center=(0, 1.1, 0)),
             cylinder(0.95, 0.95, 5.0, col, OBJECT, 16, mat, True, cap_top=True, cap_bottom=True).transformed(
                 np.array([[1, 0, 0], [0, 0, -1], [0, 1, 0]], dtype=float), (0, 2.25, -1.0)),
             box((2.5, 2.6, 2.4), col, OBJECT, mat, True, center=(0, 2.6, -2.9)),
             box((2.8, 0.12, 2.7), col * 1.5, OBJECT, mat, True, center=(0, 3.96, -2.9))]
    parts.append(cylinder(0.28, 0.4, 1.3, col, OBJECT, 12, mat, True).transformed(translation=(0, 3.0, 3.2)))
    parts.append(cylinder(0.35, 0.1, 0.5, col, OBJECT, 12, mat, True).transformed(translation=(0, 2.9, 1.5)))
    parts.append(frustum(2.4, 0.2, 2.4, 1.2, 0.9, red, OBJECT, "paint", True, y0=0.1, center=(0, 4.4)))
    parts.append(quad((-0.9, 2.9, -1.69), (0.6, 0, 0), (0, 0.7, 0), GLASS, OBJECT, "glass"))
    parts.append(quad((0.3, 2.9, -1.69), (0.6, 0, 0), (0, 0.7, 0), GLASS, OBJECT, "glass"))
    for z in (-0.6, 0.9, 2.4):
        for sx in (-1, 1):
            parts += wheel(0.65, 0.15, (sx * 1.05, 0.65, z), hub=red, spokes=8, tire=red * 0.8, material="metal")
    for sx in (-1, 1):
        parts.append(tube([[sx * 1.15, 0.65, -0.6], [sx * 1.15, 0.65, 2.4]], 0.05, METAL, OBJECT, 4, "metal"))
        parts += wheel(0.45, 0.12, (sx * 1.0, 0.45, -3.2), tire=IRON)
    return parts


@asset("tram", "vehicle", (2.5, 3.9, 11.0), synonyms="streetcar, trams, trolley, cable car, tramcar, light rail, street car",
       emissive=True, light=(1.1, 1.0, 0.8))
def tram(p, rng):
    col, mat = p.main(np.array([0.85, 0.20, 0.12]), "paint")
    L, W = 10.5, 2.4
    parts = [body([(-L / 2, 0.5, 3.1, W * 0.9), (-L / 2 + 0.6, 0.45, 3.3, W), (L / 2 - 0.6, 0.45, 3.3, W), (L / 2, 0.5, 3.1, W * 0.9)], col, mat, 16,
                  0.25)]
    cream = np.array([0.94, 0.9, 0.8])
    for side in (-1, 1):
        parts += window_band(side * (W / 2 + 0.01), 1.7, 2.8, -L / 2 + 0.8, L / 2 - 0.8, 6, p, side, 0.25)
        parts.append(quad((side * (W / 2 + 0.03), 1.35, -L / 2 + 0.6 if side > 0 else L / 2 - 0.6), (0, 0, side * (L - 1.2)), (0, 0.3, 0), cream,
                          OBJECT, "paint"))
    parts.append(quad((-0.9, 1.7, L / 2 + 0.03), (1.8, 0, 0), (0, 1.2, 0), GLASS, OBJECT, "glass"))
    parts += headlights(p, W, 0.9, L / 2 + 0.02)
    parts.append(tube([[0, 3.3, 0], [0, 3.7, -0.8], [0, 3.85, 0.6]], 0.03, BLACK, OBJECT, 4, "metal"))
    parts.append(box((1.2, 0.05, 0.1), BLACK, OBJECT, "metal", False, center=(0, 3.87, 0.6)))
    for z in (-L / 2 + 2.0, L / 2 - 2.0):
        for sx in (-1, 1):
            parts += wheel(0.35, 0.1, (sx * 0.72, 0.35, z), tire=IRON)
    return parts


@asset("turnstiles", "urban", (3.2, 1.1, 1.4), synonyms="turnstile, ticket gates, fare gates, ticket barrier, entry gates, faregates, gates turnstile",
       indoor=True)
def turnstiles(p, rng):
    col, mat = p.main(np.array([0.70, 0.72, 0.74]), "metal")
    parts = []
    for x in (-1.5, -0.5, 0.5, 1.5):
        parts.append(box((0.25, 1.0, 1.3), col, OBJECT, mat, True, center=(x, 0.5, 0), bottom=False))
        parts.append(quad((x - 0.1, 0.9, 0.675), (0.2, 0, 0), (0, 0.08, 0), np.array([0.2, 0.85, 0.3]), OBJECT, "paint"))
    for x in (-1.0, 0.0, 1.0):
        for sx in (-1, 1):
            parts += panel((x + sx * 0.38, 0.45, 0.0), (-sx * 0.3, 0, 0), (0, 0.5, 0), np.array([0.6, 0.7, 0.75]), OBJECT, "glass")
    return parts


@asset("ticket_machine", "urban", (0.8, 1.8, 0.5), synonyms="ticket machines, ticket vending machine, atm, cash machine, kiosk machine", indoor=True,
       emissive=True, light=(0.6, 0.8, 1.0))
def ticket_machine(p, rng):
    col, mat = p.main(np.array([0.18, 0.32, 0.55]), "paint")
    sc, sm = glow(p, on=(0.6, 0.85, 1.0), off=(0.2, 0.3, 0.38))
    return [box((0.8, 1.75, 0.5), col, OBJECT, mat, True, center=(0, 0.875, 0), bottom=False),
            box((0.8, 0.2, 0.55), col * 0.8, OBJECT, mat, True, center=(0, 1.7, 0.02)),
            quad((-0.27, 1.05, 0.28), (0.54, 0, 0), (0, 0.4, 0), sc, OBJECT, sm),
            quad((-0.2, 0.7, 0.28), (0.4, 0, 0), (0, 0.2, 0), np.array([0.7, 0.7, 0.72]), OBJECT, "metal"),
            quad((-0.15, 0.35, 0.28), (0.3, 0, 0), (0, 0.08, 0), BLACK, OBJECT, "plain")]


@asset("escalator", "urban", (1.6, 4.2, 8.0), synonyms="escalators, moving stairs, moving staircase, travelator", indoor=True)
def escalator(p, rng):
    col, mat = p.main(np.array([0.62, 0.64, 0.66]), "metal")
    parts = []
    n = 16
    for k in range(n):
        y, z = 0.15 + k * 0.24, 3.5 - k * 0.42
        parts.append(box((1.0, 0.24 * (k + 1) if k == 0 else 0.24, 0.42), np.array([0.3, 0.3, 0.32]), OBJECT, "metal", True,
                         center=(0, y, z)))
    for sx in (-1, 1):
        side = [(4.0, 0.0), (4.0, 1.0), (-3.0, 4.2), (-4.0, 4.2), (-4.0, 3.0), (3.0, 0.0)]
        from .shapes import extrude
        parts.append(extrude([(z, y) for z, y in side], 0.1, col, OBJECT, mat).transformed(
            np.array([[0, 0, -1], [0, 1, 0], [1, 0, 0]], dtype=float), (sx * 0.6, 0, 0)))
        parts.append(tube([[sx * 0.6, 1.1, 3.8], [sx * 0.6, 1.05, 3.0], [sx * 0.6, 4.3, -3.0], [sx * 0.6, 4.3, -3.8]], 0.05, BLACK, OBJECT, 5, "plain"))
    return parts
