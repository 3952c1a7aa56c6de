"""Room shells: the interior of a room of one of :data:`~.graph.ROOM_SHELLS` (no sky).

Walls with window and door openings, floor, ceiling, ceiling lights and the lawn and trees seen
through the windows come from :mod:`.indoor` (sizes and materials per room kind in
``indoor.ROOMS``). The three legacy rooms keep their hand-made furniture layouts (minus the kinds
the prompt names: the solver places those); every other room is furnished by the layout solver
from the filler groups of :data:`~.presets.FURNISHING`. The spawn stands inside the front wall
facing the room; the aisle ahead of it stays clear (the walk corridor).
"""

from __future__ import annotations

import math

import numpy as np

from . import indoor, materials
from .layout import Site
from .presets import LEGACY_KINDS
from .shells import Scene, stage_rng

LEGACY_ROOMS = ("living_room", "office", "warehouse")
#: floor / wall / ceiling sRGB per room kind
ROOM_COLOURS = {
    "kitchen": ((0.80, 0.78, 0.74), (0.93, 0.90, 0.82), (0.95, 0.95, 0.93)),
    "library": ((0.42, 0.27, 0.16), (0.62, 0.50, 0.36), (0.80, 0.74, 0.64)),
    "bedroom": ((0.58, 0.42, 0.28), (0.80, 0.78, 0.86), (0.94, 0.93, 0.92)),
    "bathroom": ((0.85, 0.86, 0.86), (0.78, 0.86, 0.90), (0.95, 0.95, 0.95)),
    "classroom": ((0.62, 0.48, 0.32), (0.90, 0.88, 0.74), (0.94, 0.94, 0.92)),
    "restaurant": ((0.40, 0.26, 0.16), (0.72, 0.36, 0.28), (0.85, 0.80, 0.70)),
    "cafe": ((0.50, 0.34, 0.22), (0.66, 0.36, 0.26), (0.88, 0.84, 0.78)),
    "shop": ((0.82, 0.82, 0.80), (0.92, 0.92, 0.90), (0.96, 0.96, 0.96)),
    "church": ((0.60, 0.57, 0.52), (0.74, 0.70, 0.62), (0.58, 0.52, 0.46)),
    "hall": ((0.55, 0.50, 0.44), (0.70, 0.64, 0.55), (0.62, 0.56, 0.48)),
    "museum": ((0.55, 0.40, 0.28), (0.94, 0.93, 0.90), (0.96, 0.96, 0.96)),
    "subway_station": ((0.52, 0.52, 0.50), (0.86, 0.88, 0.84), (0.60, 0.62, 0.62)),
    "garage": ((0.50, 0.50, 0.49), (0.68, 0.68, 0.66), (0.70, 0.70, 0.70)),
    "attic": ((0.55, 0.40, 0.26), (0.62, 0.46, 0.30), (0.55, 0.40, 0.26)),
}
LEGACY_RADIUS = {"sofa": 1.2, "armchair": 0.6, "coffee_table": 0.7, "table": 0.9, "chair": 0.35, "bookshelf": 0.6, "lamp": 0.3,
                 "rug": 0.0, "tv": 0.7, "plant": 0.35, "desk": 0.9, "office_chair": 0.4, "monitor": 0.0, "cabinet": 0.5,
                 "rack": 1.4, "crate": 0.6, "pallet": 0.7, "bed": 1.2}


