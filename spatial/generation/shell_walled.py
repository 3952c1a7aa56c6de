"""Walled shells: a castle ``courtyard`` or a monastery ``cloister`` - an open-sky yard enclosed by
stone walls (crenellated curtain walls with corner towers and a gate behind the spawn; or a
lower wall with a roofed arcade of columns around a garden).

The walls are the shell's own geometry, reported as instances of the wall kind (``castle_wall``
when the asset library has it) so a prompt's "stone walls" are found in ``world.json``'s scene;
corner towers are ``stone_tower`` instances. Outside the walls a meadow runs to the horizon (seen
through the gate). The yard is the solver's site; its middle is the yard's centre.
"""

from __future__ import annotations

import math

import numpy as np

from ..core.labels import label_id
from . import materials
from .layout import Instance, Site
from .mesh import Part, box, cylinder, quad, rot_y
from .shells import Scene, stage_rng

GROUND = label_id("ground")
BUILDING = label_id("building")
ROAD = label_id("road")
HALF = {"courtyard": 21.0, "cloister": 16.0}
WALL_H = {"courtyard": 8.0, "cloister": 5.0}
WALL_T = 2.2


def _wall_kind() -> str | None:
    from .presets import registry_kind

    for phrase in ("castle_wall", "stone_wall", "wall"):
        k = registry_kind(phrase)
        if k is not None:
            return k.name
    return None


