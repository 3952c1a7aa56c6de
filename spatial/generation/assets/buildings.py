"""Buildings and street furniture: houses, cabins, towers, city blocks with window facades,
fountains, benches, street lights, cars.

Every builder takes ``(rng, colors, lit)`` style arguments and returns parts in local
coordinates with the **front facing +Z** (doors, shop windows). Wall and roof shells are
colliders; windows, frames and doors are thin decals 2-4 cm in front of the walls.
"""

from __future__ import annotations

import math

import numpy as np

from ...core.labels import label_id
from ..mesh import Part, blob, box, cylinder, lathe, quad

BUILDING = label_id("building")
OBJECT = label_id("object")
WATER = label_id("water")

GLASS_DAY = np.array([0.20, 0.26, 0.32])
GLASS_NIGHT = np.array([1.0, 0.78, 0.45])
FRAME = np.array([0.90, 0.88, 0.84])


def _window(center, right, up, normal, w, h, lit: bool, frame=FRAME) -> list[Part]:
    """A framed window decal on a wall: frame quad then glass quad slightly in front."""
    right, up, normal = (np.asarray(a, dtype=np.float64) for a in (right, up, normal))
    c = np.asarray(center, dtype=np.float64)
    fw, fh = w + 0.12, h + 0.12
    fr = quad(c + normal * 0.025 - right * fw / 2 - up * fh / 2, right * fw, up * fh, frame, BUILDING, "paint")
    g = quad(c + normal * 0.04 - right * w / 2 - up * h / 2, right * w, up * h, GLASS_NIGHT if lit else GLASS_DAY, BUILDING,
             "emissive" if lit else "glass")
    # mullion cross
    mul = [quad(c + normal * 0.05 - right * 0.025 - up * h / 2, right * 0.05, up * h, frame, BUILDING, "paint"),
           quad(c + normal * 0.05 - right * w / 2 - up * 0.025, right * w, up * 0.05, frame, BUILDING, "paint")]
    for p in [fr, g] + mul:
        p.density = 1.6
    return [fr, g] + mul


def _wall_faces(w: float, d: float):
    """(center offset, right, normal, width) for the four walls of a w x d footprint (front = +Z)."""
    return [
        (np.array([0, 0, d / 2]), np.array([1.0, 0, 0]), np.array([0, 0, 1.0]), w),
        (np.array([0, 0, -d / 2]), np.array([-1.0, 0, 0]), np.array([0, 0, -1.0]), w),
        (np.array([w / 2, 0, 0]), np.array([0, 0, -1.0]), np.array([1.0, 0, 0]), d),
        (np.array([-w / 2, 0, 0]), np.array([0, 0, 1.0]), np.array([-1.0, 0, 0]), d),
    ]


def gable_roof(w: float, d: float, y0: float, rise: float, overhang: float, color) -> list[Part]:
    """Two sloped planes (ridge along X) and the two triangular gables."""
    hw, hd = w / 2 + overhang, d / 2 + overhang
    ridge = y0 + rise
    drop = rise * overhang / (d / 2)
    front = quad((-hw, y0 - drop, hd), (2 * hw, 0, 0), (0, ridge - (y0 - drop), -hd), color, BUILDING, "roof", True)
    back = quad((hw, y0 - drop, -hd), (-2 * hw, 0, 0), (0, ridge - (y0 - drop), hd), color, BUILDING, "roof", True)
    under_f = Part(front.vertices - [0, 0.03, 0], front.faces[:, ::-1], color * 0.6, BUILDING, "roof", False)
    under_b = Part(back.vertices - [0, 0.03, 0], back.faces[:, ::-1], color * 0.6, BUILDING, "roof", False)
    return [front, back, under_f, under_b]


