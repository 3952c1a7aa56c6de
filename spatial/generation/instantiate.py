"""The *instantiate* stage: placed instances -> labelled, lit mesh parts and the world's ``scene``.

For every :class:`~.layout.Instance` the asset registry builds the kind with the group's
attributes (colour, material, scale, state; ``lit`` at night, indoors, underground, or when the
prompt says "glowing" / "lit"), the parts are turned and moved into place (on uneven ground a
solid object sinks to the lowest corner of its footprint; a big building gets a stone plinth) and
relabelled with the kind's own label id (legend ids from 64 up, in name order), so per-splat
labels name the kinds. Named objects near the spawn get a higher splat density (the importance
budget). Emissive kinds add a point light at their glowing parts.
"""

from __future__ import annotations

import math
import zlib
from dataclasses import dataclass, field

import numpy as np

from ..core.labels import DEFAULT_LEGEND, label_id
from .layout import Instance, Layout, Site
from .materials import PointLight
from .mesh import Part, box, rot_y

FIRST_KIND_LABEL = 64
#: at most this many object lights (each costs a pass over every splat in the bake)
MAX_OBJECT_LIGHTS = 40
BUILDING = label_id("building")


@dataclass
class Instantiated:
    parts: list[Part] = field(default_factory=list)
    lights: list[PointLight] = field(default_factory=list)
    #: world.json ``scene`` entries
    records: list[dict] = field(default_factory=list)
    legend: dict[int, str] = field(default_factory=lambda: dict(DEFAULT_LEGEND))
    #: label name -> id
    label_ids: dict[str, int] = field(default_factory=dict)


def kind_legend(kind_names) -> dict[str, int]:
    """Label name -> id (64, 65, ... in name order) for the label names of ``kind_names``."""
    from .assets import registry

    names = sorted({registry.get(k).label_name for k in kind_names})
    return {n: FIRST_KIND_LABEL + i for i, n in enumerate(names)}


def _lit(graph, g, shell_indoor: bool) -> bool:
    st = set((g.attributes.get("state") or []) if g is not None else [])
    return bool(st & {"glowing", "lit", "burning"}) or graph.style.time_of_day in ("night", "sunset") or shell_indoor


def _importance(inst: Instance, spawn: np.ndarray) -> float:
    """Splat density multiplier: named objects near the spawn get up to 2.5x, filler 1x."""
    if not inst.named:
        return 1.0
    d = float(np.hypot(*(inst.position[[0, 2]] - spawn[[0, 2]])))
    return 1.0 + 1.5 * math.exp(-d / 15.0)


def instantiate(graph, layout: Layout, shell_instances: list, site: Site, seed: int) -> Instantiated:
    from .assets import registry

    out = Instantiated()
    names = [i.kind for i in layout.instances] + [i.kind for i, _ in shell_instances]
    out.label_ids = kind_legend(names)
    for n, i in out.label_ids.items():
        out.legend[i] = n
    spawn = site.spawn
    indoor = graph.shell.indoor
    emitters: list[tuple[float, PointLight]] = []
    for inst in layout.instances:
        k = registry.get(inst.kind)
        g = graph.group(inst.group)
        a = g.attributes
        params = {"color": a.get("color"), "material": a.get("material"), "scale": inst.scale, "state": list(a.get("state") or []),
                  "lit": _lit(graph, g, indoor)}
        rng = np.random.default_rng([seed & 0xFFFFFFFF, zlib.crc32(inst.id.encode())])
        local = registry.build(k.name, params, rng)
        pos = inst.position.copy()
        if inst.support is None and inst.lift == 0 and k.placement in ("ground", "wall") and not indoor:
            pos[1] = _footing(local, pos, inst.yaw_deg, site)
        r = rot_y(math.radians(inst.yaw_deg))
        lab = out.label_ids[k.label_name]
        dens = _importance(inst, spawn)
        placed = []
        for p in local:
            q = p.transformed(r, pos)
            q.label = lab
            q.density = q.density * dens
            placed.append(q)
        if not indoor and k.collider and inst.support is None and inst.size[1] > 2.5 and max(inst.size[0], inst.size[2]) > 3.0:
            gap = float(site.ground(np.array([pos[0]]), np.array([pos[2]]))[0] - pos[1])
            if gap > 0.15 or _slope_gap(inst, site) > 0.3:
                base = box((inst.size[0] * 0.96, 2.0, inst.size[2] * 0.96), np.array([0.42, 0.40, 0.37]), lab, "rock", True,
                           center=(0, -0.95, 0), bottom=False)
                placed.append(base.transformed(r, pos))
        inst.position = pos
        out.parts += placed
        out.records.append({**inst.to_dict(), "label": k.label_name, "label_id": lab, "asked": g.asked,
                            "color": None if a.get("color") is None else [round(float(c), 4) for c in a["color"]]})
        if k.emissive and params["lit"]:
            emitters.append((_light_priority(inst, spawn), _light_for(placed, k, inst)))
    for inst, parts in shell_instances:
        k = registry.get(inst.kind)
        lab = out.label_ids[k.label_name]
        for p in parts:
            p.label = lab
        out.parts += parts
        g = next((x for x in graph.groups if x.id == inst.group), None) if inst.group else None
        out.records.append({**inst.to_dict(), "label": k.label_name, "label_id": lab, "asked": g.asked if g else "", "color": None})
    emitters.sort(key=lambda t: t[0])
    out.lights = [lt for _, lt in emitters[:MAX_OBJECT_LIGHTS]]
    return out


def _footing(parts: list[Part], pos: np.ndarray, yaw_deg: float, site: Site) -> float:
    """Height that keeps a solid object's footprint on (not above) uneven ground."""
    solid = [p for p in parts if p.collider] or parts
    v = np.concatenate([p.vertices for p in solid])
    lo, hi = v.min(0), v.max(0)
    corners = np.array([[lo[0], 0, lo[2]], [hi[0], 0, lo[2]], [lo[0], 0, hi[2]], [hi[0], 0, hi[2]], [0, 0, 0]])
    corners = corners @ rot_y(math.radians(yaw_deg)).T + [pos[0], 0, pos[2]]
    return float(site.ground(corners[:, 0], corners[:, 2]).min()) - 0.05


def _slope_gap(inst: Instance, site: Site) -> float:
    lo, hi = inst.aabb()
    xs = np.array([lo[0], hi[0], lo[0], hi[0]])
    zs = np.array([lo[2], lo[2], hi[2], hi[2]])
    g = site.ground(xs, zs)
    return float(g.max() - g.min())


def _light_priority(inst: Instance, spawn: np.ndarray) -> float:
    return float(np.hypot(*(inst.position[[0, 2]] - spawn[[0, 2]]))) - (5.0 if inst.named else 0.0)


def _light_for(parts: list[Part], kind, inst: Instance) -> PointLight:
    glow = [p for p in parts if p.material == "emissive"]
    if glow:
        v = np.concatenate([p.vertices for p in glow])
        c = v.mean(0)
        col = np.concatenate([p.color for p in glow]).mean(0)
    else:
        lo, hi = inst.aabb()
        c = np.array([(lo[0] + hi[0]) / 2, hi[1] + 0.1, (lo[2] + hi[2]) / 2])
        col = np.array([1.0, 0.8, 0.55])
    if kind.light is not None:
        rgb = np.asarray(kind.light, dtype=np.float64)
    else:
        rgb = np.asarray(col, dtype=np.float64) ** 2.2 * 3.0
    return PointLight(np.asarray(c, dtype=np.float64), rgb * max(inst.scale, 0.5) ** 2, 0.3)