def build(graph, spec, tier: str) -> tuple[Scene, Site]:
    kind = graph.shell.kind
    rng = stage_rng(spec.seed, "walled")
    pal = materials.palette(spec)
    S, H, T = HALF[kind], WALL_H[kind], WALL_T
    stone = np.array(spec.palette.get("wall", (0.60, 0.57, 0.52)))
    sc = Scene()
    parts: list[Part] = []
    # ---- yard floor: packed earth and cobbles (courtyard) / a lawn inside a paved walk (cloister)
    if kind == "courtyard":
        parts.append(quad((-S, 0.0, S), (2 * S, 0, 0), (0, 0, -2 * S), np.array([0.56, 0.50, 0.42]), ROAD, "paving", True, subdiv=10, name="yard"))
    else:
        g = S - 5.0
        parts.append(quad((-g, 0.0, g), (2 * g, 0, 0), (0, 0, -2 * g), pal["grass"], GROUND, "grass", True, subdiv=8, name="garth"))
        for side in range(4):
            r = rot_y(side * math.pi / 2)
            walk = quad((-S, 0.0, S), (2 * S, 0, 0), (0, 0, -(S - g)), np.array([0.70, 0.66, 0.58]), ROAD, "paving", True, subdiv=6)
            parts.append(walk.transformed(r))
    # ---- outside: a meadow to the horizon (through the gate) under the walls
    R = 260.0
    for side in range(4):
        r = rot_y(side * math.pi / 2)
        strip = quad((-R, -0.05, R), (2 * R, 0, 0), (0, 0, -(R - S - 0.5)), pal["grass"], GROUND, "grass", True, subdiv=6, name="outside")
        strip.density = 0.08
        parts.append(strip.transformed(r))
    # ---- walls: four sides, a gate in the front (+Z, behind the spawn)
    wall_parts: list[list[Part]] = []
    gate_w, gate_h = 4.5, 5.0
    segs = []
    for side in range(4):
        yaw = side * math.pi / 2
        r = rot_y(yaw)
        # local: the wall runs along X at z = -S - T/2 (the back wall for side 0), inner face toward +Z
        pieces = [(-S - T, S + T)]
        if side == 2:  # the front wall: gate in the middle
            pieces = [(-S - T, -gate_w / 2), (gate_w / 2, S + T)]
        for x0, x1 in pieces:
            ps = [box((x1 - x0, H, T), stone * rng.uniform(0.92, 1.05), BUILDING, "rock", True, center=((x0 + x1) / 2, H / 2, -S - T / 2), bottom=False)]
            if kind == "courtyard":
                # crenellations: merlons on the outer half of the wall top
                n = int((x1 - x0) / 1.6)
                for k in range(n):
                    if k % 2 == 0:
                        cx = x0 + (k + 0.5) * (x1 - x0) / n
                        ps.append(box(((x1 - x0) / n, 1.1, 0.7), stone * 0.95, BUILDING, "rock", True, center=(cx, H + 0.55, -S - T + 0.35), bottom=False))
            wall_parts.append([p.transformed(r) for p in ps])
            c = r @ np.array([(x0 + x1) / 2, 0.0, -S - T / 2])
            segs.append((c, math.degrees(yaw), (x1 - x0, H, T)))
        if side == 2:
            lintel = box((gate_w, H - gate_h, T), stone * 0.9, BUILDING, "rock", True, center=(0, gate_h + (H - gate_h) / 2, -S - T / 2), bottom=False)
            wall_parts.append([lintel.transformed(r)])
    sc.parts = parts
    # the wall pieces become instances of the wall kind (labelled with it) or plain building parts
    # a prompt's "stone walls" are these walls: the group's instances are the wall pieces
    wall_group = next((g for g in graph.groups if g.kind in ("castle_wall", "stone_wall")), None)
    wk = wall_group.kind if wall_group is not None else _wall_kind()
    gid = wall_group.id if wall_group is not None else ""
    insts: list[tuple[Instance, list[Part]]] = []
    for k, ((c, yaw, size), ps) in enumerate(zip(segs, wall_parts)):
        if wk is None:
            sc.parts += ps
            continue
        iid = f"{gid}.{k}" if gid else f"shell.wall{k}"
        insts.append((Instance(iid, gid, wk, np.array([c[0], 0.0, c[2]]), (yaw + 180.0) % 360.0, 1.0, size, "ground", None, bool(gid)), ps))
    if wall_group is not None:
        wall_group.count, wall_group.count_range = len(segs), None
    if len(wall_parts) > len(segs):  # the gate lintel
        sc.parts += wall_parts[-1]
    # ---- corner towers (courtyard) / arcade (cloister)
    from .presets import registry_kind

    if kind == "courtyard":
        tk = registry_kind("stone_tower")
        for k, (sx, sz) in enumerate(((-1, -1), (1, -1), (1, 1), (-1, 1))):
            pos = np.array([sx * (S + T / 2), 0.0, sz * (S + T / 2)])
            if tk is not None:
                from .assets import registry

                ps = registry.build(tk.name, {"scale": 1.6, "material": "stone", "lit": spec.time_of_day in ("night", "sunset")}, rng)
                ps = [p.transformed(rot_y(rng.uniform(0, 6.28)), pos) for p in ps]
                size = tuple(float(v) * 1.6 for v in tk.size)
                insts.append((Instance(f"shell.tower{k}", "", tk.name, pos, 0.0, 1.6, size, "ground", None, False), ps))
            else:
                sc.parts += [cylinder(3.2, 3.0, H + 4, stone, BUILDING, 12, "rock", True).transformed(None, pos)]
    else:
        col = np.array([0.82, 0.78, 0.70])
        inner = S - 4.0
        for side in range(4):
            r = rot_y(side * math.pi / 2)
            for x in np.arange(-inner, inner + 0.01, 3.2):
                if side == 2 and abs(x) < 2.0:
                    continue
                c = cylinder(0.22, 0.2, 3.4, col, BUILDING, 8, "rock", True).transformed(None, (x, 0.0, -inner))
                sc.parts.append(c.transformed(r))
            roof = box((2 * S, 0.3, S - inner + 0.5), np.array([0.55, 0.30, 0.22]), BUILDING, "roof", True,
                       center=(0, 3.55, -(S + inner) / 2 - 0.25), bottom=True)
            sc.parts.append(roof.transformed(r))
    # the spawn stands off the yard's axis so the middle stays free for what the prompt puts there
    sc.spawn = np.array([-6.0 if kind == "courtyard" else -4.5, 0.0, S - 5.0])
    sc.yaw_deg = 0.0
    sc.walk_heading_deg = 0.0
    sc.walk_target_m = 30.0 if kind == "courtyard" else 2 * S - 12.0
    sc.ground_fn = lambda x, z: np.zeros_like(np.asarray(x, dtype=np.float64))
    sc.objects = [{"kind": i.kind, "position": [round(float(v), 3) for v in i.position]} for i, _ in insts]
    sc.shell_instances = insts
    inner = S - (4.6 if kind == "cloister" else 0.6)

    def ground(x, z):
        return np.zeros(np.broadcast(np.asarray(x), np.asarray(z)).shape)

    def usable(x, z):
        return (np.abs(np.asarray(x)) < inner) & (np.abs(np.asarray(z)) < inner)

    walls = [((-inner, -inner), (inner, -inner), (0.0, 1.0)), ((inner, -inner), (inner, inner), (-1.0, 0.0)),
             ((-inner, inner), (-inner, -inner), (1.0, 0.0)), ((inner, inner), (3.0, inner), (0.0, -1.0)),
             ((-3.0, inner), (-inner, inner), (0.0, -1.0))]
    site = Site(sc.spawn.copy(), 0.0, 0.0, (-inner, -inner, inner, inner), ground, usable, anchors={"middle": (0.0, -1.0)}, walls=walls,
                corridor_half_width=1.2, corridor_length=sc.walk_target_m + 2.0, max_radius=2 * S,
                provided={gid} if wall_group is not None else set())
    return sc, site