def gables(w: float, d: float, y0: float, rise: float, color) -> list[Part]:
    v = np.array([[w / 2, y0, d / 2], [w / 2, y0, -d / 2], [w / 2, y0 + rise, 0], [-w / 2, y0, -d / 2], [-w / 2, y0, d / 2], [-w / 2, y0 + rise, 0]])
    f = np.array([[0, 1, 2], [3, 4, 5]])
    return [Part(v, f, color, BUILDING, "plaster", True)]


def house(rng: np.random.Generator, facade, roof, lit: bool = False, size: float = 1.0) -> list[Part]:
    """A one- or two-storey house with a gable roof, windows on all sides, a door and a chimney."""
    w = rng.uniform(7.0, 10.0) * size
    d = rng.uniform(6.0, 8.0) * size
    floors = int(rng.integers(1, 3))
    h = 2.9 * floors + 0.3
    parts = [box((w, h, d), facade, BUILDING, "plaster", True, center=(0, h / 2, 0), bottom=False, name="walls")]
    rise = d * rng.uniform(0.32, 0.45)
    parts += gable_roof(w, d, h, rise, 0.45, roof)
    parts += gables(w, d, h, rise, facade)
    # plinth
    parts.append(box((w + 0.1, 0.45, d + 0.1), np.asarray(facade) * 0.55, BUILDING, "concrete", True, center=(0, 0.1, 0), bottom=False))
    for k, (c, right, nrm, width) in enumerate(_wall_faces(w, d)):
        n_win = max(1, int(width / 2.6))
        for fl in range(floors):
            y = 1.55 + 2.9 * fl
            for i in range(n_win):
                x = (i + 0.5) / n_win - 0.5
                if k == 0 and fl == 0 and i == n_win // 2:
                    continue  # door goes here
                parts += _window(c + right * x * width + [0, y, 0], right, [0, 1, 0], nrm, 0.9, 1.2, lit and rng.uniform() < 0.7)
    # door on the front
    n_front = max(1, int(w / 2.6))
    dx = ((n_front // 2) + 0.5) / n_front - 0.5
    door = quad((dx * w - 0.5, 0.3, d / 2 + 0.03), (1.0, 0, 0), (0, 2.1, 0), np.array([0.38, 0.22, 0.12]), BUILDING, "wood")
    door.density = 1.5
    parts.append(door)
    cx = rng.uniform(-w / 3, w / 3)
    parts.append(box((0.6, rise + 1.2, 0.6), np.array([0.50, 0.30, 0.25]), BUILDING, "brick", True, center=(cx, h + (rise + 1.2) / 2 - 0.2, -d / 6)))
    return parts


def cabin(rng: np.random.Generator, facade, roof, lit: bool = False) -> list[Part]:
    """A small log cabin (wood walls, dark roof)."""
    wood = np.array([0.45, 0.30, 0.18]) if facade is None else np.asarray(facade)
    return house(rng, wood, roof if roof is not None else np.array([0.25, 0.22, 0.2]), lit, size=0.7)


def tower(rng: np.random.Generator, facade, roof, lit: bool = False) -> list[Part]:
    """A round stone tower / lighthouse with a conical roof."""
    h = rng.uniform(12, 18)
    r = rng.uniform(2.0, 2.8)
    body = lathe([(r * 1.1, -0.3), (r, 1.0), (r * 0.85, h)], facade, BUILDING, 20, "plaster", True, cap_top=True, name="tower")
    top = lathe([(r * 1.05, h), (0.0, h + r * 1.6)], roof, BUILDING, 20, "roof", True, cap_top=False)
    parts = [body, top]
    for k in range(4):
        a = k * math.pi / 2 + 0.3
        n = np.array([math.cos(a), 0, math.sin(a)])
        rr = r * 0.87 + 0.05
        for y in (h * 0.45, h * 0.8):
            parts += _window(n * rr + [0, y, 0], np.cross([0, 1, 0], n), [0, 1, 0], n, 0.6, 1.0, lit)
    return parts


def city_building(rng: np.random.Generator, w: float, d: float, facade, lit: bool = False, floors: int | None = None) -> list[Part]:
    """A city block building: shop front on the ground floor, window grid above, a cornice on top."""
    floors = int(rng.integers(3, 9)) if floors is None else floors
    fh = 3.2
    h = 4.2 + fh * (floors - 1)
    mat = "brick" if rng.uniform() < 0.5 else "plaster"
    parts = [box((w, h, d), facade, BUILDING, mat, True, center=(0, h / 2, 0), bottom=False, name="block")]
    parts.append(box((w + 0.5, 0.5, d + 0.5), np.asarray(facade) * 0.8, BUILDING, "concrete", True, center=(0, h + 0.1, 0)))
    for k, (c, right, nrm, width) in enumerate(_wall_faces(w, d)):
        n_win = max(1, int(width / 2.4))
        # shop front: wide dark glass with an awning
        if k == 0:
            sf = quad(c + nrm * 0.04 - right * (width / 2 - 0.6) + [0, 0.4, 0], right * (width - 1.2), [0, 2.8, 0],
                      GLASS_NIGHT * 0.9 if lit else np.array([0.16, 0.2, 0.24]), BUILDING, "emissive" if lit else "glass")
            sf.density = 1.4
            awn_col = np.array([[0.7, 0.15, 0.12], [0.15, 0.35, 0.25], [0.2, 0.25, 0.5], [0.8, 0.6, 0.2]])[int(rng.integers(0, 4))]
            aw = quad(c + nrm * 1.3 - right * (width / 2 - 0.4) + [0, 3.3, 0], right * (width - 0.8), -nrm * 1.25 + [0, 0.5, 0], awn_col,
                      BUILDING, "fabric")
            aw2 = Part(aw.vertices - [0, 0.02, 0], aw.faces[:, ::-1], awn_col * 0.7, BUILDING, "fabric")
            parts += [sf, aw, aw2]
        for fl in range(1, floors):
            y = 4.2 + fh * (fl - 1) + 1.5
            for i in range(n_win):
                x = (i + 0.5) / n_win - 0.5
                parts += _window(c + right * x * width + [0, y, 0], right, [0, 1, 0], nrm, 1.1, 1.5, lit and rng.uniform() < 0.55)
    return parts


def fountain(rng: np.random.Generator, stone, water, lit: bool = False) -> list[Part]:
    r = rng.uniform(2.8, 3.6)
    basin = lathe([(r, 0.0), (r, 0.6), (r - 0.3, 0.6), (r - 0.3, 0.25)], stone, OBJECT, 28, "concrete", True, cap_top=False, name="basin")
    water_disc = lathe([(0.0, 0.45), (r - 0.3, 0.45)], water, WATER, 28, "water", False, cap_top=False)
    water_disc.faces = water_disc.faces[:, ::-1]
    column = lathe([(0.5, 0.0), (0.3, 0.6), (0.25, 1.6), (0.9, 1.7), (0.9, 1.85), (0.2, 1.9), (0.12, 2.6)], stone, OBJECT, 14, "concrete",
                   True, cap_top=True)
    spray = blob(0.35, np.array([0.85, 0.9, 0.95]), WATER, int(rng.integers(0, 2**31)), 0.4, 1, "water", squash=(1, 1.6, 1)).transformed(translation=(0, 2.8, 0))
    return [basin, water_disc, column, spray]


def bench(rng: np.random.Generator, wood, metal=np.array([0.15, 0.15, 0.16]), lit: bool = False) -> list[Part]:
    parts = [box((1.8, 0.06, 0.45), wood, OBJECT, "wood", True, center=(0, 0.45, 0)),
             box((1.8, 0.4, 0.05), wood, OBJECT, "wood", True, center=(0, 0.75, -0.22))]
    for x in (-0.8, 0.8):
        parts.append(box((0.06, 0.45, 0.45), metal, OBJECT, "metal", True, center=(x, 0.225, 0)))
    return parts


def streetlight(rng: np.random.Generator, metal=np.array([0.18, 0.19, 0.2]), lit: bool = False) -> list[Part]:
    pole = cylinder(0.09, 0.06, 5.0, metal, OBJECT, 8, "metal", True, name="pole")
    arm = box((0.08, 0.08, 1.2), metal, OBJECT, "metal", False, center=(0, 5.0, 0.55))
    head = box((0.35, 0.18, 0.6), metal, OBJECT, "metal", False, center=(0, 4.92, 1.05))
    lamp = quad((-0.15, 4.82, 1.33), (0.3, 0, 0), (0, 0, -0.55), np.array([1.0, 0.9, 0.7]) if lit else np.array([0.85, 0.85, 0.8]),
                OBJECT, "emissive" if lit else "glass")
    lamp.faces = lamp.faces[:, ::-1]
    return [pole, arm, head, lamp]


def car(rng: np.random.Generator, body_color, lit: bool = False) -> list[Part]:
    """A parked car, length along Z."""
    L, W = rng.uniform(4.0, 4.6), 1.8
    parts = [box((W, 0.75, L), body_color, OBJECT, "paint", True, center=(0, 0.65, 0), name="car"),
             box((W * 0.92, 0.6, L * 0.5), body_color, OBJECT, "paint", True, center=(0, 1.3, -0.1 * L))]
    glass = np.array([0.12, 0.15, 0.18])
    parts.append(quad((-W * 0.44, 1.05, 0.15 * L + 0.02), (W * 0.88, 0, 0), (0, 0.5, -0.08), glass, OBJECT, "glass"))
    parts.append(quad((W * 0.46 + 0.01, 1.08, 0.1 * L), (0, 0, -L * 0.42), (0, 0.44, 0), glass, OBJECT, "glass"))
    parts.append(quad((-W * 0.46 - 0.01, 1.08, -0.32 * L), (0, 0, L * 0.42), (0, 0.44, 0), glass, OBJECT, "glass"))
    tire = np.array([0.06, 0.06, 0.06])
    for sx in (-1, 1):
        for z in (-0.32 * L, 0.32 * L):
            wheel = cylinder(0.34, 0.34, 0.24, tire, OBJECT, 12, "plain", False, cap_top=True, cap_bottom=True)
            parts.append(wheel.transformed(np.array([[0, 1, 0], [-1, 0, 0], [0, 0, 1]]) if sx > 0 else np.array([[0, -1, 0], [1, 0, 0], [0, 0, 1]]),
                                           (sx * (W / 2 - 0.2), 0.34, z)))
    if lit:
        for sx in (-0.6, 0.6):
            parts.append(quad((sx - 0.15, 0.7, L / 2 + 0.02), (0.3, 0, 0), (0, 0.15, 0), np.array([1.0, 0.95, 0.8]), OBJECT, "emissive"))
    return parts


#: structure kind -> builder(rng, color, lit, colors) used by the world builder
STRUCTURE_BUILDERS = {
    "house": lambda rng, col, lit, pal: house(rng, col if col is not None else pal["facade"], pal["roof"], lit),
    "cabin": lambda rng, col, lit, pal: cabin(rng, col, None, lit),
    "tower": lambda rng, col, lit, pal: tower(rng, col if col is not None else np.array([0.85, 0.84, 0.80]), pal["roof"], lit),
    "building": lambda rng, col, lit, pal: city_building(rng, rng.uniform(10, 16), rng.uniform(10, 14),
                                                         col if col is not None else pal["facade"], lit),
    "fountain": lambda rng, col, lit, pal: fountain(rng, col if col is not None else np.array([0.72, 0.70, 0.66]), pal["water_shallow"], lit),
    "bench": lambda rng, col, lit, pal: bench(rng, col if col is not None else np.array([0.50, 0.33, 0.18])),
    "streetlight": lambda rng, col, lit, pal: streetlight(rng, lit=lit),
    "car": lambda rng, col, lit, pal: car(rng, col if col is not None else np.array([0.6, 0.1, 0.1]), lit),
}