def build(graph, spec, tier: str, sky) -> tuple[Scene, Site]:
    kind = graph.shell.kind
    sc = Scene(indoor=True)
    pal = materials.palette(spec)
    if kind in ROOM_COLOURS:
        for key, c in zip(("floor", "wall", "ceiling"), ROOM_COLOURS[kind]):
            if key not in spec.palette:
                pal[key] = np.asarray(c)
    rng = stage_rng(spec.seed, "indoor")
    lit = (spec.time_of_day in ("night", "sunset", "dawn") or spec.weather in ("overcast", "snow") or kind != "living_room"
           or kind in indoor.WINDOWLESS)
    sky_lin = sky.ambient * 1.0 + 0.15 * sky.sun_color
    room = indoor.room_shell(kind, pal, rng, lit, sky_lin)
    objects: list[dict] = []
    furn = []
    spans: list = []
    if kind in LEGACY_ROOMS:
        inverse = {v: k for k, v in LEGACY_KINDS.items()}
        skip = {inverse[g.kind] for g in graph.groups if g.named and g.kind in inverse}
        furn, objects = indoor.furnish(kind, spec, room, rng, lit, skip=skip, spans=spans)
    outside = _vestibule(room, pal) if kind in indoor.WINDOWLESS else indoor.outside(pal, rng, room, pal)
    sc.parts = indoor.split_exterior(room.parts, room) + outside
    sc.lights = room.lights
    sc.objects = objects
    (x, y, z), yaw = indoor.spawn_for(kind)
    sc.spawn = np.array([x, y, z])
    sc.yaw_deg = yaw
    sc.walk_heading_deg = yaw
    sc.ground_fn = lambda xx, zz: np.zeros_like(np.asarray(xx, dtype=np.float64))
    W, D, H = room.width, room.depth, room.height
    sc.room = {"width": W, "depth": D, "height": H, "kind": kind}
    door = _door_xz(room)
    # the legacy furniture is soft: the solver avoids it, but what a named object needs the room for is taken out
    soft = [(o["position"][0], o["position"][2], LEGACY_RADIUS.get(o["kind"], 0.6)) for o in objects]
    obstacles = [(door[0], door[1], 1.4)]
    m = 0.15

    def ground(xx, zz):
        return np.zeros(np.broadcast(np.asarray(xx), np.asarray(zz)).shape)

    def usable(xx, zz):
        xx, zz = np.asarray(xx, dtype=np.float64), np.asarray(zz, dtype=np.float64)
        return (np.abs(xx) < W / 2 - m) & (np.abs(zz) < D / 2 - m)

    walls = [((-W / 2, -D / 2), (W / 2, -D / 2), (0.0, 1.0)), ((-W / 2, D / 2), (-W / 2, -D / 2), (1.0, 0.0)),
             ((W / 2, -D / 2), (W / 2, D / 2), (-1.0, 0.0)), ((door[0] - 1.2, D / 2), (-W / 2 + 0.3, D / 2), (0.0, -1.0))]
    a = math.radians(yaw)
    site = Site(sc.spawn.copy(), yaw, yaw, (-W / 2 + m, -D / 2 + m, W / 2 - m, D / 2 - m), ground, usable, indoor=True, ceiling=H,
                anchors={"middle": (0.0, 0.0)}, walls=walls, obstacles=obstacles, corridor_half_width=0.75,
                corridor_length=max(1.0, (z + D / 2) * 0.92), max_radius=max(W, D), soft_obstacles=[s for s in soft if s[2] > 0])
    del a
    legacy = list(zip(objects, spans))

    def finish(layout):
        """Keep the legacy pieces no placed object overlaps (their parts, lights and metadata entries)."""
        keep_objects, drop_lights = [], set()
        for o, (i0, i1, li) in legacy:
            r = LEGACY_RADIUS.get(o["kind"], 0.6)
            hit = any(i.support is None and i.lift == 0 and np.hypot(i.position[0] - o["position"][0], i.position[2] - o["position"][2])
                      < 0.85 * (i.radius + r) for i in layout.instances) if r > 0 else False
            if hit:
                if li is not None:
                    drop_lights.add(li)
                continue
            sc.parts.extend(furn[i0:i1])
            keep_objects.append(o)
        sc.objects[:] = keep_objects
        sc.lights[:] = [lt for k, lt in enumerate(sc.lights) if k not in drop_lights]

    sc.finish = finish
    return sc, site


def _door_xz(room) -> tuple[float, float]:
    """Centre of the door in the front wall (as indoor.room_shell cuts it)."""
    W, D = room.width, room.depth
    return (W / 2 - 0.9 if not (W >= 14) else W / 4, D / 2)


def _vestibule(room, pal) -> list:
    """A closed 3 m lobby behind the door of a windowless room (underground: no outdoors to see)."""
    from .mesh import box, quad

    W, D, H = room.width, room.depth, room.height
    x, z = _door_xz(room)
    w, d, h = 5.5, 3.0, min(H, 5.4) + 0.2
    wall = np.asarray(pal["wall"]) * 0.9
    parts = [quad((x - w / 2, 0.0, z + d + 0.2), (w, 0, 0), (0, 0, -d - 0.2), pal["floor"], indoor.FLOOR, "paving", True, subdiv=2),
             quad((x - w / 2, h, z), (w, 0, 0), (0, 0, d + 0.2), pal["ceiling"], indoor.CEILING, "plaster", True, subdiv=2),
             box((w + 0.4, h, 0.2), wall, indoor.WALL, "paint", True, center=(x, h / 2, z + d + 0.3), bottom=False)]
    for sx in (-1, 1):
        parts.append(box((0.2, h, d + 0.2), wall, indoor.WALL, "paint", True, center=(x + sx * (w / 2 + 0.1), h / 2, z + d / 2 + 0.1), bottom=False))
    return parts
