"""Urban scenes: a city street (road, lane marks, raised sidewalks with curbs, building rows,
street lights, street trees, parked cars, a far skyline) and a plaza (paved square, fountain,
benches, trees, surrounding facades).

Layouts are in world coordinates with the spawn on walkable pavement facing -Z along a clear
path of at least 40 m. Returns parts plus the spawn and the point lights of lamps (night).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from ..core.labels import label_id
from .assets import plants
from .assets.buildings import car, city_building, fountain, bench, streetlight
from .materials import PointLight
from .mesh import Part, box, quad, rot_y
from .spec import SceneSpec

ROAD = label_id("road")
GROUND = label_id("ground")
BUILDING = label_id("building")

FACADES = np.array([[0.78, 0.70, 0.60], [0.62, 0.36, 0.28], [0.85, 0.82, 0.74], [0.55, 0.58, 0.62], [0.72, 0.60, 0.45],
                    [0.60, 0.30, 0.25], [0.80, 0.76, 0.66], [0.45, 0.47, 0.50]])


@dataclass
class Layout:
    parts: list[Part]
    spawn: tuple[float, float, float]
    yaw_deg: float
    lights: list[PointLight] = field(default_factory=list)
    objects: list[dict] = field(default_factory=list)


def _place(parts: list[Part], x: float, z: float, yaw: float, y: float = 0.0) -> list[Part]:
    return [p.transformed(rot_y(yaw), (x, y, z)) for p in parts]


def _building_row(rng, side: int, x_front: float, z0: float, z1: float, lit: bool, facade_override, objects) -> list[Part]:
    """Buildings along a street edge at ``x_front`` (side -1: left of the street, +1: right), fronts facing the street."""
    parts = []
    z = z0
    while z < z1:
        w = rng.uniform(10, 17)
        d = rng.uniform(11, 15)
        col = facade_override if facade_override is not None else FACADES[int(rng.integers(0, len(FACADES)))]
        b = city_building(rng, w, d, col, lit, floors=int(rng.integers(3, 9)))
        # local front is +Z; face the street: side +1 (x > 0) faces -X -> yaw = -90 deg
        yaw = -math.pi / 2 if side > 0 else math.pi / 2
        parts += _place(b, x_front + side * d / 2, z + w / 2, yaw)
        objects.append({"kind": "building", "position": [round(x_front + side * d / 2, 2), 0.0, round(z + w / 2, 2)]})
        z += w + rng.uniform(0.0, 0.6)
    return parts


def city_street(spec: SceneSpec, rng: np.random.Generator, pal: dict, lit: bool) -> Layout:
    L = spec.extent_m / 2
    road_w, walk_w = 10.0, 4.5
    parts: list[Part] = []
    objects: list[dict] = []
    # road and lane markings
    # (road, sidewalks and curbs in 10 m segments: well-shaped triangles sample evenly; 200 m slivers do not)
    seg = 10.0
    z_starts = np.arange(-L, L, seg)
    for z0 in z_starts:
        parts.append(quad((-road_w / 2, 0.0, z0 + seg), (road_w, 0, 0), (0, 0, -seg), pal["asphalt"], ROAD, "asphalt", True, subdiv=8, name="road"))
    for z in np.arange(-L, L, 6.0):
        parts.append(quad((-0.08, 0.01, z + 3.0), (0.16, 0, 0), (0, 0, -3.0), np.array([0.92, 0.82, 0.35]), ROAD, "paint"))
    for sx in (-1, 1):
        parts.append(quad((sx * (road_w / 2 - 2.3) - 0.06, 0.01, L), (0.12, 0, 0), (0, 0, -2 * L), np.array([0.85, 0.85, 0.82]), ROAD, "paint"))
    # sidewalks (raised 15 cm) with curbs
    for sx in (-1, 1):
        xc = sx * (road_w / 2 + walk_w / 2)
        for z0 in z_starts:
            parts.append(box((walk_w, 0.15, seg), pal["sidewalk"], GROUND, "paving", True, center=(xc, 0.075, z0 + seg / 2), bottom=False,
                             name="sidewalk"))
            parts.append(box((0.2, 0.16, seg), pal["curb"], GROUND, "concrete", True, center=(sx * (road_w / 2 + 0.1), 0.08, z0 + seg / 2),
                             bottom=False))
    # ground beyond (behind the buildings) and far skyline
    x_front = road_w / 2 + walk_w
    # (two strips, not under the street: hidden splats there would waste budget and cast shadows)
    for sx in (-1, 1):
        x0, x1 = (x_front - 0.3, 3 * L) if sx > 0 else (-3 * L, -x_front + 0.3)
        parts.append(quad((x0, -0.02, 3 * L), (x1 - x0, 0, 0), (0, 0, -6 * L), np.array([0.35, 0.36, 0.34]), GROUND, "concrete", True,
                          subdiv=6))
    for sz in (-1, 1):  # beyond the street's ends
        z0, z1 = (L, 3 * L) if sz > 0 else (-3 * L, -L)
        parts.append(quad((-x_front + 0.3, -0.02, z1), (2 * x_front - 0.6, 0, 0), (0, 0, -(z1 - z0)), np.array([0.35, 0.36, 0.34]), GROUND,
                          "concrete", True, subdiv=2))
    for side in (-1, 1):
        parts += _building_row(rng, side, side * x_front, -L, L, lit, spec.palette.get("facade"), objects)
    # street lights and trees on the sidewalk edge, parked cars in the parking lanes
    lights = []
    for z in np.arange(-L + 8, L - 4, 22.0):
        for sx in (-1, 1):
            yaw = -math.pi / 2 if sx > 0 else math.pi / 2
            parts += _place(streetlight(rng, lit=lit), sx * (road_w / 2 + 0.6), z + (11 if sx > 0 else 0), yaw)
            objects.append({"kind": "streetlight", "position": [sx * (road_w / 2 + 0.6), 0.15, float(z + (11 if sx > 0 else 0))]})
            if lit:
                lights.append(PointLight(np.array([sx * (road_w / 2 - 0.5), 4.7, z + (11 if sx > 0 else 0)]), np.array([14.0, 11.0, 7.0]), 0.5))
    n_trees = int(spec.counts.get("trees", round(spec.vegetation_density * 20)))
    tz = np.linspace(-L + 5, L - 5, max(n_trees, 1))
    for i, z in enumerate(tz[:n_trees]):
        sx = 1 if i % 2 == 0 else -1
        t = plants.tree("broadleaf", rng.uniform(6, 8), int(rng.integers(0, 2**31)), pal)
        parts += _place(t, sx * (road_w / 2 + 1.2), z + 3.0, float(rng.uniform(0, 6.28)), 0.15)
        objects.append({"kind": "tree", "position": [sx * (road_w / 2 + 1.2), 0.15, float(z + 3.0)]})
    car_colors = [np.array(c) for c in ([0.7, 0.1, 0.1], [0.1, 0.2, 0.5], [0.85, 0.85, 0.85], [0.1, 0.1, 0.1], [0.5, 0.5, 0.52], [0.2, 0.4, 0.25])]
    n_cars = int(spec.counts.get("cars", spec.structure_count("car") or 10))
    for i in range(n_cars):
        sx = 1 if rng.uniform() < 0.5 else -1
        z = rng.uniform(-L + 6, L - 6)
        if abs(z) < 6 and sx > 0:
            z += 12
        parts += _place(car(rng, car_colors[int(rng.integers(0, len(car_colors)))], lit), sx * (road_w / 2 - 1.2), z, 0.0 if rng.uniform() < 0.5 else math.pi)
        objects.append({"kind": "car", "position": [sx * (road_w / 2 - 1.2), 0.0, float(z)]})
    parts += skyline(rng, 1.6 * L, 3.0 * L, lit)
    return Layout(parts, (1.6, 0.0, 8.0), 0.0, lights, objects)


def skyline(rng: np.random.Generator, r0: float, r1: float, lit: bool, count: int = 70) -> list[Part]:
    """Distant tower blocks (low splat density) with window bands, so the horizon is a city, not a void."""
    parts = []
    for k in range(count):
        a = 2 * math.pi * (k + rng.uniform(0, 0.8)) / count
        r = rng.uniform(r0, r1)
        w, d = rng.uniform(15, 35), rng.uniform(15, 35)
        h = rng.uniform(20, 90)
        col = FACADES[int(rng.integers(0, len(FACADES)))] * rng.uniform(0.7, 1.0)
        local = [box((w, h, d), col, BUILDING, "concrete", False, center=(0, h / 2, 0), bottom=False)]
        for fl in range(2, int(h / 3.5), 2):
            band_col = np.array([0.95, 0.8, 0.5]) if lit else col * 0.45
            local.append(box((w + 0.1, 0.9, d + 0.1), band_col, BUILDING, "emissive" if lit else "glass", False, center=(0, fl * 3.5, 0),
                             bottom=False))
        rot = rot_y(rng.uniform(0, 3.14))
        for p in local:
            q = p.transformed(rot, (math.cos(a) * r, 0, math.sin(a) * r))
            q.density = 0.25
            parts.append(q)
    return parts


def plaza(spec: SceneSpec, rng: np.random.Generator, pal: dict, lit: bool) -> Layout:
    S = 64.0
    parts: list[Part] = []
    objects: list[dict] = []
    parts.append(quad((-S / 2, 0.0, S / 2), (S, 0, 0), (0, 0, -S), pal["paving"], ROAD, "paving", True, subdiv=8, name="plaza"))
    ext = spec.extent_m
    parts.append(quad((-1.5 * ext, -0.02, 1.5 * ext), (3 * ext, 0, 0), (0, 0, -3 * ext), np.array([0.4, 0.4, 0.38]), GROUND, "concrete", True, subdiv=6))
    # facades around the square with a street gap in the middle of each side
    for side in range(4):
        yaw = side * math.pi / 2
        for seg in (-1, 1):
            zs = [(-S / 2, -5.0), (5.0, S / 2)][0 if seg < 0 else 1]
            zz = zs[0]
            while zz < zs[1] - 6:
                w = min(rng.uniform(9, 14), zs[1] - zz)
                d = 12.0
                col = spec.palette.get("facade", FACADES[int(rng.integers(0, len(FACADES)))])
                b = city_building(rng, w, d, col, lit, floors=int(rng.integers(3, 6)))
                # local: front +Z faces the square centre
                x_loc, z_loc = zz + w / 2, S / 2 + d / 2
                # building placed at distance S/2 + d/2 from the centre along -Z rotated by yaw, front facing the centre
                pos = rot_y(yaw) @ np.array([x_loc, 0.0, -z_loc])
                parts += _place(b, pos[0], pos[2], yaw)
                objects.append({"kind": "building", "position": [round(float(pos[0]), 2), 0.0, round(float(pos[2]), 2)]})
                zz += w + 0.3
    # fountain off the walk axis, trees in two rows, benches, lamps
    fx, fz = -9.0, -8.0
    n_f = int(spec.counts.get("fountains", max(1, spec.structure_count("fountain"))))
    for k in range(n_f):
        parts += _place(fountain(rng, np.array([0.74, 0.71, 0.66]), pal["water_shallow"], lit), fx + 18 * k, fz, 0.0)
        objects.append({"kind": "fountain", "position": [fx + 18 * k, 0.0, fz]})
    lights = []
    n_trees = int(spec.counts.get("trees", round(spec.vegetation_density * 24)))
    spots = [(x, z) for x in (-22.0, 22.0) for z in np.linspace(-22, 22, 6)] + [(x, 24.0) for x in (-14.0, -6.0, 6.0, 14.0)]
    for i, (x, z) in enumerate(spots[:n_trees]):
        t = plants.tree("broadleaf", rng.uniform(6, 8.5), int(rng.integers(0, 2**31)), pal)
        parts += _place(t, x, z, float(rng.uniform(0, 6.28)))
        objects.append({"kind": "tree", "position": [x, 0.0, float(z)]})
    for x, z, yaw in ((-19.0, -12.0, math.pi / 2), (-19.0, 4.0, math.pi / 2), (19.0, -12.0, -math.pi / 2), (19.0, 4.0, -math.pi / 2),
                      (-9.0, -2.5, 0.0), (-9.0, -13.5, math.pi)):
        parts += _place(bench(rng, np.array([0.50, 0.33, 0.18])), x, z, yaw)
        objects.append({"kind": "bench", "position": [x, 0.0, z]})
    for x, z in ((-12.0, 12.0), (12.0, 12.0), (-12.0, -20.0), (12.0, -20.0)):
        parts += _place(streetlight(rng, lit=lit), x, z, 0.0)
        objects.append({"kind": "streetlight", "position": [x, 0.0, z]})
        if lit:
            lights.append(PointLight(np.array([x, 4.7, z + 1.05]), np.array([14.0, 11.0, 7.0]), 0.5))
    parts += skyline(rng, 80.0, 200.0, lit, count=50)
    return Layout(parts, (4.0, 0.0, 20.0), 0.0, lights, objects)
