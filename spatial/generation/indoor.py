"""Indoor scenes: a room shell (floor, ceiling, walls with window and door openings, skirting,
frames, ceiling lights) and a furniture layout per room type (living room, office, warehouse).

The room is centred on the origin, floor at y=0. The spawn stands near the front wall facing
-Z across the room along a clear aisle; furniture stays out of that aisle. Openings are real
holes (the collider has them too); outside there is a lawn, a few trees and the sky dome, so
windows show a view. Lights: ceiling lamps and floor lamps become point lights; by day each
window adds a soft light of the sky's colour.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from ..core.labels import label_id
from .assets import plants
from .assets.furniture import FURNITURE_BUILDERS
from .materials import PointLight
from .mesh import Part, box, quad, rot_y
from .spec import SceneSpec

WALL = label_id("wall")
FLOOR = label_id("floor")
CEILING = label_id("ceiling")
GROUND = label_id("ground")
FURN = label_id("furniture")


@dataclass
class Opening:
    center: float  # along the wall
    width: float
    bottom: float
    top: float
    kind: str = "window"


@dataclass
class Room:
    width: float  # X
    depth: float  # Z
    height: float
    parts: list[Part] = field(default_factory=list)
    lights: list[PointLight] = field(default_factory=list)
    windows: list[tuple[np.ndarray, np.ndarray]] = field(default_factory=list)  # (centre, inward normal)


ROOMS = {
    # width, depth, height, floor material, wall material
    "living_room": (7.5, 6.5, 2.7, "planks", "plaster"),
    "office": (14.0, 10.0, 3.0, "carpet", "plaster"),
    "warehouse": (24.0, 38.0, 8.0, "concrete", "concrete"),
    # the room shells of the compositional generator (shell_room.py)
    "kitchen": (6.0, 6.5, 2.8, "paving", "plaster"),
    "library": (12.0, 14.0, 4.2, "planks", "plaster"),
    "bedroom": (5.5, 6.0, 2.7, "planks", "plaster"),
    "bathroom": (4.5, 5.0, 2.6, "paving", "paint"),
    "classroom": (9.0, 10.0, 3.2, "planks", "plaster"),
    "restaurant": (12.0, 13.0, 3.4, "planks", "plaster"),
    "cafe": (9.0, 10.0, 3.2, "planks", "brick"),
    "shop": (10.0, 11.0, 3.4, "paving", "plaster"),
    "church": (14.0, 26.0, 10.0, "paving", "rock"),
    "hall": (16.0, 24.0, 8.0, "paving", "rock"),
    "museum": (14.0, 18.0, 5.0, "planks", "plaster"),
    "subway_station": (16.0, 40.0, 5.0, "paving", "paint"),
    "garage": (8.0, 9.0, 3.2, "concrete", "concrete"),
    "attic": (8.0, 10.0, 3.0, "planks", "planks"),
}
#: rooms without windows (underground, or lit from above)
WINDOWLESS = ("subway_station", "museum")


def _wall(length: float, height: float, thickness: float, openings: list[Opening], color, material: str) -> list[Part]:
    """A wall along local X from -length/2 to length/2, inner face at z=0 facing +Z, with rectangular holes."""
    parts = []
    ops = sorted(openings, key=lambda o: o.center)
    x = -length / 2
    zc = -thickness / 2
    for o in ops:
        x0, x1 = o.center - o.width / 2, o.center + o.width / 2
        if x0 > x:
            parts.append(box((x0 - x, height, thickness), color, WALL, material, True, center=((x + x0) / 2, height / 2, zc)))
        if o.bottom > 0:
            parts.append(box((o.width, o.bottom, thickness), color, WALL, material, True, center=(o.center, o.bottom / 2, zc)))
        if o.top < height:
            parts.append(box((o.width, height - o.top, thickness), color, WALL, material, True, center=(o.center, (o.top + height) / 2, zc)))
        x = x1
    if x < length / 2:
        parts.append(box((length / 2 - x, height, thickness), color, WALL, material, True, center=((x + length / 2) / 2, height / 2, zc)))
    # frames around openings and skirting
    frame = np.array([0.93, 0.92, 0.9])
    for o in ops:
        w = 0.07
        if o.kind == "window":
            parts.append(box((o.width + 2 * w, w, thickness + 0.06), frame, WALL, "paint", False, center=(o.center, o.bottom - w / 2, zc)))
            parts.append(box((0.05, o.top - o.bottom, 0.05), frame, WALL, "paint", False, center=(o.center, (o.top + o.bottom) / 2, zc)))
        parts.append(box((o.width + 2 * w, w, thickness + 0.04), frame, WALL, "paint", False, center=(o.center, o.top + w / 2, zc)))
        for s in (-1, 1):
            parts.append(box((w, o.top - o.bottom, thickness + 0.04), frame, WALL, "paint", False,
                             center=(o.center + s * (o.width / 2 + w / 2), (o.top + o.bottom) / 2, zc)))
    x = -length / 2
    for o in ops:
        if o.bottom == 0 and o.center - o.width / 2 > x:
            parts.append(box((o.center - o.width / 2 - x, 0.1, 0.02), frame * 0.9, WALL, "paint", False, center=((x + o.center - o.width / 2) / 2, 0.05, 0.01)))
            x = o.center + o.width / 2
    if x < length / 2:
        parts.append(box((length / 2 - x, 0.1, 0.02), frame * 0.9, WALL, "paint", False, center=((x + length / 2) / 2, 0.05, 0.01)))
    return parts


def room_shell(kind: str, pal: dict, rng: np.random.Generator, lit_lamps: bool, sky_light: np.ndarray) -> Room:
    W, D, H, floor_mat, wall_mat = ROOMS[kind]
    room = Room(W, D, H)
    t = 0.2
    big = kind == "warehouse" or W >= 14
    win_w, win_b, win_t = (1.6, 0.9, 2.2) if not big else (min(4.0, 0.3 * W), min(4.5, 0.4 * H), min(6.8, 0.8 * H))
    back_ops = [Opening(x, win_w, win_b, win_t) for x in np.linspace(-W / 2, W / 2, int(W / (win_w * 2.2)) + 2)[1:-1]]
    side_ops = [Opening(z, win_w, win_b, win_t) for z in np.linspace(-D / 2, D / 2, int(D / (win_w * 2.5)) + 2)[1:-1]]
    if kind in WINDOWLESS:
        back_ops, side_ops = [], []
    door = Opening(W / 2 - 0.9 if not big else W / 4, 1.0 if not big else 4.5, 0.0, 2.1 if not big else 5.0, "door")
    walls = [
        # (length, yaw, position of inner-face centre, openings)
        (W, 0.0, (0, 0, -D / 2), back_ops),  # back wall, inner face +Z
        (W, math.pi, (0, 0, D / 2), [Opening(-door.center, door.width, door.bottom, door.top, "door")]),  # front wall
        (D, math.pi / 2, (-W / 2, 0, 0), side_ops if kind != "living_room" else []),  # left wall, faces +X
        (D, -math.pi / 2, (W / 2, 0, 0), side_ops),  # right wall, faces -X
    ]
    for length, yaw, pos, ops in walls:
        for p in _wall(length + (2 * t if abs(yaw) > 1 else 0), H, t, ops, pal["wall"], wall_mat):
            room.parts.append(p.transformed(rot_y(yaw), pos))
        n = rot_y(yaw) @ np.array([0, 0, 1.0])
        for o in ops:
            if o.kind == "window":
                c = rot_y(yaw) @ np.array([o.center, (o.bottom + o.top) / 2, 0.0]) + np.asarray(pos)
                room.windows.append((c, n))
    floor = quad((-W / 2, 0.0, D / 2), (W, 0, 0), (0, 0, -D), pal["floor"], FLOOR, floor_mat, True, subdiv=4, name="floor")
    ceil = quad((-W / 2, H, -D / 2), (W, 0, 0), (0, 0, D), pal["ceiling"], CEILING, "plaster", True, subdiv=4, name="ceiling")
    room.parts += [floor, ceil]
    # roof slab above the ceiling (the outside view of the building, and it blocks the sun)
    room.parts.append(box((W + 2 * t, 0.25, D + 2 * t), np.array([0.4, 0.38, 0.36]), CEILING, "concrete", True, center=(0, H + 0.125, 0), bottom=False))
    # ceiling lights: a grid of emissive panels; point lights when lit (always at night, also by day in big rooms)
    nx, nz = max(1, int(W / 4)), max(1, int(D / 4))
    for i in range(nx):
        for j in range(nz):
            x = -W / 2 + W * (i + 0.5) / nx
            z = -D / 2 + D * (j + 0.5) / nz
            s = 0.6 if not big else 1.2
            panel = quad((x - s / 2, H - 0.01, z - s / 2), (s, 0, 0), (0, 0, s), np.array([1.0, 0.97, 0.9]) if lit_lamps else np.array([0.9, 0.9, 0.88]),
                         CEILING, "emissive" if lit_lamps else "paint")
            room.parts.append(panel)
            if lit_lamps:
                room.lights.append(PointLight(np.array([x, H - 0.3, z]), np.array([1.0, 0.92, 0.8]) * (2.2 if not big else 12.0), 0.5))
    for c, n in room.windows:
        room.lights.append(PointLight(c + n * 1.0, sky_light * (2.0 if not big else 10.0), 0.8))
    return room


def paintings(room: Room, rng: np.random.Generator) -> list[Part]:
    """Framed pictures on the front and left walls (abstract colour fields)."""
    W, D, H = room.width, room.depth, room.height
    out = []
    spots = [((1.3, D / 2 - 0.01), math.pi), ((-0.9, D / 2 - 0.01), math.pi), ((-W / 2 + 0.01, -0.8), math.pi / 2),
             ((W / 2 - 0.01, 1.6), -math.pi / 2)]
    palette = np.array([[0.85, 0.55, 0.2], [0.2, 0.45, 0.65], [0.75, 0.2, 0.2], [0.3, 0.55, 0.35], [0.9, 0.85, 0.6], [0.25, 0.2, 0.35]])
    for (x, z), yaw in spots:
        w, h = rng.uniform(0.6, 1.1), rng.uniform(0.5, 0.8)
        y = min(1.55, H - 0.9)
        frame = quad((-w / 2 - 0.05, y - h / 2 - 0.05, 0.01), (w + 0.1, 0, 0), (0, h + 0.1, 0), np.array([0.12, 0.1, 0.08]), FURN, "wood")
        parts = [frame]
        n = int(rng.integers(2, 4))
        for k in range(n):
            c = palette[int(rng.integers(0, len(palette)))]
            parts.append(quad((-w / 2 + k * w / n, y - h / 2, 0.02), (w / n, 0, 0), (0, h, 0), c, FURN, "paint", subdiv=2))
        out += [p.transformed(rot_y(yaw), (x, 0.0, z)) for p in parts]
    return out


def split_exterior(parts: list[Part], room: Room, density: float = 0.06) -> list[Part]:
    """Faces of the shell that only the outside sees (outer wall faces, the roof) get a low splat density."""
    out = []
    W, D, H = room.width / 2 + 0.01, room.depth / 2 + 0.01, room.height + 0.01
    for p in parts:
        c = p.vertices[p.faces].mean(1)
        ext = (np.abs(c[:, 0]) > W) | (np.abs(c[:, 2]) > D) | (c[:, 1] > H)
        if not ext.any() or ext.all():
            if ext.all():
                p.density = density
            out.append(p)
            continue
        for mask, dens in ((~ext, p.density), (ext, density)):
            q = Part(p.vertices, p.faces[mask], p.color, p.label, p.material, p.collider, p.ao, dens, p.name)
            out.append(q)
    return out


def _place(parts, x, z, yaw):
    return [p.transformed(rot_y(yaw), (x, 0.0, z)) for p in parts]


def furnish(kind: str, spec: SceneSpec, room: Room, rng: np.random.Generator, lit: bool, skip=(),
            spans: list | None = None) -> tuple[list[Part], list[dict]]:
    """Furniture layout (keeps the aisle |x| < 0.8 in front of the spawn clear); kinds in ``skip`` are
    left out (the prompt named them: the layout solver places them instead). ``spans`` (a list) receives
    ``(first part index, end part index, light index or None)`` per object, so a caller can drop some."""
    W, D = room.width, room.depth
    colors = {s.kind: s.color for s in spec.structures}
    extra = {s.kind: s.count for s in spec.structures}
    parts: list[Part] = []
    objects: list[dict] = []

    def put(name, x, z, yaw, color=None):
        if name in skip:
            return
        col = colors.get(name, color)
        ps = FURNITURE_BUILDERS[name](rng, col, lit)
        n0 = len(parts)
        parts.extend(_place(ps, x, z, yaw))
        objects.append({"kind": name, "position": [round(float(x), 3), 0.0, round(float(z), 3)], "yaw_deg": round(math.degrees(yaw), 1)})
        light = None
        if name == "lamp" and lit:
            light = len(room.lights)
            room.lights.append(PointLight(np.array([x, 1.5, z]), np.array([1.0, 0.8, 0.55]) * 1.6, 0.3))
        if spans is not None:
            spans.append((n0, len(parts), light))

    if kind == "living_room":
        put("rug", -1.4, -0.6, 0.0)
        put("sofa", -W / 2 + 0.6, -0.6, math.pi / 2)
        put("coffee_table", -1.5, -0.6, math.pi / 2)
        put("tv", 1.9, -0.6, -math.pi / 2)
        put("armchair", -1.6, -D / 2 + 0.9, 0.3)
        put("bookshelf", 1.6, -D / 2 + 0.25, 0.0)
        put("plant", W / 2 - 0.45, -D / 2 + 0.45, 0.0)
        put("plant", -W / 2 + 0.45, D / 2 - 0.45, 0.0)
        put("lamp", -W / 2 + 0.45, -D / 2 + 0.45, 0.0)
        put("table", 2.2, D / 2 - 1.3, 0.0)
        for dx in (-0.5, 0.5):
            put("chair", 2.2 + dx, D / 2 - 0.65, math.pi)
            put("chair", 2.2 + dx, D / 2 - 1.95, 0.0)
        for k in range(extra.get("armchair", 0)):
            put("armchair", -W / 2 + 1.0, D / 2 - 1.5 - 1.1 * k, math.pi / 2)
        for k in range(extra.get("sofa", 1) - 1):
            put("sofa", 0.0 + 2.5 * (k % 2), -D / 2 + 2.2, 0.0)
    elif kind == "office":
        for side in (-1, 1):
            for row in range(3):
                for col in range(2):
                    x = side * (2.6 + col * 1.9)
                    z = -D / 2 + 2.2 + row * 2.4
                    put("desk", x, z, 0.0)
                    n0 = len(parts)
                    put("monitor", x, z - 0.15, 0.0)
                    for p in parts[n0:]:
                        p.vertices[:, 1] += 0.74
                    put("office_chair", x, z + 0.7, math.pi)
        for x in np.linspace(-W / 2 + 1.0, W / 2 - 1.0, 6):
            put("cabinet", float(x), D / 2 - 0.35, math.pi)
        put("plant", -W / 2 + 0.5, -D / 2 + 0.5, 0.0)
        put("plant", W / 2 - 0.5, -D / 2 + 0.5, 0.0)
        put("table", -3.5, -D / 2 + 1.0, 0.0)
    elif kind == "warehouse":
        for side in (-1, 1):
            for x in (side * 5.5, side * 9.5):
                for z in np.arange(-D / 2 + 4, D / 2 - 6, 3.0):
                    put("rack", float(x), float(z), math.pi / 2)
        for k in range(int(12 + extra.get("crate", 0))):
            x = rng.uniform(3.0, 7.0) * (1 if rng.uniform() < 0.5 else -1)
            x = float(np.sign(x) * (W / 2 - rng.uniform(0.8, 1.8)))
            z = rng.uniform(-D / 2 + 2, D / 2 - 2)
            put("crate" if k % 3 else "pallet", x, float(z), float(rng.uniform(0, 3.14)))
    if kind != "warehouse":
        parts.extend(paintings(room, rng))
    for s in spec.structures:
        if s.kind in ("plant", "lamp", "rug", "chair", "table", "bookshelf", "tv", "cabinet", "bed", "crate", "pallet", "desk", "coffee_table"):
            have = sum(1 for o in objects if o["kind"] == s.kind)
            for k in range(max(0, s.count - have)):
                x = (W / 2 - 0.6) * (1 if k % 2 == 0 else -1)
                z = -D / 2 + 1.2 + 1.3 * (k // 2)
                put(s.kind, x, z, -math.pi / 2 if x > 0 else math.pi / 2)
    return parts, objects


def outside(pal: dict, rng: np.random.Generator, room: Room, tree_colors: dict) -> list[Part]:
    """Lawn around the building and a ring of trees seen through the windows."""
    # lawn around the building in two rings of four strips (no lawn under the floor: its splats would bleed
    # through): a near ring sampled finely, so no large ground splat sits next to a wall (depth-sorted
    # splats that big show through walls and floors), and a coarse far ring seen only through the windows
    hw, hd, R = room.width / 2 + 0.2, room.depth / 2 + 0.2, 150.0
    y = -0.05
    parts = _ring(hw, hd, hw + 12.0, hd + 12.0, y, pal["grass"], 0.3, 2) + _ring(hw + 12.0, hd + 12.0, R, R, y, pal["grass"], 0.02, 6)
    for k in range(16):
        a = 2 * math.pi * k / 16 + rng.uniform(-0.1, 0.1)
        r = max(room.width, room.depth) / 2 + rng.uniform(8, 25)
        t = plants.tree("broadleaf" if k % 3 else "conifer", rng.uniform(7, 12), int(rng.integers(0, 2**31)), tree_colors)
        for p in t:
            q = p.transformed(rot_y(rng.uniform(0, 6.28)), (math.cos(a) * r, -0.05, math.sin(a) * r))
            q.density = 0.25
            parts.append(q)
    return parts


def _ring(x0: float, z0: float, x1: float, z1: float, y: float, color, density: float, subdiv: int) -> list[Part]:
    """Four lawn strips covering the rectangle |x| <= x1, |z| <= z1 minus |x| < x0, |z| < z0."""
    parts = [quad((-x1, y, z1), (2 * x1, 0, 0), (0, 0, -(z1 - z0)), color, GROUND, "grass", True, subdiv=subdiv, name="lawn"),
             quad((-x1, y, -z0), (2 * x1, 0, 0), (0, 0, -(z1 - z0)), color, GROUND, "grass", True, subdiv=subdiv, name="lawn"),
             quad((-x1, y, z0), (x1 - x0, 0, 0), (0, 0, -2 * z0), color, GROUND, "grass", True, subdiv=max(1, subdiv // 2), name="lawn"),
             quad((x0, y, z0), (x1 - x0, 0, 0), (0, 0, -2 * z0), color, GROUND, "grass", True, subdiv=max(1, subdiv // 2), name="lawn")]
    for p in parts:
        p.density = density
    return parts


def spawn_for(kind: str) -> tuple[tuple[float, float, float], float]:
    W, D, _, _, _ = ROOMS[kind]
    return (0.0, 0.0, D / 2 - min(2.2, D * 0.3)), 0.0
